/**
 * The torch objects the translator tracks besides layers: losses, optimisers (with PyTorch's defaults), datasets and
 * DataLoaders, torchvision's MNIST. Built from already-evaluated arguments. Pure.
 */
import type {CompileSpec, LossName, OptimizerName} from "../keras/program.js";
import type {Arg} from "./layers.js";

export interface TorchLoss {
  loss: LossName;
  fromLogits: boolean;
  posWeight?: number[];
  classWeight?: number[];
  labelSmoothing?: number;
  /** HuberLoss's delta / SmoothL1Loss's beta (absent: 1). */
  delta?: number;
  /** SmoothL1Loss: the Huber loss divided by its beta. */
  smoothL1?: boolean;
  /** NLLLoss: cross-entropy only when the model ends in LogSoftmax. */
  nll: boolean;
  line: number;
}

export type TorchData =
  | {kind: "tensors"; x: string; y: string; line: number}
  | {kind: "mnist"; train: boolean; line: number; limit?: number; normalized: boolean};

export interface TorchLoader {
  data: TorchData;
  batchSize: number;
  shuffle: boolean;
  line: number;
}

const LOSSES: Record<string, Omit<TorchLoss, "line">> = {
  MSELoss: {loss: "mean_squared_error", fromLogits: false, nll: false},
  L1Loss: {loss: "mean_absolute_error", fromLogits: false, nll: false},
  CrossEntropyLoss: {loss: "sparse_categorical_crossentropy", fromLogits: true, nll: false},
  NLLLoss: {loss: "sparse_categorical_crossentropy", fromLogits: true, nll: true},
  BCELoss: {loss: "binary_crossentropy", fromLogits: false, nll: false},
  BCEWithLogitsLoss: {loss: "binary_crossentropy", fromLogits: true, nll: false},
  HuberLoss: {loss: "huber", fromLogits: false, nll: false},
  SmoothL1Loss: {loss: "huber", fromLogits: false, nll: false, smoothL1: true}
};

/**
 * A loss module with its options. `numbers` reads a tensor argument's values (pos_weight=torch.tensor([4.0])).
 * Supported beyond reduction="mean": BCEWithLogitsLoss's pos_weight, CrossEntropyLoss's weight and label_smoothing,
 * HuberLoss's delta and SmoothL1Loss's beta.
 */
export function torchLoss(name: string, kw: Record<string, Arg>, line: number, numbers: (key: string) => number[] | null = () => null): TorchLoss {
  const l = LOSSES[name];
  if (!l) throw new Error(`nn.${name} is not supported (supported: ${Object.keys(LOSSES).join(", ")})`);
  const out: TorchLoss = {...l, line};
  const vector = (k: string) => {
    const v = numbers(k);
    if (!v || !v.length || v.some((x) => !(x >= 0))) throw new Error(`nn.${name}(${k}=…) must be a tensor of non-negative numbers the page can compute`);
    return v;
  };
  for (const k of Object.keys(kw)) {
    if (k === "reduction" && kw[k] === "mean") continue;
    if (k === "pos_weight" && name === "BCEWithLogitsLoss") out.posWeight = vector(k);
    else if (k === "weight" && name === "CrossEntropyLoss") out.classWeight = vector(k);
    else if (k === "label_smoothing" && name === "CrossEntropyLoss" && typeof kw[k] === "number" && kw[k] >= 0 && kw[k] < 1) out.labelSmoothing = kw[k] as number;
    else if (((k === "delta" && name === "HuberLoss") || (k === "beta" && name === "SmoothL1Loss")) && typeof kw[k] === "number" && kw[k] > 0) out.delta = kw[k] as number;
    else throw new Error(`nn.${name}(${k}=…) is not supported`);
  }
  if (out.classWeight && out.labelSmoothing) throw new Error(`nn.${name}: weight= together with label_smoothing= is not supported`);
  return out;
}

/** torch.nn.functional's losses, by the module they stand for. */
const FUNCTIONAL_LOSSES: Record<string, string> = {cross_entropy: "CrossEntropyLoss", nll_loss: "NLLLoss", mse_loss: "MSELoss", l1_loss: "L1Loss",
  binary_cross_entropy: "BCELoss", binary_cross_entropy_with_logits: "BCEWithLogitsLoss", huber_loss: "HuberLoss", smooth_l1_loss: "SmoothL1Loss"};

/** `F.cross_entropy(out, y)` used as the loop's criterion: the loss of the module it stands for, or null. */
export function functionalLoss(path: string, line: number): TorchLoss | null {
  const m = /^torch\.nn\.functional\.(\w+)$/.exec(path);
  const module = m ? FUNCTIONAL_LOSSES[m[1]] : undefined;
  return module ? torchLoss(module, {}, line) : null;
}

export function isTorchLoss(name: string): boolean {
  return name in LOSSES;
}

const OPTIMIZERS: Record<string, OptimizerName> = {SGD: "sgd", Adam: "adam", AdamW: "adamw", RMSprop: "rmsprop", Adagrad: "adagrad", Adamax: "adamax", Adadelta: "adadelta", NAdam: "nadam"};
/** PyTorch's defaults: SGD has no default lr (required); Adam(W) 1e-3, eps 1e-8; AdamW weight_decay 0.01; RMSprop 0.01, alpha 0.99. */
const DEFAULT_LR: Partial<Record<OptimizerName, number>> = {adam: 1e-3, adamw: 1e-3, rmsprop: 1e-2, adagrad: 1e-2, adamax: 2e-3, adadelta: 1, nadam: 2e-3};

const num = (v: Arg | undefined, what: string): number => {
  if (typeof v === "number") return v;
  throw new Error(`${what} must be a number`);
};

export function isTorchOptimizer(name: string): boolean {
  return name in OPTIMIZERS;
}

export function torchOptimizer(name: string, args: Arg[], kw: Record<string, Arg>): CompileSpec["optimizer"] {
  const opt = OPTIMIZERS[name];
  if (!opt) throw new Error(`torch.optim.${name} is not supported (supported: ${Object.keys(OPTIMIZERS).join(", ")})`);
  const lrArg = kw.lr ?? args[1];
  if (lrArg === undefined && opt === "sgd") throw new Error("torch.optim.SGD needs lr=");
  const out: CompileSpec["optimizer"] = {name: opt, learningRate: lrArg === undefined ? DEFAULT_LR[opt]! : num(lrArg, "lr"), learningRateExplicit: lrArg !== undefined};
  const known = new Set(["lr", "momentum", "nesterov", "weight_decay", "betas", "eps", "alpha", ...(opt === "nadam" ? ["momentum_decay"] : []), ...(opt === "adam" || opt === "adamw" ? ["amsgrad"] : [])]);
  for (const k of Object.keys(kw)) if (!known.has(k)) throw new Error(`torch.optim.${name}: argument ${k}= is not supported`);
  if (kw.momentum !== undefined) out.momentum = num(kw.momentum, "momentum");
  if (kw.nesterov === true) {
    if (!out.momentum) throw new Error("torch.optim.SGD: nesterov=True needs a momentum");
    out.nesterov = true;
  }
  const wd = kw.weight_decay !== undefined ? num(kw.weight_decay, "weight_decay") : opt === "adamw" ? 0.01 : 0;
  if (wd) out.weightDecay = wd;
  if (Array.isArray(kw.betas)) [out.beta1, out.beta2] = [num(kw.betas[0], "betas"), num(kw.betas[1], "betas")];
  if (kw.amsgrad === true) out.amsgrad = true;
  if (opt === "nadam" && kw.momentum_decay !== undefined) out.momentumDecay = num(kw.momentum_decay, "momentum_decay");
  if (opt === "adam" || opt === "adamw" || opt === "rmsprop" || opt === "adamax" || opt === "nadam") out.epsilon = kw.eps !== undefined ? num(kw.eps, "eps") : 1e-8;
  if (opt === "rmsprop") out.rho = kw.alpha !== undefined ? num(kw.alpha, "alpha") : 0.99;
  if (opt === "adadelta") out.rho = 0.9;
  return out;
}
