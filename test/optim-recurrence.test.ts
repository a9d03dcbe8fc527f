import {describe, expect, it} from "vitest";
import {adamStep} from "../components/math/optimizers/adam.js";
import {runOptimizer} from "../components/math/optimizers/run.js";
import {runRecurrence, type Recurrence} from "../components/math/optimizers/runRecurrence.js";
import {DEFAULT_HYPER} from "../components/math/optimizers/types.js";
import {rosenbrock} from "../components/math/surfaces/rosenbrock.js";

/** 000 §4.1 Adam written out as a Recurrence, the shape compileRecurrence returns. */
const adamRecurrence: Recurrence<{w: number[]; m: number[]; v: number[]}> = {
  hyper: ["alpha", "beta_1", "beta_2", "epsilon"],
  init: (w) => ({w, m: w.map(() => 0), v: w.map(() => 0)}),
  step(s, g, t, hp) {
    const m = s.m.map((x, i) => hp.beta_1 * x + (1 - hp.beta_1) * g[i]);
    const v = s.v.map((x, i) => hp.beta_2 * x + (1 - hp.beta_2) * g[i] ** 2);
    const w = s.w.map((x, i) => x - (hp.alpha * (m[i] / (1 - hp.beta_1 ** t))) / (Math.sqrt(v[i] / (1 - hp.beta_2 ** t)) + hp.epsilon));
    return {w, m, v};
  },
  weights: (s) => s.w
};

describe("runRecurrence(f, grad, w0, rec, hyper, steps)", () => {
  const r = rosenbrock();
  const hp = {...DEFAULT_HYPER, alpha: 0.02};
  it("a recurrence equal to Adam gives adamStep's iterates (t counted from 1)", () => {
    const a = runRecurrence(r.f, r.grad, [-1.5, 2.5], adamRecurrence, hp as unknown as Record<string, number>, 200);
    const b = runOptimizer(r.f, r.grad, [-1.5, 2.5], adamStep, hp, 200);
    expect(a.stopped).toBeNull();
    expect(a.path).toHaveLength(201);
    for (let k = 0; k <= 200; k += 50) {
      expect(a.path[k][0]).toBeCloseTo(b.path[k][0], 12);
      expect(a.path[k][1]).toBeCloseTo(b.path[k][1], 12);
      expect(a.losses[k]).toBeCloseTo(b.losses[k], 10);
    }
  });
  it("a hyper-parameter the playground lacks stops at step 0 with its name", () => {
    const res = runRecurrence(r.f, r.grad, [0, 0], {...adamRecurrence, hyper: ["alpha", "kappa"]}, hp as unknown as Record<string, number>, 10);
    expect(res.stopped?.reason).toBe("原文的更新规则需要 kappa，演示区没有对应的滑块");
    expect(res.path).toHaveLength(0);
  });
  it("a throwing step becomes a reason, not an exception", () => {
    const bad = {...adamRecurrence, step: () => {
      throw new Error("division by zero");
    }};
    const res = runRecurrence(r.f, r.grad, [0, 0], bad, hp as unknown as Record<string, number>, 10);
    expect(res.stopped).toEqual({step: 1, reason: "原文的更新规则在第 1 步出错：division by zero"});
    expect(res.path).toEqual([[0, 0]]);
  });
  it("divergence stops with the limit reason", () => {
    const gd: Recurrence<number[]> = {hyper: ["alpha"], init: (w) => w, step: (w, g, _t, h) => w.map((x, i) => x - h.alpha * g[i]), weights: (w) => w};
    const res = runRecurrence((w) => w[0] * w[0], (w) => [2 * w[0]], [1], gd, {alpha: 3}, 100, {maxLoss: 1e4});
    // w = (−5)ᵏ, loss 25ᵏ > 1e4 first at k = 3
    expect(res.stopped?.step).toBe(3);
    expect(res.stopped?.reason).toBe("第 3 步损失 1.56e+4 超过 1.00e+4（发散：学习率太大？）");
  });
});

describe("with the real formula engine (components/formula/recurrence.ts)", () => {
  const ADAM_000 = String.raw`m_t = \beta_1 m_{t-1} + (1 - \beta_1) \nabla_w J(w_t) \\
v_t = \beta_2 v_{t-1} + (1 - \beta_2) (\nabla_w J(w_t))^2 \\
\hat{m}_t = \frac{m_t}{1 - \beta_1^t} \\
\hat{v}_t = \frac{v_t}{1 - \beta_2^t} \\
w_{t+1} = w_t - \alpha \frac{\hat{m}_t}{\sqrt{\hat{v}_t} + \epsilon}`;
  it("000 §4.1 Adam as printed follows adamStep on rosenbrock for 300 steps", async () => {
    const {compileRecurrence} = await import("../components/formula/recurrence.js");
    const rec = compileRecurrence(ADAM_000);
    const r = rosenbrock();
    const hp = {...DEFAULT_HYPER, alpha: 0.02};
    const a = runRecurrence(r.f, r.grad, [-1.5, 2.5], rec, hp as unknown as Record<string, number>, 300);
    const b = runOptimizer(r.f, r.grad, [-1.5, 2.5], adamStep, hp, 300);
    expect(a.stopped).toBeNull();
    for (const k of [1, 10, 100, 300]) {
      expect(a.path[k][0]).toBeCloseTo(b.path[k][0], 9);
      expect(a.path[k][1]).toBeCloseTo(b.path[k][1], 9);
    }
  });
  it("a printed Nesterov rule takes its gradient at the look-ahead point (θ_t + μ v_t), step by step as by hand", async () => {
    const {compileRecurrence} = await import("../components/formula/recurrence.js");
    const rec = compileRecurrence(String.raw`v_{t+1} = \mu v_t - \eta \nabla f(\theta_t + \mu v_t) \\ \theta_{t+1} = \theta_t + v_{t+1}`);
    const g = (w: number[]) => [2 * w[0], 20 * w[1]]; // f = x² + 10 y²
    const f = (w: number[]) => w[0] ** 2 + 10 * w[1] ** 2;
    const hyper: Record<string, number> = {mu: 0.8, alpha: 0.05};
    const res = runRecurrence(f, g, [3, 1], rec, hyper, 4);
    let th = [3, 1], v = [0, 0];
    for (let t = 1; t <= 4; t++) {
      const gl = g(th.map((x, j) => x + 0.8 * v[j]));
      v = v.map((vj, j) => 0.8 * vj - 0.05 * gl[j]);
      th = th.map((x, j) => x + v[j]);
      expect(res.path[t][0]).toBeCloseTo(th[0], 12);
      expect(res.path[t][1]).toBeCloseTo(th[1], 12);
    }
  });
  it("004 §4's θ = θ − α·∇J(θ) is gradient descent", async () => {
    const {compileRecurrence} = await import("../components/formula/recurrence.js");
    const rec = compileRecurrence(String.raw`\theta = \theta - \alpha \cdot \nabla_{\theta} J(\theta)`);
    const res = runRecurrence((w) => w[0] * w[0], (w) => [2 * w[0]], [1], rec, {alpha: 0.1}, 3);
    // 1 → 0.8 → 0.64 → 0.512
    expect(res.path.map((w) => w[0])).toEqual([1, 0.8, 0.64, 0.512].map((x) => expect.closeTo(x, 12)));
  });
});
