/**
 * codegenRecurrence.ts: every update rule the engine runs (test/corpus/, the chapters, and documents written here in
 * other letters, English and Chinese) compiles to TypeScript — step(state, hyper, t), the objective's gradient, the
 * loop of iterates — that type-checks under strict settings and whose iterates are runPlan's to 1e-9, at the
 * defaults and at other hyper-parameters over 50 steps; hand-computed first steps (GD, Nesterov's look-ahead, Adam's
 * bias correction with t); the code shown, run in the QuickJS sandbox as Run does, gives the same iterates, and an
 * edit changes them.
 */
import * as tf from "@tensorflow/tfjs";
import {readFileSync, readdirSync} from "node:fs";
import {join} from "node:path";
import {transform} from "sucrase";
import {beforeAll, describe, expect, test} from "vitest";
import {analyzeChapter, type FormulaReport} from "../components/formula/analyze.js";
import {codeJob, compilePlan, CodegenError, jobValues, type CompiledFormula} from "../components/formula/codegen.js";
import {readIterates, recurrenceArguments} from "../components/formula/codegenRecurrence.js";
import {extractMathBlocks} from "../components/formula/extract.js";
import {runPlan} from "../components/formula/runPlan.js";
import {RUNTIME} from "../components/formula/tsRuntime.js";
import type {CellPlan, SymbolBinding} from "../components/formula/types.js";
import {runJobSync} from "../grader/sandbox.js";
import {typeCheckGenerated} from "./typecheckGenerated.js";

/** Documents nobody has seen: other letters, arrows, a look-ahead, bias correction with k, a hostile name. */
const HAND: Record<string, string> = {
  "en-optimisers.md": String.raw`# Optimisers in other letters

## Core algorithm

RMSProp keeps a running average of squared gradients:

$$
s_t = \rho s_{t-1} + (1 - \rho) \left(\nabla_\phi L(\phi_{t-1})\right)^2 \\
\phi_t = \phi_{t-1} - \frac{\eta}{\sqrt{s_t} + \epsilon} \nabla_\phi L(\phi_{t-1})
$$

Adam, written with arrows and the step counter k:

$$
\begin{aligned}
m_k &\leftarrow \beta_1 m_{k-1} + (1 - \beta_1) \nabla f(x_{k-1}) \\
u_k &\leftarrow \beta_2 u_{k-1} + (1 - \beta_2) (\nabla f(x_{k-1}))^2 \\
\hat{m}_k &\leftarrow m_k / (1 - \beta_1^k) \\
\hat{u}_k &\leftarrow u_k / (1 - \beta_2^k) \\
x_k &\leftarrow x_{k-1} - \alpha \hat{m}_k / (\sqrt{\hat{u}_k} + \varepsilon)
\end{aligned}
$$

Nesterov's look-ahead:

$$
z_{t+1} = \gamma z_t + \alpha \nabla_\psi E(\psi_t - \gamma z_t) \\
\psi_{t+1} = \psi_t - z_{t+1}
$$

With the bias factor as a line of its own:

$$
c_t = \beta_1^t \\
m_t = \beta_1 m_{t-1} + (1 - \beta_1) \nabla_\theta J(\theta_{t-1}) \\
\theta_t = \theta_{t-1} - \eta \frac{m_t}{1 - c_t}
$$

A hyper-parameter with a hostile name:

$$
w_{t+1} = w_t - \text{constructor} \nabla_w J(w_t)
$$
`,
  "zh-optimisers.md": String.raw`# 优化器

## 核心算法

AdaGrad 累积梯度的平方：

$$
r_t = r_{t-1} + (\nabla_w \ell(w_t))^2 \\
w_{t+1} = w_t - \frac{\lambda}{\sqrt{r_t + \epsilon}} \nabla_w \ell(w_t)
$$

动量法：

$$
b_t = \mu b_{t-1} - \eta \nabla_{\theta} J(\theta_{t-1}), \quad \theta_t = \theta_{t-1} + b_t
$$

两个参数同时更新：

$$
p \leftarrow p - \eta \frac{\partial Q}{\partial p}, \quad q \leftarrow q - \eta \frac{\partial Q}{\partial q}
$$

梯度下降：

$$
\theta_{t+1} = \theta_t - \eta \nabla_{\theta} J(\theta_t)
$$
`
};

interface Rule {
  file: string;
  report: FormulaReport;
}
const rules: Rule[] = [];
let executedCorpus = 0;

beforeAll(async () => {
  await tf.setBackend("cpu");
  const docs: [string, string][] = [
    ...readdirSync("test/corpus").filter((f) => f.endsWith(".md")).map((f): [string, string] => [join("test/corpus", f), readFileSync(join("test/corpus", f), "utf8")]),
    ...readdirSync("chapters").filter((f) => f.endsWith(".md")).map((f): [string, string] => [join("chapters", f), readFileSync(join("chapters", f), "utf8")]),
    ...Object.entries(HAND).map(([f, text]): [string, string] => [`hand/${f}`, text])
  ];
  for (const [file, text] of docs) {
    const reports = await analyzeChapter(extractMathBlocks(text, file), {seed: 1});
    for (const report of reports) {
      if (report.status === "not-executable" || !report.plan) continue;
      if (file.startsWith("test/corpus")) executedCorpus++;
      if (report.plan.kind === "recurrence") rules.push({file, report});
    }
  }
}, 120_000);

/** The generated JavaScript made callable: the runtime's functions as parameters (what the page's cell does). */
function load(c: CompiledFormula): Record<string, (args: Record<string, unknown>) => unknown> {
  const names = Object.keys(RUNTIME);
  return new Function(...names, `"use strict";\n${c.js}\nreturn {${c.functions.map((f) => f.name).join(", ")}};`)(...names.map((n) => RUNTIME[n]));
}

const iteratesOf = (c: CompiledFormula, plan: CellPlan, symbols: SymbolBinding[], steps: number) => readIterates(load(c)[c.recurrence!.iterates](recurrenceArguments(c, plan, symbols, steps)));
/** The update rule of a hand-written document whose formula holds the line with `needle` (its $$ block starts above it). */
function ruleWith(file: string, needle: string): FormulaReport {
  const line = HAND[file].split("\n").findIndex((l) => l.includes(needle)) + 1;
  const before = rules.filter((r) => r.file === `hand/${file}` && r.report.line <= line);
  const r = before.sort((a, b) => b.report.line - a.report.line)[0];
  if (!line || !r) throw new Error(`no update rule at ${needle}`);
  return r.report;
}

/** Largest difference between two runs of iterates (Infinity when their lengths differ). */
function maxDiff(a: {w: number[]; loss: number}[], b: {w: number[]; loss: number}[]): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  a.forEach((x, k) => {
    d = Math.max(d, Math.abs(x.loss - b[k].loss) / Math.max(1, Math.abs(b[k].loss)));
    x.w.forEach((v, j) => (d = Math.max(d, Math.abs(v - b[k].w[j]) / Math.max(1, Math.abs(b[k].w[j])))));
  });
  return d;
}

describe("update rules compile to TypeScript whose iterates are the interpreter's", () => {
  test("every update rule (corpus, chapters, hand-written) compiles, and its iterates equal runPlan's to 1e-9", () => {
    const problems: string[] = [];
    let compared = 0;
    for (const {file, report} of rules) {
      const plan = report.plan!;
      let c: CompiledFormula;
      try {
        c = compilePlan(plan, {line: report.line});
      } catch (e) {
        problems.push(`${file}:${report.line} ${(e as Error).message}`);
        continue;
      }
      // The defaults, then other hyper-parameters (each halved) over 50 steps.
      const other = plan.symbols.map((s) => (s.role === "hyper" && typeof s.value === "number" ? {...s, value: s.value / 2} : s));
      for (const [symbols, steps] of [[plan.symbols, plan.recurrence!.steps], [other, 50]] as const) {
        const want = runPlan(plan, symbols, steps).iterates!;
        const got = iteratesOf(c, plan, symbols, steps);
        if (!got || maxDiff(got, want) > 1e-9) problems.push(`${file}:${report.line} (${steps} steps): ${JSON.stringify(got?.slice(0, 2))} vs ${JSON.stringify(want.slice(0, 2))}`);
        else compared++;
      }
    }
    expect(problems).toEqual([]);
    const corpus = rules.filter((r) => r.file.startsWith("test/corpus")).length;
    const hand = rules.filter((r) => r.file.startsWith("hand/")).length;
    // Every executed formula of the corpus now has a TypeScript view: the 14 update rules besides the rest.
    expect(corpus).toBeGreaterThanOrEqual(14);
    expect(hand).toBe(9);
    expect(compared).toBe(2 * rules.length);
    console.log(`update rules compiled: ${rules.length} (corpus ${corpus} of ${executedCorpus} executed formulas there; hand-written ${hand})`);
  });

  test("the generated TypeScript of every update rule type-checks with strict settings (zero diagnostics)", () => {
    const sources = rules.map(({report}) => compilePlan(report.plan!, {line: report.line}).source);
    expect(sources.length).toBe(rules.length);
    expect(typeCheckGenerated(sources)).toEqual([]);
  }, 120_000);

  test("readable code: Adam's lines in order as constants, bias correction with the text's k, hyper-parameters in the text's symbols", () => {
    const file = "en-optimisers.md";
    const r = ruleWith(file, "\\begin{aligned}");
    const c = compilePlan(r.plan!, {line: r.line});
    expect(c.source).toContain(
      [
        "export function step(state: State, hyper: Hyper, k: number): State {",
        "  const {beta_1, beta_2, alpha, varepsilon} = hyper;",
        "  const gradient = gradF(state.x);",
        "  const m = add(mul(beta_1, state.m), mul(1 - beta_1, gradient));",
        "  const u = add(mul(beta_2, state.u), mul(1 - beta_2, pow(gradient, 2)));",
        "  const mHat = div(m, 1 - beta_1 ** k);",
        "  const uHat = div(u, 1 - beta_2 ** k);",
        "  const x = sub(state.x, div(mul(alpha, mHat), add(sqrt(uHat), varepsilon)));",
        "  return {m, u, mHat, uHat, x};",
        "}"
      ].join("\n")
    );
    expect(c.source).toContain("export interface Hyper {\n  beta_1: number;\n  beta_2: number;\n  alpha: number;\n  varepsilon: number;\n}");
    expect(c.source).toMatch(/^import \{add, div, mul, pow, sqrt, sub, sum, terms\} from "\.\/tsRuntime\.js";\n\n\/\/ 原文第 \d+ 行\n/);
    // The reader's inputs are the canonical names; the code's are the text's symbols.
    expect(c.params).toEqual([
      {key: "beta_1", name: "beta_1"},
      {key: "beta_2", name: "beta_2"},
      {key: "alpha", name: "alpha"},
      {key: "epsilon", name: "varepsilon"}
    ]);
    // By hand: the first step with bias correction is −α·sign(g) (m̂ = g, û = g²); without it, a step of ~0.316.
    const its = iteratesOf(c, r.plan!, r.plan!.symbols, 2)!;
    const g = [1 * (-1.5 - 1), 4 * (1.5 - -1)];
    expect(its[1].w[0]).toBeCloseTo(-1.5 - (0.1 * g[0]) / (Math.abs(g[0]) + 1e-8), 12);
    expect(its[1].w[1]).toBeCloseTo(1.5 - (0.1 * g[1]) / (Math.abs(g[1]) + 1e-8), 12);
  });

  test("Nesterov: the gradient at the look-ahead point ψ − γz, by hand over two steps", () => {
    const file = "en-optimisers.md";
    const r = ruleWith(file, "z_{t+1} =");
    const c = compilePlan(r.plan!, {line: r.line});
    expect(c.source).toContain("  const z = add(mul(gamma, state.z), mul(alpha, gradE(sub(state.psi, mul(gamma, state.z)))));\n  const psi = sub(state.psi, z);");
    const its = iteratesOf(c, r.plan!, r.plan!.symbols, 2)!;
    // E(w) = ½(1·(w₁ − 1)² + 4·(w₂ + 1)²), ψ₀ = (−1.5, 1.5), α = 0.1, γ = 0.9:
    // z₁ = α∇E(ψ₀) = (−0.25, 1), ψ₁ = (−1.25, 0.5); look-ahead ψ₁ − γz₁ = (−1.025, −0.4), ∇E there = (−2.025, 2.4),
    // z₂ = γz₁ + α∇E = (−0.4275, 1.14), ψ₂ = (−0.8225, −0.64). (At ψ₁ itself it would be (−0.8, −1).)
    expect(its.map((it) => it.w.map((x) => Number(x.toFixed(12))))).toEqual([[-1.5, 1.5], [-1.25, 0.5], [-0.8225, -0.64]]);
    expect(its[1].loss).toBeCloseTo(0.5 * (2.25 ** 2 + 4 * 1.5 ** 2), 12);
  });

  test("two weights side by side share the gradient; a line of one number fills the weights' size; g_t stands for the gradient", () => {
    const zh = "zh-optimisers.md";
    const two = compilePlan(ruleWith(zh, "p \\leftarrow").plan!);
    expect(two.source).toContain("  const gradient = gradQ(state.p.concat(state.q));\n  const p = sub(state.p, mul(eta, gradient.slice(0, 1)));\n  const q = sub(state.q, mul(eta, gradient.slice(1, 2)));");
    const en = "en-optimisers.md";
    const bias = compilePlan(ruleWith(en, "c_t = \\beta_1^t").plan!);
    expect(bias.source).toContain("  const c = full(beta_1 ** t, 2);");
    // A rule printed with g_t (no ∇): the symbol is the gradient at the current weights. θ₁ = θ₀ − η a ⊙ (θ₀ − c).
    const plan: CellPlan = {
      kind: "recurrence",
      latex: "\\theta_t = \\theta_{t-1} - \\eta g_t",
      equations: [{lhs: "\\theta_t", rhs: "\\theta_{t-1} - \\eta g_t"}],
      symbols: [{key: "alpha", value: 0.1, role: "hyper"}],
      counts: {},
      seed: 1,
      notes: [],
      recurrence: {hyper: {alpha: 0.1}, objective: {a: [1, 4], c: [1, -1]}, w0: [-1.5, 1.5], steps: 5}
    };
    const g = compilePlan(plan);
    expect(g.source).toContain("  const theta = sub(state.theta, mul(eta, gradient));");
    const its = iteratesOf(g, plan, plan.symbols, 1)!;
    expect(its[1].w).toEqual([-1.5 - 0.1 * (-2.5), 1.5 - 0.1 * 10]);
    expect(its[1].loss).toBeCloseTo(0.5 * (2.25 ** 2 + 4 * 1.5 ** 2), 12);
    expect(maxDiff(its, runPlan(plan, plan.symbols, 1).iterates!)).toBe(0);
  });

  test("hostile names become safe identifiers; the code holds only the generator's alphabet; a rule without an objective is refused", () => {
    const file = "en-optimisers.md";
    const c = compilePlan(ruleWith(file, "\\text{constructor}").plan!);
    expect(c.source).toContain("const {constructor_v} = hyper;");
    expect(c.js).toMatch(/^[A-Za-z0-9_\s.,:;(){}[\]=<>!+\-*/]*$/);
    expect(c.js).not.toMatch(/<[/!]|\\|text/);
    for (const {report} of rules) expect(compilePlan(report.plan!).js).not.toMatch(/<[/!]|["'`$\\]/);
    const {recurrence: _, ...bare} = ruleWith(file, "\\text{constructor}").plan!;
    expect(() => compilePlan(bare as CellPlan)).toThrow(CodegenError);
  });
});

describe("the update rule's code in the QuickJS sandbox (what Run does)", () => {
  const strip = (code: string) => ({code: transform(code, {transforms: ["typescript"], disableESTransforms: true}).code});

  test("unedited, the code shown gives the cell's iterates; doubling η doubles the first step; an error names its line", () => {
    const zh = "zh-optimisers.md";
    const r = ruleWith(zh, "\\theta_{t+1} = \\theta_t");
    const c = compilePlan(r.plan!, {line: r.line});
    const args = recurrenceArguments(c, r.plan!, r.plan!.symbols, 5);
    const o = runJobSync({...codeJob(c.source, c, args), ...strip(codeJob(c.source, c, args).code)});
    expect(o.status).toBe("ok");
    expect(o.result!.tests.every((t) => t.passed)).toBe(true);
    const got = readIterates(jobValues(o.result!.output)[c.recurrence!.iterates])!;
    expect(got).toHaveLength(6);
    expect(maxDiff(got, runPlan(r.plan!).iterates!)).toBeLessThanOrEqual(1e-12);
    // θ₁ = θ₀ − 2η a ⊙ (θ₀ − c) = (−1.5 + 0.5, 1.5 − 2) with η = 0.1.
    const edited = c.source.replace("mul(eta, gradient)", "mul(2 * eta, gradient)");
    expect(edited).not.toBe(c.source);
    const job = codeJob(edited, c, args);
    const e = runJobSync({...job, ...strip(job.code)});
    const doubled = readIterates(jobValues(e.result!.output)[c.recurrence!.iterates])!;
    expect(doubled[1].w.map((x) => Number(x.toFixed(12)))).toEqual([-1, -0.5]);
    const brokenLine = c.source.split("\n").findIndex((l) => l.includes("mul(eta, gradient)")) + 1;
    const broken = codeJob(c.source.replace("mul(eta, gradient)", "mul(nothing, gradient)"), c, args);
    const b = runJobSync({...broken, ...strip(broken.code)});
    expect(b.result!.tests[0].passed).toBe(false);
    expect(b.result!.tests[0].message).toMatch(new RegExp(`nothing.*\\(line ${brokenLine}:\\d+ of your code\\)`));
  }, 60_000);
});
