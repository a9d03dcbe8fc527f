/**
 * The values the translator's interpreter tracks (modules, layers, models, data, torch objects, functions) and
 * helpers to read and describe them. Pure.
 */
import type {Expr} from "./expr.js";
import type {GdClass, PyStmt} from "./gd.js";
import {scanCode} from "./lines.js";
import type {Activation, CompileSpec, FitSpec, LayerSpec, LossName, LrSchedule, MergeKind, OptimizerName, OptimizerOptions} from "./program.js";
import type {LabelledTable} from "./table.js";
import type {Modifier} from "./fold.js";
import type {NPValue} from "../numpy/values.js";
import type {Arg, TorchLayer} from "../pytorch/layers.js";
import type {ModuleClass} from "../pytorch/module.js";
import type {TorchData, TorchLoader, TorchLoss} from "../pytorch/objects.js";

export interface ModelState {
  line: number;
  layers: LayerSpec[];
  inputShape?: number[];
  /** A functional model's keras.Inputs when there are several: laid side by side in this order (keras/functional.ts). */
  inputs?: {name?: string; width: number}[];
  compile?: CompileSpec;
  fits: {spec: FitSpec; x: Val; y: Val; site: number; lrCallback?: Extract<Val, {k: "callback"}>; plateau?: Extract<LrSchedule, {kind: "plateau"}>; classWeight?: number[];
    /** Recorded from a loop of the code's own around tf.GradientTape (keras/tapeFit.ts), at this line. */
    tape?: {line: number};
    /** fit(validation_data=(x, y)) on arrays the code computes. */
    val?: {x: Val; y: Val}}[];
  evaluate?: {line: number; x?: Val; y?: Val};
  /** The first model.predict(x) call after fit: its x is the test set when nothing is evaluated. */
  predicted?: {line: number; x: Val};
}

export type DataSrc =
  | {kind: "mnist" | "cifar10"; line: number}
  | {kind: "table"; table: LabelledTable; line: number; testSize?: number; randomState?: number};

export type Val =
  | {k: "mod"; path: string}
  | {k: "layer"; spec: LayerSpec; inputShape?: number[]}
  /** BatchNormalization / Activation: folded into the layer before it (keras/fold.ts). */
  | {k: "modifier"; mod: Modifier; inputShape?: number[]}
  /** keras.Input (`id`: which one, for the functional API; `name`: its name=) or an InputLayer's shape. */
  | {k: "input"; shape: number[]; id?: number; name?: string}
  /** A merge layer (layers.Concatenate(), layers.Add(), …) before it is applied to a list of tensors (keras/functional.ts). */
  | {k: "merge"; kind: MergeKind; line: number}
  | {k: "model"; m: ModelState}
  | {k: "optimizer"; name: OptimizerName; lr?: number; schedule?: LrSchedule; options?: OptimizerOptions}
  | {k: "schedule"; schedule: LrSchedule; initial: number}
  | {k: "callback"; name: string; fn?: Val; kw?: Record<string, number | string | boolean>; line: number}
  | {k: "lambda"; params: string[]; body: Expr; line: number}
  | {k: "num"; v: number}
  | {k: "str"; v: string}
  | {k: "bool"; v: boolean}
  | {k: "none"}
  | {k: "seq"; items: Val[]}
  | {k: "data"; src: DataSrc; part: "x" | "y" | "frame"; split: "train" | "test" | "all"; sampleShape?: number[]; scale?: number; limit?: number}
  /** A functional-API tensor: the layers from its keras.Input(s) (`roots`: their ids, in the order the inputs are laid side by side). */
  | {k: "tensor"; inputShape: number[]; layers: LayerSpec[]; roots: number[]}
  | {k: "torch"; t: TorchVal}
  | {k: "func"; name: string; params: {name: string; def?: Val; defText?: string}[]; body: PyStmt[]; line: number}
  | {k: "class"; name: string; gd: GdClass | null; line: number}
  | {k: "instance"; cls: GdClass; fields: Record<string, number>; line: number}
  | {k: "nd"; name: string}
  /** A tf.data pipeline over two arrays (keras/tfdata.ts). */
  /** keras.regularizers.l2(0.01) and the like: the penalty's coefficients. */
  | {k: "regularizer"; l1: number; l2: number}
  | {k: "tfdata"; x: Val; y: Val; batch?: number; shuffle: boolean; line: number}
  /** `class Net(keras.Model):` — its __init__ and call read when instantiated (keras/subclass.ts). */
  | {k: "kclass"; name: string; body: PyStmt[]; line: number}
  | {k: "undef"; name: string}
  | {k: "unknown"; why: string};

export type TorchVal =
  | {kind: "layer"; layer: TorchLayer}
  | {kind: "class"; cls: ModuleClass}
  | {kind: "model"; layers: TorchLayer[]; line: number; name: string}
  | {kind: "loss"; loss: TorchLoss}
  | {kind: "optimizer"; opt: CompileSpec["optimizer"]; line: number}
  | {kind: "params"}
  | {kind: "data"; data: TorchData}
  | {kind: "loader"; loader: TorchLoader}
  | {kind: "transform"; normalize: boolean}
  | {kind: "scheduler"; schedule: LrSchedule; factor?: (k: number) => number}
  | {kind: "modulelist"; layers: TorchLayer[]};

export class Return {
  constructor(readonly value: Val) {}
}

export const NUM = (v: number): Val => ({k: "num", v});
export const UNKNOWN = (why: string): Val => ({k: "unknown", why});
/** The `why` of a model's output (`out = model(X)`): a tensor the translator does not compute. */
export const MODEL_OUTPUT = "model output";

export const ACTIVATIONS: Record<string, Activation> = {
  linear: "linear", relu: "relu", relu6: "relu6", sigmoid: "sigmoid", softmax: "softmax", tanh: "tanh", elu: "elu",
  selu: "selu", softplus: "softplus", softsign: "softsign", swish: "swish", silu: "swish", gelu: "gelu", mish: "mish",
  hard_sigmoid: "hardSigmoid"
};
export const OPTIMIZERS: Record<string, OptimizerName> = {
  adam: "adam", sgd: "sgd", rmsprop: "rmsprop", adagrad: "adagrad", adadelta: "adadelta", adamax: "adamax", nadam: "nadam"
};
/** Keras' default learning rates. */
export const DEFAULT_LR: Record<OptimizerName, number> = {adam: 0.001, sgd: 0.01, rmsprop: 0.001, adagrad: 0.001, adadelta: 0.001, adamax: 0.001, adamw: 0.001, nadam: 0.001};
export const LOSSES: Record<string, LossName> = {
  sparse_categorical_crossentropy: "sparse_categorical_crossentropy", categorical_crossentropy: "categorical_crossentropy",
  binary_crossentropy: "binary_crossentropy", mse: "mean_squared_error", mean_squared_error: "mean_squared_error",
  mae: "mean_absolute_error", mean_absolute_error: "mean_absolute_error", huber: "huber", huber_loss: "huber", Huber: "huber",
  SparseCategoricalCrossentropy: "sparse_categorical_crossentropy", CategoricalCrossentropy: "categorical_crossentropy",
  BinaryCrossentropy: "binary_crossentropy", MeanSquaredError: "mean_squared_error", MeanAbsoluteError: "mean_absolute_error"
};
export const LAYERS = ["Dense", "Conv2D", "MaxPooling2D", "MaxPool2D", "Flatten", "Dropout", "InputLayer", "BatchNormalization",
  "Activation", "ReLU", "Softmax", "LeakyReLU", "PReLU"];
/**
 * Layers that keep their input's shape and only regularise or rescale it: when one is not supported (or cannot be
 * folded) it is named on the page and the model trains without it, instead of not training at all.
 */
/** The `why` of a skipped layer's value: `UNKNOWN("LayerNormalization layer (skipped)")`. */
export const SKIPPED_LAYER = "layer (skipped)";
export const SKIPPABLE_LAYERS = ["BatchNormalization", "LayerNormalization", "UnitNormalization", "GaussianNoise", "GaussianDropout",
  "AlphaDropout", "ActivityRegularization", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D"];

/** Normalises module paths: tensorflow.keras.x / tf.keras.x / keras.x → keras.x. */
export function canon(path: string): string {
  return path.replace(/^tensorflow\.keras\b/, "keras").replace(/^tensorflow\.python\.keras\b/, "keras");
}

export const sp = (s: string) => s.replace(/\s+/g, "");

/** Index of a top-level `=` that is an assignment (not ==, <=, keyword argument inside brackets). */
export function topLevelAssign(s: string): number {
  return scanCode(s, (c, i, depth) => c === "=" && depth === 0 && s[i + 1] !== "=" && !"=!<>+-*/@%".includes(s[i - 1] ?? ""));
}

/** Splits a parameter list at top-level commas. */
export function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0, cur = "";
  for (const c of s) {
    if ("([{".includes(c)) depth++;
    if (")]}".includes(c)) depth--;
    if (c === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** `def f(a, b=(1, 2), c: int = 3) -> T:`: the function's name and its parameters, each with its default as written. */
export function defSignature(text: string): {name: string; params: {name: string; defText?: string}[]} | null {
  const m = /^def\s+(\w+)\s*\((.*)\)\s*(->.*)?:$/.exec(text);
  if (!m) return null;
  const params = splitTop(m[2]).filter((p) => p.trim()).map((p) => {
    const [name, def] = p.split(/=(.*)/s).map((x) => x?.trim());
    return {name: name.replace(/:.*$/, "").trim(), ...(def ? {defText: def} : {})};
  });
  return {name: m[1], params};
}

/** A translator value as the NumPy interpreter sees it (plain numbers, strings, tuples, module names). */
export function valToNP(v: Val): NPValue | undefined {
  switch (v.k) {
    case "num": return v.v;
    case "str": return v.v;
    case "bool": return v.v;
    case "none": return null;
    case "mod": return {obj: "module", path: v.path};
    case "seq": {
      const items = v.items.map(valToNP);
      return items.every((x) => x !== undefined) ? (items as NPValue[]) : undefined;
    }
    default: return undefined;
  }
}

export function argToVal(a: Arg): Val {
  if (typeof a === "number") return NUM(a);
  if (typeof a === "string") return {k: "str", v: a};
  if (typeof a === "boolean") return {k: "bool", v: a};
  if (a === null) return {k: "none"};
  if (Array.isArray(a)) return {k: "seq", items: a.map(argToVal)};
  if ("layer" in a) return {k: "torch", t: {kind: "layer", layer: a.layer}};
  if ("layers" in a) return {k: "torch", t: {kind: "modulelist", layers: a.layers}};
  return UNKNOWN(a.other);
}

export function describe(v: Val): string {
  switch (v.k) {
    case "num":
      return String(v.v);
    case "str":
      return JSON.stringify(v.v);
    case "undef":
      return `undefined name ${v.name}`;
    case "unknown":
      return `an untracked value (${v.why})`;
    case "mod":
      return v.path;
    default:
      return `a ${v.k}`;
  }
}
