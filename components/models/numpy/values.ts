/** The values the NumPy interpreter computes with, and conversions between them. Pure. */
import type {Expr} from "../keras/expr.js";
import type {PyStmt} from "../keras/gd.js";
import type {ScalerState} from "../sklearn/datasets.js";
import {Budget, fromNested, isND, scalarArray, type NDArray} from "./ndarray.js";
import type {Generator} from "./random.js";

export type NPObject =
  | {obj: "module"; path: string}
  | {obj: "rng"; gen: Generator}
  | {obj: "scaler"; state: ScalerState | null}
  | {obj: "func"; name: string; params: {name: string; def?: NPValue}[]; body: PyStmt[]; line: number; self?: NPInstance}
  /** A class of the code's own (plain Python over NumPy values): its methods by name. */
  | {obj: "class"; name: string; methods: Map<string, Extract<NPObject, {obj: "func"}>>; line: number}
  | NPInstance
  | {obj: "dtype"; name: string}
  | {obj: "lambda"; params: string[]; body: Expr}
  | {obj: "opaque"; why: string}
  | NPDict;

/** A Python dict: entries by key identity (dicts.ts: dictKey), each [key, value], in insertion order. */
export interface NPDict {
  obj: "dict";
  entries: Map<string, [NPValue, NPValue]>;
}

/** An instance of such a class: its attributes (self.w, self.lr) and its class. */
export interface NPInstance {
  obj: "instance";
  cls: Extract<NPObject, {obj: "class"}>;
  attrs: Map<string, NPValue>;
}

export type NPValue = number | boolean | string | null | NDArray | NPValue[] | NPObject;

export interface NPEnv {
  vars: Map<string, NPValue>;
  /** np.random's global generator (np.random.seed reseeds it; torch.manual_seed too). */
  rng: Generator;
  budget: Budget;
  /** Names the interpreter does not hold (the surrounding translator's plain numbers, strings, tuples). */
  fallback?: (name: string) => NPValue | undefined;
  /** Runs a user function (def) on NumPy values. */
  callUser?: (f: Extract<NPObject, {obj: "func"}>, args: NPValue[], kwargs: Record<string, NPValue>) => NPValue;
  /** Makes an instance of a class of the code's own (runs its __init__). */
  construct?: (cls: Extract<NPObject, {obj: "class"}>, args: NPValue[], kwargs: Record<string, NPValue>) => NPValue;
  /** Seed for generators created without one (default_rng(), random_state=None). */
  defaultSeed: number;
}

export function isObj(v: NPValue): v is NPObject {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !isND(v);
}

export function typeName(v: NPValue): string {
  if (v === null) return "None";
  if (typeof v === "number") return "a number";
  if (typeof v === "boolean") return "a bool";
  if (typeof v === "string") return "a string";
  if (Array.isArray(v)) return "a tuple/list";
  if (isND(v)) return `an array of shape (${v.shape.join(", ")})`;
  if (v.obj === "module") return v.path;
  if (v.obj === "opaque") return `an untracked value (${v.why})`;
  return `a ${v.obj}`;
}

/** Any array-like value as an NDArray (numbers, bools, nested lists). */
export function toND(v: NPValue, what: string): NDArray {
  if (isND(v)) return v;
  if (typeof v === "number") return scalarArray(v, Number.isInteger(v) ? "int" : "float");
  if (typeof v === "boolean") return scalarArray(Number(v), "bool");
  if (Array.isArray(v)) return fromNested(v.map((x) => (isND(x) ? toNested(x) : x)), what);
  throw new Error(`${what}: expected an array or a number, got ${typeName(v)}`);
}

function toNested(a: NDArray): unknown {
  if (!a.shape.length) return a.data[0];
  const inner = a.data.length / a.shape[0];
  return Array.from({length: a.shape[0]}, (_, i) => toNested({shape: a.shape.slice(1), data: a.data.subarray(i * inner, (i + 1) * inner), dtype: a.dtype}));
}

export function toNumber(v: NPValue, what: string): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return Number(v);
  if (isND(v) && v.data.length === 1) return v.data[0];
  throw new Error(`${what} must be a number, got ${typeName(v)}`);
}

export function toInt(v: NPValue, what: string): number {
  const n = toNumber(v, what);
  if (!Number.isInteger(n)) throw new Error(`${what} must be an integer, got ${n}`);
  return n;
}

/** A shape argument: an int, a tuple of ints, or several ints. */
export function toShape(args: NPValue[], what: string): number[] {
  const parts = args.length === 1 && Array.isArray(args[0]) ? args[0] : args.length === 1 && isND(args[0]) && args[0].shape.length === 1 ? Array.from(args[0].data) : args;
  return parts.map((p) => toInt(p, `${what}: shape`));
}

export function truthy(v: NPValue, what: string): boolean {
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0;
  if (v === null) return false;
  if (typeof v === "string" || Array.isArray(v)) return v.length > 0;
  if (isND(v)) {
    if (v.data.length !== 1) throw new Error(`${what}: the truth value of an array with more than one element is ambiguous`);
    return v.data[0] !== 0;
  }
  if (v.obj === "dict") return v.entries.size > 0;
  return true;
}

/** An NDArray of one element back to a Python scalar. */
export function unwrap(a: NDArray): NPValue {
  if (a.shape.length) return a;
  return a.dtype === "bool" ? a.data[0] !== 0 : a.data[0];
}
