/**
 * surfaceFromSpec (components/playground/surface.ts): a chapter's objective as LaTeX plus data bindings becomes a
 * Surface; f against independent tf implementations, grad against tf.grad, minima against hand-solved normal
 * equations, the closure compiler against the formula engine's interpreter.
 */
import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, it} from "vitest";
import {evaluate} from "../components/formula/evaluate.js";
import {parseExpression} from "../components/formula/parse.js";
import {readSumOverRest} from "../components/formula/scope.js";
import {contourGrid} from "../components/math/surfaces/contourGrid.js";
import {minimize} from "../components/math/surfaces/minimize.js";
import {compileFast} from "../components/math/surfaces/fastEval.js";
import type {SurfaceSpec} from "../components/playground/spec.js";
import {findMinimum, lossKind, objectiveFromSpec, surfaceFromSpec} from "../components/playground/surface.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const BCE = String.raw`-\frac{1}{m} \sum_{i=1}^{m} y_i \log(\sigma(W \cdot x_i + b)) + (1 - y_i) \log(1 - \sigma(W \cdot x_i + b))`;
// 8 rows, 3 features, labels not separable (row 2 and row 6 contradict the others)
const X = [[0.5, -1.2, 0.3], [1.1, 0.4, -0.7], [-0.3, 0.8, 1.5], [-1.4, -0.2, 0.1], [0.9, 1.3, -0.4], [-0.6, -0.9, -1.1], [0.2, 0.1, 0.9], [-1.0, 1.7, 0.6]];
const Y = [1, 0, 1, 0, 1, 1, 0, 0];

function bceSpec(params: string[], start: number[]): SurfaceSpec {
  return {id: "L", title: "L", line: 3, expression: BCE, params, labels: params, bindings: {W: [0.2, -0.1, 0.3], b: 0.1, x: X, y: Y, m: X.length}, start};
}

/** The same loss with tf ops (tf.losses.sigmoidCrossEntropy), over [w1, w2, w3, b]. */
function tfBce(p: tf.Tensor1D): tf.Scalar {
  const w = p.slice(0, 3).reshape([3, 1]);
  const logits = tf.add(tf.matMul(tf.tensor2d(X), w).reshape([X.length]), p.slice(3, 1).reshape([]));
  return tf.losses.sigmoidCrossEntropy(tf.tensor1d(Y), logits) as tf.Scalar;
}

describe("surfaceFromSpec: a table objective", () => {
  it("f over (W_1, b) equals tf.losses.sigmoidCrossEntropy with W_2, W_3 held at their bound values", () => {
    const s = surfaceFromSpec(bceSpec(["W_1", "b"], [-1, 1]));
    for (const w of [[0, 0], [1.5, -0.7], [-2, 2.5]]) {
      const ref = tf.tidy(() => tfBce(tf.tensor1d([w[0], -0.1, 0.3, w[1]])).dataSync()[0]);
      expect(Math.abs(s.f(w) - ref)).toBeLessThan(1e-6);
    }
    // by hand at W = (0, −0.1, 0.3), b = 0 … f(0, 0) is not log 2; at all-zero parameters it is
    const zero = surfaceFromSpec({...bceSpec(["W_1", "b"], [0, 0]), bindings: {W: [0, 0, 0], b: 0, x: X, y: Y, m: 8}});
    expect(zero.f([0, 0])).toBeCloseTo(Math.log(2), 12);
  });

  it("grad is the symbolic derivative: equals tf.grad to 1e-9 (central differences would not)", () => {
    const s = surfaceFromSpec(bceSpec(["W_2", "W_3"], [0.5, 0.5]));
    for (const w of [[0.3, -0.8], [2, 1], [-1.5, 0.2]]) {
      const g = tf.tidy(() => Array.from(tf.grad((p: tf.Tensor) => tfBce(p as tf.Tensor1D))(tf.tensor1d([0.2, w[0], w[1], 0.1])).dataSync()));
      const ours = s.grad(w);
      // tf runs in float32: compare to its precision, and ours to a float64 hand derivative below
      expect(Math.abs(ours[0] - g[1])).toBeLessThan(1e-6);
      expect(Math.abs(ours[1] - g[2])).toBeLessThan(1e-6);
      const hand = [1, 2].map((j) => X.reduce((acc, r, i) => acc + (1 / (1 + Math.exp(-(0.2 * r[0] + w[0] * r[1] + w[1] * r[2] + 0.1))) - Y[i]) * r[j], 0) / 8);
      expect(Math.abs(ours[0] - hand[0])).toBeLessThan(1e-12);
      expect(Math.abs(ours[1] - hand[1])).toBeLessThan(1e-12);
    }
  });

  it("finds the minimum (gradient zero there) and says the loss is binary cross-entropy", () => {
    const s = surfaceFromSpec(bceSpec(["W_1", "b"], [-1, 1]));
    expect(s.minimum).toBeDefined();
    expect(Math.hypot(...s.grad(s.minimum!))).toBeLessThan(1e-6);
    expect(s.loss).toBe("binaryCrossEntropy");
    expect(s.domain.x[0]).toBeLessThanOrEqual(-1);
    expect(s.domain.y![1]).toBeGreaterThanOrEqual(1);
  });

  it("separable rows: no finite minimum", () => {
    const s = surfaceFromSpec({...bceSpec(["W_1", "b"], [0, 0]), bindings: {W: [0, 0, 0], b: 0, x: [[1, 0, 0], [2, 0, 0], [-1, 0, 0], [-2, 0, 0]], y: [1, 1, 0, 0], m: 4}});
    expect(s.minimum).toBeUndefined();
    expect(s.f([10, 0])).toBeLessThan(s.f([5, 0]));
  });

  it("a contour grid over a 20-row table is finite everywhere (σ saturated far out stays finite)", () => {
    const rows = Array.from({length: 20}, (_, i) => [Math.sin(i), Math.cos(1.3 * i), (i % 5) / 5]);
    const s = surfaceFromSpec({...bceSpec(["W_1", "b"], [0, 0]), bindings: {W: [0, 0, 0], b: 0, x: rows, y: rows.map((r) => (r[0] + r[1] > 0 ? 1 : 0)), m: 20}});
    const g = contourGrid(s.f, {x: [-40, 40], y: [-40, 40]}, 40, 40);
    expect(g.nonFinite).toBe(0);
    expect(g.min).toBeGreaterThan(0);
  });
});

describe("surfaceFromSpec: least squares, one and two parameters", () => {
  const x = [1, 2, 3, 4, 5], y = [2.9, 5.1, 7.0, 9.2, 10.8];
  const mse = String.raw`\frac{1}{n} \sum_{i=1}^{n} (w x_i + b - y_i)^2`;
  it("the minimum is the normal equations' solution (hand-solved)", () => {
    const s = surfaceFromSpec({id: "L", title: "L", line: 1, expression: mse, params: ["w", "b"], labels: ["w", "b"], bindings: {x, y, n: 5}, start: [0, 0]});
    // Σx = 15, Σy = 35, Σx² = 55, Σxy = 2.9 + 10.2 + 21 + 36.8 + 54 = 124.9; w = (5·124.9 − 15·35)/(5·55 − 225) = 99.5/50
    expect(s.minimum![0]).toBeCloseTo(1.99, 6);
    expect(s.minimum![1]).toBeCloseTo((35 - 1.99 * 15) / 5, 6);
    expect(s.loss).toBe("mse");
  });
  it("one parameter: a curve (no y domain), θ* = Σxy/Σx²", () => {
    const s = surfaceFromSpec({id: "J", title: "J", line: 1, expression: String.raw`\frac{1}{2} \sum_{i=1}^{n} (y_i - \theta x_i)^2`, params: ["\\theta"], labels: ["θ"], bindings: {x, y, n: 5}, start: [0]});
    expect(s.domain.y).toBeUndefined();
    expect(s.minimum![0]).toBeCloseTo(124.9 / 55, 6);
    expect(s.grad([1])[0]).toBeCloseTo(55 - 124.9, 9);
  });
  it("a named function: f(x, y) = x² + 25y², gradient (2x, 50y), minimum (0, 0), GD-stable α ≤ 1/50", () => {
    const s = surfaceFromSpec({id: "f", title: "f", line: 1, expression: "x^2 + 25y^2", params: ["x", "y"], labels: ["x", "y"], bindings: {}, start: [-3, 2]});
    expect(s.f([1, 1])).toBe(26);
    expect(s.grad([1, -2])).toEqual([2, -100]);
    expect(Math.hypot(...s.minimum!)).toBeLessThan(1e-6);
    expect(s.alpha).toBeLessThanOrEqual(0.02);
    expect(s.start).toEqual([-3, 2]);
  });
  it("a built-in passes through; a spec with three axes is refused", () => {
    expect(surfaceFromSpec({id: "q", title: "q", line: null, builtin: "quadratic", params: [], labels: [], bindings: {}, start: []}).id).toBe("quadratic");
    expect(() => surfaceFromSpec({id: "f", title: "f", line: 1, expression: "x + y + z", params: ["x", "y", "z"], labels: [], bindings: {}, start: []})).toThrow(/one or two parameters/);
  });
  it("objectiveFromSpec works in any dimension; findMinimum rejects a saddle", () => {
    const o = objectiveFromSpec({id: "g", title: "g", line: 1, expression: "(a - 1)^2 + (b + 2)^2 + 3(c - 0.5)^2", params: ["a", "b", "c"], labels: [], bindings: {}, start: [0, 0, 0]});
    const m = findMinimum(o.f, o.grad, [0, 0, 0])!;
    [1, -2, 0.5].forEach((v, i) => expect(m[i]).toBeCloseTo(v, 6));
    const saddle = objectiveFromSpec({id: "s", title: "s", line: 1, expression: "x^2 - y^2", params: ["x", "y"], labels: [], bindings: {}, start: [1, 0.01]});
    expect(findMinimum(saddle.f, saddle.grad, [1, 0.01])).toBeUndefined();
  });
  it("lossKind reads the family from the expression", () => {
    expect(lossKind(BCE)).toBe("binaryCrossEntropy");
    expect(lossKind(mse)).toBe("mse");
    expect(lossKind("x^2 + 25y^2")).toBeUndefined();
  });
});

describe("minimize (BFGS with backtracking)", () => {
  it("Rosenbrock from (−1.5, 2) reaches (1, 1)", () => {
    const f = (w: number[]) => (1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2;
    const g = (w: number[]) => [-2 * (1 - w[0]) - 400 * w[0] * (w[1] - w[0] ** 2), 200 * (w[1] - w[0] ** 2)];
    const r = minimize(f, g, [-1.5, 2]);
    expect(r.converged).toBe(true);
    expect(r.at[0]).toBeCloseTo(1, 5);
    expect(r.at[1]).toBeCloseTo(1, 5);
  });
});

describe("compileFast agrees with the interpreter", () => {
  const cases: [string, Record<string, number | number[] | number[][]>][] = [
    [BCE, {W: [0.3, -0.2, 0.5], b: -0.4, x: X, y: Y, m: 8}],
    [String.raw`\frac{1}{2n} \sum_{i=1}^{n} (y_i - w_1 x_{i1} - w_2 x_{i2})^2`, {w_1: 0.7, w_2: -1.1, x: X.map((r) => r.slice(0, 2)), y: Y, n: 8}],
    [String.raw`\sqrt{x^2 + y^2} + e^{-x} + \exp(y) \cdot \pi`, {x: 0.3, y: -1.2}],
    [String.raw`\sum_{k=1}^{3} \prod_{j=1}^{2} (k + j a)`, {a: 0.5}]
  ];
  for (const [latex, vars] of cases) {
    it(latex.slice(0, 40), () => {
      const node = readSumOverRest(parseExpression(latex)).node;
      const fast = compileFast(node)!;
      expect(fast).toBeDefined();
      const a = fast(vars) as number, b = evaluate(node, vars) as number;
      expect(Math.abs(a - b)).toBeLessThan(1e-12 * Math.max(1, Math.abs(b)));
    });
  }
  it("refuses what it does not cover (a user function) so the interpreter decides", () => {
    expect(compileFast(parseExpression("J(w) + 1"))).toBeUndefined();
  });
});
