/**
 * Rules found on formula-j (a held-out set): the pieces of a cases formula reached whatever the seeded steps, a
 * schedule's first step judged at its inputs' magnitudes, components counted from 0 when the chapter differentiates
 * by w_0 and w_1, functions named with a subscript (μ_*(x)), and a function restated without its argument.
 * Each on a small document in letters of its own.
 */
import {describe, expect, test} from "vitest";
import {analyzeChapter} from "../components/formula/analyze.js";
import {extractMathBlocks} from "../components/formula/extract.js";

async function statusOf(body: string, at: string) {
  const blocks = extractMathBlocks(`# T\n\n## 4. Math\n\n${body}\n`, "t.md");
  const reports = await analyzeChapter(blocks, {seed: 1});
  const i = blocks.findIndex((b) => b.display && b.latex.includes(at));
  expect(i, at).toBeGreaterThanOrEqual(0);
  return {status: reports[i].status, reason: reports[i].reason ?? ""};
}

describe("pieces and steps", () => {
  // ("the pieces meet at $s = K$": a condition of the sentence, which the engine reads as s = K, the boundary)
  const lead = "Take $c = 256$ and $K = 900$.\n\n$$\nq(s) = c^{-0.5} \\min\\left(s^{-0.5},\\ s K^{-1.5}\\right)\n$$\n\nThe pieces meet at $s = K$.\n\nIn piecewise form:\n\n";
  test("a piecewise restatement is compared in every piece: the second piece's wrong power (s^{-1.5} for s^{-0.5}) is flagged", async () => {
    const good = `${lead}$$\nq(s) = \\begin{cases} c^{-0.5} s K^{-1.5}, & s \\le K \\\\ c^{-0.5} s^{-0.5}, & s > K \\end{cases}\n$$`;
    expect((await statusOf(good, "cases")).status).toBe("verified");
    const bad = good.replace("c^{-0.5} s^{-0.5}, & s > K", "c^{-0.5} s^{-1.5}, & s > K");
    const r = await statusOf(bad, "cases");
    expect(r.status).toBe("flagged");
    expect(r.reason).toMatch(/at s = \d/);
  });

  test("an identity true only for positive inputs is compared at the seeded inputs' magnitudes: a^{-1/2} min(s^{-1/2}, s K^{-3/2}) = (aK)^{-1/2} min(s/K, √(K/s))", async () => {
    const id = "$$\na^{-0.5} \\min\\left(s^{-0.5}, s K^{-1.5}\\right) = (a K)^{-1/2} \\min\\left(\\frac{s}{K}, \\sqrt{\\frac{K}{s}}\\right)\n$$";
    expect((await statusOf(id, "min")).status).toBe("verified");
    expect((await statusOf(id.replace("\\sqrt{\\frac{K}{s}}", "\\frac{K}{s}"), "min")).status).toBe("flagged");
  });

  test("a schedule of the step is not 'not finite at t = 1' because a seeded width is negative", async () => {
    const r = await statusOf("$$\n\\eta(t) = d^{-0.5} \\min\\left(t^{-0.5}, t W^{-1.5}\\right)\n$$", "eta");
    expect(r.status).not.toBe("flagged");
    // (a real division by zero at the first step still is)
    const zero = await statusOf("$$\n\\hat{u}_t = \\frac{u_t}{1 - \\rho^{t - 1}}\n$$", "hat");
    expect(zero.status).toBe("flagged");
  });
});

describe("names", () => {
  test("∂ℓ/∂v_0 and ∂ℓ/∂v_1 count v's entries from 0: with v = (0.3, -0.2), x_i = (1, u_i), the worked ∂ℓ/∂v_1 is checked against the second entry", async () => {
    // ℓ(v) = Σ_i (v_0 + v_1 u_i − r_i)² / 2 at u = (1, 2), r = (0, 1): residuals (0.1, -1.1); ∂/∂v_0 = -1.0, ∂/∂v_1 = 0.1 - 2.2 = -2.1
    const body = "Let $u = (1, 2)$, $r = (0, 1)$ and $v = (0.3, -0.2)$.\n\n$$\n\\ell(v) = \\frac{1}{2} \\sum_{i=1}^{2} \\left(v_0 + v_1 u_i - r_i\\right)^2\n$$\n\n" +
      "$$\n\\frac{\\partial \\ell}{\\partial v_0} = 0.1 - 1.1 = -1.0\n$$\n\n$$\n\\frac{\\partial \\ell}{\\partial v_1} = 0.1 \\times 1 - 1.1 \\times 2 = -2.1\n$$";
    expect((await statusOf(body, "v_1} = 0.1")).status).toBe("verified");
    expect((await statusOf(body.replace("= -2.1", "= -1.0"), "v_1} = 0.1")).status).toBe("flagged");
  });

  test("a function named with a subscript, f_*(x) = a^T ψ(x), is called at f_*(3); ψ written again without its argument stays the function", async () => {
    // a = (0.5, -0.25), ψ(x) = (1, x): f_*(3) = 0.5 − 0.75 = −0.25
    const body = "The basis $\\psi(x) = (1, x)^{\\top}$.\n\n$$\nf_*(x) = \\mathbf{a}^{\\top}\\psi(x)\n$$\n\nFor $\\psi = (1, x)^{\\top}$:\n\n" +
      "$$\n\\mathbf{a} = \\begin{pmatrix} 0.5 \\\\ -0.25 \\end{pmatrix}\n$$\n\n$$\nf_*(3) = 0.5 - 3 \\times 0.25 = -0.25\n$$";
    expect((await statusOf(body, "f_*(3)")).status).toBe("verified");
    const wrong = body.replace("f_*(3) = 0.5 - 3 \\times 0.25 = -0.25", "f_*(3) = -0.5");
    expect(wrong).toContain("f_*(3) = -0.5");
    expect((await statusOf(wrong, "f_*(3)")).status).toBe("flagged");
  });
});

describe("notation", () => {
  test("\\log_2 and \\log_{10} are logarithms in that base: log₂ 8 = 3 holds, log₂ z = ln z · ln 2 is flagged", async () => {
    expect((await statusOf("$$\n\\log_2 8 = 3, \\quad \\log_{10} 1000 = 3\n$$", "log_2 8")).status).toBe("verified");
    expect((await statusOf("$$\n\\log_2 u = \\frac{\\ln u}{\\ln 2}\n$$", "log_2 u")).status).toBe("verified");
    expect((await statusOf("$$\n\\log_2 u = \\ln u \\cdot \\ln 2\n$$", "log_2 u")).status).toBe("flagged");
  });
  test("a thousands separator ({,} or \\,) is part of the number: 5 · 5 · 32 + 32 · 256 = 8{,}992 holds, 8{,}929 is flagged", async () => {
    expect((await statusOf("$$\n5 \\cdot 5 \\cdot 32 + 32 \\cdot 256 = 8{,}992\n$$", "8{,}992")).status).toBe("verified");
    expect((await statusOf("$$\n5 \\cdot 5 \\cdot 32 + 32 \\cdot 256 = 8{,}929\n$$", "8{,}929")).status).toBe("flagged");
    expect((await statusOf("$$\n1000 \\times 1000 = 1\\,000\\,000\n$$", "1\\,000")).status).toBe("verified");
  });
  test("a label before the formula (\\text{Step 2: }) is not a name in it", async () => {
    expect((await statusOf("$$\n\\text{Step 2: } u = 0.4 + 0.5 \\times 1.2 = 1.0\n$$", "Step 2")).status).toBe("verified");
    expect((await statusOf("$$\n\\text{Step 2: } u = 0.4 + 0.5 \\times 1.2 = 1.1\n$$", "Step 2")).status).toBe("flagged");
  });
});

describe("units and reused letters", () => {
  test("a unit after a number (\\text{ms}) is not a factor; two units in one formula (nat = bit) are a conversion, not compared", async () => {
    expect((await statusOf("$$\nT = 4 \\times 2.5 = 10\\ \\text{ms}\n$$", "text{ms}")).status).toBe("verified");
    expect((await statusOf("$$\nT = 4 \\times 2.5 = 12\\ \\text{ms}\n$$", "text{ms}")).status).toBe("flagged");
    expect((await statusOf("$$\nh = \\ln 2 = 0.6931\\ \\text{nat} = 1\\ \\text{bit}\n$$", "bit")).status).not.toBe("flagged");
  });
  test("a letter reused with a named subscript (p_{\\text{out}}) is another quantity: o defined twice is two definitions", async () => {
    const body = "$$\no = \\frac{n + 2p - k}{s} + 1\n$$\n\nFor the transposed layer:\n\n$$\no = (n - 1) s - 2p + k + p_{\\text{out}}\n$$";
    expect((await statusOf(body, "p_{\\text{out}}")).status).not.toBe("flagged");
  });
});

describe("tables of two indices", () => {
  test("a_{pq} inside Σ_p Σ_q is a matrix: J = Σ_p Σ_q a_{pq}(u_p − c_q)² runs, ∂J/∂c_q = −2 Σ_p a_{pq}(u_p − c_q) holds and −Σ_p … is flagged", async () => {
    const def = "$$\nJ = \\sum_{p=1}^{P} \\sum_{q=1}^{Q} a_{pq} (u_p - c_q)^2\n$$\n\n";
    const J = await statusOf(def, "J =");
    expect(J.status).toBe("executable");
    expect((await statusOf(`${def}$$\n\\frac{\\partial J}{\\partial c_q} = -2 \\sum_{p=1}^{P} a_{pq} (u_p - c_q)\n$$`, "partial")).status).toBe("verified");
    expect((await statusOf(`${def}$$\n\\frac{\\partial J}{\\partial c_q} = -\\sum_{p=1}^{P} a_{pq} (u_p - c_q)\n$$`, "partial")).status).toBe("flagged");
  });
});

describe("derivatives written with primes", () => {
  test("h''(u) of the chapter's h(u) = ln(1 + e^{2u}) is its second derivative: 4σ(2u)(1 − σ(2u)) holds, 4σ(2u)(1 + σ(2u)) is flagged", async () => {
    const def = "$$\nh(u) = \\ln\\left(1 + e^{2u}\\right)\n$$\n\n";
    expect((await statusOf(`${def}$$\nh''(u) = 4 \\sigma(2u)(1 - \\sigma(2u))\n$$`, "h''")).status).toBe("verified");
    expect((await statusOf(`${def}$$\nh''(u) = 4 \\sigma(2u)(1 + \\sigma(2u))\n$$`, "h''")).status).toBe("flagged");
  });
  test("beside Φ, the chapter's own φ (written \\varphi) is the function its φ' differentiates: φ'(s) = −s φ(s) holds, s φ(s) is flagged", async () => {
    const def = "$$\n\\varphi(s) = \\frac{1}{\\sqrt{2\\pi}} e^{-s^2/2}\n$$\n\nand $\\Phi(s)$ is its distribution function.\n\n";
    expect((await statusOf(`${def}$$\n\\varphi'(s) = -s\\,\\varphi(s)\n$$`, "varphi'")).status).toBe("verified");
    expect((await statusOf(`${def}$$\n\\varphi'(s) = s\\,\\varphi(s)\n$$`, "varphi'")).status).toBe("flagged");
  });
});

describe("primes as superscripts", () => {
  test("b^{(2)\\prime}, the updated value, is a name: b^{(2)\\prime} = 0.05 − 0.1 × (−1.063) = 0.1563 holds, = −0.05630 is flagged", async () => {
    expect((await statusOf("$$\nb^{(2)\\prime} = 0.05 - 0.1 \\times (-1.063) = 0.1563\n$$", "prime")).status).toBe("verified");
    expect((await statusOf("$$\nb^{(2)\\prime} = 0.05 - 0.1 \\times (-1.063) = -0.05630\n$$", "prime")).status).toBe("flagged");
  });
  test("f^{\\prime\\prime}(x) is f''(x)", async () => {
    const def = "$$\nf(x) = x^3\n$$\n\n";
    expect((await statusOf(`${def}$$\nf^{\\prime\\prime}(x) = 6x\n$$`, "prime")).status).toBe("verified");
    expect((await statusOf(`${def}$$\nf^{\\prime\\prime}(x) = 3x\n$$`, "prime")).status).toBe("flagged");
  });
});
