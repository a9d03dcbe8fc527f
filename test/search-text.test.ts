import {describe, expect, test} from "vitest";
import {fold, queryWords, searchDocs, type SearchDoc} from "../components/search/searchText.js";
import {mainText} from "../scripts/search.js";

const docs: SearchDoc[] = [
  {path: "a/math", title: "数学模型", chapter: "1. 第一章", text: "对交叉熵损失求梯度，得到反向传播的公式。"},
  {path: "a/code", title: "代码", chapter: "1. 第一章", text: "用 Keras 在 MNIST 上训练；梯度下降。"},
  {path: "b/faq", title: "梯度消失是什么？", chapter: "2. 第二章", text: "常见问题。"}
];

describe("searchDocs", () => {
  test("Chinese terms need no segmentation: substring matches, title matches first", () => {
    expect(searchDocs(docs, "梯度").map((h) => h.doc.path)).toEqual(["b/faq", "a/code", "a/math"]);
    expect(searchDocs(docs, "交叉熵").map((h) => h.doc.path)).toEqual(["a/math"]);
    expect(searchDocs(docs, "反向 传播").map((h) => h.doc.path)).toEqual(["a/math"]);
    expect(searchDocs(docs, "不存在")).toEqual([]);
    expect(searchDocs(docs, "   ")).toEqual([]);
  });
  test("case and width folded (ｍｎｉｓｔ finds MNIST); every word must occur", () => {
    expect(searchDocs(docs, "ｍｎｉｓｔ").map((h) => h.doc.path)).toEqual(["a/code"]);
    expect(searchDocs(docs, "keras mnist").map((h) => h.doc.path)).toEqual(["a/code"]);
    expect(searchDocs(docs, "keras 交叉熵")).toEqual([]);
    expect(queryWords(" Adam  adam ")).toEqual(["adam"]);
    expect(fold("ＡＢ\n c")).toBe("ab c");
  });
  test("the snippet marks the first match", () => {
    const [hit] = searchDocs(docs, "反向传播");
    expect(hit.snippet.text.slice(hit.snippet.start, hit.snippet.end)).toBe("反向传播");
    const long: SearchDoc = {path: "x", title: "t", chapter: "", text: "甲".repeat(100) + "目标" + "乙".repeat(100)};
    const [h2] = searchDocs([long], "目标", {context: 5});
    expect(h2.snippet.text).toBe("…甲甲甲甲甲目标乙乙乙乙乙…");
    expect(h2.snippet.text.slice(h2.snippet.start, h2.snippet.end)).toBe("目标");
  });
});

describe("mainText(html)", () => {
  test("the main column's text: no script, style or KaTeX's HTML copy; the formula once, as LaTeX", () => {
    const html = `<html><head><title>数学 | 书</title></head><body><nav>侧边栏</nav><main id="observablehq-main"><h1>数学</h1>
      <p>损失<span class="katex"><span class="katex-mathml"><math><semantics><mi>L</mi><annotation encoding="application/x-tex">L = \\sum_i</annotation></semantics></math></span><span class="katex-html">L=∑</span></span>很重要。</p>
      <script>var x = "不要";</script><style>.a{}</style></main><footer>页脚</footer></body></html>`;
    const {title, text} = mainText(html);
    expect(title).toBe("数学");
    expect(text).toBe("数学 损失 L = \\sum_i 很重要。");
  });
});
