/**
 * Program (from the translator) → tf.LayersModel with seeded initialisers, plus the optimizer and loss the
 * chapter compiled with. No DOM. The NumPy gradient-descent runner for chapter 004 is re-exported from gd.ts.
 */
import * as tf from "@tensorflow/tfjs";
import type {Activation, CompileSpec, KerasProgram, KernelInit, LayerSpec, LossName, LossSpec, ParamInit} from "./keras/program.js";
import {ComposedConv2D, ComposedMaxPool2D} from "./composed.js";
import {UnfusedConv2D} from "./wasm/conv-layer.js";
import {NAdam} from "./nadam.js";
import {AMSGrad} from "./amsgrad.js";
import {PYTORCH_BIAS_SEED, branchInput, preluSharedAxes} from "./printProgram.js";
import {Branches} from "./branches.js";
import {RMSpropEpsOutside} from "./rmsprop.js";

export {runNumpyGd, closedFormTheta, type GdRun} from "./gd.js";
export {Branches} from "./branches.js";

const TF_ACTIVATION: Record<Activation, string> = {
  linear: "linear", relu: "relu", relu6: "relu6", sigmoid: "sigmoid", softmax: "softmax", tanh: "tanh", elu: "elu",
  selu: "selu", softplus: "softplus", softsign: "softsign", swish: "swish", gelu: "gelu", hardSigmoid: "hardSigmoid", mish: "mish",
  // tfjs has no leaky activation by name: buildLayers adds a LeakyReLU layer after a linear one
  leakyRelu: "linear", prelu: "linear"
};

type TfActivation = Parameters<typeof tf.layers.dense>[0]["activation"];

/** Keras' default initialisers, or PyTorch's: weights and biases U(−1/√fan_in, 1/√fan_in) (kaiming_uniform with a = √5). */
export type InitScheme = "keras" | "pytorch";

type Initializer = ReturnType<typeof tf.initializers.zeros>;

/** A weight tensor drawn as the code draws it (nn.Parameter(torch.randn(…) * s) and the like). */
export function paramInitializer(p: ParamInit, seed: number): Initializer {
  if ("normal" in p) return tf.initializers.randomNormal({mean: 0, stddev: p.normal, seed});
  if ("uniform" in p) return tf.initializers.randomUniform({minval: p.uniform[0], maxval: p.uniform[1], seed});
  return tf.initializers.constant({value: p.constant});
}

function initializers(init: InitScheme, seed: number, fanIn: number, kernel?: KernelInit, own?: {kernel: ParamInit; bias: ParamInit}): {kernelInitializer: Initializer; biasInitializer: Initializer} {
  if (own) return {kernelInitializer: paramInitializer(own.kernel, seed), biasInitializer: paramInitializer(own.bias, seed + PYTORCH_BIAS_SEED)};
  if (init === "pytorch") {
    const b = 1 / Math.sqrt(Math.max(fanIn, 1));
    return {kernelInitializer: tf.initializers.randomUniform({minval: -b, maxval: b, seed}),
      biasInitializer: tf.initializers.randomUniform({minval: -b, maxval: b, seed: seed + PYTORCH_BIAS_SEED})};
  }
  return {kernelInitializer: tf.initializers[kernel ?? "glorotUniform"]({seed}), biasInitializer: tf.initializers.zeros()};
}

/** Keras' kernel_regularizer as tf's (its penalty enters the loss through model.calculateLosses(), train.ts). */
function kernelRegularizer(spec: {regularizer?: {l1: number; l2: number}}): {kernelRegularizer?: ReturnType<typeof tf.regularizers.l1l2>} {
  return spec.regularizer ? {kernelRegularizer: tf.regularizers.l1l2({l1: spec.regularizer.l1, l2: spec.regularizer.l2})} : {};
}

/**
 * One tf layer for one LayerSpec; `seed` feeds the kernel initialiser (Keras' default, glorot_uniform).
 * `composed`: Conv2D / MaxPooling2D whose gradients need only forward kernels (composed.ts; kept for comparison).
 * A spec with batchNorm or PyTorch init is built by buildLayers (several tf layers).
 */
export function buildLayer(spec: LayerSpec, seed: number, inputShape?: number[], composed = false): tf.layers.Layer {
  return buildLayers(spec, seed, {inputShape, composed})[0];
}

/**
 * The tf layers of one LayerSpec: the layer, then its BatchNorm and activation when it has a batchNorm.
 * `unfusedConv`: Conv2D as wasm/conv-layer.ts's UnfusedConv2D (conv, bias, activation as separate ops, so backprop
 * skips the gradients nobody needs; the wasm backend's default, whose conv gradients are wasm/kernels.ts).
 */
export function buildLayers(spec: LayerSpec, seed: number, {inputShape, composed = false, unfusedConv = false, init = "keras", fanIn = 0}:
  {inputShape?: number[]; composed?: boolean; unfusedConv?: boolean; init?: InitScheme; fanIn?: number}): tf.layers.Layer[] {
  const input = inputShape ? {inputShape} : {};
  if ((spec.type === "dense" || spec.type === "conv2d") && spec.activation === "leakyRelu") {
    if (spec.batchNorm?.afterActivation) throw new Error("a batch normalisation after a LeakyReLU is not supported");
    const core = buildLayers({...spec, activation: "linear"}, seed, {inputShape, composed, unfusedConv, init, fanIn});
    return [...core, tf.layers.leakyReLU({alpha: spec.alpha ?? 0.01})];
  }
  if ((spec.type === "dense" || spec.type === "conv2d") && spec.activation === "prelu") {
    if (spec.batchNorm?.afterActivation) throw new Error("a batch normalisation after a PReLU is not supported");
    const core = buildLayers({...spec, activation: "linear"}, seed, {inputShape, composed, unfusedConv, init, fanIn});
    return [...core, tf.layers.prelu({alphaInitializer: tf.initializers.constant({value: spec.alpha ?? 0.25}), ...(preluSharedAxes(spec) ? {sharedAxes: preluSharedAxes(spec)} : {})})];
  }
  const bn = (spec.type === "dense" || spec.type === "conv2d") ? spec.batchNorm : undefined;
  if (bn && (spec.type === "dense" || spec.type === "conv2d")) {
    const core = buildLayers({...spec, batchNorm: undefined, activation: "linear"}, seed, {inputShape, composed, unfusedConv, init, fanIn})[0];
    const norm = tf.layers.batchNormalization({momentum: bn.momentum, epsilon: bn.epsilon});
    const act = tf.layers.activation({activation: TF_ACTIVATION[spec.activation] as NonNullable<TfActivation>});
    if (!bn.afterActivation) return [core, norm, act];
    return [core, act, norm];
  }
  if (composed && spec.type === "conv2d" && !spec.regularizer && spec.strides.join() === "1,1" && spec.padding === "valid") {
    return [new ComposedConv2D({filters: spec.filters, kernelSize: spec.kernelSize, activation: TF_ACTIVATION[spec.activation],
      useBias: spec.useBias, seed, inputShape, ...initializers(init, seed, fanIn, spec.kernelInit)})];
  }
  if (composed && spec.type === "maxPooling2d" && spec.strides.join() === spec.poolSize.join() && spec.padding === "valid") {
    return [new ComposedMaxPool2D(spec.poolSize, inputShape)];
  }
  switch (spec.type) {
    case "dense":
      return [tf.layers.dense({...input, units: spec.units, activation: TF_ACTIVATION[spec.activation] as TfActivation,
        useBias: spec.useBias, ...initializers(init, seed, fanIn, spec.kernelInit, spec.paramInit), ...kernelRegularizer(spec)})];
    case "conv2d":
      if (unfusedConv && !spec.regularizer) {
        return [new UnfusedConv2D({inputShape, filters: spec.filters, kernelSize: spec.kernelSize, strides: spec.strides, padding: spec.padding,
          activation: TF_ACTIVATION[spec.activation], useBias: spec.useBias, ...initializers(init, seed, fanIn, spec.kernelInit)})];
      }
      return [tf.layers.conv2d({...input, filters: spec.filters, kernelSize: spec.kernelSize, strides: spec.strides,
        padding: spec.padding, activation: TF_ACTIVATION[spec.activation] as TfActivation, useBias: spec.useBias,
        ...initializers(init, seed, fanIn, spec.kernelInit), ...kernelRegularizer(spec)})];
    case "maxPooling2d":
      return [tf.layers.maxPooling2d({...input, poolSize: spec.poolSize, strides: spec.strides, padding: spec.padding})];
    case "flatten":
      return [tf.layers.flatten(input)];
    case "dropout":
      return [new SeededDropout({...input, rate: spec.rate, seed})];
    case "branches":
      throw new Error("a branches layer is built by buildModel");
  }
}

/**
 * Dropout whose mask is seeded yet new at every training step: tf.layers.dropout({seed}) draws the same mask at
 * every call, and without a seed it uses Math.random. Step k uses seed + k.
 */
export class SeededDropout extends tf.layers.Layer {
  static className = "GradbookSeededDropout";
  private readonly rate: number;
  private readonly seed: number;
  private step = 0;
  constructor(args: {rate: number; seed: number; inputShape?: number[]}) {
    super(args.inputShape ? {inputShape: args.inputShape} : {});
    if (!(args.rate >= 0 && args.rate < 1)) throw new Error(`Dropout rate must be in [0, 1), got ${args.rate}`);
    this.rate = args.rate;
    this.seed = args.seed;
  }
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: {training?: boolean}): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs.training || this.rate === 0) return x;
    return tf.dropout(x, this.rate, undefined, this.seed * 100_003 + this.step++);
  }
  override getConfig(): tf.serialization.ConfigDict {
    return {...super.getConfig(), rate: this.rate, seed: this.seed};
  }
}
tf.serialization.registerClass(SeededDropout);

/**
 * The chapter's model. Layer i gets seed `seed + i`, so two builds with one seed have identical weights.
 * On the wasm backend Conv2D layers are UnfusedConv2D (`unfusedConv`, default there) and train through tf's own
 * gradients, whose kernels wasm/kernels.ts registers; `composedGradients` builds composed.ts's layers instead.
 */
export function buildModel(program: Pick<KerasProgram, "layers" | "inputShape"> & Pick<Partial<KerasProgram>, "init">,
  {seed = 42, composedGradients = false, unfusedConv = tf.getBackend() === "wasm"}: {seed?: number; composedGradients?: boolean; unfusedConv?: boolean} = {}): tf.Sequential {
  if (!program.layers.length) throw new Error("buildModel: the program has no layers");
  if (!program.inputShape.length || !program.inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`buildModel: bad input shape (${program.inputShape.join(", ")})`);
  }
  const model = tf.sequential();
  addLayers(model, program.layers, program.inputShape, {seed, next: 0, composed: composedGradients, unfusedConv, init: program.init ?? "keras"}, "");
  return model;
}

/**
 * Adds `specs` to `model` (its first layer takes `inputShape`). Layers are seeded `seed + k`, k counting every layer
 * in the order printProgram adds them (printProgram.ts's flatLayers): a branches layer builds each branch as its own
 * tf.sequential first. `where` names a branch's layers in errors ("branch 2 of line 14, ").
 */
function addLayers(model: tf.Sequential, specs: LayerSpec[], inputShape: number[],
  ctx: {seed: number; next: number; composed: boolean; unfusedConv: boolean; init: InitScheme}, where: string): void {
  specs.forEach((spec, i) => {
    const prev = i === 0 ? inputShape : (model.outputShape as number[]).slice(1);
    try {
      if (spec.type === "branches") {
        const branches = spec.branches.map((b, j) => {
          if (!b.length) return null;
          const sub = tf.sequential();
          addLayers(sub, b, branchInput(spec, j, prev), ctx, `${where}branch ${j + 1} of line ${spec.line}, `);
          return sub;
        });
        ctx.next++;
        model.add(new Branches({merge: spec.merge, branches, ...(spec.columns ? {columns: spec.columns} : {}), ...(i === 0 ? {inputShape} : {})}));
        return;
      }
      const fanIn = spec.type === "conv2d" ? spec.kernelSize[0] * spec.kernelSize[1] * (prev[prev.length - 1] ?? 1) : prev[prev.length - 1] ?? 1;
      const layers = buildLayers(spec, ctx.seed + ctx.next++, {inputShape: i === 0 ? inputShape : undefined, composed: ctx.composed, unfusedConv: ctx.unfusedConv, init: ctx.init, fanIn});
      for (const l of layers) model.add(l);
    } catch (e) {
      if (spec.type === "branches" && /^(branch|layer) /.test((e as Error).message)) throw e;
      throw new Error(`${where}layer ${i + 1} (${spec.type}, line ${spec.line}): ${(e as Error).message}`);
    }
  });
}

/** Number of trainable parameters (what Keras' summary prints as "Trainable params"). */
export function countParams(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((s, w) => s + (w.shape as number[]).reduce((a: number, b: number) => a * b, 1), 0);
}

export function makeOptimizer(opt: CompileSpec["optimizer"]): tf.Optimizer {
  const lr = opt.learningRate;
  switch (opt.name) {
    case "adam":
    case "adamw":
      if (opt.amsgrad) return new AMSGrad(lr, opt.beta1 ?? 0.9, opt.beta2 ?? 0.999, opt.epsilon ?? 1e-7);
      return tf.train.adam(lr, opt.beta1 ?? 0.9, opt.beta2 ?? 0.999, opt.epsilon ?? 1e-7);
    case "sgd":
      return opt.momentum ? tf.train.momentum(lr, opt.momentum, !!opt.nesterov) : tf.train.sgd(lr);
    case "rmsprop":
      return new RMSpropEpsOutside(lr, opt.rho ?? 0.9, opt.momentum ?? 0, opt.epsilon ?? 1e-7);
    case "adagrad":
      return tf.train.adagrad(lr);
    case "adadelta":
      return tf.train.adadelta(lr, opt.rho ?? 0.95, opt.epsilon ?? 1e-7);
    case "adamax":
      return tf.train.adamax(lr, opt.beta1 ?? 0.9, opt.beta2 ?? 0.999, opt.epsilon ?? 1e-7);
    case "nadam":
      return new NAdam(lr, opt.beta1 ?? 0.9, opt.beta2 ?? 0.999, opt.epsilon ?? 1e-7, opt.momentumDecay ?? 0.004);
  }
}

/**
 * One optimisation step on `f` (the batch loss): gradients, then PyTorch's weight decay — added to the gradient
 * (L2, SGD/Adam/RMSprop's weight_decay) or, for AdamW, applied to the weights (p ← p − lr·wd·p) before the update.
 */
export function optimizerStep(optimizer: tf.Optimizer, opt: CompileSpec["optimizer"] | undefined, f: () => tf.Scalar): tf.Scalar {
  const wd = opt?.weightDecay ?? 0;
  if (!wd && !opt?.clipNorm) return optimizer.minimize(f, true) as tf.Scalar;
  const {value, grads: raw} = tf.variableGrads(f);
  const grads = opt?.clipNorm ? clipByGlobalNorm(raw, opt.clipNorm) : raw;
  const named: tf.NamedTensorMap = {};
  if (!wd) {
    optimizer.applyGradients(grads);
    return value;
  }
  for (const [name, g] of Object.entries(grads)) {
    const v = tf.engine().registeredVariables[name];
    if (opt!.name === "adamw") {
      v.assign(tf.mul(v, 1 - opt!.learningRate * wd));
      named[name] = g;
    } else named[name] = tf.add(g, tf.mul(v, wd));
  }
  optimizer.applyGradients(named);
  return value;
}

/**
 * PyTorch's clip_grad_norm_(parameters, maxNorm): every gradient times min(1, maxNorm / (‖g‖ + 1e-6)), ‖g‖ the L2 norm
 * of all gradients together.
 */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): tf.NamedTensorMap {
  const gs = Object.values(grads);
  if (!gs.length) return grads;
  const norm = tf.sqrt(tf.addN(gs.map((g) => tf.sum(tf.square(g)))));
  const coef = tf.minimum(tf.div(maxNorm, tf.add(norm, 1e-6)), 1);
  return Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.mul(g, coef)]));
}

/**
 * The batch loss from per-sample losses: their mean, or with class weights w a weighted sum over Σ w_{y_i}
 * (PyTorch's CrossEntropyLoss(weight=…)) or over the batch size (Keras' fit(class_weight=…), which weights each
 * sample and keeps SUM_OVER_BATCH_SIZE).
 */
function reduceLoss(spec: LossSpec, labels: tf.Tensor, losses: tf.Tensor): tf.Scalar {
  const w0 = spec.classWeight;
  if (!w0) return tf.mean(losses) as tf.Scalar;
  if (losses.size !== labels.size) throw new Error("class weights need one class label per sample");
  const ids = tf.cast(tf.reshape(labels, [-1]), "int32");
  const w = tf.gather(tf.tensor1d(w0), ids);
  const total = tf.sum(tf.mul(w, tf.reshape(losses, [-1])));
  return tf.div(total, spec.classWeightNorm === "count" ? losses.size : tf.sum(w)) as tf.Scalar;
}

/** Checks that there is one class weight per class (k classes; a single sigmoid output has 2). */
function checkWeights(spec: LossSpec, k: number): void {
  if (spec.classWeight && spec.classWeight.length !== k) {
    throw new Error(`${spec.classWeightNorm === "count" ? "fit(class_weight=…)" : "CrossEntropyLoss(weight=…)"} has ${spec.classWeight.length} weights for ${k} classes`);
  }
}

/** Cross-entropy on logits, as PyTorch's CrossEntropyLoss; with label smoothing ε the target is (1 − ε)·one-hot + ε/k. */
function logitsCrossEntropy(spec: LossSpec): (labels: tf.Tensor, logits: tf.Tensor) => tf.Scalar {
  return (labels, logits) => {
    const k = logits.shape[logits.shape.length - 1] as number;
    checkWeights(spec, k);
    const oneHot = tf.oneHot(tf.cast(tf.reshape(labels, [-1]), "int32"), k);
    const eps = spec.labelSmoothing ?? 0;
    const target = eps ? tf.add(tf.mul(oneHot, 1 - eps), eps / k) : oneHot;
    return reduceLoss(spec, labels, tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(logits)), -1)));
  };
}

/**
 * Binary cross-entropy on logits, as PyTorch's BCEWithLogitsLoss: p·y·softplus(−z) + (1 − y)·softplus(z) with the
 * positive weight p (1 without pos_weight), softplus(z) = max(z, 0) + log(1 + e^(−|z|)) so large |z| stay finite.
 */
function logitsBinaryCrossEntropy(spec: LossSpec): (labels: tf.Tensor, z: tf.Tensor) => tf.Scalar {
  return (labels, z) => {
    checkWeights(spec, 2);
    const y = tf.reshape(labels, z.shape);
    const tail = tf.log1p(tf.exp(tf.neg(tf.abs(z))));
    const spPos = tf.add(tf.relu(z), tail), spNeg = tf.add(tf.relu(tf.neg(z)), tail);
    const p = spec.posWeight ? tf.tensor1d(spec.posWeight) : tf.scalar(1);
    return reduceLoss(spec, labels, tf.add(tf.mul(tf.mul(p, y), spNeg), tf.mul(tf.sub(1, y), spPos)));
  };
}

/**
 * Huber loss, mean over the batch: ½r² where |r| ≤ δ, δ(|r| − ½δ) beyond (Keras' Huber, PyTorch's HuberLoss);
 * divided by δ it is PyTorch's SmoothL1Loss(beta=δ).
 */
function huberLoss(delta: number, smoothL1: boolean): (labels: tf.Tensor, preds: tf.Tensor) => tf.Scalar {
  return (labels, preds) => {
    const r = tf.abs(tf.sub(preds, tf.reshape(labels, preds.shape)));
    // with q = min(|r|, δ): ½q² + δ(|r| − q), the two pieces in one differentiable expression
    const q = tf.minimum(r, delta);
    const l = tf.add(tf.mul(0.5, tf.square(q)), tf.mul(delta, tf.sub(r, q)));
    return tf.mean(smoothL1 ? tf.div(l, delta) : l) as tf.Scalar;
  };
}

/** A loss name with its logits flag, or a program's compile spec (its logits flag and loss options), as a LossSpec. */
export function lossSpecOf(lossOrSpec: LossName | LossSpec, fromLogits = false): LossSpec {
  return typeof lossOrSpec === "string" ? {loss: lossOrSpec, fromLogits} : lossOrSpec;
}

/**
 * Mean loss over a batch: labels are class ids (sparse) or 0/1 (binary), predictions the model's outputs. `loss` is
 * a loss name or a program's compile spec (its logits flag and loss options: pos_weight, class weights, smoothing).
 */
export function lossFunction(lossOrSpec: LossName | LossSpec, logits = false): (labels: tf.Tensor, preds: tf.Tensor) => tf.Scalar {
  const spec = lossSpecOf(lossOrSpec, logits);
  const {loss, fromLogits} = spec;
  if (fromLogits && (loss === "sparse_categorical_crossentropy" || loss === "categorical_crossentropy")) return logitsCrossEntropy(spec);
  if (fromLogits && loss === "binary_crossentropy") return logitsBinaryCrossEntropy(spec);
  if (spec.classWeight && loss !== "sparse_categorical_crossentropy" && loss !== "categorical_crossentropy" && loss !== "binary_crossentropy") {
    throw new Error(`class weights are followed for cross-entropy losses only, not ${loss}`);
  }
  switch (loss) {
    case "sparse_categorical_crossentropy":
    case "categorical_crossentropy": // the page's datasets always hold class ids (to_categorical is not replayed)
      return (labels, preds) => {
        const k = preds.shape[preds.shape.length - 1] as number;
        checkWeights(spec, k);
        const oneHot = tf.oneHot(tf.cast(tf.reshape(labels, [-1]), "int32"), k);
        const p = tf.clipByValue(preds, 1e-7, 1 - 1e-7);
        return reduceLoss(spec, labels, tf.neg(tf.sum(tf.mul(oneHot, tf.log(p)), -1)));
      };
    case "binary_crossentropy":
      return (labels, preds) => {
        checkWeights(spec, 2);
        const y = tf.reshape(labels, preds.shape);
        const p = tf.clipByValue(preds, 1e-7, 1 - 1e-7);
        const l = tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p))));
        return reduceLoss(spec, labels, tf.neg(l));
      };
    case "mean_squared_error":
      return (labels, preds) => tf.mean(tf.square(tf.sub(preds, tf.reshape(labels, preds.shape)))) as tf.Scalar;
    case "mean_absolute_error":
      return (labels, preds) => tf.mean(tf.abs(tf.sub(preds, tf.reshape(labels, preds.shape)))) as tf.Scalar;
    case "huber":
      return huberLoss(spec.delta ?? 1, spec.smoothL1 ?? false);
  }
}

/**
 * A batch's sums for the measures a claim may name beside the loss and accuracy: for a regression [Σ (p − y)², count]
 * (its MSE when the loss is another, e.g. Huber); for a classifier with one label per sample, per class c the
 * samples of class c and those of them predicted c ([total_0 … total_{K−1}, hit_0 … hit_{K−1}]: its balanced accuracy).
 */
export function claimSums(labels: tf.Tensor, preds: tf.Tensor, classifier: boolean, fromLogits = false): tf.Tensor1D {
  if (!classifier) {
    const d = tf.sub(preds, tf.reshape(labels, preds.shape));
    return tf.stack([tf.sum(tf.square(d)), tf.scalar(d.size)]) as tf.Tensor1D;
  }
  const k = preds.shape.length < 2 ? 1 : (preds.shape[preds.shape.length - 1] as number);
  const y = tf.cast(tf.reshape(labels, [-1]), "int32");
  const guess = k === 1 ? tf.cast(tf.greater(tf.reshape(preds, [-1]), fromLogits ? 0 : 0.5), "int32") : tf.cast(tf.argMax(preds, -1), "int32");
  const oneHot = tf.oneHot(y, Math.max(2, k));
  const hit = tf.mul(oneHot, tf.expandDims(tf.cast(tf.equal(guess, y), "float32"), -1));
  return tf.concat([tf.sum(oneHot, 0), tf.sum(hit, 0)]) as tf.Tensor1D;
}

/** Adds one batch's claimSums into a running total (the first batch sets its length). */
export function addSums(total: number[], batch: ArrayLike<number>): void {
  for (let i = 0; i < batch.length; i++) total[i] = (total[i] ?? 0) + batch[i];
}

/** The measures from summed claimSums: MSE for a regression, balanced accuracy (mean recall over the classes present) for a classifier. */
export function claimMeasures(total: number[], classifier: boolean): {mse?: number; balancedAcc?: number} {
  if (!total.length) return {};
  if (!classifier) return {mse: total[0] / total[1]};
  const k = total.length / 2;
  const recalls = total.slice(0, k).flatMap((n, c) => (n > 0 ? [total[k + c] / n] : []));
  return recalls.length ? {balancedAcc: recalls.reduce((a, b) => a + b, 0) / recalls.length} : {};
}

/**
 * Number of correct predictions in a batch (argmax for several outputs, > 0.5 for one; > 0 for one logit). With
 * several targets per sample (labels shaped as the outputs), each output is thresholded and a sample counts by the
 * fraction it gets right, as Keras' binary accuracy averages over the last axis.
 */
export function correctCount(labels: tf.Tensor, preds: tf.Tensor, fromLogits = false): tf.Scalar {
  const k = preds.shape.length < 2 ? 1 : (preds.shape[preds.shape.length - 1] as number);
  if (k > 1 && labels.size === preds.size) {
    const guess = tf.cast(tf.greater(preds, fromLogits ? 0 : 0.5), "float32");
    return tf.div(tf.sum(tf.cast(tf.equal(guess, tf.reshape(labels, preds.shape)), "float32")), k) as tf.Scalar;
  }
  const y = tf.reshape(labels, [-1]);
  const guess = k === 1 ? tf.cast(tf.greater(tf.reshape(preds, [-1]), fromLogits ? 0 : 0.5), "float32") : tf.cast(tf.argMax(preds, -1), "float32");
  return tf.sum(tf.cast(tf.equal(guess, tf.cast(y, "float32")), "float32")) as tf.Scalar;
}
