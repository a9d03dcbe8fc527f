/**
 * NumPy subscripts: integers, slices with steps, `None` (new axis), `...`, one integer array or boolean mask, or
 * integer arrays paired on the leading axes (`p[np.arange(n), y]`).
 * `a[i]`, `a[:, 0]`, `a[::2, 1:]`, `a[mask]`, `a[idx]`, `a[:, None]`. Reading and (for `a[...] = v`) writing. Pure.
 */
import {Budget, checkShape, size, type NDArray} from "./ndarray.js";

export type IndexItem =
  | {kind: "int"; i: number}
  | {kind: "slice"; lo: number | null; hi: number | null; step: number | null}
  | {kind: "array"; a: NDArray}
  | {kind: "newaxis"}
  | {kind: "ellipsis"};

interface Plan {
  /** For each source axis, the indices taken (or a single integer: the axis is dropped). */
  axes: {idx: number[]; drop: boolean}[];
  /** Output shape (with new axes and the advanced index's place). */
  shape: number[];
}

function sliceIndices(n: number, s: Extract<IndexItem, {kind: "slice"}>): number[] {
  const step = s.step ?? 1;
  if (step === 0) throw new Error("slice step cannot be zero");
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  const out: number[] = [];
  if (step > 0) {
    const lo = s.lo === null ? 0 : clamp(s.lo < 0 ? s.lo + n : s.lo, 0, n);
    const hi = s.hi === null ? n : clamp(s.hi < 0 ? s.hi + n : s.hi, 0, n);
    for (let i = lo; i < hi; i += step) out.push(i);
  } else {
    const lo = s.lo === null ? n - 1 : clamp(s.lo < 0 ? s.lo + n : s.lo, -1, n - 1);
    const hi = s.hi === null ? -1 : clamp(s.hi < 0 ? s.hi + n : s.hi, -1, n - 1);
    for (let i = lo; i > hi; i += step) out.push(i);
  }
  return out;
}

function plan(a: NDArray, items: IndexItem[]): Plan {
  const real = items.filter((x) => x.kind !== "newaxis" && x.kind !== "ellipsis");
  const consumed = real.reduce((s, x) => s + (x.kind === "array" && x.a.dtype === "bool" ? Math.max(1, x.a.shape.length) : 1), 0);
  if (consumed > a.shape.length) throw new Error(`too many indices for an array of dimension ${a.shape.length}`);
  const full: IndexItem[] = [];
  let sawEllipsis = false;
  for (const x of items) {
    if (x.kind === "ellipsis") {
      if (sawEllipsis) throw new Error("an index can only have a single ellipsis");
      sawEllipsis = true;
      for (let k = 0; k < a.shape.length - consumed; k++) full.push({kind: "slice", lo: null, hi: null, step: null});
    } else full.push(x);
  }
  if (!sawEllipsis) for (let k = consumed; k < a.shape.length; k++) full.push({kind: "slice", lo: null, hi: null, step: null});
  const axes: Plan["axes"] = [];
  const shape: number[] = [];
  let ax = 0;
  for (const x of full) {
    if (x.kind === "newaxis") {
      shape.push(1);
      continue;
    }
    const n = a.shape[ax];
    if (x.kind === "int") {
      const i = x.i < 0 ? x.i + n : x.i;
      if (!Number.isInteger(i) || i < 0 || i >= n) throw new Error(`index ${x.i} is out of bounds for axis ${ax} with size ${n}`);
      axes.push({idx: [i], drop: true});
      ax++;
    } else if (x.kind === "slice") {
      const idx = sliceIndices(n, x);
      axes.push({idx, drop: false});
      shape.push(idx.length);
      ax++;
    } else if (x.kind === "array" && x.a.dtype === "bool") {
      if (x.a.shape.length > 1) {
        // a 2-D (or higher) mask over leading axes: flatten those axes first
        throw new Error("boolean masks with more than one dimension are not supported");
      }
      if (x.a.shape[0] !== n) throw new Error(`boolean index has ${x.a.shape[0]} entries but axis ${ax} has ${n}`);
      const idx: number[] = [];
      x.a.data.forEach((v, i) => v && idx.push(i));
      axes.push({idx, drop: false});
      shape.push(idx.length);
      ax++;
    } else if (x.kind === "array") {
      if (x.a.shape.length > 1) throw new Error("integer-array indices must be 1-D");
      const idx = Array.from(x.a.data, (v) => {
        const i = v < 0 ? v + n : v;
        if (!Number.isInteger(i) || i < 0 || i >= n) throw new Error(`index ${v} is out of bounds for axis ${ax} with size ${n}`);
        return i;
      });
      axes.push({idx, drop: false});
      shape.push(idx.length);
      ax++;
    }
  }
  return {axes, shape};
}

/** Visits (source flat index, output flat index) for every selected element. */
function visit(a: NDArray, p: Plan, f: (src: number, out: number) => void): void {
  const strides = a.shape.map((_, d) => size(a.shape.slice(d + 1)));
  let out = 0;
  const rec = (d: number, base: number) => {
    if (d === p.axes.length) {
      f(base, out++);
      return;
    }
    for (const i of p.axes[d].idx) rec(d + 1, base + i * strides[d]);
  };
  rec(0, 0);
}

/** a[mask] with a mask of a's own shape selects elements in row-major order (a 1-D result). */
function fullMask(a: NDArray, items: IndexItem[]): IndexItem[] | null {
  const m = items.length === 1 && items[0].kind === "array" ? items[0].a : null;
  if (!m || m.dtype !== "bool" || m.shape.length < 2 || m.shape.join() !== a.shape.join()) return null;
  return [{kind: "array", a: {shape: [m.data.length], data: m.data, dtype: "bool"}}];
}

/**
 * `a[rows, cols]`, `p[np.arange(n), y]`: two or more integer arrays (or integers) on the leading axes select their
 * entries in pairs, NumPy's broadcasting of the index arrays (length 1 repeats); whole axes (`:`) may follow.
 * The flat offset of each selected block, the block's size and the result's shape; null for fewer than two arrays.
 */
function pairedArrays(a: NDArray, items: IndexItem[]): {offsets: number[]; block: number; shape: number[]} | null {
  if (items.filter((x) => x.kind === "array").length < 2) return null;
  const idx: number[][] = [];
  let k = 0;
  for (; k < items.length; k++) {
    const x = items[k];
    if (x.kind === "array" && x.a.dtype !== "bool" && x.a.shape.length === 1) idx.push(Array.from(x.a.data));
    else if (x.kind === "int") idx.push([x.i]);
    else break;
  }
  const whole = (x: IndexItem) => x.kind === "slice" && x.lo === null && x.hi === null && x.step === null;
  if (!items.slice(k).every(whole) || idx.length < 2) throw new Error("integer-array indices must come first and together (a[rows, cols]), followed only by whole axes (:)");
  if (k > a.shape.length) throw new Error(`too many indices for an array of dimension ${a.shape.length}`);
  const n = Math.max(...idx.map((v) => v.length));
  if (idx.some((v) => v.length !== n && v.length !== 1)) throw new Error(`shape mismatch: indexing arrays of lengths ${idx.map((v) => v.length).join(", ")} cannot be broadcast together`);
  const strides = a.shape.map((_, d) => size(a.shape.slice(d + 1)));
  const offsets = Array.from({length: n}, (_, j) => idx.reduce((o, v, d) => {
    const raw = v[v.length === 1 ? 0 : j], i = raw < 0 ? raw + a.shape[d] : raw;
    if (!Number.isInteger(i) || i < 0 || i >= a.shape[d]) throw new Error(`index ${raw} is out of bounds for axis ${d} with size ${a.shape[d]}`);
    return o + i * strides[d];
  }, 0));
  return {offsets, block: size(a.shape.slice(k)), shape: [n, ...a.shape.slice(k)]};
}

export function getIndex(a: NDArray, items: IndexItem[], budget: Budget): NDArray {
  const pairs = pairedArrays(a, items);
  if (pairs) {
    checkShape(pairs.shape, "indexing");
    const data = new Float64Array(size(pairs.shape));
    budget.charge(data.length, "indexing");
    pairs.offsets.forEach((o, j) => data.set(a.data.subarray(o, o + pairs.block), j * pairs.block));
    return {shape: pairs.shape, data, dtype: a.dtype};
  }
  const flat = fullMask(a, items);
  if (flat) return getIndex({shape: [a.data.length], data: a.data, dtype: a.dtype}, flat, budget);
  const p = plan(a, items);
  checkShape(p.shape, "indexing");
  const data = new Float64Array(size(p.shape));
  budget.charge(data.length, "indexing");
  visit(a, p, (src, out) => (data[out] = a.data[src]));
  return {shape: p.shape, data, dtype: a.dtype};
}

/** a[items] = v (v broadcast over the selection: a scalar or an array of the selection's size). In place. */
export function setIndex(a: NDArray, items: IndexItem[], v: NDArray, budget: Budget): void {
  const pairs = pairedArrays(a, items);
  if (pairs) {
    const n = pairs.offsets.length * pairs.block;
    if (v.data.length !== 1 && v.data.length !== n) throw new Error(`cannot assign ${v.data.length} values to a selection of ${n} elements`);
    budget.charge(n, "assignment");
    pairs.offsets.forEach((o, j) => {
      for (let q = 0; q < pairs.block; q++) a.data[o + q] = v.data.length === 1 ? v.data[0] : v.data[j * pairs.block + q];
    });
    return;
  }
  const flat = fullMask(a, items);
  if (flat) return setIndex({shape: [a.data.length], data: a.data, dtype: a.dtype}, flat, v, budget);
  const p = plan(a, items);
  const n = size(p.shape);
  if (v.data.length !== 1 && v.data.length !== n) {
    throw new Error(`cannot assign ${v.data.length} values to a selection of ${n} elements`);
  }
  budget.charge(n, "assignment");
  visit(a, p, (src, out) => (a.data[src] = v.data.length === 1 ? v.data[0] : v.data[out]));
}
