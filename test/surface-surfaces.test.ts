import * as tf from "@tensorflow/tfjs";
import {describe, expect, it} from "vitest";
import {mulberry32} from "../components/math/random.js";
import {contourGrid, contourThresholds, wantsLogScale} from "../components/math/surfaces/contourGrid.js";
import {quadratic} from "../components/math/surfaces/quadratic.js";
import {getSurface} from "../components/math/surfaces/registry.js";
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

/** The same losses written independently with tf ops, for tf.grad. (001's and 004's surfaces come from the chapters' text now: test/playground-spec-seeds.test.ts.) */
const TF_LOSS: Record<string, (w: tf.Tensor1D) => tf.Scalar> = {
  quadratic: (w) => tf.mul(0.5, tf.sum(tf.mul(tf.tensor1d([1, 20]), tf.square(w)))),
  rosenbrock: (w) => {
    const [x, y] = tf.unstack(w);
    return tf.add(tf.square(tf.sub(1, x)), tf.mul(100, tf.square(tf.sub(y, tf.square(x))))) as tf.Scalar;
  },
  saddle: (w) => {
    const [x, y] = tf.unstack(w);
    return tf.add(tf.mul(0.5, tf.square(x)), tf.sub(tf.mul(0.25, tf.pow(y, 4)), tf.mul(0.5, tf.square(y)))) as tf.Scalar;
  }
};

const BUILTINS = ["quadratic", "rosenbrock", "saddle"];

describe("analytic gradients", () => {
  for (const id of BUILTINS) {
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
