import {tBook} from "../components/i18n/book.js";
/**
 * A title for a document that has no `# heading`: the name the text gives itself (“…” after 关于), else its
 * keywords, else its first sentence. Returns where it came from so the warning can say so.
 */
export function deriveTitle(text: string): {title: string; from: string} {
  const quoted = text.match(/关于[“"「]([^”"」\n]{2,40})[”"」]/);
  if (quoted) return {title: quoted[1].trim(), from: "the closing paragraph (关于“…”)"};
  const kw = text.match(/^\s*(?:关键词|关键字|keywords)\s*[:：]\s*(.+)$/im);
  if (kw) {
    const words = kw[1].split(/[，,、;；]/).map((w) => w.trim()).filter(Boolean);
    if (words.length) return {title: words.slice(0, 3).join(" · "), from: "the keywords line"};
  }
  const para = text
    .split("\n")
    .map((l) => l.replace(/^[>#\s*-]+/, "").trim())
    .find((l) => l.length > 4 && !l.startsWith("$") && !l.startsWith("```"));
  if (para) {
    const sentence = para.split(/[。！？.!?]/)[0];
    return {title: sentence.length > 30 ? sentence.slice(0, 30) + "…" : sentence, from: "the first sentence"};
  }
  return {title: tBook("untitled"), from: "nothing (the document has no text)"};
}
