/**
 * Evaluates a Python expression over NumPy values: names, numbers, operators with broadcasting, `in` / `is`,
 * subscripts, dicts (dicts.ts), attributes (.T, .shape, a named tuple's fields), and calls into numpy / sklearn /
 * torch's tensor functions (functions.ts) and array methods (methods.ts). An interpreter of a subset over data, never Python execution; bounded by env.budget. Pure.
 */
import {dotted, show, type Expr} from "../keras/expr.js";
import {getIndex, type IndexItem} from "./indexing.js";
import {binary, isBinaryOp, isND, map, matmul, transpose, type NDArray} from "./ndarray.js";
import {callLambda, dictComprehension, iterItems, listComprehension, makeLambda} from "./comprehension.js";
import {dictGet, dictHas, isDict, newDict} from "./dicts.js";
import {callFunction, canonicalPath} from "./functions.js";
import {tupleField} from "./namedtuple.js";
import {arrayAttribute, callMethod} from "./methods.js";
import {isObj, toND, toNumber, truthy, typeName, unwrap, type NPEnv, type NPInstance, type NPValue} from "./values.js";

export function lookup(name: string, env: NPEnv): NPValue {
  if (env.vars.has(name)) return env.vars.get(name)!;
  const f = env.fallback?.(name);
  if (f !== undefined) return f;
  if (BUILTINS.has(name)) return {obj: "module", path: `builtins.${name}`};
  if (name === "Ellipsis") return {obj: "opaque", why: "..."};
  throw new Error(`name '${name}' is not defined`);
}

const BUILTINS = new Set(["len", "range", "int", "float", "abs", "min", "max", "sum", "round", "list", "tuple", "bool", "print", "str", "zip", "enumerate", "dict"]);

function scalarOp(op: string, a: number, b: number): number | boolean {
  switch (op) {
    case "+": return a + b;
    case "-": return a - b;
    case "*": return a * b;
    case "/":
      if (b === 0) throw new Error("division by zero");
      return a / b;
    case "//":
      if (b === 0) throw new Error("integer division by zero");
      return Math.floor(a / b);
    case "%": return a - b * Math.floor(a / b);
    case "**": return a ** b;
    case "==": return a === b;
    case "!=": return a !== b;
    case "<": return a < b;
    case "<=": return a <= b;
    case ">": return a > b;
    case ">=": return a >= b;
    case "&": return (a & b) as number;
    case "|": return (a | b) as number;
    case "^": return (a ^ b) as number;
  }
  throw new Error(`operator ${op} is not supported`);
}

export function binOp(op: string, a: NPValue, b: NPValue, env: NPEnv): NPValue {
  if (op === "@") return unwrap(matmul(toND(a, "@"), toND(b, "@"), env.budget));
  if (op === "==" || op === "!=") {
    if (typeof a === "string" || typeof b === "string" || a === null || b === null) return (a === b) === (op === "==");
  }
  if (op === "+" && Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (op === "*" && Array.isArray(a) && typeof b === "number") {
    if (a.length * b > 1_000_000) throw new Error("list repetition is too large");
    return Array.from({length: Math.max(0, b)}, () => a).flat();
  }
  if (op === "+" && typeof a === "string" && typeof b === "string") return a + b;
  const scalar = (v: NPValue) => typeof v === "number" || typeof v === "boolean";
  if (scalar(a) && scalar(b)) {
    if ((op === "&" || op === "|" || op === "^") && typeof a === "boolean" && typeof b === "boolean") {
      return op === "&" ? a && b : op === "|" ? a || b : a !== b;
    }
    return scalarOp(op, Number(a), Number(b));
  }
  if (!isBinaryOp(op)) throw new Error(`operator ${op} is not supported`);
  const x = toND(a, `operator ${op}`), y = toND(b, `operator ${op}`);
  return unwrap(binary(op, x, y, env.budget));
}

function indexItems(e: Expr, env: NPEnv): IndexItem[] {
  const items = e.type === "tuple" ? e.items : [e];
  return items.map((x): IndexItem => {
    if (x.type === "slice") {
      const n = (y: Expr | null | undefined) => (y ? toNumber(evalNP(y, env), "slice bound") : null);
      return {kind: "slice", lo: n(x.lo), hi: n(x.hi), step: n(x.step)};
    }
    if (x.type === "const" && x.value === null) return {kind: "newaxis"};
    if (x.type === "name" && x.id === "Ellipsis") return {kind: "ellipsis"};
    const v = evalNP(x, env);
    if (typeof v === "number") return {kind: "int", i: v};
    if (typeof v === "boolean") throw new Error("a boolean scalar index is not supported");
    return {kind: "array", a: toND(v, "index")};
  });
}

function indexValue(obj: NPValue, e: Extract<Expr, {type: "index"}>, env: NPEnv): NPValue {
  if (isObj(obj) && obj.obj === "module" && /^numpy\.(c_|r_)$/.test(canonicalPath(obj.path))) {
    const items = (e.index.type === "tuple" ? e.index.items : [e.index]).map((x) => evalNP(x, env));
    const which = canonicalPath(obj.path).endsWith("c_") ? "numpy.column_stack" : "numpy.concatenate";
    return callFunction(which, [items], {}, env);
  }
  if (isDict(obj)) return dictGet(obj, evalNP(e.index, env));
  if (Array.isArray(obj) || typeof obj === "string") {
    const idx = e.index;
    if (idx.type === "slice") {
      const n = (y: Expr | null | undefined) => (y ? toNumber(evalNP(y, env), "slice bound") : undefined);
      if (idx.step) throw new Error("slices with a step on lists are not supported");
      return obj.slice(n(idx.lo), n(idx.hi)) as NPValue;
    }
    const i = toNumber(evalNP(idx, env), "list index");
    const j = i < 0 ? i + obj.length : i;
    if (!(j >= 0 && j < obj.length)) throw new Error(`list index ${i} out of range`);
    return obj[j] as NPValue;
  }
  if (!isND(obj)) throw new Error(`${typeName(obj)} cannot be subscripted: ${show(e)}`);
  return unwrap(getIndex(obj, indexItems(e.index, env), env.budget));
}

/** Evaluates one expression; throws Error naming the unsupported construct. */
export function evalNP(e: Expr, env: NPEnv): NPValue {
  env.budget.charge(1, show(e));
  switch (e.type) {
    case "num":
      return e.value;
    case "str":
      return e.value;
    case "const":
      return e.value;
    case "name":
      return lookup(e.id, env);
    case "tuple":
    case "list":
      return e.items.map((x) => evalNP(x, env));
    case "dict":
      if (e.clauses) return dictComprehension(e.entries[0][0], e.entries[0][1], e.clauses, env, evalNP);
      return newDict(e.entries.map(([k, v]): [NPValue, NPValue] => [evalNP(k, env), evalNP(v, env)]));
    case "ifelse":
      return truthy(evalNP(e.cond, env), "condition") ? evalNP(e.then, env) : evalNP(e.orelse, env);
    case "unary": {
      const v = evalNP(e.arg, env);
      if (e.op === "not") return !truthy(v, "not");
      if (typeof v === "number") return e.op === "-" ? -v : ~v;
      if (typeof v === "boolean") return e.op === "-" ? -Number(v) : !v;
      const a = toND(v, `unary ${e.op}`);
      if (e.op === "~") return map(a, (x) => (a.dtype === "bool" ? Number(!x) : ~x), env.budget, "~", a.dtype);
      return map(a, (x) => -x, env.budget, "-", a.dtype === "bool" ? "int" : a.dtype);
    }
    case "bin": {
      if (e.op === "and" || e.op === "or") {
        const l = evalNP(e.left, env);
        const t = truthy(l, e.op);
        return e.op === "and" ? (t ? evalNP(e.right, env) : l) : t ? l : evalNP(e.right, env);
      }
      if (e.op === "in") return contains(evalNP(e.right, env), evalNP(e.left, env));
      if (e.op === "is") return evalNP(e.left, env) === evalNP(e.right, env); // x is None, flag is True
      return binOp(e.op, evalNP(e.left, env), evalNP(e.right, env), env);
    }
    case "attr": {
      const obj = evalNP(e.obj, env);
      if (isObj(obj) && obj.obj === "module") {
        const path = canonicalPath(`${obj.path}.${e.name}`);
        const c = CONSTANTS[path];
        if (c !== undefined) return c;
        if (/^(numpy|torch)\.(float\d*|int\d*|bool_?|uint8|double|long)$/.test(path)) return {obj: "dtype", name: e.name};
        return {obj: "module", path: `${obj.path}.${e.name}`};
      }
      if (isND(obj)) return arrayAttribute(obj, e.name, env);
      if (isObj(obj) && obj.obj === "scaler" && obj.state) {
        if (e.name === "mean_") return {shape: [obj.state.mean.length], data: obj.state.mean, dtype: "float"} as NDArray;
        if (e.name === "scale_") return {shape: [obj.state.scale.length], data: obj.state.scale, dtype: "float"} as NDArray;
      }
      if (typeof obj === "number" && (e.name === "real")) return obj;
      if (isObj(obj) && obj.obj === "instance") return instanceAttribute(obj, e.name);
      const field = Array.isArray(obj) ? tupleField(obj, e.name) : undefined;
      if (field !== undefined) return field;
      throw new Error(`attribute .${e.name} of ${typeName(obj)} is not supported`);
    }
    case "index":
      return indexValue(evalNP(e.obj, env), e, env);
    case "call": {
      const args: NPValue[] = [];
      e.args.forEach((a, i) => {
        const v = evalNP(a, env);
        if (e.stars?.includes(i)) args.push(...iterItems(v, `*${show(a)}`));
        else args.push(v);
      });
      const kwargs: Record<string, NPValue> = {};
      for (const [k, v] of Object.entries(e.kwargs)) kwargs[k] = evalNP(v, env);
      if (e.fn.type === "attr") {
        const recv = evalNP(e.fn.obj, env);
        if (isObj(recv) && recv.obj === "instance") {
          const m = instanceAttribute(recv, e.fn.name);
          if (!(isObj(m) && m.obj === "func") || !env.callUser) throw new Error(`${recv.cls.name}.${e.fn.name} is not a method that can be called here`);
          return env.callUser(m, args, kwargs);
        }
        if (!(isObj(recv) && recv.obj === "module")) return callMethod(recv, e.fn.name, args, kwargs, env);
        return callFunction(`${recv.path}.${e.fn.name}`, args, kwargs, env);
      }
      const fn = evalNP(e.fn, env);
      if (isObj(fn) && fn.obj === "lambda") return callLambda(fn, args, kwargs, env, evalNP);
      if (isObj(fn) && fn.obj === "func") {
        if (!env.callUser) throw new Error(`${fn.name}() cannot be called here`);
        return env.callUser(fn, args, kwargs);
      }
      if (isObj(fn) && fn.obj === "module") return callFunction(fn.path, args, kwargs, env);
      if (isObj(fn) && fn.obj === "class") {
        if (!env.construct) throw new Error(`${fn.name}() cannot be called here`);
        return env.construct(fn, args, kwargs);
      }
      if (isObj(fn) && fn.obj === "instance") {
        // model(X): the instance's __call__
        const m = fn.cls.methods.get("__call__");
        if (!m || !env.callUser) throw new Error(`${fn.cls.name} instances are not callable (no __call__)`);
        return env.callUser({...m, self: fn}, args, kwargs);
      }
      throw new Error(`${dotted(e.fn) ?? show(e.fn)} is not callable (${typeName(fn)})`);
    }
    case "slice":
      throw new Error(`a slice outside a subscript: ${show(e)}`);
    case "listcomp":
      return listComprehension(e, env, evalNP);
    case "lambda":
      return makeLambda(e);
  }
}

/** `k in d` (a key), `x in [..]` (an item equal to x), `"ab" in s` (a substring). */
function contains(container: NPValue, item: NPValue): boolean {
  if (isDict(container)) return dictHas(container, item);
  if (typeof container === "string" && typeof item === "string") return container.includes(item);
  if (Array.isArray(container)) {
    const plain = (v: NPValue) => typeof v === "number" || typeof v === "boolean" || typeof v === "string" || v === null;
    if (!plain(item)) throw new Error(`"in": only numbers, strings and None can be looked up in a list, not ${typeName(item)}`);
    return container.some((x) => plain(x) && (typeof x === "string" || typeof item === "string" || x === null || item === null ? x === item : Number(x) === Number(item)));
  }
  throw new Error(`operator in is not supported on ${typeName(container)}`);
}

/** self.w (an attribute the instance holds) or self.forward (a method, bound to the instance). */
function instanceAttribute(inst: NPInstance, name: string): NPValue {
  if (inst.attrs.has(name)) return inst.attrs.get(name)!;
  const m = inst.cls.methods.get(name);
  if (m) return {...m, self: inst};
  throw new Error(`${inst.cls.name} has no attribute .${name} (set it in a method first, e.g. self.${name} = …)`);
}

const CONSTANTS: Record<string, NPValue> = {"numpy.pi": Math.PI, "numpy.e": Math.E, "numpy.inf": Infinity, "numpy.nan": NaN, "numpy.newaxis": null,
  "math.pi": Math.PI, "math.e": Math.E, "torch.pi": Math.PI};

export {transpose};
