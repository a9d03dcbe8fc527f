import * as tf from "@tensorflow/tfjs";
import {afterAll, describe, expect, test} from "vitest";
import {useBackend} from "../components/models/backend.js";
import {buildModel} from "../components/models/build.js";
import {buildWasmModel, conv2dIm2col, maxPoolUpsampled} from "../components/models/im2col.js";
import {maxPoolComposed} from "../components/models/composed.js";
import type {LayerSpec} from "../components/models/keras/program.js";
import {mulberry32} from "../components/math/random.js";

afterAll(async () => {
  await tf.setBackend("cpu");
});

const rand = (shape: number[], seed: number) => {
  const r = mulberry32(seed);
  return tf.tensor(Float32Array.from({length: shape.reduce((a, b) => a * b, 1)}, () => r() * 2 - 1), shape);
};

async function valueAndGrads(conv: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D, x: tf.Tensor4D, w: tf.Tensor4D, dy: tf.Tensor) {
  const y = conv(x, w);
  const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), dy)))([x, w]);
  const out = await Promise.all([y.data(), dx.data(), dw.data()]);
  tf.dispose([y, dx, dw]);
  return out.map((a) => Array.from(a));
}

describe("conv2dIm2col", () => {
  test("by hand: a 3×3 input, a 2×2 kernel of ones → the 2×2 window sums; dw = the summed windows of x", async () => {
    await tf.setBackend("cpu");
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const w = tf.ones([2, 2, 1, 1]) as tf.Tensor4D;
    const [y, dx, dw] = await valueAndGrads(conv2dIm2col, x, w, tf.ones([1, 2, 2, 1]));
    expect(y).toEqual([12, 16, 24, 28]);
    expect(dx).toEqual([1, 2, 1, 2, 4, 2, 1, 2, 1]); // how many windows cover each pixel
    expect(dw).toEqual([12, 16, 24, 28]); // Σ over windows of the pixel at each kernel offset
  });

  for (const padding of ["valid", "same"] as const) {
    test(`value, dx and dw equal tf.conv2d's on cpu (B=2, 7×6×3 → 4 filters, 3×2 kernel, ${padding})`, async () => {
      await tf.setBackend("cpu");
      const x = rand([2, 7, 6, 3], 1) as tf.Tensor4D, w = rand([3, 2, 3, 4], 2) as tf.Tensor4D;
      const dyShape = padding === "valid" ? [2, 5, 5, 4] : [2, 7, 6, 4];
      const dy = rand(dyShape, 3);
      const ref = await valueAndGrads((a, b) => tf.conv2d(a, b, 1, padding), x, w, dy);
      const ours = await valueAndGrads((a, b) => conv2dIm2col(a, b, padding), x, w, dy);
      for (let k = 0; k < 3; k++) {
        expect(ours[k]).toHaveLength(ref[k].length);
        const err = Math.max(...ours[k].map((v, i) => Math.abs(v - ref[k][i])));
        expect(err).toBeLessThan(1e-4);
      }
    });
  }

  test("maxPoolUpsampled: by hand, and the same gradient as composed.ts on a 7×5 input (crop) with ties", async () => {
    await tf.setBackend("cpu");
    // windows [[1,2],[5,6]] → 6 and [[3,4],[7,8]] → 8; a tie window [[9,9],[1,1]]; the last column (cropped) gets 0
    const x = tf.tensor4d([1, 2, 3, 4, 0, 5, 6, 7, 8, 0, 9, 9, 1, 1, 0, 1, 1, 2, 2, 0], [1, 4, 5, 1]);
    const dy = tf.tensor4d([10, 20, 30, 40], [1, 2, 2, 1]);
    const f = (pool: typeof maxPoolUpsampled) => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pool(a as tf.Tensor4D, [2, 2]), dy)))(x);
    const y = await maxPoolUpsampled(x, [2, 2]).data();
    expect(Array.from(y)).toEqual([6, 8, 9, 2]);
    expect(Array.from(await f(maxPoolUpsampled).data())).toEqual([0, 0, 0, 0, 0, 0, 10, 0, 20, 0, 30, 30, 0, 0, 0, 0, 0, 40, 40, 0]);
    const big = rand([3, 7, 5, 2], 9) as tf.Tensor4D, dyBig = rand([3, 3, 2, 2], 10);
    const g = (pool: typeof maxPoolUpsampled) => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pool(a as tf.Tensor4D, [2, 2]), dyBig)))(big).data();
    expect(Array.from(await g(maxPoolUpsampled))).toEqual(Array.from(await g(maxPoolComposed)));
  });

  test("the wasm CNN (composed conv / im2col conv, upsampled pool) has build.ts's initial weights and trains one step to the cpu reference", async () => {
    const conv = (filters: number): LayerSpec => ({type: "conv2d", filters, kernelSize: [3, 3], strides: [1, 1], padding: "valid", activation: "relu", useBias: true, line: 1});
    const spec = {inputShape: [10, 10, 1], layers: [conv(3), {type: "maxPooling2d", poolSize: [2, 2], strides: [2, 2], padding: "valid", line: 2},
      {type: "flatten", line: 3}, {type: "dense", units: 2, activation: "softmax", useBias: true, line: 4}] as LayerSpec[]};
    const x = () => rand([4, 10, 10, 1], 5), y = () => tf.oneHot(tf.tensor1d([0, 1, 1, 0], "int32"), 2);
    const step = async (model: tf.LayersModel) => {
      const opt = tf.train.sgd(0.1);
      const xs = x(), ys = y();
      opt.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs) as tf.Tensor) as tf.Scalar);
      const w = await Promise.all(model.getWeights().map((t) => t.data()));
      tf.dispose([xs, ys]);
      opt.dispose();
      return w.map((a) => Array.from(a));
    };
    await tf.setBackend("cpu");
    const ref = buildModel(spec, {seed: 3, composedGradients: false});
    const refW0 = await Promise.all(ref.getWeights().map((t) => t.data()));
    const refW = await step(ref);
    ref.dispose();
    await useBackend("wasm");
    for (const conv of ["composed", "im2col"] as const) {
      const m = buildWasmModel(spec, {seed: 3, conv});
      const w0 = await Promise.all(m.getWeights().map((t) => t.data()));
      expect(w0.map((a) => Array.from(a))).toEqual(refW0.map((a) => Array.from(a)));
      const w = await step(m);
      m.dispose();
      for (let k = 0; k < w.length; k++) expect(Math.max(...w[k].map((v, i) => Math.abs(v - refW[k][i])))).toBeLessThan(1e-4);
    }
  });
});
