import {existsSync, readFileSync} from "node:fs";

// The generator (npm run generate) writes the book into book/ and its table of contents here.
const tocPath = "book/.gradbook/toc.json";
const toc = existsSync(tocPath) ? JSON.parse(readFileSync(tocPath, "utf-8")) : {title: "gradbook", parts: []};

export default {
  root: "book",
  output: "dist",
  title: toc.title,
  pages: toc.parts.map((p: {name: string; path: string; pages: {name: string; path: string}[]}) => ({
    name: p.name,
    path: p.path,
    collapsible: true,
    open: false,
    pages: p.pages
  })),
  pager: true,
  search: true,
  toc: {show: true, label: "本页目录"},
  // Offline: no Google Fonts (globalStylesheets), no footer link, no CDN; the stylesheet inlines KaTeX's fonts.
  globalStylesheets: [],
  style: "gradbook.css",
  footer: "gradbook — 由 chapters/ 生成；离线可用。",
  head: `<meta name="color-scheme" content="light dark">`,
  linkify: false,
  typographer: false
};
