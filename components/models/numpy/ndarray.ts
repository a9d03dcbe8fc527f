/**
 * A small NumPy: n-dimensional float arrays (shape + Float64Array, row-major), broadcasting arithmetic and
 * comparisons, reductions along an axis, reshape, transpose, matmul, concatenation. Every operation charges its
 * element count to a Budget, so hostile code (`np.zeros((10**9,))`, a 10⁹-step loop) fails fast. Pure: no tf, no DOM.
 */

export type DType = "float" | "int" | "bool";

export interface NDArray {
  shape: number[];
  data: Float64Array;
  dtype: DType;
}

/** Element and work limits shared by one translation. */
export class Budget {
  /** Largest array, in elements. */
  static readonly MAX_ELEMENTS = 4_000_000;
  constructor(public work = 200_000_000, public steps = 2_000_000) {}
  charge(n: number, what: string): void {
    this.work -= n;
    if (this.work < 0) throw new Error(`${what}: the code does too much work to follow at generation time (over 2·10⁸ element operations)`);
  }
  step(what: string): void {
    if (--this.steps < 0) throw new Error(`${what}: too many statements executed (over 2·10⁶); loops this long cannot be followed`);
  }
}

export function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function isND(v: unknown): v is NDArray {
  return typeof v === "object" && v !== null && (v as NDArray).data instanceof Float64Array && Array.isArray((v as NDArray).shape);
}

export function checkShape(shape: number[], what: string): number[] {
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`${what}: shape must be non-negative integers, got (${shape.join(", ")})`);
  const n = size(shape);
  if (n > Budget.MAX_ELEMENTS) throw new Error(`${what}: an array of ${n} elements is too large (the limit is ${Budget.MAX_ELEMENTS})`);
  return shape;
}

export function make(shape: number[], f: (i: number) => number, budget: Budget, what: string, dtype: DType = "float"): NDArray {
  checkShape(shape, what);
  const data = new Float64Array(size(shape));
  budget.charge(data.length, what);
  for (let i = 0; i < data.length; i++) data[i] = f(i);
  return {shape, data, dtype};
}

export function fromNested(v: unknown, what: string): NDArray {
  const shape: number[] = [];
  let probe: unknown = v;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  checkShape(shape, what);
  const out: number[] = [];
  let dtype: DType = "int";
  const walk = (x: unknown, depth: number) => {
    if (depth === shape.length) {
      if (Array.isArray(x)) throw new Error(`${what}: ragged nested lists`);
      const n = typeof x === "boolean" ? Number(x) : x;
      if (typeof n !== "number") throw new Error(`${what}: elements must be numbers`);
      if (!Number.isInteger(n)) dtype = "float";
      out.push(n);
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[depth]) throw new Error(`${what}: ragged nested lists`);
    for (const y of x) walk(y, depth + 1);
  };
  walk(v, 0);
  if (typeof probe === "boolean") dtype = "bool";
  return {shape, data: Float64Array.from(out), dtype};
}

export function broadcastShape(a: number[], b: number[], what: string): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1, y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new Error(`${what}: shapes (${a.join(",")}) and (${b.join(",")}) cannot be broadcast together`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Flat index into an array of `shape` for each flat index of the broadcast `out` shape. */
function broadcastIndex(shape: number[], out: number[]): (i: number) => number {
  if (shape.join() === out.join()) return (i) => i;
  if (size(shape) === 1) return () => 0;
  const pad = out.length - shape.length;
  const strides: number[] = new Array(out.length).fill(0);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d + pad] = shape[d] === 1 ? 0 : s;
    s *= shape[d];
  }
  return (i) => {
    let idx = 0;
    for (let d = out.length - 1; d >= 0; d--) {
      const q = i % out[d];
      i = (i - q) / out[d];
      idx += q * strides[d];
    }
    return idx;
  };
}

export type Scalar = number | boolean;
export const scalarArray = (x: number, dtype: DType = "float"): NDArray => ({shape: [], data: Float64Array.of(x), dtype});

const ARITH: Record<string, (x: number, y: number) => number> = {
  "+": (x, y) => x + y, "-": (x, y) => x - y, "*": (x, y) => x * y, "/": (x, y) => x / y, "**": (x, y) => x ** y,
  "//": (x, y) => Math.floor(x / y), "%": (x, y) => x - y * Math.floor(x / y),
  "==": (x, y) => Number(x === y), "!=": (x, y) => Number(x !== y), "<": (x, y) => Number(x < y), "<=": (x, y) => Number(x <= y),
  ">": (x, y) => Number(x > y), ">=": (x, y) => Number(x >= y), "&": (x, y) => Number(!!x && !!y), "|": (x, y) => Number(!!x || !!y),
  maximum: Math.max, minimum: Math.min
};
const COMPARE = new Set(["==", "!=", "<", "<=", ">", ">=", "&", "|"]);

function resultType(op: string, a: NDArray, b: NDArray): DType {
  if (COMPARE.has(op)) return "bool";
  if (op === "/" || op === "**") return "float";
  if (a.dtype === "float" || b.dtype === "float") return "float";
  return "int";
}

/** a op b with NumPy broadcasting (arithmetic, comparisons, & |, maximum, minimum). */
export function binary(op: string, a: NDArray, b: NDArray, budget: Budget): NDArray {
  const f = ARITH[op];
  if (!f) throw new Error(`operator ${op} is not supported on arrays`);
  return broadcastWith(a, b, f, budget, `operator ${op}`, resultType(op, a, b));
}

/** f(a, b) elementwise with NumPy broadcasting, into an array of `dtype`. */
export function broadcastWith(a: NDArray, b: NDArray, f: (x: number, y: number) => number, budget: Budget, what: string, dtype: DType): NDArray {
  const shape = broadcastShape(a.shape, b.shape, what);
  const ia = broadcastIndex(a.shape, shape), ib = broadcastIndex(b.shape, shape);
  return make(shape, (i) => f(a.data[ia(i)], b.data[ib(i)]), budget, what, dtype);
}

export function isBinaryOp(op: string): boolean {
  return op in ARITH;
}

export function map(a: NDArray, f: (x: number) => number, budget: Budget, what: string, dtype: DType = "float"): NDArray {
  return make(a.shape, (i) => f(a.data[i]), budget, what, dtype);
}

function normAxis(axis: number, ndim: number, what: string): number {
  const ax = axis < 0 ? axis + ndim : axis;
  if (!Number.isInteger(ax) || ax < 0 || ax >= ndim) throw new Error(`${what}: axis ${axis} is out of bounds for a ${ndim}-D array`);
  return ax;
}

/** Reduction over all elements (axis null) or along one axis. */
export function reduce(a: NDArray, kind: "sum" | "mean" | "max" | "min" | "argmax" | "argmin" | "std" | "var" | "prod" | "any" | "all",
  axis: number | null, budget: Budget, keepdims = false): NDArray {
  const what = `${kind}()`;
  budget.charge(a.data.length, what);
  const fold = (get: (j: number) => number, n: number): number => {
    if (n === 0 && !["sum", "prod", "any", "all"].includes(kind)) throw new Error(`${what} of an empty array`);
    let s = 0, best = get(0), arg = 0;
    switch (kind) {
      case "sum": case "mean": case "std": case "var": {
        for (let j = 0; j < n; j++) s += get(j);
        if (kind === "sum") return s;
        const m = s / n;
        if (kind === "mean") return m;
        let v = 0;
        for (let j = 0; j < n; j++) v += (get(j) - m) ** 2;
        return kind === "var" ? v / n : Math.sqrt(v / n);
      }
      case "prod": s = 1; for (let j = 0; j < n; j++) s *= get(j); return s;
      case "any": for (let j = 0; j < n; j++) if (get(j)) return 1; return 0;
      case "all": for (let j = 0; j < n; j++) if (!get(j)) return 0; return 1;
      default:
        for (let j = 1; j < n; j++) {
          const x = get(j);
          if ((kind === "max" || kind === "argmax") ? x > best : x < best) { best = x; arg = j; }
        }
        return kind === "argmax" || kind === "argmin" ? arg : best;
    }
  };
  const dtype: DType = kind.startsWith("arg") ? "int" : kind === "any" || kind === "all" ? "bool" : ["sum", "max", "min", "prod"].includes(kind) ? a.dtype === "bool" ? "int" : a.dtype : "float";
  if (axis === null) {
    const v = fold((j) => a.data[j], a.data.length);
    return {shape: keepdims ? a.shape.map(() => 1) : [], data: Float64Array.of(v), dtype};
  }
  const ax = normAxis(axis, a.shape.length, what);
  const outer = size(a.shape.slice(0, ax)), n = a.shape[ax], inner = size(a.shape.slice(ax + 1));
  const shape = keepdims ? a.shape.map((d, i) => (i === ax ? 1 : d)) : a.shape.filter((_, i) => i !== ax);
  const data = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) for (let k = 0; k < inner; k++) data[o * inner + k] = fold((j) => a.data[(o * n + j) * inner + k], n);
  return {shape, data, dtype};
}

export function reshape(a: NDArray, dims: number[], what = "reshape"): NDArray {
  const unknown = dims.filter((d) => d === -1).length;
  if (unknown > 1) throw new Error(`${what}: can only specify one unknown dimension`);
  const known = size(dims.filter((d) => d !== -1));
  const shape = dims.map((d) => (d === -1 ? (known ? a.data.length / known : 0) : d));
  if (!shape.every((d) => Number.isInteger(d) && d >= 0) || size(shape) !== a.data.length) {
    throw new Error(`${what}: cannot reshape an array of size ${a.data.length} into shape (${dims.join(", ")})`);
  }
  return {shape, data: a.data, dtype: a.dtype};
}

/**
 * The one transpose and matmul (keras/ndarray.ts's 004 evaluator uses them too). `budget` null: no work or size
 * limit (the 004 data is a few hundred numbers) — the NumPy interpreter always passes its budget.
 */
export function transpose<A extends Pick<NDArray, "shape" | "data"> & {dtype?: DType}>(a: A, budget: Budget | null): A {
  if (a.shape.length < 2) return a;
  if (a.shape.length > 2) throw new Error(".T is supported on 1-D and 2-D arrays only");
  const [n, m] = a.shape;
  const data = new Float64Array(n * m);
  if (budget) (checkShape([m, n], ".T"), budget.charge(data.length, ".T"));
  for (let i = 0; i < data.length; i++) data[i] = a.data[(i % n) * m + Math.floor(i / n)];
  return {...a, shape: [m, n], data};
}

/** a @ b for 1-D and 2-D arrays; the result's dtype is float unless both are int (absent dtypes stay absent). */
export function matmul<A extends Pick<NDArray, "shape" | "data"> & {dtype?: DType}>(a: A, b: A, budget: Budget | null): A {
  if (a.shape.length > 2 || b.shape.length > 2 || !a.shape.length || !b.shape.length) throw new Error("@ supports 1-D and 2-D arrays only");
  const [n, k] = a.shape.length === 1 ? [1, a.shape[0]] : a.shape;
  const bk = b.shape[0], m = b.shape.length === 1 ? 1 : b.shape[1];
  if (k !== bk) throw new Error(`@: shapes (${a.shape.join(",")}) and (${b.shape.join(",")}) not aligned: ${k} (dim 1) ≠ ${bk} (dim 0)`);
  if (budget) (checkShape([n, m], "@"), budget.charge(n * m * Math.max(k, 1), "@"));
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += a.data[i * k + t] * b.data[t * m + j];
      out[i * m + j] = s;
    }
  }
  const shape = a.shape.length === 1 ? (b.shape.length === 1 ? [] : [m]) : b.shape.length === 1 ? [n] : [n, m];
  const dtype = a.dtype === undefined && b.dtype === undefined ? {} : {dtype: a.dtype === "float" || b.dtype === "float" ? "float" : "int"};
  return {...a, shape, data: out, ...dtype} as A;
}

/** np.concatenate along `axis` (arrays agree on every other axis). */
export function concatenate(arrays: NDArray[], axis: number, budget: Budget, what = "np.concatenate"): NDArray {
  if (!arrays.length) throw new Error(`${what}: needs at least one array`);
  const nd = arrays[0].shape.length;
  if (nd === 0) throw new Error(`${what}: zero-dimensional arrays cannot be concatenated`);
  const ax = normAxis(axis, nd, what);
  for (const a of arrays) {
    if (a.shape.length !== nd || a.shape.some((d, i) => i !== ax && d !== arrays[0].shape[i])) {
      throw new Error(`${what}: shapes ${arrays.map((x) => `(${x.shape.join(",")})`).join(" ")} do not match except along axis ${ax}`);
    }
  }
  const shape = arrays[0].shape.map((d, i) => (i === ax ? arrays.reduce((s, a) => s + a.shape[ax], 0) : d));
  checkShape(shape, what);
  const outer = size(shape.slice(0, ax)), inner = size(shape.slice(ax + 1));
  const data = new Float64Array(size(shape));
  budget.charge(data.length, what);
  let at = 0;
  for (let o = 0; o < outer; o++) {
    for (const a of arrays) {
      const len = a.shape[ax] * inner;
      data.set(a.data.subarray(o * len, (o + 1) * len), at);
      at += len;
    }
  }
  const dtype = arrays.some((a) => a.dtype === "float") ? "float" : arrays.every((a) => a.dtype === "bool") ? "bool" : "int";
  return {shape, data, dtype};
}

/** Rows `idx` of `a` along axis 0 (fancy indexing with integers). */
export function takeRows(a: NDArray, idx: ArrayLike<number>, budget: Budget): NDArray {
  if (!a.shape.length) throw new Error("cannot index a 0-d array");
  const n = a.shape[0], inner = size(a.shape.slice(1));
  const shape = [idx.length, ...a.shape.slice(1)];
  checkShape(shape, "indexing");
  const data = new Float64Array(size(shape));
  budget.charge(data.length, "indexing");
  for (let i = 0; i < idx.length; i++) {
    let r = idx[i];
    if (r < 0) r += n;
    if (!(r >= 0 && r < n) || !Number.isInteger(r)) throw new Error(`index ${idx[i]} is out of bounds for axis 0 with size ${n}`);
    data.set(a.data.subarray(r * inner, (r + 1) * inner), i * inner);
  }
  return {shape, data, dtype: a.dtype};
}
