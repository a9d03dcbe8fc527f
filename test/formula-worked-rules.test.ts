/**
 * Rules found on documents written after the engine (a held-out set, scored with `npm run corpus -- --dir=…`),
 * each on a small document of its own: the rounding a worked step carries, a step value given again for another
 * method, statements about distributions, functions whose arguments parse as a tuple, a derivative part that
 * cannot be evaluated beside numbers that can, names applied to arguments the chapter never defines.
 */
import {describe, expect, test} from "vitest";
import {analyzeChapter} from "../components/formula/analyze.js";
import {extractMathBlocks} from "../components/formula/extract.js";

async function statusOf(body: string, at: string) {
  const blocks = extractMathBlocks(`# T\n\n## 4. Math\n\n${body}\n`, "t.md");
  const reports = await analyzeChapter(blocks, {seed: 1});
  const i = blocks.findIndex((b) => b.latex.includes(at));
  expect(i, at).toBeGreaterThanOrEqual(0);
  return {status: reports[i].status, reason: reports[i].reason ?? ""};
}

describe("worked examples", () => {
  test("a step from rounded intermediates keeps their rounding: (0.5 − 0.378 − 0.269)/3 ≈ −0.0488 (exact −0.049) holds, −0.0588 does not", async () => {
    // h = σ(0, 0.5, 1) ≈ (0.5, 0.622, 0.731); the author summed unrounded values: −0.04884.
    const ok = await statusOf("$$\n\\frac{1}{3} (0.5 - 0.378 - 0.269) \\approx -0.0488\n$$", "0.0488");
    expect(ok.status).toBe("verified");
    const bad = await statusOf("$$\n\\frac{1}{3} (0.5 - 0.378 - 0.269) \\approx -0.0588\n$$", "0.0588");
    expect(bad.status).toBe("flagged");
  });

  test("a hyper-parameter the text sets is exact: 0.016 / (1 − 0.999) = 1.6 is flagged (it is 16)", async () => {
    const r = await statusOf("Take $\\beta_2 = 0.999$.\n\n$$\n\\hat{v}_1 = \\frac{0.016}{1 - 0.999} = 1.6\n$$", "1.6");
    expect(r.status).toBe("flagged");
  });

  test("θ_1 given again with other numbers (another method's first step) is a new example, not a claim about the first", async () => {
    const body = "$$\n\\theta_1 = 1 - 0.1 \\cdot 1 = 0.9\n$$\n\nThe other method:\n\n$$\n\\theta_1 = 1 - \\frac{0.1}{4} (0.9 \\times (-4) + \\frac{0.1 \\times (-4)}{0.1}) = 1.19\n$$";
    expect((await statusOf(body, "1.19")).status).toBe("verified");
    const wrong = body.replace("= 1.19", "= 1.29");
    expect((await statusOf(wrong, "1.29")).status).toBe("flagged");
  });
});

describe("what seeded values cannot check", () => {
  test("E[y] = Var[y] = λ states a property of a distribution: no verdict", async () => {
    const r = await statusOf("$$\n\\mathbb{E}[y] = \\operatorname{Var}[y] = \\lambda\n$$", "Var");
    expect(r.status).toBe("not-executable");
    expect(r.reason).toMatch(/distribution/);
  });

  test("an undefined name applied to an argument is a function, not a seeded number times it", async () => {
    const body = "$$\nL(w) = \\frac{1}{n} \\sum_{i=1}^{n} \\text{Huber}(y_i - w x_i)\n$$\n\n$$\n\\frac{\\partial L}{\\partial w} = -\\frac{1}{n} \\sum_{i=1}^{n} \\psi_\\delta(r_i) x_i\n$$";
    expect((await statusOf(body, "psi")).status).not.toBe("flagged");
  });

  test("∂s_3/∂z_3 = 0.452 × (1 − 0.452) ≈ 0.248: the numbers are compared even when the derivative cannot be", async () => {
    expect((await statusOf("$$\n\\frac{\\partial s_3}{\\partial z_3} = 0.452 \\times (1 - 0.452) \\approx 0.248\n$$", "0.248")).status).toBe("verified");
    expect((await statusOf("$$\n\\frac{\\partial s_3}{\\partial z_3} = 0.452 \\times (1 - 0.452) \\approx 0.348\n$$", "0.348")).status).toBe("flagged");
  });
});

describe("definitions", () => {
  test("ℓ_CE(p, y) = −[y log p + (1−y) log(1−p)] with p = σ(z): ∂ℓ_CE/∂z = σ(z) − y verified, y − σ(z) flagged", async () => {
    const body = "$$\n\\ell_{\\mathrm{CE}}(p, y) = -\\left[ y \\log p + (1 - y) \\log (1 - p) \\right]\n$$\n\nWith $p = \\sigma(z)$:\n\n$$\n\\frac{\\partial \\ell_{\\mathrm{CE}}}{\\partial z} = \\sigma(z) - y\n$$";
    expect((await statusOf(body, "= \\sigma(z) - y")).status).toBe("verified");
    expect((await statusOf(body.replace("= \\sigma(z) - y", "= y - \\sigma(z)"), "= y - \\sigma(z)")).status).toBe("flagged");
  });

  test("∂_w ‖y − Xw‖² = 2Xᵀ(Xw − y) = 0: the closing = 0 is the optimum's condition; a wrong factor is flagged", async () => {
    expect((await statusOf("$$\n\\partial_{\\mathbf{w}} \\|\\mathbf{y} - \\mathbf{X}\\mathbf{w}\\|^2 = 2 \\mathbf{X}^\\top (\\mathbf{X} \\mathbf{w} - \\mathbf{y}) = 0\n$$", "partial")).status).toBe("verified");
    expect((await statusOf("$$\n\\partial_{\\mathbf{w}} \\|\\mathbf{y} - \\mathbf{X}\\mathbf{w}\\|^2 = \\mathbf{X}^\\top (\\mathbf{X} \\mathbf{w} - \\mathbf{y}) = 0\n$$", "partial")).status).toBe("flagged");
  });
});
