/**
 * ReduceLROnPlateau (PyTorch's exact rates), clip_grad_norm_, hand-written early stopping with the best weights
 * restored, float("inf"), keras.Model subclasses and tf.data pipelines. Reference numbers: PyTorch 1.13 (Debian's
 * /usr/bin/python3), computed once and written here.
 */
import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, test} from "vitest";
import {plateauRates, plateauScheduler, plateauStart, plateauStep} from "../components/models/pytorch/plateau.js";
import {torchScheduler} from "../components/models/pytorch/schedulers.js";
import {earlyStopStart, earlyStopUpdate} from "../components/models/earlyStop.js";
import {clipByGlobalNorm, buildModel} from "../components/models/build.js";
import {readEarlyStop} from "../components/models/pytorch/earlystop.js";
import {pyFloat} from "../components/models/numpy/pyfloat.js";
import {translateChapterCode} from "../components/models/keras/translate.js";
import {printProgram} from "../components/models/printProgram.js";
import {parseProgram} from "../components/models/parseProgram.js";
import {statements} from "../components/models/keras/lines.js";
import {train} from "../components/models/train.js";
import {arraysDataset} from "../components/models/datasets.js";
import type {EarlyStopSpec, KerasProgram} from "../components/models/keras/program.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const translate = (code: string) => translateChapterCode([{code, lang: "python", line: 0}], {file: "t.md"});

describe("ReduceLROnPlateau", () => {
  const m1 = [1.0, 0.9, 0.95, 0.91, 0.92, 0.93, 0.89, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9];
  const m2 = [0.5, 0.6, 0.6005, 0.601, 0.7, 0.7, 0.7, 0.7];
  const sched = (kw: Record<string, number | string>) => plateauScheduler([null], kw, 1);

  test("mode min, patience 2: PyTorch's rates epoch by epoch", () => {
    expect(plateauRates(sched({mode: "min", factor: 0.5, patience: 2}), 1, m1)).toEqual([1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125]);
  });

  test("cooldown and min_lr", () => {
    const s = sched({mode: "min", factor: 0.5, patience: 1, cooldown: 2, min_lr: 0.2});
    expect(plateauRates(s, 1, m1)).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.2]);
    let st = plateauStart(s, 1);
    for (const m of m1) st = plateauStep(s, st, m);
    expect(st.lr).toBe(0.2);
  });

  test("mode max with abs and rel thresholds", () => {
    const want = [1, 1, 1, 1, 0.1, 0.1, 0.1, 0.01];
    const abs = plateauRates(sched({mode: "max", factor: 0.1, patience: 1, threshold: 0.01, threshold_mode: "abs"}), 1, m2);
    const rel = plateauRates(sched({mode: "max", factor: 0.1, patience: 1, threshold: 0.01, threshold_mode: "rel"}), 1, m2);
    abs.forEach((x, i) => expect(x).toBeCloseTo(want[i], 12));
    rel.forEach((x, i) => expect(x).toBeCloseTo(want[i], 12));
  });

  test("read as torch.optim.lr_scheduler reads it; PyTorch's own errors", () => {
    expect(torchScheduler("ReduceLROnPlateau", [null, "max", 0.2], {patience: 3}, 7)).toEqual({kind: "plateau", monitor: "val_loss", mode: "max", factor: 0.2,
      patience: 3, threshold: 1e-4, thresholdMode: "rel", cooldown: 0, minLr: 0, eps: 1e-8, line: 7});
    expect(() => sched({factor: 1.5})).toThrow(/factor/);
    expect(() => sched({mode: "up"})).toThrow(/mode/);
    expect(() => plateauScheduler([null], {foo: 1}, 1)).toThrow(/foo/);
  });
});

describe("gradient clipping and early stopping", () => {
  test("clip_grad_norm_(max_norm=1) as PyTorch: gradients (3, 4) and 12, norm 13", () => {
    const out = clipByGlobalNorm({w: tf.tensor2d([[3, 4]]), b: tf.tensor1d([12])}, 1);
    expect(Array.from(out.w.dataSync())).toEqual([expect.closeTo(0.2307692, 6), expect.closeTo(0.3076923, 6)]);
    expect(out.b.dataSync()[0]).toBeCloseTo(0.9230769, 6);
    const small = clipByGlobalNorm({w: tf.tensor1d([0.3, 0.4])}, 1);
    expect(Array.from(small.w.dataSync())).toEqual([expect.closeTo(0.3, 6), expect.closeTo(0.4, 6)]);
  });

  test("the counter: improvement by more than minDelta, stop after patience epochs without", () => {
    const s: EarlyStopSpec = {monitor: "val_loss", mode: "min", minDelta: 0.01, patience: 2, restoreBest: true, line: 1};
    let st = earlyStopStart(s);
    const seen = [0.5, 0.495, 0.48, 0.479, 0.475].map((v, i) => (st = earlyStopUpdate(s, st, v, i + 1)));
    expect(seen.map((x) => [x.best, x.wait, x.stop])).toEqual([[0.5, 0, false], [0.5, 1, false], [0.48, 0, false], [0.48, 1, false], [0.48, 2, true]]);
    expect(seen[4].bestEpoch).toBe(3);
  });

  test("train() stops and loads the best epoch's weights back", async () => {
    const x = Array.from({length: 40}, (_, i) => (i % 10) / 10), y = x.map((v) => 2 * v + 1);
    const data = arraysDataset({x, y, n: 40}, [1], "t"), val = arraysDataset({x: x.slice(0, 10), y: y.slice(0, 10), n: 10}, [1], "v");
    const model = buildModel({layers: [{type: "dense", units: 1, activation: "linear", useBias: true, line: 1}], inputShape: [1]}, {seed: 1});
    // minDelta so large that only the first epoch improves (on ∞): patience 2 stops after epoch 3, epoch 1's weights come back
    const early: EarlyStopSpec = {monitor: "val_loss", mode: "min", minDelta: 1e9, patience: 2, restoreBest: true, line: 1};
    const weights: number[][] = [];
    const steps = [];
    for await (const s of train(model, data, {epochs: 50, batchSize: 40, shuffle: false, validation: val, earlyStopping: early,
      compile: {optimizer: {name: "sgd", learningRate: 0.1, learningRateExplicit: true}, loss: "mean_squared_error"}})) {
      steps.push(s);
      weights.push(model.getWeights().flatMap((w) => Array.from(w.dataSync())));
    }
    expect(steps.map((s) => s.epoch)).toEqual([1, 2, 3]);
    expect(steps[2].earlyStop).toMatchObject({bestEpoch: 1, stop: true});
    const final = model.getWeights().flatMap((w) => Array.from(w.dataSync()));
    expect(final).toEqual(weights[0]);
    expect(final).not.toEqual(weights[2]);
    model.dispose();
  });

  test("ReduceLROnPlateau in train(): the rate halves after patience + 1 epochs that do not improve", async () => {
    const x = [0, 1, 2, 3], y = [0, 0, 0, 0];
    const data = arraysDataset({x, y, n: 4}, [1], "t");
    const model = buildModel({layers: [{type: "dense", units: 1, activation: "linear", useBias: false, line: 1}], inputShape: [1]}, {seed: 1});
    model.setWeights([tf.zeros([1, 1])]); // the loss is 0 from the start and never improves on itself
    const rates: number[] = [];
    for await (const s of train(model, data, {epochs: 6, batchSize: 4, shuffle: false, compile: {optimizer: {name: "sgd", learningRate: 0.8, learningRateExplicit: true},
      loss: "mean_squared_error", schedule: {...plateauScheduler([null], {factor: 0.5, patience: 1, threshold_mode: "abs"}, 1), monitor: "loss"}}})) {
      rates.push(s.learningRate!);
    }
    // epoch 1 improves on ∞; epochs 2, 3 do not → reduced for epoch 4; epochs 4, 5 do not → reduced for epoch 6
    expect(rates).toEqual([0.8, 0.8, 0.8, 0.4, 0.4, 0.2]);
    model.dispose();
  });

  test("Python's float() of inf, -inf and nan strings", () => {
    expect(pyFloat("inf")).toBe(Infinity);
    expect(pyFloat(" -Infinity ")).toBe(-Infinity);
    expect(pyFloat("NaN")).toBeNaN();
    expect(pyFloat("1e-3")).toBe(0.001);
    expect(() => pyFloat("abc")).toThrow(/could not convert/);
  });

  test("the hand-written early stopping is read with its margin, patience and the state it copies", () => {
    const body = statements(["for epoch in range(100):", "    if vl < best - 0.01:", "        best = vl", "        snap = copy.deepcopy(net.state_dict())", "        bad = 0",
      "    else:", "        bad += 1", "    if bad > 4:", "        break"].join("\n"), 0)[0].body;
    const h = readEarlyStop(body)!;
    expect(h).toMatchObject({metric: "vl", mode: "min", offset: 1, state: "snap", model: "net"});
    expect(h.minDelta).toEqual({type: "num", value: 0.01});
    expect(readEarlyStop(body.slice(0, 1))).toBeNull();
  });
});

const TORCH_DOC = `import copy
import torch
import torch.nn as nn

torch.manual_seed(0)
X = torch.randn(300, 4)
y = (X[:, 0] + X[:, 1] > 0).float().view(-1, 1)
Xtr, ytr = X[:200], y[:200]
Xva, yva = X[200:250], y[200:250]
Xte, yte = X[250:], y[250:]
net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
crit = nn.BCELoss()
opt = torch.optim.Adam(net.parameters(), lr=0.01)
sch = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.2, patience=3, threshold=0.001, threshold_mode="abs", cooldown=1)
best, keep, bad = float("inf"), None, 0
for epoch in range(150):
    opt.zero_grad()
    loss = crit(torch.sigmoid(net(Xtr)), ytr)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(net.parameters(), 0.5)
    opt.step()
    with torch.no_grad():
        out = torch.sigmoid(net(Xva))
        vloss = crit(out, yva).item()
    sch.step(vloss)
    if vloss < best:
        best, keep, bad = vloss, copy.deepcopy(net.state_dict()), 0
    else:
        bad += 1
        if bad >= 8:
            break
net.load_state_dict(keep)
with torch.no_grad():
    acc = ((net(Xte) > 0).float() == yte).float().mean().item()
print(f"test accuracy {acc:.3f}")
`;

describe("a PyTorch loop with a plateau schedule, clipping and early stopping", () => {
  const r = translate(TORCH_DOC);
  const p = r.program as KerasProgram;

  test("translated: the schedule on the validation loss, the stop, the clipping, the validation set, the sigmoid", () => {
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(p.compile.schedule).toMatchObject({kind: "plateau", monitor: "val_loss", factor: 0.2, patience: 3, threshold: 0.001, thresholdMode: "abs", cooldown: 1, line: 14});
    expect(p.fit.earlyStopping).toEqual({monitor: "val_loss", mode: "min", minDelta: 0, patience: 8, restoreBest: true, line: 26});
    expect(p.compile.optimizer.clipNorm).toBe(0.5);
    expect(p.dataset).toMatchObject({id: "arrays", train: {n: 200}, val: {n: 50}, test: {n: 50}});
    expect(p.layers[p.layers.length - 1]).toMatchObject({type: "dense", units: 1, activation: "sigmoid"});
    expect(p.fit.epochs).toBe(150);
  });

  test("without load_state_dict the stop keeps the last weights", () => {
    const q = translate(TORCH_DOC.replace("net.load_state_dict(keep)\n", "")).program as KerasProgram;
    expect(q.fit.earlyStopping?.restoreBest).toBe(false);
  });

  test("printed as TypeScript and read back unchanged", () => {
    const back = parseProgram(printProgram(p), p) as KerasProgram;
    expect(back.compile.schedule).toEqual(p.compile.schedule);
    expect(back.fit.earlyStopping).toMatchObject({...p.fit.earlyStopping, line: p.fit.line});
    expect(back.compile.optimizer.clipNorm).toBe(0.5);
  });
});

const KERAS_HEAD = `import numpy as np
import tensorflow as tf
from tensorflow import keras

np.random.seed(3)
X = np.random.randn(400, 5).astype("float32")
y = (X[:, 0] * X[:, 1] > 0).astype("int64")
`;
const KERAS_TAIL = `model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
ds = tf.data.Dataset.from_tensor_slices((X[:300], y[:300])).shuffle(300, seed=1).batch(16).prefetch(2)
model.fit(ds, epochs=3, verbose=0)
loss, acc = model.evaluate(X[300:], y[300:], verbose=0)
print(f"accuracy {acc:.3f}")
`;
const SUBCLASS = `class Net(keras.Model):
    def __init__(self, width=24):
        super().__init__()
        self.a = keras.layers.Dense(width)
        self.drop = keras.layers.Dropout(0.25)
        self.blocks = [keras.layers.Dense(12, activation="tanh") for _ in range(2)]
        self.out = keras.layers.Dense(2, activation="softmax")

    def call(self, x, training=False):
        h = tf.nn.relu(self.a(x))
        h = self.drop(h, training=training)
        for layer in self.blocks:
            h = layer(h)
        return self.out(h)


model = Net(width=20)
`;
const SEQUENTIAL = `model = keras.Sequential([
    keras.layers.Dense(20, activation="relu"),
    keras.layers.Dropout(0.25),
    keras.layers.Dense(12, activation="tanh"),
    keras.layers.Dense(12, activation="tanh"),
    keras.layers.Dense(2, activation="softmax"),
])
`;

describe("keras.Model subclasses and tf.data", () => {
  const strip = (p: KerasProgram) => p.layers.map(({line, ...l}) => (void line, l));

  test("a subclass is the same layer stack as the equivalent Sequential", () => {
    const sub = translate(KERAS_HEAD + SUBCLASS + KERAS_TAIL), seq = translate(KERAS_HEAD + SEQUENTIAL + KERAS_TAIL);
    expect(sub.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const a = sub.program as KerasProgram, b = seq.program as KerasProgram;
    expect(strip(a)).toEqual(strip(b));
    expect(strip(a).map((l) => l.type)).toEqual(["dense", "dropout", "dense", "dense", "dense"]);
    expect(a.layers[0]).toMatchObject({units: 20, activation: "relu", line: 11});
    expect(a.inputShape).toEqual([5]);
  });

  test("__init__ parameters with a tuple default (widths=(20, 12)) are read whole, as def statements are", () => {
    const withTuple = SUBCLASS.replace("def __init__(self, width=24):", "def __init__(self, widths=(24, 12)):").replace("keras.layers.Dense(width)", "keras.layers.Dense(widths[0])")
      .replace("model = Net(width=20)", "model = Net(widths=(20, 12))");
    const r = translate(KERAS_HEAD + withTuple + KERAS_TAIL);
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(strip(r.program as KerasProgram)).toEqual(strip(translate(KERAS_HEAD + SEQUENTIAL + KERAS_TAIL).program as KerasProgram));
  });

  test("the tf.data pipeline gives the batch size and the shuffling; evaluate's [loss, acc] the test set", () => {
    const a = translate(KERAS_HEAD + SUBCLASS + KERAS_TAIL).program as KerasProgram;
    expect(a.fit).toMatchObject({epochs: 3, batchSize: 16});
    expect(a.fit.shuffle).toBeUndefined();
    expect(a.dataset).toMatchObject({id: "arrays", train: {n: 300}, test: {n: 100}});
    const unshuffled = translate(KERAS_HEAD + SEQUENTIAL + KERAS_TAIL.replace(".shuffle(300, seed=1)", "")).program as KerasProgram;
    expect(unshuffled.fit.shuffle).toBe(false);
  });

  test("what is not a chain is named at its line", () => {
    const residual = translate(KERAS_HEAD + SUBCLASS.replace("        return self.out(h)", "        return self.out(h + x)") + KERAS_TAIL);
    expect(residual.program).toBeUndefined();
    expect(residual.diagnostics).toContainEqual(expect.objectContaining({line: 21, severity: "error", message: expect.stringContaining("not a layer applied to a tensor")}));
    const twice = translate(KERAS_HEAD + SUBCLASS.replace("        h = self.drop(h, training=training)", "        g = self.drop(h)\n        h = self.drop(h)") + KERAS_TAIL);
    expect(twice.diagnostics).toContainEqual(expect.objectContaining({line: 19, severity: "error", message: expect.stringContaining("feeds two layers")}));
    const noBatch = translate(KERAS_HEAD + SEQUENTIAL + KERAS_TAIL.replace(".batch(16)", ""));
    expect(noBatch.diagnostics.some((d) => d.severity === "error" && /never batched/.test(d.message))).toBe(true);
  });
});
