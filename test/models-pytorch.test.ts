import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, test} from "vitest";
import {buildModel, correctCount, lossFunction, makeOptimizer, optimizerStep} from "../components/models/build.js";
import type {CompileSpec, KerasProgram} from "../components/models/keras/program.js";
import {translatePython} from "../components/models/keras/translate.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const HEAD = `import torch
import torch.nn as nn
import torch.nn.functional as F
torch.manual_seed(0)
X = torch.randn(64, 4)
y = (X[:, 0] > 0).long()
`;
const LOOP = `criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True)
for epoch in range(5):
    optimizer.zero_grad()
    loss = criterion(model(X), y)
    loss.backward()
    optimizer.step()
`;

function torch(code: string) {
  return translatePython(HEAD + code, {file: "t.md", line: 0});
}

describe("PyTorch translation", () => {
  test("nn.Sequential: activations and BatchNorm fold into the Linear before them; optimiser and loss as PyTorch sets them", () => {
    const r = torch(`model = nn.Sequential(
    nn.Linear(4, 16),
    nn.BatchNorm1d(16),
    nn.ReLU(),
    nn.Dropout(0.3),
    nn.Linear(16, 2),
)
${LOOP}`);
    const p = r.program as KerasProgram;
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(p).toMatchObject({kind: "keras", framework: "pytorch", init: "pytorch", inputShape: [4]});
    expect(p.layers).toEqual([
      {type: "dense", units: 16, activation: "relu", useBias: true, line: 8, batchNorm: {momentum: 0.9, epsilon: 1e-5, afterActivation: false, line: 9}},
      {type: "dropout", rate: 0.3, line: 11},
      {type: "dense", units: 2, activation: "linear", useBias: true, line: 12}
    ]);
    expect(p.compile).toMatchObject({loss: "sparse_categorical_crossentropy", fromLogits: true,
      optimizer: {name: "sgd", learningRate: 0.1, momentum: 0.9, nesterov: true}});
    expect(p.fit).toMatchObject({epochs: 5, batchSize: 64, shuffle: false});
    expect(p.dataset).toMatchObject({id: "arrays", inputShape: [4], train: {n: 64}});
  });

  test("the training step in a function of the code's own (train_one_epoch(), run(net, loader, opt, crit)) is read as the loop", () => {
    const head = `from torch.utils.data import TensorDataset, DataLoader
model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2))
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.RMSprop(model.parameters(), lr=0.01)
sched = torch.optim.lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.5)
loader = DataLoader(TensorDataset(X, y), batch_size=16, shuffle=True)
`;
    const noArgs = torch(`${head}
def train_one_epoch():
    model.train()
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item()
    return total

for epoch in range(1, 7):
    avg = train_one_epoch()
    sched.step()
`);
    const withArgs = torch(`${head}
def run(net, data, opt, crit):
    for a, b in data:
        opt.zero_grad()
        out = net(a)
        loss = crit(out, b)
        loss.backward()
        opt.step()

for epoch in range(6):
    run(model, loader, optimizer, criterion)
    sched.step()
`);
    for (const r of [noArgs, withArgs]) {
      expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const p = r.program as KerasProgram;
      expect(p.compile).toMatchObject({loss: "sparse_categorical_crossentropy", fromLogits: true, optimizer: {name: "rmsprop", learningRate: 0.01}});
      expect(p.fit).toMatchObject({epochs: 6, batchSize: 16, shuffle: true});
    }
  });

  test("the whole epoch loop in a function called at top level (train(model, loader, opt, crit, epochs=4)) is read as the loop, defaults included", () => {
    const r = torch(`from torch.utils.data import TensorDataset, DataLoader
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)
def fit_model(net, data, opt, crit, epochs, sched=None):
    for epoch in range(epochs):
        for xb, yb in data:
            opt.zero_grad()
            loss = crit(net(xb), yb)
            loss.backward()
            opt.step()
        if sched is not None:
            sched.step()
adam = torch.optim.Adam(model.parameters(), lr=0.01)
ce = nn.CrossEntropyLoss()
fit_model(model, loader, adam, ce, epochs=4)
`);
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect((r.program as KerasProgram).fit).toMatchObject({epochs: 4, batchSize: 32, shuffle: true});
  });

  test("the loss and its backward pass in one statement (criterion(model(xb), yb).backward()) is the usual loop", () => {
    const r = torch(`model = nn.Sequential(nn.Linear(4, 2))
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(3):
    optimizer.zero_grad()
    criterion(model(X), y).backward()
    optimizer.step()
`);
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect((r.program as KerasProgram).fit).toMatchObject({epochs: 3, batchSize: 64});
  });

  test("batches sliced by hand: a fresh permutation per epoch is a shuffled batch of B, a plain slice an unshuffled one", () => {
    const head = `model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
`;
    const shuffled = torch(`${head}bs = 16
for epoch in range(3):
    order = torch.randperm(len(X))
    for start in range(0, len(X), bs):
        idx = order[start:start + bs]
        out = model(X[idx])
        loss = criterion(out, y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
`);
    const plain = torch(`${head}for epoch in range(4):
    for s in range(0, 64, 8):
        xb, yb = X[s:s + 8], y[s:s + 8]
        loss = criterion(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
`);
    for (const [r, fit] of [[shuffled, {epochs: 3, batchSize: 16, shuffle: true}], [plain, {epochs: 4, batchSize: 8, shuffle: false}]] as const) {
      expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      expect((r.program as KerasProgram).fit).toMatchObject(fit);
      expect((r.program as KerasProgram).dataset).toMatchObject({id: "arrays", train: {n: 64}});
    }
  });

  test("the evaluation under torch.no_grad() through a converted tensor (X_t = torch.from_numpy(X_test).float()) is on the test rows", () => {
    const r = translatePython(`import numpy as np
import torch
from torch import nn
np.random.seed(0)
X = np.random.randn(100, 3)
y = (X[:, 0] > 0).astype(np.float32)
X_train, y_train, X_test, y_test = X[:80], y[:80], X[80:], y[80:]
model = nn.Sequential(nn.Linear(3, 1), nn.Sigmoid())
criterion = nn.BCELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
xt, yt = torch.from_numpy(X_train).float(), torch.from_numpy(y_train).float().view(-1, 1)
for epoch in range(5):
    optimizer.zero_grad()
    loss = criterion(model(xt), yt)
    loss.backward()
    optimizer.step()
with torch.no_grad():
    X_t = torch.from_numpy(X_test).float()
    y_t = torch.tensor(y_test, dtype=torch.float32).view(-1, 1)
    acc = ((model(X_t) >= 0.5).float() == y_t).float().mean().item()
`, {file: "t.md", line: 0});
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect((r.program as KerasProgram).dataset).toMatchObject({id: "arrays", train: {n: 80}, test: {n: 20}});
  });

  test("an nn.Module: __init__ layers with constructor arguments, forward with F.relu and view", () => {
    const r = torch(`class Net(nn.Module):
    def __init__(self, hidden=8):
        super(Net, self).__init__()
        self.fc1 = nn.Linear(4, hidden)
        self.fc2 = nn.Linear(hidden, 2)
    def forward(self, x):
        x = x.view(x.size(0), -1)
        x = torch.tanh(self.fc1(x))
        return self.fc2(x)
model = Net(hidden=12)
${LOOP}`);
    const p = r.program as KerasProgram;
    expect(p.layers.map((l) => (l.type === "dense" ? `${l.units}:${l.activation}` : l.type))).toEqual(["12:tanh", "2:linear"]);
  });

  test("what PyTorch itself would reject is named at its line: in_features mismatch, residual sums, unknown optimisers", () => {
    const bad = torch(`model = nn.Sequential(nn.Linear(5, 3), nn.ReLU(), nn.Linear(3, 2))\n${LOOP}`);
    expect(bad.program).toBeUndefined();
    expect(bad.diagnostics).toContainEqual(expect.objectContaining({line: 7, severity: "error", message: expect.stringContaining("expects inputs of shape (5) but the data has (4)")}));
    const mid = torch(`model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(5, 2))\n${LOOP}`);
    expect(mid.diagnostics).toContainEqual(expect.objectContaining({line: 7, severity: "error", message: expect.stringContaining("receives 3 features")}));
    const opt = torch(`model = nn.Sequential(nn.Linear(4, 2))\noptimizer = torch.optim.LBFGS(model.parameters())\n`);
    expect(opt.diagnostics).toContainEqual(expect.objectContaining({line: 8, severity: "error", message: expect.stringContaining("LBFGS")}));
  });

  test("optimiser defaults: Adam eps 1e-8, AdamW weight_decay 0.01, RMSprop alpha 0.99", () => {
    for (const [src, want] of [
      ["torch.optim.Adam(model.parameters())", {name: "adam", learningRate: 1e-3, epsilon: 1e-8}],
      ["torch.optim.AdamW(model.parameters(), lr=0.01)", {name: "adamw", learningRate: 0.01, weightDecay: 0.01}],
      ["torch.optim.RMSprop(model.parameters(), lr=0.01)", {name: "rmsprop", rho: 0.99, epsilon: 1e-8}]
    ] as const) {
      const r = torch(`model = nn.Sequential(nn.Linear(4, 2))\noptimizer = ${src}\ncriterion = nn.CrossEntropyLoss()\nfor e in range(2):\n    optimizer.zero_grad()\n    loss = criterion(model(X), y)\n    loss.backward()\n    optimizer.step()\n`);
      expect((r.program as KerasProgram).compile.optimizer).toMatchObject(want);
    }
  });
});

describe("training pieces for PyTorch programs", () => {
  test("cross-entropy and BCE on logits match the hand-computed values", () => {
    const ce = lossFunction("sparse_categorical_crossentropy", true)(tf.tensor1d([0]), tf.tensor2d([[2, 0]]));
    expect(ce.dataSync()[0]).toBeCloseTo(Math.log(1 + Math.exp(-2)), 6); // 0.126928
    const bce = lossFunction("binary_crossentropy", true)(tf.tensor1d([1, 0]), tf.tensor2d([[0.5], [-30]]));
    expect(bce.dataSync()[0]).toBeCloseTo((Math.log(1 + Math.exp(-0.5)) + Math.log(1 + Math.exp(-30))) / 2, 6);
    expect(correctCount(tf.tensor1d([1, 0]), tf.tensor2d([[0.2], [-0.1]]), true).dataSync()[0]).toBe(2);
  });

  function steps(opt: CompileSpec["optimizer"], n: number): number[] {
    const w = tf.variable(tf.scalar(1));
    const o = makeOptimizer(opt);
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      optimizerStep(o, opt, () => tf.square(w) as tf.Scalar).dispose();
      out.push(w.dataSync()[0]);
    }
    w.dispose();
    return out;
  }

  test("SGD momentum / Nesterov, L2 weight decay and AdamW's decoupled decay on f(w) = w², w₀ = 1 (hand-computed)", () => {
    const base = {learningRate: 0.1, learningRateExplicit: true};
    const m = steps({name: "sgd", ...base, momentum: 0.9}, 2);
    expect(m[0]).toBeCloseTo(0.8, 6); // v = 2, w = 1 − 0.1·2
    expect(m[1]).toBeCloseTo(0.46, 6); // v = 0.9·2 + 1.6 = 3.4, w = 0.8 − 0.34
    expect(steps({name: "sgd", ...base, momentum: 0.9, nesterov: true}, 1)[0]).toBeCloseTo(0.62, 6); // 1 − 0.1·(2 + 0.9·2)
    expect(steps({name: "sgd", ...base, weightDecay: 0.1}, 1)[0]).toBeCloseTo(0.79, 6); // g = 2 + 0.1·1
    // AdamW: w ← w·(1 − lr·wd) = 0.99, then Adam's first step moves by lr·g/|g| = 0.1
    expect(steps({name: "adamw", ...base, weightDecay: 0.1, epsilon: 1e-8}, 1)[0]).toBeCloseTo(0.89, 5);
  });

  test("PyTorch init: weights and biases in ±1/√fan_in, seeded; BatchNorm adds its layers", () => {
    const spec = {layers: [{type: "dense" as const, units: 3, activation: "relu" as const, useBias: true, line: 1,
      batchNorm: {momentum: 0.9, epsilon: 1e-5, afterActivation: false, line: 2}}], inputShape: [4], init: "pytorch" as const};
    const model = buildModel(spec, {seed: 5});
    expect(model.layers.map((l) => l.getClassName())).toEqual(["Dense", "BatchNormalization", "Activation"]);
    const [k, b] = model.layers[0].getWeights().map((w) => Array.from(w.dataSync()));
    expect(Math.max(...k.map(Math.abs))).toBeLessThanOrEqual(0.5);
    expect(Math.max(...b.map(Math.abs))).toBeLessThanOrEqual(0.5);
    expect(b.some((v) => v !== 0)).toBe(true);
    const again = buildModel(spec, {seed: 5});
    expect(Array.from(again.layers[0].getWeights()[0].dataSync())).toEqual(k);
    model.dispose();
    again.dispose();
  });
});
