/**
 * Module functions the NumPy interpreter knows: numpy (creation, np.random, elementwise math, reductions, joins),
 * Python builtins on data (len, range, int, …), sklearn's generators and helpers, and torch's tensor creation
 * (read as the same NumPy arrays). Pure.
 */
import {pyFloat} from "./pyfloat.js";
import {
  applyScaler, makeBlobs, makeCircles, makeClassification, makeMoons, makeRegression, trainTestSplit
} from "../sklearn/datasets.js";
import {Budget, binary, broadcastShape, checkShape, concatenate, isND, make, map, matmul, reduce, reshape, size, takeRows, type NDArray} from "./ndarray.js";
import {dictKeys, isDict, makeDict} from "./dicts.js";
import {einsum} from "./einsum.js";
import {cholesky} from "./linalg.js";
import {valuesIndices} from "./namedtuple.js";
import {Generator} from "./random.js";
import {binaryUfunc, isBinaryUfunc, ufuncMethod} from "./ufuncs.js";
import {isObj, toInt, toND, toNumber, toShape, truthy, typeName, unwrap, type NPEnv, type NPValue} from "./values.js";

export function canonicalPath(path: string): string {
  return path.replace(/^sklearn\.datasets\.samples_generator\./, "sklearn.datasets.").replace(/^numpy\.random\.mtrand\./, "numpy.random.");
}

const UNARY: Record<string, (x: number) => number> = {
  exp: Math.exp, log: Math.log, log2: Math.log2, log10: Math.log10, log1p: Math.log1p, sqrt: Math.sqrt, abs: Math.abs,
  absolute: Math.abs, sin: Math.sin, cos: Math.cos, tan: Math.tan, tanh: Math.tanh, sinh: Math.sinh, cosh: Math.cosh,
  arctan: Math.atan, sign: Math.sign, square: (x) => x * x, floor: Math.floor, ceil: Math.ceil, round: (x) => Math.round(x),
  rint: (x) => Math.round(x), sigmoid: (x) => 1 / (1 + Math.exp(-x)), relu: (x) => Math.max(0, x), expm1: Math.expm1
};
const REDUCE = ["sum", "mean", "max", "min", "argmax", "argmin", "std", "var", "prod", "any", "all", "amax", "amin"] as const;

function axisOf(kw: Record<string, NPValue>, pos: NPValue | undefined): number | null {
  const a = kw.axis ?? kw.dim ?? pos;
  return a === undefined || a === null ? null : toInt(a, "axis");
}

/** The `size=` / shape argument of a random function. */
function sizeArg(v: NPValue | undefined): number[] {
  if (v === undefined || v === null) return [];
  return toShape([v], "size");
}

function rngFor(v: NPValue | undefined, env: NPEnv): Generator {
  if (v === undefined || v === null) return env.rng;
  if (isObj(v) && v.obj === "rng") return v.gen;
  return new Generator(toInt(v, "random_state"), {legacy: true}); // scikit-learn: RandomState(random_state)
}

function arange(args: NPValue[], env: NPEnv, what: string): NDArray {
  const nums = args.map((a) => toNumber(a, what));
  const [start, stop, step] = nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1];
  if (step === 0) throw new Error(`${what}: step must not be zero`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const int = nums.every(Number.isInteger);
  return make([n], (i) => start + i * step, env.budget, what, int ? "int" : "float");
}

function linspace(a: number, b: number, n: number, env: NPEnv, what: string): NDArray {
  return make([n], (i) => (n === 1 ? a : a + ((b - a) * i) / (n - 1)), env.budget, what);
}

/** A random call: np.random.X, rng.X, torch.X (size as positional dims). */
export function randomCall(gen: Generator, name: string, args: NPValue[], kw: Record<string, NPValue>, env: NPEnv): NPValue {
  const num = (v: NPValue | undefined, d: number) => (v === undefined ? d : toNumber(v, name));
  let out: NDArray;
  switch (name) {
    case "seed":
      gen.reseed(args[0] === undefined || args[0] === null ? env.defaultSeed : toInt(args[0], "seed"));
      return null;
    case "rand":
      out = gen.draw("rand", toShape(args, name), [], env.budget);
      break;
    case "randn":
      out = gen.draw("randn", toShape(args, name), [], env.budget);
      break;
    case "random":
    case "random_sample":
    case "standard_normal":
      out = gen.draw(name, sizeArg(kw.size ?? args[0]), [], env.budget);
      break;
    case "normal": {
      const loc = kw.loc ?? args[0], scale = kw.scale ?? args[1];
      if (arrayLike(loc) || arrayLike(scale)) {
        out = broadcastDraw(gen, "standard_normal", loc ?? 0, scale ?? 1, kw.size ?? args[2], env, name);
        break;
      }
      out = gen.draw("normal", sizeArg(kw.size ?? args[2]), [num(loc, 0), num(scale, 1)], env.budget);
      break;
    }
    case "uniform": {
      const low = kw.low ?? args[0], high = kw.high ?? args[1];
      if (arrayLike(low) || arrayLike(high)) {
        const L = toND(low ?? 0, name), H = toND(high ?? 1, name);
        out = broadcastDraw(gen, "rand", L, binary("-", H, L, env.budget), kw.size ?? args[2], env, name);
        break;
      }
      out = gen.draw("uniform", sizeArg(kw.size ?? args[2]), [num(low, 0), num(high, 1)], env.budget);
      break;
    }
    case "randint":
    case "integers": {
      const lo = num(kw.low ?? args[0], 0), hi = kw.high ?? args[1];
      out = gen.draw("integers", sizeArg(kw.size ?? args[2]), hi === undefined || hi === null ? [lo] : [lo, toNumber(hi, name)], env.budget);
      break;
    }
    case "multivariate_normal":
      out = multivariateNormal(gen, toND(kw.mean ?? args[0], name), toND(kw.cov ?? args[1], name), kw.size ?? args[2], env);
      break;
    case "binomial":
      out = gen.draw("binomial", sizeArg(kw.size ?? args[2]), [num(kw.n ?? args[0], 1), num(kw.p ?? args[1], 0.5)], env.budget);
      break;
    case "exponential":
      out = gen.draw("exponential", sizeArg(kw.size ?? args[1]), [num(kw.scale ?? args[0], 1)], env.budget);
      break;
    case "poisson": {
      const lam = kw.lam ?? args[0];
      if (arrayLike(lam)) {
        // one mean per entry (np.random.poisson(rates)): each entry drawn with its own mean
        if ((kw.size ?? args[1]) != null) throw new Error("random.poisson: size= with an array of means is not supported");
        out = gen.poissonEach(toND(lam, name), env.budget, name, "int");
        break;
      }
      out = gen.draw("poisson", sizeArg(kw.size ?? args[1]), [num(lam, 1)], env.budget);
      break;
    }
    case "permutation": {
      const a = args[0];
      if (typeof a === "number") return permuted(make([toInt(a, name)], (i) => i, env.budget, name, "int"), gen, env);
      return permuted(toND(a, name), gen, env);
    }
    case "shuffle": {
      const a = toND(args[0], name);
      const p = permuted(a, gen, env);
      a.data.set(p.data);
      return null;
    }
    case "choice": {
      const a = args[0];
      const pool = typeof a === "number" ? make([a], (i) => i, env.budget, name, "int") : toND(a, name);
      const shape = sizeArg(kw.size ?? args[1]);
      const replace = kw.replace === undefined ? true : truthy(kw.replace, "replace");
      const n = pool.shape[0];
      if (!replace) {
        const k = size(shape);
        if (k > n) throw new Error("choice: cannot take a larger sample than the population when replace=False");
        const p = gen.permutation(n, env.budget).slice(0, k);
        return unwrap(make(shape, (i) => pool.data[p[i]], env.budget, name, pool.dtype));
      }
      return unwrap(make(shape, () => pool.data[gen.integer(0, n)], env.budget, name, pool.dtype));
    }
    default:
      throw new Error(`random.${name} is not supported`);
  }
  return unwrap(out);
}

/**
 * `rng.multivariate_normal(mean, cov, size)`: mean + z · Lᵀ with L the Cholesky factor of cov (cov must be
 * symmetric positive semi-definite; a zero pivot leaves that direction without spread).
 */
function multivariateNormal(gen: Generator, mean: NDArray, cov: NDArray, given: NPValue | undefined, env: NPEnv): NDArray {
  const what = "multivariate_normal", d = mean.data.length;
  if (mean.shape.length !== 1 || cov.shape.join() !== `${d},${d}`) throw new Error(`${what}: mean must be 1-D of length d and cov d × d (got (${mean.shape.join(", ")}) and (${cov.shape.join(", ")}))`);
  if (d > 1000) throw new Error(`${what}: ${d} dimensions are too many to follow`);
  env.budget.charge(d * d * d, what);
  const C = (i: number, j: number) => cov.data[i * d + j];
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      if (Math.abs(C(i, j) - C(j, i)) > 1e-8 * (1 + Math.abs(C(i, j)))) throw new Error(`${what}: cov is not symmetric`);
      let sum = C(i, j);
      for (let k = 0; k < j; k++) sum -= L[i * d + k] * L[j * d + k];
      if (i === j) {
        if (sum < -1e-10 * (1 + Math.abs(C(i, i)))) throw new Error(`${what}: cov is not positive semi-definite`);
        L[i * d + i] = Math.sqrt(Math.max(sum, 0));
      } else L[i * d + j] = L[j * d + j] > 0 ? sum / L[j * d + j] : 0;
    }
  }
  const lead = given === undefined || given === null ? [] : sizeArg(given);
  const z = gen.draw("standard_normal", [...lead, d], [], env.budget);
  return make([...lead, d], (idx) => {
    const r = Math.floor(idx / d), i = idx % d;
    let v = mean.data[i];
    for (let k = 0; k <= i; k++) v += L[i * d + k] * z.data[r * d + k];
    return v;
  }, env.budget, what);
}

/** A parameter given per column: a list (`[6.0, 75.0]`) or an array, as opposed to one number. */
function arrayLike(v: NPValue | undefined): boolean {
  return v !== undefined && (isND(v) || Array.isArray(v));
}

/**
 * `rng.normal([6, 75], [1.5, 8], size=(n, 2))`, `rng.uniform(low_vec, high_vec, size)`: offset + spread · z with z
 * from the standard distribution, the parameters broadcast against `size` as NumPy does (size absent: their shape).
 */
function broadcastDraw(gen: Generator, dist: string, offset: NPValue, spread: NPValue, given: NPValue | undefined, env: NPEnv, what: string): NDArray {
  const L = toND(offset, what), S = toND(spread, what);
  const pshape = broadcastShape(L.shape, S.shape, what);
  const shape = given === undefined || given === null ? pshape : sizeArg(given);
  if (broadcastShape(shape, pshape, what).join() !== shape.join()) throw new Error(`${what}: parameters of shape (${pshape.join(", ")}) do not broadcast to size (${shape.join(", ")})`);
  if (dist === "standard_normal" && S.data.some((x) => x < 0)) throw new Error(`${what}: scale must be non-negative`);
  const z = gen.draw(dist, shape, [], env.budget);
  return binary("+", binary("*", z, S, env.budget), L, env.budget);
}

function permuted(a: NDArray, gen: Generator, env: NPEnv): NDArray {
  const n = a.shape[0] ?? 0, inner = a.data.length / Math.max(n, 1);
  const p = gen.permutation(n, env.budget);
  return make(a.shape, (i) => a.data[p[Math.floor(i / inner)] * inner + (i % inner)], env.budget, "permutation", a.dtype);
}

function castTo(a: NDArray, dtype: NPValue | undefined, env: NPEnv): NDArray {
  if (dtype === undefined || dtype === null) return a;
  const name = typeof dtype === "string" ? dtype : isObj(dtype) && dtype.obj === "dtype" ? dtype.name : isObj(dtype) && dtype.obj === "module" ? dtype.path.split(".").pop()! : "";
  if (/^(float|double)/.test(name)) return {shape: [...a.shape], data: Float64Array.from(a.data), dtype: "float"}; // a copy, as NumPy's astype
  if (/^(int|long|uint)/.test(name)) return map(a, Math.trunc, env.budget, "astype", "int");
  if (/^bool/.test(name)) return map(a, (x) => Number(x !== 0), env.budget, "astype", "bool");
  throw new Error(`dtype ${name || typeName(dtype)} is not supported`);
}

export {castTo};

/** np.meshgrid(x, y) of 1-D arrays: indexing "xy" gives arrays of shape (len(y), len(x)), "ij" (len(x), len(y)). */
function meshgrid(vs: NDArray[], ij: boolean, B: Budget): NDArray[] {
  if (vs.length !== 2) throw new Error("np.meshgrid: only two 1-D arrays are supported");
  const [x, y] = vs.map((v) => v.data);
  const [rows, cols] = ij ? [x.length, y.length] : [y.length, x.length];
  B.charge(2 * rows * cols, "np.meshgrid");
  const grid = (f: (i: number, j: number) => number): NDArray => {
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = f(i, j);
    return {shape: [rows, cols], data, dtype: vs[0].dtype === "int" && vs[1].dtype === "int" ? "int" : "float"};
  };
  return ij ? [grid((i) => x[i]), grid((_, j) => y[j])] : [grid((_, j) => x[j]), grid((i) => y[i])];
}

function arraysOf(v: NPValue, what: string): NDArray[] {
  if (!Array.isArray(v)) throw new Error(`${what} expects a sequence of arrays, got ${typeName(v)}`);
  return v.map((x) => toND(x, what));
}

/** Builtins that iterate their arguments see a dict as its keys (list(d), sum(d), zip(d, …)). */
const ITERATING = new Set(["list", "tuple", "min", "max", "sum", "zip", "enumerate"]);

function builtin(name: string, given: NPValue[], env: NPEnv): NPValue {
  const args = ITERATING.has(name) ? given.map((x) => (isDict(x) ? dictKeys(x) : x)) : given;
  const a = args[0];
  switch (name) {
    case "len":
      if (Array.isArray(a) || typeof a === "string") return a.length;
      if (isDict(a)) return a.entries.size;
      if (isND(a) && a.shape.length) return a.shape[0];
      throw new Error(`len() of ${typeName(a)}`);
    case "range": {
      const [start, stop, step] = args.length === 1 ? [0, toInt(a, "range"), 1] : [toInt(args[0], "range"), toInt(args[1], "range"), args[2] === undefined ? 1 : toInt(args[2], "range")];
      const n = Math.max(0, Math.ceil((stop - start) / step));
      if (n > 1_000_000) throw new Error(`range of ${n} items is too long to follow at generation time`);
      env.budget.charge(n, "range");
      return Array.from({length: n}, (_, i) => start + i * step);
    }
    case "int":
      return Math.trunc(toNumber(a, "int()"));
    case "float":
      return typeof a === "string" ? pyFloat(a) : toNumber(a, "float()");
    case "bool":
      return truthy(a, "bool()");
    case "abs":
      return typeof a === "number" ? Math.abs(a) : unwrap(map(toND(a, "abs"), Math.abs, env.budget, "abs"));
    case "round": {
      const d = args[1] === undefined ? 0 : toInt(args[1], "round");
      return Math.round(toNumber(a, "round()") * 10 ** d) / 10 ** d;
    }
    case "min":
    case "max":
    case "sum": {
      const xs = args.length > 1 ? args : Array.isArray(a) ? a : isND(a) ? Array.from(a.data) : [a];
      const nums = xs.map((x) => toNumber(x, `${name}()`));
      if (name === "sum") return nums.reduce((s, x) => s + x, 0);
      if (!nums.length) throw new Error(`${name}() of an empty sequence`);
      return name === "min" ? Math.min(...nums) : Math.max(...nums);
    }
    case "list":
    case "tuple":
      if (Array.isArray(a)) return [...a];
      if (isND(a)) return Array.from({length: a.shape[0]}, (_, i) => unwrap(reshape({shape: a.shape.slice(1), data: a.data.subarray(i * (a.data.length / a.shape[0]), (i + 1) * (a.data.length / a.shape[0])), dtype: a.dtype}, a.shape.slice(1))));
      throw new Error(`${name}() of ${typeName(a)}`);
    case "str":
      return typeof a === "number" ? String(a) : String(a);
    case "zip": {
      const lists = args.map((x) => (Array.isArray(x) ? x : builtin("list", [x], env) as NPValue[]));
      const n = Math.min(...lists.map((l) => l.length));
      return Array.from({length: n}, (_, i) => lists.map((l) => l[i]));
    }
    case "enumerate": {
      const l = Array.isArray(a) ? a : (builtin("list", [a], env) as NPValue[]);
      return l.map((x, i) => [i, x]);
    }
    case "print":
      return null;
  }
  throw new Error(`${name}() is not supported`);
}

/** torch.X → the NumPy function of the same meaning (tensors are read as arrays). */
const TORCH: Record<string, string> = {
  zeros: "zeros", empty: "zeros", ones: "ones", arange: "arange", linspace: "linspace", exp: "exp", log: "log", sin: "sin", cos: "cos",
  sqrt: "sqrt", abs: "abs", tanh: "tanh", sigmoid: "sigmoid", relu: "relu", sum: "sum", mean: "mean", max: "max", min: "min",
  argmax: "argmax", matmul: "matmul", mm: "matmul", where: "where", clamp: "clip", zeros_like: "zeros_like",
  ones_like: "ones_like", cat: "concatenate", stack: "stack", eye: "eye", full: "full", square: "square", std: "std",
  round: "round", sign: "sign", maximum: "maximum", minimum: "minimum", flatten: "ravel", add: "add", sub: "subtract",
  subtract: "subtract", mul: "multiply", multiply: "multiply", div: "divide", pow: "power", logaddexp: "logaddexp"
};

export function callFunction(rawPath: string, args: NPValue[], kw: Record<string, NPValue>, env: NPEnv): NPValue {
  const path = canonicalPath(rawPath);
  const B = env.budget;
  let m: RegExpExecArray | null;
  if (path === "builtins.dict") return makeDict(args, kw);
  if ((m = /^builtins\.(\w+)$/.exec(path))) return builtin(m[1], args, env);
  if ((m = /^numpy\.random\.(\w+)$/.exec(path))) {
    if (m[1] === "default_rng" || m[1] === "RandomState") {
      const s = args[0] ?? kw.seed;
      return {obj: "rng", gen: new Generator(s === undefined || s === null ? env.defaultSeed : toInt(s, "seed"), {legacy: m[1] === "RandomState"})};
    }
    return randomCall(env.rng, m[1], args, kw, env);
  }
  if ((m = /^torch\.(\w+)$/.exec(path))) return torchCall(m[1], args, kw, env);
  if ((m = /^sklearn\.[\w.]+\.(\w+)$/.exec(path))) return sklearnCall(m[1], args, kw, env);
  if ((m = /^math\.(\w+)$/.exec(path)) && UNARY[m[1]]) return UNARY[m[1]](toNumber(args[0], path));
  if ((m = /^numpy\.(\w+)\.(outer|reduce|accumulate)$/.exec(path)) && isBinaryUfunc(m[1])) return ufuncMethod(m[1], m[2], args, kw, B);
  m = /^numpy\.((?:linalg\.)?\w+)$/.exec(path);
  if (!m) throw new Error(`${rawPath}() is not supported in NumPy code`);
  return numpyCall(m[1], args, kw, env, B);
}

function numpyCall(fn: string, args: NPValue[], kw: Record<string, NPValue>, env: NPEnv, B: Budget): NPValue {
  const a0 = args[0];
  if (UNARY[fn]) {
    if (typeof a0 === "number") return UNARY[fn](a0);
    return map(toND(a0, `np.${fn}`), UNARY[fn], B, `np.${fn}`, ["floor", "ceil", "round", "rint", "sign"].includes(fn) ? toND(a0, fn).dtype : "float");
  }
  if (isBinaryUfunc(fn)) return binaryUfunc(fn, args, kw, B);
  if ((REDUCE as readonly string[]).includes(fn)) {
    const kind = fn === "amax" ? "max" : fn === "amin" ? "min" : (fn as "sum");
    return unwrap(reduce(toND(a0, `np.${fn}`), kind, axisOf(kw, args[1]), B, !!kw.keepdims && truthy(kw.keepdims, "keepdims")));
  }
  switch (fn) {
    case "array":
    case "asarray":
    case "asfarray":
    case "copy": {
      const a = toND(a0, `np.${fn}`);
      const c = {shape: [...a.shape], data: Float64Array.from(a.data), dtype: a.dtype};
      B.charge(c.data.length, `np.${fn}`);
      return castTo(c, kw.dtype ?? (fn === "asfarray" ? "float" : undefined), env);
    }
    case "zeros":
    case "ones":
    case "empty":
      return castTo(make(checkShape(toShape([a0], `np.${fn}`), `np.${fn}`), () => (fn === "ones" ? 1 : 0), B, `np.${fn}`), kw.dtype ?? args[1], env);
    case "full":
      return make(toShape([a0], "np.full"), () => toNumber(args[1] ?? kw.fill_value, "fill_value"), B, "np.full");
    case "zeros_like":
    case "ones_like": {
      const a = toND(a0, `np.${fn}`);
      return make([...a.shape], () => (fn === "ones_like" ? 1 : 0), B, `np.${fn}`, a.dtype);
    }
    case "eye":
    case "identity": {
      // np.eye(N, M=None, k=0): N×M with ones on the k-th diagonal (torch.eye(n, m) the same without k)
      const n = toInt(a0, `np.${fn}`);
      const mArg = fn === "eye" ? kw.M ?? kw.m ?? args[1] : undefined;
      const m = mArg === undefined || mArg === null ? n : toInt(mArg, `np.${fn}`);
      const k = fn === "eye" && (kw.k ?? args[2]) !== undefined ? toInt(kw.k ?? args[2], `np.${fn}`) : 0;
      return make([n, m], (i) => Number(i % m - Math.floor(i / m) === k), B, `np.${fn}`);
    }
    case "arange":
      return arange(args, env, "np.arange");
    case "linspace":
      return linspace(toNumber(a0, "linspace"), toNumber(args[1], "linspace"), toInt(kw.num ?? args[2] ?? 50, "num"), env, "np.linspace");
    case "dot":
    case "matmul":
      return unwrap(matmul(toND(a0, fn), toND(args[1], fn), B));
    case "outer": {
      const a = toND(a0, "outer"), b = toND(args[1], "outer");
      return binary("*", reshape(a, [-1, 1]), reshape(b, [1, -1]), B);
    }
    case "clip": {
      const lo = args[1] ?? kw.a_min ?? kw.min, hi = args[2] ?? kw.a_max ?? kw.max;
      const l = lo === undefined || lo === null ? -Infinity : toNumber(lo, "clip"), h = hi === undefined || hi === null ? Infinity : toNumber(hi, "clip");
      const a = toND(a0, "clip");
      // integers clipped to integer bounds stay integers (labels = torch.clamp(k.long(), max=3))
      const dtype = a.dtype !== "float" && [l, h].every((b) => !Number.isFinite(b) || Number.isInteger(b)) ? "int" : "float";
      return unwrap(map(a, (x) => Math.min(Math.max(x, l), h), B, "np.clip", dtype));
    }
    case "where": {
      if (args.length === 1) throw new Error("np.where with one argument is not supported");
      const c = toND(a0, "where"), x = toND(args[1], "where"), y = toND(args[2], "where");
      const pick = binary("*", c, x, B), rest = binary("*", binary("==", c, {shape: [], data: Float64Array.of(0), dtype: "int"}, B), y, B);
      const out = binary("+", pick, rest, B);
      return unwrap({...out, dtype: x.dtype === "float" || y.dtype === "float" ? "float" : out.dtype});
    }
    case "concatenate":
      return concatenate(arraysOf(a0, "np.concatenate"), axisOf(kw, args[1]) ?? 0, B);
    case "bincount": {
      // np.bincount(x, weights=None, minlength=0): counts (or summed weights) of each non-negative integer in a 1-D x
      const x = toND(a0, "np.bincount");
      if (x.shape.length !== 1) throw new Error("np.bincount: x must be 1-D");
      const wv = kw.weights ?? args[1];
      const w = wv === undefined || wv === null ? null : toND(wv, "np.bincount weights");
      if (w && w.data.length !== x.data.length) throw new Error("np.bincount: weights and x must have the same length");
      let top = -1;
      for (const v of x.data) {
        if (!(Number.isInteger(v) && v >= 0)) throw new Error(`np.bincount: x must hold non-negative integers, got ${v}`);
        top = Math.max(top, v);
      }
      const minlength = kw.minlength === undefined ? 0 : toInt(kw.minlength, "minlength");
      const out = make([Math.max(top + 1, minlength)], () => 0, B, "np.bincount", w ? "float" : "int");
      B.charge(x.data.length, "np.bincount");
      x.data.forEach((v, i) => (out.data[v] += w ? w.data[i] : 1));
      return out;
    }
    case "vander": {
      // np.vander(x, N=len(x), increasing=False): columns x^(N-1) … x^0 (increasing: x^0 … x^(N-1))
      const x = toND(a0, "np.vander");
      if (x.shape.length !== 1) throw new Error("np.vander: x must be 1-D");
      const nv = kw.N ?? args[1];
      const n = nv === undefined || nv === null ? x.data.length : toInt(nv, "N");
      const inc = kw.increasing !== undefined && truthy(kw.increasing, "increasing");
      return make([x.data.length, n], (i) => {
        const p = i % n;
        return x.data[(i - p) / n] ** (inc ? p : n - 1 - p);
      }, B, "np.vander", x.dtype === "int" ? "int" : "float");
    }
    case "digitize": {
      // np.digitize(x, bins): for increasing bins, i with bins[i-1] <= x < bins[i] (right=True: bins[i-1] < x <= bins[i])
      const x = toND(a0, "np.digitize"), bins = toND(args[1], "np.digitize");
      const right = kw.right !== undefined && truthy(kw.right, "right");
      if (bins.shape.length !== 1 || bins.data.some((v, i) => i > 0 && v < bins.data[i - 1])) throw new Error("np.digitize: bins must be a 1-D increasing array");
      B.charge(x.data.length * Math.max(1, Math.log2(bins.data.length + 1)), "np.digitize");
      const count = (v: number) => {
        let lo = 0, hi = bins.data.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (right ? bins.data[mid] < v : bins.data[mid] <= v) lo = mid + 1;
          else hi = mid;
        }
        return lo;
      };
      return unwrap(make(x.shape, (i) => count(x.data[i]), B, "np.digitize", "int"));
    }
    case "append": {
      // np.append(a, b): both flattened and joined; with axis=, joined along that axis (shapes must agree)
      const axis = axisOf(kw, args[2]);
      const a = toND(a0, "np.append"), b = toND(args[1], "np.append");
      if (axis === null) return concatenate([reshape(a, [-1]), reshape(b, [-1])], 0, B);
      return concatenate([a, b], axis, B);
    }
    case "repeat": {
      // np.repeat(np.arange(3), 300): each entry repeated (flattened, or along axis 0)
      const a = toND(a0, "np.repeat"), k = toInt(args[1] ?? kw.repeats, "np.repeat");
      if (!(k >= 0)) throw new Error("np.repeat: repeats must be a non-negative integer");
      const axis = axisOf(kw, args[2]);
      if (axis === undefined || a.shape.length <= 1) {
        const flat = a.shape.length <= 1 ? a : reshape(a, [-1]);
        return make([flat.data.length * k], (i) => flat.data[Math.floor(i / k)], B, "np.repeat", a.dtype);
      }
      if (axis !== 0) throw new Error("np.repeat: only axis=0 is supported");
      const rows = a.shape[0];
      return takeRows(a, Array.from({length: rows * k}, (_, i) => Math.floor(i / k)), B);
    }
    case "split":
    case "array_split": {
      // np.split(X, [800, 1000]): the pieces between the cut rows; np.split(X, 4): four equal pieces
      const a = toND(a0, `np.${fn}`), ind = args[1] ?? kw.indices_or_sections;
      if ((axisOf(kw, args[2]) ?? 0) !== 0) throw new Error(`np.${fn}: only axis=0 is supported`);
      const n = a.shape[0] ?? 0;
      let cuts: number[];
      if (typeof ind === "number") {
        if (!(Number.isInteger(ind) && ind >= 1)) throw new Error(`np.${fn}: the number of sections must be a positive integer`);
        if (fn === "split" && n % ind !== 0) throw new Error("np.split: array split does not result in an equal division");
        const big = n % ind, size = Math.floor(n / ind);
        cuts = Array.from({length: ind - 1}, (_, k) => (k + 1) * size + Math.min(k + 1, big));
      } else cuts = Array.from(toND(ind, `np.${fn}`).data);
      const bounds = [0, ...cuts.map((c) => Math.max(0, Math.min(n, c < 0 ? c + n : c))), n];
      return bounds.slice(0, -1).map((lo, k) => takeRows(a, Array.from({length: Math.max(0, bounds[k + 1] - lo)}, (_, i) => lo + i), B));
    }
    case "meshgrid":
      return meshgrid(args.map((a) => toND(a, "np.meshgrid")), kw.indexing === "ij", B);
    case "vstack":
    case "row_stack":
      return concatenate(arraysOf(a0, `np.${fn}`).map((a) => (a.shape.length === 1 ? reshape(a, [1, -1]) : a)), 0, B, `np.${fn}`);
    case "hstack": {
      const xs = arraysOf(a0, "np.hstack");
      return concatenate(xs, xs[0]?.shape.length === 1 ? 0 : 1, B, "np.hstack");
    }
    case "column_stack":
      return concatenate(arraysOf(a0, "np.column_stack").map((a) => (a.shape.length <= 1 ? reshape(a, [-1, 1]) : a)), 1, B, "np.column_stack");
    case "stack": {
      const xs = arraysOf(a0, "np.stack");
      const ax = axisOf(kw, args[1]) ?? 0;
      return concatenate(xs.map((a) => reshape(a, [...a.shape.slice(0, ax < 0 ? a.shape.length + 1 + ax : ax), 1, ...a.shape.slice(ax < 0 ? a.shape.length + 1 + ax : ax)])), ax, B, "np.stack");
    }
    case "reshape":
      return reshape(toND(a0, "reshape"), toShape([args[1] ?? kw.newshape], "reshape"));
    case "ravel":
    case "flatten":
      return reshape(toND(a0, fn), [-1]);
    case "transpose":
      return unwrap(transposeAny(toND(a0, "transpose"), B));
    case "expand_dims": {
      const a = toND(a0, "expand_dims");
      let ax = toInt(kw.axis ?? args[1], "axis");
      if (ax < 0) ax += a.shape.length + 1;
      return reshape(a, [...a.shape.slice(0, ax), 1, ...a.shape.slice(ax)]);
    }
    case "squeeze": {
      const a = toND(a0, "squeeze");
      return unwrap(reshape(a, a.shape.filter((d) => d !== 1)));
    }
    case "isnan":
      return map(toND(a0, fn), (x) => Number(Number.isNaN(x)), B, fn, "bool");
    case "linalg.norm": {
      const a = toND(a0, "norm");
      const ax = axisOf(kw, args[2]);
      return unwrap(map(reduce(map(a, (x) => x * x, B, "norm"), "sum", ax, B), Math.sqrt, B, "norm"));
    }
    case "einsum":
      if (typeof a0 !== "string") throw new Error("np.einsum: the first argument must be the subscripts string");
      return unwrap(einsum(a0, args.slice(1).map((x) => toND(x, "np.einsum")), B));
    case "linalg.cholesky":
      return cholesky(toND(a0, "np.linalg.cholesky"), B);
    case "linalg.inv":
    case "linalg.solve":
    case "linalg.pinv":
      return linalg(fn, args, B);
  }
  throw new Error(`np.${fn} is not supported`);
}

function transposeAny(a: NDArray, B: Budget): NDArray {
  if (a.shape.length < 2) return a;
  if (a.shape.length > 2) throw new Error("transpose of arrays with more than 2 dimensions is not supported");
  const [n, m] = a.shape;
  return make([m, n], (i) => a.data[(i % n) * m + Math.floor(i / n)], B, "transpose", a.dtype);
}

/** Gauss–Jordan with partial pivoting: inv(A) or solve(A, b). */
function linalg(fn: string, args: NPValue[], B: Budget): NPValue {
  const A = toND(args[0], fn);
  if (A.shape.length !== 2 || A.shape[0] !== A.shape[1]) throw new Error(`np.${fn}: expects a square matrix`);
  if (fn === "linalg.pinv") throw new Error("np.linalg.pinv is not supported");
  const d = A.shape[0];
  const rhs = fn === "linalg.inv" ? make([d, d], (i) => Number(Math.floor(i / d) === i % d), B, fn) : toND(args[1], fn);
  const k = rhs.shape.length === 1 ? 1 : rhs.shape[1];
  B.charge(d * d * (d + k), fn);
  const M = Array.from({length: d}, (_, i) => [...A.data.subarray(i * d, i * d + d), ...rhs.data.subarray(i * k, i * k + k)]);
  for (let c = 0; c < d; c++) {
    let p = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    if (Math.abs(M[c][c]) < 1e-12) throw new Error(`np.${fn}: singular matrix`);
    for (let r = 0; r < d; r++) {
      if (r === c) continue;
      const f = M[r][c] / M[c][c];
      for (let j = c; j < d + k; j++) M[r][j] -= f * M[c][j];
    }
  }
  return make(rhs.shape.length === 1 ? [d] : [d, k], (i) => M[Math.floor(i / k)][d + (i % k)] / M[Math.floor(i / k)][Math.floor(i / k)], B, fn);
}

function torchCall(fn: string, args: NPValue[], kw: Record<string, NPValue>, env: NPEnv): NPValue {
  switch (fn) {
    case "manual_seed":
      env.rng.reseed(toInt(args[0], "manual_seed"));
      return null;
    case "rand":
    case "randn":
      return randomCall(env.rng, fn, args.length === 1 && Array.isArray(args[0]) ? args[0] : args, {}, env);
    case "normal":
      return randomCall(env.rng, "normal", [args[0] ?? kw.mean ?? 0, args[1] ?? kw.std ?? 1, kw.size ?? args[2] ?? null], {}, env);
    case "randint": {
      const hasLow = args.length >= 3;
      return randomCall(env.rng, "integers", hasLow ? [args[0], args[1], args[2]] : [0, args[0], args[1] ?? kw.size], {}, env);
    }
    case "randperm":
      return randomCall(env.rng, "permutation", [args[0]], {}, env);
    case "randn_like":
    case "rand_like":
      return randomCall(env.rng, fn.slice(0, -5), [...toND(args[0], `torch.${fn}`).shape], {}, env);
    case "poisson": {
      // torch.poisson(rates): one draw per entry, of that entry's mean (float, as torch returns)
      return env.rng.poissonEach(toND(args[0], "torch.poisson"), env.budget, "torch.poisson", "float");
    }
    case "tensor":
    case "as_tensor":
    case "from_numpy":
    case "Tensor":
    case "FloatTensor":
    case "LongTensor": {
      const a = toND(args[0], `torch.${fn}`);
      const c = {shape: [...a.shape], data: Float64Array.from(a.data), dtype: a.dtype};
      const dt = fn === "FloatTensor" || fn === "Tensor" ? "float" : fn === "LongTensor" ? "int" : kw.dtype;
      return castTo(c, dt, env);
    }
    case "no_grad":
    case "inference_mode":
      return {obj: "opaque", why: `torch.${fn}()`};
    case "bucketize": {
      // torch.bucketize(x, boundaries, right=False): i with b[i-1] < x <= b[i], which is np.digitize's right=True
      const right = kw.right !== undefined && truthy(kw.right, "right");
      return numpyCall("digitize", [args[0] ?? kw.input, args[1] ?? kw.boundaries], {right: !right}, env, env.budget);
    }
    case "max":
    case "min":
      return torchMinMax(fn, args, kw, env);
  }
  const np = TORCH[fn];
  if (!np) throw new Error(`torch.${fn}() is not supported in data code`);
  const kw2 = {...kw};
  if (kw.dim !== undefined) kw2.axis = kw.dim;
  if (["zeros", "ones"].includes(np) && args.length > 1) return numpyCall(np, [args], kw2, env, env.budget);
  if (np === "linspace") return numpyCall(np, [args[0], args[1], args[2] ?? kw.steps ?? 100], {}, env, env.budget);
  if (np === "clip") return numpyCall(np, [args[0], args[1] ?? kw.min ?? null, args[2] ?? kw.max ?? null], {}, env, env.budget);
  return numpyCall(np, args, kw2, env, env.budget);
}

/** torch.max(x) (the extreme), torch.max(x, dim) ((values, indices)), torch.max(x, y) (elementwise, as torch.maximum). */
function torchMinMax(fn: "max" | "min", args: NPValue[], kw: Record<string, NPValue>, env: NPEnv): NPValue {
  const x = toND(args[0] ?? kw.input, `torch.${fn}`), second = args[1] ?? kw.dim ?? kw.other;
  const keep = kw.keepdim !== undefined && truthy(kw.keepdim, "keepdim");
  if (second === undefined || second === null) return unwrap(reduce(x, fn, null, env.budget));
  if (typeof second === "number" && kw.other === undefined) return valuesIndices(x, fn, toInt(second, "dim"), keep, env.budget);
  return unwrap(binary(fn === "max" ? "maximum" : "minimum", x, toND(second, `torch.${fn}`), env.budget));
}

function sklearnCall(fn: string, args: NPValue[], kw: Record<string, NPValue>, env: NPEnv): NPValue {
  const B = env.budget;
  const num = (k: string, pos: number, d: number) => {
    const v = kw[k] ?? args[pos];
    return v === undefined || v === null ? d : toNumber(v, k);
  };
  const bool = (k: string, d: boolean) => (kw[k] === undefined ? d : truthy(kw[k], k));
  const g = () => rngFor(kw.random_state, env);
  // make_classification / make_regression draw in another order than scikit-learn's: with a random_state they use
  // gradbook's stream (same construction and distributions), never a RandomState that would promise sklearn's numbers
  const own = () => (kw.random_state === undefined || kw.random_state === null || (isObj(kw.random_state) && kw.random_state.obj === "rng") ? g() : new Generator(toInt(kw.random_state, "random_state")));
  switch (fn) {
    case "make_moons":
      return makeMoons(num("n_samples", 0, 100), num("noise", 99, 0), bool("shuffle", true), g(), B);
    case "make_circles":
      return makeCircles(num("n_samples", 0, 100), num("noise", 99, 0), num("factor", 99, 0.8), bool("shuffle", true), g(), B);
    case "make_blobs": {
      const c = kw.centers;
      const centers = c === undefined || c === null ? 3 : typeof c === "number" ? c : toND(c, "centers");
      const box = kw.center_box ? (kw.center_box as NPValue[]).map((x) => toNumber(x, "center_box")) as [number, number] : [-10, 10] as [number, number];
      const nf = isND(centers) ? centers.shape[1] : num("n_features", 99, 2);
      return makeBlobs(num("n_samples", 0, 100), nf, centers, num("cluster_std", 99, 1), box, bool("shuffle", true), g(), B);
    }
    case "make_classification":
      return makeClassification(num("n_samples", 0, 100), {
        nFeatures: num("n_features", 1, 20), nInformative: num("n_informative", 2, 2), nRedundant: num("n_redundant", 3, 2),
        nClasses: num("n_classes", 99, 2), nClustersPerClass: num("n_clusters_per_class", 99, 2), flipY: num("flip_y", 99, 0.01),
        classSep: num("class_sep", 99, 1), shuffle: bool("shuffle", true)
      }, own(), B);
    case "make_regression": {
      const r = makeRegression(num("n_samples", 0, 100), num("n_features", 1, 100), num("n_informative", 2, 10), num("bias", 99, 0), num("noise", 99, 0), own(), B);
      return bool("coef", false) ? [r.X, r.y, r.coef] : [r.X, r.y];
    }
    case "train_test_split": {
      const ts = kw.test_size, tr = kw.train_size;
      return trainTestSplit(args.map((a) => toND(a, "train_test_split")), ts === undefined || ts === null ? null : toNumber(ts, "test_size"),
        tr === undefined || tr === null ? null : toNumber(tr, "train_size"), bool("shuffle", true), g(), B);
    }
    case "StandardScaler":
      return {obj: "scaler", state: null};
    case "accuracy_score": {
      const a = toND(args[0], fn), b = toND(args[1], fn);
      return unwrap(reduce(binary("==", a, b, B), "mean", null, B));
    }
    case "mean_squared_error": {
      const a = toND(args[0], fn), b = toND(args[1], fn);
      const d = binary("-", a, b, B);
      return unwrap(reduce(binary("*", d, d, B), "mean", null, B));
    }
  }
  throw new Error(`sklearn's ${fn} is not supported`);
}

export {applyScaler};
