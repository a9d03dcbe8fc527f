/**
 * A `class Net(nn.Module)`: its __init__ assigns layers to self.<name>; its forward chains them (`x = F.relu(self.fc1(x))`,
 * `x = x.view(x.size(0), -1)`, `return self.out(x)`). Read as a straight chain of TorchLayers; anything else (branches,
 * residual sums, loops) is named at its line. Pure.
 */
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
  gelu: "GELU", silu: "SiLU", softplus: "Softplus", relu6: "ReLU6"};

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

/** Runs __init__ for one instantiation: the layers it assigns to self, in assignment order. */
export function initLayers(cls: ModuleClass, args: Arg[], kwargs: Record<string, Arg>, host: InitHost, unsupported: Unsupported[]): Map<string, TorchLayer> {
  const layers = new Map<string, TorchLayer>();
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
      const v = host.evaluate(parseExpr(m[2]), locals, s.line);
      if (v && typeof v === "object" && !Array.isArray(v) && "layer" in v) layers.set(m[1], v.layer);
      else locals.set(`self.${m[1]}`, v);
    } catch (e) {
      unsupported.push({line: s.line, message: (e as Error).message});
    }
  }
  return layers;
}

/** The chain of layers forward() applies, or null (with the reason in `unsupported`). */
export function forwardChain(cls: ModuleClass, layers: Map<string, TorchLayer>, unsupported: Unsupported[]): TorchLayer[] | null {
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
  const vars = new Map<string, TorchLayer[]>([[input, []]]);
  for (const s of fwd.body) {
    try {
      const ret = /^return\s+(.+)$/.exec(s.text);
      if (ret) return chain(parseExpr(ret[1]), vars, layers, s.line);
      const m = /^(\w+)\s*=\s*(.+)$/.exec(s.text);
      if (m && !/^[=]/.test(m[2])) {
        vars.set(m[1], chain(parseExpr(m[2]), vars, layers, s.line));
        continue;
      }
      throw new Error(`forward: statement not followed (only x = f(x) chains and return): ${s.text}`);
    } catch (e) {
      unsupported.push({line: s.line, message: (e as Error).message});
      return null;
    }
  }
  unsupported.push({line: fwd.line, message: `${cls.name}.forward never returns`});
  return null;
}

function chain(e: Expr, vars: Map<string, TorchLayer[]>, layers: Map<string, TorchLayer>, line: number): TorchLayer[] {
  if (e.type === "name") {
    const v = vars.get(e.id);
    if (!v) throw new Error(`forward: ${e.id} is not the input or a value computed from it`);
    return v;
  }
  if (e.type !== "call") throw new Error(`forward: ${show(e)} is not a chain of layers (sums, products and branches are not supported)`);
  const fn = dotted(e.fn) ?? "";
  const inner = e.args[0];
  let m: RegExpExecArray | null;
  if ((m = /^self\.(\w+)$/.exec(fn))) {
    const l = layers.get(m[1]);
    if (!l) throw new Error(`forward: self.${m[1]} is not a layer defined in __init__`);
    if (!inner) throw new Error(`forward: self.${m[1]}() needs an input`);
    return [...chain(inner, vars, layers, line), {...l, line: l.line}];
  }
  if ((m = /^(?:F|torch|torch\.nn\.functional|nn\.functional)\.(\w+)$/.exec(fn))) {
    const name = m[1];
    if (!inner) throw new Error(`forward: ${fn}() needs an input`);
    const base = chain(inner, vars, layers, line);
    if (FUNCTIONAL_ACTS[name]) return [...base, {kind: "act", act: ACTS[FUNCTIONAL_ACTS[name]], line}];
    if (name === "log_softmax") return [...base, {kind: "logsoftmax", line}];
    if (name === "flatten") return [...base, {kind: "flatten", line}];
    if (name === "max_pool2d") {
      const k = e.args[1] ?? e.kwargs.kernel_size;
      const n = k?.type === "num" ? k.value : k?.type === "tuple" && k.items[0]?.type === "num" ? k.items[0].value : NaN;
      if (!Number.isInteger(n)) throw new Error("forward: F.max_pool2d needs a constant kernel size");
      return [...base, {kind: "maxpool2d", k: [n, n], stride: [n, n], line}];
    }
    if (name === "dropout") {
      const p = e.args[1] ?? e.kwargs.p;
      return [...base, {kind: "dropout", p: p?.type === "num" ? p.value : 0.5, line}];
    }
    throw new Error(`forward: ${fn}() is not supported`);
  }
  if (e.fn.type === "attr" && ["squeeze", "float", "to"].includes(e.fn.name)) return chain(e.fn.obj, vars, layers, line);
  if (e.fn.type === "attr" && ["view", "reshape", "flatten"].includes(e.fn.name)) {
    // x.view(x.size(0), -1), x.view(-1, n), x.flatten(1): one sample becomes a vector
    return [...chain(e.fn.obj, vars, layers, line), {kind: "flatten", line}];
  }
  throw new Error(`forward: ${show(e)} is not supported`);
}
