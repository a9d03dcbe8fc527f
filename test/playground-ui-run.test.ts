/** runOptimizers(surface, hyper, rules): printed rules beside their references, identical paths merged. */
import {afterEach, describe, expect, it} from "vitest";
import {setLanguage} from "../components/i18n/index.js";
import {DEFAULT_HYPER} from "../components/math/optimizers/types.js";
import {quadratic} from "../components/math/surfaces/quadratic.js";
import {compileRule, referencesFor, ruleHyper, runOptimizers, samePath} from "../components/playground/runOptimizers.js";
import type {RuleSpec} from "../components/playground/spec.js";

const q = quadratic(1, 20);
const H = {...DEFAULT_HYPER, alpha: 0.04, steps: 50};
const rule = (r: Partial<RuleSpec> & Pick<RuleSpec, "line" | "latex">): RuleSpec => ({name: "other", label: `rule ${r.line}`, symbols: {}, drawn: true, ...r});

describe("runOptimizers(surface, hyper, rules)", () => {
  it("with no printed rule draws GD, momentum and Adam from the start (w₁ after one GD step = 1.5·(1 − 20·0.04) = 0.3)", () => {
    const paths = runOptimizers(q, H);
    expect(paths.map((p) => p.id)).toEqual(["gd", "momentum", "adam"]);
    expect(paths[0].points).toHaveLength(51);
    expect(paths[0].points[0]).toEqual([-3.5, 1.5]);
    expect(paths[0].points[1][0]).toBeCloseTo(-3.5 * 0.96, 12);
    expect(paths[0].points[1][1]).toBeCloseTo(0.3, 12);
    expect(paths[0].losses[0]).toBeCloseTo(0.5 * (3.5 ** 2 + 20 * 1.5 ** 2), 12);
  });
  it("a printed GD rule equal to the reference is merged: one path, both names", () => {
    const paths = runOptimizers(q, H, [rule({line: 60, name: "gd", reference: "gd", label: "GD（原文第 60 行）", latex: "w_{t+1} = w_t - \\eta \\nabla_w J(w_t)", symbols: {"\\eta": "alpha"}})]);
    expect(paths.map((p) => p.id)).toEqual(["gd"]);
    expect(paths[0].names).toEqual(["GD（原文第 60 行）", "梯度下降 GD"]);
    expect(paths[0].label).toBe("GD（原文第 60 行） = 梯度下降 GD");
    expect(paths[0].lines).toEqual([60]);
    expect(paths[0].dash).toBeUndefined();
    expect(paths[0].differsFrom).toBeUndefined();
  });
  it("a printed rule that differs from its reference is drawn beside it, dashed, in the reference's colour", () => {
    // momentum printed with (1 − β) on the gradient: z ← βz + (1 − β)g, a different path from z ← γz + g
    const printed = rule({line: 70, name: "momentum", reference: "momentum", label: "动量（原文第 70 行）",
      latex: "v_{t+1} = \\beta v_t + (1 - \\beta) \\nabla_w J(w_t) \\\\ w_{t+1} = w_t - \\alpha v_{t+1}", symbols: {"\\beta": "gamma", "\\alpha": "alpha"}});
    const paths = runOptimizers(q, H, [printed]);
    expect(paths.map((p) => p.id)).toEqual(["momentum", "rule-70"]);
    const [ref, mine] = paths;
    expect(mine.color).toBe(ref.color);
    expect(mine.dash).toBe("6 4");
    // its label says that it differs, and from what; the reference keeps its own name
    expect(mine.differsFrom).toBe("momentum");
    expect(mine.label).toBe("动量（原文第 70 行）：与参考实现（动量 Momentum）的路径不同");
    expect(ref.label).toBe("动量 Momentum");
    // first step: v₁ = 0.1·g₀ = 0.1·(−3.5, 30), w₁ = w₀ − 0.04·v₁
    expect(mine.points[1][0]).toBeCloseTo(-3.5 + 0.04 * 0.35, 12);
    expect(mine.points[1][1]).toBeCloseTo(1.5 - 0.04 * 3, 12);
    // the reference's first step is GD's: w₀ − 0.04·g₀
    expect(ref.points[1][1]).toBeCloseTo(1.5 - 0.04 * 30, 12);
  });
  it("a rule the engine cannot compile, or marked not drawn, adds no path", () => {
    const paths = runOptimizers(q, H, [rule({line: 1, latex: "w = \\frac{1}{", reference: "gd", name: "gd"}), rule({line: 2, latex: "w_{t+1} = w_t - \\alpha \\nabla J(w_t)", drawn: false})]);
    expect(compileRule("w = \\frac{1}{")).toBeInstanceOf(Error);
    expect(paths.map((p) => p.id)).toEqual(["gd"]);
  });
  it("the start from the sliders replaces the surface's when it has the right length", () => {
    expect(runOptimizers(q, {...H, start: [1, 1]})[0].points[0]).toEqual([1, 1]);
    expect(runOptimizers(q, {...H, start: [1]})[0].points[0]).toEqual([-3.5, 1.5]);
  });
  it("a divergent α stops every path with a reason instead of drawing to infinity", () => {
    const paths = runOptimizers(q, {...H, alpha: 0.2});
    expect(paths[0].stopped?.reason).toMatch(/发散/);
    expect(paths[0].points.length).toBeLessThan(51);
  });
});

describe("helpers", () => {
  it("ruleHyper maps printed symbols to slider values; referencesFor follows the drawn rules", () => {
    const rec = compileRule("w_{t+1} = w_t - \\eta \\nabla_w J(w_t)");
    if (rec instanceof Error) throw rec;
    expect(rec.hyper).toEqual(["alpha"]);
    expect(ruleHyper({symbols: {"\\beta": "gamma"}}, {hyper: ["beta"]}, DEFAULT_HYPER).beta).toBe(0.9);
    expect(referencesFor([rule({line: 1, latex: "", reference: "adamw", name: "adamw"}), rule({line: 2, latex: "", reference: "gd", name: "gd"})])).toEqual(["gd", "adamw"]);
  });
  it("samePath compares within 1e-12 (relative above 1)", () => {
    const a = {path: [[1, 2], [3, 4]], losses: [0, 0], stopped: null};
    expect(samePath(a, {...a, path: [[1, 2], [3, 4 + 1e-13]]})).toBe(true);
    expect(samePath(a, {...a, path: [[1, 2], [3, 4 + 1e-9]]})).toBe(false);
    expect(samePath(a, {...a, path: [[1, 2]]})).toBe(false);
  });
});

describe("in an English book", () => {
  afterEach(() => setLanguage("zh-CN"));
  it("names and stop reasons are English", () => {
    setLanguage("en");
    const paths = runOptimizers(q, {...H, alpha: 0.2});
    expect(paths.map((p) => p.label)).toEqual(["Gradient descent", "Momentum", "Adam"]);
    expect(paths[0].stopped?.reason).toMatch(/^at step \d+ the loss [\d.e+]+ passed [\d.e+]+ \(diverged: learning rate too large\?\)$/);
  });
});
