/**
 * The five seed chapters through the general path (src/playground/): 001's logistic regression over its table and
 * 004's linear regression over the data its code generates come out of the same reading as any other document;
 * the built-ins stay as extras. References are independent: tf's sigmoid cross-entropy, hand-solved least squares.
 */
import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, it} from "vitest";
import {gdStep} from "../components/math/optimizers/gd.js";
import {runOptimizer} from "../components/math/optimizers/run.js";
import {statedGradient, statedGradientApplies, statedGradientStep} from "../components/math/optimizers/statedGradient.js";
import {DEFAULT_HYPER} from "../components/math/optimizers/types.js";
import {surfaceFromSpec} from "../components/playground/surface.js";
import {loadChapter} from "../src/chapter.js";
import {formulaReports} from "../src/formulaEnricher.js";
import {printedGradients} from "../src/playgroundEnricher.js";
import {readPlayground} from "../src/playground/index.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const load = (file: string, i: number) => loadChapter("chapters", {file, slug: `s${i}`}, i);
const c000 = load("000_69b8ff2c9c828ca6.md", 0);
const c001 = load("001_b326668aebc6c65c.md", 1);
const c004 = load("004_9a3e3b6a632ac337.md", 4);

/** 001 §4.3's table as printed (features, labels), standardised by column (the text says 数据归一化). */
const ROWS = [[200, 50, 10], [220, 55, 12], [190, 45, 8], [210, 52, 11]];
const LABELS = [1, 1, 0, 1];
const STD = (() => {
  const cols = [0, 1, 2].map((j) => {
    const c = ROWS.map((r) => r[j]);
    const m = c.reduce((a, b) => a + b) / 4;
    const sd = Math.sqrt(c.reduce((a, b) => a + (b - m) ** 2, 0) / 4);
    return c.map((v) => (v - m) / sd);
  });
  return ROWS.map((_, i) => cols.map((c) => c[i]));
})();

describe("001: logistic regression over its table, from the general path", () => {
  const r = readPlayground(c001, []);
  const L = r.surfaces.find((s) => s.drawn)!;
  it("reads L of §4.2 (line 125) with σ(W·x + b) substituted, over W₁..W₃ and b, data from the table at line 149", () => {
    expect(L.line).toBe(125);
    expect(L.params).toEqual(["W_1", "W_2", "W_3", "b"]);
    expect(L.surfaces.map((s) => s.params)).toEqual([["W_1", "W_2"], ["W_1", "b"], ["W_2", "W_3"]]);
    expect(L.surfaces[0].dataSource).toMatch(/第 149 行的表格/);
    expect(L.surfaces[0].bindings.y).toEqual(LABELS);
  });
  it("the rows are separable: no finite optimum, the others held at 0, and f equals tf's sigmoid cross-entropy", () => {
    const spec = L.surfaces[1]; // (W_1, b)
    expect(spec.held!.map((h) => [h.param, h.value])).toEqual([["W_2", 0], ["W_3", 0]]);
    const s = surfaceFromSpec(spec);
    expect(s.minimum).toBeUndefined();
    for (const w of [[0, 0], [-4, -4], [1.5, -2], [3, 0.7]]) {
      const ref = tf.tidy(() => {
        const logits = tf.add(tf.mul(tf.tensor1d(STD.map((x) => x[0])), w[0]), w[1]);
        return tf.losses.sigmoidCrossEntropy(tf.tensor1d(LABELS), logits).dataSync()[0];
      });
      expect(Math.abs(s.f(w) - ref)).toBeLessThan(1e-6);
    }
    expect(s.f([0, 0])).toBeCloseTo(Math.log(2), 12);
  });
  it("001 §4.2's printed gradient (y − y′) is −1 × the surface's: gradient descent with it climbs", async () => {
    const wrong = printedGradients(c001, await formulaReports(c001));
    expect(wrong.map((w) => w.loss)).toEqual(["binaryCrossEntropy"]);
    const s = surfaceFromSpec(L.surfaces[1]);
    expect(statedGradientApplies(wrong[0], s)).toBe(true);
    const w = [1.5, -2];
    // the printed ∂L/∂W₁ and ∂L/∂b at (W₁, b) = (1.5, −2), W₂ = W₃ = 0, by hand: (1/m)Σ(yᵢ − σ(zᵢ))·(xᵢ₁, 1)
    const sig = (z: number) => 1 / (1 + Math.exp(-z));
    const printed = [0, 1].map((k) => STD.reduce((acc, x, i) => acc + (LABELS[i] - sig(1.5 * x[0] - 2)) * (k === 0 ? x[0] : 1), 0) / 4);
    statedGradient(s.grad, -1)(w).forEach((g, k) => expect(g).toBeCloseTo(printed[k], 10));
  });
  it("first step with the printed gradient by hand: at (W₁, b) = (0, 0), ∇L = (−3/(4√5), −1/4); α = 0.5 climbs", () => {
    // standardised feature 1: (200, 220, 190, 210) → (−5, 15, −15, 5)/√125; σ(0) − y = (−½, −½, ½, −½)
    const s = surfaceFromSpec(L.surfaces[1]);
    const g = s.grad([0, 0]);
    expect(g[0]).toBeCloseTo(-3 / (4 * Math.sqrt(5)), 12);
    expect(g[1]).toBeCloseTo(-0.25, 12);
    const w1 = statedGradientStep(s.grad, -1, [0, 0], 0.5);
    expect(w1[0]).toBeCloseTo(-3 / (8 * Math.sqrt(5)), 12);
    expect(s.f(w1)).toBeGreaterThan(Math.log(2));
    expect(s.f(statedGradientStep(s.grad, 1, [0, 0], 0.5))).toBeLessThan(Math.log(2));
  });
  it("on every slice, 50 steps of GD with the printed gradient climb and correct GD descends", () => {
    for (const spec of L.surfaces) {
      const s = surfaceFromSpec(spec);
      const h = {...DEFAULT_HYPER, alpha: 0.5};
      const up = runOptimizer(s.f, statedGradient(s.grad, -1), s.start, gdStep, h, 50);
      const down = runOptimizer(s.f, s.grad, s.start, gdStep, h, 50);
      for (let k = 1; k <= 50; k++) {
        expect(up.losses[k]).toBeGreaterThan(up.losses[k - 1]);
        expect(down.losses[k]).toBeLessThan(down.losses[k - 1]);
      }
    }
  });
  it("the two printed GD rules (W_new, b_new) are drawn under their name; 学习率为0.01 is the default α", () => {
    expect(r.rules.map((x) => [x.spec.line, x.spec.name, x.spec.drawn])).toEqual([[139, "gd", true], [141, "gd", true]]);
    expect(r.spec.defaults.alpha).toBe(0.01);
    expect(r.spec.defaultLines?.alpha).toBe(170);
  });
});

describe("004: J(θ) over the data its code generates, from the general path", () => {
  const r = readPlayground(c004, []);
  const J = r.surfaces.find((s) => s.drawn)!;
  it("reads J(θ) = ½Σ(y_i − θx_i)² of line 135, one parameter, 100 rows drawn from the code of line 182", () => {
    expect(J.line).toBe(135);
    expect(J.params).toEqual(["\\theta"]);
    const spec = J.surfaces[0];
    expect(spec.dataSource).toMatch(/第 182 行/);
    expect((spec.bindings.x as number[]).length).toBe(100);
    expect(spec.bindings.n).toBe(100);
  });
  it("its minimum is Σxy/Σx² (the bias-free fit, not the true slope 2) and y = 2x + 0.5 + 0.1·noise holds", () => {
    const spec = J.surfaces[0];
    const x = spec.bindings.x as number[], y = spec.bindings.y as number[];
    const sxy = x.reduce((a, v, i) => a + v * y[i], 0), sxx = x.reduce((a, v) => a + v * v, 0);
    const s = surfaceFromSpec(spec);
    expect(s.domain.y).toBeUndefined();
    expect(s.minimum![0]).toBeCloseTo(sxy / sxx, 6);
    expect(s.minimum![0]).toBeGreaterThan(2.5);
    expect(s.minimum![0]).toBeLessThan(3);
    const resid = x.map((v, i) => y[i] - 2 * v - 0.5);
    expect(Math.max(...resid.map(Math.abs))).toBeLessThan(0.5);
    expect(Math.sqrt(resid.reduce((a, e) => a + e * e, 0) / 100)).toBeCloseTo(0.1, 1);
  });
  it("θ = θ − α∇J(θ) is GD, drawn; the code's learning_rate=0.01 is the default α", () => {
    expect(r.rules.map((x) => [x.spec.name, x.spec.drawn])).toEqual([["gd", true]]);
    expect(r.spec.defaults.alpha).toBe(0.01);
  });
});

describe("every seed keeps the built-ins as extras; 000's Adam is drawn as Adam", () => {
  it("000: GD at line 81 and Adam at line 85, both drawn; no surface (its J(w_0) never involves w_0)", () => {
    const r = readPlayground(c000, []);
    expect(r.rules.slice(0, 2).map((x) => [x.spec.line, x.spec.name, x.spec.drawn])).toEqual([[81, "gd", true], [85, "adam", true]]);
    expect(r.surfaces).toEqual([]);
    expect(r.spec.surfaces.map((s) => s.builtin)).toEqual(["quadratic", "rosenbrock", "saddle"]);
  });
  it("the spec is plain JSON (what the generator writes into the page)", () => {
    for (const c of [c000, c001, c004]) {
      const spec = readPlayground(c, []).spec;
      expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
      expect(spec.surfaces.slice(-3).map((s) => s.builtin)).toEqual(["quadratic", "rosenbrock", "saddle"]);
    }
  });
});
