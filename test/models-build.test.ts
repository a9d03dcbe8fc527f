import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, test} from "vitest";
import {buildModel, countParams, lossFunction, closedFormTheta, runNumpyGd} from "../components/models/build.js";
import {translatePython} from "../components/models/keras/translate.js";
import type {KerasProgram, LayerSpec, NumpyGdProgram} from "../components/models/keras/program.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
  await tf.ready();
});

const dense = (units: number, activation: "relu" | "softmax" | "sigmoid", line = 1): LayerSpec => ({type: "dense", units, activation, useBias: true, line});
const conv = (filters: number): LayerSpec => ({type: "conv2d", filters, kernelSize: [3, 3], strides: [1, 1], padding: "valid", activation: "relu", useBias: true, line: 1});
const pool: LayerSpec = {type: "maxPooling2d", poolSize: [2, 2], strides: [2, 2], padding: "valid", line: 1};
const CNN: LayerSpec[] = [conv(32), pool, conv(64), pool, conv(64), {type: "flatten", line: 1}, dense(64, "relu"), dense(10, "softmax")];

describe("buildModel: parameter counts equal Keras'", () => {
  test("000 MLP 784-128-10 has 101,770 parameters (784·128+128 + 128·10+10)", () => {
    const m = buildModel({inputShape: [784], layers: [dense(128, "relu"), {type: "dropout", rate: 0.2, line: 1}, dense(10, "softmax")]});
    expect(countParams(m)).toBe(784 * 128 + 128 + 128 * 10 + 10);
    expect(countParams(m)).toBe(101_770);
    expect(m.outputs[0].shape).toEqual([null, 10]);
    m.dispose();
  });

  test("002 CNN on 28×28×1: 320 + 18,496 + 36,928 + 36,928 + 650 = 93,322", () => {
    // conv 3·3·1·32+32 → 26² → pool 13² → conv 3·3·32·64+64 → 11² → pool 5² → conv 3·3·64·64+64 → 3²·64 = 576 → dense 576·64+64 → 64·10+10
    const m = buildModel({inputShape: [28, 28, 1], layers: CNN});
    expect(countParams(m)).toBe(320 + 18_496 + 36_928 + 36_928 + 650);
    expect(countParams(m)).toBe(93_322);
    m.dispose();
  });

  test("003 CNN on 32×32×3: 896 + 18,496 + 36,928 + 65,600 + 650 = 122,570", () => {
    // conv 3·3·3·32+32 → 30² → 15² → 13² → 6² → 4²·64 = 1024 → dense 1024·64+64
    const m = buildModel({inputShape: [32, 32, 3], layers: CNN});
    expect(countParams(m)).toBe(122_570);
    m.dispose();
  });

  test("001 from its translated code: 3·10+10 + 10·1+1 = 51", () => {
    const p = translatePython([
      "import tensorflow as tf",
      "def build_model(input_shape):",
      "    return tf.keras.Sequential([tf.keras.layers.Dense(units=10, activation='relu', input_shape=input_shape), tf.keras.layers.Dense(units=1, activation='sigmoid')])",
      "model = build_model((3,))",
      "model.compile(optimizer='adam', loss='binary_crossentropy')",
      "model.fit(xx, yy)"
    ].join("\n"), {file: "t.md", line: 0, chapterText: ""});
    // xx is undefined and input (3,) is not MNIST: the translator refuses, so build from the layers it read
    expect(p.program).toBeUndefined();
    const m = buildModel({inputShape: [3], layers: [dense(10, "relu"), dense(1, "sigmoid")]});
    expect(countParams(m)).toBe(51);
    m.dispose();
  });

  test("same seed → same weights; different seed → different weights", async () => {
    const spec = {inputShape: [4], layers: [dense(3, "relu")]};
    const a = buildModel(spec, {seed: 7}), b = buildModel(spec, {seed: 7}), c = buildModel(spec, {seed: 8});
    const [wa, wb, wc] = await Promise.all([a, b, c].map((m) => m.getWeights()[0].data()));
    expect(Array.from(wa)).toEqual(Array.from(wb));
    expect(Array.from(wa)).not.toEqual(Array.from(wc));
    // glorot_uniform limit sqrt(6 / (fan_in + fan_out)) = sqrt(6/7)
    expect(Math.max(...Array.from(wa).map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 7));
    [a, b, c].forEach((m) => m.dispose());
  });

  test("bad input: a clear error naming the layer", () => {
    expect(() => buildModel({inputShape: [], layers: [dense(1, "relu")]})).toThrow(/bad input shape/);
    expect(() => buildModel({inputShape: [5, 5, 1], layers: [conv(2), pool, conv(2), pool]})).toThrow(/layer 3 \(conv2d, line 1\)/);
  });
});

describe("lossFunction matches tfjs' own losses", () => {
  test("sparse categorical cross-entropy = tf.losses.softmaxCrossEntropy on probabilities' logits", async () => {
    const probs = tf.tensor2d([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]);
    const labels = tf.tensor1d([0, 2]);
    const ours = await lossFunction("sparse_categorical_crossentropy")(labels, probs).data();
    expect(ours[0]).toBeCloseTo(-(Math.log(0.7) + Math.log(0.8)) / 2, 6);
  });
  test("binary cross-entropy = tf.metrics.binaryCrossentropy", async () => {
    const p = tf.tensor2d([[0.9], [0.2], [0.6]]), y = tf.tensor1d([1, 0, 0]);
    const ours = (await lossFunction("binary_crossentropy")(y, p).data())[0];
    const ref = (await tf.metrics.binaryCrossentropy(y.reshape([3, 1]), p).mean().data())[0];
    expect(ours).toBeCloseTo(ref, 5);
    expect(ours).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8) + Math.log(0.4)) / 3, 6);
  });
});

describe("runNumpyGd: chapter 004 as written", () => {
  const code = [
    "import numpy as np",
    "class LinearRegressionModel:",
    "    def __init__(self, learning_rate=0.01, num_iterations=1000):",
    "        self.learning_rate = learning_rate",
    "        self.num_iterations = num_iterations",
    "        self.theta = None",
    "    def fit(self, X, y):",
    "        self.theta = np.zeros(X.shape[1])",
    "        for _ in range(self.num_iterations):",
    "            predictions = X @ self.theta",
    "            loss = 0.5 * (predictions - y).sum()",
    "            gradient = X.T @ (predictions - y)",
    "            self.theta -= self.learning_rate * gradient",
    "X = np.random.rand(100, 1)",
    "y = 2 * X[:, 0] + 0.5 + np.random.randn(100) * 0.1",
    "model = LinearRegressionModel()",
    "model.fit(X, y)"
  ].join("\n");
  const p = translatePython(code, {file: "t.md", line: 0}).program as NumpyGdProgram;

  test("θ equals the closed form Σxy/Σx² within 1e-3 after 1000 steps, and is ≈ 2.7 (no bias)", () => {
    const run = runNumpyGd(p, {seed: 1});
    const xs = Array.from(run.X.data), ys = Array.from(run.y.data);
    const sxy = xs.reduce((s, x, i) => s + x * ys[i], 0), sxx = xs.reduce((s, x) => s + x * x, 0);
    expect(run.theta).toHaveLength(1);
    expect(Math.abs(run.theta[0] - sxy / sxx)).toBeLessThan(1e-3);
    expect(closedFormTheta(run.X, run.y)[0]).toBeCloseTo(sxy / sxx, 10);
    expect(run.theta[0]).toBeGreaterThan(2.5);
    expect(run.theta[0]).toBeLessThan(2.9);
    expect(run.thetas).toHaveLength(1001);
    expect(run.mse[999]).toBeLessThan(run.mse[0]);
  });

  test("first step by hand: θ₁ = 0.01 · Σxy, chapter loss₀ = −0.5 · Σy", () => {
    const run = runNumpyGd(p, {seed: 3, iterations: 1});
    const xs = Array.from(run.X.data), ys = Array.from(run.y.data);
    expect(run.theta[0]).toBeCloseTo(0.01 * xs.reduce((s, x, i) => s + x * ys[i], 0), 12);
    expect(run.chapterLoss[0]).toBeCloseTo(-0.5 * ys.reduce((s, v) => s + v, 0), 12);
  });

  test("a learning rate too large diverges with a clear error", () => {
    expect(() => runNumpyGd({...p, learningRate: 1}, {seed: 1})).toThrow(/diverged at iteration \d+ \(learning rate 1 is too large\)/);
  });
});
