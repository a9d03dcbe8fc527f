/** A derivative evaluated at a point: \Big|_{(w,b)=(1,0)}, \left. … \right|_{w=1}, \big|_{x=2}, a bare \Big|_{(1,0)}. */
import {describe, expect, test} from "vitest";
import {analyzeChapter} from "../components/formula/analyze.js";
import type {Node} from "../components/formula/ast.js";
import {evaluate, type Def} from "../components/formula/evaluate.js";
import {extractMathBlocks} from "../components/formula/extract.js";
import {parseExpression, parseFormula} from "../components/formula/parse.js";
import {toLatex} from "../components/formula/print.js";

const lhs = (latex: string): Node => parseFormula(latex).lines[0].first;

// L(w, b) = (2w + b − 1)²: ∂L/∂w = 4(2w + b − 1), ∂L/∂b = 2(2w + b − 1); at (1, 0): 4 and 2
const L: Def = {params: ["w", "b"], body: parseExpression(String.raw`(2 w + b - 1)^2`)};
const at = (latex: string, vars: Record<string, number> = {}, defs: Record<string, Def> = {L}) =>
  evaluate(lhs(latex), vars, {defs, numericGradients: true}) as number;

describe("the node", () => {
  test("\\Big|_{(w,b)=(1,0)}: names and values on the derivative", () => {
    const g = lhs(String.raw`\frac{\partial L}{\partial w}\Big|_{(w,b)=(1,0)} = 4`);
    expect(g).toMatchObject({type: "grad", wrt: {name: "w"}, of: {name: "L"}, at: {type: "tuple", items: [{value: 1}, {value: 0}]}, atNames: [{name: "w"}, {name: "b"}]});
  });

  test("\\left. … \\right|_{w=1}, \\big|_{x=2} on df/dx (read as the derivative), a bare point", () => {
    expect(lhs(String.raw`\left.\frac{\partial L}{\partial w}\right|_{w=1} = 4`)).toMatchObject({type: "grad", at: {value: 1}, atNames: [{name: "w"}]});
    expect(lhs(String.raw`\frac{df}{dx}\big|_{x=2} = 12`)).toMatchObject({type: "grad", wrt: {name: "x"}, of: {name: "f"}, at: {value: 2}});
    expect(lhs(String.raw`\frac{\partial L}{\partial b}\Big|_{(1,0)} = 2`)).toMatchObject({type: "grad", at: {type: "tuple"}});
    expect(lhs(String.raw`\frac{\partial L}{\partial b}\Big|_{(1,0)} = 2`)).not.toHaveProperty("atNames");
  });

  test("prints as \\left. … \\right|_{…}", () => {
    expect(toLatex(lhs(String.raw`\frac{\partial L}{\partial w}\Big|_{(w,b)=(1,0)} = 4`))).toBe(String.raw`\left.\frac{\partial L}{\partial w}\right|_{(w, b)=(1, 0)}`);
  });

  test("an expression at a named point is the expression there; without names only a derivative can be; |x|_… is still an absolute value's business", () => {
    expect(toLatex(lhs(String.raw`x^2\Big|_{x=3} = 9`))).toBe("(3)^{2}");
    expect(() => parseFormula(String.raw`x^2\Big|_{3} = 9`)).toThrow(/only a derivative, or an expression at named values, can be evaluated at a point/);
    expect(() => parseFormula(String.raw`\frac{\partial L}{\partial w}\Big|_{(w,b)=(1)} = 1`)).toThrow(/a point for 2 names needs 2 values/);
  });
});

describe("evaluation binds the point", () => {
  test("named: (w, b) = (1, 0), w = 1, b = 0", () => {
    expect(at(String.raw`\frac{\partial L}{\partial w}\Big|_{(w,b)=(1,0)} = 4`, {w: 5, b: 5})).toBeCloseTo(4, 6);
    expect(at(String.raw`\frac{\partial L}{\partial b}\Big|_{w=1, b=0} = 2`, {w: 5, b: 5})).toBeCloseTo(2, 6);
    // only w named: b keeps its value (b = 3): 4(2 + 3 − 1) = 16
    expect(at(String.raw`\left.\frac{\partial L}{\partial w}\right|_{w=1} = 16`, {w: 5, b: 3})).toBeCloseTo(16, 6);
  });

  test("a bare tuple binds the differentiated function's parameters in order; one bare value binds the variable", () => {
    expect(at(String.raw`\frac{\partial L}{\partial b}\Big|_{(1,0)} = 2`, {w: 7, b: 7})).toBeCloseTo(2, 6);
    const f: Def = {body: parseExpression("x^3")};
    expect(at(String.raw`\frac{df}{dx}\big|_{x=2} = 12`, {x: 9}, {f})).toBeCloseTo(12, 5);
    expect(at(String.raw`\frac{df}{dx}\Big|_{2} = 12`, {x: 9}, {f})).toBeCloseTo(12, 5);
    expect(() => at(String.raw`\frac{df}{dx}\Big|_{(1,2)} = 12`, {x: 9}, {f})).toThrow(/a point without names needs the differentiated function's parameters/);
  });

  test("a coefficient in front: 2 ∂L/∂w |_{(1,0)} = 8", () => {
    expect(at(String.raw`2\frac{\partial L}{\partial w}\Big|_{(1,0)} = 8`, {w: 0, b: 0})).toBeCloseTo(8, 6);
  });
});

describe("through analyzeChapter: a worked example at the text's point", () => {
  test("right values are verified, a wrong one flagged", async () => {
    const md = [
      "$$", String.raw`L(w, b) = (2 w + b - 1)^2`, "$$", "",
      "$$", String.raw`\frac{\partial L}{\partial w}\Big|_{(1,0)} = 4`, "$$", "",
      "$$", String.raw`\frac{\partial L}{\partial b}\Big|_{(w,b)=(1,0)} = 3`, "$$", "",
      "$$", String.raw`\left.\frac{\partial L}{\partial b}\right|_{w=1, b=0} = 2`, "$$", "",
      "$$", String.raw`f(x) = x^3`, "$$", "",
      "$$", String.raw`\frac{df}{dx}\big|_{x=2} = 13`, "$$"
    ].join("\n");
    const reports = await analyzeChapter(extractMathBlocks(md, "point.md"), {seed: 1});
    expect(reports.map((r) => r.status)).toEqual(["executable", "verified", "flagged", "verified", "executable", "flagged"]);
    expect(reports[2].reason).toMatch(/evaluates to 2 but part 2 to 3/);
    expect(reports[5].reason).toMatch(/evaluates to 12\b/);
  });
});
