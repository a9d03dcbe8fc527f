/**
 * A closure compiler for the subset of formula ASTs a loss surface uses (numbers, symbols, indexed rows x_i and
 * entries x_{ij}, + − × ÷ powers √, built-in calls, Σ/Π with bounds), with the evaluator's conventions
 * (components/formula/evaluate.ts): a contour grid evaluates f 10⁴ times, which the budgeted interpreter is too slow
 * for. Anything outside the subset returns undefined and the caller uses the interpreter. Pure.
 */
import {symKey, type Node} from "../../formula/ast.js";
import {twoIndices} from "../../formula/symbols.js";
import {sigmoid} from "../sigmoid.js";
import {applyBuiltin, map, multiply, zip, type Value} from "../../formula/values.js";

export type Env = {vars: Record<string, Value>; idx: Record<string, number>};
type Fn = (env: Env) => Value;

/** Scalar fast paths of the evaluator's built-ins (the same functions values.ts maps over entries). */
const SCALAR: Record<string, (x: number) => number> = {
  log: Math.log, ln: Math.log, exp: Math.exp, sqrt: Math.sqrt, tanh: Math.tanh, abs: Math.abs, sin: Math.sin, cos: Math.cos,
  sigma: sigmoid, relu: (x) => Math.max(0, x)
};

class Unsupported extends Error {}

const entry = (a: Value, k: number): Value => {
  if (typeof a === "number") throw new Error("cannot take an entry of a scalar");
  if (!Number.isInteger(k) || k < 1 || k > a.length) throw new Error(`index ${k} is outside 1..${a.length}`);
  return a[k - 1] as Value;
};

function integer(node: Node): (env: Env) => number {
  const f = compile(node);
  return (env) => {
    const v = f(env);
    if (typeof v !== "number") throw new Error("an index must be a number");
    return v;
  };
}

function symbol(node: Extract<Node, {type: "sym"}>): Fn {
  const key = symKey(node.name, node.subText);
  const name = node.name;
  const two = twoIndices(node.sub);
  const r = two ? integer(two[0]) : undefined, c = two ? integer(two[1]) : undefined;
  const k = node.sub && !two ? integer(node.sub) : undefined;
  return (env) => {
    const v = env.vars[key];
    if (v !== undefined) return v;
    if (key in env.idx) return env.idx[key];
    if (r && c) {
      const m = env.vars[name] ?? (/^[a-z]$/.test(name) ? env.vars[name.toUpperCase()] : undefined);
      if (m !== undefined) return entry(entry(m, r(env)), c(env));
    }
    if (k) {
      const base = env.vars[name];
      if (base !== undefined) return entry(base, k(env));
    }
    if (!node.sub && key === "e") return Math.E;
    if (!node.sub && key === "\\pi") return Math.PI;
    throw new Error(`unknown symbol ${key}`);
  };
}

function compile(node: Node): Fn {
  switch (node.type) {
    case "num": {
      const v = node.value;
      return () => v;
    }
    case "sym":
      return symbol(node);
    case "paren":
      return compile(node.arg);
    case "neg": {
      const a = compile(node.arg);
      return (env) => map(a(env), (x) => -x);
    }
    case "add": {
      const terms = node.terms.map((t) => ({sign: t.sign, f: compile(t.node)}));
      return (env) => {
        let acc: Value = terms[0].sign === 1 ? terms[0].f(env) : map(terms[0].f(env), (x) => -x);
        for (let i = 1; i < terms.length; i++) {
          const v = terms[i].f(env);
          acc = typeof acc === "number" && typeof v === "number" ? acc + terms[i].sign * v : zip(acc, v, terms[i].sign === 1 ? (x, y) => x + y : (x, y) => x - y, "sum");
        }
        return acc;
      };
    }
    case "mul": {
      if (node.op === "implicit" && node.left.type === "sym" && (node.right.type === "paren" || node.right.type === "tuple")) throw new Unsupported();
      const a = compile(node.left), b = compile(node.right);
      return (env) => {
        const x = a(env), y = b(env);
        return typeof x === "number" && typeof y === "number" ? x * y : multiply(x, y);
      };
    }
    case "div": {
      const a = compile(node.num), b = compile(node.den);
      return (env) => {
        const x = a(env), y = b(env);
        return typeof x === "number" && typeof y === "number" ? x / y : zip(x, y, (p, q) => p / q, "quotient");
      };
    }
    case "pow": {
      if (node.base.type === "call") throw new Unsupported();
      const a = compile(node.base), b = compile(node.exp);
      return (env) => {
        const e = b(env);
        if (typeof e !== "number") throw new Error("an exponent must be a scalar");
        const x = a(env);
        return typeof x === "number" ? x ** e : map(x, (v) => v ** e);
      };
    }
    case "sqrt": {
      const a = compile(node.arg);
      return (env) => map(a(env), Math.sqrt);
    }
    case "call":
      return callOf(node);
    case "sum":
      return sumOf(node);
    default:
      throw new Unsupported();
  }
}

/** A built-in call (scalar fast paths, stable log σ). */
function callOf(node: Extract<Node, {type: "call"}>): Fn {
  if (!node.builtin) throw new Unsupported();
  const stable = logSigmoid(node);
  if (stable) return stable;
  const fn = node.fn, args = node.args.map(compile);
  const unary = SCALAR[fn];
  if (unary && args.length === 1) {
    const a = args[0];
    return (env) => {
      const x = a(env);
      return typeof x === "number" ? unary(x) : applyBuiltin(fn, [x]);
    };
  }
  return (env) => applyBuiltin(fn, args.map((f) => f(env)));
}

/** Σ / Π with bounds, the index bound in env.idx while the body runs. */
function sumOf(node: Extract<Node, {type: "sum"}>): Fn {
  if (!node.to) throw new Unsupported();
  const from = node.from ? integer(node.from) : () => 1;
  const to = integer(node.to);
  const body = compile(node.body);
  const index = node.index, prod = node.op === "prod";
  return (env) => {
    const lo = from(env), hi = to(env);
    if (hi - lo > 100_000) throw new Error(`a sum over ${hi - lo + 1} terms is too long`);
    const saved = env.idx[index];
    let acc: Value = prod ? 1 : 0;
    for (let i = lo; i <= hi; i++) {
      env.idx[index] = i;
      const v = body(env);
      acc = typeof acc === "number" && typeof v === "number" ? (prod ? acc * v : acc + v) : prod ? multiply(acc, v) : i === lo ? v : zip(acc, v, (p, q) => p + q, "sum");
    }
    if (saved === undefined) delete env.idx[index];
    else env.idx[index] = saved;
    return acc;
  };
}

/** log σ(z) without overflow: −log(1 + e^{−z}). */
const logSig = (z: number) => (z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z)));

/**
 * log σ(z) and log(1 − σ(z)) = log σ(−z), computed stably: a cross-entropy far from its data stays finite (σ(40)
 * is 1 in floating point, and log(1 − 1) would make 0·log 0 = NaN of a zero-weighted term).
 */
function logSigmoid(node: Extract<Node, {type: "call"}>): Fn | undefined {
  if ((node.fn !== "log" && node.fn !== "ln") || node.args.length !== 1) return undefined;
  let arg = node.args[0];
  while (arg.type === "paren") arg = arg.arg;
  const sigmaOf = (n: Node) => (n.type === "call" && n.builtin && n.fn === "sigma" && n.args.length === 1 ? n.args[0] : undefined);
  let z = sigmaOf(arg), sign = 1;
  if (!z && arg.type === "add" && arg.terms.length === 2 && arg.terms[0].sign === 1 && arg.terms[0].node.type === "num" && arg.terms[0].node.value === 1 && arg.terms[1].sign === -1) {
    z = sigmaOf(arg.terms[1].node);
    sign = -1;
  }
  if (!z) return undefined;
  const f = compile(z);
  return (env) => map(f(env), (v) => logSig(sign * v));
}

/** The compiled node, or undefined when it uses something outside the subset. */
export function compileFast(node: Node): ((vars: Record<string, Value>) => Value) | undefined {
  try {
    const f = compile(node);
    return (vars) => f({vars, idx: {}});
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}
