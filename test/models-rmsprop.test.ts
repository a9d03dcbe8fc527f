/**
 * RMSprop as the chapter's code runs it (PyTorch, Keras TF2: ε outside the root), against PyTorch 1.13's own numbers
 * on a quadratic with one nearly flat coordinate (where tfjs's ε-under-the-root step is ten times smaller).
 */
import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, test} from "vitest";
import {makeOptimizer} from "../components/models/build.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

function steps(opt: tf.Optimizer, n: number): number[] {
  const w = tf.variable(tf.tensor1d([1, -2, 0.001]));
  const a = tf.tensor1d([1, 3, 0.01]);
  for (let k = 0; k < n; k++) opt.minimize(() => tf.sum(tf.mul(0.5, tf.mul(a, tf.square(w)))) as tf.Scalar);
  const out = Array.from(w.dataSync());
  tf.dispose([w, a]);
  return out;
}

describe("RMSprop", () => {
  test("3 steps at lr 0.01, ρ 0.9, ε 1e-7: torch.optim.RMSprop's weights (0.927053, −1.926634, −0.000229697)", () => {
    const w = steps(makeOptimizer({name: "rmsprop", learningRate: 0.01, learningRateExplicit: true, rho: 0.9, epsilon: 1e-7}), 3);
    expect(w[0]).toBeCloseTo(0.9270530939102173, 5);
    expect(w[1]).toBeCloseTo(-1.9266337156295776, 5);
    expect(w[2]).toBeCloseTo(-0.0002296969760209322, 5);
  });
  test("with momentum 0.5: (0.892246, −1.891632, 0.00830139), as PyTorch", () => {
    const w = steps(makeOptimizer({name: "rmsprop", learningRate: 0.01, learningRateExplicit: true, rho: 0.9, epsilon: 1e-7, momentum: 0.5}), 3);
    expect(w[0]).toBeCloseTo(0.8922464847564697, 5);
    expect(w[1]).toBeCloseTo(-1.8916319608688354, 5);
    expect(w[2]).toBeCloseTo(0.008301385678350925, 5);
  });
});
