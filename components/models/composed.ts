/**
 * Conv2D and MaxPooling2D whose gradients are written with forward ops only (conv2d, pad, reverse, transpose,
 * reshape, equal) — how a CNN trained on wasm before wasm/kernels.ts gave that backend real gradient kernels
 * (tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter). The page no longer builds them (build.ts: UnfusedConv2D);
 * they stay as the bench's comparison (`composedGradients: true`) and as forward-op-only references in tests.
 * Only stride 1 'valid' convolutions and non-overlapping 'valid' pooling are composed; anything else uses tf's
 * own ops. No DOM.
 */
import * as tf from "@tensorflow/tfjs";

/** y = conv2d(x, w) (stride 1, valid) with dx, dw computed by convolutions. */
export function conv2dComposed(x: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xa, wb, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([xa, wb]);
    return {
      value: tf.conv2d(xa, wb, 1, "valid"),
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        const [kh, kw] = ws.shape;
        const d = dy as tf.Tensor4D;
        // dx[b,p,q,ci] = Σ dy[b,i,j,co]·w[p−i,q−j,ci,co]: full correlation with the flipped kernel
        const wFlip = tf.transpose(tf.reverse(ws, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
        const dx = tf.conv2d(tf.pad(d, [[0, 0], [kh - 1, kh - 1], [kw - 1, kw - 1], [0, 0]]) as tf.Tensor4D, wFlip, 1, "valid");
        // dw[p,q,ci,co] = Σ x[b,p+i,q+j,ci]·dy[b,i,j,co]: channels as batch, batch as channels
        const xT = tf.transpose(xs, [3, 1, 2, 0]) as tf.Tensor4D;
        const dyT = tf.transpose(d, [1, 2, 0, 3]) as tf.Tensor4D;
        const dw = tf.transpose(tf.conv2d(xT, dyT, 1, "valid"), [1, 2, 0, 3]);
        return [dx, dw];
      }
    };
  });
  return f(x, w) as tf.Tensor4D;
}

/**
 * Max pooling with pool = stride, 'valid'. The gradient upsamples the pooled maxima and dy with
 * resizeNearestNeighbor (a fast wasm kernel; a 6-D broadcast mask was the slowest step of a CNN on wasm, about 10×
 * slower, bench/train.bench.ts): dy flows to every input equal to its window's maximum (ties share it).
 */
export function maxPoolComposed(x: tf.Tensor4D, pool: [number, number]): tf.Tensor4D {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xa, save] = args as [tf.Tensor4D, tf.GradSaveFunc];
    const y = tf.maxPool(xa, pool, pool, "valid");
    save([xa, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [xs, ys] = saved as [tf.Tensor4D, tf.Tensor4D];
        const [B, H, W, C] = xs.shape;
        const h = ys.shape[1] * pool[0], w = ys.shape[2] * pool[1];
        const whole = h === H && w === W;
        const crop = whole ? xs : tf.slice(xs, [0, 0, 0, 0], [B, h, w, C]);
        const up = (t: tf.Tensor4D) => tf.image.resizeNearestNeighbor(t, [h, w]);
        const dx = tf.mul(tf.cast(tf.equal(crop, up(ys)), "float32"), up(dy));
        return whole ? dx : tf.pad(dx, [[0, 0], [0, H - h], [0, W - w], [0, 0]]);
      }
    };
  });
  return f(x) as tf.Tensor4D;
}

type Act = (t: tf.Tensor) => tf.Tensor;
const ACT: Record<string, Act> = {
  linear: (t) => t, relu: tf.relu, relu6: tf.relu6, sigmoid: tf.sigmoid, tanh: tf.tanh, elu: tf.elu, selu: tf.selu,
  softplus: tf.softplus, softmax: (t) => tf.softmax(t), swish: (t) => tf.mul(t, tf.sigmoid(t))
};

export interface ComposedConvArgs {
  filters: number;
  kernelSize: [number, number];
  activation: string;
  useBias: boolean;
  seed: number;
  inputShape?: number[];
  /** Default: Keras' glorot_uniform (seeded) and zeros; build.ts passes PyTorch's U(±1/√fan_in) for init "pytorch". */
  kernelInitializer?: ReturnType<typeof tf.initializers.zeros>;
  biasInitializer?: ReturnType<typeof tf.initializers.zeros>;
}

/** A Conv2D layer (stride 1, valid) training through conv2dComposed; Keras' glorot_uniform / zeros initialisers unless given. */
export class ComposedConv2D extends tf.layers.Layer {
  static className = "GradbookComposedConv2D";
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;
  constructor(private readonly args: ComposedConvArgs) {
    super(args.inputShape ? {inputShape: args.inputShape} : {});
    if (!ACT[args.activation]) throw new Error(`activation ${args.activation} is not available for the composed Conv2D`);
  }
  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const ci = s[s.length - 1] as number;
    const [kh, kw] = this.args.kernelSize;
    this.kernel = this.addWeight("kernel", [kh, kw, ci, this.args.filters], "float32", this.args.kernelInitializer ?? tf.initializers.glorotUniform({seed: this.args.seed}));
    if (this.args.useBias) this.bias = this.addWeight("bias", [this.args.filters], "float32", this.args.biasInitializer ?? tf.initializers.zeros());
    this.built = true;
  }
  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const [kh, kw] = this.args.kernelSize;
    return [s[0], (s[1] as number) - kh + 1, (s[2] as number) - kw + 1, this.args.filters];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      let y: tf.Tensor = conv2dComposed(x, this.kernel!.read() as tf.Tensor4D);
      if (this.bias) y = tf.add(y, this.bias.read());
      return ACT[this.args.activation](y);
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    const {filters, kernelSize, activation, useBias, seed} = this.args;
    return {...super.getConfig(), filters, kernelSize, activation, useBias, seed};
  }
}
tf.serialization.registerClass(ComposedConv2D);

/** MaxPooling2D (pool = strides, valid) training through maxPoolComposed. */
export class ComposedMaxPool2D extends tf.layers.Layer {
  static className = "GradbookComposedMaxPool2D";
  constructor(private readonly pool: [number, number], inputShape?: number[]) {
    super(inputShape ? {inputShape} : {});
  }
  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s[0], Math.floor((s[1] as number) / this.pool[0]), Math.floor((s[2] as number) / this.pool[1]), s[3]];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return maxPoolComposed(x, this.pool);
  }
  override getConfig(): tf.serialization.ConfigDict {
    return {...super.getConfig(), pool: this.pool};
  }
}
tf.serialization.registerClass(ComposedMaxPool2D);
