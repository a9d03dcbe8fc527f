/**
 * Evaluates the NumPy subset the chapters use to make data (np.random.rand/randn, zeros, ones, arithmetic with
 * scalars, `@`, `.T`, `X[:, j]`, `.sum()`, `.mean()`, `.shape`) with a seeded generator. Pure: no tf, no DOM.
 */
import {randn} from "../../math/random.js";
import {dotted, show, type Expr} from "./expr.js";
import {matmul as npMatmul, transpose as npTranspose} from "../numpy/ndarray.js";

export interface NDArray {
  shape: number[];
  data: Float64Array;
}
export type NDValue = number | NDArray | number[];

export function isArray(v: NDValue): v is NDArray {
  return typeof v === "object" && !Array.isArray(v);
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function make(shape: number[], f: (i: number) => number): NDArray {
  const data = new Float64Array(size(shape));
  for (let i = 0; i < data.length; i++) data[i] = f(i);
  return {shape, data};
}

function dims(args: NDValue[], what: string): number[] {
  const shape = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  if (!shape.every((d) => typeof d === "number" && Number.isInteger(d) && d >= 0)) {
    throw new Error(`${what}: shape must be non-negative integers`);
  }
  if (size(shape as number[]) > 1e7) throw new Error(`${what}: array of ${size(shape as number[])} elements is too large`);
  return shape as number[];
}

function elementwise(op: string, a: NDValue, b: NDValue): NDValue {
  const f: Record<string, (x: number, y: number) => number> = {
    "+": (x, y) => x + y, "-": (x, y) => x - y, "*": (x, y) => x * y, "/": (x, y) => x / y, "**": (x, y) => x ** y
  };
  const fn = f[op];
  if (!fn) throw new Error(`operator ${op} is not supported`);
  if (Array.isArray(a) || Array.isArray(b)) throw new Error(`operator ${op} on a shape tuple`);
  if (typeof a === "number" && typeof b === "number") return fn(a, b);
  if (typeof a === "number") return make((b as NDArray).shape, (i) => fn(a, (b as NDArray).data[i]));
  if (typeof b === "number") return make(a.shape, (i) => fn(a.data[i], b));
  const A = a, B = b as NDArray;
  if (A.shape.join() !== B.shape.join()) {
    throw new Error(`shapes (${A.shape}) and (${B.shape}) do not match for ${op} (only equal shapes or scalars are supported)`);
  }
  return make(A.shape, (i) => fn(A.data[i], B.data[i]));
}

/** a @ b: the NumPy interpreter's matmul (numpy/ndarray.ts), without its budget (004's data is small). */
export function matmul(a: NDArray, b: NDArray): NDArray {
  return npMatmul(a, b, null);
}

export function transpose(a: NDArray): NDArray {
  return npTranspose(a, null);
}

export interface NDEnv {
  vars: Map<string, NDValue>;
  /** Names bound to the numpy module (`np`). */
  numpy: Set<string>;
  rng: () => number;
}

function scalarOf(v: NDValue): number {
  if (typeof v === "number") return v;
  if (isArray(v) && v.shape.length === 0) return v.data[0];
  throw new Error("expected a scalar");
}

/** Evaluates one expression; throws Error naming the unsupported construct. */
export function evalND(e: Expr, env: NDEnv): NDValue {
  switch (e.type) {
    case "num":
      return e.value;
    case "name": {
      const v = env.vars.get(e.id);
      if (v === undefined) throw new Error(`name '${e.id}' is not defined`);
      return v;
    }
    case "tuple":
      return e.items.map((x) => scalarOf(evalND(x, env)));
    case "unary": {
      if (e.op !== "-") throw new Error(`operator ${e.op} is not supported`);
      return elementwise("*", -1, evalND(e.arg, env));
    }
    case "bin": {
      const a = evalND(e.left, env), b = evalND(e.right, env);
      if (e.op === "@") {
        if (!isArray(a) || !isArray(b)) throw new Error("@ needs two arrays");
        return matmul(a, b);
      }
      return elementwise(e.op, a, b);
    }
    case "attr": {
      const v = evalND(e.obj, env);
      if (!isArray(v)) throw new Error(`.${e.name} on a non-array`);
      if (e.name === "T") return transpose(v);
      if (e.name === "shape") return v.shape;
      throw new Error(`attribute .${e.name} is not supported`);
    }
    case "index": {
      const v = evalND(e.obj, env);
      const idx = e.index.type === "tuple" ? e.index.items : [e.index];
      if (Array.isArray(v)) {
        if (idx.length === 1 && idx[0].type === "num") return v[idx[0].value];
        if (idx.length === 1 && idx[0].type === "slice") {
          const s = idx[0];
          return v.slice(s.lo ? scalarOf(evalND(s.lo, env)) : 0, s.hi ? scalarOf(evalND(s.hi, env)) : undefined);
        }
        throw new Error(`unsupported index into a shape: ${show(e)}`);
      }
      if (!isArray(v)) throw new Error(`cannot index a number: ${show(e)}`);
      if (v.shape.length === 2 && idx.length === 2 && idx[0].type === "slice" && !idx[0].lo && !idx[0].hi && idx[1].type !== "slice") {
        const j = scalarOf(evalND(idx[1], env));
        const [n, m] = v.shape;
        if (!Number.isInteger(j) || j < -m || j >= m) throw new Error(`column ${j} out of range for shape (${v.shape})`);
        const c = j < 0 ? j + m : j;
        return make([n], (i) => v.data[i * m + c]);
      }
      throw new Error(`unsupported indexing ${show(e)} (only X[:, j] is supported)`);
    }
    case "call": {
      const name = dotted(e.fn);
      if (e.fn.type === "attr" && !(name && env.numpy.has(name.split(".")[0]))) {
        const v = evalND(e.fn.obj, env);
        if (!isArray(v)) throw new Error(`.${e.fn.name}() on a non-array`);
        if (e.fn.name === "sum") return v.data.reduce((a, b) => a + b, 0);
        if (e.fn.name === "mean") return v.data.reduce((a, b) => a + b, 0) / v.data.length;
        if (e.fn.name === "astype") return v;
        throw new Error(`method .${e.fn.name}() is not supported`);
      }
      const parts = name?.split(".") ?? [];
      if (!name || !env.numpy.has(parts[0])) throw new Error(`call to ${name ?? show(e.fn)} is not supported in NumPy code`);
      const fn = parts.slice(1).join(".");
      const args = e.args.map((a) => evalND(a, env));
      switch (fn) {
        case "random.rand":
          return make(dims(args, "np.random.rand"), () => env.rng());
        case "random.randn":
          return make(dims(args, "np.random.randn"), () => randn(env.rng));
        case "zeros":
          return make(dims(args, "np.zeros"), () => 0);
        case "ones":
          return make(dims(args, "np.ones"), () => 1);
        default:
          throw new Error(`np.${fn} is not supported`);
      }
    }
    default:
      throw new Error(`unsupported expression ${show(e)}`);
  }
}
