/**
 * List comprehensions, lambdas and Python's builtins (zip, range, len, enumerate, list, reversed, sum, min, max) over
 * the translator's own values: `[nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:])]`,
 * `[layers.Dense(w, activation="relu") for w in widths]`. Comprehensions over NumPy data go to the NumPy
 * interpreter instead (routing.ts). Pure.
 */
import {pyFloat} from "../numpy/pyfloat.js";
import {show, type Expr} from "./expr.js";
import type {Interpreter} from "./interpreter.js";
import {NUM, UNKNOWN, describe, type Val} from "./values.js";
import {isND} from "../numpy/ndarray.js";

/** The items a `for` visits, or null when the value is not a sequence the translator holds. */
export function valItems(v: Val): Val[] | null {
  if (v.k === "seq") return v.items;
  if (v.k === "torch" && v.t.kind === "modulelist") return v.t.layers.map((layer) => ({k: "torch", t: {kind: "layer", layer}}));
  if (v.k === "str") return [...v.v].map((c) => ({k: "str", v: c}));
  return null;
}

function bindLocal(target: Expr, v: Val, scope: Map<string, Val>): void {
  if (target.type === "name") {
    scope.set(target.id, v);
    return;
  }
  if (target.type === "tuple" || target.type === "list") {
    const items = valItems(v);
    if (!items || items.length !== target.items.length) throw new Error(`cannot unpack ${describe(v)} into ${show(target)}`);
    target.items.forEach((t, i) => bindLocal(t, items[i], scope));
    return;
  }
  throw new Error(`a comprehension cannot assign to ${show(target)}`);
}

/** `[elt for target in iter if cond …]` evaluated by the translator (loop variables local to it). */
export function listComp(it: Interpreter, e: Extract<Expr, {type: "listcomp"}>, scope: Map<string, Val>, line: number): Val {
  const out: Val[] = [];
  const local = new Map(scope);
  const visit = (k: number): void => {
    if (k === e.clauses.length) {
      out.push(it.evaluate(e.elt, local, line));
      return;
    }
    const c = e.clauses[k];
    const items = valItems(it.evaluate(c.iter, local, line));
    if (!items) throw new Error(`the comprehension iterates over ${show(c.iter)}, which cannot be followed`);
    if (out.length + items.length > 100_000) throw new Error("the comprehension is too long to follow");
    for (const item of items) {
      bindLocal(c.target, item, local);
      const ok = c.ifs.every((x) => {
        const v = it.evaluate(x, local, line);
        if (v.k !== "bool") throw new Error(`the comprehension's condition ${show(x)} cannot be decided`);
        return v.v;
      });
      if (ok) visit(k + 1);
    }
  };
  visit(0);
  return {k: "seq", items: out};
}

const nums = (it: Interpreter, v: Val | undefined, line: number, what: string) => it.num(v ?? UNKNOWN("missing"), line, what);

/** len() of a DataLoader (its batches) or of a dataset (its samples); null for other torch objects. */
function torchLength(it: Interpreter, v: Extract<Val, {k: "torch"}>): number | null {
  const t = v.t;
  const data = t.kind === "loader" ? t.loader.data : t.kind === "data" ? t.data : null;
  if (!data) return null;
  const x = data.kind === "tensors" ? it.np.vars.get(data.x) : undefined;
  const n = data.kind === "mnist" ? data.limit ?? (data.train ? 60000 : 10000) : isND(x) ? x.shape[0] : null;
  if (n === null) return null;
  return t.kind === "loader" ? Math.ceil(n / t.loader.batchSize) : n;
}

/** Python builtins on the translator's values; null when `name` is not one of them. */
export function callBuiltin(it: Interpreter, name: string, args: Val[], line: number): Val | null {
  const seqs = () => args.map((a) => {
    const items = valItems(a);
    if (!items) throw new Error(`${name}(): ${describe(a)} is not a sequence the translator holds`);
    return items;
  });
  switch (name) {
    case "zip": {
      const s = seqs();
      const n = s.length ? Math.min(...s.map((x) => x.length)) : 0;
      return {k: "seq", items: Array.from({length: n}, (_, i) => ({k: "seq", items: s.map((x) => x[i])}))};
    }
    case "enumerate":
      return {k: "seq", items: seqs()[0].map((v, i) => ({k: "seq", items: [NUM(i), v]}))};
    case "range": {
      const [a, b, c] = args.map((x, i) => nums(it, x, line, `range() argument ${i + 1}`));
      const [lo, hi, step] = args.length === 1 ? [0, a, 1] : [a, b, c ?? 1];
      if (!step || Math.abs((hi - lo) / step) > 100_000) throw new Error("range(): too long (or a zero step) to follow");
      const items: Val[] = [];
      for (let x = lo; step > 0 ? x < hi : x > hi; x += step) items.push(NUM(x));
      return {k: "seq", items};
    }
    case "len": {
      const arr = args[0]?.k === "nd" ? it.np.vars.get(args[0].name) : undefined;
      const n = args[0]?.k === "torch" ? torchLength(it, args[0]) : isND(arr) ? arr.shape[0] : null;
      return NUM(n ?? seqs()[0].length);
    }
    case "list":
    case "tuple":
      return {k: "seq", items: args.length ? seqs()[0] : []};
    case "reversed":
      return {k: "seq", items: [...seqs()[0]].reverse()};
    case "sum":
    case "min":
    case "max": {
      const xs = (args.length === 1 ? seqs()[0] : args).map((x, i) => nums(it, x, line, `${name}() item ${i + 1}`));
      return NUM(name === "sum" ? xs.reduce((p, q) => p + q, 0) : name === "min" ? Math.min(...xs) : Math.max(...xs));
    }
    case "int":
      if (args[0]?.k === "unknown") return args[0]; // int(model(x)…): a value of the model's, untracked
      return NUM(Math.trunc(nums(it, args[0], line, "int()")));
    case "float":
      if (args[0]?.k === "unknown") return args[0];
      return NUM(args[0]?.k === "str" ? pyFloat(args[0].v) : nums(it, args[0], line, "float()"));
  }
  return null;
}

export const BUILTIN_NAMES = ["len", "range", "print", "int", "float", "str", "list", "tuple", "zip", "enumerate", "reversed", "sum", "min", "max"];
