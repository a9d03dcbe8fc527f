import {describe, expect, test} from "vitest";
import {loadAll} from "../src/generate.js";
import {trainingJson} from "../src/trainingJson.js";

describe("trainingJson: the check report's per-chapter training object", () => {
  test("the seeds: framework, dataset and claims with their lines", () => {
    const {chapters} = loadAll(process.cwd());
    const byPrefix = (p: string) => trainingJson(chapters.find((c) => c.part.file.startsWith(p))!);
    expect(byPrefix("000")).toMatchObject({trainable: true, framework: "keras", dataset: "mnist", reason: null, line: 171});
    expect(byPrefix("000")!.claims).toContainEqual({line: 204, metric: "accuracy", split: "train", value: 0.896, text: expect.any(String)});
    expect(byPrefix("003")).toMatchObject({trainable: true, framework: "keras", dataset: "cifar10-substitute"});
    expect(byPrefix("004")).toMatchObject({trainable: true, framework: "numpy", dataset: "arrays"});
    const j = byPrefix("002")!;
    expect(j.claims.some((c) => c.metric === "accuracy" && Math.abs(c.value - 0.9759) < 1e-9)).toBe(true);
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  });

  test("documents nobody shipped: PyTorch, NumPy scripts, and an untrainable model with its reason", () => {
    const {chapters} = loadAll(process.cwd(), "test/corpus-code");
    const get = (p: string) => trainingJson(chapters.find((c) => c.part.file.startsWith(p))!)!;
    expect(get("06_")).toMatchObject({trainable: true, framework: "pytorch", dataset: "arrays", reason: null});
    expect(get("11_")).toMatchObject({trainable: true, framework: "numpy", dataset: "arrays"});
    expect(get("14_")).toMatchObject({trainable: true, framework: "pytorch", dataset: "mnist"});
    expect(get("15_").unsupported.map((u) => u.line)).toContain(27);
    const r = get("16_");
    expect(r).toMatchObject({trainable: false, framework: "pytorch", dataset: null});
    expect(r.reason).toMatch(/16_pytorch_residual_unsupported\.md:27: forward: h \+ x is not a chain of layers/);
    expect(r.claims).toContainEqual(expect.objectContaining({metric: "accuracy", value: 0.98}));
  });
});

describe("claims written as prose", async () => {
  const {parseClaims} = await import("../components/models/keras/claims.js");
  const read = (text: string) => parseClaims([{text, line: 1}]).map((c) => [c.metric, c.split, c.value]);
  test("English and Chinese sentences, decimals and percentages, before or after the metric", () => {
    expect(read("After 200 epochs the training accuracy is about 0.97.")).toEqual([["accuracy", "train", 0.97]]);
    expect(read("The test loss drops to 0.012 and accuracy reaches 97.5%.")).toEqual([["loss", "test", 0.012], ["accuracy", "test", 0.975]]);
    expect(read("It reaches 92% accuracy on the test set.")).toEqual([["accuracy", "test", 0.92]]);
    expect(read("测试准确率 97.59%。")).toEqual([["accuracy", "test", 0.9759]]);
    expect(read("损失降到 0.05 左右")).toEqual([["loss", "test", 0.05]]);
  });
  test("numbers that are not results are not claims", () => {
    expect(read("The loss function has 2 terms.")).toEqual([]);
    expect(read("learning rate 0.01, batch size 32")).toEqual([]);
    expect(read("accuracy is 130%")).toEqual([]);
  });
});
