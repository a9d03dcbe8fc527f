/**
 * Program (from the translator) → tf.LayersModel with seeded initialisers, plus the optimizer and loss the
 * chapter compiled with. No DOM. The NumPy gradient-descent runner for chapter 004 is re-exported from gd.ts.
 */
import * as tf from "@tensorflow/tfjs";
import type {Activation, CompileSpec, KerasProgram, LayerSpec, LossName} from "./keras/program.js";
import {ComposedConv2D, ComposedMaxPool2D} from "./composed.js";

export {runNumpyGd, closedFormTheta, type GdRun} from "./gd.js";

const TF_ACTIVATION: Record<Activation, string> = {
  linear: "linear", relu: "relu", relu6: "relu6", sigmoid: "sigmoid", softmax: "softmax", tanh: "tanh", elu: "elu",
  selu: "selu", softplus: "softplus", softsign: "softsign", swish: "swish", gelu: "gelu", hardSigmoid: "hardSigmoid"
};

type TfActivation = Parameters<typeof tf.layers.dense>[0]["activation"];

/**
 * One tf layer for one LayerSpec; `seed` feeds the kernel initialiser (Keras' default, glorot_uniform).
 * `composed`: Conv2D / MaxPooling2D whose gradients need only forward kernels (for the wasm backend).
 */
export function buildLayer(spec: LayerSpec, seed: number, inputShape?: number[], composed = false): tf.layers.Layer {
  const input = inputShape ? {inputShape} : {};
  if (composed && spec.type === "conv2d" && spec.strides.join() === "1,1" && spec.padding === "valid") {
    return new ComposedConv2D({filters: spec.filters, kernelSize: spec.kernelSize, activation: TF_ACTIVATION[spec.activation],
      useBias: spec.useBias, seed, inputShape});
  }
  if (composed && spec.type === "maxPooling2d" && spec.strides.join() === spec.poolSize.join() && spec.padding === "valid") {
    return new ComposedMaxPool2D(spec.poolSize, inputShape);
  }
  const kernelInitializer = tf.initializers.glorotUniform({seed});
  switch (spec.type) {
    case "dense":
      return tf.layers.dense({...input, units: spec.units, activation: TF_ACTIVATION[spec.activation] as TfActivation,
        useBias: spec.useBias, kernelInitializer, biasInitializer: "zeros"});
    case "conv2d":
      return tf.layers.conv2d({...input, filters: spec.filters, kernelSize: spec.kernelSize, strides: spec.strides,
        padding: spec.padding, activation: TF_ACTIVATION[spec.activation] as TfActivation, useBias: spec.useBias,
        kernelInitializer, biasInitializer: "zeros"});
    case "maxPooling2d":
      return tf.layers.maxPooling2d({...input, poolSize: spec.poolSize, strides: spec.strides, padding: spec.padding});
    case "flatten":
      return tf.layers.flatten(input);
    case "dropout":
      return new SeededDropout({...input, rate: spec.rate, seed});
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
 * `composedGradients` defaults to true on the wasm backend (which lacks the conv/pool gradient kernels).
 */
export function buildModel(program: Pick<KerasProgram, "layers" | "inputShape">,
  {seed = 42, composedGradients = tf.getBackend() === "wasm"}: {seed?: number; composedGradients?: boolean} = {}): tf.Sequential {
  if (!program.layers.length) throw new Error("buildModel: the program has no layers");
  if (!program.inputShape.length || !program.inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`buildModel: bad input shape (${program.inputShape.join(", ")})`);
  }
  const model = tf.sequential();
  program.layers.forEach((spec, i) => {
    try {
      model.add(buildLayer(spec, seed + i, i === 0 ? program.inputShape : undefined, composedGradients));
    } catch (e) {
      throw new Error(`layer ${i + 1} (${spec.type}, line ${spec.line}): ${(e as Error).message}`);
    }
  });
  return model;
}

/** Number of trainable parameters (what Keras' summary prints as "Trainable params"). */
export function countParams(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((s, w) => s + (w.shape as number[]).reduce((a: number, b: number) => a * b, 1), 0);
}

export function makeOptimizer(opt: CompileSpec["optimizer"]): tf.Optimizer {
  const lr = opt.learningRate;
  switch (opt.name) {
    case "adam":
      return tf.train.adam(lr, 0.9, 0.999, 1e-7);
    case "sgd":
      return tf.train.sgd(lr);
    case "rmsprop":
      return tf.train.rmsprop(lr, 0.9, 0, 1e-7);
    case "adagrad":
      return tf.train.adagrad(lr);
    case "adadelta":
      return tf.train.adadelta(lr, 0.95, 1e-7);
    case "adamax":
      return tf.train.adamax(lr, 0.9, 0.999, 1e-7);
  }
}

/** Mean loss over a batch: labels are class ids (sparse) or 0/1 (binary), predictions the model's outputs. */
export function lossFunction(loss: LossName): (labels: tf.Tensor, preds: tf.Tensor) => tf.Scalar {
  switch (loss) {
    case "sparse_categorical_crossentropy":
    case "categorical_crossentropy": // the page's datasets always hold class ids (to_categorical is not replayed)
      return (labels, preds) => {
        const k = preds.shape[preds.shape.length - 1] as number;
        const oneHot = tf.oneHot(tf.cast(tf.reshape(labels, [-1]), "int32"), k);
        const p = tf.clipByValue(preds, 1e-7, 1 - 1e-7);
        return tf.mean(tf.neg(tf.sum(tf.mul(oneHot, tf.log(p)), -1))) as tf.Scalar;
      };
    case "binary_crossentropy":
      return (labels, preds) => {
        const y = tf.reshape(labels, preds.shape);
        const p = tf.clipByValue(preds, 1e-7, 1 - 1e-7);
        const l = tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p))));
        return tf.neg(tf.mean(l)) as tf.Scalar;
      };
    case "mean_squared_error":
      return (labels, preds) => tf.mean(tf.square(tf.sub(preds, tf.reshape(labels, preds.shape)))) as tf.Scalar;
    case "mean_absolute_error":
      return (labels, preds) => tf.mean(tf.abs(tf.sub(preds, tf.reshape(labels, preds.shape)))) as tf.Scalar;
  }
}

/** Number of correct predictions in a batch (argmax for several outputs, > 0.5 for one). */
export function correctCount(labels: tf.Tensor, preds: tf.Tensor): tf.Scalar {
  const k = preds.shape[preds.shape.length - 1] as number;
  const y = tf.reshape(labels, [-1]);
  const guess = k === 1 ? tf.cast(tf.greater(tf.reshape(preds, [-1]), 0.5), "float32") : tf.cast(tf.argMax(preds, -1), "float32");
  return tf.sum(tf.cast(tf.equal(guess, tf.cast(y, "float32")), "float32")) as tf.Scalar;
}
