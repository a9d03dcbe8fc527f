import * as tf from "@tensorflow/tfjs";
import {readFileSync} from "node:fs";
import {beforeAll, describe, expect, test} from "vitest";
import {compileRecurrence} from "../components/formula/recurrence.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** Chapter 000 §4.1: the Adam system exactly as printed (read from the file, not copied). */
function adamFromChapter(): string {
  const text = readFileSync("chapters/000_69b8ff2c9c828ca6.md", "utf8");
  const blocks = [...text.matchAll(/\$\$([\s\S]+?)\$\$/g)].map((m) => m[1].trim());
  const adam = blocks.find((b) => b.startsWith("m_t ="));
  if (!adam) throw new Error("000 has no Adam block");
  return adam;
}

// Quadratic f(w) = ½ Σ a_j (w_j - c_j)², ∇f = a ⊙ (w - c).
const a = [1, 4, 0.5], c = [1, -2, 3];
const grad = (w: number[]) => w.map((x, j) => a[j] * (x - c[j]));

function handAdam(w0: number[], steps: number, h: {alpha: number; beta_1: number; beta_2: number; epsilon: number}): number[][] {
  let w = w0.slice(), m = w.map(() => 0), v = w.map(() => 0);
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    const g = grad(w);
    m = m.map((mj, j) => h.beta_1 * mj + (1 - h.beta_1) * g[j]);
    v = v.map((vj, j) => h.beta_2 * vj + (1 - h.beta_2) * g[j] ** 2);
    const mh = m.map((x) => x / (1 - h.beta_1 ** t)), vh = v.map((x) => x / (1 - h.beta_2 ** t));
    w = w.map((x, j) => x - (h.alpha * mh[j]) / (Math.sqrt(vh[j]) + h.epsilon));
    out.push(w.slice());
  }
  return out;
}

describe("compileRecurrence(latex)", () => {
  const hyper = {alpha: 0.05, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7};
  const w0 = [-1, 0.5, 2];

  test("000's printed Adam: hyper-parameters with canonical names, weight w", () => {
    const rec = compileRecurrence(adamFromChapter());
    expect(rec.hyper.sort()).toEqual(["alpha", "beta_1", "beta_2", "epsilon"]);
    expect(rec.weight).toBe("w");
    expect(rec.updates).toEqual(["m", "v", "\\hat{m}", "\\hat{v}", "w"]);
  });

  test("000's printed Adam equals a hand-written Adam over 50 steps (1e-12)", () => {
    const rec = compileRecurrence(adamFromChapter());
    const ref = handAdam(w0, 50, hyper);
    let s = rec.init(w0);
    for (let t = 1; t <= 50; t++) {
      s = rec.step(s, grad(rec.weights(s)), t, hyper);
      rec.weights(s).forEach((x, j) => expect(Math.abs(x - ref[t - 1][j])).toBeLessThan(1e-12));
    }
  });

  test("000's printed Adam equals tf.train.adam over 50 steps on a quadratic (1e-6)", () => {
    // tf runs in float32, where 1 - 0.999^t loses ~1e-5 of its value to cancellation (measured: 3e-6 drift in w
    // after 50 steps with β₂ = 0.999). β₁ = 0.75 and β₂ = 0.5 have exact float32 powers, so what remains is the
    // update rule itself; the standard β's are compared with the float64 hand-written Adam above (1e-12).
    const rec = compileRecurrence(adamFromChapter());
    const hyper = {alpha: 0.01, beta_1: 0.75, beta_2: 0.5, epsilon: 1e-7};
    const wv = tf.variable(tf.tensor1d(w0));
    const opt = tf.train.adam(hyper.alpha, hyper.beta_1, hyper.beta_2, hyper.epsilon);
    const A = tf.tensor1d(a), C = tf.tensor1d(c);
    let s = rec.init(w0);
    let maxDiff = 0;
    for (let t = 1; t <= 50; t++) {
      s = rec.step(s, grad(rec.weights(s)), t, hyper);
      opt.minimize(() => tf.mul(0.5, tf.sum(tf.mul(A, tf.square(tf.sub(wv, C))))) as tf.Scalar);
      const tw = wv.arraySync() as number[];
      rec.weights(s).forEach((x, j) => (maxDiff = Math.max(maxDiff, Math.abs(x - tw[j]))));
    }
    expect(maxDiff).toBeLessThan(1e-6);
    expect(maxDiff).toBeGreaterThan(0); // float32 vs float64: a real comparison, not the same code
  });

  test("GD as printed in 000 and 004, and 002's \\eta-free form, step w ← w - α g", () => {
    for (const latex of [String.raw`w_{t+1} = w_t - \alpha \nabla_w J(w_t)`, String.raw`\theta = \theta - \alpha \cdot \nabla_{\theta} J(\theta)`, String.raw`\theta_{t+1} = \theta_t - \eta \nabla_{\theta} L(\theta)`, String.raw`W_{new} = W - \alpha \cdot \frac{\partial L}{\partial W}`, String.raw`w_{t+1} = w_t - \alpha \nabla_w J(w_t) \to w^* \quad (t \to \infty)`]) {
      const rec = compileRecurrence(latex);
      expect(rec.hyper).toEqual(["alpha"]);
      const s = rec.step(rec.init([1, 2]), [0.5, -1], 1, {alpha: 0.1});
      expect(rec.weights(s)).toEqual([0.95, 2.1]);
    }
  });

  test("momentum with gamma, numeric subscripts w_1 = w_0 - …", () => {
    const rec = compileRecurrence(String.raw`v_t = \gamma v_{t-1} + \eta \nabla_{\theta} J(\theta_t) \\ \theta_{t+1} = \theta_t - v_t`);
    expect(rec.hyper.sort()).toEqual(["alpha", "gamma"]);
    let s = rec.init([1]);
    s = rec.step(s, [1], 1, {alpha: 0.1, gamma: 0.9});
    s = rec.step(s, [1], 2, {alpha: 0.1, gamma: 0.9});
    expect(rec.weights(s)[0]).toBeCloseTo(1 - 0.1 - (0.9 * 0.1 + 0.1), 14);
    const one = compileRecurrence(String.raw`w_1 = w_0 - \alpha \nabla_w J(w_0)`);
    expect(one.weights(one.step(one.init([2]), [4], 1, {alpha: 0.25}))).toEqual([1]);
  });

  test("bad rules fail with a reason", () => {
    expect(() => compileRecurrence(String.raw`w_{t+1} = w_t - \alpha`)).toThrow(/no gradient/);
    expect(() => compileRecurrence(String.raw`m_t = \beta m_{t-1} + \nabla_w J`)).toThrow(/with respect to w, which no line updates/);
    const rec = compileRecurrence(String.raw`w_{t+1} = w_t - \alpha \nabla_w J(w_t)`);
    expect(() => rec.step(rec.init([1]), [1], 1, {})).toThrow(/missing hyper-parameter alpha/);
    expect(() => rec.step(rec.init([1]), [1, 2], 1, {alpha: 1})).toThrow(/gradient has 2 entries/);
  });
  test("side-by-side updates of several weights (w \\leftarrow …, \\quad b \\leftarrow …) share the weight vector", () => {
    const rec = compileRecurrence(String.raw`w \leftarrow w - \eta \frac{\partial L}{\partial w}, \quad b \leftarrow b - \eta \frac{\partial L}{\partial b}`);
    expect(rec.hyper).toEqual(["alpha"]);
    const s1 = rec.step(rec.init([1, 2]), [0.5, -1], 1, {alpha: 0.1});
    expect(rec.weights(s1)[0]).toBeCloseTo(0.95, 12);
    expect(rec.weights(s1)[1]).toBeCloseTo(2.1, 12);
  });
});

describe("compileRecurrence: the forms tutorials print (issue #11)", () => {
  // f(w) = ½ Σ a_j (w_j − c_j)², the quadratic above
  const w0 = [-1, 0.5, 2];
  const run = (latex: string, hyper: Record<string, number>, steps: number) => {
    const rec = compileRecurrence(latex);
    let s = rec.init(w0);
    const out: number[][] = [];
    for (let t = 1; t <= steps; t++) {
      s = rec.stepWith(s, grad, t, hyper);
      out.push(rec.weights(s));
    }
    return {rec, out};
  };
  const expectPath = (got: number[][], want: number[][]) => got.forEach((w, k) => w.forEach((x, j) => expect(Math.abs(x - want[k][j])).toBeLessThan(1e-12)));

  test("momentum as v_t = γv_{t-1} + η∇L(θ_{t-1}), θ_t = θ_{t-1} − v_t: the heavy ball by hand", () => {
    const {rec, out} = run(String.raw`v_t = \gamma v_{t-1} + \eta \nabla_\theta L(\theta_{t-1}) \\ \theta_t = \theta_{t-1} - v_t`, {gamma: 0.9, alpha: 0.05}, 30);
    expect(rec.symbols).toEqual({"\\gamma": "gamma", "\\eta": "alpha"});
    expect(rec.lookahead).toBe(false);
    let w = w0.slice(), v = w.map(() => 0);
    const want: number[][] = [];
    for (let t = 0; t < 30; t++) {
      const g = grad(w);
      v = v.map((x, j) => 0.9 * x + 0.05 * g[j]);
      w = w.map((x, j) => x - v[j]);
      want.push(w.slice());
    }
    expectPath(out, want);
  });

  test("RMSProp with E[g^2]_t and g_t defined on its own line: ρ read as rho", () => {
    const {rec, out} = run(String.raw`g_t = \nabla_\theta L(\theta_{t-1}) \\ E[g^2]_t = \rho E[g^2]_{t-1} + (1 - \rho) g_t^2 \\ \theta_t = \theta_{t-1} - \frac{\eta}{\sqrt{E[g^2]_t + \epsilon}} g_t`, {rho: 0.9, alpha: 0.01, epsilon: 1e-8}, 25);
    expect(rec.hyper.sort()).toEqual(["alpha", "epsilon", "rho"]);
    let w = w0.slice(), e = w.map(() => 0);
    const want: number[][] = [];
    for (let t = 0; t < 25; t++) {
      const g = grad(w);
      e = e.map((x, j) => 0.9 * x + 0.1 * g[j] ** 2);
      w = w.map((x, j) => x - (0.01 / Math.sqrt(e[j] + 1e-8)) * g[j]);
      want.push(w.slice());
    }
    expectPath(out, want);
  });

  test("g_t with no ∇ anywhere is the gradient (Adam as most texts print it)", () => {
    const latex = String.raw`m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t \\ v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\ \hat{m}_t = \frac{m_t}{1 - \beta_1^t} \\ \hat{v}_t = \frac{v_t}{1 - \beta_2^t} \\ \theta_t = \theta_{t-1} - \eta \frac{\hat{m}_t}{\sqrt{\hat{v}_t} + \epsilon}`;
    const h = {alpha: 0.05, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7};
    const {rec, out} = run(latex, h, 50);
    expect(rec.weight).toBe("\\theta");
    expectPath(out, handAdam(w0, 50, h));
  });

  test("AdaGrad with ⊙: entrywise, not a dot product", () => {
    const {out} = run(String.raw`G_t = G_{t-1} + g_t \odot g_t \\ \theta_{t+1} = \theta_t - \frac{\eta}{\sqrt{G_t + \epsilon}} \odot g_t`, {alpha: 0.5, epsilon: 1e-8}, 20);
    let w = w0.slice(), G = w.map(() => 0);
    const want: number[][] = [];
    for (let t = 0; t < 20; t++) {
      const g = grad(w);
      G = G.map((x, j) => x + g[j] * g[j]);
      w = w.map((x, j) => x - (0.5 / Math.sqrt(G[j] + 1e-8)) * g[j]);
      want.push(w.slice());
    }
    expectPath(out, want);
  });

  test("Nesterov: the gradient at θ_{t-1} − γv_{t-1} (stepWith), which step() cannot give", () => {
    const latex = String.raw`v_t = \gamma v_{t-1} + \eta \nabla_\theta J(\theta_{t-1} - \gamma v_{t-1}) \\ \theta_t = \theta_{t-1} - v_t`;
    const {rec, out} = run(latex, {gamma: 0.9, alpha: 0.05}, 30);
    expect(rec.lookahead).toBe(true);
    let w = w0.slice(), v = w.map(() => 0);
    const want: number[][] = [];
    for (let t = 0; t < 30; t++) {
      const g = grad(w.map((x, j) => x - 0.9 * v[j]));
      v = v.map((x, j) => 0.9 * x + 0.05 * g[j]);
      w = w.map((x, j) => x - v[j]);
      want.push(w.slice());
    }
    expectPath(out, want);
    // step() with the gradient at the weights is the heavy ball, a different path
    let s = rec.init(w0);
    s = rec.step(s, grad(w0), 1, {gamma: 0.9, alpha: 0.05});
    s = rec.step(s, grad(rec.weights(s)), 2, {gamma: 0.9, alpha: 0.05});
    expect(Math.abs(rec.weights(s)[0] - want[1][0])).toBeGreaterThan(1e-6);
  });

  test("AdamW's decay term and \\leftarrow / := forms compile; an undefined m̂_t is a reason", () => {
    const adamw = compileRecurrence(String.raw`m_t = \beta_1 m_{t-1} + (1 - \beta_1) \nabla_\theta L(\theta_{t-1}) \\ v_t = \beta_2 v_{t-1} + (1 - \beta_2) (\nabla_\theta L(\theta_{t-1}))^2 \\ \hat{m}_t = \frac{m_t}{1 - \beta_1^t} \\ \hat{v}_t = \frac{v_t}{1 - \beta_2^t} \\ \theta_t = \theta_{t-1} - \eta \left( \frac{\hat{m}_t}{\sqrt{\hat{v}_t} + \epsilon} + \lambda \theta_{t-1} \right)`);
    expect(adamw.hyper.sort()).toEqual(["alpha", "beta_1", "beta_2", "epsilon", "lambda"]);
    // one step by hand at w = 2, g = 4 (bias-corrected m̂ = 4, v̂ = 16): 2 − 0.1·(4/(4 + 0) + 0.01·2)
    const s = adamw.step(adamw.init([2]), [4], 1, {alpha: 0.1, beta_1: 0.9, beta_2: 0.999, epsilon: 0, lambda: 0.01});
    expect(adamw.weights(s)[0]).toBeCloseTo(2 - 0.1 * (1 + 0.02), 12);
    expect(compileRecurrence(String.raw`\theta := \theta - \eta \nabla_\theta E(\theta)`).hyper).toEqual(["alpha"]);
    expect(() => compileRecurrence(String.raw`\theta_t = \theta_{t-1} - \eta \frac{\hat{m}_t}{\sqrt{\hat{v}_t}} g_t`)).toThrow(/\\hat\{m\}_t changes with t but no line of the rule defines it/);
  });

  test("∇_w ℒ(w) after a factor ((1 − β)∇_w ℒ(w) parses as a product with (w)) is the gradient at w: EMA momentum by hand", () => {
    const {out} = run(String.raw`\mathbf{v} \leftarrow \beta \mathbf{v} + (1 - \beta) \nabla_{\mathbf{w}} \mathcal{L}(\mathbf{w}) \\ \mathbf{w} \leftarrow \mathbf{w} - \eta \mathbf{v}`, {beta: 0.9, alpha: 0.1}, 20);
    let w = w0.slice(), v = w.map(() => 0);
    const want: number[][] = [];
    for (let t = 0; t < 20; t++) {
      const g = grad(w);
      v = v.map((x, j) => 0.9 * x + 0.1 * g[j]);
      w = w.map((x, j) => x - 0.1 * v[j]);
      want.push(w.slice());
    }
    expectPath(out, want);
  });
});
