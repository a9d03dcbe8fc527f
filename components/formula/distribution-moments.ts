/**
 * The moments a formula states, as the parser leaves them — `\mathbb{E}[x]` (E times a bracket),
 * `\operatorname{Var}(x)` (a call), `(1 - \beta^t)\mathbb{E}[g]` (a product whose last factor is E), `\mathbb{E}[X]^2`
 * (E times a bracket squared), `\text{Cov}(x, y)` — rewritten into builtin calls of the batch evaluator's moments
 * (distribution-batch.ts MOMENT_FNS). `E[g^2]_t` with a step index is a symbol of its own (a running average) and is
 * left alone. Pure: no DOM, no tf.
 */
import type {Node, NodeOf} from "./ast.js";
import {mapChildren} from "./rewrite.js";
import {MOMENT_FNS, pooled} from "./distribution-batch.js";

const OPERATORS: Record<string, string> = {E: MOMENT_FNS.mean, Var: MOMENT_FNS.variance, Cov: MOMENT_FNS.covariance, Std: MOMENT_FNS.std, SD: MOMENT_FNS.std};
const ARITY: Record<string, number> = {[MOMENT_FNS.mean]: 1, [MOMENT_FNS.variance]: 1, [MOMENT_FNS.std]: 1, [MOMENT_FNS.covariance]: 2};

/** The moment an operator symbol names (E, E_z, Var), if it is one. */
function operatorOf(n: Node): string | undefined {
  if (n.type !== "sym") return undefined;
  // E_x, E_{z}: the expectation over that variable (every random symbol is drawn anyway)
  return n.name === "E" || !n.sub ? OPERATORS[n.name] : undefined;
}

function argsOf(n: Node): Node[] | undefined {
  if (n.type === "paren") return n.arg.type === "list" ? n.arg.items : [n.arg];
  if (n.type === "tuple") return n.items;
  return undefined;
}

export interface MomentUse {
  fn: string;
  args: Node[];
}

/**
 * Rewrites the formula's moments into builtin calls; `uses` collects each (with its rewritten arguments).
 * `pool(arg)`: whether a moment of that argument pools a vector's entries (a bare random vector: its entries are
 * identically distributed, so Var(w) is their variance).
 */
export function rewriteMoments(root: Node, uses: MomentUse[], pool: (arg: Node) => boolean): Node {
  const make = (fn: string, raw: Node[], at: Node): Node | undefined => {
    if (raw.length !== ARITY[fn]) return undefined;
    const args = raw.map(rw);
    uses.push({fn, args});
    const name = raw.length === 1 && pool(raw[0]) ? pooled(fn) : fn;
    return {type: "call", fn: name, args, builtin: true, parens: "paren", start: at.start, end: at.end} as NodeOf<"call">;
  };
  const rw = (n: Node): Node => {
    if (n.type === "call" && !n.builtin && OPERATORS[n.fn]) return make(OPERATORS[n.fn], n.args, n) ?? mapChildren(n, rw);
    if (n.type === "mul" && n.op === "implicit") {
      const fn = operatorOf(n.left);
      if (fn) {
        const args = argsOf(n.right);
        if (args) return make(fn, args, n) ?? mapChildren(n, rw);
        // \mathbb{E}[X]^2
        const r = n.right;
        if (r.type === "pow" && argsOf(r.base)) {
          const m = make(fn, argsOf(r.base)!, n);
          if (m) return {...r, base: m, exp: rw(r.exp)};
        }
      }
      // (1 - \beta^t)\mathbb{E}[g]: the product (a E)[g] read as a (E[g])
      const l = n.left;
      if (l.type === "mul" && operatorOf(l.right)) {
        const before = uses.length;
        const inner = rw({...n, left: l.right});
        const moment = (x: Node) => x.type === "call" && x.builtin && x.fn.startsWith("\u0000");
        if (moment(inner) || (inner.type === "pow" && moment(inner.base))) return {...l, left: rw(l.left), right: inner};
        uses.length = before;
      }
    }
    return mapChildren(n, rw);
  };
  return rw(root);
}
