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

describe("matrices and data", () => {
  test("(XᵀX)⁻¹ is the matrix inverse: (1/6)[[14, −6], [−6, 3]] for X = [[1,1],[1,2],[1,3]] verified, a wrong entry flagged", async () => {
    // XᵀX = [[3, 6], [6, 14]], det 6: the inverse by hand.
    const X = "$$\n\\mathbf{X} = \\begin{bmatrix} 1 & 1 \\\\ 1 & 2 \\\\ 1 & 3 \\end{bmatrix}\n$$\n\n";
    expect((await statusOf(`${X}$$\n\\left(\\mathbf{X}^\\top\\mathbf{X}\\right)^{-1} = \\frac{1}{6}\\begin{bmatrix} 14 & -6 \\\\ -6 & 3 \\end{bmatrix}\n$$`, "^{-1}")).status).toBe("verified");
    expect((await statusOf(`${X}$$\n\\left(\\mathbf{X}^\\top\\mathbf{X}\\right)^{-1} = \\frac{1}{6}\\begin{bmatrix} 14 & 6 \\\\ -6 & 3 \\end{bmatrix}\n$$`, "^{-1}")).status).toBe("flagged");
  });

  test("x_i are the rows of X: the sum form and the matrix form of one gradient agree; a sign slip is flagged", async () => {
    const body = "$$\nL(\\mathbf{w}) = \\frac{1}{2n}\\left\\|\\mathbf{y} - \\mathbf{X}\\mathbf{w}\\right\\|^2\n$$\n\n$$\nL(\\mathbf{w}) = \\frac{1}{2n}\\sum_{i=1}^{n}\\left(y_i - \\mathbf{x}_i^\\top\\mathbf{w}\\right)^2\n$$\n\n";
    expect((await statusOf(`${body}$$\n\\nabla_{\\mathbf{w}} L = \\frac{1}{n}\\mathbf{X}^\\top\\left(\\mathbf{X}\\mathbf{w} - \\mathbf{y}\\right)\n$$`, "nabla")).status).toBe("verified");
    expect((await statusOf(`${body}$$\n\\nabla_{\\mathbf{w}} L = \\frac{1}{n}\\mathbf{X}^\\top\\left(\\mathbf{y} - \\mathbf{X}\\mathbf{w}\\right)\n$$`, "nabla")).status).toBe("flagged");
  });

  test("the push-through identity with I_p and I_n holds; without the transpose on the right it does not", async () => {
    expect((await statusOf("$$\n(\\mathbf{X}^T\\mathbf{X} + \\lambda\\mathbf{I}_p)^{-1}\\mathbf{X}^T = \\mathbf{X}^T(\\mathbf{X}\\mathbf{X}^T + \\lambda\\mathbf{I}_n)^{-1}\n$$", "lambda")).status).toBe("verified");
    expect((await statusOf("$$\n(\\mathbf{X}^T\\mathbf{X} + \\lambda\\mathbf{I}_p)^{-1}\\mathbf{X}^T = \\mathbf{X}(\\mathbf{X}\\mathbf{X}^T + \\lambda\\mathbf{I}_n)^{-1}\n$$", "lambda")).status).toBe("flagged");
  });

  test("L(w*) = (1/6)(…) is a value at a point: L(0) is still computed from the definition", async () => {
    const body = "$$\nL(\\mathbf{w}) = \\frac{1}{2n}\\left\\|\\mathbf{y} - \\mathbf{X}\\mathbf{w}\\right\\|^2\n$$\n\nWith $\\mathbf{X} = \\begin{bmatrix} 1 & 1 \\\\ 1 & 2 \\\\ 1 & 3 \\end{bmatrix}$ and $\\mathbf{y} = (1, 2, 2)$:\n\n$$\nL(\\mathbf{w}^*) = \\frac{1}{6}\\left(0.1667^2 + 0.3333^2 + 0.1667^2\\right) \\approx 0.0278\n$$\n\n";
    expect((await statusOf(`${body}$$\nL(\\mathbf{0}) = \\frac{1}{2 \\cdot 3}\\left(1^2 + 2^2 + 2^2\\right) = 1.5\n$$`, "= 1.5")).status).not.toBe("flagged");
  });

  test("a derivative the text states on a region ($D < m$) of a piecewise loss is not judged on seeded inputs", async () => {
    const body = "$$\n\\mathcal{L}(D) = y\\,D^2 + (1 - y)\\max(0, m - D)^2\n$$\n\nFor a dissimilar pair inside the margin ($D < m$) the derivative is\n\n$$\n\\frac{\\partial \\mathcal{L}}{\\partial D} = -2(1 - y)(m - D)\n$$";
    const r = await statusOf(body, "-2(1 - y)");
    expect(r.status).toBe("not-executable");
    expect(r.reason).toMatch(/region/);
  });
});

describe("update rules and models", () => {
  test("b_2 := b_2 + ηδ after ∂L/∂b_2 = δ climbs the loss (flagged); b_2 := b_2 − ηδ does not", async () => {
    const body = (op: string) => `对输出偏置，由于 $\\partial L / \\partial b_2 = \\delta$，更新为\n\n$$\nb_2 := b_2 ${op} \\eta\\,\\delta\n$$`;
    const up = await statusOf(body("+"), "b_2 :=");
    expect(up.status).toBe("flagged");
    expect(up.reason).toMatch(/climbs/);
    expect((await statusOf(body("-"), "b_2 :=")).status).not.toBe("flagged");
    expect((await statusOf(`For gradient ascent on the reward, ${body("+")}`, "b_2 :=")).status).not.toBe("flagged");
  });

  test("a bias correction 1 − β₁^{t−1} is not finite at t = 1 (flagged); 1 − β₁^t is", async () => {
    const r = await statusOf("$$\n\\hat{m}_t = \\frac{m_t}{1 - \\beta_1^{t-1}}\n$$", "hat{m}");
    expect(r.status).toBe("flagged");
    expect(r.reason).toMatch(/t = 1/);
    expect((await statusOf("$$\n\\hat{m}_t = \\frac{m_t}{1 - \\beta_1^{t}}\n$$", "hat{m}")).status).toBe("executable");
  });

  test("y = wᵀx + b + ε (a noise model) and later y = Σ_i x_i w_i + b are two models, not a wrong restatement", async () => {
    const body = "$$\ny = \\mathbf{w}^\\top \\mathbf{x} + b + \\epsilon\n$$\n\nA neuron computes $y = \\sum_i x_i w_i + b$.";
    expect((await statusOf(body, "sum_i x_i w_i")).status).not.toBe("flagged");
  });
});

describe("what the text says a matrix is", () => {
  test("for an orthogonal matrix U, ‖c − a‖ = ‖Uc − Ua‖ holds; said of no orthogonal matrix it is not an identity", async () => {
    const f = "$$\n\\|\\mathbf{c} - \\mathbf{a}\\|_2 = \\|\\mathbf{U} \\mathbf{c} - \\mathbf{U} \\mathbf{a}\\|_2\n$$";
    expect((await statusOf(`For an orthogonal matrix $\\mathbf{U}$ and vectors $\\mathbf{c}$, $\\mathbf{a}$:\n\n${f}`, "|_2 =")).status).toBe("verified");
    expect((await statusOf(`For a matrix $\\mathbf{U}$ and vectors $\\mathbf{c}$, $\\mathbf{a}$:\n\n${f}`, "|_2 =")).status).toBe("flagged");
  });
});

describe("regions", () => {
  test("the range of a constant ($0 < \\beta < 1$) before a wrong derivative does not excuse it", async () => {
    const body = "$$\nf(x) = \\beta x^2\n$$\n\nWith $0 < \\beta < 1$:\n\n$$\n\\frac{\\mathrm{d} f}{\\mathrm{d} x} = \\beta x\n$$";
    expect((await statusOf(body, "\\mathrm{d} x} = \\beta x")).status).toBe("flagged");
  });
});
