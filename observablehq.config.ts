import {existsSync, readFileSync} from "node:fs";

// The generator (npm run generate) writes the book into book/ and its table of contents here.
const tocPath = "book/.gradbook/toc.json";
// It also carries the book's language and the labels Framework has no option for, from the catalogue
// (components/i18n/book.ts) in that language: the config itself holds no reader text.
const toc = existsSync(tocPath) ? JSON.parse(readFileSync(tocPath, "utf-8")) : {title: "gradbook", parts: [], pages: []};
const lang: string = toc.lang === "en" ? "en" : "zh-CN";
const labels: {toc?: string; sidebarToggle?: string; footer?: string} = toc.labels ?? {};
const attr = (s: string) => JSON.stringify(s).replace(/</g, "\\u003c");
const text = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

export default {
  root: "book",
  output: "dist",
  title: toc.title,
  // Part headings carry no link: a link inside the collapsible <summary> is a nested interactive control (axe);
  // each part's index page is reached from the home page and every page's breadcrumb.
  pages: [
    ...toc.parts.map((p: {name: string; path: string; pages: {name: string; path: string}[]}) => ({
      name: p.name,
      collapsible: true,
      open: false,
      pages: p.pages
    })),
    // The book's own pages after the parts (the homework index)
    ...(toc.pages ?? [])
  ],
  pager: true,
  // Framework's search splits words only at spaces and punctuation (most Chinese words are never found): the book
  // has its own (scripts/search.ts, components/search/), linked from every page after the build.
  search: false,
  toc: {show: true, label: labels.toc ?? "Contents"},
  // Offline: no Google Fonts (globalStylesheets), no footer link, no CDN; the stylesheet inlines KaTeX's fonts.
  globalStylesheets: [],
  style: "gradbook.css",
  footer: text(labels.footer ?? toc.title),
  // Framework 1.13 has no language option: set it before anything renders (screen readers, hyphenation, axe); the
  // sidebar toggle's title, which Framework's client sets in English once loaded, is set again after it.
  // The favicon is inline (no request, no 404): a ∇ on the book's blue.
  head: `<meta name="color-scheme" content="light dark"><link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='6' fill='%233b6fb6'/%3E%3Cpath d='M7 8h18L16 25z' fill='none' stroke='white' stroke-width='3' stroke-linejoin='round'/%3E%3C/svg%3E"><script>document.documentElement.lang = ${attr(lang)};</script><script type="module">{const label = ${attr(labels.sidebarToggle ?? "")}; const key = /Mac|iPhone/.test(navigator.platform) ? "⌘B" : "Alt-B"; const f = () => { for (const e of document.querySelectorAll("#observablehq-sidebar-toggle, label[for='observablehq-sidebar-toggle']")) { e.setAttribute("title", label + " " + key); if (e.tagName === "INPUT") e.setAttribute("aria-label", label); } }; f(); addEventListener("DOMContentLoaded", f); addEventListener("load", f);}</script>`,
  linkify: false,
  typographer: false
};
