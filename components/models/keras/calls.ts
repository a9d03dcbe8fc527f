/**
 * Keras calls besides layers: the functional API (layers applied to tensors), read_csv of a chapter table,
 * train_test_split. Pure.
 */
import type {Interpreter} from "./interpreter.js";
import type {OptimizerName, OptimizerOptions} from "./program.js";
import {LOSSES, OPTIMIZERS, SKIPPABLE_LAYERS, SKIPPED_LAYER, UNKNOWN, describe, type DataSrc, type ModelState, type Val} from "./values.js";
import {foldModifier} from "./fold.js";
import {addLayer, kerasLayer} from "./layers.js";
import {checkMergeAxis, functionalModel, mergeTensors, MERGE_LAYERS} from "./functional.js";
import type {LayerSpec} from "./program.js";
import type {Arg} from "../pytorch/layers.js";
import {kerasSchedule} from "../pytorch/schedulers.js";

export function readCsv(it: Interpreter, args: Val[], line: number): Val {
  const name = args[0]?.k === "str" ? args[0].v : "?";
  const table = it.tables[0];
  if (!table) {
    it.error(line, `read_csv("${name}"): the file is not part of the chapter and the chapter has no labelled table to use instead`);
    return UNKNOWN("csv");
  }
  it.warn(line, `read_csv("${name}"): no such file ships with the chapter; the chapter's own table (line ${table.line}, ${table.rows.length} rows) is used`);
  return {k: "data", src: {kind: "table", table, line}, part: "frame", split: "all"};
}

export function trainTestSplit(it: Interpreter, path: string, args: Val[], kwargs: Record<string, Val>, line: number): Val {
  if (!/sklearn|model_selection/.test(path) && !it.lookup("train_test_split", it.globals)) {
    it.warn(line, "train_test_split is used but never imported (from sklearn.model_selection import train_test_split)");
  }
  const [x, y] = args;
  const data = [x, y].find((v): v is Extract<Val, {k: "data"}> => v?.k === "data");
  if (!data || data.src.kind !== "table") {
    it.error(line, "train_test_split: the data to split cannot be followed");
    return UNKNOWN("split");
  }
  if (x?.k !== "data") it.warn(line, `train_test_split: x is not defined by the code (${x ? describe(x) : "missing"}); the table's features are used, standardised`);
  const testSize = kwargs.test_size ? it.num(kwargs.test_size, line, "test_size") : 0.25;
  const randomState = kwargs.random_state ? it.num(kwargs.random_state, line, "random_state") : 0;
  const src: DataSrc = {...data.src, testSize, randomState};
  const d = (part: "x" | "y", split: "train" | "test"): Val => ({k: "data", src, part, split});
  return {k: "seq", items: [d("x", "train"), d("x", "test"), d("y", "train"), d("y", "test")]};
}

/**
 * Keras functional API: `layers.Dense(…)(x)` on a keras.Input or on a previous layer's output; a BatchNormalization
 * or Activation joins the layer before it; a skipped layer (SKIPPABLE_LAYERS) passes its input on.
 */
export function applyLayer(it: Interpreter, layer: Extract<Val, {k: "layer" | "modifier" | "unknown"}>, input: Val, line: number): Val {
  if (layer.k === "unknown") return input.k === "tensor" || input.k === "input" ? input : UNKNOWN(layer.why);
  const base = input.k === "input" ? {inputShape: input.shape, layers: [], roots: [input.id ?? 0]} : input.k === "tensor" ? input : null;
  if (!base) throw new Error(`a layer is applied to ${describe(input)} (only keras.Input and other layers' outputs are followed)`);
  const tensor = (layers: LayerSpec[]): Val => ({k: "tensor", inputShape: base.inputShape, layers, roots: base.roots});
  if (layer.k === "layer") return tensor([...base.layers, layer.spec]);
  try {
    return tensor(foldModifier(base.layers, layer.mod));
  } catch (err) {
    it.error(layer.mod.line, `${(err as Error).message}; the page trains the model without it`);
    if (layer.mod.kind === "activation") it.fatalLines.add(layer.mod.line);
    return tensor(base.layers);
  }
  void line;
}

/** Marks a loss name whose object was built with from_logits=True (compile() reads it back). */
export const FROM_LOGITS = "#from_logits";
/** keras.losses.Huber(delta=2.0): the loss's text carries its δ after this mark ("huber#delta=2"). */
export const DELTA = "#delta=";

/** A loss as compile() receives it (a name, or a loss object's text): its name, from_logits and Huber's δ. */
export function readLossText(text: string): {name: string; fromLogits: boolean; delta?: number} {
  const [name, ...marks] = text.split(/(?=#)/);
  const d = marks.find((m) => m.startsWith(DELTA));
  return {name, fromLogits: marks.includes(FROM_LOGITS), ...(d ? {delta: Number(d.slice(DELTA.length))} : {})};
}

/** keras.Model / Sequential / Input / layers / optimizers / losses / metrics / datasets, read_csv, train_test_split, to_categorical; null: not Keras. */
export function kerasCall(it: Interpreter, path: string, args: () => Val[], kwargs: () => Record<string, Val>, line: number): Val | null {
  if (/^keras\.(models\.)?Model$/.test(path)) {
    const kw = kwargs(), a = args();
    return {k: "model", m: functionalModel(it, kw.inputs ?? a[0], kw.outputs ?? a[1], line)};
  }
  if (/^keras\.(models\.)?Sequential$/.test(path)) {
    const m: ModelState = {line, layers: [], fits: []};
    it.models.push(m);
    const list = args()[0] ?? kwargs().layers;
    if (list) {
      if (list.k !== "seq") throw new Error(`Sequential() expects a list of layers, got ${describe(list)}`);
      for (const item of list.items) addLayer(it, m, item, line);
    }
    return {k: "model", m};
  }
  // keras.metrics.BinaryAccuracy(): the name it stands for
  const metric = /^keras\.metrics\.(\w+)$/.exec(path)?.[1];
  if (metric) return {k: "str", v: /Accuracy$/.test(metric) ? "accuracy" : metric};
  if (/^keras\.(Input|layers\.Input)$/.test(path)) {
    const kw = kwargs();
    return {k: "input", shape: it.shape(kw.shape ?? args()[0], line, "shape"), id: ++it.inputCount, ...(kw.name?.k === "str" ? {name: kw.name.v} : {})};
  }
  const layerName = /^keras\.layers\.(\w+)$/.exec(path)?.[1];
  const merge = layerName ? MERGE_LAYERS[layerName] : undefined;
  if (layerName && merge) {
    const kw = kwargs();
    checkMergeAxis(it, merge, kw.axis, line);
    // layers.Add() makes the layer; layers.add([a, b]) applies it
    return layerName === merge ? mergeTensors(it, merge, args()[0] ?? kw.inputs ?? {k: "none"}, line) : {k: "merge", kind: merge, line};
  }
  if (layerName) {
    const at = it.physLine(layerName, line);
    try {
      return kerasLayer(it, layerName, args(), kwargs(), at);
    } catch (err) {
      if (SKIPPABLE_LAYERS.includes(layerName)) {
        // keeps its input's shape: named on the page, the model trains without it
        it.error(at, `${(err as Error).message}; the page trains the model without it`);
        return UNKNOWN(`${layerName} ${SKIPPED_LAYER}`);
      }
      it.error(at, (err as Error).message);
      it.fatalLines.add(at);
      return UNKNOWN(`${layerName} layer`);
    }
  }
  const opt = /^keras\.optimizers\.(?:legacy\.)?(\w+)$/.exec(path)?.[1];
  if (opt) {
    const name = OPTIMIZERS[opt.toLowerCase()];
    if (!name) throw new Error(`optimizer ${opt} is not supported (supported: ${Object.keys(OPTIMIZERS).join(", ")})`);
    const kw = kwargs();
    const lrv = kw.learning_rate ?? kw.lr ?? args()[0];
    if (kw.lr) it.warn(line, `"lr=" is the old Keras spelling of learning_rate`);
    const options = kerasOptimizerOptions(it, name, kw, line);
    if (lrv?.k === "schedule") return {k: "optimizer", name, lr: lrv.initial, schedule: lrv.schedule, options};
    return {k: "optimizer", name, lr: lrv ? it.num(lrv, line, "learning_rate") : undefined, options};
  }
  const sched = /^keras\.optimizers\.schedules\.(\w+)$/.exec(path)?.[1];
  if (sched) {
    const plain = (v: Val): Arg => (v.k === "num" || v.k === "bool" ? v.v : v.k === "seq" ? v.items.map(plain) : {other: describe(v)});
    return {k: "schedule", ...kerasSchedule(sched, args().map(plain), Object.fromEntries(Object.entries(kwargs()).map(([k, v]) => [k, plain(v)])), line)};
  }
  const callback = /^keras\.callbacks\.(\w+)$/.exec(path)?.[1];
  if (callback) {
    const plain = (v: Val): number | string | boolean => (v.k === "num" || v.k === "bool" || v.k === "str" ? v.v : v.k === "none" ? "None" : describe(v));
    const kw = Object.fromEntries(Object.entries(kwargs()).map(([k, v]) => [k, plain(v)]));
    return {k: "callback", name: callback, fn: callback === "LearningRateScheduler" ? kwargs().schedule ?? args()[0] : undefined, kw, line};
  }
  const reg = /^keras\.regularizers\.(l1|l2|l1_l2|L1|L2|L1L2)$/.exec(path)?.[1];
  if (reg) {
    // Keras' defaults: l1 = l2 = 0.01 (l1_l2: 0 each unless given)
    const kw = kwargs(), a = args(), kind = reg.toLowerCase().replace("_", "");
    const value = (v: Val | undefined, def: number, what: string) => (v ? it.num(v, line, what) : def);
    const out = kind === "l1" ? {l1: value(kw.l1 ?? a[0], 0.01, "l1"), l2: 0} : kind === "l2" ? {l1: 0, l2: value(kw.l2 ?? a[0], 0.01, "l2")}
      : {l1: value(kw.l1 ?? a[0], 0, "l1"), l2: value(kw.l2 ?? a[1], 0, "l2")};
    if (!(out.l1 >= 0 && out.l2 >= 0)) throw new Error(`regularizer ${reg}: coefficients must be ≥ 0`);
    return {k: "regularizer", ...out};
  }
  const loss = /^keras\.losses\.(\w+)$/.exec(path)?.[1];
  if (loss) {
    // keras.losses.SparseCategoricalCrossentropy(from_logits=True): the loss by name, its from_logits kept
    if (!LOSSES[loss]) throw new Error(`loss ${loss} is not supported`);
    const kw = kwargs();
    const name = LOSSES[loss];
    for (const k of Object.keys(kw)) if (k !== "from_logits" && k !== "name" && !(k === "delta" && name === "huber")) it.warn(line, `${loss}(${k}=…) is ignored`);
    const logits = kw.from_logits?.k === "bool" && kw.from_logits.v;
    const delta = name === "huber" && kw.delta ? it.num(kw.delta, line, "delta") : undefined;
    if (delta !== undefined && !(delta > 0)) throw new Error(`${loss}(delta=${delta}): delta must be > 0`);
    return {k: "str", v: `${name}${logits ? FROM_LOGITS : ""}${delta !== undefined ? `${DELTA}${delta}` : ""}`};
  }
  const ds = /^keras\.datasets\.(\w+)\.load_data$/.exec(path)?.[1];
  if (ds) {
    if (ds !== "mnist" && ds !== "cifar10" && ds !== "fashion_mnist") throw new Error(`dataset keras.datasets.${ds} has no offline copy`);
    const src: DataSrc = {kind: ds === "cifar10" ? "cifar10" : "mnist", line};
    if (ds === "fashion_mnist") it.warn(line, "Fashion-MNIST has no offline copy; MNIST digits are used instead");
    const d = (part: "x" | "y", split: "train" | "test"): Val => ({k: "data", src, part, split});
    return {k: "seq", items: [{k: "seq", items: [d("x", "train"), d("y", "train")]}, {k: "seq", items: [d("x", "test"), d("y", "test")]}]};
  }
  if (/^(pandas|pd)\.read_csv$/.test(path) || path.endsWith(".read_csv")) return readCsv(it, args(), line);
  if (path.endsWith("train_test_split")) return trainTestSplit(it, path, args(), kwargs(), line);
  if (/^keras\.utils\.to_categorical$/.test(path)) {
    it.warn(line, "to_categorical: labels stay integer class ids in the page (sparse)");
    return args()[0] ?? UNKNOWN("to_categorical");
  }
  if (/^keras\.activations\.\w+$/.test(path) || /^tf\.nn\.\w+$/.test(path) || /^tensorflow\.nn\.\w+$/.test(path)) {
    return UNKNOWN(path);
  }
  return null;
}

/** Keras' keyword for each optimiser setting the page trains with (build.ts's makeOptimizer), per optimiser. */
const KERAS_OPTIMIZER_ARGS: Partial<Record<OptimizerName, Record<string, keyof OptimizerOptions>>> = {
  sgd: {momentum: "momentum", nesterov: "nesterov"},
  rmsprop: {rho: "rho", momentum: "momentum", epsilon: "epsilon"},
  adam: {beta_1: "beta1", beta_2: "beta2", epsilon: "epsilon", amsgrad: "amsgrad"},
  adamax: {beta_1: "beta1", beta_2: "beta2", epsilon: "epsilon"},
  nadam: {beta_1: "beta1", beta_2: "beta2", epsilon: "epsilon"},
  adadelta: {rho: "rho", epsilon: "epsilon"}
};

/** SGD(momentum=0.9, nesterov=True), RMSprop(rho=0.95), Adam(beta_1=0.8): the settings, each other keyword named as ignored. */
function kerasOptimizerOptions(it: Interpreter, name: OptimizerName, kw: Record<string, Val>, line: number): OptimizerOptions | undefined {
  const out: OptimizerOptions = {};
  for (const [k, v] of Object.entries(kw)) {
    if (k === "learning_rate" || k === "lr") continue;
    const key = KERAS_OPTIMIZER_ARGS[name]?.[k];
    if (!key) {
      it.warn(line, `optimizer argument ${k}= is ignored; tfjs defaults are used`);
      continue;
    }
    if (key === "nesterov" || key === "amsgrad") out[key] = v.k === "bool" ? v.v : !!it.num(v, line, k);
    else out[key] = it.num(v, line, k);
  }
  return Object.keys(out).length ? out : undefined;
}
