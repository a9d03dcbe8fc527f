/**
 * The small typed runtime the compiled formulas call (components/formula/codegen.ts): sums, products of vectors
 * and matrices, elementwise functions. Pure: no DOM, no tf; its one import is special.ts (erf, Φ, n!). Every
 * operation does the same floating-point steps in the same order as the interpreter (values.ts, evaluate.ts), so a
 * compiled formula and the engine agree.
 *
 * The page imports these functions; the reader's edited code runs in the QuickJS sandbox, which gets the same
 * functions as text (runtimeScript()). So each function is a self-contained declaration that only calls the others
 * by name (special.ts's functions through the SPECIAL object): no module-level state.
 */
import * as special from "./special.js";
import {erf, factorial, normalCdf, normalPdf} from "./special.js";

/**
 * The special functions (special.ts, the interpreter's own) the runtime calls, always through this object: in the
 * sandbox it is the one global that runtimeScript() defines for them (module loaders rename imported bindings).
 */
const SPECIAL = {erf, normalCdf, normalPdf, factorial};

export type Vec = number[];
export type Mat = number[][];
export type Value = number | Vec | Mat;
/** The shape of an entrywise combination of values of types A: a matrix if any is one, else a vector if any is one. */
export type Widest<A extends readonly Value[]> = [Extract<A[number], Mat>] extends [never] ? ([Extract<A[number], Vec>] extends [never] ? number : Vec) : Mat;

/** Applies f to every entry. */
export function map<T extends Value>(v: T, f: (x: number) => number): T {
  if (typeof v === "number") return f(v) as T;
  return (v as (number | number[])[]).map((e) => (typeof e === "number" ? f(e) : e.map(f))) as T;
}

/** Combines entries pairwise: a scalar with anything, a vector with each row of a matrix. */
export function zip(a: Value, b: Value, f: (x: number, y: number) => number, what: string): Value {
  if (typeof a === "number") return map(b, (y) => f(a, y));
  if (typeof b === "number") return map(a, (x) => f(x, b));
  const ra = Array.isArray(a[0]) ? 2 : 1, rb = Array.isArray(b[0]) ? 2 : 1;
  if (ra === 1 && rb === 1) {
    if (a.length !== b.length) throw new Error(`${what}: vectors of ${a.length} and ${b.length} entries`);
    return (a as Vec).map((x, i) => f(x, (b as Vec)[i]));
  }
  if (ra === 2 && rb === 2) {
    if (a.length !== b.length || (a as Mat)[0].length !== (b as Mat)[0].length) throw new Error(`${what}: matrices of different sizes`);
    return (a as Mat).map((row, i) => row.map((x, j) => f(x, (b as Mat)[i][j])));
  }
  if (ra === 2) return (a as Mat).map((row) => row.map((x, j) => f(x, (b as Vec)[j])));
  return (b as Mat).map((row) => row.map((y, j) => f((a as Vec)[j], y)));
}

export function add(a: number, b: number): number;
export function add(a: Mat, b: Value): Mat;
export function add(a: Value, b: Mat): Mat;
export function add(a: Vec, b: number | Vec): Vec;
export function add(a: number, b: Vec): Vec;
export function add(a: Value, b: Value): Value;
export function add(a: Value, b: Value): Value {
  return zip(a, b, (x, y) => x + y, "sum");
}

export function sub(a: number, b: number): number;
export function sub(a: Mat, b: Value): Mat;
export function sub(a: Value, b: Mat): Mat;
export function sub(a: Vec, b: number | Vec): Vec;
export function sub(a: number, b: Vec): Vec;
export function sub(a: Value, b: Value): Value;
export function sub(a: Value, b: Value): Value {
  return zip(a, b, (x, y) => x - y, "difference");
}

/** Entrywise product (a scalar times a vector or a matrix). */
export function mul(a: number, b: number): number;
export function mul(a: Mat, b: Value): Mat;
export function mul(a: Value, b: Mat): Mat;
export function mul(a: Vec, b: number | Vec): Vec;
export function mul(a: number, b: Vec): Vec;
export function mul(a: Value, b: Value): Value;
export function mul(a: Value, b: Value): Value {
  return zip(a, b, (x, y) => x * y, "product");
}

export function div(a: number, b: number): number;
export function div(a: Mat, b: Value): Mat;
export function div(a: Value, b: Mat): Mat;
export function div(a: Vec, b: number | Vec): Vec;
export function div(a: number, b: Vec): Vec;
export function div(a: Value, b: Value): Value;
export function div(a: Value, b: Value): Value {
  return zip(a, b, (x, y) => x / y, "quotient");
}

export function neg<T extends Value>(a: T): T {
  return map(a, (x) => -x);
}

/** Every entry to the power p. */
export function pow<T extends Value>(a: T, p: number): T {
  return map(a, (x) => x ** p);
}

/** a · b = Σ_k a_k b_k. */
export function dot(a: Vec, b: Vec): number {
  if (a.length !== b.length) throw new Error(`dot: vectors of ${a.length} and ${b.length} entries`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** M v: one dot product per row. */
export function matvec(m: Mat, v: Vec): Vec {
  return m.map((row) => dot(row, v));
}

/** v M: one dot product per column. */
export function vecmat(v: Vec, m: Mat): Vec {
  return transpose(m).map((col) => dot(v, col));
}

export function matmul(a: Mat, b: Mat): Mat {
  if (a[0].length !== b.length) throw new Error(`matmul: ${a.length}×${a[0].length} times ${b.length}×${b[0].length}`);
  return a.map((row) => b[0].map((_, j) => row.reduce((s, x, k) => s + x * b[k][j], 0)));
}

export function transpose(m: Mat): Mat {
  return m[0].map((_, j) => m.map((row) => row[j]));
}

/** term(from) + term(from + 1) + … + term(to); 0 when the range is empty. */
export function sum<T extends Value>(from: number, to: number, term: (i: number) => T): T {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) throw new Error(`sum bounds must be integers, got ${from}..${to}`);
  if (to < from) return 0 as T;
  let acc: Value = term(from);
  for (let i = from + 1; i <= to; i++) acc = add(acc, term(i));
  return acc as T;
}

/** term(from) · … · term(to); 1 when the range is empty. */
export function prod(from: number, to: number, term: (i: number) => number): number {
  let acc = 1;
  for (let i = from; i <= to; i++) acc = i === from ? term(i) : acc * term(i);
  return acc;
}

/** [term(from), …, term(to)]: a formula evaluated once per value of a free index. */
export function terms<T extends Value>(from: number, to: number, term: (i: number) => T): T[] {
  const out: T[] = [];
  for (let i = from; i <= to; i++) out.push(term(i));
  return out;
}

export function log<T extends Value>(x: T): T {
  return map(x, Math.log);
}
export function exp<T extends Value>(x: T): T {
  return map(x, Math.exp);
}
export function sqrt<T extends Value>(x: T): T {
  return map(x, Math.sqrt);
}
export function sin<T extends Value>(x: T): T {
  return map(x, Math.sin);
}
export function cos<T extends Value>(x: T): T {
  return map(x, Math.cos);
}
export function tan<T extends Value>(x: T): T {
  return map(x, Math.tan);
}
export function asin<T extends Value>(x: T): T {
  return map(x, Math.asin);
}
export function acos<T extends Value>(x: T): T {
  return map(x, Math.acos);
}
export function atan<T extends Value>(x: T): T {
  return map(x, Math.atan);
}
export function tanh<T extends Value>(x: T): T {
  return map(x, Math.tanh);
}
export function sinh<T extends Value>(x: T): T {
  return map(x, Math.sinh);
}
export function cosh<T extends Value>(x: T): T {
  return map(x, Math.cosh);
}
export function abs<T extends Value>(x: T): T {
  return map(x, Math.abs);
}
export function sign<T extends Value>(x: T): T {
  return map(x, Math.sign);
}
export function relu<T extends Value>(x: T): T {
  return map(x, (v) => Math.max(0, v));
}

/** ⌊x⌋ entrywise. */
export function floor<T extends Value>(x: T): T {
  return map(x, Math.floor);
}
/** ⌈x⌉ entrywise. */
export function ceil<T extends Value>(x: T): T {
  return map(x, Math.ceil);
}
/** softplus(x) = log(1 + e^x), as max(x, 0) + log1p(e^{-|x|}) (no overflow; as values.ts computes it). */
export function softplus<T extends Value>(x: T): T {
  return map(x, (v) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))));
}
/** erf(x) entrywise (special.ts erf). */
export function erfOf<T extends Value>(x: T): T {
  return map(x, SPECIAL.erf);
}
/** Φ(x), the standard normal CDF, entrywise (special.ts normalCdf). */
export function Phi<T extends Value>(x: T): T {
  return map(x, SPECIAL.normalCdf);
}
/** φ entrywise: the standard normal density (special.ts normalPdf). */
export function phi<T extends Value>(x: T): T {
  return map(x, SPECIAL.normalPdf);
}
/** n! entrywise (special.ts factorial: exact for integers up to 170, Γ(n + 1) otherwise). */
export function factorialOf<T extends Value>(x: T): T {
  return map(x, SPECIAL.factorial);
}

/** a < b entrywise: 1 where it holds, else 0 (conditions of cases and indicators). */
export function lt<A extends Value, B extends Value>(a: A, b: B): Widest<[A, B]> {
  return zip(a, b, (x, y) => +(x < y), "comparison") as Widest<[A, B]>;
}
export function le<A extends Value, B extends Value>(a: A, b: B): Widest<[A, B]> {
  return zip(a, b, (x, y) => +(x <= y), "comparison") as Widest<[A, B]>;
}
export function gt<A extends Value, B extends Value>(a: A, b: B): Widest<[A, B]> {
  return zip(a, b, (x, y) => +(x > y), "comparison") as Widest<[A, B]>;
}
export function ge<A extends Value, B extends Value>(a: A, b: B): Widest<[A, B]> {
  return zip(a, b, (x, y) => +(x >= y), "comparison") as Widest<[A, B]>;
}
export function eq<A extends Value, B extends Value>(a: A, b: B): Widest<[A, B]> {
  return zip(a, b, (x, y) => +(x === y), "comparison") as Widest<[A, B]>;
}
export function neq<A extends Value, B extends Value>(a: A, b: B): Widest<[A, B]> {
  return zip(a, b, (x, y) => +(x !== y), "comparison") as Widest<[A, B]>;
}
/** Both conditions hold (non-zero), entrywise. */
export function and<A extends Value, B extends Value>(a: A, b: B): Widest<[A, B]> {
  return zip(a, b, (x, y) => +(x !== 0 && y !== 0), "comparison") as Widest<[A, B]>;
}

/**
 * cases(v_1, c_1, v_2, c_2, …): entry by entry, the value of the first branch whose condition is non-zero, scalars
 * broadcast; NaN where none holds.
 */
export function cases<A extends Value[]>(...args: A): Widest<A> {
  if (args.length < 2 || args.length % 2) throw new Error(`cases takes (value, condition) pairs, got ${args.length} arguments`);
  let shape: Value = 0;
  for (const a of args) shape = zip(shape, a, () => 0, "cases");
  const flat = args.map((a) => entries(zip(shape, a, (_, y) => y, "cases")));
  const out = flat[0].map((_, i) => {
    for (let k = 0; k < flat.length; k += 2) if (flat[k + 1][i] !== 0) return flat[k][i];
    return NaN;
  });
  if (typeof shape === "number") return out[0] as Widest<A>;
  if (!Array.isArray(shape[0])) return out as Widest<A>;
  const cols = (shape as Mat)[0].length;
  return (shape as Mat).map((_, r) => out.slice(r * cols, (r + 1) * cols)) as Widest<A>;
}

/** diag: a vector (or a scalar) becomes the diagonal matrix, a matrix gives its diagonal. */
export function diag(v: number | Vec): Mat;
export function diag(v: Mat): Vec;
export function diag(v: Value): Value;
export function diag(v: Value): Value {
  if (typeof v === "number") return [[v]];
  if (!Array.isArray(v[0])) return (v as Vec).map((x, i) => (v as Vec).map((_, j) => (i === j ? x : 0)));
  const m = v as Mat;
  return Array.from({length: Math.min(m.length, m[0].length)}, (_, i) => m[i][i]);
}

/** σ(x) = 1 / (1 + e^{-x}), without overflow for large |x|. */
export function sigmoid<T extends Value>(x: T): T {
  return map(x, (v) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v))));
}

/** softmax over the last axis (shifted by the largest entry). */
export function softmax<T extends Value>(z: T): T {
  if (typeof z === "number") return 1 as T;
  const one = (v: Vec): Vec => {
    if (v.length === 0) throw new Error("softmax: empty vector");
    const m = Math.max(...v);
    const e = v.map((x) => Math.exp(x - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / s);
  };
  return (Array.isArray(z[0]) ? (z as Mat).map(one) : one(z as Vec)) as T;
}

/** Every entry of a scalar, vector or matrix, in order. */
export function entries(v: Value): number[] {
  return typeof v === "number" ? [v] : (v as (number | number[])[]).flat();
}

/** ‖x‖ (Euclidean, or Frobenius for a matrix). */
export function norm(x: Value): number {
  return Math.sqrt(entries(x).reduce((s, v) => s + v * v, 0));
}
/**
 * ‖x‖₂: a vector's Euclidean norm; a matrix's spectral norm (its largest singular value), by power iteration on
 * AᵀA from the all-ones vector (200 steps at most, stopping when the estimate changes by less than 1e-15 of itself).
 */
export function norm2(x: Value): number {
  if (typeof x === "number" || !Array.isArray(x[0])) return norm(x);
  const a = x as Mat, cols = a[0].length;
  let v: Vec = Array.from({length: cols}, () => 1 / Math.sqrt(cols)), s = 0;
  for (let k = 0; k < 200; k++) {
    const av = a.map((row) => row.reduce((t, r, j) => t + r * v[j], 0));
    const w = Array.from({length: cols}, (_, j) => a.reduce((t, row, i) => t + row[j] * av[i], 0));
    const n = Math.sqrt(w.reduce((t, y) => t + y * y, 0));
    if (n === 0) return 0;
    v = w.map((y) => y / n);
    const last = s;
    s = Math.sqrt(n);
    if (Math.abs(s - last) <= 1e-15 * s) break;
  }
  return s;
}
/** ‖x‖², the sum of squares. */
export function sqnorm(x: Value): number {
  return entries(x).reduce((s, v) => s + v * v, 0);
}
/** ‖x‖₁, the sum of absolute values. */
export function norm1(x: Value): number {
  return entries(x).reduce((s, v) => s + Math.abs(v), 0);
}

/** The largest entry of all arguments. */
export function max(...xs: Value[]): number {
  return Math.max(...xs.flatMap(entries));
}
export function min(...xs: Value[]): number {
  return Math.min(...xs.flatMap(entries));
}
/** max(a, b) entry by entry (one of them a scalar): max(x, 0) is ReLU. */
export function maximum<T extends Value>(a: T | number, b: T | number): T {
  return zip(a, b, Math.max, "max") as T;
}
export function minimum<T extends Value>(a: T | number, b: T | number): T {
  return zip(a, b, Math.min, "min") as T;
}

/** Scaled dot-product attention: softmax(Q Kᵀ / √d_k) V, with d_k the columns of K. */
export function attention(Q: Mat, K: Mat, V: Mat): Mat {
  const dk = K[0].length;
  if (Q[0].length !== dk) throw new Error(`attention: Q has ${Q[0].length} columns but K has ${dk}`);
  if (K.length !== V.length) throw new Error(`attention: K has ${K.length} rows (keys) but V has ${V.length}`);
  const scores = matmul(Q, transpose(K)).map((row) => row.map((s) => s / Math.sqrt(dk)));
  return matmul(softmax(scores), V);
}

/** ∂f/∂x by central differences (step 1e-5 · max(1, |x_j|)), with the shape of x. */
export function grad<T extends Value>(f: (x: T) => number, x: T): T {
  const flat = entries(x);
  const rebuild = (vals: number[]): T => {
    if (typeof x === "number") return vals[0] as T;
    if (!Array.isArray(x[0])) return vals as T;
    const cols = (x as Mat)[0].length;
    return (x as Mat).map((_, r) => vals.slice(r * cols, (r + 1) * cols)) as T;
  };
  const g = flat.map((v, j) => {
    const h = 1e-5 * Math.max(1, Math.abs(v));
    const up = flat.slice(), down = flat.slice();
    up[j] += h;
    down[j] -= h;
    return (f(rebuild(up)) - f(rebuild(down))) / (2 * h);
  });
  return rebuild(g);
}

/** A⁻¹ of a square matrix by Gauss–Jordan with partial pivoting, as the interpreter computes it (linalg.ts). */
export function inverse(a: Mat): Mat {
  const n = a.length;
  if (!n || a.some((r) => r.length !== n)) throw new Error(`only a square matrix has an inverse, got ${n}×${a[0]?.length ?? 0}`);
  const scale = Math.max(...a.flat().map(Math.abs)) || 1;
  const m = a.map((r, i) => [...r, ...Array.from({length: n}, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    if (Math.abs(m[p][c]) < 1e-12 * scale) throw new Error("the matrix is singular: it has no inverse");
    [m[c], m[p]] = [m[p], m[c]];
    const d = m[c][c];
    for (let k = 0; k < 2 * n; k++) m[c][k] /= d;
    for (let r = 0; r < n; r++) {
      if (r === c || m[r][c] === 0) continue;
      const f = m[r][c];
      for (let k = 0; k < 2 * n; k++) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((r) => r.slice(n));
}

/** det A of a square matrix by Gaussian elimination with partial pivoting (0 when a pivot vanishes). */
export function det(a: Mat): number {
  const n = a.length;
  if (!n || a.some((r) => r.length !== n)) throw new Error(`only a square matrix has a determinant, got ${n}×${a[0]?.length ?? 0}`);
  const m = a.map((r) => [...r]);
  let d = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    if (m[p][c] === 0) return 0;
    if (p !== c) [m[c], m[p]] = [m[p], m[c]], (d = -d);
    d *= m[c][c];
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k < n; k++) m[r][k] -= f * m[c][k];
    }
  }
  return d;
}

/** tr A: the sum of a square matrix's diagonal. */
export function trace(a: Mat): number {
  const n = a.length;
  if (!n || a.some((r) => r.length !== n)) throw new Error(`only a square matrix has a trace, got ${n}×${a[0]?.length ?? 0}`);
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i][i];
  return s;
}

/**
 * A square matrix to the power k: for an integer |k| ≤ 64 the matrix power ((XᵀX)⁻¹, A²; negative k: powers of the
 * inverse), otherwise entrywise, as the interpreter reads `A^k`.
 */
export function matpow(a: Mat, k: number): Mat {
  if (!Number.isInteger(k) || Math.abs(k) > 64) return pow(a, k);
  let base: Mat = k < 0 ? inverse(a) : a;
  let out: Mat = a.map((r, i) => r.map((_, j) => (i === j ? 1 : 0)));
  for (let e = Math.abs(k); e > 0; e >>= 1) {
    if (e & 1) out = matmul(out, base);
    if (e > 1) base = matmul(base, base);
  }
  return out;
}

/** A vector of n entries, each x (an update rule's line whose value is one number for every weight). */
export function full(x: number, n: number): Vec {
  return Array.from({length: n}, () => x);
}

/** The runtime's functions by name (what a compiled formula may call). */
export const RUNTIME: Record<string, (...args: never[]) => unknown> = {
  map, zip, add, sub, mul, div, neg, pow, dot, matvec, vecmat, matmul, transpose, sum, prod, terms, log, exp, sqrt, sin, cos,
  tan, asin, acos, atan, tanh, sinh, cosh, abs, sign, relu, sigmoid, softmax, entries, norm, sqnorm, norm1, max, min, maximum, minimum, attention, grad, full, inverse, matpow,
  floor, ceil, softplus, erfOf, Phi, factorialOf, lt, le, gt, ge, eq, neq, and, cases, diag, det, trace, phi, norm2
};

/** Global names of the sandbox runtime besides RUNTIME's (what generated identifiers must avoid). */
export const SPECIAL_NAMES = ["SPECIAL"];

/**
 * special.ts as sandbox text: every declaration it exports, inside a function scope (so they stay private), and the
 * SPECIAL object of those the runtime calls.
 */
function specialScript(): string {
  const decls = Object.entries(special as Record<string, unknown>).map(([name, v]) => {
    if (typeof v === "function") {
      const text = String(v);
      if (!text.startsWith(`function ${name}(`)) throw new Error(`special function ${name} has no readable source`);
      return text;
    }
    return `var ${name} = ${JSON.stringify(v)};`;
  });
  return `var SPECIAL = (function () {\n${decls.join("\n")}\nreturn {${Object.keys(SPECIAL).join(", ")}};\n})();`;
}

/** The runtime as plain JavaScript function declarations, for the sandbox that runs a reader's edited code. */
export function runtimeScript(): string {
  // A bundler that keeps function names (esbuild's keepNames) wraps inner functions in __name(f, "f"): the identity here.
  const prelude = "function __name(f) { return f; }\n";
  return prelude + specialScript() + "\n" + Object.entries(RUNTIME)
    .map(([name, f]) => {
      const text = String(f);
      // Each entry is a `function name(…) {…}` declaration (types already stripped by the bundler that loaded us).
      if (!text.startsWith(`function ${name}(`)) throw new Error(`runtime function ${name} has no readable source`);
      return text;
    })
    .join("\n");
}
