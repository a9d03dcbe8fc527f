import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, test} from "vitest";
import {conv2dComposed, maxPoolComposed} from "../components/models/composed.js";
import {buildModel, countParams} from "../components/models/build.js";
import {chooseBackend} from "../components/models/backend.js";
import type {LayerSpec} from "../components/models/keras/program.js";
import {mulberry32} from "../components/math/random.js";

const rand = (shape: number[], seed: number) => {
  const r = mulberry32(seed);
  return tf.tensor(Float32Array.from({length: shape.reduce((a, b) => a * b, 1)}, () => r() * 2 - 1), shape);
};

async function close(a: tf.Tensor, b: tf.Tensor, tol = 1e-4) {
  expect(a.shape).toEqual(b.shape);
  const [x, y] = await Promise.all([a.data(), b.data()]);
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
  expect(worst).toBeLessThan(tol);
}

describe("composed gradients equal tf's own kernels (cpu backend as reference)", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
  });

  test("conv2d: value, dx and dw", async () => {
    const x = rand([2, 7, 6, 3], 1) as tf.Tensor4D, w = rand([3, 2, 3, 4], 2) as tf.Tensor4D, g = rand([2, 5, 5, 4], 3);
    const loss = (conv: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor) => (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), g));
    const ref = tf.grads(loss((a, b) => tf.conv2d(a, b, 1, "valid")))([x, w]);
    const ours = tf.grads(loss(conv2dComposed))([x, w]);
    await close(conv2dComposed(x, w), tf.conv2d(x, w, 1, "valid"));
    await close(ours[0], ref[0]);
    await close(ours[1], ref[1]);
  });

  test("maxPool 2×2 on odd sizes (13 → 6, last row dropped): value and dx", async () => {
    const x = rand([2, 13, 11, 3], 4) as tf.Tensor4D, g = rand([2, 6, 5, 3], 5);
    const f = (pool: (a: tf.Tensor4D) => tf.Tensor) => (a: tf.Tensor) => tf.sum(tf.mul(pool(a as tf.Tensor4D), g));
    await close(maxPoolComposed(x, [2, 2]), tf.maxPool(x, 2, 2, "valid"));
    await close(tf.grad(f((a) => maxPoolComposed(a, [2, 2])))(x), tf.grad(f((a) => tf.maxPool(a, 2, 2, "valid")))(x));
  });

  test("the chapter CNN built with composed layers has the same parameters and outputs", async () => {
    const conv = (filters: number): LayerSpec => ({type: "conv2d", filters, kernelSize: [3, 3], strides: [1, 1], padding: "valid", activation: "relu", useBias: true, line: 1});
    const pool: LayerSpec = {type: "maxPooling2d", poolSize: [2, 2], strides: [2, 2], padding: "valid", line: 1};
    const spec = {inputShape: [28, 28, 1], layers: [conv(32), pool, conv(64), pool, conv(64), {type: "flatten", line: 1} as LayerSpec,
      {type: "dense", units: 10, activation: "softmax", useBias: true, line: 1} as LayerSpec]};
    const a = buildModel(spec, {seed: 3, composedGradients: true}), b = buildModel(spec, {seed: 3, composedGradients: false});
    expect(countParams(a)).toBe(countParams(b));
    expect(countParams(a)).toBe(320 + 18_496 + 36_928 + 576 * 10 + 10);
    const x = rand([2, 28, 28, 1], 9);
    await close(a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor, 1e-5);
    a.dispose();
    b.dispose();
  });
});

describe("on the wasm backend (whose Conv2DBackpropFilter is wasm/kernels.ts's)", () => {
  test("the composed gradients match cpu, and so do tf's own conv gradients there", async () => {
    const x = rand([1, 6, 6, 2], 6) as tf.Tensor4D, w = rand([3, 3, 2, 2], 7) as tf.Tensor4D;
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(maxPoolComposed(conv2dComposed(a as tf.Tensor4D, b as tf.Tensor4D), [2, 2]));
    const ref = tf.grads(f)([x, w]);
    const refData = await Promise.all(ref.map((t) => t.data()));
    await chooseBackend("wasm");
    const xw = tf.tensor(await x.data(), x.shape) as tf.Tensor4D, ww = tf.tensor(await w.data(), w.shape) as tf.Tensor4D;
    const own = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.maxPool(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "valid"), 2, 2, "valid")))([xw, ww]);
    const ours = tf.grads(f)([xw, ww]);
    for (const g of [ours, own]) {
      const d = await Promise.all(g.map((t) => t.data()));
      for (let k = 0; k < 2; k++) for (let i = 0; i < d[k].length; i++) expect(d[k][i]).toBeCloseTo(refData[k][i], 4);
    }
    await tf.setBackend("cpu");
  });
});
