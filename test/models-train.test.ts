import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, test} from "vitest";
import {buildModel} from "../components/models/build.js";
import {tableDataset, type Dataset} from "../components/models/datasets.js";
import {evaluate, train, type TrainStep} from "../components/models/train.js";
import {mulberry32, randn} from "../components/math/random.js";
import type {LayerSpec} from "../components/models/keras/program.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
  await tf.ready();
});

/** Two Gaussian blobs in 2-D, centred at (±2, ±2): linearly separable up to a tiny overlap. */
function blobs(n: number, seed: number): Dataset {
  const rng = mulberry32(seed);
  const rows: number[][] = [], labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const s = c ? 2 : -2;
    rows.push([s + 0.7 * randn(rng), s + 0.7 * randn(rng)]);
    labels.push(c);
  }
  return tableDataset(rows, labels, "blobs");
}

const mlp = (out: LayerSpec): {inputShape: number[]; layers: LayerSpec[]} => ({
  inputShape: [2],
  layers: [{type: "dense", units: 8, activation: "relu", useBias: true, line: 1}, {type: "dropout", rate: 0.1, line: 2}, out]
});

async function collect(gen: AsyncGenerator<TrainStep>): Promise<TrainStep[]> {
  const out: TrainStep[] = [];
  for await (const s of gen) out.push(s);
  return out;
}

describe("train", () => {
  test("binary cross-entropy on separable blobs reaches ≥ 97% held-out accuracy; tensors back to baseline", async () => {
    const data = blobs(400, 1), held = blobs(200, 2);
    const model = buildModel(mlp({type: "dense", units: 1, activation: "sigmoid", useBias: true, line: 3}), {seed: 3});
    const baseline = tf.memory().numTensors;
    const steps = await collect(train(model, data, {epochs: 5, batchSize: 32, seed: 5,
      compile: {optimizer: {name: "adam", learningRate: 0.01, learningRateExplicit: true}, loss: "binary_crossentropy"}}));
    expect(tf.memory().numTensors).toBe(baseline);
    expect(steps).toHaveLength(5 * Math.ceil(400 / 32));
    expect(steps[0]).toMatchObject({epoch: 1, epochs: 5, batch: 1, batches: 13, trainSize: 400, valSize: 0});
    expect(steps.at(-1)!.loss).toBeLessThan(steps[0].loss);
    const r = await evaluate(model, held, {loss: "binary_crossentropy"});
    expect(tf.memory().numTensors).toBe(baseline);
    expect(r.n).toBe(200);
    expect(r.acc).toBeGreaterThanOrEqual(0.97);
    expect(steps.every((s) => s.samplesPerSec > 0 && s.etaSec >= 0)).toBe(true);
    expect(steps.at(-1)!.etaSec).toBe(0);
    model.dispose();
  });

  test("sparse categorical with 2 softmax outputs, validation_split and limit: Keras' split (last 25%)", async () => {
    const data = blobs(400, 3);
    const model = buildModel(mlp({type: "dense", units: 2, activation: "softmax", useBias: true, line: 3}), {seed: 4});
    const baseline = tf.memory().numTensors;
    const steps = await collect(train(model, data, {epochs: 3, batchSize: 50, validationSplit: 0.25, limit: 200, seed: 1,
      compile: {optimizer: {name: "adam", learningRate: 0.02, learningRateExplicit: true}, loss: "sparse_categorical_crossentropy"}}));
    expect(tf.memory().numTensors).toBe(baseline);
    expect(steps[0]).toMatchObject({trainSize: 150, valSize: 50, batches: 3});
    const ends = steps.filter((s) => s.batch === s.batches);
    expect(ends).toHaveLength(3);
    expect(ends.every((s) => s.valAcc !== undefined && s.valLoss !== undefined)).toBe(true);
    expect(steps.filter((s) => s.batch !== s.batches).every((s) => s.valAcc === undefined)).toBe(true);
    // the validation figure is evaluate() on samples 150..199
    const v = await evaluate(model, data, {indices: Int32Array.from({length: 50}, (_, i) => 150 + i)});
    expect(ends[2].valAcc).toBeCloseTo(v.acc, 10);
    expect(v.acc).toBeGreaterThanOrEqual(0.95);
    model.dispose();
  });

  test("stopping with the AbortSignal ends the generator and frees every tensor", async () => {
    const data = blobs(400, 4);
    const model = buildModel(mlp({type: "dense", units: 1, activation: "sigmoid", useBias: true, line: 3}), {seed: 3});
    const baseline = tf.memory().numTensors;
    const ctl = new AbortController();
    const seen: TrainStep[] = [];
    for await (const s of train(model, data, {epochs: 10, batchSize: 16, signal: ctl.signal, reportEvery: 2,
      compile: {optimizer: {name: "sgd", learningRate: 0.1, learningRateExplicit: true}, loss: "binary_crossentropy"}})) {
      seen.push(s);
      if (seen.length === 4) ctl.abort();
    }
    expect(seen).toHaveLength(4);
    expect(seen.map((s) => s.batch)).toEqual([1, 3, 5, 7]);
    expect(tf.memory().numTensors).toBe(baseline);
    model.dispose();
  });

  test("breaking out of the loop early also frees every tensor", async () => {
    const data = blobs(100, 5);
    const model = buildModel(mlp({type: "dense", units: 1, activation: "sigmoid", useBias: true, line: 3}), {seed: 3});
    const baseline = tf.memory().numTensors;
    for await (const s of train(model, data, {epochs: 3, batchSize: 10, reportEvery: 3, compile: {optimizer: {name: "adam", learningRate: 0.01, learningRateExplicit: true}, loss: "binary_crossentropy"}})) {
      if (s.batch >= 4) break;
    }
    expect(tf.memory().numTensors).toBe(baseline);
    model.dispose();
  });

  test("same seed → identical loss curve (seeded shuffle, init and dropout)", async () => {
    const run = async () => {
      const model = buildModel(mlp({type: "dense", units: 1, activation: "sigmoid", useBias: true, line: 3}), {seed: 9});
      const steps = await collect(train(model, blobs(120, 6), {epochs: 2, batchSize: 20, seed: 2,
        compile: {optimizer: {name: "adam", learningRate: 0.01, learningRateExplicit: true}, loss: "binary_crossentropy"}}));
      model.dispose();
      return steps.map((s) => s.loss);
    };
    expect(await run()).toEqual(await run());
  });

  test("bad options are rejected with a message", async () => {
    const model = buildModel(mlp({type: "dense", units: 1, activation: "sigmoid", useBias: true, line: 3}));
    await expect(collect(train(model, blobs(10, 1), {epochs: 0, batchSize: 4}))).rejects.toThrow(/epochs must be a positive integer, got 0/);
    await expect(collect(train(model, blobs(10, 1), {epochs: 1, batchSize: 4, limit: 0}))).rejects.toThrow(/no training samples/);
    model.dispose();
  });
});
