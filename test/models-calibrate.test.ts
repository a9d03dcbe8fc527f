import * as tf from "@tensorflow/tfjs";
import {afterAll, describe, expect, test} from "vitest";
import {calibrate, pickFastest, runPlans, type CalibrationRow} from "../components/models/calibrate.js";
import type {KerasProgram, LayerSpec} from "../components/models/keras/program.js";

afterAll(async () => {
  await tf.setBackend("cpu");
});

const dense = (units: number, activation: "relu" | "softmax"): LayerSpec => ({type: "dense", units, activation, useBias: true, line: 1});
const MLP: Pick<KerasProgram, "layers" | "inputShape" | "compile"> = {
  inputShape: [64], layers: [dense(32, "relu"), {type: "dropout", rate: 0.2, line: 2}, dense(10, "softmax")],
  compile: {optimizer: {name: "adam", learningRate: 0.001, learningRateExplicit: false}, loss: "sparse_categorical_crossentropy", metrics: ["accuracy"], line: 3}
};
const CNN: typeof MLP = {
  inputShape: [12, 12, 1],
  layers: [{type: "conv2d", filters: 4, kernelSize: [3, 3], strides: [1, 1], padding: "valid", activation: "relu", useBias: true, line: 1},
    {type: "maxPooling2d", poolSize: [2, 2], strides: [2, 2], padding: "valid", line: 2}, {type: "flatten", line: 3}, dense(3, "softmax")],
  compile: {optimizer: {name: "sgd", learningRate: 0.01, learningRateExplicit: true}, loss: "sparse_categorical_crossentropy", metrics: [], line: 4}
};

describe("calibrate: the actual model, timed on each backend", () => {
  test("cpu and wasm in Node: one row each with samples/s, webgpu/webgl unavailable with a reason; the chosen one is the fastest", async () => {
    const before = tf.memory().numTensors;
    const seen: string[] = [];
    const c = await calibrate(MLP, {batchSize: 16, backends: ["webgpu", "wasm", "webgl", "cpu"], budgetMs: 400, deadlineMs: Infinity, onRow: (r) => seen.push(r.backend)});
    expect(seen).toEqual(["webgpu", "wasm", "webgl", "cpu"]);
    expect(c.rows.map((r) => r.backend)).toEqual(["webgpu", "wasm", "webgl", "cpu"]);
    expect(c.batchSize).toBe(16);
    const byName = Object.fromEntries(c.rows.map((r) => [r.backend, r]));
    expect(byName.webgpu.samplesPerSec).toBeNull();
    expect(byName.webgpu.error).toMatch(/WebGPU/);
    expect(byName.webgl.samplesPerSec).toBeNull();
    expect(byName.webgl.error).toBeTruthy();
    for (const b of ["wasm", "cpu"]) {
      const r = byName[b];
      expect(r.error).toBeUndefined();
      expect(r.steps).toBeGreaterThanOrEqual(1);
      expect(r.ms).toBeGreaterThan(0);
      // samples/s is exactly the timed steps' samples over their time
      expect(r.samplesPerSec).toBeCloseTo((r.steps * 16) / (r.ms / 1000), 6);
    }
    const best = Math.max(byName.wasm.samplesPerSec!, byName.cpu.samplesPerSec!);
    expect(c.chosen).toBe(best === byName.wasm.samplesPerSec ? "wasm" : "cpu");
    expect(tf.getBackend()).toBe(c.chosen);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("a CNN calibrates on wasm through the composed conv/pool gradients", async () => {
    const c = await calibrate(CNN, {batchSize: 8, backends: ["wasm"], budgetMs: 200});
    expect(c.rows).toHaveLength(1);
    expect(c.rows[0].error).toBeUndefined();
    expect(c.rows[0].samplesPerSec).toBeGreaterThan(0);
    expect(c.chosen).toBe("wasm");
  });

  test("past the deadline the remaining backends are listed as not measured; the first one always is", async () => {
    const c = await calibrate(MLP, {batchSize: 8, backends: ["cpu", "wasm"], budgetMs: 50, deadlineMs: 0});
    expect(c.rows.map((r) => [r.backend, r.samplesPerSec !== null, r.error])).toEqual([["cpu", true, undefined], ["wasm", false, "out of time"]]);
    expect(c.chosen).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
  });

  test("an aborted signal stops it with an AbortError; bad arguments are rejected", async () => {
    const ctl = new AbortController();
    ctl.abort();
    await expect(calibrate(MLP, {batchSize: 8, backends: ["cpu"], signal: ctl.signal})).rejects.toThrow(/calibration stopped/);
    await expect(calibrate(MLP, {batchSize: 0})).rejects.toThrow(/batchSize must be a positive integer/);
    await expect(calibrate(MLP, {batchSize: 8, backends: ["tpu" as never]})).rejects.toThrow(/unknown backend "tpu"/);
  });
});

describe("pickFastest and runPlans", () => {
  const row = (backend: CalibrationRow["backend"], samplesPerSec: number | null): CalibrationRow => ({backend, samplesPerSec, steps: 1, ms: 1, warmupMs: 1});
  test("the max of the measured rows; null when nothing was measured", () => {
    expect(pickFastest([row("wasm", 6599), row("webgpu", 358), row("cpu", null)])).toBe("wasm");
    expect(pickFastest([row("wasm", 264), row("webgl", 900)])).toBe("webgl");
    expect(pickFastest([row("cpu", null)])).toBeNull();
  });

  test("full = the chapter's settings; quick = one epoch sized to ~20 s at the measured speed", () => {
    // 20,000 images × 5 epochs at 1,000 samples/s: 100 s; quick: 20 s × 1,000/s = 20,000 images (all of them), 1 epoch
    const a = runPlans({trainSize: 20_000, epochs: 5, batchSize: 32}, 1000);
    expect(a.full).toEqual({kind: "full", limit: 20_000, epochs: 5, seconds: 100});
    expect(a.quick).toEqual({kind: "quick", limit: 20_000, epochs: 1, seconds: 20});
    // 60,000 × 10 epochs at 264 samples/s (002 on wasm today): 2,272.7 s; quick: 5,280 images, 20 s
    const b = runPlans({trainSize: 60_000, epochs: 10, batchSize: 32}, 264);
    expect(b.full.seconds).toBeCloseTo(600_000 / 264, 6);
    expect(b.quick).toEqual({kind: "quick", limit: 5280, epochs: 1, seconds: 20});
    // validation_split 0.2: 48,000 of 60,000 train; quick limit 20·264/0.8 = 6,600 → 5,280 trained → 20 s
    const c = runPlans({trainSize: 60_000, epochs: 10, batchSize: 32, validationSplit: 0.2}, 264);
    expect(c.full.seconds).toBeCloseTo(480_000 / 264, 6);
    expect(c.quick.limit).toBe(6600);
    expect(c.quick.seconds).toBeCloseTo(20, 6);
    // very slow: at least 10 batches
    expect(runPlans({trainSize: 60_000, epochs: 1, batchSize: 32}, 1).quick.limit).toBe(320);
    // no measurement: a tenth of the data, no estimate
    expect(runPlans({trainSize: 3000, epochs: 2, batchSize: 32}, null).quick).toEqual({kind: "quick", limit: 320, epochs: 1, seconds: null});
    expect(runPlans({trainSize: 3000, epochs: 2, batchSize: 32}, null).full.seconds).toBeNull();
  });
});
