import {Diagnostics} from "./diagnostics.js";

/** A chapter's text after decoding, with what was cleaned out of it. */
export interface SourceText {
  text: string;
  /** Lines removed or altered by cleaning keep their numbers: cleaning never shifts lines. */
  lineCount: number;
}

const CHAT_TOKEN = /<\|[a-z_]+\|>/g;

/** Sentences a text generator writes about its own output ("this article strictly followed the given structure…"). */
const GENERATION_LEFTOVERS = [
  /至此，我们已经完成了(这篇|本篇)?文章的撰写/,
  /严格遵循了所给定的结构和要求/,
  /以上就是关于.{0,40}的(技术博客)?文章/,
  /\bAs an AI (language )?model\b/i
];

/** Line number (1-based) of a character offset in text. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Decodes a chapter's bytes as UTF-8 and cleans what would break rendering, reporting every change.
 * Never throws: a file that is not UTF-8 is decoded lossily with an error per bad line, so the rest survives.
 */
export function decodeSource(bytes: Uint8Array, diag: Diagnostics): SourceText {
  if (bytes.length === 0 || /^\s*$/.test(new TextDecoder().decode(bytes))) {
    diag.error(1, "empty-file", "the file is empty: nothing to build");
    return {text: "", lineCount: 0};
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", {fatal: true}).decode(bytes);
  } catch {
    text = new TextDecoder("utf-8").decode(bytes);
    const lines = text.split("\n");
    let reported = 0;
    lines.forEach((l, i) => {
      if (l.includes("\ufffd") && reported++ < 5) {
        diag.error(i + 1, "not-utf8", "this line is not valid UTF-8; bad bytes are shown as \ufffd (save the file as UTF-8)");
      }
    });
    if (reported === 0) diag.error(1, "not-utf8", "the file is not valid UTF-8 (save it as UTF-8)");
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  text = text.replace(/\r\n?/g, "\n");
  const lines = text.split("\n");
  lines.forEach((l, i) => {
    if (l.includes("\ufffd") && !diag.items.some((d) => d.code === "not-utf8" && d.line === i + 1)) {
      diag.warn(i + 1, "replacement-char", "the text contains \ufffd: characters were lost before this file was saved");
    }
    if (GENERATION_LEFTOVERS.some((re) => re.test(l))) {
      diag.warn(i + 1, "generation-leftover", "this line reads like a text generator's note about the article, not part of it; consider removing it");
    }
    const m = l.match(CHAT_TOKEN);
    if (m) {
      diag.warn(i + 1, "chat-token", `removed model chat token ${m.join(", ")} (left over from text generation)`);
      lines[i] = l.replace(CHAT_TOKEN, "");
    }
  });
  text = lines.join("\n");
  return {text, lineCount: lines.length};
}
