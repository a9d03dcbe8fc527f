/**
 * Calls of the chapter's own functions inlined: with `\ell(w) = -\sum_k …` defined in one formula, another's
 * `\ell_\lambda(w) = \ell(w) + \frac{\lambda}{2}\|w\|^2` evaluates `\ell(w)` as its definition with the argument
 * substituted, not as an unknown symbol. Pure; bounded (depth and total size).
 */
import {symKey, type Node} from "./ast.js";
import {mapChildren} from "./rewrite.js";

export interface FunctionDef {
  /** Parameter keys in order (`w`, `\mathbf{w}` → its key). */
  params: string[];
  body: Node;
}

/** How many nested expansions one call may take (a function defined through itself stops here). */
export const MAX_INLINE_DEPTH = 8;
/** Nodes an inlined expression may reach (a chain of doublings stops here). */
export const MAX_INLINE_NODES = 5_000;

function size(n: Node, limit: number): number {
  let count = 0;
  const visit = (x: Node): Node => {
    if (++count > limit) return x;
    mapChildren(x, visit);
    return x;
  };
  visit(n);
  return count;
}

/** body with each parameter symbol replaced by its argument (in parentheses). */
function substitute(body: Node, params: string[], args: Node[]): Node {
  const by = new Map(params.map((p, i) => [p, args[i]]));
  const visit = (n: Node): Node => {
    if (n.type === "sym" && !n.sub) {
      const a = by.get(symKey(n.name, n.subText));
      if (a) return a.type === "sym" || a.type === "num" ? a : {type: "paren", arg: a, delim: "()", start: n.start, end: n.end};
    }
    return mapChildren(n, visit);
  };
  return visit(body);
}

/**
 * node with every call of a function in `defs` (same arity, not built in) replaced by its body; calls it cannot
 * inline (unknown, wrong arity, too deep, too large) stay as they are.
 */
export function inlineCalls(node: Node, defs: ReadonlyMap<string, FunctionDef>, depth = 0): Node {
  if (!defs.size) return node;
  const visit = (n: Node): Node => {
    const m = mapChildren(n, visit);
    if (m.type !== "call" || m.builtin || depth >= MAX_INLINE_DEPTH) return m;
    const def = defs.get(m.fn);
    if (!def || def.params.length !== m.args.length) return m;
    const expanded = inlineCalls(substitute(def.body, def.params, m.args), defs, depth + 1);
    if (size(expanded, MAX_INLINE_NODES) > MAX_INLINE_NODES) return m;
    return {type: "paren", arg: expanded, delim: "()", start: m.start, end: m.end};
  };
  return visit(node);
}
