/**
 * The book's search box (replaces Framework's, whose tokenizer splits only at spaces and punctuation and so misses
 * most Chinese words). It sits at the top of the sidebar, loads the index (search.json beside this script) on first
 * use and lists every page containing the query, with its chapter and a snippet. Labels in the book's language
 * (<html lang>, components/i18n/search.ts).
 */
import {tSearch} from "../i18n/search.js";
import {type SearchDoc, searchDocs} from "./searchText.js";

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

export function BookSearch(indexUrl: string, siteRoot: string): HTMLElement {
  const box = el("div", {id: "gb-search", role: "search"});
  const input = el("input", {type: "search", placeholder: tSearch("placeholder"), "aria-label": tSearch("label"), autocomplete: "off", spellcheck: "false"});
  const status = el("div", {class: "gb-search-status", "aria-live": "polite"});
  const list = el("ol", {class: "gb-search-results"});
  box.append(input, status, list);
  let docs: Promise<SearchDoc[]> | undefined;
  const load = () => (docs ??= fetch(indexUrl).then((r) => {
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    return r.json() as Promise<SearchDoc[]>;
  }));
  let seq = 0;
  const run = async () => {
    const q = input.value;
    const mine = ++seq;
    if (!q.trim()) {
      status.textContent = "";
      list.replaceChildren();
      return;
    }
    let all: SearchDoc[];
    try {
      all = await load();
    } catch {
      status.textContent = tSearch("unavailable");
      return;
    }
    if (mine !== seq) return;
    const hits = searchDocs(all, q);
    status.textContent = hits.length ? tSearch("found", {n: hits.length}) : tSearch("none");
    list.replaceChildren(...hits.map((h) => {
      const li = el("li", {class: "gb-search-hit"});
      const a = el("a", {href: siteRoot + h.doc.path});
      a.append(el("span", {class: "gb-search-title"}, h.doc.title));
      if (h.doc.chapter) a.append(el("span", {class: "gb-search-chapter"}, h.doc.chapter));
      const snip = el("span", {class: "gb-search-snippet"});
      const {text, start, end} = h.snippet;
      snip.append(text.slice(0, start), el("mark", {}, text.slice(start, end)), text.slice(end));
      a.append(snip);
      li.append(a);
      return li;
    }));
  };
  input.addEventListener("focus", () => void load().catch(() => undefined), {once: true});
  input.addEventListener("input", () => void run());
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") list.querySelector("a")?.click();
    if (e.key === "Escape") {
      input.value = "";
      void run();
    }
  });
  return box;
}
