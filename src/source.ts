import {Diagnostics} from "./diagnostics.js";

/** A chapter's text after decoding, with what was cleaned out of it. */
export interface SourceText {
  text: string;
  /** Lines removed or altered by cleaning keep their numbers: cleaning never shifts lines. */
  lineCount: number;
}

const CHAT_TOKEN = /<\|[a-z_]+\|>/g;

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
    const m = l.match(CHAT_TOKEN);
    if (m) {
      diag.warn(i + 1, "chat-token", `removed model chat token ${m.join(", ")} (left over from text generation)`);
      lines[i] = l.replace(CHAT_TOKEN, "");
    }
  });
  text = lines.join("\n");
  return {text, lineCount: lines.length};
}
