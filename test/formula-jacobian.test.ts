/**
 * Derivatives with two free indices (the softmax Jacobian ∂p_i/∂z_j), Kronecker's δ_ij, conditions the text puts on
 * the indices (i ≠ j, i = j), and ∂L/∂z_j through a definition written in another index letter (p_i = e^{z_i}/Σ_k e^{z_k}).
 * The references are the central-difference Jacobian of the chapter's own definition; the expected entries below are
 * the closed forms p_i(δ_ij − p_j), worked by hand for z = (0, ln 2) (p = (1/3, 2/3)).
 */
import {describe, expect, test} from "vitest";
import {analyzeChapter} from "../components/formula/analyze.js";
import {evaluate} from "../components/formula/evaluate.js";
import {extractMathBlocks} from "../components/formula/extract.js";
import {parseExpression} from "../components/formula/parse.js";

const softmax = `# Softmax

## Math

The softmax of scores $z_1, \\dots, z_K$ is

$$
p_i = \\frac{e^{z_i}}{\\sum_{k=1}^{K} e^{z_k}}
$$
`;

async function statuses(body: string) {
  const text = `${softmax}\n${body}\n`;
  const blocks = extractMathBlocks(text, "t.md");
  const reports = await analyzeChapter(blocks, {seed: 1});
  return blocks.map((b, i) => ({latex: b.latex.trim(), status: reports[i].status, reason: reports[i].reason ?? ""})).filter((x) => x.latex.startsWith("\\frac"));
}

describe("Kronecker's delta", () => {
  test("δ_ij is 1 on the diagonal and 0 elsewhere when i and j are bound indices", () => {
    const n = parseExpression("p_i (\\delta_{ij} - p_j)");
    const p = [1 / 3, 2 / 3];
    const at = (i: number, j: number) => evaluate(n, {p}, {idx: {i, j}}) as number;
    expect(at(1, 1)).toBeCloseTo((1 / 3) * (2 / 3), 12);
    expect(at(1, 2)).toBeCloseTo(-(1 / 3) * (2 / 3), 12);
    expect(at(2, 2)).toBeCloseTo((2 / 3) * (1 / 3), 12);
  });
  test("a δ the text gives a value of its own is that value", () => {
    expect(evaluate(parseExpression("\\delta_{ij}"), {"\\delta": [[5, 6], [7, 8]]}, {idx: {i: 2, j: 1}})).toBe(7);
  });
});

describe("the softmax Jacobian", () => {
  test("p_i(δ_ij − p_j) is verified, a swapped form and a missing minus are flagged", async () => {
    const r = await statuses(`$$
\\frac{\\partial p_i}{\\partial z_j} = p_i (\\delta_{ij} - p_j)
$$

$$
\\frac{\\partial p_i}{\\partial z_j} = p_j (\\delta_{ij} - p_i) + p_i
$$

$$
\\frac{\\partial p_i}{\\partial z_j} = p_i (p_j - \\delta_{ij})
$$`);
    expect(r.map((x) => x.status)).toEqual(["verified", "flagged", "flagged"]);
    expect(r[0].reason).toMatch(/numerical gradient of the chapter's definition/);
  });

  test("a condition on the indices restricts the comparison: off-diagonal −p_i p_j holds for i ≠ j only", async () => {
    const r = await statuses(`Off-diagonal, $i \\neq j$:

$$
\\frac{\\partial p_i}{\\partial z_j} = -p_i p_j
$$

On the diagonal, for $i = j$:

$$
\\frac{\\partial p_i}{\\partial z_j} = p_i - p_i^2
$$

$$
\\frac{\\partial p_i}{\\partial z_j} = -p_i p_j, \\quad i \\neq j
$$

$$
\\frac{\\partial p_i}{\\partial z_j} = p_i p_j \\quad (i \\neq j)
$$

Without a condition the off-diagonal form is wrong on the diagonal:

$$
\\frac{\\partial p_i}{\\partial z_j} = -p_i p_j
$$`);
    expect(r.map((x) => x.status)).toEqual(["verified", "verified", "verified", "flagged", "flagged"]);
  });

  test("∂L/∂z_j = p_j − y_j through p_i (another index letter) with one-hot labels is verified; the sign-swapped y_j − p_j is flagged", async () => {
    const r = await statuses(`Cross-entropy with one-hot $y$: $L = -\\sum_k y_k \\log p_k$, and

$$
\\frac{\\partial L}{\\partial z_j} = p_j - y_j
$$

$$
\\frac{\\partial L}{\\partial z_j} = y_j - p_j
$$`);
    expect(r.map((x) => x.status)).toEqual(["verified", "flagged"]);
  });
});
