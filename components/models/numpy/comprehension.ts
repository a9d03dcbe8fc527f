/**
 * List comprehensions (`[x ** 2 for x in xs if x > 0]`, nested `for` clauses, tuple targets over zip/enumerate) and
 * `lambda` values for the NumPy interpreter. Loop variables are bound in the interpreter's variables for the
 * comprehension's duration and restored afterwards (Python 3 scoping); a lambda reads the variables of the moment
 * it is called. Pure; every element is charged to the budget.
 */
import {show, type CompClause, type Expr} from "../keras/expr.js";
import {dictKeys, dictSet, isDict, newDict} from "./dicts.js";
import {isND, type NDArray} from "./ndarray.js";
import {truthy, typeName, unwrap, type NPDict, type NPEnv, type NPObject, type NPValue} from "./values.js";

export type Evaluate = (e: Expr, env: NPEnv) => NPValue;

/** The items a Python `for` visits: a list/tuple's items, an array's rows (scalars for 1-D), a string's characters. */
export function iterItems(v: NPValue, what: string): NPValue[] {
  if (Array.isArray(v)) return v;
  if (typeof v === "string") return [...v];
  if (isDict(v)) return dictKeys(v);
  if (isND(v)) {
    if (!v.shape.length) throw new Error(`${what}: iteration over a 0-d array`);
    const n = v.shape[0], inner = v.data.length / Math.max(n, 1);
    return Array.from({length: n}, (_, k): NPValue => (v.shape.length === 1 ? unwrap({shape: [], data: v.data.subarray(k, k + 1), dtype: v.dtype})
      : {shape: v.shape.slice(1), data: v.data.slice(k * inner, (k + 1) * inner), dtype: v.dtype} as NDArray));
  }
  throw new Error(`${what}: cannot iterate over ${typeName(v)}`);
}

/** Binds a for-target (a name or nested tuples of names) to one item, recording each name's previous value. */
function bindTarget(target: Expr, value: NPValue, env: NPEnv, saved: Map<string, NPValue | undefined>): void {
  if (target.type === "name") {
    if (!saved.has(target.id)) saved.set(target.id, env.vars.get(target.id));
    env.vars.set(target.id, value);
    return;
  }
  if (target.type === "tuple" || target.type === "list") {
    const items = iterItems(value, "unpacking");
    if (items.length !== target.items.length) throw new Error(`cannot unpack ${items.length} values into ${target.items.length} names`);
    target.items.forEach((t, k) => bindTarget(t, items[k], env, saved));
    return;
  }
  throw new Error(`a comprehension cannot assign to ${show(target)}`);
}

function restore(env: NPEnv, saved: Map<string, NPValue | undefined>): void {
  for (const [k, v] of saved) {
    if (v === undefined) env.vars.delete(k);
    else env.vars.set(k, v);
  }
}

/** `[elt for … in … if …]` → a list. */
export function listComprehension(e: Extract<Expr, {type: "listcomp"}>, env: NPEnv, evaluate: Evaluate): NPValue[] {
  const out: NPValue[] = [];
  comprehend(e.clauses, env, evaluate, () => out.push(evaluate(e.elt, env)));
  return out;
}

/** `{key: value for … in … if …}` → a dict. */
export function dictComprehension(key: Expr, value: Expr, clauses: CompClause[], env: NPEnv, evaluate: Evaluate): NPDict {
  const out = newDict();
  comprehend(clauses, env, evaluate, () => dictSet(out, evaluate(key, env), evaluate(value, env)));
  return out;
}

/** Runs `emit` once for each binding the clauses make (nested `for`s, their `if`s), the loop names restored after. */
function comprehend(clauses: CompClause[], env: NPEnv, evaluate: Evaluate, emit: () => void): void {
  const saved = new Map<string, NPValue | undefined>();
  const visit = (k: number): void => {
    if (k === clauses.length) {
      emit();
      return;
    }
    const c = clauses[k];
    for (const item of iterItems(evaluate(c.iter, env), show(c.iter))) {
      env.budget.step("list comprehension");
      bindTarget(c.target, item, env, saved);
      if (c.ifs.every((x) => truthy(evaluate(x, env), "comprehension condition"))) visit(k + 1);
    }
  };
  try {
    visit(0);
  } finally {
    restore(env, saved);
  }
}

export type Lambda = Extract<NPObject, {obj: "lambda"}>;

export function makeLambda(e: Extract<Expr, {type: "lambda"}>): Lambda {
  return {obj: "lambda", params: e.params, body: e.body};
}

/** Calls a lambda with positional arguments (keyword arguments by parameter name). */
export function callLambda(f: Lambda, args: NPValue[], kwargs: Record<string, NPValue>, env: NPEnv, evaluate: Evaluate): NPValue {
  if (args.length > f.params.length) throw new Error(`lambda takes ${f.params.length} arguments, got ${args.length}`);
  const saved = new Map<string, NPValue | undefined>();
  f.params.forEach((p, k) => {
    const v = k < args.length ? args[k] : kwargs[p];
    if (v === undefined) throw new Error(`lambda: missing argument ${p}`);
    saved.set(p, env.vars.get(p));
    env.vars.set(p, v);
  });
  try {
    return evaluate(f.body, env);
  } finally {
    restore(env, saved);
  }
}
