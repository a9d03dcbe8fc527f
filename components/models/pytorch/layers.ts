/**
 * torch.nn layers (Linear, Conv2d, MaxPool2d, ReLU/Sigmoid/Tanh/Softmax/LeakyReLU…, Dropout, Flatten, BatchNorm1d/2d,
 * nested Sequential) and their lowering onto the Program's LayerSpecs: activations and BatchNorm fold into the
 * layer before them (PyTorch writes them as separate modules), shapes are checked as PyTorch would check them
 * (in_features against the incoming size), images are NHWC in the page. Pure.
 */
import type {Activation, LayerSpec, ParamInit, Unsupported} from "../keras/program.js";

export type TorchLayer =
  | {kind: "linear"; inF: number; outF: number; bias: boolean; line: number; init?: {kernel: ParamInit; bias: ParamInit}}
  /** A tensor of weights the module creates itself (self.W = nn.Parameter(torch.randn(2, 32) * 0.5)). */
  | {kind: "param"; shape: number[]; init: ParamInit; line: number}
  | {kind: "conv2d"; inC: number; outC: number; k: [number, number]; stride: [number, number]; padding: "valid" | "same"; bias: boolean; line: number}
  | {kind: "maxpool2d"; k: [number, number]; stride: [number, number]; line: number}
  | {kind: "act"; act: Activation; line: number; alpha?: number; perChannel?: boolean}
  | {kind: "logsoftmax"; line: number}
  | {kind: "dropout"; p: number; line: number}
  | {kind: "flatten"; line: number}
  | {kind: "batchnorm"; features: number; eps: number; momentum: number; line: number}
  | {kind: "identity"; line: number}
  | {kind: "sequential"; layers: TorchLayer[]; line: number};

/** A call argument as the translator passes it. */
export type Arg = number | boolean | string | null | Arg[] | {layer: TorchLayer} | {layers: TorchLayer[]} | {other: string};

export const ACTS: Record<string, Activation> = {
  ReLU: "relu", Sigmoid: "sigmoid", Tanh: "tanh", Softmax: "softmax", ELU: "elu", SELU: "selu", Softplus: "softplus",
  Softsign: "softsign", SiLU: "swish", GELU: "gelu", ReLU6: "relu6", Hardsigmoid: "hardSigmoid",
  Mish: "mish"
};

export const TORCH_LAYERS = ["Linear", "Conv2d", "MaxPool2d", "Dropout", "Flatten", "BatchNorm1d", "BatchNorm2d", "Sequential",
  "LogSoftmax", "Identity", "LeakyReLU", "PReLU", ...Object.keys(ACTS)];

function num(v: Arg | undefined, what: string): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return Number(v);
  throw new Error(`${what} must be a number`);
}
function int(v: Arg | undefined, what: string): number {
  const n = num(v, what);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${what} must be a positive integer, got ${n}`);
  return n;
}
function pair(v: Arg | undefined, what: string): [number, number] {
  if (Array.isArray(v) && v.length === 2) return [int(v[0], what), int(v[1], what)];
  const n = int(v, what);
  return [n, n];
}

/** nn.<name>(args, kwargs) at `line`. */
export function torchLayer(name: string, args: Arg[], kw: Record<string, Arg>, line: number): TorchLayer {
  const get = (k: string, pos: number): Arg | undefined => kw[k] ?? args[pos];
  const bias = kw.bias === undefined ? true : kw.bias === true;
  if (ACTS[name]) return {kind: "act", act: ACTS[name], line};
  if (name === "LeakyReLU") {
    const slope = get("negative_slope", 0);
    if (slope !== undefined && typeof slope !== "number") throw new Error("nn.LeakyReLU: negative_slope must be a number");
    return {kind: "act", act: "leakyRelu", alpha: slope ?? 0.01, line};
  }
  if (name === "PReLU") {
    // nn.PReLU(num_parameters=1, init=0.25): one learnt slope, or one per channel
    const n = get("num_parameters", 0), a = get("init", 1);
    if (n !== undefined && (typeof n !== "number" || !Number.isInteger(n) || n < 1)) throw new Error("nn.PReLU: num_parameters must be a positive integer");
    if (a !== undefined && typeof a !== "number") throw new Error("nn.PReLU: init must be a number");
    return {kind: "act", act: "prelu", alpha: a ?? 0.25, line, ...(typeof n === "number" && n > 1 ? {perChannel: true} : {})};
  }
  switch (name) {
    case "Linear":
      return {kind: "linear", inF: int(get("in_features", 0), "in_features"), outF: int(get("out_features", 1), "out_features"), bias, line};
    case "Conv2d": {
      const k = pair(get("kernel_size", 2), "kernel_size");
      const stride = get("stride", 3) === undefined ? [1, 1] as [number, number] : pair(get("stride", 3), "stride");
      const p = get("padding", 4);
      let padding: "valid" | "same";
      if (p === undefined || p === 0 || p === "valid") padding = "valid";
      else if (p === "same" || (stride.join() === "1,1" && k[0] === k[1] && typeof p === "number" && p * 2 === k[0] - 1)) padding = "same";
      else throw new Error(`Conv2d padding=${JSON.stringify(p)} is not supported (0, "same", or (kernel_size − 1)/2 with stride 1)`);
      return {kind: "conv2d", inC: int(get("in_channels", 0), "in_channels"), outC: int(get("out_channels", 1), "out_channels"), k, stride, padding, bias, line};
    }
    case "MaxPool2d": {
      const k = pair(get("kernel_size", 0), "kernel_size");
      const s = get("stride", 1);
      if (get("padding", 2) !== undefined && get("padding", 2) !== 0) throw new Error("MaxPool2d padding is not supported");
      return {kind: "maxpool2d", k, stride: s === undefined || s === null ? k : pair(s, "stride"), line};
    }
    case "Dropout": {
      const p = get("p", 0) === undefined ? 0.5 : num(get("p", 0), "p");
      if (!(p >= 0 && p < 1)) throw new Error(`Dropout p must be in [0, 1), got ${p}`);
      return {kind: "dropout", p, line};
    }
    case "Flatten":
      return {kind: "flatten", line};
    case "Identity":
      return {kind: "identity", line};
    case "LogSoftmax":
      return {kind: "logsoftmax", line};
    case "BatchNorm1d":
    case "BatchNorm2d":
      return {kind: "batchnorm", features: int(get("num_features", 0), "num_features"), eps: kw.eps === undefined ? 1e-5 : num(kw.eps, "eps"),
        momentum: kw.momentum === undefined ? 0.1 : num(kw.momentum, "momentum"), line};
    case "Sequential": {
      const layers: TorchLayer[] = [];
      // nn.Sequential(OrderedDict([("fc1", nn.Linear(2, 32)), …])): the named layers in their order
      const named = args.length === 1 && Array.isArray(args[0]) ? args[0] : null;
      if (named && named.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === "string")) {
        args = named.map((p) => (p as Arg[])[1]);
      }
      for (const a of args) {
        if (a && typeof a === "object" && !Array.isArray(a) && "layer" in a) layers.push(a.layer);
        else throw new Error(`nn.Sequential: argument is not a layer (${a && typeof a === "object" && "other" in a ? a.other : JSON.stringify(a)})`);
      }
      return {kind: "sequential", layers, line};
    }
  }
  throw new Error(`nn.${name} is not supported (supported: ${TORCH_LAYERS.join(", ")})`);
}

export function flattenLayers(layers: TorchLayer[]): TorchLayer[] {
  return layers.flatMap((l) => (l.kind === "sequential" ? flattenLayers(l.layers) : l.kind === "identity" ? [] : [l]));
}

export interface Lowered {
  layers: LayerSpec[];
  /** Per-sample input shape in the page's layout ([features] or [H, W, C]). */
  inputShape: number[];
  /** The last module is LogSoftmax (paired with NLLLoss it is cross-entropy on logits). */
  logSoftmax: boolean;
}

/** ReLU/Sigmoid/Tanh commute with max pooling, any activation with Flatten, ReLU with Dropout (it scales by ≥ 0). */
export function canFoldThrough(l: LayerSpec, act: Activation): boolean {
  if (l.type === "flatten") return true;
  if (l.type === "maxPooling2d") return ["relu", "sigmoid", "tanh", "relu6", "elu", "selu", "softplus", "swish", "leakyRelu"].includes(act) && act !== "swish";
  // (dropout scales by a positive number: a piecewise-linear activation through zero commutes with it)
  if (l.type === "dropout") return act === "relu" || act === "relu6" || act === "leakyRelu" || act === "prelu";
  return false;
}

/**
 * The chain of modules as LayerSpecs. `imageShape` is the data's [H, W, C] when the model starts with a
 * convolution (MNIST: [28, 28, 1]). Problems go to `unsupported` with their lines; null when nothing trainable is left.
 */
export function lowerLayers(modules: TorchLayer[], imageShape: number[] | null, unsupported: Unsupported[]): Lowered | null {
  const flat = flattenLayers(modules);
  const specs: LayerSpec[] = [];
  const first = flat.find((l) => l.kind === "linear" || l.kind === "conv2d");
  if (!first) {
    unsupported.push({line: modules[0]?.line ?? 0, message: "the model has no Linear or Conv2d layer"});
    return null;
  }
  let shape: number[] = first.kind === "conv2d" ? imageShape ?? [28, 28, first.inC] : [first.inF];
  if (first.kind === "conv2d" && shape[2] !== first.inC) {
    unsupported.push({line: first.line, message: `Conv2d expects ${first.inC} input channels but the images have ${shape[2]}`});
    return null;
  }
  const inputShape = [...shape];
  let logSoftmax = false;
  for (const l of flat) {
    if (logSoftmax) {
      unsupported.push({line: l.line, message: "layers after LogSoftmax are not supported"});
      return null;
    }
    switch (l.kind) {
      case "linear": {
        if (shape.length !== 1) {
          unsupported.push({line: l.line, message: `Linear(${l.inF}, ${l.outF}) on a ${shape.length + 1}-D tensor: add nn.Flatten() (or x.view(x.size(0), -1)) before it`});
          return null;
        }
        if (shape[0] !== l.inF) {
          unsupported.push({line: l.line, message: `Linear(${l.inF}, ${l.outF}) receives ${shape[0]} features (PyTorch would fail: mat1 and mat2 shapes cannot be multiplied)`});
          return null;
        }
        specs.push({type: "dense", units: l.outF, activation: "linear", useBias: l.bias, line: l.line, ...(l.init ? {paramInit: l.init} : {})});
        shape = [l.outF];
        break;
      }
      case "conv2d": {
        if (shape.length !== 3 || shape[2] !== l.inC) {
          unsupported.push({line: l.line, message: `Conv2d(${l.inC}, ${l.outC}) receives a tensor of shape (${shape.join(", ")})`});
          return null;
        }
        const out = (n: number, k: number, s: number) => (l.padding === "same" ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1);
        shape = [out(shape[0], l.k[0], l.stride[0]), out(shape[1], l.k[1], l.stride[1]), l.outC];
        specs.push({type: "conv2d", filters: l.outC, kernelSize: l.k, strides: l.stride, padding: l.padding, activation: "linear", useBias: l.bias, line: l.line});
        break;
      }
      case "maxpool2d":
        if (shape.length !== 3) {
          unsupported.push({line: l.line, message: "MaxPool2d on a tensor that is not an image"});
          return null;
        }
        shape = [Math.floor((shape[0] - l.k[0]) / l.stride[0]) + 1, Math.floor((shape[1] - l.k[1]) / l.stride[1]) + 1, shape[2]];
        specs.push({type: "maxPooling2d", poolSize: l.k, strides: l.stride, padding: "valid", line: l.line});
        break;
      case "flatten":
        if (shape.length > 1) {
          specs.push({type: "flatten", line: l.line});
          shape = [shape.reduce((a, b) => a * b, 1)];
        }
        break;
      case "dropout":
        specs.push({type: "dropout", rate: l.p, line: l.line});
        break;
      case "batchnorm":
        if (!foldBatchNorm(specs, l, shape[shape.length - 1], unsupported)) return null;
        break;
      case "logsoftmax":
        logSoftmax = true;
        break;
      case "act":
        if (!foldActivation(specs, l, unsupported)) return null;
        break;
      case "identity":
      case "sequential":
        break;
    }
  }
  return {layers: specs, inputShape, logSoftmax};
}

/** BatchNorm joins the Linear/Conv2d before it (only Flatten may lie between, after a Linear); false when it cannot. */
function foldBatchNorm(specs: LayerSpec[], l: Extract<TorchLayer, {kind: "batchnorm"}>, channels: number, unsupported: Unsupported[]): boolean {
  const last = [...specs].reverse().find((s) => s.type === "dense" || s.type === "conv2d");
  const between = specs.slice((last ? specs.lastIndexOf(last) : -1) + 1);
  if (!last || (last.type !== "dense" && last.type !== "conv2d") || last.batchNorm || between.some((s) => s.type !== "flatten" || last.type === "conv2d") || channels !== l.features) {
    unsupported.push({line: l.line, message: channels !== l.features ? `BatchNorm(${l.features}) receives ${channels} features` : "BatchNorm is supported right after a Linear/Conv2d (before or after its activation)"});
    return false;
  }
  last.batchNorm = {momentum: 1 - l.momentum, epsilon: l.eps, afterActivation: last.activation !== "linear", line: l.line};
  return true;
}

/** An activation module becomes the activation of the Linear/Conv2d before it (through layers it commutes with). */
function foldActivation(specs: LayerSpec[], l: Extract<TorchLayer, {kind: "act"}>, unsupported: Unsupported[]): boolean {
  let i = specs.length - 1;
  while (i >= 0 && canFoldThrough(specs[i], l.act)) i--;
  const target = specs[i];
  if (!target || (target.type !== "dense" && target.type !== "conv2d") || target.activation !== "linear" || target.batchNorm?.afterActivation) {
    unsupported.push({line: l.line, message: `this activation cannot be merged into the layer before it (${target ? target.type : "none"})`});
    return false;
  }
  target.activation = l.act;
  if (l.alpha !== undefined) target.alpha = l.alpha;
  if (l.perChannel) target.perChannel = true;
  if (target.batchNorm) target.batchNorm.afterActivation = false;
  return true;
}
