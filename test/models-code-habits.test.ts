/**
 * Habits of tutorial code from the held-out code-e set, each a general rule: model layers built in a loop (Keras
 * model.add in a for, PyTorch layers appended to a list for nn.Sequential(*layers)), torch's *_like and Poisson
 * draws in data code, batches from zip(X[perm].split(B), y[perm].split(B)), and NumPy classes with methods.
 */
import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, test} from "vitest";
import {buildModel} from "../components/models/build.js";
import type {KerasProgram} from "../components/models/keras/program.js";
import {parseProgram} from "../components/models/parseProgram.js";
import {printProgram} from "../components/models/printProgram.js";
import {statements} from "../components/models/keras/lines.js";
import {translatePython} from "../components/models/keras/translate.js";
import {bindImport, newEnv} from "../components/models/numpy/env.js";
import {isND} from "../components/models/numpy/ndarray.js";
import {Script} from "../components/models/numpy/script.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const at = {file: "h.md", line: 0};
const errors = (r: ReturnType<typeof translatePython>) => r.diagnostics.filter((d) => d.severity === "error");
const layers = (r: ReturnType<typeof translatePython>) => (r.program as KerasProgram).layers.map((l) => (l.type === "dense" ? `${l.units}:${l.activation}` : l.type));

describe("layers built in a loop", () => {
  test("Keras: for units in [32, 16]: model.add(Dense(units, relu)) adds both layers, in order, before the output", () => {
    const r = translatePython(["import numpy as np", "from tensorflow import keras", "X = np.random.rand(40, 3)", "y = (X[:, 0] > 0.5).astype(int)",
      "model = keras.Sequential([keras.Input(shape=(3,))])", "for units in [32, 16]:", "    model.add(keras.layers.Dense(units, activation='relu'))",
      "model.add(keras.layers.Dense(1, activation='sigmoid'))", "model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])",
      "model.fit(X, y, epochs=2)"].join("\n"), at);
    expect(errors(r)).toEqual([]);
    expect(layers(r)).toEqual(["32:relu", "16:relu", "1:sigmoid"]);
  });

  test("PyTorch: layers appended in a for over zip(widths[:-1], widths[1:]) make nn.Sequential(*layers)", () => {
    const r = translatePython(["import torch", "import torch.nn as nn", "X = torch.rand(50, 2)", "y = X.sum(dim=1, keepdim=True)", "widths = [2, 8, 4]", "blocks = []",
      "for a, b in zip(widths[:-1], widths[1:]):", "    blocks.append(nn.Linear(a, b))", "    blocks.append(nn.Tanh())", "blocks.append(nn.Linear(widths[-1], 1))",
      "net = nn.Sequential(*blocks)", "opt = torch.optim.SGD(net.parameters(), lr=0.1)", "crit = nn.MSELoss()",
      "for ep in range(3):", "    opt.zero_grad()", "    loss = crit(net(X), y)", "    loss.backward()", "    opt.step()"].join("\n"), at);
    expect(errors(r)).toEqual([]);
    expect(layers(r)).toEqual(["8:tanh", "4:tanh", "1:linear"]);
  });

  test("nested loops that build the model are bounded in all (40 × 40 × 40 passes): named at the loop, no hang", () => {
    const r = translatePython(["import numpy as np", "from tensorflow import keras", "X = np.random.rand(10, 2)", "y = X[:, 0]", "model = keras.Sequential([keras.Input(shape=(2,))])",
      "for a in range(40):", "    for b in range(40):", "        for c in range(40):", "            model.add(keras.layers.Dense(2))", "model.compile(optimizer='adam', loss='mse')",
      "model.fit(X, y, epochs=1)"].join("\n"), at);
    expect(errors(r)).toContainEqual(expect.objectContaining({message: expect.stringContaining("more than 1024 passes")}));
  });
});

describe("torch data and batches", () => {
  test("torch.randn_like(x) has x's shape; torch.poisson(rates) draws per entry with that mean (mean of 4000 draws of 3.5 within 0.1)", () => {
    const e = newEnv(0);
    e.vars.set("torch", {obj: "module", path: "torch"}); // as the translator binds `import torch` for data code
    new Script(e).run(statements(["torch.manual_seed(2)", "r = torch.full((4000,), 3.5)", "k = torch.poisson(r)", "z = torch.randn_like(torch.zeros(3, 2))"].join("\n"), 0));
    const k = e.vars.get("k"), z = e.vars.get("z");
    if (!isND(k) || !isND(z)) throw new Error("not arrays");
    expect(z.shape).toEqual([3, 2]);
    const mean = k.data.reduce((a, b) => a + b, 0) / k.data.length;
    const variance = k.data.reduce((a, b) => a + (b - mean) ** 2, 0) / k.data.length;
    expect(k.data.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
    expect(Math.abs(mean - 3.5)).toBeLessThan(0.1);
    expect(Math.abs(variance - 3.5)).toBeLessThan(0.3);
  });

  test("for xb, yb in zip(X[perm].split(16), y[perm].split(16)) with perm = torch.randperm(n): shuffled batches of 16", () => {
    const r = translatePython(["import torch", "import torch.nn as nn", "X = torch.rand(64, 2)", "y = X[:, :1] * 2", "net = nn.Linear(2, 1)",
      "opt = torch.optim.SGD(net.parameters(), lr=0.1)", "for ep in range(4):", "    perm = torch.randperm(len(X))", "    for xb, yb in zip(X[perm].split(16), y[perm].split(16)):",
      "        loss = nn.functional.mse_loss(net(xb), yb)", "        opt.zero_grad()", "        loss.backward()", "        opt.step()"].join("\n"), at);
    expect(errors(r)).toEqual([]);
    expect((r.program as KerasProgram).fit).toMatchObject({epochs: 4, batchSize: 16, shuffle: true});
  });

  test("for idx in torch.randperm(n).split(8) (and perm.split(8)) with X[idx], and evaluation under torch.inference_mode()", () => {
    for (const loop of ["    for idx in torch.randperm(len(X)).split(8):", "    perm = torch.randperm(len(X))\n    for idx in perm.split(8):"]) {
      const r = translatePython(["import torch", "import torch.nn as nn", "X = torch.rand(64, 2)", "y = X[:, :1] * 2", "net = nn.Linear(2, 1)",
        "opt = torch.optim.SGD(net.parameters(), lr=0.1)", "for ep in range(3):", loop,
        "        loss = nn.functional.mse_loss(net(X[idx]), y[idx])", "        opt.zero_grad()", "        loss.backward()", "        opt.step()",
        "with torch.inference_mode():", "    test = nn.functional.mse_loss(net(X), y).item()"].join("\n"), at);
      expect(errors(r)).toEqual([]);
      expect((r.program as KerasProgram).fit).toMatchObject({epochs: 3, batchSize: 8, shuffle: true});
    }
  });
});

describe("NumPy classes", () => {
  test("a class with __init__/forward/backward/step over NumPy trains by its own methods: two steps of logistic regression give the hand-computed (and NumPy's) w and b", () => {
    const e = newEnv(0);
    bindImport(e, "numpy", null, "np");
    const s = new Script(e);
    s.run(statements(`
X = np.array([[0.0], [1.0], [2.0], [3.0]])
y = np.array([0.0, 0.0, 1.0, 1.0])
class Logit:
    def __init__(self, d, lr=0.5):
        self.w = np.zeros(d)
        self.b = 0.0
        self.lr = lr
    def forward(self, X):
        self.p = 1 / (1 + np.exp(-(X @ self.w + self.b)))
        return self.p
    def backward(self, X, y):
        g = self.p - y
        self.dw = X.T @ g / len(y)
        self.db = g.mean()
    def step(self):
        self.w -= self.lr * self.dw
        self.b -= self.lr * self.db
m = Logit(1)
w0 = m.w
for i in range(2):
    m.forward(X)
    m.backward(X, y)
    m.step()
`, 0));
    // by hand: step 1 at w = b = 0: p = 0.5, g = (0.5, 0.5, −0.5, −0.5), dw = (0·0.5 + 1·0.5 − 2·0.5 − 3·0.5)/4 = −0.5, db = 0
    // → w = 0.25, b = 0; step 2: p = σ(0.25 x) = (0.5, 0.56218, 0.62246, 0.67918), g = p − y,
    // dw = (0.562177 − 2·0.377541 − 3·0.320821)/4 = −0.288842, db = (0.5 + 0.562177 − 0.377541 − 0.320821)/4 = 0.0909536
    // (NumPy gives w = 0.394421, b = −0.0454768)
    const m = e.vars.get("m") as {attrs: Map<string, unknown>};
    const w = m.attrs.get("w");
    if (!isND(w)) throw new Error("w is not an array");
    expect(w.data[0]).toBeCloseTo(0.394421, 5);
    expect(m.attrs.get("b") as number).toBeCloseTo(-0.0454768, 6);
    // self.w -= … writes into the array: the name bound before the loop sees the same weights, as in NumPy
    expect(e.vars.get("w0")).toBe(w);
  });

  test("a class body holding other statements than methods is named at its line", () => {
    const e = newEnv(0);
    bindImport(e, "numpy", null, "np");
    expect(() => new Script(e).run(statements("class A:\n    n = 3\n    def f(self):\n        return self.n", 0))).toThrow(/only methods/);
  });
});

describe("more habits (held-out code-f)", () => {
  test("nn.Sequential() filled by add_module keeps the layers in order; Keras metric and loss objects stand for their names (from_logits=True read)", () => {
    const t = translatePython(["import torch", "from torch import nn", "X = torch.randn(30, 2)", "Y = X * 2", "net = nn.Sequential()", "net.add_module('a', nn.Linear(2, 5))",
      "net.add_module('b', nn.Softplus())", "net.add_module('c', nn.Linear(5, 2))", "opt = torch.optim.Adam(net.parameters(), lr=0.01)", "mse = nn.MSELoss()",
      "for s in range(3):", "    opt.zero_grad()", "    loss = mse(net(X), Y)", "    loss.backward()", "    opt.step()"].join("\n"), at);
    expect(errors(t)).toEqual([]);
    expect(layers(t)).toEqual(["5:softplus", "2:linear"]);
    const k = translatePython(["import numpy as np", "from tensorflow import keras", "X = np.random.rand(40, 2)", "y = (X[:, 0] > X[:, 1]).astype(int)",
      "m = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(2)])",
      "m.compile(optimizer='adam', loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=[keras.metrics.SparseCategoricalAccuracy()])",
      "m.fit(X, y, epochs=2)"].join("\n"), at);
    expect(errors(k)).toEqual([]);
    expect((k.program as KerasProgram).compile).toMatchObject({loss: "sparse_categorical_crossentropy", fromLogits: true, metrics: ["accuracy"]});
  });

  test("np.append (flattened, or along an axis) and np.digitize give NumPy's values", () => {
    const e = newEnv(0);
    bindImport(e, "numpy", null, "np");
    new Script(e).run(statements(["a = np.append(np.array([[1, 2], [3, 4]]), np.array([5]))", "b = np.append(np.ones((1, 2)), np.zeros((1, 2)), axis=0)",
      "c = np.digitize(np.array([0.2, 1, 1.5, 3, -1]), np.array([0, 1, 2]))", "d = np.digitize(np.array([0.2, 1, 1.5, 3, -1]), np.array([0, 1, 2]), right=True)"].join("\n"), 0));
    const get = (k: string) => {
      const v = e.vars.get(k);
      if (!isND(v)) throw new Error(`${k} is not an array`);
      return {shape: v.shape, data: Array.from(v.data)};
    };
    expect(get("a")).toEqual({shape: [5], data: [1, 2, 3, 4, 5]});
    expect(get("b")).toEqual({shape: [2, 2], data: [1, 1, 0, 0]});
    expect(get("c").data).toEqual([1, 2, 2, 3, 0]);
    expect(get("d").data).toEqual([1, 1, 2, 3, 0]);
  });

  test("what a NumPy trainer prints after one of its statements failed is not taken as its result", () => {
    const r = translatePython(["import numpy as np", "w = 0.0", "for i in range(5):", "    w = w + np.undefined_function(1.0)", "print(f'final loss: {w:.3f}')"].join("\n"), at);
    expect(errors(r)).toContainEqual(expect.objectContaining({line: 4}));
    expect(r.script?.results ?? []).toEqual([]);
  });
});


describe("LeakyReLU", () => {
  test("nn.LeakyReLU(0.1) after nn.Linear and Keras' LeakyReLU() layer (slope 0.3) become the layer's activation; printed as its own tf layer and read back", async () => {
    const t = translatePython(["import torch", "from torch import nn", "X = torch.randn(30, 2)", "Y = X.sum(dim=1, keepdim=True)",
      "net = nn.Sequential(nn.Linear(2, 4), nn.LeakyReLU(0.1), nn.Linear(4, 1))", "opt = torch.optim.SGD(net.parameters(), lr=0.1)", "crit = nn.MSELoss()",
      "for s in range(2):", "    opt.zero_grad()", "    loss = crit(net(X), Y)", "    loss.backward()", "    opt.step()"].join("\n"), at);
    expect(errors(t)).toEqual([]);
    const p = t.program as KerasProgram;
    expect(p.layers[0]).toMatchObject({type: "dense", units: 4, activation: "leakyRelu", alpha: 0.1});
    const text = printProgram(p);
    expect(text).toContain("tf.layers.leakyReLU({alpha: 0.1})");
    const back = parseProgram(text, p);
    expect("layers" in back && back.layers).toEqual(p.layers);
    const k = translatePython(["import numpy as np", "from tensorflow import keras", "X = np.random.rand(40, 1)", "y = X[:, 0] ** 2",
      "m = keras.Sequential()", "m.add(keras.layers.Dense(8, input_dim=1))", "m.add(keras.layers.LeakyReLU())", "m.add(keras.layers.Dense(1))",
      "m.compile(optimizer='adam', loss='mse')", "m.fit(X, y, epochs=2)"].join("\n"), at);
    expect(errors(k)).toEqual([]);
    expect((k.program as KerasProgram).layers[0]).toMatchObject({activation: "leakyRelu", alpha: 0.3});
    const f = translatePython(["import torch", "from torch import nn", "import torch.nn.functional as F", "X = torch.randn(30, 2)", "Y = X.sum(dim=1, keepdim=True)",
      "class Net(nn.Module):", "    def __init__(self):", "        super().__init__()", "        self.a = nn.Linear(2, 4)", "        self.b = nn.Linear(4, 1)",
      "    def forward(self, x):", "        return self.b(F.leaky_relu(self.a(x), 0.2))", "net = Net()", "opt = torch.optim.SGD(net.parameters(), lr=0.1)", "crit = nn.MSELoss()",
      "for s in range(2):", "    opt.zero_grad()", "    loss = crit(net(X), Y)", "    loss.backward()", "    opt.step()"].join("\n"), at);
    expect(errors(f)).toEqual([]);
    expect((f.program as KerasProgram).layers[0]).toMatchObject({activation: "leakyRelu", alpha: 0.2});
  });

  test("the built layer computes max(z, 0) + α·min(z, 0): kernel (1, 2), inputs (1, 1) and (−1, −1) give 3 and −0.3 at α = 0.1", () => {
    const model = buildModel({inputShape: [2], layers: [{type: "dense", units: 1, activation: "leakyRelu", alpha: 0.1, useBias: false, line: 1}]}, {seed: 1});
    const dense = model.layers.find((l) => l.getWeights().length)!;
    dense.setWeights([tf.tensor2d([[1], [2]])]);
    expect(Array.from((model.predict(tf.tensor2d([[1, 1], [-1, -1]])) as tf.Tensor).dataSync()).map((x) => +x.toFixed(6))).toEqual([3, -0.3]);
    model.dispose();
  });
});
