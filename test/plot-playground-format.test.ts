/** The playground's pure helpers: number formats, substituted update rules, log ticks, label placement, sliders. */
import {describe, expect, it} from "vitest";
import {DEFAULT_HYPER} from "../components/math/optimizers/types.js";
import {avoidLabels} from "../components/plots/avoidLabels.js";
import {logTicks, wantsLogLoss} from "../components/plots/LossCurves.js";
import {project3d} from "../components/plots/Surface3D.js";
import {safeColor} from "../components/plots/plotFrame.js";
import {logTick, plainNumber, texNumber} from "../components/playground/format.js";
import {fromPosition, slidersFor, SLIDERS, toPosition} from "../components/playground/sliders.js";
import type {RuleSpec} from "../components/playground/spec.js";
import {substituteTex} from "../components/playground/substitute.js";
import {displayTex, updateRuleTex} from "../components/playground/UpdateRule.js";

describe("texNumber / plainNumber / logTick", () => {
  it("formats slider values for the substituted formulas", () => {
    expect(texNumber(0.01)).toBe("0.01");
    expect(texNumber(0.9)).toBe("0.9");
    expect(texNumber(1e-8)).toBe("10^{-8}");
    expect(texNumber(2.5e-5)).toBe("2.5 \\times 10^{-5}");
    expect(texNumber(0.0031623)).toBe("0.003162");
    expect(plainNumber(1e-8)).toBe("10⁻⁸");
    expect(plainNumber(2.5e-5)).toBe("2.5×10⁻⁵");
  });
  it("log ticks read 1e-10, never SI prefixes like 100p", () => {
    expect(logTick(1e-10)).toBe("1e-10");
    expect(logTick(1e-4)).toBe("1e-4");
    expect(logTick(0.01)).toBe("0.01");
    expect(logTick(100)).toBe("100");
    expect(logTick(1e5)).toBe("1e5");
    expect(logTicks(3e-11, 40, 20)).toEqual([1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10]);
    // at most 4 ticks: every third decade from 1e-10
    expect(logTicks(3e-11, 40, 4)).toEqual([1e-10, 1e-7, 1e-4, 1e-1]);
    expect(wantsLogLoss([{losses: [100, 0.5]}])).toBe(true);
    expect(wantsLogLoss([{losses: [10, 0.5]}])).toBe(false);
    expect(wantsLogLoss([{losses: [10, 0]}])).toBe(false);
  });
});

describe("substituteTex / updateRuleTex", () => {
  const h = {...DEFAULT_HYPER, alpha: 0.05};
  it("puts the sliders' numbers in place of the printed symbols", () => {
    expect(substituteTex("w_{t+1} = w_t - \\eta \\nabla_w J(w_t)", {"\\eta": "alpha"}, h, false)).toBe("w_{t+1} = w_t - {0.05} \\nabla_w J(w_t)");
    // \beta_1 and \beta_{1} both; \beta alone is a different symbol and stays when unmapped
    expect(substituteTex("m = \\beta_1 m + (1-\\beta_{1}) g + \\beta", {"\\beta_1": "beta_1"}, h, false)).toBe("m = {0.9} m + (1-{0.9}) g + \\beta");
    // a bare letter only where it stands alone (not the a in \alpha or in \nabla)
    expect(substituteTex("w - a \\alpha \\nabla", {a: "lambda"}, h, false)).toBe("w - {0.01} \\alpha \\nabla");
    expect(substituteTex("x - \\epsilon", {"\\epsilon": "epsilon"}, h)).toBe("x - {\\htmlClass{gb-pg-num gb-pg-k-epsilon}{10^{-8}}}");
    expect(substituteTex("x - \\epsilon", {"\\epsilon": "epsilon"}, h, true, true)).toBe("x - {\\htmlClass{gb-pg-num gb-pg-k-epsilon}{0}}");
  });
  it("shows each reference with the numbers; systems are stacked", () => {
    expect(updateRuleTex("gd", h, false)).toBe("w_{t+1} = w_t - {0.05}\\,\\nabla J(w_t)");
    expect(updateRuleTex("rmsprop", {...h, rho: 0.8}, false)).toContain("{0.8}\\,v_t + (1 - {0.8})");
    expect(updateRuleTex("adam", h, false)).toContain("\\sqrt{v_t / (1 - {0.999}^t)} + {10^{-8}}");
    expect(updateRuleTex("adamw", {...h, lambda: 0.1}, false)).toContain("{0.1}\\,w_{t-1}");
    expect(displayTex("a = 1 \\\\ b = 2")).toBe("\\begin{gathered}a = 1 \\\\ b = 2\\end{gathered}");
    const rule: RuleSpec = {line: 9, name: "gd", label: "GD", latex: "\\theta = \\theta - \\eta g", symbols: {"\\eta": "alpha"}, drawn: true};
    expect(updateRuleTex(rule, h, false)).toBe("\\theta = \\theta - {0.05} g");
  });
});

describe("avoidLabels(labels, {min, max, gap})", () => {
  it("pushes close labels apart by the gap, keeping their order and the bounds", () => {
    expect(avoidLabels([{y: 50}, {y: 52}, {y: 100}], {min: 0, max: 200, gap: 16})).toEqual([50, 66, 100]);
    expect(avoidLabels([{y: 195}, {y: 199}], {min: 0, max: 200, gap: 16})).toEqual([184, 200]);
    expect(avoidLabels([{y: -20}], {min: 10, max: 200, gap: 16})).toEqual([10]);
  });
});

describe("sliders", () => {
  const rule = (r: Partial<RuleSpec>): RuleSpec => ({line: 1, name: "other", label: "", latex: "", symbols: {}, drawn: true, ...r});
  it("only the sliders the drawn rules and their references read, plus steps", () => {
    expect(slidersFor([]).map((s) => s.key)).toEqual(["alpha", "gamma", "beta_1", "beta_2", "epsilon", "steps"]);
    expect(slidersFor([rule({name: "gd", reference: "gd"})]).map((s) => s.key)).toEqual(["alpha", "steps"]);
    expect(slidersFor([rule({name: "rmsprop", reference: "rmsprop"})]).map((s) => s.key)).toEqual(["alpha", "rho", "epsilon", "steps"]);
    expect(slidersFor([rule({name: "other", symbols: {"\\lambda": "lambda"}}), rule({name: "gd", reference: "gd"})]).map((s) => s.key)).toEqual(["alpha", "lambda", "steps"]);
  });
  it("log sliders map positions to powers of ten and clamp", () => {
    const alpha = SLIDERS.find((s) => s.key === "alpha")!;
    expect(fromPosition(alpha, -2)).toBe(0.01);
    expect(toPosition(alpha, 0.05)).toBeCloseTo(Math.log10(0.05), 12);
    expect(toPosition(alpha, 100)).toBe(0.5);
    expect(fromPosition(SLIDERS.find((s) => s.key === "steps")!, 12.6)).toBe(13);
  });
});

describe("plot helpers", () => {
  it("project3d: azimuth 0, elevation 90° looks straight down (v = depth axis), 0° from the side", () => {
    const top = project3d(0.5, 0.25, 1, 0, Math.PI / 2, 1);
    expect(top.u).toBeCloseTo(0.5, 12);
    expect(top.v).toBeCloseTo(0.25, 12);
    const side = project3d(0.5, 0.25, 1, 0, 0, 1);
    expect(side.v).toBeCloseTo(1, 12);
    expect(side.depth).toBeCloseTo(0.25, 12);
  });
  it("safeColor keeps colours and custom properties, drops anything that could break out of a style attribute", () => {
    expect(safeColor("var(--gb-pg-c3)")).toBe("var(--gb-pg-c3)");
    expect(safeColor("#e41a1c")).toBe("#e41a1c");
    expect(safeColor("red;background:url(x)")).toBe("currentColor");
    expect(safeColor('red"/><script>')).toBe("currentColor");
  });
});
