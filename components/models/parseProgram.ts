/**
 * parseProgram(ts, base) → KerasProgram | {line, message}: reads back exactly the subset printProgram writes, so a
 * reader's edit (layers, units, activations, epochs, batch size, learning rate, optimizer) becomes the Program the
 * page trains. Nothing is executed: the text is parsed. Comments and blank lines are free; every other line must be
 * a fixed line of the program or one of its editable statements; anything else is an error at its line.
 * What the code cannot say (the data, the chapter's claims and notes) comes from `base`. Pure: no tf, no DOM.
 */
import {KERNEL_INITS, MERGE_KINDS, type Activation, type KernelInit, type KerasProgram, type LayerSpec, type LossName, type LrSchedule, type OptimizerName, type ParamInit} from "./keras/program.js";
import {checkSchedule} from "./keras/schedule.js";
import {checkEarlyStop} from "./earlyStop.js";
import {BRANCHES_IMPORT, OPTIMIZER_OPTIONS, PYTORCH_BIAS_SEED, SKELETON, branchInput, flatLayers, outputShape} from "./printProgram.js";
import {mergedShape} from "./keras/functional.js";

export interface ParseError {
  line: number;
  message: string;
}

const ACTIVATIONS: Activation[] = ["linear", "relu", "relu6", "sigmoid", "softmax", "tanh", "elu", "selu", "softplus", "softsign", "swish", "gelu", "hardSigmoid", "mish"];
const OPTIMIZERS: OptimizerName[] = ["adam", "sgd", "rmsprop", "adagrad", "adadelta", "adamax", "adamw", "nadam"];
const LOSSES: LossName[] = ["sparse_categorical_crossentropy", "categorical_crossentropy", "binary_crossentropy", "mean_squared_error", "mean_absolute_error", "huber"];

class Fail extends Error {}

// ---------------------------------------------------------------------------------------------------------
// Values: numbers, strings, booleans, arrays, object literals, `seed + n`, calls f.g(args)

type Value =
  | {k: "num"; v: number}
  | {k: "str"; v: string}
  | {k: "bool"; v: boolean}
  | {k: "arr"; v: Value[]}
  | {k: "obj"; v: Map<string, Value>}
  | {k: "seed"; v: number}
  | {k: "call"; callee: string; args: Value[]; isNew: boolean}
  /** A bare name (a branch's tf.sequential in `branches: [branch1, null]`) or null. */
  | {k: "name"; v: string}
  | {k: "null"};

const TOKEN = /\s*(?:(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)|([{}[\]():,+]))/y;

function tokenize(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) throw new Fail(`unexpected "${text.slice(at).trim().slice(0, 12)}"`);
    out.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
  }
  return out;
}

function parseValue(tok: string[], pos: {i: number}): Value {
  const next = () => {
    const t = tok[pos.i++];
    if (t === undefined) throw new Fail("the statement ends too early");
    return t;
  };
  const expect = (s: string) => {
    const t = next();
    if (t !== s) throw new Fail(`expected "${s}" but found "${t}"`);
  };
  const t = next();
  if (/^-?\d/.test(t)) return {k: "num", v: Number(t)};
  if (/^["']/.test(t)) return {k: "str", v: t.slice(1, -1).replace(/\\(.)/g, "$1")};
  if (t === "true" || t === "false") return {k: "bool", v: t === "true"};
  if (t === "[") {
    const v: Value[] = [];
    while (tok[pos.i] !== "]") {
      v.push(parseValue(tok, pos));
      if (tok[pos.i] === ",") pos.i++;
      else if (tok[pos.i] !== "]") throw new Fail(`expected "," or "]" but found "${tok[pos.i] ?? "the end"}"`);
    }
    pos.i++;
    return {k: "arr", v};
  }
  if (t === "{") {
    const v = new Map<string, Value>();
    while (tok[pos.i] !== "}") {
      const key = next();
      if (!/^[A-Za-z_$]\w*$/.test(key)) throw new Fail(`expected a property name but found "${key}"`);
      if (v.has(key)) throw new Fail(`"${key}" is given twice`);
      expect(":");
      v.set(key, parseValue(tok, pos));
      if (tok[pos.i] === ",") pos.i++;
      else if (tok[pos.i] !== "}") throw new Fail(`expected "," or "}" but found "${tok[pos.i] ?? "the end"}"`);
    }
    pos.i++;
    return {k: "obj", v};
  }
  if (t === "seed") {
    if (tok[pos.i] !== "+") return {k: "seed", v: 0};
    pos.i++;
    const n = next();
    if (!/^\d+$/.test(n)) throw new Fail(`expected an integer after "seed +" but found "${n}"`);
    return {k: "seed", v: Number(n)};
  }
  if (t === "null") return {k: "null"};
  const isNew = t === "new";
  const callee = isNew ? next() : t;
  if (!/^[A-Za-z_$]/.test(callee)) throw new Fail(`unexpected "${callee}"`);
  if (!isNew && /^[A-Za-z_$][\w$]*$/.test(callee) && tok[pos.i] !== "(") return {k: "name", v: callee};
  expect("(");
  const args: Value[] = [];
  while (tok[pos.i] !== ")") {
    args.push(parseValue(tok, pos));
    if (tok[pos.i] === ",") pos.i++;
    else if (tok[pos.i] !== ")") throw new Fail(`expected "," or ")" but found "${tok[pos.i] ?? "the end"}"`);
  }
  pos.i++;
  return {k: "call", callee, args, isNew};
}

/** The whole of `text` as one value. */
function valueOf(text: string): Value {
  const tok = tokenize(text);
  const pos = {i: 0};
  const v = parseValue(tok, pos);
  if (pos.i < tok.length) throw new Fail(`unexpected "${tok[pos.i]}" after the value`);
  return v;
}

// ---------------------------------------------------------------------------------------------------------
// Typed readers for object properties

class Props {
  private used = new Set<string>();
  constructor(private readonly map: Map<string, Value>, private readonly what: string) {}
  private get(key: string): Value | undefined {
    this.used.add(key);
    return this.map.get(key);
  }
  has(key: string): boolean {
    return this.map.has(key);
  }
  num(key: string, {int = false, min = -Infinity, max = Infinity, below = Infinity, def}: {int?: boolean; min?: number; max?: number; below?: number; def?: number} = {}): number {
    const v = this.get(key);
    if (v === undefined && def !== undefined) return def;
    if (v?.k !== "num") throw new Fail(`${this.what}: ${key} must be a number`);
    if ((int && !Number.isInteger(v.v)) || v.v < min || v.v > max || v.v >= below) {
      throw new Fail(`${this.what}: ${key} = ${v.v} must be ${int ? "an integer " : ""}${below < Infinity ? `in [${min}, ${below})` : `≥ ${min}`}`);
    }
    return v.v;
  }
  oneOf<T extends string>(key: string, options: readonly T[], def?: T): T {
    const v = this.get(key);
    if (v === undefined && def !== undefined) return def;
    if (v?.k !== "str" || !options.includes(v.v as T)) throw new Fail(`${this.what}: ${key} must be one of ${options.map((o) => `"${o}"`).join(", ")}`);
    return v.v as T;
  }
  bool(key: string, def?: boolean): boolean {
    const v = this.get(key);
    if (v === undefined && def !== undefined) return def;
    if (v?.k !== "bool") throw new Fail(`${this.what}: ${key} must be true or false`);
    return v.v;
  }
  pair(key: string, def?: [number, number]): [number, number] {
    const v = this.get(key);
    if (v === undefined && def) return def;
    if (v?.k === "num" && Number.isInteger(v.v) && v.v >= 1) return [v.v, v.v];
    if (v?.k === "arr" && v.v.length === 2 && v.v.every((x) => x.k === "num" && Number.isInteger(x.v) && x.v >= 1)) return [(v.v[0] as {v: number}).v, (v.v[1] as {v: number}).v];
    throw new Fail(`${this.what}: ${key} must be a positive integer or [a, b]`);
  }
  strings(key: string): string[] {
    const v = this.get(key);
    if (v?.k !== "arr" || !v.v.every((x) => x.k === "str")) throw new Fail(`${this.what}: ${key} must be a list of strings`);
    return v.v.map((x) => (x as {v: string}).v);
  }
  /** An array of objects {…}. */
  objs(key: string): Props[] {
    const v = this.get(key);
    if (v?.k !== "arr" || !v.v.every((x) => x.k === "obj")) throw new Fail(`${this.what}: ${key} must be an array of objects {…}`);
    return v.v.map((x, i) => new Props((x as {v: Map<string, Value>}).v, `${this.what}.${key}[${i}]`));
  }
  obj(key: string): Props {
    const v = this.get(key);
    if (v?.k !== "obj") throw new Fail(`${this.what}: ${key} must be an object {…}`);
    return new Props(v.v, `${this.what}.${key}`);
  }
  raw(key: string): Value | undefined {
    return this.get(key);
  }
  /** Every property was read: anything else is not part of the subset. */
  done(): void {
    for (const k of this.map.keys()) if (!this.used.has(k)) throw new Fail(`${this.what}: "${k}" is not supported here`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Statements

type Init = "keras" | "pytorch";

function seedOf(v: Value | undefined, ctor: string): number | null {
  if (v?.k !== "call" || v.isNew || v.callee !== ctor || v.args.length !== 1 || v.args[0].k !== "obj") return null;
  const s = v.args[0].v.get("seed");
  return s?.k === "seed" ? s.v : null;
}

/** Keras' glorot_uniform/zeros or PyTorch's U(±1/√fan_in) for kernel and bias (the bounds are recomputed from the shapes). */
/**
 * Weights the code draws itself: randomNormal({mean: 0, stddev, seed}), randomUniform({minval, maxval, seed}) or
 * constant({value}) for both the kernel and the bias (null: the layer uses one of the schemes of checkInit).
 */
function ownInitOf(p: Props, i: number, what: string): {kernel: ParamInit; bias: ParamInit} | null {
  const k = p.raw("kernelInitializer"), b = p.raw("biasInitializer");
  const isOwn = (v: Value | undefined) => v?.k === "call" && ["tf.initializers.randomNormal", "tf.initializers.constant"].includes(v.callee);
  if (!isOwn(k) && !isOwn(b)) return null;
  const one = (v: Value | undefined, seed: number, role: string): ParamInit => {
    const o = v?.k === "call" && v.args.length === 1 && v.args[0].k === "obj" ? new Props(v.args[0].v, `${what}.${role}`) : null;
    if (!o || v?.k !== "call") throw new Fail(`${what}: ${role} must be tf.initializers.randomNormal/randomUniform/constant({…})`);
    const seeded = () => {
      const s = o.raw("seed");
      if (s?.k !== "seed" || s.v !== seed) throw new Fail(`${what}: ${role} must be seeded seed + ${seed}`);
    };
    let out: ParamInit;
    if (v.callee === "tf.initializers.randomNormal") {
      if (o.num("mean") !== 0) throw new Fail(`${what}: ${role}: only mean 0 is followed`);
      out = {normal: o.num("stddev", {min: 0})};
      seeded();
    } else if (v.callee === "tf.initializers.randomUniform") {
      out = {uniform: [o.num("minval"), o.num("maxval")]};
      seeded();
    } else if (v.callee === "tf.initializers.constant") out = {constant: o.num("value")};
    else throw new Fail(`${what}: ${role} must be tf.initializers.randomNormal/randomUniform/constant({…})`);
    o.done();
    return out;
  };
  return {kernel: one(k, i, "kernelInitializer"), bias: one(b, i + PYTORCH_BIAS_SEED, "biasInitializer")};
}

/** `kernelRegularizer: tf.regularizers.l1l2({l1, l2})` (or l1({l1}) / l2({l2})): Keras' kernel_regularizer. */
function regularizerOf(p: Props, what: string): {regularizer?: {l1: number; l2: number}} {
  const v = p.raw("kernelRegularizer");
  if (v === undefined) return {};
  const kind = v.k === "call" && !v.isNew ? /^tf\.regularizers\.(l1l2|l1|l2)$/.exec(v.callee)?.[1] : undefined;
  const o = kind && v.k === "call" && v.args.length === 1 && v.args[0].k === "obj" ? new Props(v.args[0].v, `${what}: kernelRegularizer`) : undefined;
  if (!kind || !o) throw new Fail(`${what}: kernelRegularizer must be tf.regularizers.l1l2({l1, l2}), l1({l1}) or l2({l2})`);
  const out = {l1: kind === "l2" ? 0 : o.num("l1", {min: 0, def: 0}), l2: kind === "l1" ? 0 : o.num("l2", {min: 0, def: 0})};
  o.done();
  return out.l1 || out.l2 ? {regularizer: out} : {};
}

/** The Keras kernel initialiser the layer names (absent: glorotUniform, or PyTorch's). */
function kernelOf(p: Props): {kernelInit?: KernelInit} {
  const k = p.raw("kernelInitializer");
  const name = k?.k === "call" ? k.callee.replace(/^tf\.initializers\./, "") : "";
  const named = Object.values(KERNEL_INITS).find((x) => x === name);
  return named ? {kernelInit: named} : {};
}

function checkInit(p: Props, i: number, what: string): Init {
  const k = p.raw("kernelInitializer"), b = p.raw("biasInitializer");
  if (k?.k === "call" && k.callee === "tf.initializers.randomUniform") {
    const uniform = (v: Value | undefined, seed: number, role: string) => {
      const ok = v?.k === "call" && v.args[0]?.k === "obj" && [...v.args[0].v.keys()].sort().join() === "maxval,minval,seed";
      if (!ok || seedOf(v, "tf.initializers.randomUniform") !== seed) {
        throw new Fail(`${what}: ${role} must be tf.initializers.randomUniform({minval, maxval, seed: seed + ${seed}}) (PyTorch's initialisation)`);
      }
    };
    uniform(k, i, "kernelInitializer");
    uniform(b, i + PYTORCH_BIAS_SEED, "biasInitializer");
    return "pytorch";
  }
  const kernel = k?.k === "call" ? k.callee.replace(/^tf\.initializers\./, "") : "";
  const named = Object.values(KERNEL_INITS).find((x) => x === kernel);
  const seed = seedOf(k, `tf.initializers.${named ?? "glorotUniform"}`);
  if (seed === null || k?.k !== "call" || k.args[0].k !== "obj" || k.args[0].v.size !== 1) {
    throw new Fail(`${what}: kernelInitializer must be tf.initializers.glorotUniform({seed: seed + ${i}}) (or ${Object.values(KERNEL_INITS).join(", ")})`);
  }
  if (seed !== i) throw new Fail(`${what}: layer ${i + 1} is seeded seed + ${i}, not seed + ${seed}`);
  if (b?.k !== "str" || b.v !== "zeros") throw new Fail(`${what}: biasInitializer must be "zeros"`);
  return "keras";
}

/**
 * The first layer of the model states the data's input shape; the first layer of a branch states its own, which the
 * Branches layer that uses the branch checks (`at.declared`). Other layers take none.
 */
function checkInputShape(p: Props, at: Place, what: string): void {
  const v = p.raw("inputShape");
  if (at.pos > 0) {
    if (v !== undefined) throw new Fail(`${what}: only the first layer takes inputShape`);
    return;
  }
  const got = v?.k === "arr" && v.v.every((x) => x.k === "num" && Number.isInteger(x.v) && x.v >= 1) ? v.v.map((x) => (x as {v: number}).v) : null;
  if (!at.target.shape) {
    if (!got || !got.length) throw new Fail(`${what}: the first layer of a branch needs its inputShape: [n]`);
    at.target.declared = got;
    return;
  }
  if (!got || got.join() !== at.target.shape.join()) throw new Fail(`${what}: the first layer needs inputShape: [${at.target.shape.join(", ")}] (set by the data)`);
}

/** A model the program builds: the model itself, or one branch's tf.sequential. */
interface Target {
  name: string;
  layers: LayerSpec[];
  /** The input shape its first layer must state (the model's, from the data); null for a branch, which states its own. */
  shape: number[] | null;
  /** A branch's input shape as its first layer states it. */
  declared?: number[];
  /** Set when a Branches layer takes it. */
  usedAt?: number;
  at: number;
}

/** Where a layer statement adds: its target, its position there, its seed offset (seed + seed). */
interface Place {
  target: Target;
  pos: number;
  seed: number;
}

/** The input shape of a target's next layer. */
function nextShape(t: Target): number[] | null {
  const input = t.shape ?? t.declared;
  if (!input) return null;
  return outputShape(t.layers, input);
}

/** `new Branches({inputShape?, merge, columns?, branches: [branch1, null, …]})`: the branches layer over declared branches. */
function branchesOf(v: Extract<Value, {k: "call"}>, at: Place, targets: Map<string, Target>, line: number): LayerSpec {
  if (v.args.length !== 1 || v.args[0].k !== "obj") throw new Fail("Branches: takes one {…} argument");
  const p = new Props(v.args[0].v, "Branches");
  checkInputShape(p, at, "Branches");
  const merge = p.oneOf("merge", MERGE_KINDS);
  const list = p.raw("branches");
  if (list?.k !== "arr" || list.v.length < 2 || !list.v.every((x) => x.k === "name" || x.k === "null")) {
    throw new Fail("Branches: branches must be a list of two or more branches (the names of tf.sequential() models, or null for the input itself)");
  }
  const cols = p.raw("columns");
  let columns: [number, number][] | undefined;
  if (cols !== undefined) {
    const ok = cols.k === "arr" && cols.v.length === list.v.length && cols.v.every((c) => c.k === "arr" && c.v.length === 2 && c.v.every((x) => x.k === "num" && Number.isInteger(x.v)));
    if (!ok) throw new Fail("Branches: columns must be one [from, to] pair of integers per branch");
    columns = (cols as {v: {v: {v: number}[]}[]}).v.map((c) => [c.v[0].v, c.v[1].v]);
  }
  p.done();
  const input = nextShape(at.target);
  if (!input) throw new Fail("Branches: the branch it is in needs its input shape first");
  if (columns) {
    if (at.pos !== 0 || at.target.name !== "model") throw new Fail("Branches: columns (several inputs side by side) only for the model's first layer");
    if (columns.some(([a, b]) => a < 0 || b <= a || b > input[0])) throw new Fail(`Branches: each column range [from, to] must lie in [0, ${input[0]}]`);
  }
  const spec: Extract<LayerSpec, {type: "branches"}> = {type: "branches", merge, branches: [], ...(columns ? {columns} : {}), line};
  spec.branches = list.v.map((x, j) => {
    if (x.k === "null") return [];
    const name = (x as {v: string}).v;
    const t = targets.get(name);
    if (!t || t.name === "model") throw new Fail(`Branches: ${name} is not a branch declared above (const ${name} = tf.sequential();)`);
    if (t.usedAt !== undefined) throw new Fail(`Branches: ${name} is already a branch of the Branches layer at line ${t.usedAt}`);
    if (!t.layers.length) throw new Fail(`Branches: ${name} has no layers (use null for the input itself)`);
    const want = branchInput(spec, j, input);
    if (t.declared!.join() !== want.join()) throw new Fail(`Branches: the first layer of ${name} needs inputShape: [${want.join(", ")}]`);
    t.usedAt = line;
    return t.layers;
  });
  if (merge === "subtract" && spec.branches.length !== 2) throw new Fail("Branches: subtract takes exactly two branches");
  try {
    mergedShape(merge, spec.branches.map((b, j) => outputShape(b, branchInput(spec, j, input))));
  } catch (e) {
    throw new Fail(`Branches: ${(e as Error).message}`);
  }
  return spec;
}

/** One model.add statement: a layer (with the initialisation it uses), or a batchNormalization / activation that belongs to the previous layer. */
type Added = {spec: LayerSpec; init: Init | null} | {norm: {momentum: number; epsilon: number}} | {activation: Activation} | {leaky: number} | {prelu: {alpha: number; perChannel: boolean}};

function layerOf(v: Value, at: Place, line: number): Added {
  const i = at.seed;
  if (v.k !== "call") throw new Fail("model.add takes a layer: tf.layers.dense({…}), tf.layers.conv2d({…}), tf.layers.maxPooling2d({…}), tf.layers.flatten(), new SeededDropout({…})");
  const what = v.callee.replace(/^tf\.layers\./, "");
  if (v.args.length > 1 || (v.args[0] && v.args[0].k !== "obj")) throw new Fail(`${what}: takes one {…} argument`);
  const p = new Props(v.args[0]?.k === "obj" ? v.args[0].v : new Map(), what);
  if (!v.isNew && v.callee === "tf.layers.batchNormalization") {
    const norm = {momentum: p.num("momentum", {min: 0, max: 1, def: 0.99}), epsilon: p.num("epsilon", {min: 0, def: 0.001})};
    p.done();
    return {norm};
  }
  if (!v.isNew && v.callee === "tf.layers.leakyReLU") {
    const leaky = p.num("alpha", {min: 0, def: 0.3});
    p.done();
    return {leaky};
  }
  if (!v.isNew && v.callee === "tf.layers.prelu") {
    const init = p.raw("alphaInitializer");
    const value = init?.k === "call" && init.callee === "tf.initializers.constant" && init.args[0]?.k === "obj" ? init.args[0].v.get("value") : undefined;
    if (value?.k !== "num") throw new Fail(`${what}: prelu needs alphaInitializer: tf.initializers.constant({value: …})`);
    const axes = p.raw("sharedAxes");
    const list = axes === undefined ? [] : axes.k === "arr" && axes.v.every((x) => x.k === "num") ? axes.v.map((x) => (x as {v: number}).v) : null;
    if (!list) throw new Fail(`${what}: prelu's sharedAxes must be a list of axes`);
    p.done();
    // shared over the units ([1], or [1, 2, 3] after a convolution); per channel otherwise
    return {prelu: {alpha: value.v, perChannel: !(list.join() === "1" || list.join() === "1,2,3")}};
  }
  if (!v.isNew && v.callee === "tf.layers.activation") {
    const activation = p.oneOf("activation", ACTIVATIONS);
    p.done();
    return {activation};
  }
  const known = v.isNew ? v.callee === "SeededDropout" : ["tf.layers.dense", "tf.layers.conv2d", "tf.layers.maxPooling2d", "tf.layers.flatten"].includes(v.callee);
  if (!known) throw new Fail(`${v.isNew ? "new " : ""}${v.callee} is not a supported layer (dense, conv2d, maxPooling2d, flatten, SeededDropout)`);
  checkInputShape(p, at, what);
  let spec: LayerSpec;
  let init: Init | null = null;
  if (v.callee === "tf.layers.dense") {
    spec = {type: "dense", units: p.num("units", {int: true, min: 1}), activation: p.oneOf("activation", ACTIVATIONS, "linear"), useBias: p.bool("useBias", true), line, ...kernelOf(p), ...regularizerOf(p, what)};
    const own = ownInitOf(p, i, what);
    if (own) spec.paramInit = own;
    else init = checkInit(p, i, what);
  } else if (v.callee === "tf.layers.conv2d") {
    spec = {type: "conv2d", filters: p.num("filters", {int: true, min: 1}), kernelSize: p.pair("kernelSize"), strides: p.pair("strides", [1, 1]),
      padding: p.oneOf("padding", ["valid", "same"] as const, "valid"), activation: p.oneOf("activation", ACTIVATIONS, "linear"), useBias: p.bool("useBias", true), line, ...kernelOf(p), ...regularizerOf(p, what)};
    init = checkInit(p, i, what);
  } else if (v.callee === "tf.layers.maxPooling2d") {
    const pool = p.pair("poolSize", [2, 2]);
    spec = {type: "maxPooling2d", poolSize: pool, strides: p.pair("strides", pool), padding: p.oneOf("padding", ["valid", "same"] as const, "valid"), line};
  } else if (v.callee === "tf.layers.flatten") {
    spec = {type: "flatten", line};
  } else {
    spec = {type: "dropout", rate: p.num("rate", {min: 0, below: 1}), line};
    const s = p.raw("seed");
    if (s?.k !== "seed" || s.v !== i) throw new Fail(`SeededDropout: seed must be seed + ${i} (layer ${i + 1})`);
  }
  p.done();
  return {spec, init};
}

/**
 * Folds one statement into the layers: a batchNormalization joins the dense/conv before it (after its activation
 * when that layer has one, else before the activation statement that may follow); returns the init it used.
 */
function addTo(layers: LayerSpec[], a: Added, line: number): Init | null {
  if ("spec" in a) {
    if (a.spec.type === "dense" || a.spec.type === "conv2d") a.spec.line = line;
    layers.push(a.spec);
    return a.init;
  }
  const prev = layers[layers.length - 1];
  if (!prev || (prev.type !== "dense" && prev.type !== "conv2d")) throw new Fail(`${"norm" in a ? "batchNormalization" : "leaky" in a ? "leakyReLU" : "prelu" in a ? "prelu" : "activation"} must follow a dense or conv2d layer`);
  if ("prelu" in a) {
    if (prev.activation !== "linear") throw new Fail("prelu: the layer before it already has an activation");
    prev.activation = "prelu";
    prev.alpha = a.prelu.alpha;
    if (a.prelu.perChannel) prev.perChannel = true;
    if (prev.batchNorm) prev.batchNorm.afterActivation = false;
    return null;
  }
  if ("leaky" in a) {
    // the leaky ReLU of the layer before it (after its batchNormalization, when it has one)
    if (prev.activation !== "linear") throw new Fail("leakyReLU: the layer before it already has an activation");
    prev.activation = "leakyRelu";
    prev.alpha = a.leaky;
    if (prev.batchNorm) prev.batchNorm.afterActivation = false;
    return null;
  }
  if ("norm" in a) {
    if (prev.batchNorm) throw new Fail("batchNormalization: the layer already has one");
    prev.batchNorm = {...a.norm, afterActivation: prev.activation !== "linear", line};
    return null;
  }
  if (!prev.batchNorm || prev.batchNorm.afterActivation || prev.activation !== "linear") {
    throw new Fail("activation: only after a batchNormalization that follows a linear dense/conv2d layer");
  }
  prev.activation = a.activation;
  return null;
}

function constOf(text: string, name: string, suffix: string): Props {
  const prefix = `export const ${name} = `;
  if (!text.startsWith(prefix) || !text.endsWith(suffix)) throw new Fail(`expected ${prefix}{…}${suffix}`);
  const v = valueOf(text.slice(prefix.length, text.length - suffix.length));
  if (v.k !== "obj") throw new Fail(`${name} must be an object {…}`);
  return new Props(v.v, name);
}

function compileOf(text: string, line: number, base: KerasProgram): KerasProgram["compile"] {
  const p = constOf(text, "compile", " as const;");
  const o = p.obj("optimizer");
  const optimizer: KerasProgram["compile"]["optimizer"] = {name: o.oneOf("name", OPTIMIZERS), learningRate: o.num("learningRate", {min: 0}),
    learningRateExplicit: o.bool("learningRateExplicit", true)};
  if (!(optimizer.learningRate > 0)) throw new Fail("compile.optimizer: learningRate must be > 0");
  for (const k of OPTIMIZER_OPTIONS) {
    if (!o.has(k)) continue;
    if (k === "nesterov" || k === "amsgrad") optimizer[k] = o.bool(k);
    else optimizer[k] = o.num(k, {min: 0});
  }
  o.done();
  const out: KerasProgram["compile"] = {optimizer, loss: p.oneOf("loss", LOSSES), metrics: p.has("metrics") ? p.strings("metrics") : base.compile.metrics, line};
  if (p.has("fromLogits")) out.fromLogits = p.bool("fromLogits");
  for (const k of ["posWeight", "classWeight"] as const) {
    if (!p.has(k)) continue;
    const v = p.raw(k);
    if (v?.k !== "arr" || !v.v.length || !v.v.every((x) => x.k === "num" && x.v >= 0)) throw new Fail(`compile.${k} must be an array of non-negative numbers`);
    out[k] = v.v.map((x) => (x as {v: number}).v);
  }
  if (p.has("classWeightNorm")) out.classWeightNorm = p.oneOf("classWeightNorm", ["count"] as const);
  if (p.has("delta")) out.delta = p.num("delta", {min: 0});
  if (out.delta !== undefined && !(out.delta > 0)) throw new Fail("compile.delta must be > 0");
  if (p.has("smoothL1")) out.smoothL1 = p.bool("smoothL1");
  if (p.has("labelSmoothing")) out.labelSmoothing = p.num("labelSmoothing", {min: 0});
  if ((out.labelSmoothing ?? 0) >= 1) throw new Fail("compile.labelSmoothing must be below 1");
  if (p.has("schedule")) out.schedule = scheduleOf(p.obj("schedule"), base.compile.schedule?.line ?? line);
  p.done();
  return out;
}

const SCHEDULES = ["step", "multistep", "exponential", "cosine", "decay", "table", "lambda", "onecycle", "plateau", "restarts", "linear", "constant",
  "polynomial", "cosineDecay", "piecewise", "inverseTime", "sequential"] as const;

/** compile.schedule: one of the LrSchedule kinds with its numbers (checked as the translator checks them). */
function scheduleOf(o: Props, line: number): LrSchedule {
  const kind = o.oneOf("kind", SCHEDULES);
  const per = () => o.oneOf("per", ["epoch", "batch"] as const, "epoch");
  const nums = (key: string): number[] => {
    const v = o.raw(key);
    if (v?.k !== "arr" || !v.v.every((x) => x.k === "num")) throw new Fail(`compile.schedule.${key} must be an array of numbers`);
    return v.v.map((x) => (x as {v: number}).v);
  };
  let s: LrSchedule;
  if (kind === "step") s = {kind, per: per(), stepSize: o.num("stepSize", {int: true, min: 1}), gamma: o.num("gamma", {min: 0}), line};
  else if (kind === "multistep") s = {kind, per: per(), milestones: nums("milestones"), gamma: o.num("gamma", {min: 0}), line};
  else if (kind === "exponential") s = {kind, per: per(), gamma: o.num("gamma", {min: 0}), line};
  else if (kind === "cosine") s = {kind, per: per(), tMax: o.num("tMax", {min: 0}), etaMin: o.num("etaMin", {min: 0, def: 0}), line};
  else if (kind === "decay") s = {kind, decaySteps: o.num("decaySteps", {min: 0}), decayRate: o.num("decayRate", {min: 0}), staircase: o.bool("staircase", false), line};
  else if (kind === "lambda") {
    const text = o.raw("text");
    s = {kind, per: per(), factors: nums("factors"), text: text?.k === "str" ? text.v : "", line};
  } else if (kind === "plateau") {
    s = {kind, monitor: o.oneOf("monitor", ["val_loss", "loss"] as const), mode: o.oneOf("mode", ["min", "max"] as const), factor: o.num("factor", {min: 0}),
      patience: o.num("patience", {int: true, min: 0}), threshold: o.num("threshold", {min: 0}), thresholdMode: o.oneOf("thresholdMode", ["rel", "abs"] as const),
      cooldown: o.num("cooldown", {int: true, min: 0}), minLr: o.num("minLr", {min: 0}), eps: o.num("eps", {min: 0}), line};
  } else if (kind === "onecycle") {
    s = {kind, per: per(), maxLr: o.num("maxLr", {min: 0}), totalSteps: o.num("totalSteps", {int: true, min: 2}), pctStart: o.num("pctStart", {min: 0}),
      divFactor: o.num("divFactor", {min: 0}), finalDivFactor: o.num("finalDivFactor", {min: 0}), anneal: o.oneOf("anneal", ["cos", "linear"] as const), line};
  } else if (kind === "linear") {
    s = {kind, per: per(), startFactor: o.num("startFactor", {min: 0}), endFactor: o.num("endFactor", {min: 0}), totalIters: o.num("totalIters", {int: true, min: 1}), line};
  } else if (kind === "constant") {
    s = {kind, per: per(), factor: o.num("factor", {min: 0}), totalIters: o.num("totalIters", {int: true, min: 1}), line};
  } else if (kind === "polynomial") {
    s = {kind, per: per(), totalIters: o.num("totalIters", {min: 0}), power: o.num("power", {min: 0}), line};
    if (o.has("endLr")) s.endLr = o.num("endLr", {min: 0});
  } else if (kind === "cosineDecay") {
    s = {kind, per: per(), decaySteps: o.num("decaySteps", {min: 0}), alpha: o.num("alpha", {min: 0, def: 0}), line};
  } else if (kind === "piecewise") {
    s = {kind, per: per(), boundaries: nums("boundaries"), values: nums("values"), line};
  } else if (kind === "inverseTime") {
    s = {kind, per: per(), decaySteps: o.num("decaySteps", {min: 0}), decayRate: o.num("decayRate", {min: 0}), staircase: o.bool("staircase", false), line};
  } else if (kind === "sequential") {
    s = {kind, per: per(), parts: o.objs("parts").map((x) => scheduleOf(x, line)), milestones: nums("milestones"), line};
  } else if (kind === "restarts") {
    s = {kind, per: per(), t0: o.num("t0", {int: true, min: 1}), tMult: o.num("tMult", {int: true, min: 1}), etaMin: o.num("etaMin", {min: 0, def: 0}), line};
    if (o.has("fraction")) s.fraction = o.num("fraction", {min: 0});
  } else {
    const text = o.raw("text");
    s = {kind, lrs: nums("lrs"), text: text?.k === "str" ? text.v : "", line};
  }
  o.done();
  try {
    return checkSchedule(s);
  } catch (e) {
    throw new Fail(`compile.${(e as Error).message}`);
  }
}

function fitOf(text: string, line: number): KerasProgram["fit"] {
  const p = constOf(text, "fit", ";");
  const out: KerasProgram["fit"] = {epochs: p.num("epochs", {int: true, min: 1}), batchSize: p.num("batchSize", {int: true, min: 1}),
    validationSplit: p.num("validationSplit", {min: 0, below: 1, def: 0}), line};
  if (p.has("shuffle")) out.shuffle = p.bool("shuffle");
  if (p.has("earlyStopping")) {
    const o = p.obj("earlyStopping");
    try {
      out.earlyStopping = checkEarlyStop({monitor: o.oneOf("monitor", ["val_loss", "loss"] as const), mode: o.oneOf("mode", ["min", "max"] as const),
        minDelta: o.num("minDelta", {min: 0}), patience: o.num("patience", {int: true, min: 1}), restoreBest: o.bool("restoreBest"),
        ...(o.has("restoreWhen") ? {restoreWhen: o.oneOf("restoreWhen", ["stopped"] as const)} : {}), line});
    } catch (e) {
      if (e instanceof Fail) throw e;
      throw new Fail(`fit.${(e as Error).message}`);
    }
    o.done();
  }
  p.done();
  return out;
}

/** Splits off a trailing `// line N` / `// 第 N 行` comment: the statement and the chapter line it names. */
function splitComment(raw: string): {code: string; line: number | null} {
  let quote = "";
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (quote) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = "";
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === "/" && raw[i + 1] === "/") {
      const n = /(?:line|第)\s*(\d+)/i.exec(raw.slice(i + 2));
      return {code: raw.slice(0, i).trim(), line: n ? Number(n[1]) : null};
    }
  }
  return {code: raw.trim(), line: null};
}

/** The program's statements with their 1-based line numbers: comments and blank lines dropped. */
function statements(ts: string): {text: string; at: number; line: number | null}[] {
  const out: {text: string; at: number; line: number | null}[] = [];
  let inBlock = false;
  ts.split(/\r?\n/).forEach((raw, i) => {
    let s = raw.trim();
    if (inBlock) {
      const end = s.indexOf("*/");
      if (end < 0) return;
      inBlock = false;
      s = s.slice(end + 2).trim();
    }
    if (s.startsWith("/*")) {
      const end = s.indexOf("*/", 2);
      if (end < 0) {
        inBlock = true;
        return;
      }
      s = s.slice(end + 2).trim();
    }
    if (!s || s.startsWith("//")) return;
    const {code, line} = splitComment(s);
    out.push({text: code, at: i + 1, line});
  });
  return out;
}

/** A statement of the model's body: model.add(…), a branch's declaration, or branch.add(…). */
const LAYER_STATEMENT = /^(const [A-Za-z_$][\w$]* = tf\.sequential\(\);|[A-Za-z_$][\w$]*\.add\()/;

export function parseProgram(ts: string, base: KerasProgram): KerasProgram | ParseError {
  const st = statements(ts);
  let k = 0;
  const layers: LayerSpec[] = [];
  const inits = new Set<Init>();
  let compile: KerasProgram["compile"] | null = null, fit: KerasProgram["fit"] | null = null;
  const lastLine = ts.split(/\r?\n/).length;
  try {
    for (const expected of SKELETON) {
      if (expected === "LAYERS") {
        const model: Target = {name: "model", layers, shape: base.inputShape, at: 0};
        const targets = new Map<string, Target>([["model", model]]);
        const order: LayerSpec[] = [];
        while (k < st.length && LAYER_STATEMENT.test(st[k].text)) {
          const s = st[k++];
          try {
            const decl = /^const ([A-Za-z_$][\w$]*) = tf\.sequential\(\);$/.exec(s.text);
            if (decl) {
              if (targets.has(decl[1])) throw new Fail(`${decl[1]} is declared twice`);
              targets.set(decl[1], {name: decl[1], layers: [], shape: null, at: s.at});
              continue;
            }
            const add = /^([A-Za-z_$][\w$]*)\.add\((.*)\);$/.exec(s.text);
            if (!add) throw new Fail("expected model.add(…); or const branch = tf.sequential();");
            const target = targets.get(add[1]);
            if (!target) throw new Fail(`${add[1]} is not declared above (const ${add[1]} = tf.sequential();)`);
            if (target.usedAt !== undefined) throw new Fail(`${add[1]} is already a branch of the Branches layer at line ${target.usedAt}; add its layers before that`);
            const line = s.line ?? base.line;
            const at: Place = {target, pos: target.layers.length, seed: order.length};
            const v = valueOf(add[2]);
            const added: Added = v.k === "call" && v.isNew && v.callee === "Branches" ? {spec: branchesOf(v, at, targets, line), init: null} : layerOf(v, at, line);
            if ("spec" in added) order.push(added.spec);
            const init = addTo(target.layers, added, line);
            if (init) inits.add(init);
            if (inits.size > 1) throw new Fail("every layer must use the same initialisation (glorotUniform/zeros, or PyTorch's randomUniform)");
          } catch (e) {
            if (e instanceof Fail) return {line: s.at, message: e.message};
            throw e;
          }
        }
        if (!layers.length) return {line: st[k]?.at ?? lastLine, message: "the model needs at least one model.add(…) layer"};
        const unused = [...targets.values()].find((t) => t !== model && t.usedAt === undefined);
        if (unused) return {line: unused.at, message: `${unused.name} is never used by a Branches layer`};
        // seeds count layers in the order build.ts builds them, so a branch's layers come right before the Branches that uses it
        const flat = flatLayers(layers);
        const wrong = flat.findIndex((l, j) => order[j] !== l);
        if (wrong >= 0) {
          const l = flat[wrong];
          return {line: st.find((x) => x.line === l.line)?.at ?? 1, message: "build each branch right before the Branches layer that uses it, in the order it lists them (the layers' seeds count in that order)"};
        }
        continue;
      }
      const s = st[k];
      if (!s) return {line: lastLine, message: `the program ends early: expected ${expected === "COMPILE" ? "export const compile = {…} as const;" : expected === "FIT" ? "export const fit = {…};" : expected.trim()}`};
      try {
        if (expected === "COMPILE") compile = compileOf(s.text, s.line ?? base.compile.line, base);
        else if (expected === "FIT") fit = fitOf(s.text, s.line ?? base.fit.line);
        else if (s.text !== expected.trim() && !(expected === SKELETON[1] && s.text === BRANCHES_IMPORT)) throw new Fail(`expected \`${expected.trim()}\` (only the layers, compile and fit can change)`);
      } catch (e) {
        if (e instanceof Fail) return {line: s.at, message: e.message};
        throw e;
      }
      k++;
    }
    if (k < st.length) return {line: st[k].at, message: "nothing may follow the run function"};
  } catch (e) {
    if (e instanceof Fail) return {line: 1, message: e.message};
    throw e;
  }
  const init: Init = inits.has("pytorch") ? "pytorch" : "keras";
  return {...base, layers, compile: compile!, fit: fit!, init: init === "pytorch" || base.init !== undefined ? init : undefined};
}

export function isParseError(x: KerasProgram | ParseError): x is ParseError {
  return (x as ParseError).message !== undefined && (x as KerasProgram).kind === undefined;
}
