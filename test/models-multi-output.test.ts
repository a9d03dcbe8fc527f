/**
 * A regression with several targets per sample (y with k real-valued columns): the translation keeps k numbers
 * per sample, the page trains the k outputs against them, and the learnt model predicts the hand-computed targets.
 */
import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, test} from "vitest";
import {buildModel} from "../components/models/build.js";
import {train} from "../components/models/train.js";
import type {KerasProgram} from "../components/models/keras/program.js";
import {translatePython} from "../components/models/keras/translate.js";
import {prepareData, settingsFor} from "../components/models/session.js";
import {targetsOf} from "../components/models/targets.js";
import {runForPanel, type RunOutcome} from "../components/widgets/TrainingRun.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const at = {file: "m.md", line: 20};

/** The program's model trained as the page trains it, then asked for its outputs at `inputs`. */
async function predictions(p: KerasProgram, inputs: number[][]): Promise<number[][]> {
  const s = settingsFor(p, {seed: 5});
  const data = await prepareData(p, {}, s);
  const model = buildModel(p, {seed: 5});
  try {
    for await (const step of train(model, data.train, {epochs: s.epochs, batchSize: s.batchSize, seed: 5, compile: p.compile, shuffle: p.fit.shuffle ?? true})) void step;
    return (model.predict(tf.tensor2d(inputs)) as tf.Tensor).arraySync() as number[][];
  } finally {
    model.dispose();
  }
}

async function trained(p: KerasProgram) {
  const s = settingsFor(p, {seed: 5});
  const data = await prepareData(p, {}, s);
  const gen = runForPanel(p, data, s);
  let r = await gen.next();
  while (!r.done) r = await gen.next();
  return r.value as RunOutcome;
}

describe("y with several real-valued columns is a multi-output regression", () => {
  test("targetsOf: one-hot rows are class ids, rows of other values (or several 1s) are kept as k targets", () => {
    expect(targetsOf({shape: [2, 3], data: Float64Array.from([0, 1, 0, 1, 0, 0]), dtype: "float"})).toEqual({values: Float64Array.from([1, 0]), width: 1});
    expect(targetsOf({shape: [2, 2], data: Float64Array.from([0.5, 2, -1, 3]), dtype: "float"})).toEqual({values: Float64Array.from([0.5, 2, -1, 3]), width: 2});
    expect(targetsOf({shape: [2, 2], data: Float64Array.from([1, 1, 0, 1]), dtype: "float"}).width).toBe(2);
  });

  test("Keras: Dense(2) on y = column_stack([2a − b + 1, a + 3b]) learns both targets (MSE → 0; predictions at (1, 2) ≈ (1, 7))", async () => {
    const r = translatePython(["import numpy as np", "from tensorflow import keras", "rng = np.random.default_rng(3)", "A = rng.uniform(-1, 1, size=(64, 2))",
      "T = np.column_stack([2 * A[:, 0] - A[:, 1] + 1, A[:, 0] + 3 * A[:, 1]])",
      "net = keras.Sequential([keras.layers.Dense(2, input_shape=(2,))])", "net.compile(optimizer=keras.optimizers.Adam(0.05), loss='mse')",
      "net.fit(A, T, epochs=150, batch_size=16, verbose=0)"].join("\n"), at);
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const p = r.program as KerasProgram;
    expect(p.dataset).toMatchObject({id: "arrays", train: {n: 64, yWidth: 2}});
    const out = await trained(p);
    expect(out.partial).toBe(false);
    expect(out.test.loss).toBeLessThan(1e-3);
    const [[u, v]] = await predictions(p, [[1, 2]]);
    expect(u).toBeCloseTo(2 * 1 - 2 + 1, 1);
    expect(v).toBeCloseTo(1 + 3 * 2, 1);
  });

  test("PyTorch: nn.Linear(3, 2) with MSELoss on a (n, 2) target trains to the exact linear map; evaluation has no classes", async () => {
    const r = translatePython(["import torch", "import torch.nn as nn", "torch.manual_seed(0)", "U = torch.rand(80, 3)",
      "V = torch.stack([U[:, 0] - 2 * U[:, 2], 0.5 * U[:, 1] + 1], dim=1)",
      "lin = nn.Linear(3, 2)", "opt = torch.optim.Adam(lin.parameters(), lr=0.05)", "loss_fn = nn.MSELoss()",
      "for step in range(400):", "    opt.zero_grad()", "    loss = loss_fn(lin(U), V)", "    loss.backward()", "    opt.step()"].join("\n"), at);
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const p = r.program as KerasProgram;
    expect(p.dataset).toMatchObject({id: "arrays", train: {n: 80, yWidth: 2}});
    const out = await trained(p);
    expect(out.test.loss).toBeLessThan(1e-3);
    expect(out.test.classes).toBe(0);
    const [[a, b]] = await predictions(p, [[0.5, 0.2, 1]]);
    expect(a).toBeCloseTo(0.5 - 2, 1);
    expect(b).toBeCloseTo(0.5 * 0.2 + 1, 1);
  });

  test("one layer on its own is the model (model = nn.Linear(1, 1)), as in the first PyTorch regression of most tutorials", async () => {
    const r = translatePython(["import torch", "from torch import nn", "xs = torch.linspace(-1, 1, 50).unsqueeze(1)", "ys = 3 * xs + 2",
      "model = nn.Linear(1, 1)", "optimizer = torch.optim.SGD(model.parameters(), lr=0.1)", "criterion = nn.MSELoss()",
      "for epoch in range(300):", "    pred = model(xs)", "    loss = criterion(pred, ys)", "    optimizer.zero_grad()", "    loss.backward()", "    optimizer.step()"].join("\n"), at);
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const p = r.program as KerasProgram;
    expect(p.layers).toEqual([expect.objectContaining({type: "dense", units: 1, line: 25})]);
    const [[at0], [at1]] = await predictions(p, [[0], [1]]);
    expect(at0).toBeCloseTo(2, 2);
    expect(at1).toBeCloseTo(5, 2);
  });
});
