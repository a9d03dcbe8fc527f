/**
 * Forward-op-only training layers for the wasm backend (superseded by wasm/kernels.ts, which registers real
 * Conv2DBackpropFilter/Input and MaxPoolGrad kernels there; kept as the bench's comparison). Measured in
 * bench/train.bench.ts: the pooling gradient of composed.ts is the slowest step of a CNN there; maxPoolUpsampled
 * replaces it. Also Conv2D as im2col + matMul (measured slower than composed.ts's convolutions on wasm: the slices'
 * pad gradients cost more than the matMuls save), kept as an alternative. The kh·kw shifted views of the input are concatenated along channels into patches
 * [B·oh·ow, kh·kw·ci], multiplied by the kernel reshaped to [kh·kw·ci, co]. Its gradients come from tf's own
 * gradients of slice (pad), concat (slice), reshape and matMul — all forward kernels, and matMul is XNNPACK's fastest
 * kernel on wasm — instead of the convolutions of composed.ts (whose filter gradient is a convolution with the batch
 * as channels, slow there). Stride 1, 'valid' or 'same'. No DOM.
 */
import * as tf from "@tensorflow/tfjs";
import type {KerasProgram} from "./keras/program.js";
import {buildLayers, buildModel} from "./build.js";
import {ComposedMaxPool2D, maxPoolComposed} from "./composed.js";

/** y = conv2d(x, w, 1, padding) computed as patches · reshape(w). */
export function conv2dIm2col(x: tf.Tensor4D, w: tf.Tensor4D, padding: "valid" | "same" = "valid"): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, ci, co] = w.shape;
    let xp = x;
    if (padding === "same") {
      const top = Math.floor((kh - 1) / 2), left = Math.floor((kw - 1) / 2);
      xp = tf.pad(x, [[0, 0], [top, kh - 1 - top], [left, kw - 1 - left], [0, 0]]);
    }
    const [B, H, W] = xp.shape;
    const oh = H - kh + 1, ow = W - kw + 1;
    if (oh < 1 || ow < 1) throw new Error(`conv2dIm2col: a ${kh}×${kw} kernel does not fit a ${H}×${W} input`);
    const views: tf.Tensor4D[] = [];
    for (let p = 0; p < kh; p++) for (let q = 0; q < kw; q++) views.push(tf.slice(xp, [0, p, q, 0], [B, oh, ow, ci]));
    // channel order (p, q, ci) matches w's [kh, kw, ci, co] layout flattened
    const patches = tf.reshape(views.length === 1 ? views[0] : tf.concat(views, 3), [B * oh * ow, kh * kw * ci]);
    const y = tf.matMul(patches, tf.reshape(w, [kh * kw * ci, co]));
    return tf.reshape(y, [B, oh, ow, co]) as tf.Tensor4D;
  });
}

/** Max pooling with the upsampled gradient (its one implementation is composed.ts's maxPoolComposed, measured in bench/train.bench.ts: 555 → 57 ms for a [32, 26, 26, 32] input). */
export const maxPoolUpsampled: (x: tf.Tensor4D, pool: [number, number]) => tf.Tensor4D = maxPoolComposed; // one implementation, in composed.ts


type Act = (t: tf.Tensor) => tf.Tensor;
const ACT: Record<string, Act> = {
  linear: (t) => t, relu: tf.relu, relu6: tf.relu6, sigmoid: tf.sigmoid, tanh: tf.tanh, elu: tf.elu, selu: tf.selu,
  softplus: tf.softplus, softmax: (t) => tf.softmax(t), swish: (t) => tf.mul(t, tf.sigmoid(t))
};

export interface Im2colConvArgs {
  filters: number;
  kernelSize: [number, number];
  padding: "valid" | "same";
  activation: string;
  useBias: boolean;
  seed: number;
  inputShape?: number[];
}

/** A Conv2D layer (stride 1) through conv2dIm2col; Keras' glorot_uniform / zeros initialisers, seeded as build.ts. */
export class Im2colConv2D extends tf.layers.Layer {
  static className = "GradbookIm2colConv2D";
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;
  constructor(private readonly args: Im2colConvArgs) {
    super(args.inputShape ? {inputShape: args.inputShape} : {});
    if (!ACT[args.activation]) throw new Error(`activation ${args.activation} is not available for the im2col Conv2D`);
  }
  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const [kh, kw] = this.args.kernelSize;
    this.kernel = this.addWeight("kernel", [kh, kw, s[s.length - 1] as number, this.args.filters], "float32", tf.initializers.glorotUniform({seed: this.args.seed}));
    if (this.args.useBias) this.bias = this.addWeight("bias", [this.args.filters], "float32", tf.initializers.zeros());
    this.built = true;
  }
  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const [kh, kw] = this.args.kernelSize;
    if (this.args.padding === "same") return [s[0], s[1], s[2], this.args.filters];
    return [s[0], (s[1] as number) - kh + 1, (s[2] as number) - kw + 1, this.args.filters];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      let y: tf.Tensor = conv2dIm2col(x, this.kernel!.read() as tf.Tensor4D, this.args.padding);
      if (this.bias) y = tf.add(y, this.bias.read());
      return ACT[this.args.activation](y);
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    const {filters, kernelSize, padding, activation, useBias, seed} = this.args;
    return {...super.getConfig(), filters, kernelSize, padding, activation, useBias, seed};
  }
}
tf.serialization.registerClass(Im2colConv2D);

/**
 * build.ts's model for wasm with forward-kernel-only layers: pooling (pool = strides, valid) through
 * maxPoolUpsampled, stride-1 convolutions through composed.ts (`conv: "composed"`, the faster one on wasm) or
 * im2col (`conv: "im2col"`). Same seeds as build.ts (layer i gets seed + i), so the initial weights are identical.
 */
export function buildWasmModel(program: Pick<KerasProgram, "layers" | "inputShape">, {seed = 42, conv = "composed"}: {seed?: number; conv?: "composed" | "im2col"} = {}): tf.Sequential {
  // a functional model's branches: build.ts's layers (their seeds count through the branches)
  if (program.layers.some((l) => l.type === "branches")) return buildModel(program, {seed});
  const model = tf.sequential();
  program.layers.forEach((spec, i) => {
    const inputShape = i === 0 ? program.inputShape : undefined;
    if (conv === "im2col" && spec.type === "conv2d" && spec.strides.join() === "1,1") {
      model.add(new Im2colConv2D({filters: spec.filters, kernelSize: spec.kernelSize, padding: spec.padding, activation: spec.activation,
        useBias: spec.useBias, seed: seed + i, inputShape}));
    } else if (spec.type === "maxPooling2d" && spec.strides.join() === spec.poolSize.join() && spec.padding === "valid") {
      model.add(new ComposedMaxPool2D(spec.poolSize, inputShape)); // the upsampled gradient
    } else {
      for (const layer of buildLayers(spec, seed + i, {inputShape, composed: true})) model.add(layer);
    }
  });
  return model;
}
