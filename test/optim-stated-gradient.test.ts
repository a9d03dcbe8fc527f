/**
 * The gradient as a chapter prints it (stated = sign × true). 000 §4.2 prints ∇MSE = (1/n)Σ 2(yᵢ − ŷᵢ)∇ŷᵢ, the true
 * gradient times −1: gradient descent with it climbs the loss. (001's printed ∂L/∂W, on the logistic loss read from its
 * own table, is checked in playground-spec-seeds.test.ts.)
 */
import {describe, expect, it} from "vitest";
import {gdStep} from "../components/math/optimizers/gd.js";
import {runOptimizer} from "../components/math/optimizers/run.js";
import {statedGradient, statedGradientApplies, statedGradientStep} from "../components/math/optimizers/statedGradient.js";
import {DEFAULT_HYPER} from "../components/math/optimizers/types.js";
import {quadratic} from "../components/math/surfaces/quadratic.js";
import {getSurface, SURFACE_IDS} from "../components/math/surfaces/registry.js";

describe("statedGradient(grad, sign)", () => {
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
  it("000's quadratic: 30 steps from (−3.5, 1.5) at α = 0.05", () => {
    const s = quadratic();
    const h = {...DEFAULT_HYPER, alpha: 0.05};
    const up = runOptimizer(s.f, statedGradient(s.grad, -1), [-3.5, 1.5], gdStep, h, 30, {maxLoss: 1e12});
    const down = runOptimizer(s.f, s.grad, [-3.5, 1.5], gdStep, h, 30);
    for (let k = 1; k < up.losses.length; k++) expect(up.losses[k]).toBeGreaterThan(up.losses[k - 1]);
    expect(down.losses[30]).toBeLessThan(down.losses[0]);
  });
});

describe("statedGradientApplies(stated, surface)", () => {
  it("matches by loss kind: MSE on the quadratic; no built-in surface is a cross-entropy", () => {
    const bce = SURFACE_IDS.filter((id) => statedGradientApplies({loss: "binaryCrossEntropy"}, getSurface(id)));
    const mse = SURFACE_IDS.filter((id) => statedGradientApplies({loss: "mse"}, getSurface(id)));
    expect(bce).toEqual([]);
    expect(mse).toEqual(["quadratic"]);
  });
  it("an explicit surface list wins", () => {
    expect(statedGradientApplies({loss: "mse", surfaces: ["rosenbrock"]}, getSurface("rosenbrock"))).toBe(true);
    expect(statedGradientApplies({loss: "mse", surfaces: ["rosenbrock"]}, getSurface("quadratic"))).toBe(false);
  });
});
