/**
 * Named tuples the interpreter returns (torch.max(x, dim=1) → (values, indices)): plain tuples — they unpack,
 * index and iterate as tuples do — whose fields are also read by name (`.values`, `.indices`). Pure.
 */
import {reduce, type Budget, type NDArray} from "./ndarray.js";
import {unwrap, type NPValue} from "./values.js";

const FIELDS = new WeakMap<NPValue[], string[]>();

/** A tuple of `items` whose k-th item is also its field `fields[k]`. */
export function namedTuple(fields: string[], items: NPValue[]): NPValue[] {
  const t = [...items];
  FIELDS.set(t, fields);
  return t;
}

/** The item a named tuple holds under `field`; undefined for a plain tuple or another name. */
export function tupleField(t: NPValue[], field: string): NPValue | undefined {
  const k = FIELDS.get(t)?.indexOf(field) ?? -1;
  return k >= 0 ? t[k] : undefined;
}

/** torch.max(x, dim) / x.min(dim=…): the named tuple (values, indices) along `dim` (indices of the first extreme). */
export function valuesIndices(a: NDArray, kind: "max" | "min", dim: number, keep: boolean, B: Budget): NPValue[] {
  const values = unwrap(reduce(a, kind, dim, B, keep)), indices = unwrap(reduce(a, kind === "max" ? "argmax" : "argmin", dim, B, keep));
  return namedTuple(["values", "indices"], [values, indices]);
}
