/**
 * NAdam (PyTorch's and Keras' momentum-scheduled Adam), PyTorch's LinearLR / ConstantLR / PolynomialLR / SequentialLR,
 * Keras' CosineDecay / PolynomialDecay / PiecewiseConstantDecay / InverseTimeDecay, nn.Mish, torch.bucketize and
 * np.vander. PyTorch and NumPy values printed by /usr/bin/python3 (torch 1.13, numpy 1.24); Keras' from the formulas
 * of its documentation, computed by hand.
 */
import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, test} from "vitest";
import {makeOptimizer, optimizerStep} from "../components/models/build.js";
import type {KerasProgram, LrSchedule} from "../components/models/keras/program.js";
import {learningRateAt} from "../components/models/keras/schedule.js";
import {translatePython} from "../components/models/keras/translate.js";
import {parseProgram} from "../components/models/parseProgram.js";
import {printProgram} from "../components/models/printProgram.js";
import {statements} from "../components/models/keras/lines.js";
import {bindImport, newEnv} from "../components/models/numpy/env.js";
import {Script} from "../components/models/numpy/script.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("NAdam", () => {
  /** Five steps on f(w) = w0² + 3w1² + w0·w1 from (1, −2). */
  const run = (opt: KerasProgram["compile"]["optimizer"]) => {
    const w = tf.variable(tf.tensor1d([1, -2]));
    const o = makeOptimizer(opt);
    for (let t = 0; t < 5; t++) {
      optimizerStep(o, opt, () => {
        const [a, b] = [w.slice(0, 1).sum(), w.slice(1, 1).sum()];
        return tf.addN([tf.square(a), tf.mul(3, tf.square(b)), tf.mul(a, b)]) as tf.Scalar;
      }).dispose();
    }
    return Array.from(w.dataSync());
  };

  // The references are the update rule computed in float64 by a plain Python loop. torch 1.13 differs in the 4th digit
  // (0.83349, −1.61016): its mu_product_next multiplies μ_t in twice, which PyTorch 2 corrected; Keras' Nadam has it once.
  test("five steps at lr 0.1 (0.83246, −1.60852), and with betas, eps, momentum_decay and weight_decay (0.73799, −1.56278)", () => {
    expect(run({name: "nadam", learningRate: 0.1, learningRateExplicit: true, epsilon: 1e-8})).toEqual([0.8324588210995809, -1.6085208559559754].map((v) => expect.closeTo(v, 5)));
    expect(run({name: "nadam", learningRate: 0.1, learningRateExplicit: true, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, momentumDecay: 0.01, weightDecay: 0.1}))
      .toEqual([0.7379912472693343, -1.5627800062248636].map((v) => expect.closeTo(v, 5)));
  });

  test("torch.optim.NAdam and keras.optimizers.Nadam translate, and the program prints and reads back", () => {
    const code = ["import torch", "import torch.nn as nn", "X = torch.randn(32, 2)", "y = X[:, :1] * 2.0", "net = nn.Sequential(nn.Linear(2, 4), nn.Mish(), nn.Linear(4, 1))",
      "opt = torch.optim.NAdam(net.parameters(), lr=0.01, momentum_decay=0.006)", "crit = nn.MSELoss()",
      "for ep in range(3):", "    opt.zero_grad()", "    loss = crit(net(X), y)", "    loss.backward()", "    opt.step()"].join("\n");
    const p = translatePython(code, {file: "t.md", line: 1}).program as KerasProgram;
    expect(p.compile.optimizer).toMatchObject({name: "nadam", learningRate: 0.01, momentumDecay: 0.006, epsilon: 1e-8});
    expect(p.layers[0]).toMatchObject({type: "dense", activation: "mish"});
    const back = parseProgram(printProgram(p), p);
    expect("compile" in back && back.compile.optimizer).toEqual(p.compile.optimizer);
  });
});

describe("PyTorch schedules", () => {
  const rates = (s: LrSchedule, base: number, n: number) => Array.from({length: n}, (_, k) => learningRateAt(s, base, k, 0));

  test("SequentialLR([LinearLR(0.1 → 1, 5), PolynomialLR(10, power 2)], milestones=[5]) as torch 1.13 steps it", () => {
    const torch = [0.0004, 0.00112, 0.0018399999999999998, 0.0025599999999999998, 0.00328, 0.004, 0.0032400000000000003, 0.00256, 0.0019599999999999995,
      0.0014399999999999999, 0.001, 0.0006400000000000002, 0.00036000000000000024, 0.00015999999999999999, 3.9999999999999996e-05, 0.0, 0.0];
    const code = ["import torch", "from torch.optim.lr_scheduler import LinearLR, PolynomialLR, SequentialLR", "import torch.nn as nn", "X = torch.randn(32, 2)",
      "y = X[:, :1]", "net = nn.Linear(2, 1)", "opt = torch.optim.SGD(net.parameters(), lr=0.004)", "w = LinearLR(opt, start_factor=0.1, end_factor=1.0, total_iters=5)",
      "d = PolynomialLR(opt, total_iters=10, power=2.0)", "sched = SequentialLR(opt, schedulers=[w, d], milestones=[5])", "crit = nn.MSELoss()",
      "for ep in range(17):", "    opt.zero_grad()", "    loss = crit(net(X), y)", "    loss.backward()", "    opt.step()", "    sched.step()"].join("\n");
    const r = translatePython(code, {file: "t.md", line: 1});
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const p = r.program as KerasProgram;
    expect(rates(p.compile.schedule!, 0.004, 17)).toEqual(torch.map((v) => expect.closeTo(v, 12)));
    const back = parseProgram(printProgram(p), p);
    expect("compile" in back && back.compile.schedule).toEqual(p.compile.schedule);
  });

  test("ConstantLR(factor=0.5, total_iters=3): 0.05 three times, then 0.1", () => {
    expect(rates({kind: "constant", per: "epoch", factor: 0.5, totalIters: 3, line: 1}, 0.1, 5)).toEqual([0.05, 0.05, 0.05, 0.1, 0.1]);
  });
});

describe("Keras schedules (per optimiser step, from 0)", () => {
  const kerasCode = (schedule: string) => ["import numpy as np", "from tensorflow import keras", "X = np.random.randn(64, 2)", "y = (X[:, 0] > 0).astype(int)",
    `lr = keras.optimizers.schedules.${schedule}`, "model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(2, activation='softmax')])",
    "model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr), loss='sparse_categorical_crossentropy', metrics=['accuracy'])",
    "model.fit(X, y, epochs=2, batch_size=16, verbose=0)"].join("\n");
  const at = (schedule: string, steps: number[]) => {
    const r = translatePython(kerasCode(schedule), {file: "k.md", line: 1});
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const p = r.program as KerasProgram;
    return steps.map((k) => learningRateAt(p.compile.schedule!, p.compile.optimizer.learningRate, 0, k));
  };

  test("CosineDecay(0.1, 100, alpha=0.1): 0.1 at 0, 0.055 halfway, 0.01 from step 100 on", () => {
    expect(at("CosineDecay(0.1, decay_steps=100, alpha=0.1)", [0, 50, 100, 150])).toEqual([0.1, 0.055, 0.01, 0.01].map((v) => expect.closeTo(v, 12)));
  });
  test("PolynomialDecay(0.1, 10, end_learning_rate=0.01, power=2): 0.0325 at step 5, 0.01 after step 10", () => {
    expect(at("PolynomialDecay(0.1, 10, end_learning_rate=0.01, power=2.0)", [0, 5, 20])).toEqual([0.1, 0.0325, 0.01].map((v) => expect.closeTo(v, 12)));
  });
  test("PiecewiseConstantDecay([10, 20], [0.1, 0.05, 0.01]): a boundary step still has the earlier value", () => {
    expect(at("PiecewiseConstantDecay([10, 20], [0.1, 0.05, 0.01])", [0, 10, 11, 20, 21])).toEqual([0.1, 0.1, 0.05, 0.05, 0.01]);
  });
  test("InverseTimeDecay(0.1, 10, 0.5): 0.08 at step 5; with staircase 0.1 at 5 and 0.1/1.5 at 15", () => {
    expect(at("InverseTimeDecay(0.1, 10, 0.5)", [5])[0]).toBeCloseTo(0.08, 12);
    expect(at("InverseTimeDecay(0.1, 10, 0.5, staircase=True)", [5, 15])).toEqual([0.1, expect.closeTo(0.1 / 1.5, 12)]);
  });
  test("a warm-up and a cycle are refused rather than ignored", () => {
    const r = translatePython(kerasCode("PolynomialDecay(0.1, 10, cycle=True)"), {file: "k.md", line: 1});
    expect(r.diagnostics).toContainEqual(expect.objectContaining({severity: "error", message: expect.stringMatching(/cycle=True is not followed/)}));
  });
});

describe("Keras kernel_initializer", () => {
  test("he_normal / lecun_normal are followed, printed and read back; an unknown name is reported and left at glorot_uniform", () => {
    const code = (a: string, b: string) => ["import numpy as np", "import tensorflow as tf", "from tensorflow import keras", "tf.random.set_seed(1)",
      "X = np.random.randn(64, 2)", "y = (X[:, 0] > 0).astype(int)",
      `model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(8, activation='selu', kernel_initializer=${a}), keras.layers.Dense(2, activation='softmax', kernel_initializer=${b})])`,
      "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')", "model.fit(X, y, epochs=1, verbose=0)"].join("\n");
    const r = translatePython(code("'lecun_normal'", "'he_normal'"), {file: "k.md", line: 1});
    expect(r.diagnostics).toEqual([]);
    const p = r.program as KerasProgram;
    expect(p.layers.map((l) => "kernelInit" in l && l.kernelInit)).toEqual(["leCunNormal", "heNormal"]);
    expect(printProgram(p)).toContain("tf.initializers.leCunNormal({seed: seed + 0})");
    const back = parseProgram(printProgram(p), p);
    expect("layers" in back && back.layers.map((l) => "kernelInit" in l && l.kernelInit)).toEqual(["leCunNormal", "heNormal"]);
    const odd = translatePython(code("'orthogonal'", "'glorot_uniform'"), {file: "k.md", line: 1});
    expect(odd.diagnostics).toEqual([expect.objectContaining({line: 8, severity: "warning", message: expect.stringMatching(/kernel_initializer="orthogonal" is not followed/)})]);
    expect((odd.program as KerasProgram).layers.map((l) => "kernelInit" in l)).toEqual([false, false]);
  });
});

describe("decorators and custom training steps", () => {
  test("@tf.function is read through; a tf.GradientTape step no loop calls is named at its line; an unknown decorator is named", () => {
    const code = ["import numpy as np", "import tensorflow as tf", "from tensorflow import keras", "X = np.random.randn(64, 2)", "y = X[:, :1] * 2.0",
      "model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])", "opt = keras.optimizers.Adam(0.01)", "loss_fn = keras.losses.MeanSquaredError()",
      "@tf.function", "def step(xb, yb):", "    with tf.GradientTape() as tape:", "        loss = loss_fn(yb, model(xb, training=True))",
      "    grads = tape.gradient(loss, model.trainable_variables)", "    opt.apply_gradients(zip(grads, model.trainable_variables))", "    return loss",
      "@my_cache", "def helper(a):", "    return a + 1"].join("\n");
    const r = translatePython(code, {file: "k.md", line: 1});
    expect(r.diagnostics).toContainEqual(expect.objectContaining({line: 12, severity: "error", message: expect.stringMatching(/step\(\) records a tf\.GradientTape, but no training loop/)}));
    expect(r.diagnostics).toContainEqual(expect.objectContaining({line: 17, severity: "warning", message: expect.stringMatching(/decorator @my_cache is not followed/)}));
    expect(r.diagnostics.filter((d) => /syntax error|@tf\.function/.test(d.message))).toEqual([]);
  });
});

describe("data functions", () => {
  const run = (code: string) => {
    const e = newEnv(0);
    bindImport(e, "numpy", null, "np");
    e.vars.set("torch", {obj: "module", path: "torch"});
    new Script(e).run(statements(code, 0));
    return Object.fromEntries(e.vars) as Record<string, {shape: number[]; data: Float64Array}>;
  };
  test("torch.bucketize (right=False and True) and np.vander (decreasing and increasing) as torch and NumPy give them", () => {
    const v = run(["x = torch.tensor([0.1, 0.5, 1.0, 2.5])", "b = torch.tensor([0.5, 1.0, 2.0])", "l = torch.bucketize(x, b)", "r = torch.bucketize(x, b, right=True)",
      "V = np.vander(np.array([1.0, 2.0, 3.0]), 3)", "W = np.vander(np.array([2.0, -1.0]), 4, increasing=True)"].join("\n"));
    expect(Array.from(v.l.data)).toEqual([0, 0, 1, 3]);
    expect(Array.from(v.r.data)).toEqual([0, 1, 2, 3]);
    expect([v.V.shape, Array.from(v.V.data)]).toEqual([[3, 3], [1, 1, 1, 4, 2, 1, 9, 3, 1]]);
    expect([v.W.shape, Array.from(v.W.data)]).toEqual([[2, 4], [1, 2, 4, 8, 1, -1, 1, -1]]);
  });
  test("tfjs's mish is PyTorch's F.mish (−0.30340, 0.37525, 1.94396)", () => {
    const y = tf.layers.activation({activation: "mish"}).apply(tf.tensor1d([-1, 0.5, 2])) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual([-0.3034014403820038, 0.37524524331092834, 1.9439589977264404].map((v) => expect.closeTo(v, 5)));
  });
});
