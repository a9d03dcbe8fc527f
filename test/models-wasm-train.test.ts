/**
 * A small CNN built by build.ts trains on wasm (UnfusedConv2D + wasm/kernels.ts's gradient kernels) to the same
 * losses as the same model on tf's cpu backend (tf.layers.conv2d, tf's own kernels), without leaking tensors.
 */
import * as tf from "@tensorflow/tfjs";
import {afterAll, describe, expect, test} from "vitest";
import {useBackend} from "../components/models/backend.js";
import {buildModel, lossFunction, makeOptimizer, optimizerStep} from "../components/models/build.js";
import type {CompileSpec, KerasProgram, LayerSpec} from "../components/models/keras/program.js";
import {UnfusedConv2D} from "../components/models/wasm/conv-layer.js";
import {mulberry32} from "../components/math/random.js";

afterAll(async () => {
  await tf.setBackend("cpu");
});

const conv = (filters: number, padding: "valid" | "same", strides: [number, number] = [1, 1]): LayerSpec =>
  ({type: "conv2d", filters, kernelSize: [3, 3], strides, padding, activation: "relu", useBias: true, line: 1});
const spec: Pick<KerasProgram, "layers" | "inputShape"> = {
  inputShape: [12, 12, 2],
  layers: [
    conv(6, "same"),
    {type: "maxPooling2d", poolSize: [2, 2], strides: [2, 2], padding: "valid", line: 2},
    conv(8, "valid"),
    conv(5, "same", [2, 2]),
    {type: "maxPooling2d", poolSize: [2, 2], strides: [1, 1], padding: "valid", line: 4}, // overlapping windows
    {type: "flatten", line: 5},
    {type: "dense", units: 4, activation: "softmax", useBias: true, line: 6}
  ]
};
const OPT: CompileSpec["optimizer"] = {name: "adam", learningRate: 0.01, learningRateExplicit: true};

/** 20 Adam steps on fixed batches of 4 (seeded): the losses, and the tensor count after each step. */
async function trainLosses(backend: "cpu" | "wasm"): Promise<{losses: number[]; tensors: number[]; convClass: string}> {
  await useBackend(backend);
  const model = buildModel(spec, {seed: 11});
  const opt = makeOptimizer(OPT);
  const loss = lossFunction("sparse_categorical_crossentropy");
  const r = mulberry32(3);
  const xs = tf.tensor4d(Float32Array.from({length: 4 * 12 * 12 * 2}, () => r()), [4, 12, 12, 2]);
  const ys = tf.tensor1d([0, 1, 2, 3]);
  const losses: number[] = [], tensors: number[] = [];
  for (let step = 0; step < 20; step++) {
    const l = tf.tidy(() => optimizerStep(opt, OPT, () => loss(ys, model.apply(xs, {training: true}) as tf.Tensor)));
    losses.push((await l.data())[0]);
    l.dispose();
    tensors.push(tf.memory().numTensors);
  }
  const convClass = model.layers[0].getClassName();
  tf.dispose([xs, ys]);
  opt.dispose();
  model.dispose();
  return {losses, tensors, convClass};
}

describe("a CNN on wasm trains like on cpu", () => {
  test("20 Adam steps: same losses (within 1e-4 relative), the loss falls, no tensor left behind", async () => {
    const cpu = await trainLosses("cpu");
    const wasm = await trainLosses("wasm");
    expect(cpu.convClass).toBe("Conv2D");
    expect(wasm.convClass).toBe(UnfusedConv2D.className);
    for (let i = 0; i < 20; i++) expect(Math.abs(wasm.losses[i] - cpu.losses[i])).toBeLessThan(1e-4 * Math.max(1, cpu.losses[i]));
    expect(wasm.losses[19]).toBeLessThan(0.5 * wasm.losses[0]); // it learns the 4 labels
    expect(new Set(wasm.tensors.slice(2)).size).toBe(1); // constant after the optimizer made its slots
  });
});
