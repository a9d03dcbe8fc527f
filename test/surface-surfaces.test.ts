import * as tf from "@tensorflow/tfjs";
import {describe, expect, it} from "vitest";
import {mulberry32} from "../components/math/random.js";
import {gdStep} from "../components/math/optimizers/gd.js";
import {DEFAULT_HYPER} from "../components/math/optimizers/types.js";
import {runOptimizer} from "../components/math/optimizers/run.js";
import {contourGrid, contourThresholds, wantsLogScale} from "../components/math/surfaces/contourGrid.js";
import {linearData004, linearTheta004, linearThetaBias004, thetaNoBias, thetaWithBias} from "../components/math/surfaces/linear004.js";
import {logistic001, sigmoid, standardize, TABLE_001} from "../components/math/surfaces/logistic001.js";
import {quadratic} from "../components/math/surfaces/quadratic.js";
import {getSurface, SURFACE_IDS} from "../components/math/surfaces/registry.js";
import {rosenbrock} from "../components/math/surfaces/rosenbrock.js";
import {saddle} from "../components/math/surfaces/saddle.js";
import type {Surface} from "../components/math/surfaces/types.js";

/** Random points inside a surface's domain (seeded). */
function points(s: Surface, count: number, seed = 7): number[][] {
  const rng = mulberry32(seed);
  const [x0, x1] = s.domain.x;
  const [y0, y1] = s.domain.y ?? [0, 0];
  return Array.from({length: count}, () => (s.domain.y ? [x0 + (x1 - x0) * rng(), y0 + (y1 - y0) * rng()] : [x0 + (x1 - x0) * rng()]));
}

/** Central finite differences. */
function fd(f: (w: number[]) => number, w: number[], h = 1e-5): number[] {
  return w.map((_, i) => {
    const a = w.slice(), b = w.slice();
    a[i] += h;
    b[i] -= h;
    return (f(a) - f(b)) / (2 * h);
  });
}

function closeRel(a: number[], b: number[], tol: number) {
  a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i]))));
}

/** The same losses written independently with tf ops, for tf.grad. */
const data004 = linearData004(4);
const X001 = standardize(TABLE_001.features);
const TF_LOSS: Record<string, (w: tf.Tensor1D) => tf.Scalar> = {
  quadratic: (w) => tf.mul(0.5, tf.sum(tf.mul(tf.tensor1d([1, 20]), tf.square(w)))),
  rosenbrock: (w) => {
    const [x, y] = tf.unstack(w);
    return tf.add(tf.square(tf.sub(1, x)), tf.mul(100, tf.square(tf.sub(y, tf.square(x))))) as tf.Scalar;
  },
  saddle: (w) => {
    const [x, y] = tf.unstack(w);
    return tf.add(tf.mul(0.5, tf.square(x)), tf.sub(tf.mul(0.25, tf.pow(y, 4)), tf.mul(0.5, tf.square(y)))) as tf.Scalar;
  },
  "linear-theta-004": (w) => tf.mul(0.5, tf.sum(tf.square(tf.sub(tf.mul(tf.tensor1d(data004.x), w), tf.tensor1d(data004.y))))),
  "linear-theta-b-004": (w) => {
    const [t, b] = tf.unstack(w);
    return tf.mul(0.5, tf.sum(tf.square(tf.sub(tf.add(tf.mul(tf.tensor1d(data004.x), t), b), tf.tensor1d(data004.y)))));
  },
  "logistic-001-w1w3": (w) => {
    const params = tf.stack([w.gather(0), tf.scalar(0), w.gather(1)]);
    const logits = tf.matMul(tf.tensor2d(X001), params.reshape([3, 1])).reshape([4]);
    return tf.losses.sigmoidCrossEntropy(tf.tensor1d(TABLE_001.labels), logits) as tf.Scalar;
  },
  "logistic-001-w1b": (w) => {
    const logits = tf.add(tf.mul(tf.tensor1d(X001.map((r) => r[0])), w.gather(0)), w.gather(1));
    return tf.losses.sigmoidCrossEntropy(tf.tensor1d(TABLE_001.labels), logits) as tf.Scalar;
  }
};

describe("analytic gradients", () => {
  for (const id of SURFACE_IDS) {
    const s = getSurface(id, 4);
    it(`${id}: grad matches central finite differences at 20 points`, () => {
      for (const w of points(s, 20)) closeRel(s.grad(w), fd(s.f, w), 1e-4);
    });
  }
  for (const id of Object.keys(TF_LOSS)) {
    const s = getSurface(id, 4);
    it(`${id}: f and grad match tf.grad of an independent tf implementation`, () => {
      const before = tf.memory().numTensors;
      for (const w of points(s, 10, 11)) {
        const [loss, g] = tf.tidy(() => {
          const wt = tf.tensor1d(w);
          return [Array.from(TF_LOSS[id](wt).dataSync())[0], Array.from(tf.grad((v: tf.Tensor) => TF_LOSS[id](v as tf.Tensor1D))(wt).dataSync())];
        });
        closeRel([s.f(w)], [loss as number], 1e-4);
        closeRel(s.grad(w), g as number[], 1e-3);
      }
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe("minima", () => {
  it("quadratic, rosenbrock, saddle: gradient zero at the stated minimum and f there (hand values)", () => {
    expect(quadratic().grad([0, 0]).map(Math.abs)).toEqual([0, 0]);
    expect(rosenbrock().f([1, 1])).toBe(0);
    expect(rosenbrock().grad([1, 1]).map(Math.abs)).toEqual([0, 0]);
    expect(saddle().f([0, 1])).toBe(-0.25);
    expect(saddle().grad([0, -1]).map(Math.abs)).toEqual([0, 0]);
    expect(saddle().grad([0, 0]).map(Math.abs)).toEqual([0, 0]);
  });
  it("rosenbrock gradient at (0, 0) is (−2, 0) and at (−1, 2) is (−404, 200) by hand", () => {
    expect(rosenbrock().grad([0, 0])).toEqual([-2, 0]);
    // x=−1, y=2: −2(2) − 4·100·(−1)(2 − 1) = −4 + 400 = 396; 2·100·(1) = 200
    expect(rosenbrock().grad([-1, 2])).toEqual([396, 200]);
  });
});

describe("004 §5: the model without a bias", () => {
  const {x, y} = data004;
  it("θ* = Σxy/Σx² ≈ 2.73 for seed 4 (not the true slope 2)", () => {
    const star = thetaNoBias(x, y);
    expect(star).toBeGreaterThan(2.6);
    expect(star).toBeLessThan(2.85);
    expect(linearTheta004(4).grad([star])[0]).toBeCloseTo(0, 9);
  });
  it("with a bias, least squares recovers ≈ (2, 0.5)", () => {
    const [t, b] = thetaWithBias(x, y);
    expect(Math.abs(t - 2)).toBeLessThan(0.1);
    expect(Math.abs(b - 0.5)).toBeLessThan(0.05);
    const g = linearThetaBias004(4).grad([t, b]);
    expect(Math.abs(g[0]) + Math.abs(g[1])).toBeLessThan(1e-9);
  });
  it("the chapter's loop (θ = 0, lr 0.01, 1000 iterations of θ −= lr·Xᵀ(Xθ − y)) ends at θ*", () => {
    const s = linearTheta004(4);
    let theta = 0;
    for (let k = 0; k < 1000; k++) {
      let g = 0;
      for (let i = 0; i < x.length; i++) g += x[i] * (x[i] * theta - y[i]);
      theta -= 0.01 * g;
    }
    const r = runOptimizer(s.f, s.grad, [0], gdStep, {...DEFAULT_HYPER, alpha: 0.01}, 1000);
    expect(r.path[1000][0]).toBeCloseTo(theta, 9);
    expect(theta).toBeCloseTo(thetaNoBias(x, y), 6);
  });
  it("data depend on the seed only", () => {
    expect(linearData004(4).x).toEqual(linearData004(4).x);
    expect(linearData004(5).x[0]).not.toBe(linearData004(4).x[0]);
  });
});

describe("001 §4.3 logistic regression", () => {
  it("standardised columns have mean 0 and variance 1", () => {
    for (let j = 0; j < 3; j++) {
      const col = X001.map((r) => r[j]);
      expect(col.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
      expect(col.reduce((a, b) => a + b * b, 0) / 4).toBeCloseTo(1, 12);
    }
  });
  it("at w = 0 the loss is log 2 and the gradient is mean((σ(0) − y)·x)", () => {
    const s = logistic001([0, 1]);
    expect(s.f([0, 0])).toBeCloseTo(Math.log(2), 12);
    const g = s.grad([0, 0]);
    const expected = [0, 1].map((j) => X001.reduce((acc, r, k) => acc + (0.5 - TABLE_001.labels[k]) * r[j], 0) / 4);
    expect(g[0]).toBeCloseTo(expected[0], 12);
    expect(g[1]).toBeCloseTo(expected[1], 12);
  });
  it("(w₁, w₂) separates the rows: gradient descent drives the loss towards 0 while the weights grow (no finite minimum)", () => {
    const s = logistic001([0, 1]);
    expect(s.minimum).toBeUndefined();
    const r = runOptimizer(s.f, s.grad, [0, 0], gdStep, {...DEFAULT_HYPER, alpha: 1}, 20000);
    const w = r.path[r.path.length - 1];
    expect(s.f(w)).toBeLessThan(5e-3);
    expect(Math.hypot(w[0], w[1])).toBeGreaterThan(20);
    // the direction w = (−1, 1.6) classifies all four rows: the loss along it tends to 0
    expect(s.f([-10, 16])).toBeLessThan(s.f([-5, 8]));
    expect(s.f([-100, 160])).toBeLessThan(1e-6);
  });
  it("σ is stable for large |z|", () => {
    expect(sigmoid(800)).toBe(1);
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoid(0)).toBe(0.5);
  });
  it("rejects a bad pair", () => {
    expect(() => logistic001([1, 1])).toThrow(/two different indices/);
  });
});

describe("bad input", () => {
  it("wrong number of weights gives a message naming the surface", () => {
    expect(() => quadratic().f([1])).toThrow(/surface quadratic: expected 2 weight/);
    expect(() => getSurface("nope")).toThrow(/unknown surface "nope"; known: quadratic/);
  });
});

describe("contourGrid(f, domain, n)", () => {
  it("samples cell centres: 2×2 grid of f = x + 10y over [0,2]×[0,2]", () => {
    const g = contourGrid((w) => w[0] + 10 * w[1], {x: [0, 2], y: [0, 2]}, 2);
    expect(Array.from(g.values)).toEqual([5.5, 6.5, 15.5, 16.5]);
    expect(g.min).toBe(5.5);
    expect(g.max).toBe(16.5);
  });
  it("replaces non-finite values by the max and counts them", () => {
    const g = contourGrid((w) => (w[0] < 1 ? Infinity : w[0]), {x: [0, 2], y: [0, 1]}, 4, 2);
    expect(g.nonFinite).toBe(4);
    expect(Array.from(g.values)).toEqual([1.75, 1.75, 1.25, 1.75, 1.75, 1.75, 1.25, 1.75]);
  });
  it("needs a 2-D domain", () => {
    expect(() => contourGrid((w) => w[0], {x: [0, 1]}, 10)).toThrow(/domain.y is missing/);
  });
  it("log thresholds for rosenbrock, linear for the quadratic", () => {
    const r = rosenbrock();
    const gr = contourGrid(r.f, r.domain, 100);
    expect(wantsLogScale(gr.values, gr.min, gr.max)).toBe(true);
    const q = quadratic();
    const gq = contourGrid(q.f, q.domain, 100);
    expect(wantsLogScale(gq.values, gq.min, gq.max)).toBe(false);
  });
  it("contourThresholds: linear and log spacing by hand", () => {
    expect(contourThresholds(0, 10, 5, false)).toEqual([0, 2, 4, 6, 8]);
    const t = contourThresholds(1, 10001, 6, true);
    // lo = 1e4·1e-4 = 1; 5 geometric steps from 1 to 1e4: 1, 10^1, …, 10^4 (ratio 10)
    [1, 2, 11, 101, 1001, 10001].forEach((v, i) => expect(t[i]).toBeCloseTo(v, 9));
  });
});
