/**
 * Weights a torch.nn.Module creates itself, `self.W = nn.Parameter(<draw>)`: the tensor's shape and the distribution
 * the code draws it from, read from the expression (torch.randn(a, b) * s, torch.randn(a, b) / √a, torch.zeros(n),
 * (torch.rand(a, b) * 2 − 1) * s, torch.empty(a, b).uniform_(−s, s) / .normal_(0, s)). Pure.
 */
import {dotted, show, type Expr} from "../keras/expr.js";
import type {ParamInit} from "../keras/program.js";

/** `nn.Parameter(…)` / `torch.nn.Parameter(…)` (with requires_grad=True or not): its argument, else null. */
export function parameterArg(e: Expr): Expr | null {
  if (e.type === "call" && /^(?:torch\.)?nn\.Parameter$/.test(dotted(e.fn) ?? "") && e.args.length === 1) return e.args[0];
  return null;
}

/** a · R + b with R a standard draw (normal or uniform on [0, 1]) or a constant (R absent: the value b). */
interface Affine {
  base: "normal" | "uniform" | "none";
  a: number;
  b: number;
  shape: number[];
}

/**
 * The shape and distribution of a parameter's initial value; `num` evaluates a sub-expression the code computes
 * (d_in ** 0.5, the constructor's arguments). Throws with the reason when the draw is not one of these.
 */
export function readParameter(e: Expr, num: (x: Expr) => number): {shape: number[]; init: ParamInit} {
  const v = affine(e, num);
  if (!v.shape.length && v.base === "none") throw new Error(`nn.Parameter(${show(e)}): the shape of the weights cannot be read`);
  if (v.base === "none") return {shape: v.shape, init: {constant: v.b}};
  if (v.base === "normal") {
    if (v.b !== 0) throw new Error(`nn.Parameter(${show(e)}): a normal draw with a non-zero mean is not followed`);
    return {shape: v.shape, init: {normal: Math.abs(v.a)}};
  }
  const [lo, hi] = [v.b, v.a + v.b].sort((x, y) => x - y);
  return {shape: v.shape, init: {uniform: [lo, hi]}};
}

const DRAW = /^torch\.(randn|rand|zeros|ones|empty)$/;

function affine(e: Expr, num: (x: Expr) => number): Affine {
  // .requires_grad_(), .float(), .double(): the same values
  while (e.type === "call" && e.fn.type === "attr" && ["requires_grad_", "float", "double", "to"].includes(e.fn.name)) e = e.fn.obj;
  if (e.type === "call" && e.fn.type === "attr" && (e.fn.name === "uniform_" || e.fn.name === "normal_")) {
    const inner = affine(e.fn.obj, num);
    const [p, q] = [e.args[0] ?? e.kwargs.a ?? e.kwargs.mean, e.args[1] ?? e.kwargs.b ?? e.kwargs.std];
    if (e.fn.name === "uniform_") {
      const lo = p ? num(p) : 0, hi = q ? num(q) : 1;
      return {base: "uniform", a: hi - lo, b: lo, shape: inner.shape};
    }
    return {base: "normal", a: q ? num(q) : 1, b: p ? num(p) : 0, shape: inner.shape};
  }
  if (e.type === "call" && DRAW.test(dotted(e.fn) ?? "")) {
    const kind = DRAW.exec(dotted(e.fn)!)![1];
    const dims = e.args.length === 1 && (e.args[0].type === "tuple" || e.args[0].type === "list") ? e.args[0].items : e.args;
    const shape = dims.map((d) => {
      const n = num(d);
      if (!Number.isInteger(n) || n < 1) throw new Error(`nn.Parameter: dimension ${show(d)} = ${n} is not a positive integer`);
      return n;
    });
    if (!shape.length || shape.length > 2) throw new Error(`nn.Parameter: only vectors and matrices of weights are followed (${show(e)})`);
    return kind === "randn" ? {base: "normal", a: 1, b: 0, shape} : kind === "rand" || kind === "empty" ? {base: "uniform", a: 1, b: 0, shape}
      : {base: "none", a: 0, b: kind === "ones" ? 1 : 0, shape};
  }
  if (e.type === "bin" && ["*", "/", "+", "-"].includes(e.op)) {
    const [l, r] = [tryAffine(e.left, num), tryAffine(e.right, num)];
    const scalar = (x: Affine | number): x is number => typeof x === "number";
    if (!scalar(l) && scalar(r)) {
      if (e.op === "*") return scale(l, r);
      if (e.op === "/") return scale(l, 1 / r);
      return {...l, b: l.b + (e.op === "+" ? r : -r)};
    }
    if (scalar(l) && !scalar(r)) {
      if (e.op === "*") return scale(r, l);
      if (e.op === "+") return {...r, b: r.b + l};
      if (e.op === "-") return {...scale(r, -1), b: l - r.b};
    }
  }
  throw new Error(`nn.Parameter(${show(e)}): the initial weights are not a draw the page follows (torch.randn / torch.rand / torch.zeros, scaled and shifted)`);
}

function scale(v: Affine, s: number): Affine {
  return {...v, a: v.a * s, b: v.b * s};
}

/** A draw (Affine) or a number the code computes. */
function tryAffine(e: Expr, num: (x: Expr) => number): Affine | number {
  const draws = (x: Expr): boolean => (x.type === "call" && (DRAW.test(dotted(x.fn) ?? "") || (x.fn.type === "attr" && draws(x.fn.obj)))) ||
    (x.type === "bin" && (draws(x.left) || draws(x.right)));
  return draws(e) ? affine(e, num) : num(e);
}
