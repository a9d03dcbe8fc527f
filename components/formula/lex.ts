/** Tokenizer for the LaTeX subset the formula engine understands. */
import {FormulaError} from "./ast.js";
import {FormulaLimitError, MAX_FORMULA_CHARS} from "./limits.js";

export type TokenKind = "cmd" | "word" | "num" | "op" | "newline" | "eof";

export interface Token {
  kind: TokenKind;
  /** `\frac` → "frac"; words and numbers as written; ops as the character(s). */
  text: string;
  start: number;
  end: number;
  /** Whitespace before the token in the source. */
  spaceBefore: boolean;
}

const OPS = new Set(["{", "}", "(", ")", "[", "]", "^", "_", "'", "+", "-", "*", "/", "=", ",", "|", "<", ">", "!", ":", ";", "."]);

/** Spacing commands that mean nothing to the value. */
const SPACING = new Set([",", ";", "!", ":", " ", "displaystyle", "textstyle", "scriptstyle", "limits", "nolimits", "qquad_ignored",
  // sizing of delimiters: \bigg( is (
  "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr"]);

/** Units written after a number (\text{nat}, \mathrm{ms}, \text{ bits}). */
const UNITS = /^(?:nats?|bits?|bytes?|[KMGT]i?B|ms|s|sec|seconds?|min|h|hours?|px|dB|FLOPs?|MACs?|params?|parameters|steps?|epochs?|samples?|tokens?|images?|%|个|秒|毫秒|步|轮|字节|比特|奈特)$/;

/** The units a formula writes after its numbers. */
function unitsIn(latex: string): Set<string> {
  const out = new Set<string>();
  for (const m of latex.slice(0, 4000).matchAll(/\d\s*(?:\\[ ,;:!]|~|\s)*\\(?:text|textrm|mathrm)\s*\{\s*([^{}\\]{1,12}?)\s*\}/g)) if (UNITS.test(m[1])) out.add(m[1].replace(/s$/, ""));
  return out;
}

const RAW_TEXT = new Set(["text", "textrm", "mathrm", "textit", "textbf", "mbox", "operatorname", "mathit", "mathsf"]);
const FULL_WIDTH: Record<string, string> = {"，": ",", "；": ";", "：": ":", "。": ".", "（": "(", "）": ")"};

/** The braced group at j (after spaces) when it holds characters outside ASCII: its text and brace offsets. */
function rawGroup(latex: string, j: number): {open: number; close: number; text: string} | undefined {
  let open = j;
  while (latex[open] === " ") open++;
  if (latex[open] !== "{") return undefined;
  let depth = 0;
  for (let k = open; k < latex.length && k < open + 200; k++) {
    if (latex[k] === "{") depth++;
    else if (latex[k] === "}" && --depth === 0) {
      const text = latex.slice(open + 1, k);
      return /[^\x00-\x7f]/.test(text) && !/[\\{}$]/.test(text) ? {open, close: k, text: text.trim()} : undefined;
    }
  }
  return undefined;
}

export function tokenize(latex: string): Token[] {
  if (latex.length > MAX_FORMULA_CHARS)
    throw new FormulaLimitError("length", `formula longer than ${MAX_FORMULA_CHARS.toLocaleString("en-US")} characters (${latex.length.toLocaleString("en-US")})`, MAX_FORMULA_CHARS, "", latex);
  const out: Token[] = [];
  let i = 0;
  let space = false;
  let units: Set<string> | undefined;
  const n = latex.length;
  while (i < n) {
    const c = latex[i];
    if (/\s/.test(c)) {
      space = true;
      i++;
      continue;
    }
    const start = i;
    if (c === "&") {
      // Alignment marks carry no meaning for the value in aligned environments (the parser drops them there) and
      // separate the entries of a row in matrix environments.
      out.push({kind: "op", text: "&", start: i, end: i + 1, spaceBefore: true});
      i++;
      space = true;
      continue;
    }
    if (c === "~") {
      // a non-breaking space
      space = true;
      i++;
      continue;
    }
    if (c === "%") {
      while (i < n && latex[i] !== "\n") i++;
      continue;
    }
    if (c === "\\") {
      const next = latex[i + 1];
      if (next === undefined) throw new FormulaError("a lone backslash at the end", i, "\\", latex);
      if (next === "\\") {
        // \\[4pt]: a line break with extra space; the space is layout only
        const gap = /^\s*\[\s*-?\d*\.?\d+\s*(?:pt|em|ex|mm|cm|in|mu|bp|pc|sp)\s*\]/.exec(latex.slice(i + 2));
        out.push({kind: "newline", text: "\\\\", start, end: i + 2, spaceBefore: space});
        i += 2 + (gap ? gap[0].length : 0);
        space = false;
        continue;
      }
      if (/[A-Za-z]/.test(next)) {
        let j = i + 1;
        while (j < n && /[A-Za-z]/.test(latex[j])) j++;
        const name = latex.slice(i + 1, j);
        // x \stackrel{\text{def}}{=} …, \overset{def}{=}: a definition, the relation it decorates.
        const decorated = name === "stackrel" || name === "overset" ? /^\s*\{(?:[^{}]|\{[^{}]*\})*\}\s*\{\s*(=|\\approx|\\to)\s*\}/.exec(latex.slice(j)) : null;
        if (decorated) {
          const rel = decorated[1];
          out.push(rel === "=" ? {kind: "op", text: "=", start, end: j + decorated[0].length, spaceBefore: space} : {kind: "cmd", text: rel.slice(1), start, end: j + decorated[0].length, spaceBefore: space});
          i = j + decorated[0].length;
          space = false;
          continue;
        }
        i = j;
        // \Vert is \| (a norm's bars, or the separator of KL(p \Vert q))
        if (name === "Vert") {
          out.push({kind: "cmd", text: "|", start, end: j, spaceBefore: space});
          space = false;
          continue;
        }
        if (SPACING.has(name)) {
          space = true;
          continue;
        }
        // 0.6068 \ \text{nat}, 12 \,\mathrm{ms}: a unit after a number, not a factor (dropped, as a space)
        // (not two units in one formula, 0.6931 nat = 1 bit: a conversion, whose numbers differ)
        const unit = RAW_TEXT.has(name) && out[out.length - 1]?.kind === "num" ? /^\s*\{\s*([^{}\\]{1,12}?)\s*\}/.exec(latex.slice(j, j + 40)) : undefined;
        if (unit && UNITS.test(unit[1]) && (units ??= unitsIn(latex)).size === 1) {
          i = j + unit[0].length;
          space = true;
          continue;
        }
        out.push({kind: "cmd", text: name, start, end: j, spaceBefore: space});
        space = false;
        // \text{其中}, \text{，从而}: text the math lexer has no tokens for is one word (a name or a connector).
        const raw = RAW_TEXT.has(name) ? rawGroup(latex, j) : undefined;
        if (raw) {
          out.push({kind: "op", text: "{", start: raw.open, end: raw.open + 1, spaceBefore: false});
          out.push({kind: "word", text: raw.text, start: raw.open + 1, end: raw.close, spaceBefore: false});
          out.push({kind: "op", text: "}", start: raw.close, end: raw.close + 1, spaceBefore: false});
          i = raw.close + 1;
        }
        continue;
      }
      // \{ \} \| and spacing \, \; \! \: "\ "
      if (SPACING.has(next)) {
        i += 2;
        space = true;
        continue;
      }
      if (next === "{" || next === "}" || next === "|") {
        out.push({kind: "cmd", text: next, start, end: i + 2, spaceBefore: space});
        i += 2;
        space = false;
        continue;
      }
      throw new FormulaError(`unknown command \\${next}`, i, `\\${next}`, latex);
    }
    if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(latex[i + 1] ?? ""))) {
      let j = i;
      while (j < n && /[0-9]/.test(latex[j])) j++;
      // 8{,}786 and 73\,856: a thousands separator inside an integer (groups of three digits)
      let grouped = false;
      const group = /^(?:\{,\}|\\,)\d{3}(?![0-9])/;
      if (j - i <= 3) for (let sep = group.exec(latex.slice(j, j + 8)); sep; sep = group.exec(latex.slice(j, j + 8))) (j += sep[0].length, grouped = true);
      if (grouped) {
        out.push({kind: "num", text: latex.slice(i, j).replace(/\{,\}|\\,/g, ""), start, end: j, spaceBefore: space});
        i = j;
        space = false;
        continue;
      }
      if (latex[j] === "." && /[0-9]/.test(latex[j + 1] ?? "")) {
        j++;
        while (j < n && /[0-9]/.test(latex[j])) j++;
      }
      out.push({kind: "num", text: latex.slice(i, j), start, end: j, spaceBefore: space});
      i = j;
      space = false;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (j < n && /[A-Za-z]/.test(latex[j])) j++;
      // "Cross-Entropy": two words joined by a hyphen with no spaces form one name.
      while (latex[j] === "-" && /[A-Za-z]{2}/.test(latex.slice(j + 1, j + 3)) && j - i >= 2) {
        let k = j + 1;
        while (k < n && /[A-Za-z]/.test(latex[k])) k++;
        j = k;
      }
      out.push({kind: "word", text: latex.slice(i, j), start, end: j, spaceBefore: space});
      i = j;
      space = false;
      continue;
    }
    if (c === "." && latex.slice(i, i + 3) === "...") {
      out.push({kind: "cmd", text: "ldots", start, end: i + 3, spaceBefore: space});
      i += 3;
      space = false;
      continue;
    }
    if (c === ":" && latex[i + 1] === "=") {
      // `:=` (assignment / definition) is one relation.
      out.push({kind: "op", text: ":=", start, end: i + 2, spaceBefore: space});
      i += 2;
      space = false;
      continue;
    }
    if (FULL_WIDTH[c]) {
      // Full-width punctuation of Chinese text (，；：。) reads as its ASCII twin.
      out.push({kind: "op", text: FULL_WIDTH[c], start, end: i + 1, spaceBefore: space});
      i++;
      space = false;
      continue;
    }
    if (OPS.has(c)) {
      out.push({kind: "op", text: c, start, end: i + 1, spaceBefore: space});
      i++;
      space = false;
      continue;
    }
    throw new FormulaError(`unexpected character ${JSON.stringify(c)}`, i, c, latex);
  }
  out.push({kind: "eof", text: "", start: n, end: n, spaceBefore: space});
  return out;
}
