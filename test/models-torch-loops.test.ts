/**
 * PyTorch training habits: nn.Sequential(OrderedDict(…)), CosineAnnealingWarmRestarts (stepped per epoch, per batch,
 * or to the fractional epoch `epoch + i / iters`), losses written out by hand, gradient accumulation, a validation
 * accuracy computed inside the epoch loop, and test labels compared after the `with torch.no_grad():` block.
 * Schedule values are PyTorch 1.13's (printed by /usr/bin/python3 with torch.optim.lr_scheduler).
 */
import {describe, expect, test} from "vitest";
import type {KerasProgram, LrSchedule} from "../components/models/keras/program.js";
import {learningRateAt} from "../components/models/keras/schedule.js";
import {translatePython} from "../components/models/keras/translate.js";
import {parseProgram} from "../components/models/parseProgram.js";
import {printProgram} from "../components/models/printProgram.js";
import {parseExpr} from "../components/models/keras/expr.js";
import {readHandLoss} from "../components/models/pytorch/handLoss.js";

const translate = (code: string) => translatePython(code, {file: "t.md", line: 1});
const errors = (r: ReturnType<typeof translate>) => r.diagnostics.filter((d) => d.severity === "error");

/** A small PyTorch script: data of 96 rows (X_tr/y_tr 64, X_te/y_te 32), the model, and the loop body given. */
const script = (model: string, loop: string[], extra: {head?: string[]; tail?: string[]; opt?: string} = {}) => [
  "import math", "from collections import OrderedDict", "import torch", "import torch.nn as nn", "import torch.nn.functional as F",
  "torch.manual_seed(0)", "X = torch.randn(96, 2)", "y = (X[:, 0] * X[:, 1] > 0).long()", "X_tr, y_tr = X[:64], y[:64]", "X_te, y_te = X[64:], y[64:]",
  `model = ${model}`, `opt = ${extra.opt ?? "torch.optim.SGD(model.parameters(), lr=0.1)"}`, ...(extra.head ?? []),
  "for epoch in range(4):", ...loop.map((l) => "    " + l), ...(extra.tail ?? [])].join("\n");

describe("nn.Sequential(OrderedDict(…))", () => {
  test("the named layers train in their order; model.fc1 is printable", () => {
    const r = translate(script('nn.Sequential(OrderedDict([("fc1", nn.Linear(2, 8)), ("act", nn.Tanh()), ("head", nn.Linear(8, 2))]))',
      ["opt.zero_grad()", "loss = F.cross_entropy(model(X_tr), y_tr)", "loss.backward()", "opt.step()"], {tail: ["print(model.fc1)"]}));
    expect(errors(r)).toEqual([]);
    const p = r.program as KerasProgram;
    expect(p.layers.map((l) => [l.type, "units" in l ? l.units : 0, "activation" in l ? l.activation : ""])).toEqual([["dense", 8, "tanh"], ["dense", 2, "linear"]]);
  });

  test("an OrderedDict whose values are not layers is refused at its line", () => {
    const r = translate(script('nn.Sequential(OrderedDict([("fc1", 3)]))', ["opt.zero_grad()", "loss = F.cross_entropy(model(X_tr), y_tr)", "loss.backward()", "opt.step()"]));
    expect(errors(r)).toContainEqual(expect.objectContaining({line: 12, message: expect.stringMatching(/nn\.Sequential: argument is not a layer/)}));
  });
});

describe("CosineAnnealingWarmRestarts", () => {
  const restarts = (t0: number, tMult: number, etaMin: number, extra: Partial<Extract<LrSchedule, {kind: "restarts"}>> = {}): LrSchedule =>
    ({kind: "restarts", per: "batch", t0, tMult, etaMin, line: 1, ...extra});

  test("the closed form matches PyTorch's step(x) at fractional positions and across restarts (T_0 = 10, T_mult = 2)", () => {
    // step(x) for x = 0, 5, 9.96, 10, 15, 29.5, 30, 69.9 with lr 0.01, eta_min 1e-4 (torch 1.13)
    const torch = [0.01, 0.005050000000000001, 0.00010039083119111025, 0.01, 0.00855017856687341, 0.00011525919802101659, 0.01, 0.00010015266965829117];
    const xs = [0, 5, 9.96, 10, 15, 29.5, 30, 69.9];
    // fraction f: after k steps the position is (k − 1) / f, so position x is step k = x·f + 1
    const s = restarts(10, 2, 1e-4, {fraction: 50});
    expect(xs.map((x) => learningRateAt(s, 0.01, 0, Math.round(x * 50) + 1))).toEqual(torch.map((v) => expect.closeTo(v, 12)));
    // the very first batch runs at the initial rate
    expect(learningRateAt(s, 0.01, 0, 0)).toBe(0.01);
  });

  test("step() without an argument restarts every T_0 steps when T_mult = 1 (0.1, 0.075, 0.025, 0.1, …)", () => {
    const torch = [0.1, 0.07500000000000001, 0.025000000000000012, 0.1, 0.07500000000000001, 0.025000000000000012, 0.1, 0.07500000000000001];
    const s = restarts(3, 1, 0, {per: "epoch"});
    expect(torch.map((_, k) => learningRateAt(s, 0.1, k, 0))).toEqual(torch.map((v) => expect.closeTo(v, 12)));
  });

  const loop = (step: string) => ["for i in range(iters):", "    idx = order[i * 16:(i + 1) * 16]", "    loss = F.cross_entropy(model(X_tr[idx]), y_tr[idx])",
    "    opt.zero_grad()", "    loss.backward()", "    opt.step()", `    ${step}`];
  const head = ["sched = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2, eta_min=0.001)", "iters = math.ceil(len(X_tr) / 16)"];

  test("stepped after every batch with epoch + i / iters: a per-batch schedule with that fraction, which prints and reads back", () => {
    const r = translate(script("nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))", ["order = torch.randperm(64)", ...loop("sched.step(epoch + i / iters)")], {head}));
    expect(errors(r)).toEqual([]);
    const p = r.program as KerasProgram;
    expect(p.compile.schedule).toEqual({kind: "restarts", per: "batch", t0: 2, tMult: 2, etaMin: 0.001, fraction: 4, line: 14});
    expect(p.fit).toMatchObject({batchSize: 16, shuffle: true});
    const back = parseProgram(printProgram(p), p);
    expect("compile" in back && back.compile.schedule).toEqual(p.compile.schedule);
  });

  test("a position that is not the fractional epoch (i / iters alone, or a count other than the batches) is refused at its line", () => {
    const wrong = translate(script("nn.Sequential(nn.Linear(2, 2))", ["order = torch.randperm(64)", ...loop("sched.step(epoch + i / 10)")], {head}));
    expect(errors(wrong)).toContainEqual(expect.objectContaining({line: 24, message: expect.stringMatching(/sched\.step\(epoch \+ i \/ 10\).*epoch \+ i \/ 4/)}));
    const other = translate(script("nn.Sequential(nn.Linear(2, 2))", ["order = torch.randperm(64)", ...loop("sched.step(i / iters)")], {head}));
    expect(errors(other)).toContainEqual(expect.objectContaining({line: 24}));
  });
});

describe("losses written out by hand", () => {
  const read = (text: string, defs: Record<string, string> = {}) =>
    readHandLoss(parseExpr(text), new Map(Object.entries(defs).map(([k, v]) => [k, parseExpr(v)])));

  test("cross-entropy on one-hot targets, read through the loop's names, is sparse cross-entropy on logits", () => {
    expect(read("-(target * log_probs).sum(dim=1).mean()", {target: "F.one_hot(yb, num_classes=4).float()", log_probs: "F.log_softmax(model(xb), dim=1)"}))
      .toMatchObject({loss: "sparse_categorical_crossentropy", fromLogits: true, target: {type: "name", id: "yb"}});
    expect(read("torch.mean(-torch.sum(Y * torch.log(p), dim=1))", {p: "F.softmax(model(xb), dim=1)"})).toMatchObject({loss: "categorical_crossentropy", fromLogits: true});
    expect(read("-(Y * torch.log(p)).sum(1).mean()", {p: "model(xb)"})).toMatchObject({loss: "categorical_crossentropy", fromLogits: false});
  });

  test("MSE in its spellings and binary cross-entropy on a sigmoid", () => {
    for (const t of ["((out - yb) ** 2).mean()", "torch.mean((out - yb) ** 2)", "(out - yb).pow(2).mean()", "torch.square(yb - out).mean()"]) {
      expect(read(t, {out: "model(xb)"})?.loss).toBe("mean_squared_error");
    }
    expect(read("-(yb * torch.log(p) + (1 - yb) * torch.log(1 - p)).mean()", {p: "torch.sigmoid(model(xb))"}))
      .toMatchObject({loss: "binary_crossentropy", fromLogits: true, target: {type: "name", id: "yb"}});
  });

  test("what is not a mean of the per-sample loss is not read as one (a sum, a mean over all entries, a missing minus)", () => {
    expect(read("((out - yb) ** 2).sum()")).toBeNull();
    expect(read("-(t * F.log_softmax(out, dim=1)).mean()")).toBeNull();
    expect(read("(t * F.log_softmax(out, dim=1)).sum(dim=1).mean()")).toBeNull();
    expect(read("-(yb * torch.log(p) + (1 - yb) * torch.log(p)).mean()")).toBeNull();
  });

  test("an MSE computed under torch.no_grad() before the training loss is an evaluation, not the loss the loop trains", () => {
    const r = translate(script("nn.Sequential(nn.Linear(2, 1))", ["with torch.no_grad():", "    val = ((model(X_te) - y_te.float().unsqueeze(1)) ** 2).mean()",
      "opt.zero_grad()", "loss = ((model(X_tr) - y_tr.float().unsqueeze(1)) ** 2).mean()", "loss.backward()", "opt.step()"]));
    expect(errors(r)).toEqual([]);
    const p = r.program as KerasProgram;
    expect(p.dataset.id === "arrays" && p.dataset.train.n).toBe(64);
  });

  test("a training loop with a hand-written MSE trains that loss (and says so)", () => {
    const r = translate(script("nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))",
      ["opt.zero_grad()", "pred = model(X_tr)", "loss = ((pred - y_tr.float().unsqueeze(1)) ** 2).mean()", "loss.backward()", "opt.step()"]));
    expect(errors(r)).toEqual([]);
    const p = r.program as KerasProgram;
    expect(p.compile.loss).toBe("mean_squared_error");
    expect(p.notes.map((n) => n.text)).toContainEqual(expect.stringMatching(/第 17 行手写的损失是均方误差/));
  });
});

describe("gradient accumulation", () => {
  const body = (backward: string, opt = "") => [
    "for i in range(4):", "    idx = order[i * 16:(i + 1) * 16]", "    loss = F.cross_entropy(model(X_tr[idx]), y_tr[idx])", `    ${backward}`,
    "    if (i + 1) % 2 == 0:", "        opt.step()", "        opt.zero_grad()"].concat(opt ? [opt] : []);
  const code = (backward: string, opt?: string) => script("nn.Sequential(nn.Linear(2, 2))", ["order = torch.randperm(64)", ...body(backward)], opt ? {opt} : {});

  test("the loss divided by the number of batches: one update per 2 × 16 samples, at the code's rate", () => {
    const p = translate(code("(loss / 2).backward()")).program as KerasProgram;
    expect(p.fit.batchSize).toBe(32);
    expect(p.compile.optimizer.learningRate).toBe(0.1);
    expect(p.notes.map((n) => n.text)).toContainEqual(expect.stringMatching(/每 2 个批次才更新一次参数.*每批 32 个样本训练。$/));
  });

  test("undivided, SGD follows the sum as twice the rate; Adam as the mean (its step is nearly scale-free)", () => {
    const sgd = translate(code("loss.backward()")).program as KerasProgram;
    expect([sgd.fit.batchSize, sgd.compile.optimizer.learningRate]).toEqual([32, 0.2]);
    const adam = translate(code("loss.backward()", "torch.optim.Adam(model.parameters(), lr=0.01)")).program as KerasProgram;
    expect([adam.fit.batchSize, adam.compile.optimizer.learningRate]).toEqual([32, 0.01]);
  });
});

describe("evaluation written around the training", () => {
  test("accuracy computed under torch.inference_mode() inside the epoch loop makes X_te/y_te the validation set", () => {
    const r = translate(script("nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))",
      ["opt.zero_grad()", "loss = F.cross_entropy(model(X_tr), y_tr)", "loss.backward()", "opt.step()", "with torch.inference_mode():",
        "    val_pred = model(X_te).argmax(dim=1)", "    val_acc = (val_pred == y_te).float().mean().item()"]));
    expect(errors(r)).toEqual([]);
    const p = r.program as KerasProgram;
    expect(p.dataset.id === "arrays" && [p.dataset.train.n, p.dataset.val?.n]).toEqual([64, 32]);
  });

  test("labels compared after the no_grad block are found by their name (y_te beside X_te), with no report on the unrun block's names", () => {
    const r = translate(script("nn.Sequential(nn.Linear(2, 2))", ["opt.zero_grad()", "loss = F.cross_entropy(model(X_tr), y_tr)", "loss.backward()", "opt.step()"],
      {tail: ["with torch.no_grad():", "    pred = model(X_te).argmax(dim=1)", "acc = (pred == y_te).float().mean().item()", "print(acc)"]}));
    expect(r.diagnostics).toEqual([]);
    const p = r.program as KerasProgram;
    expect(p.dataset.id === "arrays" && p.dataset.test?.n).toBe(32);
    expect(p.evaluate).toEqual({line: 20});
  });
});

describe("weights made by hand and SGD written by hand", () => {
  const module = (init: string) => ["import torch", "import torch.nn as nn", "import torch.nn.functional as F", "torch.manual_seed(0)",
    "X = torch.randn(64, 3)", "y = (X[:, 0] > 0).long()", "class Net(nn.Module):", "    def __init__(self, d_in=3, h=8):", "        super().__init__()",
    `        self.W1 = nn.Parameter(${init})`, "        self.b1 = nn.Parameter(torch.zeros(h))", "        self.W2 = nn.Parameter(torch.randn(2, h) * 0.1)",
    "        self.b2 = nn.Parameter(torch.zeros(2))", "    def forward(self, x):", "        z = torch.tanh(x @ self.W1 + self.b1)", "        return z @ self.W2.T + self.b2",
    "model = Net()", "lr = 0.2", "for epoch in range(5):", "    loss = F.cross_entropy(model(X), y)", "    loss.backward()", "    with torch.no_grad():",
    "        for p in model.parameters():", "            p -= lr * p.grad / 2", "            p.grad.zero_()"].join("\n");

  test("x @ self.W + self.b is a Linear layer drawn as the code draws it; W.T of an out × in matrix too; the update is SGD at lr / 2", () => {
    const r = translate(module("torch.randn(d_in, h) / d_in ** 0.5"));
    expect(errors(r)).toEqual([]);
    const p = r.program as KerasProgram;
    expect(p.layers).toMatchObject([{type: "dense", units: 8, activation: "tanh", paramInit: {kernel: {normal: expect.closeTo(1 / Math.sqrt(3), 12)}, bias: {constant: 0}}},
      {type: "dense", units: 2, activation: "linear", paramInit: {kernel: {normal: 0.1}, bias: {constant: 0}}}]);
    expect(p.compile.optimizer).toMatchObject({name: "sgd", learningRate: 0.1});
    expect(p.notes.map((n) => n.text)).toContainEqual(expect.stringMatching(/手写的参数更新是学习率 0.1 的 SGD/));
    const back = parseProgram(printProgram(p), p);
    expect("layers" in back && back.layers.map((l) => "paramInit" in l && l.paramInit)).toEqual(p.layers.map((l) => "paramInit" in l && l.paramInit));
  });

  test("(torch.rand(a, b) * 2 − 1) * s is uniform on [−s, s]; torch.empty(a, b).uniform_(−0.3, 0.3) too; a shifted normal is refused", () => {
    const uni = translate(module("(torch.rand(d_in, h) * 2 - 1) * 0.5")).program as KerasProgram;
    expect(uni.layers[0]).toMatchObject({paramInit: {kernel: {uniform: [-0.5, 0.5]}}});
    const emp = translate(module("torch.empty(d_in, h).uniform_(-0.3, 0.3)")).program as KerasProgram;
    expect(emp.layers[0]).toMatchObject({paramInit: {kernel: {uniform: [-0.3, 0.3]}}});
    const bad = translate(module("torch.randn(d_in, h) + 1.0"));
    expect(errors(bad)).toContainEqual(expect.objectContaining({message: expect.stringMatching(/non-zero mean is not followed/)}));
  });

  test("the drawn weights have the code's spread: std 1/√3 and [−0.5, 0.5] (10 000 draws each)", async () => {
    const {paramInitializer} = await import("../components/models/build.js");
    const w = Array.from(paramInitializer({normal: 1 / Math.sqrt(3)}, 1).apply([100, 100]).dataSync());
    const mean = w.reduce((a, b) => a + b, 0) / w.length, sd = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length);
    // (the sample sd of 10 000 normal draws is within 0.015 of the true one: 3.5 standard errors)
    expect(Math.abs(sd - 1 / Math.sqrt(3))).toBeLessThan(0.015);
    const u = Array.from(paramInitializer({uniform: [-0.5, 0.5]}, 1).apply([100, 100]).dataSync());
    expect([Math.min(...u) >= -0.5, Math.max(...u) <= 0.5, Math.max(...u) > 0.49]).toEqual([true, true, true]);
  });
});
