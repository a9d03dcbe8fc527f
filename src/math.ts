import type MarkdownIt from "markdown-it";
import type StateBlock from "markdown-it/lib/rules_block/state_block.mjs";
import type StateInline from "markdown-it/lib/rules_inline/state_inline.mjs";

/** A formula found in a chapter: what the formula engine and the check report see. */
export interface MathOccurrence {
  id: string;
  latex: string;
  display: boolean;
  /** 1-based line in the source file. */
  line: number;
}

export interface MathEnv {
  lineOffset: number;
  math: MathOccurrence[];
  idPrefix: string;
  onUnclosed(line: number): void;
}

/**
 * markdown-it rules for `$$…$$` display blocks (one or many lines, the seeds' `\\` systems included), inline
 * `$$…$$` (display math inside a paragraph or list item) and inline `$…$`. An unclosed `$$` is reported and left
 * as text, so it never swallows the rest of the document.
 */
export function mathPlugin(md: MarkdownIt): void {
  md.block.ruler.before("fence", "math_block", mathBlock, {alt: ["paragraph", "reference", "blockquote", "list"]});
  md.inline.ruler.before("escape", "math_inline", mathInline);
}

function mathBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  let pos = state.bMarks[startLine] + state.tShift[startLine];
  const max = state.eMarks[startLine];
  if (state.sCount[startLine] - state.blkIndent >= 4) return false;
  if (pos + 2 > max || state.src.slice(pos, pos + 2) !== "$$") return false;
  pos += 2;
  const firstRest = state.src.slice(pos, max);
  let content: string;
  let last = startLine;
  const closeOnFirst = firstRest.trimEnd().endsWith("$$") && firstRest.trim().length >= 2;
  if (closeOnFirst) {
    const t = firstRest.trimEnd();
    content = t.slice(0, -2);
    // `$$a$$ text` is inline display math inside a paragraph, not a block.
    if (content.includes("$$")) return false;
  } else {
    const lines = [firstRest];
    let found = false;
    for (let line = startLine + 1; line < endLine; line++) {
      const s = state.bMarks[line] + state.tShift[line];
      const e = state.eMarks[line];
      const text = state.src.slice(s, e);
      if (s >= e && state.isEmpty(line)) break; // a blank line ends the search: LaTeX has no blank lines
      const close = text.trimEnd().endsWith("$$");
      if (close) {
        lines.push(text.trimEnd().slice(0, -2));
        last = line;
        found = true;
        break;
      }
      lines.push(state.src.slice(state.bMarks[line], e));
    }
    if (!found) {
      if (!silent) (state.env as MathEnv).onUnclosed?.(startLine + 1 + ((state.env as MathEnv).lineOffset ?? 0));
      return false;
    }
    content = lines.join("\n");
  }
  if (silent) return true;
  const token = state.push("math_block", "math", 0);
  token.block = true;
  token.content = content.trim();
  token.map = [startLine, last + 1];
  token.markup = "$$";
  state.line = last + 1;
  return true;
}

function mathInline(state: StateInline, silent: boolean): boolean {
  const src = state.src;
  const start = state.pos;
  if (src.charCodeAt(start) !== 0x24 /* $ */) return false;
  if (start > 0 && src.charCodeAt(start - 1) === 0x5c /* \ */) return false;
  const display = src.charCodeAt(start + 1) === 0x24;
  const open = display ? 2 : 1;
  let end = -1;
  for (let i = start + open; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c === 0x5c) {
      i++;
      continue;
    }
    if (c === 0x24) {
      if (display) {
        if (src.charCodeAt(i + 1) === 0x24) {
          end = i;
          break;
        }
      } else {
        end = i;
        break;
      }
    }
  }
  if (end < 0) return false;
  const content = src.slice(start + open, end);
  if (!display) {
    // Pandoc's rule: no space just inside the dollars, no digit right after the closing one ("$5 and $6").
    if (!content || /^\s/.test(content) || /\s$/.test(content)) return false;
    if (/[0-9]/.test(src.charAt(end + 1))) return false;
  } else if (!content.trim()) return false;
  if (!silent) {
    const token = state.push(display ? "math_inline_display" : "math_inline", "math", 0);
    token.content = content.trim();
    token.markup = display ? "$$" : "$";
  }
  state.pos = end + open;
  return true;
}
