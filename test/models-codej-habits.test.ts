/**
 * What a blind code corpus (test/corpus-heldout/code-j) needed, each on code of its own: Keras kernel_regularizer
 * (l2, l1, l1_l2; the penalty in the loss the page minimises and reports, printed and read back), len() of an array
 * and metric.update_state(y, model(X)) after a tape loop, a validation loss beside a DataLoader, and NumPy's paired
 * integer-array indexing (p[np.arange(n), y]) in reading and in `-=`; Adam with amsgrad=True (torch 1.13's values); nn.PReLU.
 */
import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, test} from "vitest";
import {buildModel, countParams, makeOptimizer} from "../components/models/build.js";
import {tableDataset} from "../components/models/datasets.js";
import {train, type TrainStep} from "../components/models/train.js";
import type {KerasProgram} from "../components/models/keras/program.js";
import {translatePython} from "../components/models/keras/translate.js";
import {printProgram} from "../components/models/printProgram.js";
import {parseProgram} from "../components/models/parseProgram.js";
import {statements} from "../components/models/keras/lines.js";
import {bindImport, newEnv} from "../components/models/numpy/env.js";
import {Script} from "../components/models/numpy/script.js";
import type {NDArray} from "../components/models/numpy/ndarray.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const keras = (layers: string, tail: string[]) => ["import numpy as np", "import tensorflow as tf", "from tensorflow import keras", "from tensorflow.keras import layers, regularizers",
  "rng = np.random.default_rng(2)", "X = rng.normal(size=(300, 2)).astype('float32')", "y = (X[:, 0] * X[:, 1] > 0).astype('int64')",
  "X_train, y_train = X[:240], y[:240]", "X_test, y_test = X[240:], y[240:]", `model = keras.Sequential([keras.Input(shape=(2,)), ${layers}])`, ...tail].join("\n");

describe("Keras kernel_regularizer", () => {
  test("l2(1e-4), l1(0.002), l1_l2 and \"l2\" (Keras' 0.01) are read onto their layers; the program prints and reads back the same", () => {
    const r = translatePython(keras("layers.Dense(8, activation='relu', kernel_regularizer=regularizers.l2(1e-4)), layers.Dense(8, kernel_regularizer=regularizers.l1(0.002)), " +
      "layers.Dense(8, kernel_regularizer=keras.regularizers.l1_l2(l1=0.001, l2=0.003)), layers.Dense(2, kernel_regularizer='l2')",
    ["model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')", "model.fit(X_train, y_train, epochs=2)"]), {file: "r.md", line: 1});
    expect(r.diagnostics.filter((d) => /regulari/.test(d.message))).toEqual([]);
    const p = r.program as KerasProgram;
    expect(p.layers.map((l) => (l.type === "dense" ? l.regularizer : null))).toEqual([{l1: 0, l2: 1e-4}, {l1: 0.002, l2: 0}, {l1: 0.001, l2: 0.003}, {l1: 0, l2: 0.01}]);
    const back = parseProgram(printProgram(p), p);
    expect("layers" in back ? back.layers.map((l) => (l.type === "dense" ? l.regularizer : null)) : back).toEqual(p.layers.map((l) => (l.type === "dense" ? l.regularizer : null)));
  });

  test("the penalty is in the loss the page trains and reports: at learning rate 0, MSE + 0.5·ΣW²", async () => {
    const program = {inputShape: [2], layers: [{type: "dense" as const, units: 1, activation: "linear" as const, useBias: true, line: 1, regularizer: {l1: 0, l2: 0.5}}]};
    const model = buildModel(program, {seed: 3});
    const rows = [[1, 2], [0.5, -1], [-2, 0.25], [3, 1]], labels = [1, 0, 2, -1];
    const data = tableDataset(rows, labels, "t");
    const [w, b] = model.getWeights().map((t) => Array.from(t.dataSync()));
    const mse = rows.reduce((s, r, i) => s + (r[0] * w[0] + r[1] * w[1] + b[0] - labels[i]) ** 2, 0) / rows.length;
    const steps: TrainStep[] = [];
    for await (const s of train(model, data, {epochs: 1, batchSize: 4, shuffle: false, compile: {optimizer: {name: "sgd", learningRate: 0, learningRateExplicit: true}, loss: "mean_squared_error"}})) steps.push(s);
    expect(steps[steps.length - 1].loss).toBeCloseTo(mse + 0.5 * (w[0] ** 2 + w[1] ** 2), 5);
    model.dispose();
  });
});

describe("evaluations after a tf.GradientTape loop", () => {
  test("shuffle(buffer_size=len(X_train)) and test_acc.update_state(y_test, model(X_test)): the test set is X_test", () => {
    const r = translatePython(keras("layers.Dense(16, activation='relu'), layers.Dense(2)", [
      "loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)", "opt = keras.optimizers.Adam(0.01)",
      "ds = tf.data.Dataset.from_tensor_slices((X_train, y_train)).shuffle(buffer_size=len(X_train)).batch(48)",
      "for epoch in range(3):", "    for xb, yb in ds:", "        with tf.GradientTape() as tape:", "            loss = loss_fn(yb, model(xb, training=True))",
      "        grads = tape.gradient(loss, model.trainable_variables)", "        opt.apply_gradients(zip(grads, model.trainable_variables))",
      "acc = keras.metrics.SparseCategoricalAccuracy()", "acc.update_state(y_test, model(X_test, training=False))", "print(acc.result().numpy())"]), {file: "r.md", line: 1});
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const p = r.program as KerasProgram;
    expect([p.fit.batchSize, p.fit.epochs, (p.dataset as {test?: {n: number}}).test?.n]).toEqual([48, 3, 60]);
  });
});

describe("PyTorch: a validation loss beside a DataLoader", () => {
  test("val_loss = criterion(model(X_val), y_val) under no_grad makes X_val the validation set", () => {
    const code = ["import torch", "import torch.nn as nn", "from torch.utils.data import DataLoader, TensorDataset", "torch.manual_seed(0)",
      "X = torch.randn(200, 2)", "y = (X[:, 0] > 0).long()", "X_tr, y_tr, X_val, y_val = X[:150], y[:150], X[150:], y[150:]",
      "loader = DataLoader(TensorDataset(X_tr, y_tr), batch_size=25, shuffle=True)",
      "model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))", "criterion = nn.CrossEntropyLoss()", "opt = torch.optim.SGD(model.parameters(), lr=0.1)",
      "best, wait = float('inf'), 0", "for epoch in range(30):", "    for xb, yb in loader:", "        opt.zero_grad()", "        loss = criterion(model(xb), yb)", "        loss.backward()", "        opt.step()",
      "    with torch.no_grad():", "        val_loss = criterion(model(X_val), y_val).item()", "    if val_loss < best:", "        best, wait = val_loss, 0", "    else:", "        wait += 1",
      "        if wait >= 5:", "            break"].join("\n");
    const r = translatePython(code, {file: "t.md", line: 1});
    const p = r.program as KerasProgram;
    expect([(p.dataset as {train: {n: number}}).train.n, (p.dataset as {val?: {n: number}}).val?.n]).toEqual([150, 50]);
  });
});

describe("NumPy: integer arrays paired on the leading axes", () => {
  const run = (code: string) => {
    const e = newEnv(0);
    bindImport(e, "numpy", null, "np");
    new Script(e).run(statements(code, 0));
    return Object.fromEntries(e.vars) as Record<string, NDArray>;
  };
  test("p[np.arange(3), y] picks one entry per row; d[np.arange(3), y] -= 1 changes exactly those; a[[0, 2], [1, 0], :] keeps the last axis", () => {
    const v = run(["p = np.array([[0.1, 0.7, 0.2], [0.5, 0.25, 0.25], [0.3, 0.3, 0.4]])", "y = np.array([1, 0, 2])", "picked = p[np.arange(3), y]",
      "d = p.copy()", "d[np.arange(len(y)), y] -= 1", "a = np.arange(12).reshape(2, 3, 2)", "b = a[[0, 1], [2, 0], :]", "c = p[[0, 2], 1]"].join("\n"));
    expect(Array.from(v.picked.data)).toEqual([0.7, 0.5, 0.4]);
    expect(Array.from(v.d.data).map((x) => +x.toFixed(10))).toEqual([0.1, -0.3, 0.2, -0.5, 0.25, 0.25, 0.3, 0.3, -0.6]);
    expect([v.b.shape, Array.from(v.b.data)]).toEqual([[2, 2], [4, 5, 6, 7]]);
    expect(Array.from(v.c.data)).toEqual([0.7, 0.3]);
    expect(() => run("p = np.zeros((3, 3))\nq = p[np.array([0, 1]), np.array([0, 1, 2])]")).toThrow(/cannot be broadcast/);
  });
});

describe("AMSGrad", () => {
  test("Adam(amsgrad=True) gives torch 1.13's weights after four steps of given gradients (0.7324352, −1.7838866; plain Adam 0.7323349)", () => {
    const G = [[5, -1], [0.1, 0.2], [0.1, -0.1], [0.05, 0.3]];
    const run = (amsgrad: boolean) => {
      const w = tf.variable(tf.tensor1d([1, -2]));
      const opt = makeOptimizer({name: "adam", learningRate: 0.1, learningRateExplicit: true, epsilon: 1e-8, ...(amsgrad ? {amsgrad} : {})});
      for (const g of G) opt.applyGradients({[w.name]: tf.tensor1d(g)});
      const out = Array.from(w.dataSync());
      w.dispose();
      opt.dispose();
      return out;
    };
    const [a, b] = run(true);
    expect(a).toBeCloseTo(0.7324351668357849, 6);
    expect(b).toBeCloseTo(-1.7838865518569946, 6);
    expect(run(false)[0]).toBeCloseTo(0.7323348522186279, 5); // (tf.train.adam: float32 rounding in the 6th digit; AMSGrad differs by 1e-4)
  });
  test("torch.optim.Adam(…, amsgrad=True) and keras.optimizers.Adam(amsgrad=True) are read, printed and read back", () => {
    const r = translatePython(keras("layers.Dense(2)", ["model.compile(optimizer=keras.optimizers.Adam(0.01, amsgrad=True), loss='sparse_categorical_crossentropy')", "model.fit(X_train, y_train, epochs=1)"]), {file: "a.md", line: 1});
    const p = r.program as KerasProgram;
    expect(p.compile.optimizer.amsgrad).toBe(true);
    const back = parseProgram(printProgram(p), p);
    expect("compile" in back && back.compile.optimizer.amsgrad).toBe(true);
    const t = translatePython(["import torch", "import torch.nn as nn", "X = torch.randn(40, 2)", "y = (X[:, 0] > 0).long()", "model = nn.Linear(2, 2)",
      "opt = torch.optim.Adam(model.parameters(), lr=0.01, amsgrad=True)", "loss_fn = nn.CrossEntropyLoss()", "for epoch in range(3):",
      "    opt.zero_grad()", "    loss = loss_fn(model(X), y)", "    loss.backward()", "    opt.step()"].join("\n"), {file: "t.md", line: 1});
    expect((t.program as KerasProgram).compile.optimizer).toMatchObject({name: "adam", amsgrad: true, learningRate: 0.01});
  });
});

describe("nn.PReLU and Keras' PReLU", () => {
  test("layers.PReLU() after Dense is one slope per unit from 0 (Keras' zeros); shared_axes=[1] makes it one slope", () => {
    const per = translatePython(keras("layers.Dense(4), layers.PReLU(), layers.Dense(2)", ["model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')", "model.fit(X_train, y_train, epochs=1)"]), {file: "k.md", line: 1}).program as KerasProgram;
    expect(per.layers[0]).toMatchObject({type: "dense", activation: "prelu", alpha: 0, perChannel: true});
    expect(countParams(buildModel(per, {seed: 1}))).toBe(12 + 4 + 10);
    const one = translatePython(keras("layers.Dense(4), layers.PReLU(shared_axes=[1]), layers.Dense(2)", ["model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')", "model.fit(X_train, y_train, epochs=1)"]), {file: "k.md", line: 1}).program as KerasProgram;
    expect((one.layers[0] as {perChannel?: boolean}).perChannel).toBeUndefined();
    expect(countParams(buildModel(one, {seed: 1}))).toBe(12 + 1 + 10);
  });
  const torchCode = (act: string) => ["import torch", "import torch.nn as nn", "X = torch.randn(40, 2)", "y = (X[:, 0] > 0).long()",
    `model = nn.Sequential(nn.Linear(2, 3), ${act}, nn.Linear(3, 2))`, "opt = torch.optim.SGD(model.parameters(), lr=0.1)", "loss_fn = nn.CrossEntropyLoss()",
    "for epoch in range(2):", "    opt.zero_grad()", "    loss = loss_fn(model(X), y)", "    loss.backward()", "    opt.step()"].join("\n");
  test("nn.PReLU() is one learnt slope from 0.25 (x for x > 0, 0.25·x below), nn.PReLU(3, init=0.1) one per unit; printed and read back", () => {
    const p = translatePython(torchCode("nn.PReLU()"), {file: "p.md", line: 1}).program as KerasProgram;
    expect(p.layers[0]).toMatchObject({type: "dense", activation: "prelu", alpha: 0.25});
    expect((p.layers[0] as {perChannel?: boolean}).perChannel).toBeUndefined();
    const model = buildModel(p, {seed: 1});
    // 2·3 + 3 weights, 1 slope, 3·2 + 2 weights
    expect(countParams(model)).toBe(9 + 1 + 8);
    const hidden = tf.sequential({layers: [model.layers[0], model.layers[1]]});
    const x = tf.tensor2d([[1, -2], [-0.5, 0.3]]);
    const pre = Array.from((model.layers[0].apply(x) as tf.Tensor).dataSync()), out = Array.from((hidden.predict(x) as tf.Tensor).dataSync());
    out.forEach((v, k) => expect(v).toBeCloseTo(pre[k] > 0 ? pre[k] : 0.25 * pre[k], 6));
    const back = parseProgram(printProgram(p), p);
    expect("layers" in back ? back.layers[0] : back).toMatchObject({activation: "prelu", alpha: 0.25});
    const q = translatePython(torchCode("nn.PReLU(3, init=0.1)"), {file: "p.md", line: 1}).program as KerasProgram;
    expect(q.layers[0]).toMatchObject({activation: "prelu", alpha: 0.1, perChannel: true});
    expect(countParams(buildModel(q, {seed: 1}))).toBe(9 + 3 + 8);
    const qBack = parseProgram(printProgram(q), q);
    expect("layers" in qBack ? qBack.layers[0] : qBack).toMatchObject({activation: "prelu", alpha: 0.1, perChannel: true});
    model.dispose();
  });
});
