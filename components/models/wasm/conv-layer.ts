/**
 * Conv2D for the wasm backend: tf.conv2d (XNNPACK) + bias + activation as separate ops, so that backprop asks only
 * for the gradients it needs — tf.layers.conv2d's fused op computes dx even for the first layer, whose input needs
 * none (one Conv2DBackpropInput per step saved). Its gradients are tf's own, run by kernels.ts on wasm. Any stride and
 * padding, dilation 1. Same weights, names and initialisers as tf.layers.conv2d. No DOM.
 */
import * as tf from "@tensorflow/tfjs";

type Initializer = ReturnType<typeof tf.initializers.zeros>;

type ActivationName = NonNullable<Parameters<typeof tf.layers.activation>[0]["activation"]>;

export interface Conv2DArgs {
  filters: number;
  kernelSize: [number, number];
  strides: [number, number];
  padding: "valid" | "same";
  activation: string;
  useBias: boolean;
  inputShape?: number[];
  kernelInitializer: Initializer;
  biasInitializer: Initializer;
}

/** NHWC Conv2D whose kernel is [kh, kw, inC, filters] and bias [filters], as tf.layers.conv2d's. */
export class UnfusedConv2D extends tf.layers.Layer {
  static className = "GradbookConv2D";
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;
  private readonly act: tf.layers.Layer | null;
  constructor(private readonly args: Conv2DArgs) {
    super(args.inputShape ? {inputShape: args.inputShape} : {});
    this.act = args.activation === "linear" ? null : tf.layers.activation({activation: args.activation as ActivationName});
  }
  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const [kh, kw] = this.args.kernelSize;
    this.kernel = this.addWeight("kernel", [kh, kw, s[s.length - 1] as number, this.args.filters], "float32", this.args.kernelInitializer);
    if (this.args.useBias) this.bias = this.addWeight("bias", [this.args.filters], "float32", this.args.biasInitializer);
    this.built = true;
  }
  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const {kernelSize: [kh, kw], strides: [sh, sw], padding, filters} = this.args;
    const out = (n: number, k: number, st: number) => padding === "same" ? Math.ceil(n / st) : Math.floor((n - k) / st) + 1;
    return [s[0], out(s[1] as number, kh, sh), out(s[2] as number, kw, sw), filters];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      let y: tf.Tensor = tf.conv2d(x, this.kernel!.read() as tf.Tensor4D, this.args.strides, this.args.padding);
      if (this.bias) y = tf.add(y, this.bias.read());
      return this.act ? (this.act.apply(y) as tf.Tensor) : y;
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    const {filters, kernelSize, strides, padding, activation, useBias} = this.args;
    return {...super.getConfig(), filters, kernelSize, strides, padding, activation, useBias};
  }
}
tf.serialization.registerClass(UnfusedConv2D);
