import type {PyStmt} from "./gd.js";

/**
 * Splits Python source into logical lines: comments stripped, bracketed continuations joined, indentation measured.
 * Pure (no tf, no DOM).
 */

export interface LogicalLine {
  /** 1-based line inside the code block where the statement starts. */
  line: number;
  /** Indentation (spaces; a tab counts as 4) of the first physical line. */
  indent: number;
  /** Statement text without comments, continuation lines joined by a space. */
  text: string;
  /** The physical lines (1-based in the block) the statement spans. */
  phys: {line: number; text: string}[];
}

/**
 * Visits the characters of a Python line that lie outside string literals, with the bracket depth before each;
 * returns the index where `visit` returns true, else -1.
 */
export function scanCode(s: string, visit: (c: string, i: number, depth: number) => boolean | void): number {
  let quote: string | null = null;
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      continue;
    }
    if (visit(c, i, depth)) return i;
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
  }
  return -1;
}

/** Removes a trailing `# comment`, respecting quotes. */
export function stripComment(s: string): string {
  const i = scanCode(s, (c) => c === "#");
  return i < 0 ? s : s.slice(0, i);
}

/** Net bracket depth change of a comment-free line, respecting quotes. */
function depthChange(s: string): number {
  let d = 0;
  scanCode(s, (c) => {
    if (c === "(" || c === "[" || c === "{") d++;
    else if (c === ")" || c === "]" || c === "}") d--;
  });
  return d;
}

export function logicalLines(code: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  const phys = code.replace(/\r\n?/g, "\n").split("\n");
  let cur: LogicalLine | null = null;
  let depth = 0;
  for (let i = 0; i < phys.length; i++) {
    const raw = phys[i].replace(/\t/g, "    ");
    const text = stripComment(raw).trimEnd();
    if (cur) {
      cur.text += " " + text.trim();
      cur.phys.push({line: i + 1, text});
      depth += depthChange(text);
    } else {
      if (text.trim() === "") continue;
      cur = {line: i + 1, indent: raw.length - raw.trimStart().length, text: text.trim(), phys: [{line: i + 1, text}]};
      depth = depthChange(text);
    }
    const continued = cur.text.endsWith("\\");
    if (continued) cur.text = cur.text.slice(0, -1).trimEnd();
    if (depth <= 0 && !continued) {
      out.push(cur);
      cur = null;
      depth = 0;
    }
  }
  if (cur) out.push(cur);
  return out;
}

/** Builds the statement tree of one block; lines are file lines. */
export function statements(code: string, blockLine: number): PyStmt[] {
  const lines = logicalLines(code);
  const root: PyStmt[] = [];
  const stack: {indent: number; body: PyStmt[]}[] = [{indent: -1, body: root}];
  for (const l of lines) {
    while (stack.length > 1 && l.indent <= stack[stack.length - 1].indent) stack.pop();
    const s: PyStmt = {line: blockLine + l.line, text: l.text, body: [], phys: l.phys.map((p) => ({line: blockLine + p.line, text: p.text}))};
    stack[stack.length - 1].body.push(s);
    if (l.text.endsWith(":")) stack.push({indent: l.indent, body: s.body});
  }
  return root;
}

