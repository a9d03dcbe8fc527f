/** Indicators, factorials and the builtins erf, Φ, diag, sign, softplus: parsed, evaluated (numbers and tf tensors). */
import * as tf from "@tensorflow/tfjs";
import {describe, expect, test} from "vitest";
import {analyzeChapter} from "../components/formula/analyze.js";
import type {Node} from "../components/formula/ast.js";
import {evaluate, evaluateWith} from "../components/formula/evaluate.js";
import {extractMathBlocks} from "../components/formula/extract.js";
import {differentiate} from "../components/formula/diff.js";
import {definedFunctions, parseExpression, parseFormula} from "../components/formula/parse.js";
import {toLatex} from "../components/formula/print.js";
import {erf, factorial, gamma, normalCdf} from "../components/formula/special.js";
import {tfOps} from "../components/formula/tfOps.js";
import type {Value} from "../components/formula/values.js";

await tf.setBackend("cpu");

const ev = (latex: string, vars: Record<string, Value> = {}) => evaluate(parseExpression(latex), vars);
const onTensors = (node: Node, vars: Record<string, Value>) =>
  tf.tidy(() => evaluateWith(node, {ops: tfOps, vars: Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, tfOps.lift(v)]))}).arraySync());

describe("indicators: 1 where the relation holds, else 0", () => {
  test.each([
    [String.raw`\mathbb{1}[m < 1]`, {m: [0.5, 1, 2]}, [1, 0, 0]],
    [String.raw`\mathbb{1}\{y = k\}`, {y: [1, 2, 3], k: 2}, [0, 1, 0]],
    [String.raw`\mathbf{1}(z > 0)`, {z: [-1, 0, 3]}, [0, 0, 1]],
    [String.raw`\mathbb{I}[z \ge 0]`, {z: [-1, 0, 3]}, [0, 1, 1]],
    [String.raw`\mathbb{1}_{z \neq 0}`, {z: [-1, 0, 3]}, [1, 0, 1]]
  ])("%s", (latex, vars, expected) => {
    expect(ev(latex, vars as Record<string, Value>)).toEqual(expected);
  });

  test("the hinge subgradient: Σ_i 1[m_i < 1] y_i over four samples", () => {
    // m = (0.5, 2, -1, 1): samples 1 and 3 are inside the margin, so the sum is y_1 + y_3:
    // with y = (1, 1, -1, 1) that is 1 − 1 = 0, with y = (1, -1, 1, 1) it is 1 + 1 = 2
    const latex = String.raw`\sum_{i=1}^{n} \mathbb{1}[m_i < 1]\, y_i`;
    expect(ev(latex, {m: [0.5, 2, -1, 1], y: [1, 1, -1, 1], n: 4})).toBe(0);
    expect(ev(latex, {m: [0.5, 2, -1, 1], y: [1, -1, 1, 1], n: 4})).toBe(2);
  });

  test("\\mathbf{1} without a relation after it is not an indicator (the vector of ones stays a symbol)", () => {
    expect(parseExpression(String.raw`\mathbf{1}\mathbf{b}^\top`)).toMatchObject({type: "mul", left: {type: "num", value: 1}});
    expect(toLatex(parseExpression(String.raw`\mathbb{1}[m_i < 1]`))).toBe(String.raw`\mathbb{1}[m_i < 1]`);
  });
});

describe("factorial", () => {
  test("y!, (n+1)!, 0!, non-integers through Γ(x + 1), bounded for huge n", () => {
    expect(ev("y!", {y: [0, 1, 5]})).toEqual([1, 1, 120]);
    expect(ev("(n+1)!", {n: 3})).toBe(24);
    expect(ev("0.5!")).toBeCloseTo(Math.sqrt(Math.PI) / 2, 12); // Γ(1.5) = √π/2
    expect(ev("100000!")).toBe(Infinity);
    expect(ev("(-2)!")).toBeNaN();
    expect(gamma(5)).toBeCloseTo(24, 10);
    expect(factorial(170)).toBeCloseTo(7.257415615307994e306, -292);
  });

  test("the Poisson pmf P(y | λ) = λ^y e^{-λ} / y! at y = 2, λ = 3", () => {
    const f = parseFormula(String.raw`P(y \mid \lambda) = \frac{\lambda^{y} e^{-\lambda}}{y!}`).lines[0];
    expect(evaluate(f.rest[0].node, {y: 2, "\\lambda": 3})).toBeCloseTo((9 * Math.exp(-3)) / 2, 14); // 0.224041807…
    expect(toLatex(parseExpression("(n+1)!"))).toBe("(n + 1)!");
  });

  test("\\ln y^{(i)}! is the log of the factorial of the i-th label", () => {
    expect(evaluate(parseExpression(String.raw`\sum_{i=1}^{m} \ln y^{(i)}!`), {y: [1, 3, 4], m: 3})).toBeCloseTo(Math.log(6) + Math.log(24), 12);
  });
});

describe("erf and Φ", () => {
  test("erf to 1e-12 against tabulated values; \\operatorname{erf}, \\mathrm{erf} and erf are the builtin", () => {
    const table: [number, number][] = [[0.1, 0.1124629160182849], [0.5, 0.5204998778130465], [1, 0.8427007929497149], [2, 0.9953222650189527], [3.5, 0.9999992569016276], [-1, -0.8427007929497149]];
    for (const [x, v] of table) expect(Math.abs(erf(x) - v)).toBeLessThan(1e-12);
    expect(ev(String.raw`\operatorname{erf}(x)`, {x: 0.5})).toBeCloseTo(0.5204998778130465, 12);
    expect(ev(String.raw`\mathrm{erf}\left(x\right)`, {x: [1, -1]})).toEqual([erf(1), erf(-1)]);
    expect(ev(String.raw`erf(x)`, {x: 2})).toBeCloseTo(0.9953222650189527, 12);
  });

  test("Φ(x) is the standard normal CDF unless the chapter defines Φ", () => {
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 12);
    expect(ev(String.raw`\Phi(0)`)).toBe(0.5);
    expect(ev(String.raw`\Phi(x)`, {x: -1})).toBeCloseTo(0.15865525393145707, 12);
    // GELU(1) = 1 · Φ(1) = 0.841344746…
    expect(evaluate(parseFormula(String.raw`\mathrm{GELU}(x) = x \Phi(x)`).lines[0].rest[0].node, {x: 1})).toBeCloseTo(0.8413447460685429, 12);
    const own = parseFormula(String.raw`\Phi(x) = 2x`);
    expect(definedFunctions(own)).toEqual(["\\Phi"]);
    expect(parseFormula(String.raw`y = \Phi(3)`, {functions: new Set(["\\Phi"])}).lines[0].rest[0].node).toMatchObject({type: "call", fn: "\\Phi", builtin: false});
  });

  test("a chapter that defines Φ uses its own Φ", async () => {
    const md = ["$$", String.raw`\Phi(x) = 2x + 1`, "$$", "", "$$", String.raw`\Phi(3) = 7`, "$$"].join("\n");
    const reports = await analyzeChapter(extractMathBlocks(md, "phi.md"), {seed: 1});
    expect(reports[1].status).toBe("verified");
  });
});

describe("diag, sign, softplus, ln of vectors", () => {
  test("diag(v) is the diagonal matrix, diag(M) the diagonal", () => {
    expect(ev(String.raw`\operatorname{diag}(v)`, {v: [1, 2, 3]})).toEqual([[1, 0, 0], [0, 2, 0], [0, 0, 3]]);
    expect(ev(String.raw`\mathrm{diag}(M)`, {M: [[1, 2], [3, 4]]})).toEqual([1, 4]);
    // the softmax Jacobian diag(s) − s sᵀ is not what s^T s (a number) gives: with s = (0.5, 0.5), diag(s) − 0.5 entrywise
    expect(ev(String.raw`\operatorname{diag}(s) - s^T s`, {s: [0.5, 0.5]})).toEqual([[0, -0.5], [-0.5, 0]]);
  });

  test("sign and sgn, softplus (stable for large |x|), ln and log entrywise", () => {
    expect(ev(String.raw`\operatorname{sign}(x) + \mathrm{sgn}(x)`, {x: [-3, 0, 2]})).toEqual([-2, 0, 2]);
    const sp = ev(String.raw`\mathrm{softplus}(x)`, {x: [0, 2, -800, 800]}) as number[];
    expect(sp[0]).toBeCloseTo(Math.LN2, 14);
    expect(sp[1]).toBeCloseTo(2.1269280110429727, 14);
    expect(sp[2]).toBeCloseTo(0, 300);
    expect(sp[3]).toBe(800);
    expect(ev(String.raw`\ln v + \log(v)`, {v: [1, Math.E]})).toEqual([0, 2]);
  });

  test("a chapter's own softplus is its definition, not the builtin", () => {
    const f = parseFormula(String.raw`\mathrm{softplus}(z) = \ln(1 + e^{z})`);
    expect(definedFunctions(f)).toEqual(["softplus"]);
    expect(parseExpression(String.raw`\mathrm{softplus}(2)`)).toMatchObject({builtin: true, fn: "softplus"});
    const own = parseFormula(String.raw`y = \mathrm{softplus}(2)`, {functions: new Set(["softplus"])});
    expect(own.lines[0].rest[0].node).toMatchObject({type: "call", fn: "softplus", builtin: false});
  });
});

describe("the same builtins on tf tensors", () => {
  test("values agree with the plain-number evaluation (float32)", () => {
    const cases: [string, Record<string, Value>][] = [
      [String.raw`\operatorname{erf}(x) + \Phi(x)`, {x: [-1, 0.5, 2]}],
      [String.raw`\operatorname{diag}(v)`, {v: [1, 2]}],
      [String.raw`\mathrm{diag}(M)`, {M: [[1, 2], [3, 4]]}],
      [String.raw`\mathrm{softplus}(x) + \lfloor x \rfloor + \lceil x \rceil`, {x: [-1.5, 0.25, 2]}],
      [String.raw`\mathbb{1}[x < 1] + x!`, {x: [0, 1, 3]}],
      [String.raw`\mathbb{1}\{x = y\}`, {x: [1, 2], y: [1, 3]}]
    ];
    for (const [latex, vars] of cases) {
      const js = evaluate(parseExpression(latex), vars);
      const t = onTensors(parseExpression(latex), vars) as Value;
      const flat = (v: Value): number[] => (typeof v === "number" ? [v] : (v as (number | number[])[]).flat());
      flat(t).forEach((x, i) => expect(x).toBeCloseTo(flat(js)[i], 5));
    }
  });

  test("gradients: d erf/dx = 2/√π e^{-x²}, d softplus/dx = σ(x), diag passes the diagonal's gradient, the indicator none", () => {
    const g = (latex: string, x: number[]) =>
      tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(evaluateWith(parseExpression(latex), {ops: tfOps, vars: {x: t}})))(tf.tensor(x)).arraySync() as number[]);
    expect(g(String.raw`\operatorname{erf}(x)`, [0, 1])[1]).toBeCloseTo((2 / Math.sqrt(Math.PI)) * Math.exp(-1), 5);
    expect(g(String.raw`\mathrm{softplus}(x)`, [0, 2])).toEqual([expect.closeTo(0.5, 6), expect.closeTo(1 / (1 + Math.exp(-2)), 6)]);
    expect(g(String.raw`\operatorname{diag}(x)`, [3, 4])).toEqual([1, 1]);
    expect(g(String.raw`x \mathbb{1}[x > 0]`, [-2, 3])).toEqual([0, 1]);
  });
});

describe("symbolic derivatives of the new builtins", () => {
  const d = (latex: string, x: number) => evaluate(differentiate(parseExpression(latex), (s) => s.name === "x" && !s.sub), {x}) as number;

  test("erf, Φ and softplus by the chain rule; floor and indicators are 0; cases and n! say they are not differentiable", () => {
    expect(d(String.raw`\operatorname{erf}(2x)`, 0.3)).toBeCloseTo((4 / Math.sqrt(Math.PI)) * Math.exp(-0.36), 12);
    expect(d(String.raw`\Phi(x)`, 1)).toBeCloseTo(Math.exp(-0.5) / Math.sqrt(2 * Math.PI), 12);
    expect(d(String.raw`\mathrm{softplus}(3x)`, 0.5)).toBeCloseTo(3 / (1 + Math.exp(-1.5)), 12);
    expect(d(String.raw`\lfloor x \rfloor + \mathbb{1}[x > 0]`, 0.5)).toBe(0);
    expect(() => differentiate(parseExpression(String.raw`\begin{cases} x & x > 0 \\ 0 & \text{otherwise} \end{cases}`), () => true)).toThrow(/not differentiable symbolically/);
    expect(() => differentiate(parseExpression("x!"), () => true)).toThrow(/not differentiable symbolically/);
  });
});
