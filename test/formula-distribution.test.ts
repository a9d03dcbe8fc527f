/**
 * distributionOutcome: stated expectations and variances judged on seeded draws of the random symbols the text
 * declares (in formulas and in prose, Chinese and English), each correct statement verified and each wrong one
 * flagged on 10 seeds; statements it cannot model left undefined.
 */
import {describe, expect, it} from "vitest";
import {extractMathBlocks} from "../components/formula/extract.js";
import {parseFormula} from "../components/formula/parse.js";
import {distributionOutcome} from "../components/formula/distribution.js";
import type {MathBlock} from "../components/formula/types.js";

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/** The outcome of the display formula `latex` of the document (it must be one of its blocks). */
function judge(markdown: string, latex: string, seed: number) {
  const blocks = extractMathBlocks(markdown, "t.md");
  const block = blocks.find((b) => b.latex === latex);
  if (!block) throw new Error(`no block ${latex}`);
  return distributionOutcome(parseFormula(block.latex), block, blocks, seed);
}

function statuses(markdown: string, latex: string): (string | undefined)[] {
  return SEEDS.map((s) => judge(markdown, latex, s)?.status);
}

const all = (status: string | undefined) => SEEDS.map(() => status);

const DROPOUT_ZH = `# 丢弃法

## 数学模型

训练时，$m_i$ 是独立的伯努利变量，保留概率 $1-p$。丢弃后的激活为

$$\\tilde{h}_i = \\frac{m_i h_i}{1-p}$$

因此期望不变：

$$\\mathbb{E}[\\tilde{h}_i] = h_i$$

有人写成

$$\\mathbb{E}[\\tilde{h}_i] = (1-p) h_i$$

方差为

$$\\operatorname{Var}[\\tilde{h}_i] = \\frac{p h_i^2}{1-p}$$

或者（错误）

$$\\operatorname{Var}[\\tilde{h}_i] = \\frac{p h_i^2}{(1-p)^2}$$
`;

describe("inverted dropout (Chinese prose declares the mask)", () => {
  it("verifies E[h̃_i] = h_i and flags (1 − p) h_i", () => {
    expect(statuses(DROPOUT_ZH, "\\mathbb{E}[\\tilde{h}_i] = h_i")).toEqual(all("verified"));
    expect(statuses(DROPOUT_ZH, "\\mathbb{E}[\\tilde{h}_i] = (1-p) h_i")).toEqual(all("flagged"));
  });
  it("verifies Var[h̃_i] = p h_i²/(1 − p) and flags the squared denominator", () => {
    expect(statuses(DROPOUT_ZH, "\\operatorname{Var}[\\tilde{h}_i] = \\frac{p h_i^2}{1-p}")).toEqual(all("verified"));
    expect(statuses(DROPOUT_ZH, "\\operatorname{Var}[\\tilde{h}_i] = \\frac{p h_i^2}{(1-p)^2}")).toEqual(all("flagged"));
  });
  it("says what it drew and the two values", () => {
    const r = judge(DROPOUT_ZH, "\\mathbb{E}[\\tilde{h}_i] = (1-p) h_i", 1)!;
    expect(r.reason).toMatch(/^disagrees with [\d,]+ seeded draws \(\d+ entries of m ~ Bernoulli\(0\.\d+\), p = 0\.\d+\)/);
    expect(r.reason).toMatch(/standard errors\)$/);
  });
});

const DROPOUT_EN = `# Dropout

## Math

Each unit is kept with a mask $r_j \\sim \\text{Bernoulli}(q)$, and the output is $y_j = r_j a_j / q$.

$$\\mathbb{E}[y_j] = a_j$$

$$\\mathbb{E}[y_j] = q a_j$$
`;

describe("dropout written with other letters, in English", () => {
  it("verifies E[y_j] = a_j and flags q a_j", () => {
    expect(statuses(DROPOUT_EN, "\\mathbb{E}[y_j] = a_j")).toEqual(all("verified"));
    expect(statuses(DROPOUT_EN, "\\mathbb{E}[y_j] = q a_j")).toEqual(all("flagged"));
  });
});

const XAVIER = `# 初始化

## 数学模型

设 $w_j$、$x_j$ 相互独立、均值为 0。则

$$\\mathrm{Var}\\left(\\sum_{j=1}^{n} w_j x_j\\right) = n \\mathrm{Var}(w)\\mathrm{Var}(x)$$

而不是

$$\\mathrm{Var}\\left(\\sum_{j=1}^{n} w_j x_j\\right) = n^2 \\mathrm{Var}(w)\\mathrm{Var}(x)$$
`;

describe("variance of a sum of independent zero-mean products (moments only)", () => {
  it("verifies n Var(w) Var(x) and flags n²", () => {
    expect(statuses(XAVIER, "\\mathrm{Var}\\left(\\sum_{j=1}^{n} w_j x_j\\right) = n \\mathrm{Var}(w)\\mathrm{Var}(x)")).toEqual(all("verified"));
    expect(statuses(XAVIER, "\\mathrm{Var}\\left(\\sum_{j=1}^{n} w_j x_j\\right) = n^2 \\mathrm{Var}(w)\\mathrm{Var}(x)")).toEqual(all("flagged"));
  });
});

const UNIFORM = `# Uniform initialisation

## Math

Draw $u \\sim \\mathcal{U}(-a, a)$. Its variance is

$$\\operatorname{Var}(u) = \\frac{a^2}{3}$$

$$\\operatorname{Var}(u) = \\frac{a^2}{12}$$
`;

describe("variance of U(−a, a)", () => {
  it("verifies a²/3 and flags a²/12", () => {
    expect(statuses(UNIFORM, "\\operatorname{Var}(u) = \\frac{a^2}{3}")).toEqual(all("verified"));
    expect(statuses(UNIFORM, "\\operatorname{Var}(u) = \\frac{a^2}{12}")).toEqual(all("flagged"));
  });
});

const RELU = `# ReLU 与 He 初始化

## 数学模型

设 $z \\sim \\mathcal{N}(0, \\sigma^2)$。

$$\\mathbb{E}[\\max(0, z)] = \\frac{\\sigma}{\\sqrt{2\\pi}}$$

$$\\mathbb{E}[\\max(0, z)] = \\frac{\\sigma}{\\sqrt{\\pi}}$$

$$\\mathbb{E}[\\max(0, z)^2] = \\frac{\\sigma^2}{2}$$
`;

describe("moments of a rectified Gaussian", () => {
  it("verifies E[max(0, z)] = σ/√(2π) and flags σ/√π", () => {
    expect(statuses(RELU, "\\mathbb{E}[\\max(0, z)] = \\frac{\\sigma}{\\sqrt{2\\pi}}")).toEqual(all("verified"));
    expect(statuses(RELU, "\\mathbb{E}[\\max(0, z)] = \\frac{\\sigma}{\\sqrt{\\pi}}")).toEqual(all("flagged"));
  });
  it("verifies E[max(0, z)²] = σ²/2", () => {
    expect(statuses(RELU, "\\mathbb{E}[\\max(0, z)^2] = \\frac{\\sigma^2}{2}")).toEqual(all("verified"));
  });
});

const ATTENTION = `# Scaled dot-product attention

## Why scale

Let $\\mathbf{q}, \\mathbf{k} \\in \\mathbb{R}^{d}$ have i.i.d. standard normal entries. Then

$$\\mathrm{Var}\\left(\\frac{\\mathbf{q}^T \\mathbf{k}}{\\sqrt{d}}\\right) = 1$$

$$\\mathrm{Var}\\left(\\frac{\\mathbf{q}^T \\mathbf{k}}{\\sqrt{d}}\\right) = d$$
`;

describe("scaled dot products of standard-normal vectors", () => {
  it("verifies Var(qᵀk/√d) = 1 and flags = d", () => {
    expect(statuses(ATTENTION, "\\mathrm{Var}\\left(\\frac{\\mathbf{q}^T \\mathbf{k}}{\\sqrt{d}}\\right) = 1")).toEqual(all("verified"));
    expect(statuses(ATTENTION, "\\mathrm{Var}\\left(\\frac{\\mathbf{q}^T \\mathbf{k}}{\\sqrt{d}}\\right) = d")).toEqual(all("flagged"));
  });
});

const LOGNORMAL = `# Log-normal

## Math

If $X \\sim \\mathcal{N}(\\mu, \\sigma^2)$ then $e^X$ is log-normal and

$$\\mathbb{E}[e^{X}] = e^{\\mu + \\sigma^2/2}$$

$$\\mathbb{E}[e^{X}] = e^{\\mu}$$
`;

describe("the mean of a log-normal variable", () => {
  it("verifies e^{μ + σ²/2} and flags e^μ", () => {
    expect(statuses(LOGNORMAL, "\\mathbb{E}[e^{X}] = e^{\\mu + \\sigma^2/2}")).toEqual(all("verified"));
    expect(statuses(LOGNORMAL, "\\mathbb{E}[e^{X}] = e^{\\mu}")).toEqual(all("flagged"));
  });
});

const UNDECLARED = `# Statistics

## Math

For a random variable $y$,

$$\\mathbb{E}[y] = \\lambda$$

RMSProp keeps a running average:

$$E[g^2]_t = 0.9 E[g^2]_{t-1} + 0.1 g_t^2$$

Under the approximate posterior $z \\sim q(z)$,

$$\\mathbb{E}_{z}[\\log p(x, z)] = \\log p(x)$$

An energy $E(w) = \\frac{1}{2} w^2$ is no expectation:

$$E(w) = \\frac{1}{2} w^2$$
`;

describe("what it leaves undefined", () => {
  it("a variable without a declared distribution", () => {
    expect(statuses(UNDECLARED, "\\mathbb{E}[y] = \\lambda")).toEqual(all(undefined));
  });
  it("a running average E[g²]_t", () => {
    expect(statuses(UNDECLARED, "E[g^2]_t = 0.9 E[g^2]_{t-1} + 0.1 g_t^2")).toEqual(all(undefined));
  });
  it("an expectation under a distribution it cannot model (an approximate posterior q)", () => {
    expect(statuses(UNDECLARED, "\\mathbb{E}_{z}[\\log p(x, z)] = \\log p(x)")).toEqual(all(undefined));
  });
  it("a function named E of nothing random", () => {
    expect(statuses(UNDECLARED, "E(w) = \\frac{1}{2} w^2")).toEqual(all(undefined));
  });
});

const CHOICE = `# He initialisation

## Math

Draw $w \\sim \\mathcal{N}(0, \\sigma_w^2)$ for every weight of a layer with $n$ inputs. He's rule chooses

$$\\operatorname{Var}(w) = \\frac{2}{n}$$

Scaling a weight scales its variance by the square:

$$\\operatorname{Var}(2w) = 4\\sigma_w^2$$

$$\\operatorname{Var}(2w) = 2\\sigma_w^2$$
`;

describe("statements that choose a parameter, and identities in it", () => {
  it("leaves Var(w) = 2/n undefined: it sets σ_w, it is no identity", () => {
    expect(statuses(CHOICE, "\\operatorname{Var}(w) = \\frac{2}{n}")).toEqual(all(undefined));
  });
  it("verifies Var(2w) = 4σ_w² and flags 2σ_w²", () => {
    expect(statuses(CHOICE, "\\operatorname{Var}(2w) = 4\\sigma_w^2")).toEqual(all("verified"));
    expect(statuses(CHOICE, "\\operatorname{Var}(2w) = 2\\sigma_w^2")).toEqual(all("flagged"));
  });
});

const CHAINS = `# Masks

## Math

The mask is $P(b_k = 1) = q$, $P(b_k = 0) = 1 - q$, so

$$\\mathbb{E}[b_k] = \\mathbb{E}[b_k^2] = q$$

$$\\mathbb{E}[b_k] = \\mathbb{E}[b_k^2] = q^2$$

For a uniform draw $v \\sim U[-c, c]$:

$$\\begin{aligned} \\operatorname{Var}(v) &= \\mathbb{E}[v^2] - \\mathbb{E}[v]^2 \\\\ &= \\frac{c^2}{3} \\end{aligned}$$

$$\\begin{aligned} \\operatorname{Var}(v) &= \\mathbb{E}[v^2] - \\mathbb{E}[v]^2 \\\\ &= \\frac{c^2}{2} \\end{aligned}$$

Written in place:

$$\\operatorname{Var}\\bigl(\\mathcal{U}(-c, c)\\bigr) = \\frac{(2c)^2}{12} = \\frac{c^2}{3}$$

$$\\operatorname{Var}\\bigl(\\mathcal{U}(-c, c)\\bigr) = \\frac{c^2}{12}$$
`;

describe("chains of equalities and aligned lines", () => {
  it("compares every part of E[b] = E[b²] = q, and flags a wrong last part", () => {
    expect(statuses(CHAINS, "\\mathbb{E}[b_k] = \\mathbb{E}[b_k^2] = q")).toEqual(all("verified"));
    expect(statuses(CHAINS, "\\mathbb{E}[b_k] = \\mathbb{E}[b_k^2] = q^2")).toEqual(all("flagged"));
  });
  it("follows an aligned derivation to its last line", () => {
    expect(statuses(CHAINS, "\\begin{aligned} \\operatorname{Var}(v) &= \\mathbb{E}[v^2] - \\mathbb{E}[v]^2 \\\\ &= \\frac{c^2}{3} \\end{aligned}")).toEqual(all("verified"));
    expect(statuses(CHAINS, "\\begin{aligned} \\operatorname{Var}(v) &= \\mathbb{E}[v^2] - \\mathbb{E}[v]^2 \\\\ &= \\frac{c^2}{2} \\end{aligned}")).toEqual(all("flagged"));
  });
  it("reads a distribution written inside the moment", () => {
    expect(statuses(CHAINS, "\\operatorname{Var}\\bigl(\\mathcal{U}(-c, c)\\bigr) = \\frac{(2c)^2}{12} = \\frac{c^2}{3}")).toEqual(all("verified"));
    expect(statuses(CHAINS, "\\operatorname{Var}\\bigl(\\mathcal{U}(-c, c)\\bigr) = \\frac{c^2}{12}")).toEqual(all("flagged"));
  });
});

const COVARIANCE = `# Covariance

## Math

Let $s$ and $t$ be independent, zero-mean, with unit variance.

$$\\operatorname{Cov}(s + t, s - t) = 0$$

$$\\operatorname{Cov}(s + t, s) = 1$$

$$\\operatorname{Cov}(s + t, s) = 2$$

$$\\mathbb{E}[s^4] = 3$$

Only a normal $u \\sim \\mathcal{N}(0, 1)$ has

$$\\mathbb{E}[u^4] = 3$$
`;

describe("covariances of variables declared by their moments in English", () => {
  it("verifies Cov(s + t, s − t) = 0 and Cov(s + t, s) = 1, flags 2", () => {
    expect(statuses(COVARIANCE, "\\operatorname{Cov}(s + t, s - t) = 0")).toEqual(all("verified"));
    expect(statuses(COVARIANCE, "\\operatorname{Cov}(s + t, s) = 1")).toEqual(all("verified"));
    expect(statuses(COVARIANCE, "\\operatorname{Cov}(s + t, s) = 2")).toEqual(all("flagged"));
  });
  it("leaves E[s⁴] = 3 undefined when only moments are stated (a normal's, not a uniform's), verifies it for a normal", () => {
    expect(statuses(COVARIANCE, "\\mathbb{E}[s^4] = 3")).toEqual(all(undefined));
    expect(statuses(COVARIANCE, "\\mathbb{E}[u^4] = 3")).toEqual(all("verified"));
  });
});

const ADAM = `# Adam 的偏差修正

## 数学模型

设梯度 $g_t$ 独立同分布，均值为 $\\mu$。一阶矩 $m_t = \\beta_1 m_{t-1} + (1 - \\beta_1) g_t$，$m_0 = 0$，于是

$$\\mathbb{E}[m_t] = (1 - \\beta_1^t)\\,\\mathbb{E}[g_t]$$
`;

describe("a moment of a recurrence", () => {
  it("leaves E[m_t] = (1 − β₁^t) E[g_t] undefined (the engine does not unroll m_t under the expectation)", () => {
    expect(statuses(ADAM, "\\mathbb{E}[m_t] = (1 - \\beta_1^t)\\,\\mathbb{E}[g_t]")).toEqual(all(undefined));
  });
});

const UNSTATED_MEAN = `# An estimator

## Math

The estimator $\\hat{\\theta}$ has variance $\\frac{\\sigma^2}{n}$.

$$\\mathbb{E}[\\hat{\\theta}] = \\theta$$

$$\\operatorname{Var}(3\\hat{\\theta}) = \\frac{9\\sigma^2}{n}$$
`;

describe("a variable whose text gives a variance but no mean", () => {
  it("leaves E[θ̂] = θ undefined (the mean is not stated) and verifies Var(3θ̂) = 9σ²/n", () => {
    expect(statuses(UNSTATED_MEAN, "\\mathbb{E}[\\hat{\\theta}] = \\theta")).toEqual(all(undefined));
    expect(statuses(UNSTATED_MEAN, "\\operatorname{Var}(3\\hat{\\theta}) = \\frac{9\\sigma^2}{n}")).toEqual(all("verified"));
  });
});

const POISSON = `# Counts

## Math

Model the count as $y \\sim \\text{Poisson}(\\lambda)$. Its mean and variance agree:

$$\\mathbb{E}[y] = \\operatorname{Var}[y] = \\lambda$$

$$\\mathbb{E}[y] = \\operatorname{Var}[y] = 2\\lambda$$
`;

describe("a Poisson count", () => {
  it("verifies E[y] = Var[y] = λ and flags 2λ", () => {
    expect(statuses(POISSON, "\\mathbb{E}[y] = \\operatorname{Var}[y] = \\lambda")).toEqual(all("verified"));
    expect(statuses(POISSON, "\\mathbb{E}[y] = \\operatorname{Var}[y] = 2\\lambda")).toEqual(all("flagged"));
  });
});
