/**
 * Full-text search over the book's pages, for any language: a query matches a page when the page's text contains
 * every word of the query as a substring (after Unicode normalisation and case folding). No word segmentation is
 * needed, so 梯度 or 交叉熵 find every page that contains them. Pure: no DOM.
 */

export interface SearchDoc {
  /** Page path, relative to the site root without a leading slash ("startup-chaos/math"). */
  path: string;
  title: string;
  /** The part (chapter) the page belongs to; empty for the home page and the report. */
  chapter: string;
  text: string;
}

export interface SearchHit {
  doc: SearchDoc;
  score: number;
  /** Text around the first match, with the match's offsets in it. */
  snippet: {text: string; start: number; end: number};
}

/** Unicode NFKC, lower case, whitespace collapsed: the form both the text and the query are compared in. */
export function fold(s: string): string {
  return s.normalize("NFKC").toLowerCase().replace(/\s+/g, " ");
}

/** The query's words: split at whitespace (a Chinese query is usually one word; it needs no segmentation). */
export function queryWords(query: string): string[] {
  return [...new Set(fold(query).trim().split(" ").filter(Boolean))];
}

function count(hay: string, needle: string, cap = 50): number {
  let n = 0;
  for (let i = hay.indexOf(needle); i >= 0 && n < cap; i = hay.indexOf(needle, i + needle.length)) n++;
  return n;
}

/** Pages containing every word, best first: title matches, then how often the words occur. */
export function searchDocs(docs: readonly SearchDoc[], query: string, {limit = 50, context = 36} = {}): SearchHit[] {
  const words = queryWords(query);
  if (!words.length) return [];
  const hits: SearchHit[] = [];
  for (const doc of docs) {
    const text = fold(doc.text), title = fold(doc.title), chapter = fold(doc.chapter);
    if (!words.every((w) => text.includes(w) || title.includes(w))) continue;
    let score = 0;
    for (const w of words) score += (title.includes(w) ? 20 : 0) + (chapter.includes(w) ? 5 : 0) + Math.log2(1 + count(text, w));
    const first = Math.min(...words.map((w) => text.indexOf(w)).filter((i) => i >= 0), Number.POSITIVE_INFINITY);
    const at = Number.isFinite(first) ? first : 0;
    const from = Math.max(0, at - context);
    const len = Number.isFinite(first) ? (words.find((w) => text.indexOf(w) === first) ?? "").length : 0;
    const folded = fold(doc.text);
    hits.push({doc, score, snippet: {text: (from > 0 ? "…" : "") + folded.slice(from, at + len + context) + (at + len + context < folded.length ? "…" : ""),
      start: at - from + (from > 0 ? 1 : 0), end: at - from + (from > 0 ? 1 : 0) + len}});
  }
  return hits.sort((a, b) => b.score - a.score || (a.doc.path < b.doc.path ? -1 : 1)).slice(0, limit);
}
