/**
 * Symbolic differentiation of a formula AST (sum, product, quotient and chain rules for log, exp, σ, √, powers),
 * used when no sign fix explains a wrong derivative. Symbols are treated formally: d(θ·z)/dθ = z, so the result
 * reads as the gradient for vector θ too. Light simplification (0 and 1 dropped); the checker evaluates the result
 * against autodiff before it shows it.
 */
import {symKey, type Node} from "./ast.js";
import {toLatex} from "./print.js";
import {mapChildren} from "./rewrite.js";

const Z = (n: Node): Node => ({type: "num", value: 0, start: n.start, end: n.start});
const ONE = (n: Node): Node => ({type: "num", value: 1, start: n.start, end: n.start});
const isNum = (n: Node, v: number) => n.type === "num" && n.value === v;

function mul(a: Node, b: Node): Node {
  if (isNum(a, 0) || isNum(b, 0)) return Z(a);
  if (isNum(a, 1)) return b;
  if (isNum(b, 1)) return a;
  if (a.type === "neg") return neg(mul(a.arg, b));
  if (b.type === "neg") return neg(mul(a, b.arg));
  return {type: "mul", left: a, right: b, op: "implicit", start: a.start, end: b.end};
}
function neg(a: Node): Node {
  if (isNum(a, 0)) return a;
  if (a.type === "neg") return a.arg;
  return {type: "neg", arg: a, start: a.start, end: a.end};
}
function add(terms: {sign: 1 | -1; node: Node}[], at: Node): Node {
  const kept = terms.filter((t) => !isNum(t.node, 0)).map((t) => (t.node.type === "neg" ? {sign: (t.sign === 1 ? -1 : 1) as 1 | -1, node: t.node.arg} : t));
  if (!kept.length) return Z(at);
  if (kept.length === 1) return kept[0].sign === 1 ? kept[0].node : neg(kept[0].node);
  return {type: "add", terms: kept, start: at.start, end: at.end};
}
function div(a: Node, b: Node): Node {
  if (isNum(a, 0)) return a;
  if (isNum(b, 1)) return a;
  if (a.type === "neg") return neg(div(a.arg, b));
  return {type: "div", num: a, den: b, frac: true, start: a.start, end: b.end};
}
const paren = (n: Node): Node => (n.type === "add" ? {type: "paren", arg: n, delim: "()", start: n.start, end: n.end} : n);
const call = (fn: string, arg: Node): Node => ({type: "call", fn, args: [arg], builtin: true, parens: "paren", start: arg.start, end: arg.end});
const num = (value: number, at: Node): Node => ({type: "num", value, start: at.start, end: at.start});
const sqrtOf = (a: Node): Node => ({type: "sqrt", arg: a, start: a.start, end: a.end});
const pow2 = (a: Node): Node => ({type: "pow", base: a, exp: num(2, a), start: a.start, end: a.end});
/** The comparisons of conditions (parse.ts): piecewise constant. */
const CONDITIONS: Record<string, true> = {lt: true, le: true, gt: true, ge: true, eq: true, neq: true, and: true};

/** d(node)/d(wrt). `matches` says whether a symbol is the variable (a key, or a name indexed per sample). */
export function differentiate(node: Node, matches: (s: Extract<Node, {type: "sym"}>) => boolean): Node {
  const D = (n: Node): Node => differentiate(n, matches);
  const n = node;
  switch (n.type) {
    case "num":
      return Z(n);
    case "sym":
      return matches(n) ? ONE(n) : Z(n);
    case "paren":
      return D(n.arg);
    case "neg":
      return neg(D(n.arg));
    case "add":
      return add(n.terms.map((t) => ({sign: t.sign, node: D(t.node)})), n);
    case "mul":
      return add([{sign: 1, node: mul(paren(D(n.left)), paren(n.right))}, {sign: 1, node: mul(paren(n.left), paren(D(n.right)))}], n);
    case "div": {
      const dn = D(n.num), dd = D(n.den);
      if (isNum(dd, 0)) return div(dn, n.den);
      return div(add([{sign: 1, node: mul(paren(dn), paren(n.den))}, {sign: -1, node: mul(paren(n.num), paren(dd))}], n), {type: "pow", base: paren(n.den), exp: {type: "num", value: 2, start: 0, end: 0}, start: 0, end: 0});
    }
    case "pow": {
      if (n.exp.type !== "num") throw new Error(`cannot differentiate a variable exponent in ${toLatex(n)}`);
      const c = n.exp.value;
      const inner = D(n.base);
      const powered: Node = c === 2 ? paren(n.base) : {type: "pow", base: n.base, exp: {type: "num", value: c - 1, start: 0, end: 0}, start: n.start, end: n.end};
      return mul(mul({type: "num", value: c, start: n.start, end: n.start}, powered), paren(inner));
    }
    case "sqrt":
      return div(D(n.arg), mul({type: "num", value: 2, start: n.start, end: n.start}, n));
    case "call": {
      // piecewise constant: zero almost everywhere
      if (n.builtin && (n.fn === "floor" || n.fn === "ceil" || n.fn === "sign" || n.fn === "indicator" || n.fn in CONDITIONS)) return Z(n);
      if (n.builtin && (n.fn === "cases" || n.fn === "factorial")) throw new Error(`${toLatex(n)} is not differentiable symbolically (use the numerical gradient)`);
      if (!n.builtin || n.args.length !== 1) throw new Error(`cannot differentiate ${toLatex(n)}`);
      const x = n.args[0], dx = D(x);
      if (isNum(dx, 0)) return Z(n);
      switch (n.fn) {
        case "log":
        case "ln":
          return div(dx, x);
        case "exp":
          return mul(n, paren(dx));
        case "sigma":
          return mul(mul(n, paren(add([{sign: 1, node: ONE(n)}, {sign: -1, node: n}], n))), paren(dx));
        case "sqrt":
          return div(dx, mul({type: "num", value: 2, start: 0, end: 0}, n));
        case "erf":
          // 2/√π e^{-x²}
          return mul(mul(div(num(2, n), sqrtOf(num(Math.PI, n))), call("exp", neg(pow2(x)))), paren(dx));
        case "Phi":
          // φ(x) = e^{-x²/2} / √(2π)
          return mul(div(call("exp", neg(div(pow2(x), num(2, n)))), sqrtOf(num(2 * Math.PI, n))), paren(dx));
        case "softplus":
          return mul(call("sigma", x), paren(dx));
        default:
          throw new Error(`cannot differentiate ${n.fn}`);
      }
    }
    case "sum":
      return {...n, body: D(n.body)};
    default:
      throw new Error(`cannot differentiate ${toLatex(n)}`);
  }
}

/** Replaces each use of `name_{…}` with body, its index symbol replaced by that use's subscript. */
export function substituteIndexed(node: Node, name: string, index: string, body: Node): Node {
  if (node.type === "sym" && node.name === name && node.sub) return paren(renameIndex(body, index, node.sub));
  return mapChildren(node, (c) => substituteIndexed(c, name, index, body));
}

function renameIndex(node: Node, index: string, to: Node): Node {
  if (node.type === "sym" && node.name === index && !node.sub) return to;
  if (node.type === "sym" && node.sub) {
    const sub = renameIndex(node.sub, index, to);
    return {...node, sub, subText: toLatex(sub)};
  }
  return mapChildren(node, (c) => renameIndex(c, index, to));
}

/** Folds every occurrence of `pattern` (instantiated per index) back into `name_{index}`. */
export function foldIndexed(node: Node, name: string, index: string, body: Node, indices: string[]): Node {
  const patterns = indices.map((i) => ({i, latex: toLatex(renameIndex(body, index, {type: "sym", name: i, start: 0, end: 0}))}));
  const fold = (n: Node): Node => {
    const inner = n.type === "paren" ? n.arg : n;
    const l = toLatex(inner);
    const hit = patterns.find((p) => p.latex === l);
    if (hit) return {type: "sym", name, sub: {type: "sym", name: hit.i, start: 0, end: 0}, subText: hit.i, start: n.start, end: n.end};
    return mapChildren(n, fold);
  };
  return fold(node);
}

export {symKey};
