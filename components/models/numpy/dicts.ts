/**
 * Python dicts as interpreter values: `{"w": W, "b": b}` literals, `dict(…)`, d[k] reads and writes, `k in d`,
 * len / iteration (over the keys, in insertion order) and the common methods (items, keys, values, get, pop,
 * update, setdefault, copy). Keys are Python's hashable values the interpreter holds: numbers and bools (1, 1.0
 * and True are one key, as Python hashes them), strings, None and tuples of those; arrays are unhashable.
 * Bounded: a dict holds at most MAX_ENTRIES entries. Pure.
 */
import {isND} from "./ndarray.js";
import {isObj, typeName, type NPDict, type NPValue} from "./values.js";

/** The most entries one dict may hold (d[k] = v in a long loop stops here with an error). */
export const MAX_ENTRIES = 1_000_000;

export function isDict(v: NPValue | undefined): v is NPDict {
  return v !== undefined && isObj(v) && v.obj === "dict";
}

/** The identity of a key, as Python's hash/equality sees it. */
export function dictKey(k: NPValue): string {
  if (typeof k === "number" || typeof k === "boolean") return `n:${Number(k)}`;
  if (typeof k === "string") return `s:${k}`;
  if (k === null) return "None";
  if (Array.isArray(k)) return `t:(${k.map(dictKey).join(",")})`;
  if (isND(k) && k.shape.length === 0) return `n:${k.data[0]}`;
  if (isND(k)) throw new Error("unhashable type: 'numpy.ndarray' (an array cannot be a dict key)");
  throw new Error(`${typeName(k)} cannot be a dict key here`);
}

export function newDict(pairs: Iterable<[NPValue, NPValue]> = []): NPDict {
  const d: NPDict = {obj: "dict", entries: new Map()};
  for (const [k, v] of pairs) dictSet(d, k, v);
  return d;
}

/** Python's repr of a key (strings quoted), for KeyError messages and printing. */
export function reprKey(k: NPValue): string {
  if (typeof k === "string") return `'${k}'`;
  if (typeof k === "boolean") return k ? "True" : "False";
  if (k === null) return "None";
  if (Array.isArray(k)) return `(${k.map(reprKey).join(", ")}${k.length === 1 ? "," : ""})`;
  return String(k);
}

export function dictGet(d: NPDict, k: NPValue): NPValue {
  const e = d.entries.get(dictKey(k));
  if (!e) throw new Error(`KeyError: ${reprKey(k)} is not a key of the dict`);
  return e[1];
}

export function dictSet(d: NPDict, k: NPValue, v: NPValue): void {
  const key = dictKey(k);
  const e = d.entries.get(key);
  if (e) {
    e[1] = v;
    return;
  }
  if (d.entries.size >= MAX_ENTRIES) throw new Error(`a dict of more than ${MAX_ENTRIES} entries is too large to follow`);
  d.entries.set(key, [k, v]);
}

export function dictDelete(d: NPDict, k: NPValue): void {
  if (!d.entries.delete(dictKey(k))) throw new Error(`KeyError: ${reprKey(k)} is not a key of the dict`);
}

export const dictHas = (d: NPDict, k: NPValue): boolean => d.entries.has(dictKey(k));
export const dictKeys = (d: NPDict): NPValue[] => [...d.entries.values()].map((e) => e[0]);
export const dictValues = (d: NPDict): NPValue[] => [...d.entries.values()].map((e) => e[1]);
export const dictItems = (d: NPDict): NPValue[] => [...d.entries.values()].map((e) => [e[0], e[1]]);

/** Pairs from an iterable of 2-item sequences (dict(zip(keys, values)), d.update([(k, v)])) or another dict. */
function pairsOf(v: NPValue, what: string): [NPValue, NPValue][] {
  if (isDict(v)) return [...v.entries.values()].map((e) => [e[0], e[1]]);
  if (!Array.isArray(v)) throw new Error(`${what}: expected a dict or a sequence of (key, value) pairs, got ${typeName(v)}`);
  return v.map((p) => {
    if (!Array.isArray(p) || p.length !== 2) throw new Error(`${what}: each item must be a (key, value) pair`);
    return [p[0], p[1]];
  });
}

/** `dict()`, `dict(a=1, b=2)`, `dict(pairs)`, `dict(other)` (a shallow copy). */
export function makeDict(args: NPValue[], kw: Record<string, NPValue>): NPDict {
  if (args.length > 1) throw new Error(`dict() takes at most 1 positional argument, got ${args.length}`);
  const d = newDict(args.length ? pairsOf(args[0], "dict()") : []);
  for (const [k, v] of Object.entries(kw)) dictSet(d, k, v);
  return d;
}

/** d.items(), d.keys(), d.values(), d.get(k, default), d.pop(k[, default]), d.update(…), d.setdefault(k, v), d.copy(). */
export function dictMethod(d: NPDict, name: string, args: NPValue[], kw: Record<string, NPValue>): NPValue {
  switch (name) {
    case "items":
      return dictItems(d);
    case "keys":
      return dictKeys(d);
    case "values":
      return dictValues(d);
    case "get":
      return dictHas(d, args[0]) ? dictGet(d, args[0]) : args[1] ?? kw.default ?? null;
    case "pop": {
      if (!dictHas(d, args[0]) && args.length > 1) return args[1];
      const v = dictGet(d, args[0]);
      dictDelete(d, args[0]);
      return v;
    }
    case "setdefault":
      if (!dictHas(d, args[0])) dictSet(d, args[0], args[1] ?? null);
      return dictGet(d, args[0]);
    case "update":
      for (const [k, v] of [...(args.length ? pairsOf(args[0], "dict.update") : []), ...Object.entries(kw)]) dictSet(d, k, v);
      return null;
    case "copy":
      return newDict(pairsOf(d, "dict.copy"));
    case "clear":
      d.entries.clear();
      return null;
  }
  throw new Error(`dict method .${name}() is not supported`);
}
