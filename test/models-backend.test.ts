import * as tf from "@tensorflow/tfjs";
import {afterAll, describe, expect, test} from "vitest";
import {chooseBackend, isBackendFailure, nextBackend, smokeTest} from "../components/models/backend.js";

afterAll(async () => {
  await tf.setBackend("cpu");
});

describe("chooseBackend in Node (no GPU APIs)", () => {
  test("auto falls through webgpu and webgl to wasm, recording why", async () => {
    const c = await chooseBackend("auto");
    expect(c.attempts.map((a) => [a.name, a.ok])).toEqual([["webgpu", false], ["webgl", false], ["wasm", true]]);
    expect(c.attempts[0].reason).toMatch(/no WebGPU/);
    expect(c.name).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
  });

  test("asking for cpu gets cpu; the smoke test computes the right numbers there", async () => {
    const c = await chooseBackend("cpu");
    expect(c).toEqual({name: "cpu", attempts: [{name: "cpu", ok: true}]});
    await expect(smokeTest()).resolves.toBeUndefined();
  });

  test("wasm and cpu train the same step to the same numbers", async () => {
    const step = async () => {
      const w = tf.variable(tf.tensor2d([[0.5], [-0.25]]));
      const x = tf.tensor2d([[1, 2], [3, 4], [5, 6]]), y = tf.tensor2d([[1], [2], [3]]);
      tf.train.sgd(0.01).minimize(() => tf.losses.meanSquaredError(y, tf.matMul(x, w)) as tf.Scalar);
      const v = Array.from(await w.data());
      tf.dispose([w, x, y]);
      return v;
    };
    await chooseBackend("wasm");
    const a = await step();
    await chooseBackend("cpu");
    const b = await step();
    // by hand: p = Xw = [0, 0.5, 1], r = p − y = [−1, −1.5, −2], Xᵀr = [−15.5, −20], ∇ = (2/3)·Xᵀr = [−10.33, −13.33]
    const r = [-1, -1.5, -2];
    const g = [0, 1].map((j) => (2 / 3) * r.reduce((s, ri, i) => s + ri * [[1, 2], [3, 4], [5, 6]][i][j], 0));
    expect(b[0]).toBeCloseTo(0.5 - 0.01 * g[0], 5);
    expect(b[1]).toBeCloseTo(-0.25 - 0.01 * g[1], 5);
    expect(a[0]).toBeCloseTo(b[0], 5);
    expect(a[1]).toBeCloseTo(b[1], 5);
  });

  test("unknown names are rejected; fallback order and failure classification", async () => {
    await expect(chooseBackend("tpu" as never)).rejects.toThrow(/unknown backend "tpu"/);
    expect([nextBackend("webgpu"), nextBackend("webgl"), nextBackend("wasm"), nextBackend("cpu")]).toEqual(["webgl", "wasm", "cpu", null]);
    expect(isBackendFailure(new Error("Kernel 'Conv2D' not registered for backend 'webgpu'"))).toBe(true);
    expect(isBackendFailure(new Error("GPUDevice was lost"))).toBe(true);
    expect(isBackendFailure(new Error("fill: sample 3 out of range"))).toBe(false);
  });
});

describe("conv gradients decide the backend for CNNs", () => {
  test("wasm passes the conv/pool gradient smoke test through the composed layers; cpu through tf's kernels", async () => {
    const w = await chooseBackend("wasm", {needsConvGradients: true});
    expect(w.name).toBe("wasm");
    await expect(smokeTest({needsConvGradients: true})).resolves.toBeUndefined();
    const c = await chooseBackend("cpu", {needsConvGradients: true});
    expect(c.name).toBe("cpu");
  });
});
