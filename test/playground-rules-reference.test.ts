/**
 * The reference Adadelta (components/playground/referenceRules.ts): the paper's update (Zeiler 2012, Algorithm 1;
 * Keras and PyTorch), checked against hand-computed iterates; and tf.train.adadelta's variant, which divides by the
 * accumulator before this step's gradient, checked against tf.train.adadelta itself for 50 steps.
 */
import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, it} from "vitest";
import {initState, runOptimizer, type OptState} from "../components/math/optimizers/index.js";
import {adadeltaStep, adadeltaStepTf, REFERENCE_RULES} from "../components/playground/referenceRules.js";
import {compileRecurrence} from "../components/formula/recurrence.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const grad = (w: number[]) => [2 * w[0], 6 * w[1]]; // f(x, y) = x² + 3y²

describe("adadeltaStep(state, grad, {alpha, rho, epsilon}) (the paper's)", () => {
  it("matches two hand-computed steps from (2, 2) with ρ = 0.95, ε = 1e-6, no learning rate", () => {
    // E[g²] = 0.05·16 = 0.8; Δx = −√1e-6 / √0.800001 · 4 = −0.0044721331599…
    let s: OptState = initState([2, 2]);
    const h = {alpha: 1, rho: 0.95, epsilon: 1e-6};
    s = adadeltaStep(s, grad(s.w), h);
    expect(s.w[0]).toBeCloseTo(1.9955278668400829, 13);
    expect(s.w[1]).toBeCloseTo(1.9955278643555654, 13);
    expect(s.m[0]).toBeCloseTo(0.8, 13);
    s = adadeltaStep(s, grad(s.w), h);
    expect(s.w[0]).toBeCloseTo(1.9910037039224404, 13);
    expect(s.w[1]).toBeCloseTo(1.9910036988920679, 13);
    expect(s.t).toBe(2);
  });

  it("is what its own printed rule (REFERENCE_RULES.adadelta) computes", () => {
    const rec = compileRecurrence(REFERENCE_RULES.adadelta.latex);
    let r = rec.init([2, -1]);
    let s = initState([2, -1]);
    for (let t = 1; t <= 30; t++) {
      r = rec.step(r, grad(rec.weights(r)), t, {rho: 0.9, epsilon: 1e-4});
      s = adadeltaStep(s, grad(s.w), {alpha: 1, rho: 0.9, epsilon: 1e-4});
    }
    expect(rec.weights(r)[0]).toBeCloseTo(s.w[0], 12);
    expect(rec.weights(r)[1]).toBeCloseTo(s.w[1], 12);
  });
});

describe("adadeltaStepTf: tf.train.adadelta's update", () => {
  it("gives tf.train.adadelta's iterates within 1e-6 for 50 steps on a 2-D quadratic", () => {
    const lr = 0.1, rho = 0.9, epsilon = 1e-6;
    const w = tf.variable(tf.tensor1d([1.5, -1]));
    const opt = tf.train.adadelta(lr, rho, epsilon);
    const f = () => tf.sum(tf.mul(tf.tensor1d([1, 3]), tf.square(w))) as tf.Scalar;
    let s = initState([1.5, -1]);
    let worst = 0;
    for (let k = 0; k < 50; k++) {
      opt.minimize(f);
      s = adadeltaStepTf(s, grad(s.w), {alpha: lr, rho, epsilon});
      const got = w.dataSync();
      worst = Math.max(worst, Math.abs(got[0] - s.w[0]), Math.abs(got[1] - s.w[1]));
    }
    expect(worst).toBeLessThanOrEqual(1e-6);
    // it moved: 50 steps of size about lr
    expect(Math.abs(s.w[0] - 1.5)).toBeGreaterThan(0.5);
    opt.dispose();
    w.dispose();
  });

  it("differs from the paper's from the first step (tf's first step is the whole gradient times α)", () => {
    const h = {alpha: 1, rho: 0.95, epsilon: 1e-6};
    const tfStep = adadeltaStepTf(initState([2, 2]), [4, 12], h);
    expect(tfStep.w).toEqual([-2, -10]);
    const paper = runOptimizer((w) => w[0] ** 2 + 3 * w[1] ** 2, grad, [2, 2], adadeltaStep, {...h, beta_1: 0.9, beta_2: 0.999, gamma: 0.9, lambda: 0}, 1);
    expect(paper.path[1][0]).toBeCloseTo(1.9955278668400829, 13);
  });
});
