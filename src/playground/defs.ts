/**
 * Every definition a chapter prints (`L(w, b) = …`, `\hat{y}_i = w x_i + b`, `y = \sigma(W \cdot x + b)`), parsed
 * once with its line, section and the prose around it. Definitions in `aligned` systems count line by line.
 */
import {symKey, type Node} from "../../components/formula/ast.js";
import {parseFormula} from "../../components/formula/parse.js";
import {readSumOverRest} from "../../components/formula/scope.js";
import type {ChapterModel} from "../chapter.js";

export interface Definition {
  /** Base name of the left side (`L`, `\hat{y}`, `y'`, `f`). */
  name: string;
  /** Subscript of the left side when it is an index (`i` in `\hat{y}_i`). */
  index?: string;
  /** Arguments of the left side (`w`, `b` in `L(w, b)`), as symbol keys. */
  args?: string[];
  lhsLatex: string;
  /** The right side, sums read over the terms that use their index. */
  body: Node;
  latex: string;
  line: number;
  display: boolean;
  section: number;
  /** Source lines around the formula (±6), for the names and roles the prose gives. */
  prose: string;
}

function symArgs(items: Node[]): string[] | undefined {
  const keys = items.map((a) => (a.type === "sym" ? (a.subText ? `${a.name}_${a.subText.length === 1 ? a.subText : `{${a.subText}}`}` : a.name) : undefined));
  return keys.every((k) => k !== undefined) ? (keys as string[]) : undefined;
}

/** The left side as (name, index, args), or undefined when it is no definable thing. */
export function readLhs(lhs: Node): {name: string; index?: string; args?: string[]} | undefined {
  if (lhs.type === "sym") {
    if (!lhs.sub) return {name: lhs.name};
    if (lhs.sub.type === "sym" && !lhs.sub.sub && /^[ijkn]$/.test(lhs.sub.name)) return {name: lhs.name, index: lhs.sub.name};
    return {name: `${lhs.name}_${lhs.subText!.length === 1 ? lhs.subText : `{${lhs.subText}}`}`};
  }
  if (lhs.type === "call" && !lhs.builtin) {
    const args = symArgs(lhs.args);
    return args ? {name: lhs.fn, args} : undefined;
  }
  // \mathcal{L}(\theta), \ell(w, b) and h_\theta(x) parse as a product of a symbol and a bracket
  if (lhs.type === "mul" && lhs.op === "implicit" && lhs.left.type === "sym" && lhs.right.type === "paren" && !(lhs.left.sub?.type === "sym" && /^[ijkn]$/.test(lhs.left.sub.name))) {
    const inner = lhs.right.arg;
    const args = symArgs(inner.type === "list" || inner.type === "tuple" ? inner.items : [inner]);
    return args ? {name: symKey(lhs.left.name, lhs.left.subText), args} : undefined;
  }
  if (lhs.type === "mul" && lhs.left.type === "sym" && !lhs.left.sub && lhs.right.type === "tuple") {
    const args = symArgs(lhs.right.items);
    return args ? {name: lhs.left.name, args} : undefined;
  }
  return undefined;
}

/** One parse per formula; a formula that does not parse defines nothing. */
export function chapterDefinitions(chapter: ChapterModel): Definition[] {
  const lines = chapter.text.split("\n");
  const out: Definition[] = [];
  chapter.sections.forEach((s, section) => {
    for (const m of s.math) {
      let formula;
      try {
        formula = parseFormula(m.latex);
      } catch {
        continue;
      }
      const prose = lines.slice(Math.max(0, m.line - 7), m.line + 6).join("\n");
      for (const line of formula.lines) {
        if (!line.rest.length || line.rest[0].rel !== "=") continue;
        const lhs = readLhs(line.first);
        if (!lhs) continue;
        const lhsLatex = m.latex.slice(line.first.start, line.first.end);
        out.push({...lhs, lhsLatex, body: readSumOverRest(line.rest[0].node).node, latex: m.latex, line: m.line, display: m.display, section, prose});
      }
    }
  });
  return out;
}
