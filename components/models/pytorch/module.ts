/**
 * A `class Net(nn.Module)`: its __init__ assigns layers to self.<name>; its forward chains them (`x = F.relu(self.fc1(x))`,
 * `x = x.view(x.size(0), -1)`, `return self.out(x)`). Read as a straight chain of TorchLayers; anything else (branches,
 * residual sums) is named at its line. An nn.ModuleList is unrolled: `for layer in self.layers[:-1]: x = F.relu(layer(x))`. Pure.
 */
import {parameterArg, readParameter} from "./params.js";
import {dotted, parseExpr, show, type Expr} from "../keras/expr.js";
import type {PyStmt} from "../keras/gd.js";
import type {Unsupported} from "../keras/program.js";
import {ACTS, type Arg, type TorchLayer} from "./layers.js";

export interface ModuleClass {
  name: string;
  line: number;
  body: PyStmt[];
}

/** How the translator evaluates __init__'s statements (with the constructor's arguments bound). */
export interface InitHost {
  /** Evaluates an expression with `locals` (the __init__ parameters) in scope. */
  evaluate(e: Expr, locals: Map<string, Arg>, line: number): Arg;
}

const FUNCTIONAL_ACTS: Record<string, string> = {relu: "ReLU", sigmoid: "Sigmoid", tanh: "Tanh", softmax: "Softmax", elu: "ELU",
  gelu: "GELU", silu: "SiLU", softplus: "Softplus", relu6: "ReLU6", mish: "Mish"};

function method(cls: ModuleClass, name: string): PyStmt | undefined {
  return cls.body.find((s) => new RegExp(`^def\\s+${name}\\s*\\(`).test(s.text));
}

function params(def: PyStmt): {name: string; def?: string}[] {
  const inner = /\((.*)\)\s*(->.*)?:$/.exec(def.text)?.[1] ?? "";
  const out: {name: string; def?: string}[] = [];
  let depth = 0, cur = "";
  for (const c of inner + ",") {
    if ("([{".includes(c)) depth++;
    if (")]}".includes(c)) depth--;
    if (c === "," && depth === 0) {
      const [n, d] = cur.split(/=(.*)/s).map((x) => x?.trim());
      if (n && n !== "self") out.push({name: n.replace(/:.*$/, "").trim(), def: d});
      cur = "";
    } else cur += c;
  }
  return out;
}

/** Runs __init__ for one instantiation: the layers (and nn.ModuleLists) it assigns to self, in assignment order. */
export function initLayers(cls: ModuleClass, args: Arg[], kwargs: Record<string, Arg>, host: InitHost, unsupported: Unsupported[]): Map<string, Module> {
  const layers = new Map<string, Module>();
  const init = method(cls, "__init__");
  if (!init) return layers;
  const locals = new Map<string, Arg>();
  params(init).forEach((p, i) => {
    const v = i < args.length ? args[i] : kwargs[p.name] ?? (p.def !== undefined ? host.evaluate(parseExpr(p.def), locals, init.line) : undefined);
    if (v === undefined) unsupported.push({line: init.line, message: `${cls.name}(): missing argument ${p.name}`});
    locals.set(p.name, v ?? null);
  });
  for (const s of init.body) {
    const t = s.text.replace(/\s+/g, "");
    if (/^super\(.*\)\.__init__\(.*\)$/.test(t) || /^nn\.Module\.__init__\(self\)$/.test(t) || /^(pass|(['"]).*\2)$/.test(s.text)) continue;
    const m = /^self\.(\w+)\s*=\s*(.+)$/.exec(s.text);
    if (!m) {
      unsupported.push({line: s.line, message: `${cls.name}.__init__: statement not followed: ${s.text}`});
      continue;
    }
    try {
      // self.W = nn.Parameter(torch.randn(d_in, d_hidden) / d_in ** 0.5): weights the forward pass multiplies by
      const param = parameterArg(parseExpr(m[2]));
      if (param) {
        const num = (x: Expr) => {
          const v = host.evaluate(x, locals, s.line);
          if (typeof v !== "number") throw new Error(`nn.Parameter: ${show(x)} is not a number the translator can compute`);
          return v;
        };
        layers.set(m[1], {kind: "param", ...readParameter(param, num), line: s.line});
        continue;
      }
      const v = host.evaluate(parseExpr(m[2]), locals, s.line);
      if (v && typeof v === "object" && !Array.isArray(v) && "layer" in v) layers.set(m[1], v.layer);
      else if (v && typeof v === "object" && !Array.isArray(v) && "layers" in v) layers.set(m[1], v.layers);
      else locals.set(`self.${m[1]}`, v);
    } catch (e) {
      unsupported.push({line: s.line, message: (e as Error).message});
    }
  }
  return layers;
}

/** The chain of layers forward() applies, or null (with the reason in `unsupported`). */
export function forwardChain(cls: ModuleClass, layers: Map<string, Module>, unsupported: Unsupported[]): TorchLayer[] | null {
  const fwd = method(cls, "forward");
  if (!fwd) {
    unsupported.push({line: cls.line, message: `${cls.name} has no forward() method`});
    return null;
  }
  const input = params(fwd)[0]?.name;
  if (!input || params(fwd).length !== 1) {
    unsupported.push({line: fwd.line, message: `${cls.name}.forward must take one input (self, x)`});
    return null;
  }
  const ctx: Ctx = {vars: new Map([[input, []]]), layers, loop: new Map()};
  try {
    const out = runForward(fwd.body, ctx);
    if (out) return out;
    unsupported.push({line: fwd.line, message: `${cls.name}.forward never returns`});
  } catch (e) {
    const at = e instanceof At ? e.line : fwd.line;
    unsupported.push({line: at, message: (e as Error).message});
  }
  return null;
}

/** A layer or a list of them (nn.ModuleList), as __init__ assigned it. */
export type Module = TorchLayer | TorchLayer[];

interface Ctx {
  /** Values computed from the input: the layers applied so far. */
  vars: Map<string, TorchLayer[]>;
  layers: Map<string, Module>;
  /** Loop variables bound to one module of a ModuleList. */
  loop: Map<string, TorchLayer>;
}

class At extends Error {
  constructor(message: string, readonly line: number) {
    super(message);
  }
}

/** Runs forward's statements: `x = f(x)` chains, `for layer in self.layers[a:b]:` over a ModuleList, `return`. */
function runForward(body: PyStmt[], ctx: Ctx): TorchLayer[] | null {
  for (const s of body) {
    try {
      const ret = /^return\s+(.+)$/.exec(s.text);
      if (ret) return chain(parseExpr(ret[1]), ctx, s.line);
      const loop = /^for\s+(.+?)\s+in\s+(.+):$/.exec(s.text);
      if (loop) {
        const out = forwardLoop(loop[1], parseExpr(loop[2]), s, ctx);
        if (out) return out;
        continue;
      }
      const m = /^(\w+)\s*=\s*(.+)$/.exec(s.text);
      if (m && !/^[=]/.test(m[2])) {
        ctx.vars.set(m[1], chain(parseExpr(m[2]), ctx, s.line));
        continue;
      }
      throw new Error(`forward: statement not followed (only x = f(x) chains, loops over a ModuleList and return): ${s.text}`);
    } catch (e) {
      if (e instanceof At) throw e;
      throw new At((e as Error).message, s.line);
    }
  }
  return null;
}

/** `for layer in self.layers[:-1]:` / `for i, layer in enumerate(self.layers):` — the body once per module. */
function forwardLoop(target: string, iter: Expr, s: PyStmt, ctx: Ctx): TorchLayer[] | null {
  let names = target.replace(/[()\s]/g, "").split(",");
  let it = iter;
  if (it.type === "call" && dotted(it.fn) === "enumerate" && it.args.length === 1) it = it.args[0];
  else if (names.length !== 1) throw new Error(`forward: loop target ${target} is not followed`);
  const mods = moduleList(it, ctx);
  names = names.slice(-1);
  for (const l of mods) {
    ctx.loop.set(names[0], l);
    const out = runForward(s.body, ctx);
    if (out) return out;
  }
  ctx.loop.delete(names[0]);
  return null;
}

const intOf = (e: Expr | null | undefined): number | undefined => {
  if (!e) return undefined;
  if (e.type === "num") return e.value;
  if (e.type === "unary" && e.op === "-" && e.arg.type === "num") return -e.arg.value;
  throw new Error(`forward: index ${show(e)} must be a constant`);
};

/** `self.layers`, `self.layers[1:]`: the modules of a ModuleList. */
function moduleList(e: Expr, ctx: Ctx): TorchLayer[] {
  const base = e.type === "index" ? e.obj : e;
  const name = /^self\.(\w+)$/.exec(dotted(base) ?? "")?.[1];
  const list = name ? ctx.layers.get(name) : undefined;
  if (!Array.isArray(list)) throw new Error(`forward: ${show(e)} is not an nn.ModuleList defined in __init__`);
  if (e.type !== "index") return list;
  if (e.index.type !== "slice" || e.index.step) throw new Error(`forward: ${show(e)}: only a slice [a:b] of a ModuleList is followed`);
  return list.slice(intOf(e.index.lo) ?? 0, intOf(e.index.hi) ?? list.length);
}

/** The module a call applies: `self.fc1`, `self.layers[-1]`, a loop variable. */
function moduleOf(fn: Expr, ctx: Ctx): TorchLayer | null {
  const name = /^self\.(\w+)$/.exec(dotted(fn) ?? "")?.[1];
  if (name) {
    const l = ctx.layers.get(name);
    if (!l || Array.isArray(l)) throw new Error(`forward: self.${name} is not a layer defined in __init__`);
    return l;
  }
  if (fn.type === "name" && ctx.loop.has(fn.id)) return ctx.loop.get(fn.id)!;
  if (fn.type === "index" && /^self\.\w+$/.test(dotted(fn.obj) ?? "")) {
    const list = moduleList(fn.obj, ctx);
    const i = intOf(fn.index)!;
    const l = list[i < 0 ? i + list.length : i];
    if (!l) throw new Error(`forward: ${show(fn)} is out of range`);
    return l;
  }
  return null;
}

/** `self.W` (or `self.W.T`) naming a parameter of __init__: it, transposed or not; else null. */
function paramOf(e: Expr, ctx: Ctx): {p: Extract<TorchLayer, {kind: "param"}>; t: boolean} | null {
  const t = e.type === "attr" && e.name === "T";
  const name = /^self\.(\w+)$/.exec(dotted(t ? (e as Extract<Expr, {type: "attr"}>).obj : e) ?? "")?.[1];
  const l = name ? ctx.layers.get(name) : undefined;
  return l && !Array.isArray(l) && l.kind === "param" ? {p: l, t} : null;
}

/**
 * `x @ self.W + self.b` (also `self.b + x @ self.W`, `torch.matmul(x, self.W)`, `x @ self.W.T` with W out × in):
 * a Linear layer with the code's own initial weights; null when `e` is not one.
 */
function affineLayer(e: Expr, ctx: Ctx, line: number): TorchLayer[] | null {
  let prod = e, bias: Extract<TorchLayer, {kind: "param"}> | null = null;
  if (e.type === "bin" && e.op === "+") {
    const [l, r] = [paramOf(e.left, ctx), paramOf(e.right, ctx)];
    if (r && !r.t && r.p.shape.length === 1) [prod, bias] = [e.left, r.p];
    else if (l && !l.t && l.p.shape.length === 1) [prod, bias] = [e.right, l.p];
    else return null;
  }
  let input: Expr | undefined, w: ReturnType<typeof paramOf> = null;
  if (prod.type === "bin" && prod.op === "@") [input, w] = [prod.left, paramOf(prod.right, ctx)];
  else if (prod.type === "call" && /^torch\.(matmul|mm)$/.test(dotted(prod.fn) ?? "") && prod.args.length === 2) [input, w] = [prod.args[0], paramOf(prod.args[1], ctx)];
  if (!input || !w || w.p.shape.length !== 2) return null;
  const [inF, outF] = w.t ? [w.p.shape[1], w.p.shape[0]] : w.p.shape;
  if (bias && bias.shape[0] !== outF) throw new Error(`forward: the bias has ${bias.shape[0]} entries for ${outF} outputs`);
  const zero = {constant: 0};
  return [...chain(input, ctx, line), {kind: "linear", inF, outF, bias: !!bias, line: w.p.line, init: {kernel: w.p.init, bias: bias?.init ?? zero}}];
}

function chain(e: Expr, ctx: Ctx, line: number): TorchLayer[] {
  const affine = affineLayer(e, ctx, line);
  if (affine) return affine;
  if (e.type === "name") {
    const v = ctx.vars.get(e.id);
    if (!v) throw new Error(`forward: ${e.id} is not the input or a value computed from it`);
    return v;
  }
  if (e.type !== "call") throw new Error(`forward: ${show(e)} is not a chain of layers (sums, products and branches are not supported)`);
  const fn = dotted(e.fn) ?? "";
  const inner = e.args[0];
  const mod = moduleOf(e.fn, ctx);
  if (mod) {
    if (!inner) throw new Error(`forward: ${show(e.fn)}() needs an input`);
    return [...chain(inner, ctx, line), {...mod}];
  }
  const m = /^(?:F|torch|torch\.nn\.functional|nn\.functional)\.(\w+)$/.exec(fn);
  if (m) {
    if (!inner) throw new Error(`forward: ${fn}() needs an input`);
    return [...chain(inner, ctx, line), functional(m[1], e, fn, line)];
  }
  if (e.fn.type === "attr" && ["squeeze", "float", "to"].includes(e.fn.name)) return chain(e.fn.obj, ctx, line);
  if (e.fn.type === "attr" && ["view", "reshape", "flatten"].includes(e.fn.name)) {
    // x.view(x.size(0), -1), x.view(-1, n), x.flatten(1): one sample becomes a vector
    return [...chain(e.fn.obj, ctx, line), {kind: "flatten", line}];
  }
  if (e.fn.type === "attr" && FUNCTIONAL_ACTS[e.fn.name]) return [...chain(e.fn.obj, ctx, line), {kind: "act", act: ACTS[FUNCTIONAL_ACTS[e.fn.name]], line}];
  throw new Error(`forward: ${show(e)} is not supported`);
}

/** F.relu / torch.tanh / F.softmax / F.log_softmax / F.max_pool2d / F.dropout / torch.flatten as a module. */
function functional(name: string, e: Extract<Expr, {type: "call"}>, fn: string, line: number): TorchLayer {
  if (FUNCTIONAL_ACTS[name]) return {kind: "act", act: ACTS[FUNCTIONAL_ACTS[name]], line};
  if (name === "leaky_relu") {
    // F.leaky_relu(x, 0.2) / F.leaky_relu(x, negative_slope=0.2); PyTorch's default slope 0.01
    const s = e.kwargs.negative_slope ?? e.args[1];
    const slope = !s ? 0.01 : s.type === "num" ? s.value : NaN;
    if (!Number.isFinite(slope)) throw new Error("F.leaky_relu: negative_slope must be a number");
    return {kind: "act", act: "leakyRelu", alpha: slope, line};
  }
  if (name === "log_softmax") return {kind: "logsoftmax", line};
  if (name === "flatten") return {kind: "flatten", line};
  if (name === "max_pool2d") {
    const k = e.args[1] ?? e.kwargs.kernel_size;
    const n = k?.type === "num" ? k.value : k?.type === "tuple" && k.items[0]?.type === "num" ? k.items[0].value : NaN;
    if (!Number.isInteger(n)) throw new Error("forward: F.max_pool2d needs a constant kernel size");
    return {kind: "maxpool2d", k: [n, n], stride: [n, n], line};
  }
  if (name === "dropout") {
    const p = e.args[1] ?? e.kwargs.p;
    return {kind: "dropout", p: p?.type === "num" ? p.value : 0.5, line};
  }
  throw new Error(`forward: ${fn}() is not supported`);
}
