/**
 * What the translator reads beyond the first corpus, piece by piece: comprehensions, lambdas and starred arguments
 * (parser and NumPy interpreter), learning-rate schedules (formulas and their effect on training), nn.ModuleList
 * forwards, functional losses, and the reader's messages in the book's language.
 */
import * as tf from "@tensorflow/tfjs";
import {afterEach, beforeAll, describe, expect, test} from "vitest";
import {setLanguage} from "../components/i18n/index.js";
import {arraysDataset} from "../components/models/datasets.js";
import {parseExpr, show} from "../components/models/keras/expr.js";
import {readerText} from "../components/models/keras/messages.js";
import type {KerasProgram, LrSchedule} from "../components/models/keras/program.js";
import {learningRateAt} from "../components/models/keras/schedule.js";
import {translatePython} from "../components/models/keras/translate.js";
import {evalNP} from "../components/models/numpy/eval.js";
import {newEnv} from "../components/models/numpy/env.js";
import {setLearningRate, train} from "../components/models/train.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});
afterEach(() => setLanguage("zh-CN"));

describe("comprehensions, lambdas, starred arguments", () => {
  test("the parser reads them and prints them back", () => {
    for (const src of ["[nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:])]", "[x ** 2 for x in xs if x > 0]", "lambda epoch, lr: lr if epoch < 10 else lr * 0.9",
      "nn.Sequential(*blocks, nn.Linear(4, 1))", "[(i, j) for i in range(2) for j in range(i)]"]) {
      expect(show(parseExpr(src))).toBe(src);
    }
    const e = parseExpr("sum(x * x for x in xs)");
    expect(e).toMatchObject({type: "call", args: [{type: "listcomp", clauses: [{target: {type: "name", id: "x"}}]}]});
    expect(parseExpr("f(*a, **k)")).toMatchObject({type: "call", stars: [0]});
  });

  test("the NumPy interpreter evaluates them; loop variables do not leak; a lambda reads the variables of its call", () => {
    const env = newEnv(0);
    env.vars.set("xs", [-1, 2, 3]);
    env.vars.set("x", "kept");
    expect(evalNP(parseExpr("[x ** 2 for x in xs if x > 0]"), env)).toEqual([4, 9]);
    expect(env.vars.get("x")).toBe("kept");
    expect(evalNP(parseExpr("[(i, j) for i in range(3) for j in range(i)]"), env)).toEqual([[1, 0], [2, 0], [2, 1]]);
    expect(evalNP(parseExpr("sum(v * 10 for v in xs)"), env)).toBe(40);
    env.vars.set("scale", evalNP(parseExpr("lambda w, k: w * k + len(xs)"), env));
    expect(evalNP(parseExpr("scale(2, 5)"), env)).toBe(13);
    expect(() => evalNP(parseExpr("scale(2)"), env)).toThrow(/missing argument k/);
  });
});

describe("learning-rate schedules", () => {
  const at = (s: LrSchedule, e: number, step = 0) => learningRateAt(s, 0.1, e, step);
  test("PyTorch's closed forms and Keras' ExponentialDecay, by hand", () => {
    const step: LrSchedule = {kind: "step", per: "epoch", stepSize: 10, gamma: 0.5, line: 1};
    expect([at(step, 0), at(step, 9), at(step, 10), at(step, 25)]).toEqual([0.1, 0.1, 0.05, 0.025]);
    const multi: LrSchedule = {kind: "multistep", per: "epoch", milestones: [3, 5], gamma: 0.1, line: 1};
    expect([at(multi, 2), at(multi, 3), at(multi, 5)].map((x) => +x.toPrecision(6))).toEqual([0.1, 0.01, 0.001]);
    const cos: LrSchedule = {kind: "cosine", per: "epoch", tMax: 10, etaMin: 0.02, line: 1};
    expect(at(cos, 0)).toBeCloseTo(0.1, 12);
    expect(at(cos, 5)).toBeCloseTo(0.06, 12);
    expect(at(cos, 10)).toBeCloseTo(0.02, 12);
    expect(at({kind: "exponential", per: "batch", gamma: 0.9, line: 1}, 7, 3)).toBeCloseTo(0.0729, 12);
    expect(at({kind: "decay", decaySteps: 100, decayRate: 0.9, staircase: true, line: 1}, 0, 250)).toBeCloseTo(0.081, 12);
    expect(at({kind: "decay", decaySteps: 100, decayRate: 0.81, staircase: false, line: 1}, 0, 50)).toBeCloseTo(0.09, 12);
    expect(at({kind: "table", lrs: [0.3, 0.2], text: "", line: 1}, 5)).toBe(0.2);
  });

  test("train() applies it: one SGD step per epoch on L = w², w ← w(1 − 2·lr) with lr 0.1, 0.05, 0.025", async () => {
    const model = tf.sequential({layers: [tf.layers.dense({units: 1, useBias: false, inputShape: [1], kernelInitializer: "ones"})]});
    const data = arraysDataset({x: [1, 1, 1, 1], y: [0, 0, 0, 0], n: 4}, [1]);
    const ws: number[] = [], lrs: number[] = [];
    for await (const s of train(model, data, {epochs: 3, batchSize: 4, shuffle: false, compile: {
      optimizer: {name: "sgd", learningRate: 0.1, learningRateExplicit: true}, loss: "mean_squared_error",
      schedule: {kind: "step", per: "epoch", stepSize: 1, gamma: 0.5, line: 1}}})) {
      ws.push((await model.getWeights()[0].data())[0]);
      lrs.push(s.learningRate!);
    }
    expect(lrs).toEqual([0.1, 0.05, 0.025]);
    expect(ws[0]).toBeCloseTo(0.8, 6);
    expect(ws[1]).toBeCloseTo(0.72, 6);
    expect(ws[2]).toBeCloseTo(0.684, 6);
    model.dispose();
  });

  test("setLearningRate changes Adam's step: its first step moves a weight by about lr", () => {
    const w = tf.variable(tf.scalar(0));
    const opt = tf.train.adam(0.001);
    setLearningRate(opt, 0.3);
    opt.minimize(() => tf.square(tf.sub(w, 5)) as tf.Scalar);
    expect(w.dataSync()[0]).toBeCloseTo(0.3, 4);
    opt.dispose();
    w.dispose();
  });
});

const torchHead = ["import torch", "import torch.nn as nn", "import torch.nn.functional as F", "X = torch.randn(64, 3)", "y = (X[:, 0] > 0).long()"];
const torchTail = ["opt = torch.optim.SGD(model.parameters(), lr=0.1)", "for epoch in range(5):", "    opt.zero_grad()",
  "    loss = F.nll_loss(model(X), y)", "    loss.backward()", "    opt.step()"];

describe("PyTorch modules and loops", () => {
  test("enumerate over a ModuleList, an indexed module, torch.relu, F.log_softmax with F.nll_loss", () => {
    const code = [...torchHead, "class Net(nn.Module):", "    def __init__(self, widths=(3, 8, 8)):", "        super().__init__()",
      "        self.hidden = nn.ModuleList([nn.Linear(widths[i], widths[i + 1]) for i in range(len(widths) - 1)])", "        self.out = nn.Linear(widths[-1], 2)",
      "    def forward(self, x):", "        for i, layer in enumerate(self.hidden):", "            x = torch.relu(layer(x))", "        return F.log_softmax(self.out(x), dim=1)",
      "model = Net()", ...torchTail].join("\n");
    const r = translatePython(code, {file: "t.md", line: 0});
    const p = r.program as KerasProgram;
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(p.layers.map((l) => (l.type === "dense" ? `${l.units}:${l.activation}:${l.line}` : l.type))).toEqual(["8:relu:9", "8:relu:9", "2:linear:10"]);
    expect(p.compile).toMatchObject({loss: "sparse_categorical_crossentropy", fromLogits: true, optimizer: {name: "sgd", learningRate: 0.1}});
  });

  test("what forward cannot chain is named at its line, in the book's language, and the model is not trained", () => {
    const code = [...torchHead, "class Net(nn.Module):", "    def __init__(self):", "        super().__init__()", "        self.blocks = nn.ModuleList([nn.Linear(3, 3) for _ in range(2)])",
      "    def forward(self, x):", "        for b in self.blocks:", "            x = x + b(x)", "        return x", "model = Net()", ...torchTail].join("\n");
    const r = translatePython(code, {file: "t.md", line: 0});
    expect(r.program).toBeUndefined();
    expect(r.diagnostics).toContainEqual(expect.objectContaining({line: 12, severity: "error", message: expect.stringContaining("x + b(x)")}));
  });

  test("a scheduler stepped inside the batch loop advances per batch; an untracked one is named and the rest trains", () => {
    const code = [...torchHead, "from torch.utils.data import DataLoader, TensorDataset", "model = nn.Sequential(nn.Linear(3, 2))",
      "loader = DataLoader(TensorDataset(X, y), batch_size=16)", "opt = torch.optim.Adam(model.parameters(), lr=0.01)",
      "sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[10, 20], gamma=0.1)", "other = make_scheduler(opt)",
      "for epoch in range(3):", "    for xb, yb in loader:", "        opt.zero_grad()", "        loss = F.cross_entropy(model(xb), yb)", "        loss.backward()",
      "        opt.step()", "        sched.step()", "    other.step()"].join("\n");
    const r = translatePython(code, {file: "t.md", line: 0});
    const p = r.program as KerasProgram;
    expect(p.compile.schedule).toEqual({kind: "multistep", per: "batch", milestones: [10, 20], gamma: 0.1, line: 10});
    expect(p.unsupported?.map((u) => u.line)).toEqual([11]);
    expect(p.unsupported![0].text).toBe("调用了 make_scheduler()，但它从未定义或导入");
  });
});

describe("Keras schedules and the reader's messages", () => {
  const keras = (sched: string) => ["import numpy as np", "import math", "from tensorflow import keras", "X = np.random.randn(100, 2)", "y = (X[:, 0] > 0).astype(int)",
    sched, "model = keras.Sequential([keras.layers.Dense(2, activation='softmax', input_shape=(2,))])",
    "model.compile(optimizer=keras.optimizers.Adam(0.01), loss='sparse_categorical_crossentropy', metrics=['accuracy'])",
    "model.fit(X, y, epochs=4, callbacks=[keras.callbacks.LearningRateScheduler(decay), keras.callbacks.EarlyStopping(patience=2)])"].join("\n");

  test("a def scheduler with math.exp gives the table; EarlyStopping on val_loss without validation data is named as not followed", () => {
    const r = translatePython(keras("def decay(epoch, lr):\n    if epoch < 2:\n        return lr\n    return lr * math.exp(-0.5)"), {file: "t.md", line: 0});
    const s = (r.program as KerasProgram).compile.schedule!;
    expect(s.kind).toBe("table");
    if (s.kind !== "table") return;
    expect(s.lrs.slice(0, 4).map((x) => +x.toPrecision(6))).toEqual([0.01, 0.01, +(0.01 * Math.exp(-0.5)).toPrecision(6), +(0.01 * Math.exp(-1)).toPrecision(6)]);
    expect(r.diagnostics).toContainEqual(expect.objectContaining({severity: "warning", message: expect.stringMatching(/EarlyStopping monitors val_loss, but fit\(\) has no validation data/)}));
  });

  test("messages for the reader follow the book's language; npm run check keeps the English", () => {
    const msg = "\"try\" blocks are not supported outside a gradient-descent class: try:";
    expect(readerText(msg, "try:")).toBe("“try” 语句块在这里不受支持：try:");
    expect(readerText("torch.optim.lr_scheduler.OneCycleLR() is not supported", "s = OneCycleLR(opt)")).toBe("torch.optim.lr_scheduler.OneCycleLR() 目前不受支持");
    expect(readerText("something new went wrong", "weird(code)")).toBe("这行代码无法在页面里跟踪：weird(code)");
    setLanguage("en");
    expect(readerText(msg, "try:")).toBe("a \"try\" block is not supported here: try:");
    expect(readerText("name 'foo' is not defined", "print(foo)")).toBe("the name foo is not defined");
  });
});
