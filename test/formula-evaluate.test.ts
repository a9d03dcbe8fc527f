import {describe, expect, test} from "vitest";
import {FormulaError} from "../components/formula/ast.js";
import {evaluate} from "../components/formula/evaluate.js";
import {parseExpression, parseFormula} from "../components/formula/parse.js";
import {attention} from "../components/math/attention.js";
import {binaryCrossEntropy} from "../components/math/binaryCrossEntropy.js";
import {mse} from "../components/math/mse.js";

const rhs = (latex: string) => parseFormula(latex).lines[0].rest[0].node;

describe("evaluate(node, bindings)", () => {
  test("MSE as printed = hand value and mse()", () => {
    const y = [1, 2, 3], yHat = [0, 4, 3];
    const v = evaluate(rhs(String.raw`MSE = \frac{1}{n} \sum_{i=1}^{n} (y_i - \hat{y}_i)^2`), {y, "\\hat{y}": yHat, n: 3});
    expect(v).toBeCloseTo(5 / 3, 14);
    expect(v).toBeCloseTo(mse(y, yHat), 14);
  });
  test("BCE with the sum over both terms = binaryCrossEntropy()", () => {
    const y = [1, 0, 1], p = [0.9, 0.2, 0.6];
    const v = evaluate(parseExpression(String.raw`-\frac{1}{n} \sum_{i=1}^{n} \left(y_i \log(p_i) + (1 - y_i) \log(1 - p_i)\right)`), {y, p, n: 3});
    expect(v).toBeCloseTo(binaryCrossEntropy(y, p), 14);
  });
  test("attention as printed = attention()", () => {
    const Q = [[1, 0], [0, 1]], K = [[1, 2], [0, 1], [1, 1]], V = [[1, 0], [0, 1], [2, 2]];
    const v = evaluate(rhs(String.raw`\text{Attention}(Q, K, V) = \text{softmax}\left(\frac{QK^T}{\sqrt{d_k}}\right)V`), {Q, K, V, d_k: 2});
    const ref = attention(Q, K, V);
    (v as number[][]).forEach((row, i) => row.forEach((x, j) => expect(x).toBeCloseTo(ref[i][j], 14)));
  });
  test("vector·vector is a dot product, matrix·vector a matrix product, rows of x_i inside sums", () => {
    expect(evaluate(parseExpression(String.raw`\theta \cdot x`), {"\\theta": [1, 2], x: [3, 4]})).toBe(11);
    expect(evaluate(parseExpression(String.raw`W x + b`), {W: [[1, 2], [0, -1]], x: [3, 4], b: [1, 1]})).toEqual([12, -3]);
    expect(evaluate(parseExpression(String.raw`\sum_{i=1}^{2} (\theta \cdot x_i)`), {"\\theta": [1, 1], x: [[1, 2], [3, 4]]})).toBe(10);
    expect(evaluate(parseExpression(String.raw`\sum_{i} y_i`), {y: [1, 2, 3.5]})).toBe(6.5);
  });
  test("subscripted names: \\beta_1, d_k, W_{new}; powers and sqrt", () => {
    expect(evaluate(parseExpression(String.raw`\frac{m}{1 - \beta_1^t}`), {m: 0.1, "\\beta_1": 0.9, t: 2})).toBeCloseTo(0.1 / (1 - 0.81), 14);
    expect(evaluate(parseExpression(String.raw`\sqrt{d_k} + W_{new}`), {d_k: 16, W_new: 0, "W_{new}": 1})).toBe(5);
  });
  test("definitions expand: a link \\hat{y}_i = w \\cdot x_i and a function J(w)", () => {
    const defs = {"\\hat{y}": {index: "i", body: parseExpression(String.raw`w \cdot x_i`)}, J: {params: ["v"], body: parseExpression("v^2")}};
    expect(evaluate(parseExpression(String.raw`\sum_{i=1}^{2} \hat{y}_i`), {w: [1, 2], x: [[1, 1], [2, 0]]}, {defs})).toBe(5);
    expect(evaluate(parseExpression("J(3)"), {}, {defs})).toBe(9);
  });
  test("numeric gradients and the per-sample (unsummed) view", () => {
    const g = evaluate(parseExpression(String.raw`\nabla_w \sum_{i=1}^{2} (w \cdot x_i)^2`), {w: [1, 0], x: [[1, 2], [3, 1]]}, {numericGradients: true}) as number[];
    // d/dw Σ (w·x_i)^2 = Σ 2 (w·x_i) x_i = 2·1·[1,2] + 2·3·[3,1] = [20, 10]
    expect(g[0]).toBeCloseTo(20, 6);
    expect(g[1]).toBeCloseTo(10, 6);
    expect(evaluate(parseExpression(String.raw`\frac{1}{n}\sum_{i=1}^{n} y_i`), {y: [2, 4], n: 2}, {unsum: "i"})).toEqual([1, 2]);
  });
  test("norms, |x|, sign, \\max(x, 0) entrywise; x_{ij} as an entry of X; a defined f written f(x) is a call", () => {
    expect(evaluate(parseExpression(String.raw`\|w\|^2`), {w: [3, 4]})).toBe(25);
    expect(evaluate(parseExpression(String.raw`\|w\|`), {w: [3, 4]})).toBe(5);
    expect(evaluate(parseExpression(String.raw`\|w\|_1`), {w: [3, -4]})).toBe(7);
    expect(evaluate(parseExpression(String.raw`\mathrm{sign}(z) \max(|z| - 0.5, 0)`), {z: -2})).toBe(-1.5);
    expect(evaluate(parseExpression(String.raw`\max(x, 0)`), {x: [-1, 2]})).toEqual([0, 2]);
    expect(evaluate(parseExpression(String.raw`x_{ij}`), {X: [[1, 2], [3, 4]]}, {idx: {i: 2, j: 1}})).toBe(3);
    expect(evaluate(parseExpression(String.raw`\ell(w) + 1`), {w: 2}, {defs: {"\\ell": {params: ["w"], body: parseExpression("w^2")}}})).toBe(5);
    expect(evaluate(parseExpression(String.raw`3 \ell(w)`), {w: 2}, {defs: {"\\ell": {params: ["w"], body: parseExpression("w^2")}}})).toBe(12);
    // S_{0.5}(-2) with S_\lambda(z) = \mathrm{sign}(z) \max(|z| - \lambda, 0)
    const S = {index: "\\lambda", params: ["z"], body: parseExpression(String.raw`\mathrm{sign}(z) \max(|z| - \lambda, 0)`)};
    expect(evaluate(parseExpression(String.raw`S_{0.5}(-2)`), {}, {defs: {S}})).toBe(-1.5);
    // \eta_2 with \eta_t = \eta_0 / (1 + kt): \eta_0 is a given value, not the rule at t = 0
    expect(evaluate(parseExpression(String.raw`\eta_2`), {"\\eta_0": 0.1, k: 0.5}, {defs: {"\\eta": {index: "t", body: parseExpression(String.raw`\frac{\eta_0}{1 + k t}`)}}})).toBeCloseTo(0.05, 12);
    // a value applied like a function is a product; a sum bound without a value is the vector's length
    expect(evaluate(parseExpression("X(v)"), {X: [[1, 0], [0, 2]], v: [1, 1]})).toEqual([1, 2]);
    expect(evaluate(parseExpression(String.raw`\sum_{k=1}^{K} p_k`), {p: [0.2, 0.3, 0.5]})).toBeCloseTo(1, 12);
  });
  test("errors say what and where", () => {
    const latex = String.raw`a + E(\phi)`;
    try {
      evaluate(parseExpression(latex), {a: 1, "\\phi": 2}, {latex});
      throw new Error("should fail");
    } catch (e) {
      expect(e).toBeInstanceOf(FormulaError);
      expect((e as FormulaError).reason).toBe("unknown function E");
      expect((e as FormulaError).offset).toBe(4);
    }
    expect(() => evaluate(parseExpression("x + q"), {x: 1})).toThrow(/unknown symbol q/);
    expect(() => evaluate(parseExpression(String.raw`\theta \cdot x`), {"\\theta": [1, 2], x: [1, 2, 3]})).toThrow(/vectors of 2 and 3 entries/);
    expect(() => evaluate(parseExpression(String.raw`\sum_{i=1}^{5} y_i`), {y: [1, 2]})).toThrow(/index 3 is outside 1..2/);
  });
});
