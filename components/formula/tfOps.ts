/** The evaluator's arithmetic on tf tensors (float32), so tf.grad can differentiate a formula as printed. */
import * as tf from "@tensorflow/tfjs";
import type {Ops} from "./evaluate.js";
import {checkElements} from "./limits.js";
import {shapeOf, type Value} from "./values.js";

const rank = (t: tf.Tensor) => t.rank;

export const tfOps: Ops<tf.Tensor> = {
  lift: (v: Value) => {
    checkElements(shapeOf(v));
    return tf.tensor(v as number | number[] | number[][]);
  },
  add: (a, b) => tf.add(a, b),
  sub: (a, b) => tf.sub(a, b),
  mul: (a, b) => {
    if (rank(a) === 0 || rank(b) === 0) return tf.mul(a, b);
    if (rank(a) === 1 && rank(b) === 1) {
      if (a.shape[0] !== b.shape[0]) throw new Error(`product: vectors of ${a.shape[0]} and ${b.shape[0]} entries`);
      return tf.sum(tf.mul(a, b));
    }
    if (rank(a) === 2 && rank(b) === 1) return tf.squeeze(tf.matMul(a as tf.Tensor2D, tf.expandDims(b, 1) as tf.Tensor2D), [1]);
    if (rank(a) === 1 && rank(b) === 2) return tf.squeeze(tf.matMul(tf.expandDims(a, 0) as tf.Tensor2D, b as tf.Tensor2D), [0]);
    return tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D);
  },
  div: (a, b) => tf.div(a, b),
  neg: (a) => tf.neg(a),
  pow: (a, b) => {
    if (rank(b) !== 0) throw new Error("an exponent must be a scalar");
    const e = b.arraySync() as number;
    return e === 2 ? tf.square(a) : tf.pow(a, b);
  },
  transpose: (a) => (rank(a) === 2 ? tf.transpose(a) : a),
  call: (fn, args) => {
    const [x] = args;
    switch (fn) {
      case "log":
      case "ln":
        return tf.log(x);
      case "exp":
        return tf.exp(x);
      case "sqrt":
        return tf.sqrt(x);
      case "sigma":
        return tf.sigmoid(x);
      case "tanh":
        return tf.tanh(x);
      case "relu":
        return tf.relu(x);
      case "hadamard":
        return tf.mul(args[0], args[1]);
      case "abs":
        return tf.abs(x);
      case "sign":
        return tf.sign(x);
      case "sqnorm":
        return tf.sum(tf.square(x));
      case "norm":
        return tf.sqrt(tf.sum(tf.square(x)));
      case "norm1":
        return tf.sum(tf.abs(x));
      case "max":
      case "min": {
        if (args.length === 2) return fn === "max" ? tf.maximum(args[0], args[1]) : tf.minimum(args[0], args[1]);
        const all = tf.concat(args.map((a) => tf.reshape(a, [-1])));
        return fn === "max" ? tf.max(all) : tf.min(all);
      }
      case "sin":
        return tf.sin(x);
      case "cos":
        return tf.cos(x);
      case "softmax":
        return rank(x) === 0 ? tf.onesLike(x) : tf.softmax(x);
      case "Attention": {
        const [Q, K, V] = args;
        const dk = K.shape[1] ?? 1;
        return tf.matMul(tf.softmax(tf.div(tf.matMul(Q as tf.Tensor2D, K as tf.Tensor2D, false, true), Math.sqrt(dk))) as tf.Tensor2D, V as tf.Tensor2D);
      }
      default:
        throw new Error(`unknown function ${fn}`);
    }
  },
  index: (a, k) => {
    if (rank(a) === 0) throw new Error("cannot take an entry of a scalar");
    if (!Number.isInteger(k) || k < 1 || k > a.shape[0]) throw new Error(`index ${k} is outside 1..${a.shape[0]}`);
    return tf.squeeze(tf.slice(a, [k - 1], [1]), [0]);
  },
  length: (a) => (rank(a) === 0 ? 1 : a.shape[0]),
  stack: (items) => {
    checkElements([items.reduce((n, t) => n + t.size, 0)]);
    return tf.stack(items);
  },
  toNumber: (a) => (rank(a) === 0 ? (a.arraySync() as number) : undefined),
  shape: (a) => a.shape,
  // A tf op (with the gradient tape) costs microseconds where a JS scalar op costs nanoseconds.
  opCost: 100
};
