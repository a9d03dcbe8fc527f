/**
 * PyTorch loss options the page trains as written: BCEWithLogitsLoss(pos_weight=…), CrossEntropyLoss(weight=…) and
 * CrossEntropyLoss(label_smoothing=…). Reference values from PyTorch 1.13 (python3-torch) on the same tensors.
 */
import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, test} from "vitest";
import {lossFunction} from "../components/models/build.js";
import type {KerasProgram} from "../components/models/keras/program.js";
import {translatePython} from "../components/models/keras/translate.js";
import {parseProgram} from "../components/models/parseProgram.js";
import {printProgram} from "../components/models/printProgram.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const value = (f: (l: tf.Tensor, p: tf.Tensor) => tf.Scalar, labels: number[] | number[][], preds: number[][]) =>
  f(tf.tensor(labels), tf.tensor2d(preds)).arraySync() as number;

describe("loss options", () => {
  test("BCEWithLogitsLoss(pos_weight=[4]) = 21.0644 on z = (1.5, −0.7, 3, −20), y = (1, 0, 0, 1): PyTorch's value, finite at z = −20", () => {
    const f = lossFunction({loss: "binary_crossentropy", fromLogits: true, posWeight: [4]});
    expect(value(f, [1, 0, 0, 1], [[1.5], [-0.7], [3], [-20]])).toBeCloseTo(21.064355850219727, 4);
    const plain = lossFunction({loss: "binary_crossentropy", fromLogits: true});
    expect(value(plain, [1, 0, 0, 1], [[1.5], [-0.7], [3], [-20]])).toBeCloseTo((Math.log1p(Math.exp(-1.5)) + Math.log1p(Math.exp(-0.7)) + Math.log1p(Math.exp(3)) + 20 + Math.log1p(Math.exp(-20))) / 4, 5);
  });

  test("pos_weight per output on two outputs ([2, 0.5]) = 0.761886, as PyTorch", () => {
    const f = lossFunction({loss: "binary_crossentropy", fromLogits: true, posWeight: [2, 0.5]});
    expect(value(f, [[1, 0], [0, 1], [1, 1]], [[1.5, -0.7], [0.2, 2.0], [-1, 0.3]])).toBeCloseTo(0.7618861198425293, 5);
  });

  test("CrossEntropyLoss(weight=[1, 3, 0.5]) is the weighted mean Σw·nll / Σw = 0.221797; label_smoothing=0.1 gives 0.501148", () => {
    const logits = [[2.0, 0.5, -1.0], [0.1, 0.2, 0.3], [-1.0, 2.5, 0.0], [0.0, 0.0, 3.0]];
    expect(value(lossFunction({loss: "sparse_categorical_crossentropy", fromLogits: true, classWeight: [1, 3, 0.5]}), [0, 2, 1, 2], logits)).toBeCloseTo(0.22179731726646423, 5);
    expect(value(lossFunction({loss: "sparse_categorical_crossentropy", fromLogits: true, labelSmoothing: 0.1}), [0, 2, 1, 2], logits)).toBeCloseTo(0.5011478066444397, 5);
  });

  test("the translation keeps them (a tensor argument's numbers), the printed program shows them and reads back the same", () => {
    const code = (crit: string) => ["import torch", "import torch.nn as nn", "torch.manual_seed(1)", "A = torch.randn(40, 3)", "b = (A[:, 0] > 1).float().unsqueeze(1)",
      "net = nn.Sequential(nn.Linear(3, 1))", `crit = ${crit}`, "opt = torch.optim.SGD(net.parameters(), lr=0.1)",
      "for ep in range(5):", "    opt.zero_grad()", "    out = net(A)", "    loss = crit(out, b)", "    loss.backward()", "    opt.step()"].join("\n");
    const r = translatePython(code("nn.BCEWithLogitsLoss(pos_weight=torch.tensor([3.0]))"), {file: "w.md", line: 1});
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const p = r.program as KerasProgram;
    expect(p.compile).toMatchObject({loss: "binary_crossentropy", fromLogits: true, posWeight: [3]});
    const text = printProgram(p);
    expect(text).toContain("posWeight: [3]");
    const back = parseProgram(text, p);
    expect("compile" in back && back.compile.posWeight).toEqual([3]);
    const bad = translatePython(code("nn.BCEWithLogitsLoss(pos_weight=torch.tensor([-1.0]))"), {file: "w.md", line: 1});
    expect(bad.diagnostics).toContainEqual(expect.objectContaining({line: 8, severity: "error", message: expect.stringContaining("pos_weight")}));
  });
});
