/**
 * What documents written after the reader needed (a held-out set: its first run found 4 of 12 surfaces and
 * judged 5 of 12 claims wrongly): claims that state their own setting, tables headed in math, any letter as a
 * worked example's function, and a look-ahead gradient of a function the parser does not know.
 */
import {describe, expect, it} from "vitest";
import {findClaims, pinnedSettings} from "../components/playground/claims.js";
import {compileRecurrence} from "../components/formula/recurrence.js";
import {readTables} from "../src/playground/data.js";
import {chapterObjectives, readObjective} from "../src/playground/objectives.js";
import type {Definition} from "../src/playground/defs.js";
import {parseFormula} from "../components/formula/parse.js";

describe("claims that state their own setting", () => {
  it("reads the learning rate, steps and momentum a claim names", () => {
    expect(pinnedSettings("另外，学习率 η = 0.1 时梯度下降会发散")).toEqual({alpha: 0.1});
    expect(pinnedSettings("gradient descent with learning rate 0.3 diverges on this bowl")).toEqual({alpha: 0.3});
    expect(pinnedSettings("学习率 0.2 时，AdaGrad 在 100 步内就能收敛到最小值")).toEqual({alpha: 0.2, steps: 100});
    expect(pinnedSettings("with momentum 0.5 the path overshoots")).toEqual({gamma: 0.5});
    expect(pinnedSettings("momentum reaches the minimum sooner than GD")).toBeUndefined();
  });
  it("findClaims carries them", () => {
    const [c] = findClaims(["结论一：学习率同为 0.05 时，Adam 比梯度下降更快收敛。"]);
    expect(c).toMatchObject({kind: "faster", subjects: ["adam"], than: "gd", pinned: {alpha: 0.05}});
  });
});

describe("tables and functions", () => {
  it("a column headed $t_i$ names t", () => {
    const t = readTables(["| $t_i$ | $s_i$ |", "| --- | --- |", "| −1 | −2.8 |", "| 0 | 0.1 |"]);
    expect(t[0]).toMatchObject({names: ["t_i", "s_i"], values: [[-1, 0], [-2.8, 0.1]]});
  });
  it("q(x, y), r(u, v), s(x, y) are functions a worked example can name", () => {
    for (const [name, latex] of [["q", "q(x, y) = x^2 + xy + 2y^2"], ["r", "r(u, v) = (u - 2)^2 + 5v^2"], ["s", "s(x, y) = x^2 + 3y^2"]]) {
      const line = parseFormula(latex).lines[0];
      const args = name === "r" ? ["u", "v"] : ["x", "y"];
      const def = {name, args, lhsLatex: `${name}(${args.join(", ")})`, body: line.rest[0].node, latex, line: 1, display: false, section: 0, prose: ""} as unknown as Definition;
      const o = readObjective(def, [def]);
      expect(o?.kind, name).toBe("function");
      expect(o?.params, name).toEqual(args);
      expect(chapterObjectives([def]).length).toBe(1);
    }
  });
});

describe("look-ahead gradients", () => {
  it("v_{t+1} = μ v_t − η ∇q(x_t + μ v_t) is Nesterov's look-ahead, whatever the function's letter", () => {
    const rec = compileRecurrence("\\begin{aligned} \\mathbf{v}_{t+1} &= \\mu \\mathbf{v}_t - \\eta \\nabla q(\\mathbf{x}_t + \\mu \\mathbf{v}_t) \\\\ \\mathbf{x}_{t+1} &= \\mathbf{x}_t + \\mathbf{v}_{t+1} \\end{aligned}");
    expect(rec.lookahead).toBeTruthy();
    // one step by hand on f(x) = x²/2 (∇f = x), x₀ = 1, v₀ = 0, μ = 0.9, η = 0.1: v₁ = −0.1·1, x₁ = 0.9
    let state = rec.init([1]);
    state = rec.stepWith(state, (w: number[]) => w, 1, {mu: 0.9, alpha: 0.1, eta: 0.1, gamma: 0.9});
    expect(rec.weights(state)[0]).toBeCloseTo(0.9, 12);
  });
});
