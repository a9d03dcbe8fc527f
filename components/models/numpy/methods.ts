/** Attributes and methods of the interpreter's values: arrays (NumPy and torch spellings), generators, scalers, lists. Pure. */
import {applyScaler, fitScaler} from "../sklearn/datasets.js";
import {dictMethod, isDict} from "./dicts.js";
import {castTo, randomCall} from "./functions.js";
import {valuesIndices} from "./namedtuple.js";
import {binary, isND, map, matmul, reduce, reshape, transpose, type NDArray} from "./ndarray.js";
import {isObj, toInt, toND, toNumber, toShape, truthy, typeName, unwrap, type NPEnv, type NPValue} from "./values.js";

export function arrayAttribute(a: NDArray, name: string, env: NPEnv): NPValue {
  switch (name) {
    case "T":
      return transpose(a, env.budget);
    case "shape":
      return [...a.shape];
    case "ndim":
      return a.shape.length;
    case "size":
      return a.data.length;
    case "dtype":
      return {obj: "dtype", name: a.dtype === "float" ? "float64" : a.dtype === "int" ? "int64" : "bool"};
    case "data":
      return a;
  }
  throw new Error(`array attribute .${name} is not supported`);
}

const REDUCTIONS = new Set(["sum", "mean", "max", "min", "argmax", "argmin", "std", "var", "prod", "any", "all"]);

function arrayMethod(a: NDArray, name: string, args: NPValue[], kw: Record<string, NPValue>, env: NPEnv): NPValue {
  const B = env.budget;
  if (REDUCTIONS.has(name)) {
    const ax = kw.axis ?? kw.dim ?? args[0];
    const keep = kw.keepdims ?? kw.keepdim;
    // x.max(dim=1): torch's (values, indices) (dim= is torch's spelling; NumPy's a.max(axis=1) is the array alone)
    if ((name === "max" || name === "min") && kw.dim !== undefined && kw.dim !== null) return valuesIndices(a, name, toInt(kw.dim, "dim"), keep !== undefined && truthy(keep, "keepdim"), B);
    return unwrap(reduce(a, name as "sum", ax === undefined || ax === null ? null : toInt(ax, "axis"), B, keep !== undefined && truthy(keep, "keepdims")));
  }
  switch (name) {
    case "reshape":
    case "view":
      return reshape(a, toShape(args, name), `.${name}()`);
    case "astype":
    case "type":
    case "to":
      if (name === "to" && (typeof args[0] === "string" || (isObj(args[0]) && args[0].obj !== "dtype"))) return a; // .to(device)
      return castTo(a, args[0] ?? kw.dtype, env);
    case "uniform_":
    case "normal_":
    case "fill_":
    case "zero_":
      return fillInPlace(a, name, args, kw, env);
    case "float":
    case "double":
      return castTo(a, "float", env);
    case "long":
    case "int":
      return castTo(a, "int", env);
    case "bool":
      return castTo(a, "bool", env);
    case "flatten": // a copy (ravel and reshape are views, as in NumPy)
      return {shape: [a.data.length], data: Float64Array.from(a.data), dtype: a.dtype};
    case "ravel":
      return reshape(a, [-1]);
    case "copy":
    case "clone":
    case "detach":
    case "numpy":
    case "cpu":
    case "requires_grad_":
      return {shape: [...a.shape], data: Float64Array.from(a.data), dtype: a.dtype};
    case "tolist":
      return a;
    case "item":
      if (a.data.length !== 1) throw new Error(`.item(): the array has ${a.data.length} elements`);
      return a.dtype === "bool" ? a.data[0] !== 0 : a.data[0];
    case "dot":
    case "matmul":
    case "mm":
      return unwrap(matmul(a, toND(args[0], name), B));
    case "transpose":
    case "t":
      return transpose(a, B);
    case "squeeze": {
      const ax = args[0] ?? kw.dim ?? kw.axis;
      if (ax === undefined || ax === null) return unwrap(reshape(a, a.shape.filter((d) => d !== 1)));
      let d = toInt(ax, "squeeze");
      if (d < 0) d += a.shape.length;
      return a.shape[d] === 1 ? unwrap(reshape(a, a.shape.filter((_, i) => i !== d))) : a;
    }
    case "unsqueeze": {
      let d = toInt(args[0] ?? kw.dim, "unsqueeze");
      if (d < 0) d += a.shape.length + 1;
      return reshape(a, [...a.shape.slice(0, d), 1, ...a.shape.slice(d)]);
    }
    case "size":
      return args.length ? a.shape[toInt(args[0], "size") < 0 ? a.shape.length + toInt(args[0], "size") : toInt(args[0], "size")] : [...a.shape];
    case "clip":
    case "clamp": {
      const lo = args[0] ?? kw.min ?? kw.a_min, hi = args[1] ?? kw.max ?? kw.a_max;
      const l = lo === undefined || lo === null ? -Infinity : toNumber(lo, name), h = hi === undefined || hi === null ? Infinity : toNumber(hi, name);
      return map(a, (x) => Math.min(Math.max(x, l), h), B, name, a.dtype);
    }
    case "round":
      return map(a, (x) => Math.round(x * 10 ** toInt(args[0] ?? 0, "round")) / 10 ** toInt(args[0] ?? 0, "round"), B, "round");
    case "abs":
    case "exp":
    case "log":
    case "sqrt":
    case "sigmoid":
    case "tanh":
    case "relu": {
      const f: Record<string, (x: number) => number> = {abs: Math.abs, exp: Math.exp, log: Math.log, sqrt: Math.sqrt, tanh: Math.tanh,
        sigmoid: (x) => 1 / (1 + Math.exp(-x)), relu: (x) => Math.max(0, x)};
      return map(a, f[name], B, name);
    }
    case "eq":
    case "gt":
    case "lt":
    case "ge":
    case "le": {
      const op = {eq: "==", gt: ">", lt: "<", ge: ">=", le: "<="}[name]!;
      return binary(op, a, toND(args[0], name), B);
    }
    case "fill":
      a.data.fill(toNumber(args[0], "fill"));
      return null;
  }
  throw new Error(`array method .${name}() is not supported`);
}

/** torch's in-place fills (`torch.empty(n, 2).uniform_(-1, 1)`, `.normal_(0, 0.1)`, `.fill_(3)`, `.zero_()`) from the seeded generator. */
function fillInPlace(a: NDArray, name: string, args: NPValue[], kw: Record<string, NPValue>, env: NPEnv): NDArray {
  const arg = (k: number, key: string, def: number) => toNumber(args[k] ?? kw[key] ?? def, `.${name}() ${key}`);
  env.budget.charge(a.data.length, `.${name}()`);
  const g = env.rng;
  const draw = name === "uniform_" ? ((lo, hi) => () => lo + (hi - lo) * g.uniform())(arg(0, "from", 0), arg(1, "to", 1))
    : name === "normal_" ? ((mu, sd) => () => mu + sd * g.normal())(arg(0, "mean", 0), arg(1, "std", 1))
    : ((v) => () => v)(name === "fill_" ? arg(0, "value", 0) : 0);
  for (let i = 0; i < a.data.length; i++) a.data[i] = draw();
  if (name !== "fill_" && name !== "zero_") a.dtype = "float";
  return a;
}

export function callMethod(recv: NPValue, name: string, args: NPValue[], kw: Record<string, NPValue>, env: NPEnv): NPValue {
  if (isND(recv)) return arrayMethod(recv, name, args, kw, env);
  if (isDict(recv)) return dictMethod(recv, name, args, kw);
  if (isObj(recv) && recv.obj === "rng") return randomCall(recv.gen, name, args, kw, env);
  if (isObj(recv) && recv.obj === "scaler") {
    switch (name) {
      case "fit":
        recv.state = fitScaler(toND(args[0], "StandardScaler.fit"), env.budget);
        return recv;
      case "fit_transform": {
        const X = toND(args[0], "StandardScaler.fit_transform");
        recv.state = fitScaler(X, env.budget);
        return applyScaler(X, recv.state, env.budget);
      }
      case "transform":
        if (!recv.state) throw new Error("StandardScaler.transform() before fit()");
        return applyScaler(toND(args[0], "StandardScaler.transform"), recv.state, env.budget);
    }
    throw new Error(`StandardScaler.${name}() is not supported`);
  }
  if (Array.isArray(recv)) {
    if (name === "append") {
      if (recv.length >= 1_000_000) throw new Error("list.append: the list is too long");
      recv.push(args[0]);
      return null;
    }
    if (name === "index") return recv.indexOf(args[0]);
  }
  if (typeof recv === "string" && name === "format") return recv;
  if (typeof recv === "number" && name === "item") return recv;
  // an element of a tensor is a 0-d tensor: x[i].unsqueeze(0), y[i].float()
  if (typeof recv === "number" || typeof recv === "boolean") return arrayMethod(toND(recv, `.${name}()`), name, args, kw, env);
  throw new Error(`method .${name}() of ${typeName(recv)} is not supported`);
}
