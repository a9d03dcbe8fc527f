/**
 * Keras' fit(class_weight=…), Huber losses (Keras' Huber, PyTorch's HuberLoss / SmoothL1Loss), np.bincount, the
 * test set read from model.predict(X_test) and claims that name another measure than the loss (a test MSE beside a
 * Huber loss, a balanced accuracy). PyTorch 1.13 values where PyTorch has the same loss; Keras' class weighting
 * (each sample's loss times its class weight, summed and divided by the batch size) computed by hand.
 */
import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, test} from "vitest";
import {claimMeasures, claimSums, lossFunction} from "../components/models/build.js";
import {parseClaims} from "../components/models/keras/claims.js";
import type {KerasProgram} from "../components/models/keras/program.js";
import {translatePython} from "../components/models/keras/translate.js";
import {parseProgram} from "../components/models/parseProgram.js";
import {printProgram} from "../components/models/printProgram.js";
import {statements} from "../components/models/keras/lines.js";
import {bindImport, newEnv} from "../components/models/numpy/env.js";
import {Script} from "../components/models/numpy/script.js";
import type {NDArray} from "../components/models/numpy/ndarray.js";
import {compareWithClaim, testNumbers} from "../components/widgets/TrainingClaim.js";

/** The NumPy interpreter's variables after running `code` (np bound). */
function runNumpy(code: string): Record<string, NDArray> {
  const e = newEnv(0);
  bindImport(e, "numpy", null, "np");
  new Script(e).run(statements(code, 0));
  return Object.fromEntries(e.vars) as Record<string, NDArray>;
}

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const value = (f: (l: tf.Tensor, p: tf.Tensor) => tf.Scalar, labels: number[] | number[][], preds: number[][]) =>
  f(tf.tensor(labels), tf.tensor2d(preds)).arraySync() as number;

describe("loss weights and Huber losses", () => {
  const preds = [[0.3], [2.5], [-1.0], [4.0]], targets = [[0], [0], [0.5], [1]];

  test("Huber δ = 1 is 1.38625, δ = 2 is 2.0425, SmoothL1 β = 0.5 is 1.585 (PyTorch's F.huber_loss / F.smooth_l1_loss), and it trains (has a gradient)", () => {
    expect(value(lossFunction({loss: "huber"}), targets, preds)).toBeCloseTo(1.38625, 5);
    expect(value(lossFunction({loss: "huber", delta: 2}), targets, preds)).toBeCloseTo(2.0425, 5);
    expect(value(lossFunction({loss: "huber", delta: 0.5, smoothL1: true}), targets, preds)).toBeCloseTo(1.585, 5);
    // d/dp of the mean: r/n inside δ, δ·sign(r)/n outside: (0.3, 1, −1.5 → −1, 3 → 1) / 4
    const g = tf.grad((p: tf.Tensor) => lossFunction({loss: "huber"})(tf.tensor(targets), p))(tf.tensor2d(preds));
    expect(Array.from(g.dataSync())).toEqual([0.3 / 4, 0.25, -0.25, 0.25].map((x) => expect.closeTo(x, 6)));
  });

  test("Keras class weights divide the weighted sum by the batch size (0.759526), PyTorch's by the weights' sum; binary labels index two weights (0.689215)", () => {
    const probs = [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3], [0.25, 0.25, 0.5]], labels = [0, 2, 1, 2];
    expect(value(lossFunction({loss: "sparse_categorical_crossentropy", classWeight: [1, 3, 0.5], classWeightNorm: "count"}), labels, probs)).toBeCloseTo(0.759525716304779, 5);
    const nll = labels.map((y, i) => -Math.log(probs[i][y])), w = labels.map((y) => [1, 3, 0.5][y]);
    const pytorchRule = w.reduce((s, x, i) => s + x * nll[i], 0) / w.reduce((a, b) => a + b, 0);
    const logits = probs.map((r) => r.map(Math.log)); // softmax(log p) = p
    expect(value(lossFunction({loss: "sparse_categorical_crossentropy", fromLogits: true, classWeight: [1, 3, 0.5]}), labels, logits)).toBeCloseTo(pytorchRule, 5);
    expect(value(lossFunction({loss: "binary_crossentropy", classWeight: [0.5, 2], classWeightNorm: "count"}), [1, 0, 1, 0], [[0.9], [0.2], [0.4], [0.7]])).toBeCloseTo(0.6892151832580566, 5);
    expect(() => value(lossFunction({loss: "sparse_categorical_crossentropy", classWeight: [1, 2], classWeightNorm: "count"}), labels, probs)).toThrow(/2 weights for 3 classes/);
    expect(() => lossFunction({loss: "mean_squared_error", classWeight: [1, 2]})).toThrow(/cross-entropy losses only/);
  });

  test("np.bincount counts (minlength pads) and sums weights; negative or fractional entries are refused", () => {
    const v = runNumpy("import numpy as np\na = np.bincount(np.array([0, 1, 1, 3]), minlength=5)\nb = np.bincount([0, 1, 1, 3], weights=[0.5, 1.0, 2.0, 3.0])");
    expect(Array.from(v.a.data)).toEqual([1, 2, 0, 1, 0]);
    expect(v.a.dtype).toBe("int");
    expect(Array.from(v.b.data)).toEqual([0.5, 3, 0, 3]);
    expect(() => runNumpy("import numpy as np\nc = np.bincount(np.array([1, -1]))")).toThrow(/non-negative integers/);
  });
});

const kerasCode = (fitArgs: string, tail: string[] = []) => ["import numpy as np", "from tensorflow import keras", "np.random.seed(3)",
  "X = np.random.randn(300, 2).astype('float32')", "y = (X[:, 0] + 0.3 * X[:, 1] > 0.8).astype('int64')", "X_tr, X_te = X[:240], X[240:]", "y_tr, y_te = y[:240], y[240:]",
  "freq = np.bincount(y_tr, minlength=2)", "cw = {k: len(y_tr) / (2 * freq[k]) for k in range(2)}",
  "model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(8, activation='relu'), keras.layers.Dense(2, activation='softmax')])",
  "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])",
  `model.fit(X_tr, y_tr, epochs=3, ${fitArgs}verbose=0)`, ...tail].join("\n");

describe("Keras fit(class_weight=…) and model.predict as the test set", () => {
  test("a dict the code computes (np.bincount in a comprehension) weights the loss; the printed program carries it and reads back", async () => {
    const r = translatePython(kerasCode("class_weight=cw, "), {file: "k.md", line: 1});
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const p = r.program as KerasProgram;
    const y = runNumpy(kerasCode("").split("\nmodel")[0]).y_tr;
    const pos = Array.from(y.data).filter((v) => v === 1).length;
    expect(p.compile.classWeight).toEqual([240 / (2 * (240 - pos)), 240 / (2 * pos)].map((x) => expect.closeTo(x, 12)));
    expect(p.compile.classWeightNorm).toBe("count");
    const back = parseProgram(printProgram(p), p);
    expect("compile" in back && [back.compile.classWeight, back.compile.classWeightNorm]).toEqual([p.compile.classWeight, "count"]);
  });

  test("an inline dict literal is read too; keys that are not 0 … k − 1 leave the loss unweighted with a warning", () => {
    const ok = translatePython(kerasCode("class_weight={0: 1.0, 1: 4.0}, "), {file: "k.md", line: 1}).program as KerasProgram;
    expect(ok.compile.classWeight).toEqual([1, 4]);
    const bad = translatePython(kerasCode("class_weight={0: 1.0, 5: 4.0}, "), {file: "k.md", line: 1});
    expect((bad.program as KerasProgram).compile.classWeight).toBeUndefined();
    expect(bad.diagnostics).toContainEqual(expect.objectContaining({line: 13, severity: "warning", message: expect.stringMatching(/class_weight=.*not followed.*keys/)}));
  });

  test("model.predict(X_te) with no evaluate(): X_te with the labels named as y_tr is named beside X_tr (y_te) is the test set", () => {
    const p = translatePython(kerasCode("", ["proba = model.predict(X_te, verbose=0)", "pred = np.argmax(proba, axis=1)", "print(np.mean(pred == y_te))"]),
      {file: "k.md", line: 1}).program as KerasProgram;
    expect(p.dataset.id === "arrays" && [p.dataset.train.n, p.dataset.test?.n]).toEqual([240, 60]);
    // train_x / train_y naming: the common prefix is kept
    const other = kerasCode("").replace(/X_tr\b/g, "train_x").replace(/X_te\b/g, "test_x").replace(/y_tr\b/g, "train_y").replace(/y_te\b/g, "test_y")
      .replace("model.fit(X_tr", "model.fit(train_x");
    const q = translatePython(other + "\nout = model.predict(test_x)", {file: "k.md", line: 1}).program as KerasProgram;
    expect(q.dataset.id === "arrays" && q.dataset.test?.n).toBe(60);
    // predicting the training inputs is not a test set
    const same = translatePython(kerasCode("", ["out = model.predict(X_tr)"]), {file: "k.md", line: 1}).program as KerasProgram;
    expect(same.dataset.id === "arrays" && same.dataset.test).toBeUndefined();
  });

  test("PyTorch's nn.HuberLoss(delta=2.0) and nn.SmoothL1Loss(beta=0.5) translate to the Huber loss with their δ", () => {
    const code = (crit: string) => ["import torch", "import torch.nn as nn", "torch.manual_seed(1)", "A = torch.randn(40, 3)", "b = A[:, :1] * 2.0",
      "net = nn.Sequential(nn.Linear(3, 1))", `crit = ${crit}`, "opt = torch.optim.SGD(net.parameters(), lr=0.1)",
      "for ep in range(5):", "    opt.zero_grad()", "    out = net(A)", "    loss = crit(out, b)", "    loss.backward()", "    opt.step()"].join("\n");
    const h = translatePython(code("nn.HuberLoss(delta=2.0)"), {file: "t.md", line: 1}).program as KerasProgram;
    expect(h.compile).toMatchObject({loss: "huber", delta: 2});
    const s = translatePython(code("nn.SmoothL1Loss(beta=0.5)"), {file: "t.md", line: 1}).program as KerasProgram;
    expect(s.compile).toMatchObject({loss: "huber", delta: 0.5, smoothL1: true});
    const back = parseProgram(printProgram(s), s);
    expect("compile" in back && [back.compile.loss, back.compile.delta, back.compile.smoothL1]).toEqual(["huber", 0.5, true]);
  });
});

describe("claims measured like for like", () => {
  test("'test MSE comes out at about 0.1656' is an MSE claim, '测试集平衡准确率约为 0.7645' a balanced-accuracy claim, 'test accuracy 0.91' plain", () => {
    const claims = parseClaims([{text: "The test MSE comes out at about 0.1656: the noise floor.\n运行后，测试集平衡准确率约为 0.7645。\nThe test accuracy is 0.91.", line: 10}]);
    expect(claims).toContainEqual(expect.objectContaining({metric: "loss", split: "test", value: 0.1656, measure: "mse", line: 10}));
    expect(claims).toContainEqual(expect.objectContaining({metric: "accuracy", split: "test", value: 0.7645, measure: "balanced-accuracy", line: 11}));
    const plain = claims.find((c) => c.value === 0.91);
    expect(plain).toMatchObject({metric: "accuracy", split: "test"});
    expect(plain?.measure).toBeUndefined();
  });

  test("balanced accuracy is the mean recall over the classes present; a regression's sums give its MSE", () => {
    // labels 0,0,0,1,2 ; predicted 0,0,1,1,0 → recalls 2/3, 1, 0 → 5/9
    const probs = [[0.9, 0.05, 0.05], [0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.1, 0.8, 0.1], [0.5, 0.1, 0.4]];
    const sums = Array.from(claimSums(tf.tensor1d([0, 0, 0, 1, 2]), tf.tensor2d(probs), true).dataSync());
    expect(claimMeasures(sums, true).balancedAcc).toBeCloseTo(5 / 9, 10);
    const reg = Array.from(claimSums(tf.tensor1d([1, 2]), tf.tensor2d([[1.5], [1]]), false).dataSync());
    expect(claimMeasures(reg, false).mse).toBeCloseTo((0.25 + 1) / 2, 10);
  });

  test("the page compares a balanced-accuracy claim with the balanced accuracy and an MSE claim with the MSE only when the loss is another", () => {
    const claims = parseClaims([{text: "测试集平衡准确率约为 0.76。The test MSE comes out at about 0.1656.", line: 1}]);
    const huber = testNumbers({loss: "huber"}, {acc: 0.8, loss: 0.07, mse: 0.18, balancedAcc: 0.75});
    const text = compareWithClaim({test: huber, lastEpoch: null}, claims);
    expect(text).toContain("平衡准确率");
    expect(text).toContain("75.00%");
    expect(text).toContain("0.1800");
    const mse = testNumbers({loss: "mean_squared_error"}, {acc: 0, loss: 0.17, mse: 0.1700001});
    expect(mse.mse).toBeUndefined();
    expect(compareWithClaim({test: mse, lastEpoch: null}, claims)).toContain("0.1700");
  });
});
