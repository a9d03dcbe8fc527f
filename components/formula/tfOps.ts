/** The evaluator's arithmetic on tf tensors (float32), so tf.grad can differentiate a formula as printed. */
import * as tf from "@tensorflow/tfjs";
import type {Ops} from "./evaluate.js";
import {checkElements} from "./limits.js";
import {applyBuiltin, COMPARE, shapeOf, type Value} from "./values.js";

const rank = (t: tf.Tensor) => t.rank;

/** The builtin computed on the tensors' values (jsOps), as a constant: no gradient flows through it. */
function constant(fn: string, args: tf.Tensor[]): tf.Tensor {
  return tf.tensor(applyBuiltin(fn, args.map((a) => a.arraySync() as Value)) as number | number[] | number[][]);
}

/** diag(v): a vector's diagonal matrix (differentiable: eye · v), a matrix's diagonal. */
function diag(x: tf.Tensor): tf.Tensor {
  if (x.rank === 0) return tf.reshape(x, [1, 1]);
  if (x.rank === 1) return tf.mul(tf.eye(x.shape[0]), tf.expandDims(x, 0));
  const n = Math.min(x.shape[0], x.shape[1] ?? 0);
  return tf.sum(tf.mul(tf.slice(x, [0, 0], [n, n]), tf.eye(n)), 1);
}

/** cases(v_1, c_1, …): tf.where from the last branch to the first, so the gradient flows through the branch taken. */
function cases(args: tf.Tensor[]): tf.Tensor {
  if (args.length < 2 || args.length % 2) throw new Error(`cases takes (value, condition) pairs, got ${args.length} arguments`);
  const shape = args.reduce<number[]>((s, a) => tf.broadcast_util.assertAndGetBroadcastShape(s, a.shape), []);
  const full = (t: tf.Tensor) => (t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]) ? t : tf.broadcastTo(t, shape));
  let out = tf.fill(shape, NaN);
  for (let k = args.length - 2; k >= 0; k -= 2) out = tf.where(tf.notEqual(full(args[k + 1]), 0), full(args[k]), out);
  return out;
}

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
      case "sinh":
        return tf.sinh(x);
      case "cosh":
        return tf.cosh(x);
      case "relu":
        return tf.relu(x);
      case "softplus":
        return tf.softplus(x);
      case "erf":
        return tf.erf(x);
      case "Phi":
        // Φ(x) = (1 + erf(x/√2))/2
        return tf.mul(0.5, tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));
      case "phi":
        // φ(x) = e^{−x²/2}/√(2π)
        return tf.div(tf.exp(tf.mul(-0.5, tf.square(x))), Math.sqrt(2 * Math.PI));
      case "floor":
        return tf.floor(x);
      case "ceil":
        return tf.ceil(x);
      case "entropy":
        return tf.neg(tf.sum(tf.mul(x, tf.log(x))));
      case "kl":
        return tf.sum(tf.mul(args[0], tf.log(tf.div(args[0], args[1]))));
      case "crossEntropy":
        return tf.neg(tf.sum(tf.mul(args[0], tf.log(args[1]))));
      case "diag":
        return diag(x);
      case "tr":
        return rank(x) === 0 ? x : tf.sum(tf.mul(x, tf.eye(x.shape[0], x.shape[1])));
      case "det":
        return rank(x) === 0 ? x : determinant(x as tf.Tensor2D);
      case "indicator":
        return x;
      case "factorial":
      case "lt":
      case "le":
      case "gt":
      case "ge":
      case "eq":
      case "neq":
      case "and":
        // piecewise constant in its operands (or, for n!, not differentiated): computed on the values, no gradient
        return constant(fn, args);
      case "cases":
        return cases(args);
      case "entry":
        return tf.gather(args[0], tf.sub(tf.cast(args[1], "int32"), 1));
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
      case "norm2":
        return rank(x) < 2 ? tf.sqrt(tf.sum(tf.square(x))) : spectralNorm(x as tf.Tensor2D);
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
      case "arcsin":
        return tf.asin(x);
      case "arccos":
        return tf.acos(x);
      case "arctan":
        return tf.atan(x);
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

/** det of a square matrix up to 3×3 by its cofactor expansion (differentiable with tf's tape); larger ones are refused. */
function determinant(m: tf.Tensor2D): tf.Tensor {
  const [n, k] = m.shape;
  if (n !== k) throw new Error(`only a square matrix has a determinant, got ${n}×${k}`);
  if (n > 3) throw new Error(`the determinant of a ${n}×${n} matrix is not differentiated here (up to 3×3)`);
  const e = (i: number, j: number) => tf.squeeze(tf.slice(m, [i, j], [1, 1]));
  if (n === 1) return e(0, 0);
  const minor = (a: number, b: number, c: number, d: number) => tf.sub(tf.mul(e(a, c), e(b, d)), tf.mul(e(a, d), e(b, c)));
  if (n === 2) return minor(0, 1, 0, 1);
  return tf.addN([tf.mul(e(0, 0), minor(1, 2, 1, 2)), tf.neg(tf.mul(e(0, 1), minor(1, 2, 0, 2))), tf.mul(e(0, 2), minor(1, 2, 0, 1))]);
}

/** ‖A‖₂ of a matrix: power iteration on AᵀA (100 steps, differentiable through tf's tape). */
function spectralNorm(a: tf.Tensor2D): tf.Tensor {
  const ata = tf.matMul(a, a, true, false);
  let v: tf.Tensor2D = tf.div(tf.ones([a.shape[1], 1]), Math.sqrt(a.shape[1]));
  for (let k = 0; k < 100; k++) {
    const w = tf.matMul(ata, v);
    v = tf.div(w, tf.norm(w)) as tf.Tensor2D;
  }
  return tf.sqrt(tf.norm(tf.matMul(ata, v)));
}
