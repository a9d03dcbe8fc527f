import {describe, expect, test} from "vitest";
import {declaredShapes, dimensionMismatch} from "../components/formula/dimensions.js";
import {parseFormula} from "../components/formula/parse.js";

const decl = (...latex: string[]) => declaredShapes(latex.map((l, i) => ({formula: parseFormula(l), line: i + 1})));
const mismatch = (latex: string, d: ReturnType<typeof decl>) => dimensionMismatch(parseFormula(latex), latex, d)?.message;

describe("sizes the text declares", () => {
  test("matrices, vectors (columns) and lists of names; a name declared two ways is dropped", () => {
    const d = decl("X \\in \\mathbb{R}^{n \\times d}", "\\mathbf{q}, \\mathbf{k} \\in \\mathbb{R}^{d_k}", "W_1 \\in \\mathbb{R}^{2\\times 2}", "b \\in \\mathbb{R}^{k}", "b \\in \\mathbb{R}^{m}");
    expect(Object.fromEntries([...d].map(([k, v]) => [k, v.shape]))).toEqual({X: ["n", "d"], q: ["d_k", "1"], k: ["d_k", "1"], W_1: ["2", "2"]});
  });
  test("a product whose inner sizes differ is named; conforming ones are not", () => {
    const d = decl("X \\in \\mathbb{R}^{n \\times d}", "\\mathbf{w} \\in \\mathbb{R}^{d}", "\\mathbf{y} \\in \\mathbb{R}^{n}");
    expect(mismatch("\\mathbf{m} = \\mathbf{y} \\odot (X^\\top \\mathbf{w} + b)", d)).toMatch(/^X\^\\top \(d×n\) times (\\mathbf\{)?w\}? \(d×1\): the inner sizes n and d differ$/);
    expect(mismatch("\\nabla_{\\mathbf{w}} L = \\frac{2}{n} X^\\top (X\\mathbf{w} - \\mathbf{y})", d)).toBeUndefined();
    expect(mismatch("\\hat{\\mathbf{w}} = (X^{\\mathsf T} X)^{-1} X^{\\mathsf T} \\mathbf{y}", d)).toBeUndefined();
    // a letter beside a number may be the same size: not judged
    expect(mismatch("Z = X V", decl("X \\in \\mathbb{R}^{n \\times d}", "V \\in \\mathbb{R}^{3 \\times 2}"))).toBeUndefined();
  });
  test("a derivative has the shape of its variable: ∂L/∂W stated transposed is named", () => {
    const d = decl("W \\in \\mathbb{R}^{k \\times d}", "\\mathbf{x} \\in \\mathbb{R}^{d}", "\\boldsymbol{\\delta} \\in \\mathbb{R}^{k}");
    expect(mismatch("\\frac{\\partial L}{\\partial W} = \\mathbf{x} \\, \\boldsymbol{\\delta}^\\top", d)).toBe("\\frac{\\partial L}{\\partial W} is k×d but \\mathbf{x} \\, \\boldsymbol{\\delta}^\\top is d×k");
    expect(mismatch("\\frac{\\partial L}{\\partial W} = \\boldsymbol{\\delta} \\mathbf{x}^\\top", d)).toBeUndefined();
  });
  test("the Hessian ∇²_θ is d×d; diag(λ) of an unknown size fits its neighbours", () => {
    const d = decl("X \\in \\mathbb{R}^{m \\times n}", "\\theta \\in \\mathbb{R}^{n}");
    expect(mismatch("\\nabla^2_\\theta \\ell = X \\operatorname{diag}(\\lambda) X^T", d)).toBe("\\nabla^2_\\theta \\ell is n×n but X \\operatorname{diag}(\\lambda) X^T is m×m");
    expect(mismatch("\\nabla^2_\\theta \\ell = X^T \\operatorname{diag}(\\lambda) X", d)).toBeUndefined();
  });
  test("an undeclared vector takes its size from the products the chapter writes (w^T x_i, X w)", () => {
    const d = decl("\\mathbf{x}_i \\in \\mathbb{R}^{d}", "X \\in \\mathbb{R}^{n \\times d}", "f(\\mathbf{x}_i) = \\mathbf{w}^\\top \\mathbf{x}_i + b");
    expect(d.get("w")?.shape).toEqual(["d", "1"]);
    expect(mismatch("\\mathbf{s} = X^\\top \\mathbf{w}", d)).toContain("the inner sizes n and d differ");
    expect(mismatch("\\mathbf{s} = X \\mathbf{w}", d)).toBeUndefined();
  });
  test("the reading most formulas agree on wins over a wrong one: λw − (1/n) Σ_i y_i x_i and w^T x_i against X^T w", () => {
    const latex = ["\\mathbf{x}_i \\in \\mathbb{R}^d", "X \\in \\mathbb{R}^{n \\times d}", "J = \\sum_{i=1}^{n} \\max(0, 1 - y_i (\\mathbf{w}^\\top \\mathbf{x}_i + b))",
      "\\mathbf{m} = \\mathbf{y} \\odot (X^\\top \\mathbf{w} + b)", "\\nabla_{\\mathbf{w}} J = \\lambda \\mathbf{w} - \\frac{1}{n} \\sum_{i=1}^{n} y_i \\mathbf{x}_i"];
    const d = decl(...latex);
    expect(d.get("w")?.shape).toEqual(["d", "1"]);
    expect(mismatch(latex[3], d)).toContain("the inner sizes n and d differ");
    // two readings, one each: unknown, no verdict
    expect(decl(...latex.slice(0, 4)).get("w")).toBeUndefined();
  });
});
