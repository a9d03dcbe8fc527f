/** Values the evaluator computes with (scalars, vectors, matrices) and their arithmetic. Pure: no DOM, no tf. */
import {attention} from "../math/attention.js";
import {sigmoid} from "../math/sigmoid.js";
import {softmax} from "../math/softmax.js";
import {dot, matMul, matVec, transpose as transposeMatrix} from "../math/matrix.js";
import {erf, factorial, normalCdf, normalPdf} from "./special.js";
import {det, norm2, trace} from "./tsRuntime.js";

export type Value = number | number[] | number[][];

export function shapeOf(v: Value): number[] {
  if (typeof v === "number") return [];
  if (v.length && Array.isArray(v[0])) return [v.length, (v as number[][])[0].length];
  return [v.length];
}

export function describeShape(v: Value): string {
  const s = shapeOf(v);
  return s.length === 0 ? "a scalar" : s.length === 1 ? `a vector of ${s[0]}` : `a ${s[0]}×${s[1]} matrix`;
}

export function isValue(x: unknown): x is Value {
  if (typeof x === "number") return true;
  if (!Array.isArray(x)) return false;
  if (x.every((e) => typeof e === "number")) return true;
  return x.length > 0 && x.every((r) => Array.isArray(r) && r.length === (x[0] as unknown[]).length && r.every((e: unknown) => typeof e === "number"));
}

/** Elementwise map. */
export function map(v: Value, f: (x: number) => number): Value {
  if (typeof v === "number") return f(v);
  return (v as (number | number[])[]).map((e) => (typeof e === "number" ? f(e) : e.map(f))) as Value;
}

/** Elementwise combination with broadcasting: scalar with anything; a vector added to each row of a matrix. */
export function zip(a: Value, b: Value, f: (x: number, y: number) => number, what: string): Value {
  if (typeof a === "number") return map(b, (y) => f(a, y));
  if (typeof b === "number") return map(a, (x) => f(x, b));
  const sa = shapeOf(a), sb = shapeOf(b);
  if (sa.length === sb.length) {
    if (sa.some((d, i) => d !== sb[i])) throw new Error(`${what}: ${describeShape(a)} and ${describeShape(b)} have different sizes`);
    if (sa.length === 1) return (a as number[]).map((x, i) => f(x, (b as number[])[i]));
    return (a as number[][]).map((row, i) => row.map((x, j) => f(x, (b as number[][])[i][j])));
  }
  if (sa.length === 2 && sb.length === 1 && sa[1] === sb[0]) return (a as number[][]).map((row) => row.map((x, j) => f(x, (b as number[])[j])));
  if (sa.length === 1 && sb.length === 2 && sb[1] === sa[0]) return (b as number[][]).map((row) => row.map((y, j) => f((a as number[])[j], y)));
  throw new Error(`${what}: cannot combine ${describeShape(a)} with ${describeShape(b)}`);
}

/** Products: scalar scaling; vector·vector is the dot product; matrix·vector and matrix·matrix are matrix products. */
export function multiply(a: Value, b: Value): Value {
  if (typeof a === "number" || typeof b === "number") return zip(a, b, (x, y) => x * y, "product");
  const sa = shapeOf(a), sb = shapeOf(b);
  if (sa.length === 1 && sb.length === 1) {
    if (sa[0] !== sb[0]) throw new Error(`product: vectors of ${sa[0]} and ${sb[0]} entries`);
    return dot(a as number[], b as number[]);
  }
  if (sa.length === 2 && sb.length === 1) {
    if (sa[1] !== sb[0]) throw new Error(`product: ${describeShape(a)} times ${describeShape(b)}`);
    return matVec(a as number[][], b as number[]);
  }
  if (sa.length === 1 && sb.length === 2) {
    if (sa[0] !== sb[0]) throw new Error(`product: ${describeShape(a)} times ${describeShape(b)}`);
    return transposeMatrix(b as number[][]).map((col) => dot(a as number[], col));
  }
  if (sa[1] !== sb[0]) throw new Error(`product: ${describeShape(a)} times ${describeShape(b)}, inner sizes differ`);
  return matMul(a as number[][], b as number[][]);
}

export function transpose(v: Value): Value {
  if (typeof v === "number") return v;
  if (shapeOf(v).length === 1) return v;
  return transposeMatrix(v as number[][]);
}

const flatOf = (v: Value): number[] => (typeof v === "number" ? [v] : (v as (number | number[])[]).flat());

/** Sum of all entries. */
/** Every number of a value, at any depth, is finite (no value, nothing to show, counts as finite). */
export function allFinite(v: Value | undefined): boolean {
  return v === undefined || (typeof v === "number" ? Number.isFinite(v) : !Array.isArray(v) || (v as Value[]).every(allFinite));
}

export function total(v: Value): number {
  if (typeof v === "number") return v;
  return (v as (number | number[])[]).reduce<number>((s, e) => s + (typeof e === "number" ? e : e.reduce((a, b) => a + b, 0)), 0);
}

export function applyBuiltin(fn: string, args: Value[]): Value {
  const one = () => {
    if (args.length !== 1) throw new Error(`${fn} takes one argument, got ${args.length}`);
    return args[0];
  };
  switch (fn) {
    case "log":
    case "ln":
      return map(one(), Math.log);
    case "exp":
      return map(one(), Math.exp);
    case "sqrt":
      return map(one(), Math.sqrt);
    case "sin":
      return map(one(), Math.sin);
    case "cos":
      return map(one(), Math.cos);
    case "tan":
      return map(one(), Math.tan);
    case "arcsin":
      return map(one(), Math.asin);
    case "arccos":
      return map(one(), Math.acos);
    case "arctan":
      return map(one(), Math.atan);
    case "tanh":
      return map(one(), Math.tanh);
    case "sinh":
      return map(one(), Math.sinh);
    case "cosh":
      return map(one(), Math.cosh);
    case "abs":
      return map(one(), Math.abs);
    case "sign":
      return map(one(), Math.sign);
    case "norm":
      return Math.sqrt(flatOf(one()).reduce((s, x) => s + x * x, 0));
    case "sqnorm":
      return flatOf(one()).reduce((s, x) => s + x * x, 0);
    case "norm1":
      return flatOf(one()).reduce((s, x) => s + Math.abs(x), 0);
    case "norm2":
      return norm2(one());
    case "relu":
      return map(one(), (x) => Math.max(0, x));
    case "softplus":
      return map(one(), (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))));
    case "erf":
      return map(one(), erf);
    case "Phi":
      return map(one(), normalCdf);
    case "phi":
      return map(one(), normalPdf);
    case "floor":
      return map(one(), Math.floor);
    case "ceil":
      return map(one(), Math.ceil);
    case "factorial":
      return map(one(), factorial);
    case "entropy":
    case "kl":
    case "crossEntropy": {
      // H(p) = −Σ p ln p, KL(p ‖ q) = Σ p ln(p/q), H(p, q) = −Σ p ln q (0 ln 0 = 0)
      const [p, q] = args.map(flatOf);
      if (q && q.length !== p.length) throw new Error(`${fn} needs two distributions of the same length, got ${p.length} and ${q.length}`);
      const term = (x: number, k: number) => (x === 0 ? 0 : fn === "entropy" ? -x * Math.log(x) : fn === "kl" ? x * Math.log(x / q![k]) : -x * Math.log(q![k]));
      return p.reduce((s, x, k) => s + term(x, k), 0);
    }
    case "diag":
      return diag(one());
    case "det":
    case "tr": {
      // det A, tr A of a square matrix (a number is its own 1×1 matrix)
      const m = one();
      if (typeof m === "number") return m;
      if (shapeOf(m).length !== 2) throw new Error(`${fn === "det" ? "a determinant" : "a trace"} needs a square matrix, got ${describeShape(m)}`);
      return fn === "det" ? det(m as number[][]) : trace(m as number[][]);
    }
    case "indicator":
      return one();
    case "cases":
      return cases(args);
    case "entry": {
      // f(x)_k, 1-based as the text counts
      const [v, k] = args;
      if (typeof v === "number" || typeof k !== "number") throw new Error("only a vector's entry can be taken, at a number");
      const out = (v as Value[])[k - 1];
      if (out === undefined) throw new Error(`entry ${k} is outside 1..${(v as Value[]).length}`);
      return out;
    }
    case "hadamard":
      if (args.length !== 2) throw new Error(`⊙ takes two operands, got ${args.length}`);
      return zip(args[0], args[1], (x, y) => x * y, "entrywise product");
    case "sigma":
      return map(one(), sigmoid);
    case "softmax": {
      const v = one();
      if (typeof v === "number") return 1;
      return shapeOf(v).length === 1 ? softmax(v as number[]) : (v as number[][]).map(softmax);
    }
    case "max":
    case "min": {
      // \max(x, 0) with a vector x: entrywise (ReLU-like); otherwise the largest / smallest entry of everything.
      if (args.length === 2 && (typeof args[0] !== "number" || typeof args[1] !== "number") && (typeof args[0] === "number" || typeof args[1] === "number"))
        return zip(args[0], args[1], fn === "max" ? Math.max : Math.min, fn);
      const flat = args.flatMap((a) => (typeof a === "number" ? [a] : (a as (number | number[])[]).flat()));
      return fn === "max" ? Math.max(...flat) : Math.min(...flat);
    }
    case "Attention": {
      if (args.length !== 3) throw new Error(`Attention takes (Q, K, V), got ${args.length} arguments`);
      const [Q, K, V] = args.map((a, i) => {
        if (shapeOf(a).length !== 2) throw new Error(`Attention: argument ${"QKV"[i]} must be a matrix, got ${describeShape(a)}`);
        return a as number[][];
      });
      return attention(Q, K, V);
    }
    default:
      if (fn in COMPARE) {
        if (args.length !== 2) throw new Error(`a comparison takes two operands, got ${args.length}`);
        return zip(args[0], args[1], COMPARE[fn], "comparison");
      }
      throw new Error(`unknown function ${fn}`);
  }
}

/** Relations in conditions (cases, indicators): 1 where they hold, else 0, entrywise. `and`: both hold. */
export const COMPARE: Record<string, (x: number, y: number) => number> = {
  lt: (x, y) => +(x < y),
  le: (x, y) => +(x <= y),
  gt: (x, y) => +(x > y),
  ge: (x, y) => +(x >= y),
  eq: (x, y) => +(x === y),
  neq: (x, y) => +(x !== y),
  and: (x, y) => +(x !== 0 && y !== 0)
};

/** diag(v): a vector becomes the diagonal matrix, a matrix gives its diagonal. */
function diag(v: Value): Value {
  const s = shapeOf(v);
  if (s.length === 0) return [[v as number]];
  if (s.length === 1) return (v as number[]).map((x, i) => (v as number[]).map((_, j) => (i === j ? x : 0)));
  return Array.from({length: Math.min(s[0], s[1])}, (_, i) => (v as number[][])[i][i]);
}

/**
 * cases(v_1, c_1, v_2, c_2, …): the value of the first branch whose condition holds (is non-zero), entrywise, with
 * scalars broadcast; NaN where no condition holds.
 */
function cases(args: Value[]): Value {
  if (args.length < 2 || args.length % 2) throw new Error(`cases takes (value, condition) pairs, got ${args.length} arguments`);
  let shape: Value = 0;
  for (const a of args) shape = zip(shape, a, () => 0, "cases");
  const flat = args.map((a) => flatOf(zip(shape, a, (_, y) => y, "cases")));
  const out = flat[0].map((_, i) => {
    for (let k = 0; k < flat.length; k += 2) if (flat[k + 1][i] !== 0) return flat[k][i];
    return NaN;
  });
  const s = shapeOf(shape);
  if (s.length === 0) return out[0];
  if (s.length === 1) return out;
  return Array.from({length: s[0]}, (_, r) => out.slice(r * s[1], (r + 1) * s[1]));
}

/** Largest absolute difference between two values of the same shape (Infinity when shapes differ). */
export function maxAbsDiff(a: Value, b: Value): number {
  const sa = shapeOf(a), sb = shapeOf(b);
  if (sa.length !== sb.length || sa.some((d, i) => d !== sb[i])) return Infinity;
  let m = 0;
  zip(a, b, (x, y) => {
    m = Math.max(m, Math.abs(x - y));
    return 0;
  }, "compare");
  return m;
}

/** True when a and b agree to rel·max(1, |b|) + abs in every entry. */
export function close(a: Value, b: Value, rel = 1e-6, abs = 1e-9): boolean {
  const sa = shapeOf(a), sb = shapeOf(b);
  if (sa.length !== sb.length || sa.some((d, i) => d !== sb[i])) return false;
  let ok = true;
  zip(a, b, (x, y) => {
    if (!(Math.abs(x - y) <= abs + rel * Math.max(1, Math.abs(y)))) ok = false;
    return 0;
  }, "compare");
  return ok;
}

export function round(v: Value, digits = 6): Value {
  const k = 10 ** digits;
  return map(v, (x) => Math.round(x * k) / k);
}
