/** Reader text of the book's search box (components/search). */
import {messages} from "./index.js";

export const tSearch = messages({
  "zh-CN": {
    placeholder: "搜索全书",
    label: "搜索全书",
    unavailable: "搜索索引无法加载。",
    found: "找到 {n} 个页面",
    none: "没有找到"
  },
  en: {
    placeholder: "Search the book",
    label: "Search the book",
    unavailable: "The search index cannot be loaded.",
    found: "{n} pages found",
    none: "Nothing found"
  }
});
