/**
 * A `keras.Model` subclass: `__init__` creates the layers (`self.h1 = layers.Dense(64, activation="relu")`) and
 * `call(self, x, training=False)` chains them (`x = self.h1(x)`, `x = tf.nn.relu(x)`, `return self.out(x)`,
 * `for layer in self.blocks: x = layer(x)`). Read when the class is instantiated, into the same layer stack a
 * Sequential of those layers gives. Anything else in call() (a tensor used twice, arithmetic on tensors, branches)
 * is named at its line. Pure.
 */
import {parseExpr, show, type Expr} from "./expr.js";
import type {PyStmt} from "./gd.js";
import type {Interpreter} from "./interpreter.js";
import type {Activation} from "./program.js";
import {Return, canon, defSignature, describe, topLevelAssign, type ModelState, type Val} from "./values.js";
import {addLayer} from "./layers.js";

type KClass = Extract<Val, {k: "kclass"}>;

/** Layers in one call() at most (a `for layer in self.blocks` loop included). */
const MAX_CHAIN = 256;

/** Functional activations call() may apply: tf.nn.relu(x), tf.sigmoid(x), keras.activations.tanh(x), … */
const ACTIVATIONS: Record<string, Activation> = {relu: "relu", relu6: "relu6", sigmoid: "sigmoid", softmax: "softmax", tanh: "tanh", elu: "elu",
  selu: "selu", softplus: "softplus", softsign: "softsign", swish: "swish", silu: "swish", gelu: "gelu", mish: "mish"};
const ACTIVATION_PATH = /^(?:tensorflow\.(?:nn|math|keras\.activations)?|keras\.activations)\.?(\w+)$/;

/** A symbolic tensor in call(): the layers applied so far; `used` once it fed a layer. */
interface Sym {
  items: Val[];
  used: boolean;
}

class SubclassError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

function method(cls: KClass, name: string): {params: string[]; defaults: (string | undefined)[]; body: PyStmt[]; line: number} | null {
  for (const s of cls.body) {
    const sig = defSignature(s.text);
    if (!sig || sig.name !== name) continue;
    return {params: sig.params.map((p) => p.name), defaults: sig.params.map((p) => p.defText), body: s.body, line: s.line};
  }
  return null;
}

/** `self.name` → a local name the translator's evaluator can look up. */
const selfName = (n: string) => `__self_${n}`;
const unself = (t: string) => t.replace(/\bself\.(\w+)/g, (_, n) => selfName(n));

/** Runs __init__: every `self.x = …` evaluated by the translator (layers, numbers, lists of layers). */
function runInit(it: Interpreter, cls: KClass, args: Val[], kw: Record<string, Val>, line: number): Map<string, Val> {
  const init = method(cls, "__init__");
  const scope = new Map(it.globals);
  if (!init) return scope;
  init.params.slice(1).forEach((p, i) => {
    const def = init.defaults[i + 1];
    const v = i < args.length ? args[i] : kw[p] ?? (def !== undefined ? it.evaluate(parseExpr(def), it.globals, init.line) : undefined);
    if (v === undefined) throw new SubclassError(line, `${cls.name}(): missing argument ${p}`);
    scope.set(p, v);
  });
  for (const s of init.body) {
    if (/^super\s*\(.*\)\s*\.\s*__init__\s*\(.*\)$/.test(s.text) || /^(pass|(['"]).*\2)$/.test(s.text)) continue;
    const eq = topLevelAssign(s.text);
    if (eq < 0 || s.body.length) throw new SubclassError(s.line, `${cls.name}.__init__: only assignments (self.name = a layer or a value) are followed, got: ${s.text}`);
    const target = s.text.slice(0, eq).trim();
    if (!/^self\.\w+$/.test(target) && !/^\w+$/.test(target)) throw new SubclassError(s.line, `${cls.name}.__init__: cannot assign to ${target}`);
    const v = it.evaluate(parseExpr(unself(s.text.slice(eq + 1))), scope, s.line);
    scope.set(target.startsWith("self.") ? selfName(target.slice(5)) : target, v);
  }
  return scope;
}

/** call()'s body over symbolic tensors: the layers and activations in the order they are applied. */
function runCall(it: Interpreter, cls: KClass, scope: Map<string, Val>): Val[] {
  const call = method(cls, "call");
  if (!call) throw new SubclassError(cls.line, `${cls.name} has no call(self, inputs) method`);
  if (call.params.length < 2) throw new SubclassError(call.line, `${cls.name}.call needs an inputs parameter`);
  const syms = new Map<string, Sym>([[call.params[1], {items: [], used: false}]]);
  const flags = new Set(call.params.slice(2));
  const feed = (x: Sym, item: Val, at: number): Sym => {
    if (x.used) throw new SubclassError(at, `${cls.name}.call: a tensor feeds two layers; only a straight chain of the layers made in __init__ is followed`);
    x.used = true;
    if (x.items.length >= MAX_CHAIN) throw new SubclassError(at, `${cls.name}.call applies more than ${MAX_CHAIN} layers`);
    return {items: [...x.items, item], used: false};
  };
  const evalSym = (e: Expr, at: number): Sym => {
    if (e.type === "name") {
      const s = syms.get(e.id);
      if (!s) throw new SubclassError(at, `${cls.name}.call: ${e.id} is not a tensor of the chain`);
      return s;
    }
    if (e.type !== "call" || e.args.length !== 1 || Object.keys(e.kwargs).some((k) => !flags.has(k) && k !== "training")) {
      throw new SubclassError(at, `${cls.name}.call: ${show(e)} is not a layer applied to a tensor; only a straight chain of the layers made in __init__ is followed`);
    }
    const x = evalSym(e.args[0], at);
    const fn = it.evaluate(parseExpr(unself(show(e.fn))), scope, at);
    if (fn.k === "layer" || fn.k === "modifier") return feed(x, fn, at);
    const act = fn.k === "mod" ? ACTIVATION_PATH.exec(canon(fn.path).replace(/^keras\.activations\./, "tensorflow.keras.activations."))?.[1] : undefined;
    if (act && ACTIVATIONS[act]) return feed(x, {k: "modifier", mod: {kind: "activation", activation: ACTIVATIONS[act], line: at}}, at);
    throw new SubclassError(at, `${cls.name}.call: ${show(e.fn)} is ${describe(fn)}, not a layer of __init__ or a supported activation (${Object.keys(ACTIVATIONS).join(", ")})`);
  };
  let steps = 0;
  const run = (body: PyStmt[]): Sym | null => {
    for (const s of body) {
      if (++steps > MAX_CHAIN * 4) throw new SubclassError(s.line, `${cls.name}.call runs too many statements`);
      if (/^(pass|(['"]).*\2)$/.test(s.text)) continue;
      let m: RegExpExecArray | null;
      if ((m = /^return\s+(.+)$/.exec(s.text))) return evalSym(parseExpr(m[1]), s.line);
      if ((m = /^for\s+(\w+)\s+in\s+self\.(\w+)\s*:$/.exec(s.text))) {
        const list = scope.get(selfName(m[2]));
        if (list?.k !== "seq") throw new SubclassError(s.line, `${cls.name}.call: self.${m[2]} is not a list of layers`);
        for (const item of list.items.slice(0, MAX_CHAIN)) {
          scope.set(m[1], item);
          const r = run(s.body);
          if (r) return r;
        }
        continue;
      }
      const eq = topLevelAssign(s.text);
      if (eq < 0 || s.body.length || !/^\w+$/.test(s.text.slice(0, eq).trim())) {
        throw new SubclassError(s.line, `${cls.name}.call: only "x = layer(x)" steps and "return layer(x)" are followed, got: ${s.text}`);
      }
      syms.set(s.text.slice(0, eq).trim(), evalSym(parseExpr(s.text.slice(eq + 1)), s.line));
    }
    return null;
  };
  const out = run(call.body);
  if (!out) throw new SubclassError(call.line, `${cls.name}.call returns no tensor`);
  return out.items;
}

/** `Net(…)` for a keras.Model subclass: the model its call() chains, as a Sequential of the same layers. */
export function subclassModel(it: Interpreter, cls: KClass, args: Val[], kw: Record<string, Val>, line: number): Val {
  const m: ModelState = {line: cls.line, layers: [], fits: []};
  try {
    const scope = runInit(it, cls, args, kw, line);
    for (const item of runCall(it, cls, scope)) addLayer(it, m, item, line);
  } catch (e) {
    if (e instanceof Return) throw e;
    const at = e instanceof SubclassError ? e.line : line;
    it.error(at, (e as Error).message);
    it.fatalLines.add(at);
  }
  it.models.push(m);
  return {k: "model", m};
}

/** Whether a class's base is keras.Model (`keras.Model`, `tf.keras.Model`, `Model` imported from keras). */
export function isKerasModelBase(it: Interpreter, base: string, scope: Map<string, Val>): boolean {
  const root = it.lookup(base.split(".")[0], scope);
  return root?.k === "mod" && /^keras\.(models\.)?Model$/.test(canon([root.path, ...base.split(".").slice(1)].join(".")));
}


