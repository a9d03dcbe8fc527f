/**
 * NumPy's binary ufuncs by name — np.add(a, b), np.subtract, np.logaddexp, … with broadcasting — and their
 * methods: np.subtract.outer(a, b) (the table of every pair, shape a.shape + b.shape), np.add.reduce(a, axis)
 * and np.add.accumulate(a, axis). Every element is charged to the budget. Pure.
 */
import {binary, broadcastWith, make, reduce, reshape, type Budget, type NDArray} from "./ndarray.js";
import {toInt, toND, unwrap, type NPValue} from "./values.js";

/** ln(eˣ + eʸ) without overflow: the larger plus log1p(e^-|x−y|) (NumPy's npy_logaddexp; equal infinities stay). */
export function logaddexp(x: number, y: number): number {
  if (x === y) return x + Math.LN2;
  const t = x - y;
  if (t > 0) return x + Math.log1p(Math.exp(-t));
  if (t <= 0) return y + Math.log1p(Math.exp(t));
  return t; // NaN
}

/** log₂(2ˣ + 2ʸ), the same way. */
export function logaddexp2(x: number, y: number): number {
  if (x === y) return x + 1;
  const t = x - y;
  if (t > 0) return x + Math.log1p(2 ** -t) / Math.LN2;
  if (t <= 0) return y + Math.log1p(2 ** t) / Math.LN2;
  return t;
}

/** Ufuncs that are an operator of binary() (its dtype rules: comparisons bool, / float, …). */
const OPERATOR: Record<string, string> = {
  add: "+", subtract: "-", multiply: "*", divide: "/", true_divide: "/", floor_divide: "//", power: "**", mod: "%",
  remainder: "%", maximum: "maximum", minimum: "minimum", equal: "==", not_equal: "!=", less: "<", less_equal: "<=",
  greater: ">", greater_equal: ">=", logical_and: "&", logical_or: "|"
};
/** Ufuncs of their own function (float results). */
const CUSTOM: Record<string, (x: number, y: number) => number> = {logaddexp, logaddexp2, arctan2: Math.atan2, hypot: Math.hypot};

export const isBinaryUfunc = (name: string): boolean => name in OPERATOR || name in CUSTOM;

function apply(name: string, a: NDArray, b: NDArray, B: Budget): NDArray {
  const op = OPERATOR[name];
  if (op) return binary(op, a, b, B);
  return broadcastWith(a, b, CUSTOM[name], B, `np.${name}`, "float");
}

/** np.<name>(a, b). */
export function binaryUfunc(name: string, args: NPValue[], kw: Record<string, NPValue>, B: Budget): NPValue {
  const x = args[0] ?? kw.x1, y = args[1] ?? kw.x2;
  if (x === undefined || y === undefined) throw new Error(`np.${name}() takes two arrays`);
  if (args.length > 2 || kw.out !== undefined) throw new Error(`np.${name}(): out= is not supported`);
  return unwrap(apply(name, toND(x, `np.${name}`), toND(y, `np.${name}`), B));
}

/** np.<name>.outer / .reduce / .accumulate. */
export function ufuncMethod(name: string, method: string, args: NPValue[], kw: Record<string, NPValue>, B: Budget): NPValue {
  const what = `np.${name}.${method}`;
  const a = toND(args[0] ?? kw.a ?? kw.array ?? null, what);
  if (method === "outer") {
    const b = toND(args[1] ?? kw.b ?? null, what);
    // a's axes first, then b's: a reshaped to a.shape + (1,)·b.ndim broadcasts against b
    return unwrap(apply(name, reshape(a, [...a.shape, ...b.shape.map(() => 1)], what), b, B));
  }
  const ax = kw.axis !== undefined ? kw.axis : args[1] ?? 0;
  if (method === "reduce") return unwrap(reduceAlong(name, a, ax === null ? null : toInt(ax, `${what} axis`), B));
  if (method === "accumulate") return accumulate(name, a, toInt(ax ?? 0, `${what} axis`), B);
  throw new Error(`${what}() is not supported`);
}

const REDUCE_KIND: Record<string, "sum" | "prod" | "max" | "min" | "all" | "any"> = {
  add: "sum", multiply: "prod", maximum: "max", minimum: "min", logical_and: "all", logical_or: "any"
};

function reduceAlong(name: string, a: NDArray, axis: number | null, B: Budget): NDArray {
  const kind = REDUCE_KIND[name];
  if (!kind) throw new Error(`np.${name}.reduce() is not supported (add, multiply, maximum, minimum, logical_and, logical_or are)`);
  return reduce(a, kind, axis, B);
}

/** Running results along one axis: np.add.accumulate = cumsum, np.multiply.accumulate = cumprod, … */
function accumulate(name: string, a: NDArray, axis: number, B: Budget): NDArray {
  const what = `np.${name}.accumulate`;
  if (!a.shape.length) throw new Error(`${what}: cannot accumulate on a scalar`);
  const ax = axis < 0 ? axis + a.shape.length : axis;
  if (!(ax >= 0 && ax < a.shape.length)) throw new Error(`${what}: axis ${axis} is out of bounds for a ${a.shape.length}-D array`);
  const n = a.shape[ax], inner = a.shape.slice(ax + 1).reduce((p, d) => p * d, 1);
  const step = (x: number, y: number) => apply(name, {shape: [], data: Float64Array.of(x), dtype: a.dtype}, {shape: [], data: Float64Array.of(y), dtype: a.dtype}, B);
  const dtype = step(0, 1).dtype;
  const out = make(a.shape, (i) => a.data[i], B, what, dtype);
  for (let i = 0; i < out.data.length; i++) {
    if (Math.floor(i / inner) % n === 0) continue; // the first along the axis stays
    out.data[i] = step(out.data[i - inner], a.data[i]).data[0];
  }
  return out;
}
