/**
 * Arithmetic on batches of draws for the evaluator (evaluate.ts's Ops): every value is N seeded draws at once — a
 * scalar is a Float64Array of N, a vector an array of them, a matrix an array of vectors — so a formula's tree is
 * walked once, not N times. The products follow values.ts (vector·vector is the dot product, matrix·vector the
 * matrix product); other builtins are applied draw by draw with values.ts's applyBuiltin.
 * The moments (MOMENT_FNS) are taken per group of draws (K contiguous groups): every draw of a group gets its
 * group's estimate, so a formula of moments evaluates to one value per group and its spread over the groups is the
 * estimate's standard error (batch means). Pure: no DOM, no tf.
 */
import type {Ops} from "./evaluate.js";
import {applyBuiltin, shapeOf, type Value} from "./values.js";

export type Batch = Float64Array | Batch[];

/** Builtin names of the moments (never a name the parser gives a builtin). `pooled`: over a vector's entries too. */
export const MOMENT_FNS = {mean: "\u0000mean", variance: "\u0000var", covariance: "\u0000cov", std: "\u0000std"} as const;
const POOLED = "*";
export const pooled = (fn: string): string => fn + POOLED;

const isScalar = (a: Batch): a is Float64Array => a instanceof Float64Array;

export function batchShape(a: Batch): number[] {
  if (isScalar(a)) return [];
  return [a.length, ...(a.length ? batchShape(a[0]).slice(0, 1) : [])];
}

function lift(v: Value, n: number): Batch {
  if (typeof v === "number") return new Float64Array(n).fill(v);
  return (v as Value[]).map((x) => lift(x, n));
}

type Op = "+" | "-" | "*" | "/" | "^";

/** One loop per operation (a callback per draw would cost more than the arithmetic). */
function scalarOp(op: Op, a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  const n = a.length;
  if (op === "+") for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
  else if (op === "-") for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
  else if (op === "*") for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
  else if (op === "/") for (let i = 0; i < n; i++) out[i] = a[i] / b[i];
  else for (let i = 0; i < n; i++) out[i] = a[i] ** b[i];
  return out;
}

function zip(a: Batch, b: Batch, op: Op): Batch {
  if (isScalar(a) && isScalar(b)) return scalarOp(op, a, b);
  if (isScalar(a)) return (b as Batch[]).map((y) => zip(a, y, op));
  if (isScalar(b)) return a.map((x) => zip(x, b, op));
  if (a.length !== b.length) throw new Error(`cannot combine ${a.length} entries with ${b.length}`);
  return a.map((x, i) => zip(x, (b as Batch[])[i], op));
}

const map = (a: Batch, f: (x: number) => number): Batch => (isScalar(a) ? a.map(f) : a.map((x) => map(x, f)));

function dot(a: Batch[], b: Batch[]): Float64Array {
  if (a.length !== b.length) throw new Error(`product: vectors of ${a.length} and ${b.length} entries`);
  const n = (a[0] as Float64Array)?.length ?? 0;
  const out = new Float64Array(n);
  for (let k = 0; k < a.length; k++) {
    const x = a[k] as Float64Array, y = b[k] as Float64Array;
    for (let i = 0; i < n; i++) out[i] += x[i] * y[i];
  }
  return out;
}

function transposeB(a: Batch): Batch {
  const s = batchShape(a);
  if (s.length < 2) return a;
  const m = a as Batch[][];
  return m[0].map((_, j) => m.map((row) => row[j]));
}

/** values.ts's multiply, draw by draw. */
function multiply(a: Batch, b: Batch): Batch {
  const sa = batchShape(a), sb = batchShape(b);
  if (!sa.length || !sb.length) return zip(a, b, "*");
  if (sa.length === 1 && sb.length === 1) return dot(a as Batch[], b as Batch[]);
  if (sa.length === 2 && sb.length === 1) return (a as Batch[][]).map((row) => dot(row, b as Batch[]));
  const bt = transposeB(b) as Batch[][];
  if (sa.length === 1) return bt.map((col) => dot(a as Batch[], col));
  return (a as Batch[][]).map((row) => bt.map((col) => dot(row, col)));
}

/** The value of one draw. */
function at(a: Batch, i: number): Value {
  return isScalar(a) ? a[i] : (a.map((x) => at(x, i)) as Value);
}

/** Builtins that act entry by entry (values.ts): applied to the draws of scalars as one vector. */
const ENTRYWISE = new Set(["log", "ln", "exp", "sqrt", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "tanh", "sinh", "cosh", "abs", "sign", "relu", "softplus", "erf", "Phi",
  "floor", "ceil", "factorial", "indicator", "sigma", "hadamard", "cases", "lt", "le", "gt", "ge", "eq", "neq", "and"]);

function constant(a: Float64Array): boolean {
  for (let i = 1; i < a.length; i++) if (a[i] !== a[0]) return false;
  return a.length > 0;
}

/** A builtin of scalars on all draws at once, when values.ts computes it entry by entry; else undefined. */
function allDraws(fn: string, args: Batch[]): Batch | undefined {
  if (fn === "hadamard" && args.length === 2) return zip(args[0], args[1], "*");
  // an entrywise function of one vector or matrix: entry by entry
  if (args.length === 1 && !isScalar(args[0]) && ENTRYWISE.has(fn)) {
    const parts = args[0].map((x) => allDraws(fn, [x]));
    return parts.every((x): x is Batch => !!x) ? parts : undefined;
  }
  if (!args.length || !args.every(isScalar)) return undefined;
  const xs = args as Float64Array[];
  // \max(0, z): entrywise when exactly one operand varies (values.ts reduces two vectors to one number)
  const fixed = xs.map(constant);
  if (!ENTRYWISE.has(fn) && !((fn === "max" || fn === "min") && xs.length === 2 && fixed.filter((c) => !c).length === 1)) return undefined;
  const vals: Value[] = xs.map((a, k) => (fixed[k] && (fn === "max" || fn === "min") ? a[0] : Array.from(a)));
  const out = applyBuiltin(fn, vals);
  return Array.isArray(out) && out.length === xs[0].length ? Float64Array.from(out as number[]) : undefined;
}

/** ‖v‖, ‖v‖², ‖v‖₁ of a vector of draws. */
function norms(fn: string, args: Batch[]): Float64Array | undefined {
  const v = args[0];
  if (args.length !== 1 || isScalar(v) || !v.every(isScalar) || !(fn === "norm" || fn === "sqnorm" || fn === "norm1")) return undefined;
  const xs = v as Float64Array[], n = xs[0]?.length ?? 0, out = new Float64Array(n);
  for (const x of xs) for (let i = 0; i < n; i++) out[i] += fn === "norm1" ? Math.abs(x[i]) : x[i] * x[i];
  return fn === "norm" ? out.map(Math.sqrt) : out;
}

function perDraw(fn: string, args: Batch[], n: number, slow: {draws: number}): Batch {
  const fast = allDraws(fn, args) ?? norms(fn, args);
  if (fast) return fast;
  slow.draws += n;
  let out: Batch | undefined;
  for (let i = 0; i < n; i++) {
    const v = applyBuiltin(fn, args.map((a) => at(a, i)));
    out ??= lift(shapeOf(v).length ? v : 0, n);
    write(out, v, i);
  }
  return out ?? new Float64Array(0);
}

function write(out: Batch, v: Value, i: number): void {
  if (isScalar(out)) out[i] = v as number;
  else out.forEach((o, k) => write(o, (v as Value[])[k], i));
}

/** The scalar series a moment is taken over: a scalar's draws, or (pooled) every entry's draws. */
const leaves = (a: Batch): Float64Array[] => (isScalar(a) ? [a] : a.flatMap(leaves));

/** Per group of draws: each draw gets its group's moment. */
function groupMoment(xs: Float64Array[], ys: Float64Array[], groups: number, what: "mean" | "cov"): Float64Array {
  const n = xs[0].length, size = Math.floor(n / groups), out = new Float64Array(n);
  for (let g = 0; g < groups; g++) {
    const lo = g * size, hi = g === groups - 1 ? n : lo + size;
    let sx = 0, sy = 0, sxy = 0, count = 0;
    for (let k = 0; k < xs.length; k++) {
      const x = xs[k], y = ys[k];
      for (let i = lo; i < hi; i++) (sx += x[i], sy += y[i], sxy += x[i] * y[i]);
      count += hi - lo;
    }
    const v = what === "mean" ? sx / count : (sxy - (sx * sy) / count) / (count - 1);
    out.fill(v, lo, hi);
  }
  return out;
}

function moment(fn: string, args: Batch[], groups: number): Batch {
  const pool = fn.endsWith(POOLED), base = pool ? fn.slice(0, -1) : fn;
  const one = (f: (x: Batch, y: Batch) => Float64Array, x: Batch, y: Batch): Batch =>
    pool || isScalar(x) ? f(x, y) : (x as Batch[]).map((xi, k) => one(f, xi, isScalar(y) ? y : (y as Batch[])[k]));
  const mean = (x: Batch) => groupMoment(leaves(x), leaves(x), groups, "mean");
  const cov = (x: Batch, y: Batch) => groupMoment(leaves(x), leaves(y), groups, "cov");
  if (base === MOMENT_FNS.mean && args.length === 1) return one(mean, args[0], args[0]);
  if (base === MOMENT_FNS.variance && args.length === 1) return one(cov, args[0], args[0]);
  if (base === MOMENT_FNS.std && args.length === 1) return map(one(cov, args[0], args[0]), Math.sqrt);
  if (base === MOMENT_FNS.covariance && args.length === 2) return one(cov, args[0], args[1]);
  throw new Error(`a moment of ${args.length} arguments`);
}

/** Whether every draw of each group has one value (a formula of moments and constants only). */
export function groupValues(a: Batch, groups: number): number[][] | undefined {
  const out: number[][] = [];
  for (const x of leaves(a)) {
    const size = Math.floor(x.length / groups), vals: number[] = [];
    for (let g = 0; g < groups; g++) {
      const lo = g * size, hi = g === groups - 1 ? x.length : lo + size;
      for (let i = lo + 1; i < hi; i++) if (x[i] !== x[lo] && !(Number.isNaN(x[i]) && Number.isNaN(x[lo]))) return undefined;
      vals.push(x[lo]);
    }
    out.push(vals);
  }
  return out;
}

/**
 * The evaluator's arithmetic on n draws in `groups` groups. `slow.draws` counts the draws a builtin had to be applied
 * to one at a time (a softmax, a max over a vector), for the caller to bound.
 */
export function batchOps(n: number, groups: number, slow = {draws: 0}): Ops<Batch> {
  return {
    lift: (v) => lift(v, n),
    add: (a, b) => zip(a, b, "+"),
    sub: (a, b) => zip(a, b, "-"),
    mul: multiply,
    div: (a, b) => zip(a, b, "/"),
    neg: (a) => zip(lift(0, n), a, "-"),
    pow: (a, b) => {
      if (!isScalar(b)) throw new Error("an exponent must be a scalar");
      return zip(a, b, "^");
    },
    transpose: transposeB,
    call: (fn, args) => (fn.startsWith("\u0000") ? moment(fn, args, groups) : perDraw(fn, args, n, slow)),
    index: (a, k) => {
      if (isScalar(a)) throw new Error("cannot take an entry of a scalar");
      if (!Number.isInteger(k) || k < 1 || k > a.length) throw new Error(`index ${k} is outside 1..${a.length}`);
      return a[k - 1];
    },
    length: (a) => (isScalar(a) ? 1 : a.length),
    stack: (items) => items,
    toNumber: (a) => (isScalar(a) && constant(a) ? a[0] : undefined),
    shape: batchShape
  };
}
