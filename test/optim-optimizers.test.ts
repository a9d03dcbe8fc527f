import * as tf from "@tensorflow/tfjs";
import {describe, expect, it} from "vitest";
import {adagradStep, adamStep, adamwStep, DEFAULT_HYPER, gdStep, initState, momentumStep, nesterovStep, OPTIMIZERS, rmspropStep, runOptimizer} from "../components/math/optimizers/index.js";
import {quadratic} from "../components/math/surfaces/quadratic.js";

const H = {...DEFAULT_HYPER, alpha: 0.1};

describe("gdStep(state, grad, {alpha})", () => {
  it("subtracts α·g", () => {
    const s = gdStep(initState([1, 2]), [0.5, -1], {alpha: 0.1});
    expect(s.w[0]).toBeCloseTo(0.95, 12);
    expect(s.w[1]).toBeCloseTo(2.1, 12);
    expect(s.t).toBe(1);
  });
  it("does not mutate its input", () => {
    const s0 = initState([1]);
    gdStep(s0, [1], {alpha: 0.5});
    expect(s0.w).toEqual([1]);
  });
});

describe("momentumStep(state, grad, {alpha, gamma})", () => {
  it("z ← γz + g, w ← w − αz over two steps (hand-computed)", () => {
    let s = momentumStep(initState([1]), [1], {alpha: 0.1, gamma: 0.9});
    expect(s.m[0]).toBeCloseTo(1, 12);
    expect(s.w[0]).toBeCloseTo(0.9, 12);
    s = momentumStep(s, [2], {alpha: 0.1, gamma: 0.9});
    expect(s.m[0]).toBeCloseTo(2.9, 12);
    expect(s.w[0]).toBeCloseTo(0.61, 12);
  });
});

describe("adamStep(state, grad, hyper)", () => {
  it("first step moves by ≈ α·sign(g) thanks to bias correction", () => {
    const s = adamStep(initState([0, 0]), [2, -0.5], H);
    expect(s.w[0]).toBeCloseTo(-0.1 * 2 / (2 + 1e-8), 12);
    expect(s.w[1]).toBeCloseTo(0.1 * 0.5 / (0.5 + 1e-8), 12);
    expect(s.t).toBe(1);
  });
  it("second step (hand-computed: m̂ = 0.28/0.19, v̂ = 0.004996/0.001999)", () => {
    let s = adamStep(initState([0]), [2], H);
    s = adamStep(s, [1], H);
    expect(s.m[0]).toBeCloseTo(0.28, 12);
    expect(s.v[0]).toBeCloseTo(0.004996, 12);
    // −0.1·(2/2) − 0.1·1.4736842/1.5809015
    expect(s.w[0]).toBeCloseTo(-0.1 - 0.0932180, 6);
  });
});

describe("rmspropStep(state, grad, hyper)", () => {
  it("v ← ρv + (1−ρ)g², w ← w − αg/(√v + ε)", () => {
    const s = rmspropStep(initState([1]), [2], {alpha: 0.01, rho: 0.9, epsilon: 1e-8});
    expect(s.v[0]).toBeCloseTo(0.4, 12);
    expect(s.w[0]).toBeCloseTo(1 - 0.02 / Math.sqrt(0.4), 9);
  });
  it("reads its own decay ρ, not Adam's β₂", () => {
    const hyper = {...DEFAULT_HYPER, alpha: 0.01, rho: 0.5, beta_2: 0.999};
    const a = rmspropStep(initState([1]), [2], hyper);
    // v = 0.5·4 = 2, w = 1 − 0.02/√2
    expect(a.v[0]).toBeCloseTo(2, 12);
    expect(a.w[0]).toBeCloseTo(1 - 0.02 / Math.SQRT2, 9);
  });
});

describe("nesterovStep(state, grad, {alpha, gamma})", () => {
  it("z ← γz + g, w ← w − α(g + γz) over two steps (hand-computed)", () => {
    let s = nesterovStep(initState([1]), [1], {alpha: 0.1, gamma: 0.9});
    expect(s.m[0]).toBeCloseTo(1, 12);
    expect(s.w[0]).toBeCloseTo(1 - 0.1 * 1.9, 12); // 0.81
    s = nesterovStep(s, [2], {alpha: 0.1, gamma: 0.9});
    expect(s.m[0]).toBeCloseTo(2.9, 12);
    expect(s.w[0]).toBeCloseTo(0.81 - 0.1 * (2 + 0.9 * 2.9), 12); // 0.349
  });
  it("γ = 0 is gradient descent", () => {
    expect(nesterovStep(initState([1, -2]), [0.5, 3], {alpha: 0.2, gamma: 0}).w).toEqual(gdStep(initState([1, -2]), [0.5, 3], {alpha: 0.2}).w);
  });
});

describe("adagradStep(state, grad, {alpha, epsilon})", () => {
  it("G ← G + g², w ← w − αg/(√G + ε) over two steps (hand-computed)", () => {
    let s = adagradStep(initState([1]), [2], {alpha: 0.1, epsilon: 1e-8});
    expect(s.v[0]).toBe(4);
    expect(s.w[0]).toBeCloseTo(1 - 0.2 / (2 + 1e-8), 12); // ≈ 0.9
    s = adagradStep(s, [1], {alpha: 0.1, epsilon: 1e-8});
    expect(s.v[0]).toBe(5);
    expect(s.w[0]).toBeCloseTo(0.9 - 0.1 / Math.sqrt(5), 8); // 0.8552786
  });
});

describe("adamwStep(state, grad, hyper)", () => {
  it("first step: w − α(m̂/(√v̂+ε) + λw) = 1 − 0.1·(1 + 0.01) (hand-computed)", () => {
    const s = adamwStep(initState([1]), [2], {...H, lambda: 0.01});
    expect(s.w[0]).toBeCloseTo(1 - 0.1 * (2 / (2 + 1e-8) + 0.01), 12);
    expect(s.w[0]).toBeCloseTo(0.899, 8);
  });
  it("λ = 0 is Adam, step for step", () => {
    let a = initState([0.3, -1]), b = initState([0.3, -1]);
    for (const g of [[2, -0.5], [1, 0.25], [-3, 1]]) {
      a = adamwStep(a, g, {...H, lambda: 0});
      b = adamStep(b, g, H);
    }
    a.w.forEach((w, i) => expect(w).toBeCloseTo(b.w[i], 14));
  });
  it("the decay is decoupled: with g = 0 every step the weights shrink by (1 − αλ), the moments stay 0", () => {
    let s = initState([2]);
    for (let k = 0; k < 3; k++) s = adamwStep(s, [0], {...H, lambda: 0.5});
    expect(s.w[0]).toBeCloseTo(2 * 0.95 ** 3, 12);
    expect(s.m[0]).toBe(0);
  });
});

describe("optimisers against tf.train on the quadratic ½(w₀² + 20w₁²)", () => {
  const q = quadratic(1, 20);
  const cases: [string, () => tf.Optimizer, typeof DEFAULT_HYPER, number][] = [
    ["gd", () => tf.train.sgd(0.05), {...DEFAULT_HYPER, alpha: 0.05}, 1e-5],
    ["momentum", () => tf.train.momentum(0.01, 0.8), {...DEFAULT_HYPER, alpha: 0.01, gamma: 0.8}, 1e-5],
    ["adam", () => tf.train.adam(0.1, 0.9, 0.999, 1e-8), {...DEFAULT_HYPER, alpha: 0.1}, 1e-4],
    // tf puts ε inside the square root: equal up to ε-sized terms
    ["rmsprop", () => tf.train.rmsprop(0.01, 0.8, 0, 1e-8), {...DEFAULT_HYPER, alpha: 0.01, rho: 0.8}, 1e-4],
    ["nesterov", () => tf.train.momentum(0.01, 0.8, true), {...DEFAULT_HYPER, alpha: 0.01, gamma: 0.8}, 1e-5],
    // tf's accumulator starts at initialAccumulatorValue (here ≈ 0) and holds ε inside the root
    ["adagrad", () => tf.train.adagrad(0.5, 1e-12), {...DEFAULT_HYPER, alpha: 0.5}, 1e-4]
  ];
  for (const [name, make, hyper, tol] of cases) {
    it(`${name}: 30 steps match tfjs`, () => {
      const w0 = [-3.5, 1.5];
      const ours = runOptimizer(q.f, q.grad, w0, OPTIMIZERS[name as keyof typeof OPTIMIZERS].step, hyper, 30);
      const init = tf.tensor1d(w0);
      const v = tf.variable(init);
      init.dispose();
      const opt = make();
      for (let k = 0; k < 30; k++) {
        opt.minimize(() => tf.tidy(() => tf.mul(0.5, tf.sum(tf.mul(tf.tensor1d([1, 20]), tf.square(v))))) as tf.Scalar);
      }
      const ref = Array.from(v.dataSync());
      v.dispose();
      opt.dispose();
      expect(ours.path).toHaveLength(31);
      const last = ours.path[30];
      expect(Math.abs(last[0] - ref[0])).toBeLessThan(tol);
      expect(Math.abs(last[1] - ref[1])).toBeLessThan(tol);
    });
  }
});

describe("runOptimizer(f, grad, w0, step, hyper, steps)", () => {
  const q = quadratic(1, 20);
  it("gd with α = 0.05 converges on the quadratic: w₁ shrinks by |1 − 20α| = 0 at once, w₀ by 0.95 each step", () => {
    const r = runOptimizer(q.f, q.grad, [-3.5, 1.5], gdStep, {...DEFAULT_HYPER, alpha: 0.05}, 100);
    expect(r.stopped).toBeNull();
    expect(r.path).toHaveLength(101);
    expect(r.losses).toHaveLength(101);
    expect(r.path[1][1]).toBeCloseTo(0, 12);
    expect(r.path[100][0]).toBeCloseTo(-3.5 * Math.pow(0.95, 100), 10);
    expect(r.losses[0]).toBeCloseTo(0.5 * (3.5 ** 2 + 20 * 1.5 ** 2), 12);
  });
  it("stops with a reason when the loss overflows to Infinity (f = w², α = 3: w = (−5)ᵏ, 25ᵏ > 1.8e308 from k = 221)", () => {
    const r = runOptimizer((w) => w[0] * w[0], (w) => [2 * w[0]], [1], gdStep, {...DEFAULT_HYPER, alpha: 3}, 500);
    expect(r.stopped?.step).toBe(221);
    expect(r.stopped?.reason).toBe("第 221 步损失变为 Infinity");
    expect(r.path).toHaveLength(221);
  });
  it("stops on a NaN gradient", () => {
    const r = runOptimizer((w) => w[0] * w[0], (w) => (w[0] < 0.5 ? [NaN] : [2 * w[0]]), [1], gdStep, {...DEFAULT_HYPER, alpha: 0.1}, 10);
    // w: 1 → 0.8 → 0.64 → 0.512 → 0.4096; the gradient at 0.4096 is NaN (step 5)
    expect(r.stopped).toEqual({step: 5, reason: "第 5 步梯度变为 NaN"});
    expect(r.path).toHaveLength(5);
  });
  it("stops when the loss passes maxLoss (divergence long before Inf)", () => {
    const r = runOptimizer(q.f, q.grad, [-3.5, 1.5], gdStep, {...DEFAULT_HYPER, alpha: 0.2}, 500, {maxLoss: 1e6});
    // w₁ is multiplied by (1 − 20·0.2) = −3 each step: 10·(1.5·3ᵏ)² = 22.5·9ᵏ > 1e6 first at k = 5 (w₀'s part is tiny)
    expect(r.stopped?.step).toBe(5);
    // ½·20·(1.5·3⁵)² = 22.5·9⁵ = 1328602.5 plus w₀'s ½·(3.5·0.8⁵)² = 0.66
    expect(r.stopped?.reason).toBe("第 5 步损失 1.33e+6 超过 1.00e+6（发散：学习率太大？）");
    expect(r.path).toHaveLength(6);
  });
  it("divergeHint replaces the suggestion in the divergence message", () => {
    const r = runOptimizer(q.f, q.grad, [-3.5, 1.5], gdStep, {...DEFAULT_HYPER, alpha: 0.2}, 500, {maxLoss: 1e6, divergeHint: "梯度符号反了"});
    expect(r.stopped?.reason).toBe("第 5 步损失 1.33e+6 超过 1.00e+6（发散：梯度符号反了）");
    const far = runOptimizer((w) => w[0] * w[0], (w) => [-2 * w[0]], [1], gdStep, {...DEFAULT_HYPER, alpha: 0.5}, 50, {maxAbs: 10, divergeHint: "梯度符号反了"});
    // w doubles each step (w + 0.5·2w): 16 > 10 at step 4
    expect(far.stopped).toEqual({step: 4, reason: "第 4 步权重超出 |w| ≤ 10（发散：梯度符号反了）"});
  });
  it("a non-finite start point stops at step 0 with nothing drawn", () => {
    const r = runOptimizer(q.f, q.grad, [NaN, 0], gdStep, H, 10);
    expect(r.stopped?.step).toBe(0);
    expect(r.path).toHaveLength(0);
  });
  it("rejects bad arguments with a clear message", () => {
    expect(() => runOptimizer(q.f, q.grad, [], gdStep, H, 10)).toThrow(/w0 must be a non-empty array/);
    expect(() => runOptimizer(q.f, q.grad, [0, 0], gdStep, H, -1)).toThrow(/steps must be a non-negative integer/);
  });
});
