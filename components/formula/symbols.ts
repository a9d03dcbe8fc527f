/** Symbol bookkeeping: free symbols of an expression and canonical hyper-parameter names. */
import {symKey, type Node, type NodeOf} from "./ast.js";

/** `\alpha`→alpha, `\eta`→alpha, `\beta_1`→beta_1, `\epsilon`→epsilon, `\gamma`→gamma; others lose backslashes and braces. */
export function canonicalHyper(key: string): string {
  const k = key.replace(/\s+/g, "");
  const map: Record<string, string> = {
    "\\alpha": "alpha", "\\eta": "alpha", lr: "alpha", "\\beta_1": "beta_1", "\\beta_{1}": "beta_1", "\\beta_2": "beta_2",
    "\\beta_{2}": "beta_2", "\\epsilon": "epsilon", "\\varepsilon": "epsilon", "\\gamma": "gamma", "\\beta": "beta",
    "\\rho": "rho", "\\lambda": "lambda", "\\mu": "mu"
  };
  if (map[k]) return map[k];
  return k.replace(/\\/g, "").replace(/[{}]/g, "");
}

export interface SymbolUse {
  key: string;
  node: NodeOf<"sym">;
  /** The sum indices in scope where it is used. */
  indices: string[];
}

/**
 * Every symbol use outside of sum indices and bounds, with the sums it sits in. Does not descend into subscripts
 * (they index the symbol) nor into the `of` of gradients when skipGradients is set.
 */
export function symbolUses(node: Node, options: {skipGradients?: boolean} = {}): SymbolUse[] {
  const out: SymbolUse[] = [];
  const visit = (n: Node, indices: string[]): void => {
    switch (n.type) {
      case "sym":
        out.push({key: symKey(n.name, n.subText), node: n, indices});
        return;
      case "sum":
        if (n.from) visit(n.from, indices);
        if (n.to) visit(n.to, indices);
        visit(n.body, [...indices, n.index]);
        return;
      case "grad":
        if (options.skipGradients) return;
        visit(n.of, indices);
        return;
      case "call":
        n.args.forEach((a) => visit(a, indices));
        return;
      default:
        for (const c of childrenOf(n)) visit(c, indices);
    }
  };
  visit(node, []);
  return out;
}

import {children as childrenOf} from "./ast.js";

/** True when the subscript of a symbol use is (or mentions) one of the sum indices in scope. */
export function indexedBy(use: SymbolUse): string | undefined {
  const sub = use.node.sub;
  if (!sub) return undefined;
  const names = new Set<string>();
  const visit = (n: Node): void => {
    if (n.type === "sym") names.add(n.name);
    for (const c of childrenOf(n)) visit(c);
  };
  visit(sub);
  return use.indices.find((i) => names.has(i));
}

/** A number as printed, signed or not: `2`, `-1` (a worked point's coordinate, a function's argument at a point). */
/** LaTeX Greek letter names and the letters prose writes for them (`\lambda` → λ). */
export const GREEK_LETTERS: Record<string, string> = {alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", varepsilon: "ε", eta: "η", theta: "θ",
  kappa: "κ", lambda: "λ", mu: "μ", nu: "ν", xi: "ξ", pi: "π", rho: "ρ", sigma: "σ", tau: "τ", phi: "φ", chi: "χ", psi: "ψ", omega: "ω", zeta: "ζ"};

export const isSignedNumber = (n: Node): boolean => n.type === "num" || (n.type === "neg" && n.arg.type === "num");

/** Whether n is made of numbers only (no symbol but Euler's e and π): `0.5 \ln 0.5`, `e^{1}/(2e^{0.5} + e^{1})`. */
export const numbersOnly = (n: Node): boolean => symbolUses(n).every((u) => u.key === "e" || u.key === "\\pi");

export function containsType(node: Node, type: Node["type"]): boolean {
  let found = false;
  const visit = (n: Node): void => {
    if (found) return;
    if (n.type === type) found = true;
    for (const c of childrenOf(n)) visit(c);
  };
  visit(node);
  return found;
}

export function findAll<T extends Node["type"]>(node: Node, type: T): NodeOf<T>[] {
  const out: NodeOf<T>[] = [];
  const visit = (n: Node): void => {
    if (n.type === type) out.push(n as NodeOf<T>);
    for (const c of childrenOf(n)) visit(c);
  };
  visit(node);
  return out;
}

/** The two indices of `x_{ij}` / `x_{i,j}` / `x_{jk}`, if the subscript is that. */
export function twoIndices(sub: Node | undefined): [Node, Node] | undefined {
  if (!sub) return undefined;
  if (sub.type === "mul" && sub.op === "implicit" && sub.left.type !== "mul") return [sub.left, sub.right];
  if (sub.type === "list" && sub.items.length === 2) return [sub.items[0], sub.items[1]];
  return undefined;
}

/** `\delta_{ij}` (two indices) that the text gives no value of its own: Kronecker's delta, not an input. */
export function isKronecker(node: NodeOf<"sym">, vars: Record<string, unknown> = {}): boolean {
  return node.name === "\\delta" && !!twoIndices(node.sub) && !(node.name in vars) && !(symKey(node.name, node.subText) in vars);
}
