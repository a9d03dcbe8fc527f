/**
 * The panel's test evaluation for models that output logits (PyTorch's BCEWithLogitsLoss / CrossEntropyLoss):
 * loss, accuracy and confidences against hand-computed values, and the full panel run (runForPanel) on such a program.
 */
import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, test} from "vitest";
import {buildModel} from "../components/models/build.js";
import {calibrate} from "../components/models/calibrate.js";
import {arraysDataset} from "../components/models/datasets.js";
import type {KerasProgram} from "../components/models/keras/program.js";
import {prepareData, settingsFor} from "../components/models/session.js";
import {evaluateWithPredictions, runForPanel, type RunOutcome} from "../components/widgets/TrainingRun.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const softplus = (z: number) => Math.log(1 + Math.exp(z));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** y = w·x (one weight, no bias): the logits are known exactly. */
function linear(w: number[][], inputs: number): tf.LayersModel {
  const m = buildModel({inputShape: [inputs], layers: [{type: "dense", units: w[0].length, activation: "linear", useBias: false, line: 1}]}, {seed: 1});
  m.setWeights([tf.tensor2d(w)]);
  return m;
}

describe("evaluateWithPredictions with fromLogits", () => {
  test("BCEWithLogits: logits 2, −2, 0.2, −0.2 for labels 1, 0, 1, 0 → accuracy 1 (threshold 0, not 0.5), softplus loss, sigmoid confidences", async () => {
    const model = linear([[2]], 1);
    const data = arraysDataset({x: [1, -1, 0.1, -0.1], y: [1, 0, 1, 0], n: 4}, [1]);
    const r = await evaluateWithPredictions(model, data, "binary_crossentropy", 256, true);
    expect(r.acc).toBe(1);
    expect(r.loss).toBeCloseTo((2 * softplus(-2) + 2 * softplus(-0.2)) / 4, 5);
    expect(Array.from(r.predicted)).toEqual([1, 0, 1, 0]);
    expect(Array.from(r.confidence)).toEqual([sigmoid(2), sigmoid(2), sigmoid(0.2), sigmoid(0.2)].map((c) => expect.closeTo(c, 6)));
    // read as probabilities, the same outputs are wrong: 0.2 is below 0.5 (what the panel did before)
    const asProbs = await evaluateWithPredictions(model, data, "binary_crossentropy", 256, false);
    expect(asProbs.acc).toBe(0.75);
    model.dispose();
  });

  test("CrossEntropyLoss: 3-class logits → log-softmax loss and softmax confidences", async () => {
    const model = linear([[1, 0, -1], [0, 2, 0]], 2);
    // logits: x=(1,0) → (1, 0, −1); x=(0,1) → (0, 2, 0); x=(1,1) → (1, 2, −1)
    const data = arraysDataset({x: [1, 0, 0, 1, 1, 1], y: [0, 1, 0], n: 3}, [2]);
    const r = await evaluateWithPredictions(model, data, "sparse_categorical_crossentropy", 256, true);
    const lse = (z: number[]) => Math.log(z.reduce((s, v) => s + Math.exp(v), 0));
    const nll = [lse([1, 0, -1]) - 1, lse([0, 2, 0]) - 2, lse([1, 2, -1]) - 1];
    expect(r.loss).toBeCloseTo(nll.reduce((a, b) => a + b) / 3, 5);
    expect(r.acc).toBeCloseTo(2 / 3, 6);
    expect(Array.from(r.predicted)).toEqual([0, 1, 1]);
    expect(r.confidence[1]).toBeCloseTo(Math.exp(2 - lse([0, 2, 0])), 6);
    expect(r.classes).toBe(3);
    model.dispose();
  });
});

/** A PyTorch-style program on generated arrays: logits out, no shuffling, SGD with Nesterov momentum and weight decay. */
function program(): KerasProgram {
  const xs: number[] = [], ys: number[] = [];
  for (let i = 0; i < 64; i++) {
    const a = Math.sin(i * 1.7), b = Math.cos(i * 0.9);
    xs.push(a, b);
    ys.push(a + b > 0 ? 1 : 0);
  }
  return {kind: "keras", framework: "pytorch", init: "pytorch", file: "t.md", line: 1, inputShape: [2],
    layers: [{type: "dense", units: 1, activation: "linear", useBias: true, line: 2}],
    compile: {optimizer: {name: "sgd", learningRate: 0.5, learningRateExplicit: true, momentum: 0.9, nesterov: true, weightDecay: 1e-4},
      loss: "binary_crossentropy", fromLogits: true, metrics: [], line: 3},
    fit: {epochs: 20, batchSize: 16, validationSplit: 0, line: 4, shuffle: false},
    evaluate: null, dataset: {id: "arrays", inputShape: [2], train: {x: xs, y: ys, n: 64}, line: 1}, claims: [], notes: []};
}

describe("runForPanel on a logits program", () => {
  test("a linearly separable set is learnt: test accuracy ≥ 0.95, the monitor and the final evaluation agree, loss < 0.3", async () => {
    const p = program();
    const s = settingsFor(p, {epochs: p.fit.epochs, batchSize: p.fit.batchSize, seed: 3});
    const data = await prepareData(p, {}, s);
    const gen = runForPanel(p, data, s);
    const monitors: number[] = [];
    let r = await gen.next();
    while (!r.done) {
      if (r.value.type === "monitor") monitors.push(r.value.acc);
      r = await gen.next();
    }
    const out = r.value as RunOutcome;
    expect(out.partial).toBe(false);
    expect(out.test.acc).toBeGreaterThanOrEqual(0.95);
    expect(out.test.loss).toBeLessThan(0.3);
    expect(monitors.length).toBe(20);
    expect(monitors[monitors.length - 1]).toBeCloseTo(out.test.acc, 6);
    expect(out.params).toBe(3);
  });

  test("calibration times the logits program with its optimiser (weight decay) on cpu", async () => {
    const c = await calibrate(program(), {batchSize: 16, backends: ["cpu"], budgetMs: 150});
    expect(c.rows[0].error).toBeUndefined();
    expect(c.rows[0].samplesPerSec).toBeGreaterThan(0);
    expect(c.chosen).toBe("cpu");
  });
});
