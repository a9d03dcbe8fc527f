/**
 * A PyTorch CNN (init "pytorch") on wasm: build.ts uses the composed convolution there too (wasm has no conv
 * gradient kernels), with PyTorch's U(±1/√fan_in) weights — the same initial weights as the cpu model, and one
 * training step on wasm lands on the cpu reference.
 */
import * as tf from "@tensorflow/tfjs";
import {afterAll, describe, expect, test} from "vitest";
import {useBackend} from "../components/models/backend.js";
import {buildModel, lossFunction, makeOptimizer, optimizerStep} from "../components/models/build.js";
import type {KerasProgram} from "../components/models/keras/program.js";

afterAll(async () => {
  await tf.setBackend("cpu");
});

const spec: Pick<KerasProgram, "layers" | "inputShape" | "init" | "compile"> = {
  init: "pytorch", inputShape: [8, 8, 1],
  layers: [
    {type: "conv2d", filters: 4, kernelSize: [3, 3], strides: [1, 1], padding: "valid", activation: "relu", useBias: true, line: 1},
    {type: "maxPooling2d", poolSize: [2, 2], strides: [2, 2], padding: "valid", line: 2},
    {type: "flatten", line: 3},
    {type: "dense", units: 3, activation: "linear", useBias: true, line: 4}
  ],
  compile: {optimizer: {name: "sgd", learningRate: 0.1, learningRateExplicit: true, momentum: 0.9, weightDecay: 0.01}, loss: "sparse_categorical_crossentropy", fromLogits: true, metrics: [], line: 5}
};

/** Initial weights, then the weights after one step on a fixed batch, on the current backend. */
async function oneStep(composed: boolean): Promise<{before: Float32Array[]; after: Float32Array[]}> {
  const m = buildModel(spec, {seed: 5, composedGradients: composed});
  const before = await Promise.all(m.getWeights().map((w) => w.data() as Promise<Float32Array>));
  const x = tf.tensor4d(Float32Array.from({length: 2 * 64}, (_, i) => Math.sin(i * 0.37)), [2, 8, 8, 1]);
  const y = tf.tensor1d([0, 2]);
  const opt = makeOptimizer(spec.compile.optimizer);
  const loss = lossFunction("sparse_categorical_crossentropy", true);
  tf.tidy(() => optimizerStep(opt, spec.compile.optimizer, () => loss(y, m.apply(x, {training: true}) as tf.Tensor)));
  const after = await Promise.all(m.getWeights().map((w) => w.data() as Promise<Float32Array>));
  tf.dispose([x, y]);
  m.dispose();
  return {before, after};
}

describe("PyTorch-initialised CNN through the composed layers", () => {
  test("same initial weights as tf's conv2d (bounds 1/√9 and 1/√36), and one wasm step equals the cpu step", async () => {
    await tf.setBackend("cpu");
    const ref = await oneStep(false);
    const composed = await oneStep(true);
    expect(composed.before.map((w) => Array.from(w))).toEqual(ref.before.map((w) => Array.from(w)));
    const kernelMax = Math.max(...ref.before[0].map(Math.abs)), denseMax = Math.max(...ref.before[2].map(Math.abs));
    expect(kernelMax).toBeLessThanOrEqual(1 / 3);
    expect(kernelMax).toBeGreaterThan(0.2);
    expect(denseMax).toBeLessThanOrEqual(1 / 6);
    expect(Math.max(...ref.before[1].map(Math.abs))).toBeGreaterThan(0); // PyTorch biases are not zero
    await useBackend("wasm");
    const wasm = await oneStep(true);
    for (let i = 0; i < ref.after.length; i++) {
      expect(Array.from(wasm.before[i])).toEqual(Array.from(ref.before[i]));
      for (let j = 0; j < ref.after[i].length; j++) expect(wasm.after[i][j]).toBeCloseTo(ref.after[i][j], 4);
      expect(Array.from(wasm.after[i])).not.toEqual(Array.from(ref.before[i]));
    }
  });
});
