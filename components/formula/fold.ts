/**
 * Folding a definition back into another: beside x_i = log π_i + g_i, the text's
 * y_i = exp((log π_i + g_i)/τ) / Σ_j exp((log π_j + g_j)/τ) is y_i = exp(x_i/τ) / Σ_j exp(x_j/τ), each occurrence of
 * x's body, under any index letter the formula uses, read as x under that letter. A derivative ∂y_i/∂x_j is then
 * taken in x, whatever letters x is made of.
 */
import type {Node} from "./ast.js";
import {toLatex} from "./print.js";
import {mapChildren} from "./rewrite.js";
import {findAll} from "./symbols.js";

/** n with the index letter `from` (a plain one-letter subscript) renamed `to`. */
export function renameIndex(n: Node, from: string, to: string): Node {
  if (n.type === "sym") return n.sub?.type === "sym" && !n.sub.sub && n.sub.name === from ? {...n, sub: {...n.sub, name: to}, subText: to} : n;
  return mapChildren(n, (c) => renameIndex(c, from, to));
}

/**
 * body with every occurrence of def (the definition of name_index) folded into name_l; undefined when there is
 * none. def must be an expression, not a single symbol or number.
 */
export function foldDefinition(body: Node, name: string, index: string, def: Node, ownIndex?: string): Node | undefined {
  if (def.type === "sym" || def.type === "num") return undefined;
  const letters = new Set([index, ...(ownIndex ? [ownIndex] : []), ...findAll(body, "sum").map((s) => s.index)]);
  const patterns = [...letters].map((l) => ({l, latex: toLatex(renameIndex(def, index, l))}));
  let folded = false;
  const visit = (n: Node): Node => {
    const latex = toLatex(n);
    const hit = patterns.find((p) => p.latex === latex);
    if (!hit) return mapChildren(n, visit);
    folded = true;
    const span = {start: n.start, end: n.end};
    return {...span, type: "sym", name, sub: {...span, type: "sym", name: hit.l}, subText: hit.l};
  };
  const out = visit(body);
  return folded ? out : undefined;
}
