import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, test} from "vitest";
import {attention} from "../components/math/attention.js";
import {binaryCrossEntropy} from "../components/math/binaryCrossEntropy.js";
import {categoricalCrossEntropy} from "../components/math/categoricalCrossEntropy.js";
import {dense} from "../components/math/dense.js";
import {matMul, transpose} from "../components/math/matrix.js";
import {mse} from "../components/math/mse.js";
import {mulberry32, randn} from "../components/math/random.js";
import {sigmoid} from "../components/math/sigmoid.js";
import {softmax} from "../components/math/softmax.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const rng = mulberry32(2024);
const vec = (n: number) => Array.from({length: n}, () => randn(rng));
const mat = (r: number, c: number) => Array.from({length: r}, () => vec(c));
const probs = (n: number) => Array.from({length: n}, () => 0.05 + 0.9 * rng());
const expectClose = (a: number[] | number[][] | number, b: number[] | number[][] | number, tol = 1e-6) => {
  const fa = [a].flat(2) as number[], fb = [b].flat(2) as number[];
  expect(fa.length).toBe(fb.length);
  fa.forEach((x, i) => expect(Math.abs(x - fb[i])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(fb[i]))));
};

describe("mse(y, yHat)", () => {
  test("hand-computed: ((1-0)^2 + (2-4)^2 + (3-3)^2)/3 = 5/3", () => {
    expect(mse([1, 2, 3], [0, 4, 3])).toBeCloseTo(5 / 3, 15);
  });
  test("equals tf.losses.meanSquaredError", () => {
    const y = vec(8), p = vec(8);
    expectClose(mse(y, p), tf.losses.meanSquaredError(y, p).arraySync() as number);
  });
  test("rejects different lengths", () => expect(() => mse([1], [1, 2])).toThrow(/1 labels but 2 predictions/));
});

describe("binaryCrossEntropy(y, p)", () => {
  test("hand-computed: y=[1,0], p=[0.8,0.4] → -(ln 0.8 + ln 0.6)/2", () => {
    expect(binaryCrossEntropy([1, 0], [0.8, 0.4])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 12);
  });
  test("equals tf.losses.logLoss and sigmoidCrossEntropy on logits", () => {
    const y = [1, 0, 1, 1, 0, 0, 1, 0], p = probs(8);
    expectClose(binaryCrossEntropy(y, p), tf.losses.logLoss(y, p).arraySync() as number);
    const logits = vec(8);
    expectClose(binaryCrossEntropy(y, logits.map(sigmoid)), tf.losses.sigmoidCrossEntropy(y, logits).arraySync() as number);
  });
  test("rejects probabilities outside [0, 1]", () => expect(() => binaryCrossEntropy([1], [1.5])).toThrow(/p\[0\] = 1.5/));
});

describe("categoricalCrossEntropy(y, p)", () => {
  test("hand-computed: one sample, target class 2 with p=0.7 → -ln 0.7", () => {
    expect(categoricalCrossEntropy([[0, 1, 0]], [[0.2, 0.7, 0.1]])).toBeCloseTo(-Math.log(0.7), 15);
  });
  test("equals tf.losses.softmaxCrossEntropy on logits", () => {
    const logits = mat(5, 4);
    const y = logits.map((_, i) => [0, 1, 2, 3].map((c) => (c === i % 4 ? 1 : 0)));
    expectClose(categoricalCrossEntropy(y, logits.map(softmax)), tf.losses.softmaxCrossEntropy(y, logits).arraySync() as number);
  });
});

describe("sigmoid(x)", () => {
  test("hand values and symmetry", () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(Math.log(3))).toBeCloseTo(0.75, 15);
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoid(800)).toBe(1);
  });
  test("equals tf.sigmoid", () => {
    const x = vec(10).map((v) => 4 * v);
    expectClose(x.map(sigmoid), tf.sigmoid(x).arraySync() as number[]);
  });
});

describe("softmax(z)", () => {
  test("hand-computed: softmax([0, ln 2, ln 3]) = [1, 2, 3]/6; shift-invariant", () => {
    expectClose(softmax([0, Math.log(2), Math.log(3)]), [1 / 6, 2 / 6, 3 / 6], 1e-12);
    expectClose(softmax([1000, 1000 + Math.log(2)]), [1 / 3, 2 / 3], 1e-12);
  });
  test("equals tf.softmax", () => {
    const z = vec(6);
    expectClose(softmax(z), tf.softmax(z).arraySync() as number[]);
  });
});

describe("dense(x, W, b, activation)", () => {
  test("hand-computed: W=[[1,2],[0,-1]], x=[3,4], b=[1,1] → [12, -3]", () => {
    expect(dense([3, 4], [[1, 2], [0, -1]], [1, 1])).toEqual([12, -3]);
    expectClose(dense([3, 4], [[1, 2], [0, -1]], [1, 1], "relu"), [12, 0]);
  });
  test("equals tf matMul + add + sigmoid", () => {
    const W = mat(3, 4), x = vec(4), b = vec(3);
    const ref = tf.sigmoid(tf.add(tf.matMul(tf.tensor2d(W), tf.tensor2d(x, [4, 1])).reshape([3]), b)).arraySync() as number[];
    expectClose(dense(x, W, b, "sigmoid"), ref);
  });
  test("rejects a bias of the wrong size", () => expect(() => dense([1], [[1]], [1, 2])).toThrow(/1 rows \(units\) but b has 2/));
});

describe("attention(Q, K, V)", () => {
  test("hand-computed: identical keys give the mean of V", () => {
    expectClose(attention([[1, 0]], [[1, 1], [1, 1]], [[2, 0], [4, 2]]), [[3, 1]], 1e-12);
  });
  test("hand-computed 1×1: softmax([q k1/1, q k2/1]) with q=1, k=[0, ln 3] → weights [1/4, 3/4]", () => {
    expectClose(attention([[1]], [[0], [Math.log(3)]], [[4], [8]]), [[7]], 1e-12);
  });
  test("equals tf softmax(QKᵀ/√d_k)V", () => {
    const Q = mat(3, 4), K = mat(5, 4), V = mat(5, 2);
    const ref = tf.matMul(tf.softmax(tf.div(tf.matMul(tf.tensor2d(Q), tf.tensor2d(K), false, true), Math.sqrt(4))), tf.tensor2d(V)).arraySync() as number[][];
    expectClose(attention(Q, K, V), ref);
  });
  test("matMul/transpose agree with tf", () => {
    const A = mat(2, 3), B = mat(3, 2);
    expectClose(matMul(A, B), tf.matMul(A, B).arraySync() as number[][]);
    expect(transpose([[1, 2, 3]])).toEqual([[1], [2], [3]]);
  });
  test("rejects mismatched shapes", () => expect(() => attention([[1, 2]], [[1]], [[1]])).toThrow(/Q has 2 columns but K has 1/));
});
