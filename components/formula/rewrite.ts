/** Structural rewrites used to find a corrected formula: sign flips of the whole expression or of one term. */
import type {Node, NodeOf} from "./ast.js";
import {toLatex} from "./print.js";

/** Rebuilds node with f applied to each direct child. */
export function mapChildren(n: Node, f: (c: Node) => Node): Node {
  switch (n.type) {
    case "num":
    case "ellipsis":
    case "infinity":
    case "sym":
    case "set":
      return n;
    case "neg":
    case "transpose":
    case "sqrt":
    case "paren":
      return {...n, arg: f(n.arg)};
    case "add":
      return {...n, terms: n.terms.map((t) => ({sign: t.sign, node: f(t.node)}))};
    case "mul":
      return {...n, left: f(n.left), right: f(n.right)};
    case "div":
      return {...n, num: f(n.num), den: f(n.den)};
    case "pow":
      return {...n, base: f(n.base), exp: f(n.exp)};
    case "call":
      return {...n, args: n.args.map(f)};
    case "sum":
      return {...n, body: f(n.body)};
    case "grad":
      return {...n, of: f(n.of)};
    case "vector":
    case "tuple":
    case "list":
      return {...n, items: n.items.map(f)};
  }
}

export function replaceNode(root: Node, target: Node, replacement: Node): Node {
  if (root === target) return replacement;
  return mapChildren(root, (c) => replaceNode(c, target, replacement));
}

/** -x without double negatives. */
export function negate(n: Node): Node {
  if (n.type === "neg") return n.arg;
  if (n.type === "add") return {...n, terms: n.terms.map((t) => ({sign: (t.sign === 1 ? -1 : 1) as 1 | -1, node: t.node}))};
  return {type: "neg", arg: n, start: n.start, end: n.end};
}

export interface Variant {
  node: Node;
  fix: string;
}

/** Most sign variants tried (each is a copy of the formula evaluated once; a formula of 5,000 terms must not make 5,000). */
export const MAX_SIGN_VARIANTS = 100;

/** The whole expression negated, then each additive term (at any depth, not inside gradients) with its sign flipped. */
export function signVariants(root: Node, max = MAX_SIGN_VARIANTS): Variant[] {
  const out: Variant[] = [{node: negate(root), fix: "flip the sign of the whole expression"}];
  const adds: NodeOf<"add">[] = [];
  const visit = (n: Node): void => {
    if (n.type === "grad") return;
    if (n.type === "add") adds.push(n);
    mapChildren(n, (c) => (visit(c), c));
  };
  visit(root);
  for (const a of adds) {
    a.terms.forEach((t, k) => {
      if (out.length >= max) return;
      const flipped: NodeOf<"add"> = {...a, terms: a.terms.map((u, j) => (j === k ? {sign: (u.sign === 1 ? -1 : 1) as 1 | -1, node: u.node} : u))};
      out.push({node: replaceNode(root, a, flipped), fix: `flip the sign of the term ${toLatex(t.node)}`});
    });
  }
  return out;
}
