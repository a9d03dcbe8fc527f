/**
 * The gradient as a chapter prints it (stated = sign × true). 001 §4.2 prints ∂L/∂W = (1/m)Σ(yᵢ − y′ᵢ)xᵢ and
 * ∂L/∂b = (1/m)Σ(yᵢ − y′ᵢ); 000 §4.2 prints ∇MSE = (1/n)Σ 2(yᵢ − ŷᵢ)∇ŷᵢ. Both are the true gradient times −1;
 * gradient descent with them climbs the loss.
 */
import {describe, expect, it} from "vitest";
import {gdStep} from "../components/math/optimizers/gd.js";
import {runOptimizer} from "../components/math/optimizers/run.js";
import {statedGradient, statedGradientApplies, statedGradientStep} from "../components/math/optimizers/statedGradient.js";
import {DEFAULT_HYPER} from "../components/math/optimizers/types.js";
import {logistic001, sigmoid, standardize, TABLE_001} from "../components/math/surfaces/logistic001.js";
import {quadratic} from "../components/math/surfaces/quadratic.js";
import {getSurface, SURFACE_IDS} from "../components/math/surfaces/registry.js";

const X = standardize(TABLE_001.features);
const Y = TABLE_001.labels;

/** 001 §4.2 exactly as printed, for the parameters [w₁, w₂, w₃, b] (the surface holds the other two at 0). */
function printed001(p: number[]): number[] {
  const m = X.length;
  const g = [0, 0, 0, 0];
  for (let i = 0; i < m; i++) {
    const yp = sigmoid(p[0] * X[i][0] + p[1] * X[i][1] + p[2] * X[i][2] + p[3]);
    for (let j = 0; j < 3; j++) g[j] += ((Y[i] - yp) * X[i][j]) / m; // (1/m)Σ(yᵢ − y′ᵢ)·xᵢ
    g[3] += (Y[i] - yp) / m; // (1/m)Σ(yᵢ − y′ᵢ)
  }
  return g;
}

describe("statedGradient(grad, sign)", () => {
  it("001 §4.2 as printed equals −1 × the surface's gradient on (w₁, b) and (w₂, w₃)", () => {
    for (const [pair, idx] of [[[0, 3], "w1b"], [[1, 2], "w2w3"]] as const) {
      const s = getSurface(`logistic-001-${idx}`);
      const stated = statedGradient(s.grad, -1);
      for (const w of [[0, 0], [-4, -4], [1.5, -2], [3, 0.7]]) {
        const p = [0, 0, 0, 0];
        p[pair[0]] = w[0];
        p[pair[1]] = w[1];
        const full = printed001(p);
        const g = stated(w);
        expect(g[0]).toBeCloseTo(full[pair[0]], 12);
        expect(g[1]).toBeCloseTo(full[pair[1]], 12);
      }
    }
  });

  it("000 §4.2 ∇MSE = (1/n)Σ2(yᵢ − ŷᵢ)∇ŷᵢ as printed equals −1 × the quadratic's gradient (MSE with n = 2, ŷ = (√a·w₀, √b·w₁), y = 0)", () => {
    const a = 1, b = 20;
    const s = quadratic(a, b);
    const printed = (w: number[]) => {
      const yhat = [Math.sqrt(a) * w[0], Math.sqrt(b) * w[1]];
      const dyhat = [[Math.sqrt(a), 0], [0, Math.sqrt(b)]]; // ∇_w ŷᵢ
      const g = [0, 0];
      for (let i = 0; i < 2; i++) for (let k = 0; k < 2; k++) g[k] += (2 * (0 - yhat[i]) * dyhat[i][k]) / 2;
      return g;
    };
    // the surface is that MSE: (1/2)Σ(0 − ŷᵢ)² = ½(a·w₀² + b·w₁²)
    expect(s.f([-3.5, 1.5])).toBeCloseTo(((-3.5) ** 2 + 20 * 1.5 ** 2) / 2, 12);
    for (const w of [[-3.5, 1.5], [2, -1], [0.3, 0.01]]) {
      const g = statedGradient(s.grad, -1)(w);
      const p = printed(w);
      expect(g[0]).toBeCloseTo(p[0], 12);
      expect(g[1]).toBeCloseTo(p[1], 12);
    }
  });

  it("sign 1 is the true gradient; any other sign is a clear error", () => {
    const s = quadratic();
    expect(statedGradient(s.grad, 1)([2, 1])).toEqual([2, 20]);
    expect(() => statedGradient(s.grad, 2 as unknown as -1)).toThrow(/sign must be 1 or -1, got 2/);
  });
});

describe("statedGradientStep: the first step by hand", () => {
  it("001 (w₁, b) at w₀ = (0, 0), α = 0.5: ∇L(w₀) = (−3/(4√5), −1/4), so w₁ = w₀ + α∇L = (−3/(8√5), −1/8)", () => {
    // standardised feature 1: (200, 220, 190, 210) → (−5, 15, −15, 5)/√125; σ(0) − y = (−½, −½, ½, −½)
    // ∂L/∂w₁ = ¼·(2.5 − 7.5 − 7.5 − 2.5)/(5√5) = −3/(4√5); ∂L/∂b = ¼·(−½ −½ + ½ − ½) = −¼
    const s = logistic001([0, 3]);
    const g = s.grad([0, 0]);
    expect(g[0]).toBeCloseTo(-3 / (4 * Math.sqrt(5)), 12);
    expect(g[1]).toBeCloseTo(-0.25, 12);
    const w1 = statedGradientStep(s.grad, -1, [0, 0], 0.5);
    expect(w1[0]).toBeCloseTo(-3 / (8 * Math.sqrt(5)), 12); // −0.16771
    expect(w1[1]).toBeCloseTo(-0.125, 12);
    // the loss goes up from log 2: L(w₁) > L(w₀), while correct GD goes down
    expect(s.f(w1)).toBeGreaterThan(Math.log(2));
    expect(s.f(statedGradientStep(s.grad, 1, [0, 0], 0.5))).toBeLessThan(Math.log(2));
  });

  it("000 on the quadratic at (−3.5, 1.5), α = 0.05: w₁ = w₀ + α(w₀, 20·w₁) = (−3.675, 3)", () => {
    const s = quadratic();
    const w1 = statedGradientStep(s.grad, -1, [-3.5, 1.5], 0.05);
    expect(w1[0]).toBeCloseTo(-3.675, 12);
    expect(w1[1]).toBeCloseTo(3, 12);
    expect(s.f(w1)).toBeCloseTo((3.675 ** 2 + 20 * 9) / 2, 12); // 96.753, up from 28.625
    expect(s.f([-3.5, 1.5])).toBeCloseTo(28.625, 12);
  });
});

describe("GD with the printed gradient climbs, correct GD descends", () => {
  for (const id of ["logistic-001-w1w2", "logistic-001-w1b", "logistic-001-w2w3"]) {
    it(`${id}: 50 steps from the surface's start at its α`, () => {
      const s = getSurface(id);
      const h = {...DEFAULT_HYPER, alpha: s.alpha};
      const up = runOptimizer(s.f, statedGradient(s.grad, -1), s.start, gdStep, h, 50);
      const down = runOptimizer(s.f, s.grad, s.start, gdStep, h, 50);
      expect(up.stopped).toBeNull();
      expect(down.stopped).toBeNull();
      // every printed step raises the loss, every correct step lowers it
      for (let k = 1; k <= 50; k++) {
        expect(up.losses[k]).toBeGreaterThan(up.losses[k - 1]);
        expect(down.losses[k]).toBeLessThan(down.losses[k - 1]);
      }
      expect(up.losses[50]).toBeGreaterThan(up.losses[0] + 0.1);
      // first step by hand: w₁ = w₀ + α∇L(w₀)
      const g0 = s.grad(s.start);
      expect(up.path[1][0]).toBeCloseTo(s.start[0] + s.alpha * g0[0], 12);
      expect(up.path[1][1]).toBeCloseTo(s.start[1] + s.alpha * g0[1], 12);
    });
  }
});

describe("statedGradientApplies(stated, surface)", () => {
  it("matches by loss kind: BCE on the 001 surfaces, MSE on the quadratic and 004", () => {
    const bce = SURFACE_IDS.filter((id) => statedGradientApplies({loss: "binaryCrossEntropy"}, getSurface(id)));
    const mse = SURFACE_IDS.filter((id) => statedGradientApplies({loss: "mse"}, getSurface(id)));
    expect(bce).toEqual(["logistic-001-w1w2", "logistic-001-w1w3", "logistic-001-w2w3", "logistic-001-w1b"]);
    expect(mse).toEqual(["quadratic", "linear-theta-004", "linear-theta-b-004"]);
  });
  it("an explicit surface list wins", () => {
    expect(statedGradientApplies({loss: "mse", surfaces: ["rosenbrock"]}, getSurface("rosenbrock"))).toBe(true);
    expect(statedGradientApplies({loss: "mse", surfaces: ["rosenbrock"]}, getSurface("quadratic"))).toBe(false);
  });
});
