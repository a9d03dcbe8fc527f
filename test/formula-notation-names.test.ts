/**
 * Notation that names things: subscripts that are words (\eta_{\max}), E[g^2]_t as one symbol, \Delta\theta, separators
 * inside a function's parentheses (D_{KL}(p \| q), P(y \mid \lambda)), \lfloor x \rfloor and \lceil x \rceil.
 */
import {describe, expect, test} from "vitest";
import {analyzeChapter} from "../components/formula/analyze.js";
import type {Node} from "../components/formula/ast.js";
import {evaluate} from "../components/formula/evaluate.js";
import {extractMathBlocks} from "../components/formula/extract.js";
import {parseExpression, parseFormula} from "../components/formula/parse.js";
import {compileRecurrence} from "../components/formula/recurrence.js";
import {toLatex} from "../components/formula/print.js";

const rhs = (latex: string): Node => {
  const line = parseFormula(latex).lines[0];
  return line.rest.length ? line.rest[line.rest.length - 1].node : line.first;
};

describe("subscripts that are names, not indices", () => {
  test.each([
    [String.raw`\eta_{\min}`, "\\eta", "min"],
    [String.raw`\eta_{\max}`, "\\eta", "max"],
    [String.raw`\eta_\max`, "\\eta", "max"],
    [String.raw`\theta_{\text{new}}`, "\\theta", "new"],
    [String.raw`x_{\mathrm{train}}`, "x", "train"],
    [String.raw`\ell_{\operatorname{CE}}`, "\\ell", "CE"],
    [String.raw`L_{\text{验证}}`, "L", "验证"]
  ])("%s is the symbol %s with subText %s", (latex, name, subText) => {
    expect(parseExpression(latex)).toMatchObject({type: "sym", name, subText, sub: {type: "sym", name: subText}});
  });

  test("cosine annealing evaluates with the names bound", () => {
    const latex = String.raw`\eta_t = \eta_{\min} + \frac{1}{2} \left( \eta_{\max} - \eta_{\min} \right) \left( 1 + \cos \frac{\pi t}{T} \right)`;
    // t = T/2: cos(π/2) = 0 → η_min + (η_max − η_min)/2 = 0.01 + 0.045 = 0.055
    expect(evaluate(rhs(latex), {"\\eta_{min}": 0.01, "\\eta_{max}": 0.1, t: 50, T: 100})).toBeCloseTo(0.055, 12);
  });

  test("printed upright, still an index when it is one", () => {
    expect(toLatex(parseExpression(String.raw`\eta_{\max}`))).toBe(String.raw`\eta_{\mathrm{max}}`);
    expect(toLatex(parseExpression(String.raw`w_{t+1}`))).toBe("w_{t+1}");
  });
});

describe("E[g^2]_t: an expectation with a step index is one symbol", () => {
  test("the bracket names the symbol, the subscript indexes it; spacing does not matter", () => {
    expect(parseExpression(String.raw`E[g^2]_t`)).toMatchObject({type: "sym", name: "E[g^{2}]", subText: "t"});
    expect(parseExpression(String.raw`E[ g^{2} ]_{t-1}`)).toMatchObject({type: "sym", name: "E[g^{2}]", subText: "t-1"});
    expect(parseExpression(String.raw`E[\Delta\theta^2]_{t-1}`)).toMatchObject({type: "sym", name: "E[\\Delta\\theta^{2}]"});
  });

  test("without a subscript E[x] is not one symbol: E times the bracketed x (one expression in brackets is a group)", () => {
    expect(parseExpression(String.raw`E[x]`)).toMatchObject({type: "mul", left: {type: "sym", name: "E"}, right: {type: "paren"}});
    // a bracket of several entries, or of one number, is still a vector
    expect(parseExpression(String.raw`[1, 2]`)).toMatchObject({type: "vector"});
    expect(parseExpression(String.raw`[0.5]`)).toMatchObject({type: "vector"});
  });

  test("a recurrence over it evaluates like s_t = ρ s_{t-1} + (1 − ρ) g_t²", () => {
    const latex = String.raw`E[g^2]_t = \rho E[g^2]_{t-1} + (1 - \rho) g_t^2`;
    // 0.9·0.5 + 0.1·4 = 0.85
    expect(evaluate(rhs(latex), {"E[g^{2}]_{t-1}": 0.5, "\\rho": 0.9, g_t: 2})).toBeCloseTo(0.85, 12);
  });

  test("\\Delta\\theta_t and \\Delta w are the change of θ and w, one symbol each; \\Delta^T X stays Δ", () => {
    expect(parseExpression(String.raw`\Delta\theta_t`)).toMatchObject({type: "sym", name: "\\Delta\\theta", subText: "t"});
    expect(parseExpression(String.raw`\Delta w`)).toMatchObject({type: "sym", name: "\\Delta w"});
    expect(parseExpression(String.raw`\Delta^T X`)).toMatchObject({type: "mul", left: {type: "transpose", arg: {type: "sym", name: "\\Delta"}}});
  });

  test("the Adadelta system runs through analyzeChapter", async () => {
    const md = [
      "$$",
      String.raw`\begin{aligned}`,
      String.raw`E[g^2]_t &= \rho E[g^2]_{t-1} + (1-\rho) g_t^2 \\`,
      String.raw`\Delta\theta_t &= -\frac{\sqrt{E[\Delta\theta^2]_{t-1} + \epsilon}}{\sqrt{E[g^2]_t + \epsilon}} g_t \\`,
      String.raw`E[\Delta\theta^2]_t &= \rho E[\Delta\theta^2]_{t-1} + (1-\rho)\Delta\theta_t^2 \\`,
      String.raw`\theta_{t+1} &= \theta_t + \Delta\theta_t`,
      String.raw`\end{aligned}`,
      "$$"
    ].join("\n");
    const blocks = extractMathBlocks(md, "adadelta.md");
    const [report] = await analyzeChapter(blocks, {seed: 1});
    expect(report.status).not.toBe("not-executable");
    expect(report.reason ?? "").not.toMatch(/cannot parse/);
    // the printed rule iterates: with ρ = 0.9, ε = 1e-6 and ∇ = 2θ at θ_0 = (1, −2), the first step is
    // Δθ = −√ε g / √((1 − ρ) g² + ε): g = 2 → −1e-3·2/√0.400001 = −0.0031623, g = −4 → +0.0031623
    const rec = compileRecurrence(blocks[0].latex);
    expect(rec.weight).toBe("\\theta");
    const s = rec.step(rec.init([1, -2]), [2, -4], 1, {rho: 0.9, epsilon: 1e-6});
    expect(rec.weights(s)[0]).toBeCloseTo(1 - 2e-3 / Math.sqrt(0.400001), 12);
    expect(rec.weights(s)[1]).toBeCloseTo(-2 + 4e-3 / Math.sqrt(1.600001), 12);
  });
});

describe("a separator inside a function's parentheses", () => {
  test("D_{\\mathrm{KL}}(p \\,\\|\\, q), \\mathrm{KL}(p \\| q), P(y \\mid \\lambda), p(x \\mid \\theta): calls of two arguments", () => {
    expect(parseExpression(String.raw`D_{\mathrm{KL}}(p \,\|\, q)`)).toMatchObject({type: "call", fn: "D_{KL}", builtin: false, args: [{name: "p"}, {name: "q"}]});
    expect(parseExpression(String.raw`\mathrm{KL}(p \| q)`)).toMatchObject({type: "call", fn: "KL", args: [{name: "p"}, {name: "q"}]});
    expect(parseExpression(String.raw`P(y \mid \lambda)`)).toMatchObject({type: "call", fn: "P", args: [{name: "y"}, {name: "\\lambda"}]});
    expect(parseExpression(String.raw`p(x \mid \theta)`)).toMatchObject({type: "call", fn: "p", args: [{name: "x"}, {name: "\\theta"}]});
    expect(parseExpression(String.raw`p(x | \theta)`)).toMatchObject({type: "call", fn: "p", args: [{name: "x"}, {name: "\\theta"}]});
    expect(parseExpression(String.raw`D_{KL}\left( \mathcal{N}(\mu_1, \sigma_1^2) \,\|\, \mathcal{N}(\mu_2, \sigma_2^2) \right)`)).toMatchObject({type: "call", fn: "D_{KL}", parens: "left"});
  });

  test("norms and absolute values keep working", () => {
    expect(parseExpression(String.raw`f(\|x\|)`)).toMatchObject({type: "call", fn: "f", args: [{type: "call", fn: "norm"}]});
    expect(parseExpression(String.raw`g(|a| + |b|)`)).toMatchObject({type: "call", fn: "g", args: [{type: "add"}]});
    expect(evaluate(parseExpression(String.raw`\|x\|^2 + \left\| x \right\|`), {x: [3, 4]})).toBe(30);
  });

  test("D_{KL}(p \\| q) = Σ p_k ln(p_k/q_k) defines a function of (p, q); D_{KL}(q \\| p) calls it with them swapped", async () => {
    const md = [
      "$$", String.raw`D_{\mathrm{KL}}(p \,\|\, q) = \sum_{k=1}^{K} p_k \ln \frac{p_k}{q_k}`, "$$", "",
      "With $p = (0.5, 0.5)$ and $q = (0.25, 0.75)$:", "",
      // 0.5 ln 2 + 0.5 ln(2/3) = 0.143841…
      "$$", String.raw`D_{\mathrm{KL}}(p \,\|\, q) \approx 0.1438`, "$$", "",
      // swapped: 0.25 ln(0.5) + 0.75 ln(1.5) = 0.130812…, so the first claim is wrong and the second right
      "$$", String.raw`D_{\mathrm{KL}}(q \,\|\, p) \approx 0.1438`, "$$", "",
      "$$", String.raw`D_{\mathrm{KL}}(q \,\|\, p) \approx 0.1308`, "$$"
    ].join("\n");
    const blocks = extractMathBlocks(md, "kl.md");
    const reports = (await analyzeChapter(blocks, {seed: 1})).filter((_, i) => blocks[i].display);
    expect(reports.map((r) => r.status)).toEqual(["executable", "verified", "flagged", "verified"]);
    expect(reports[2].reason).toMatch(/0\.130812/);
  });

  test("evaluated directly: the definition's parameters bound in the call's order", () => {
    const def = parseFormula(String.raw`D_{KL}(p \| q) = \sum_{k} p_k \ln \frac{p_k}{q_k}`).lines[0];
    expect(def.first).toMatchObject({type: "call", fn: "D_{KL}"});
    const defs = {"D_{KL}": {params: ["p", "q"], body: def.rest[0].node}};
    const swapped = parseExpression(String.raw`D_{KL}(q \| p)`);
    // q = (0.25, 0.75), p = (0.5, 0.5): 0.25 ln 0.5 + 0.75 ln 1.5
    expect(evaluate(swapped, {p: [0.5, 0.5], q: [0.25, 0.75]}, {defs})).toBeCloseTo(0.25 * Math.log(0.5) + 0.75 * Math.log(1.5), 12);
  });
});

describe("arguments given by name: P(y = 2 \\mid \\lambda = 3)", () => {
  test("the node carries the names; printed back with them", () => {
    const n = parseExpression(String.raw`P(y = 2 \mid \lambda = 3)`);
    expect(n).toMatchObject({type: "call", fn: "P", argNames: ["y", "\\lambda"], args: [{value: 2}, {value: 3}]});
    expect(toLatex(n)).toBe(String.raw`P(y = 2, \lambda = 3)`);
    expect(() => parseExpression(String.raw`P(y = 2 \mid \lambda)`)).toThrow(/every argument is named/);
  });

  test("they bind the definition's parameters of those names, in any order", async () => {
    const md = [
      "$$", String.raw`P(y \mid \lambda) = \frac{\lambda^{y} e^{-\lambda}}{y!}`, "$$", "",
      // 3² e^{-3} / 2! = 0.22404…
      "$$", String.raw`P(y = 2 \mid \lambda = 3) = \frac{3^2 e^{-3}}{2!} \approx 0.224`, "$$", "",
      "$$", String.raw`P(\lambda = 3 \mid y = 2) \approx 0.224`, "$$", "",
      // 3 e^{-3} = 0.149…, not 0.224
      "$$", String.raw`P(y = 1 \mid \lambda = 3) \approx 0.224`, "$$"
    ].join("\n");
    const reports = await analyzeChapter(extractMathBlocks(md, "poisson.md"), {seed: 1});
    expect(reports.map((r) => r.status)).toEqual(["executable", "verified", "verified", "flagged"]);
    expect(reports[3].reason).toMatch(/0\.149361/);
  });
});

describe("\\lfloor x \\rfloor and \\lceil x \\rceil", () => {
  test("floor and ceil builtins, also with \\left … \\right, in an exponent", () => {
    expect(evaluate(parseExpression(String.raw`\lfloor 25/10 \rfloor`), {})).toBe(2);
    expect(evaluate(parseExpression(String.raw`\lceil x \rceil`), {x: [2.1, -2.1, 3]})).toEqual([3, -2, 3]);
    expect(evaluate(parseExpression(String.raw`\left\lfloor \frac{t}{s} \right\rfloor`), {t: 25, s: 10})).toBe(2);
    // step decay: 0.1 · 0.5^{⌊25/10⌋} = 0.025
    expect(evaluate(rhs(String.raw`\eta_t = \eta_0 \, \gamma^{\lfloor t / s \rfloor}`), {"\\eta_0": 0.1, "\\gamma": 0.5, t: 25, s: 10})).toBeCloseTo(0.025, 15);
    expect(toLatex(parseExpression(String.raw`\lfloor t/s \rfloor`))).toBe(String.raw`\lfloor t / s \rfloor`);
  });

  test("an unclosed \\lfloor is an error naming it", () => {
    expect(() => parseExpression(String.raw`\lfloor x + 1`)).toThrow(/\\lfloor at offset 0 is not closed by \\rfloor/);
  });
});
