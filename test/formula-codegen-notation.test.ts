/**
 * codegen.ts on the newer notation (cases, comparisons and indicators, ⌊·⌋ ⌈·⌉, n!, erf, Φ, softplus, diag, ⊙, sign):
 * documents written here, in English and Chinese, compile to TypeScript that type-checks under strict settings and
 * whose value equals the interpreter's (runPlan) to 1e-9; the runtime's new functions by hand; the sandbox runtime
 * carries them; and the share of executed corpus formulas (test/corpus + test/corpus-heldout/formula-*) that get a
 * TypeScript view.
 */
import * as tf from "@tensorflow/tfjs";
import {readFileSync, readdirSync} from "node:fs";
import {join} from "node:path";
import {transform} from "sucrase";
import {beforeAll, describe, expect, test} from "vitest";
import {analyzeChapter, type FormulaReport} from "../components/formula/analyze.js";
import {argumentsOf, codeJob, CodegenError, compilePlan, jobValues, type CompiledFormula} from "../components/formula/codegen.js";
import {extractMathBlocks} from "../components/formula/extract.js";
import {bindingsOf, runPlan} from "../components/formula/runPlan.js";
import {erf, factorial, normalCdf} from "../components/formula/special.js";
import {RUNTIME} from "../components/formula/tsRuntime.js";
import type {CellPlan} from "../components/formula/types.js";
import {close, type Value} from "../components/formula/values.js";
import {runJobSync} from "../grader/sandbox.js";
import {typeCheckGenerated} from "./typecheckGenerated.js";

/** Each formula: its name in the assertions, the markdown (a heading, prose, a $$ block) and runtime names it must call. */
const FORMULAS: {name: string; md: string; calls: string[]}[] = [
  {name: "huber", md: "## Huber loss\n\n$$\nL_\\delta(a) = \\begin{cases} \\frac{1}{2} a^2 & |a| \\le \\delta \\\\ \\delta \\left(|a| - \\frac{1}{2}\\delta\\right) & \\text{otherwise} \\end{cases}\n$$\n", calls: ["cases", "le", "abs"]},
  {name: "relu", md: "## 激活函数\n\n$$\n\\mathrm{ReLU}(z) = \\begin{cases} z, & z > 0 \\\\ 0, & z \\le 0 \\end{cases}\n$$\n", calls: ["cases", "gt", "le"]},
  {name: "kl", md: "## 相对熵\n\n$$\nD_{KL}(p \\| q) = \\sum_{i=1}^{n} p_i \\log \\frac{p_i}{q_i}\n$$\n", calls: ["sum", "log"]},
  {name: "step decay", md: "## Step decay\n\n$$\n\\eta_t = \\eta_0 \\cdot \\gamma^{\\lfloor t / s \\rfloor}\n$$\n", calls: ["floor"]},
  {name: "ceil", md: "## Batches\n\n$$\nB = \\left\\lceil \\frac{N}{b} \\right\\rceil\n$$\n", calls: ["ceil"]},
  {name: "gelu erf", md: "## GELU\n\n$$\n\\text{GELU}(x) = \\frac{x}{2} \\left(1 + \\text{erf}\\left(\\frac{x}{\\sqrt{2}}\\right)\\right)\n$$\n", calls: ["erfOf"]},
  {name: "gelu Phi", md: "## 高斯误差线性单元\n\n$$\nG(x) = x \\Phi(x)\n$$\n", calls: ["Phi"]},
  {name: "softmax jacobian", md: "## Softmax 的雅可比矩阵\n\n$$\nJ = \\mathrm{diag}(s) - s s^T\n$$\n", calls: ["diag"]},
  {name: "hinge", md: "## Hinge subgradient\n\n$$\ng = -y \\mathbf{x} \\mathbb{1}[m < 1]\n$$\n", calls: ["lt"]},
  {name: "poisson", md: "## 泊松分布\n\n$$\nP = \\frac{\\lambda^k e^{-\\lambda}}{k!}\n$$\n", calls: ["factorialOf"]},
  {name: "softplus", md: "## Softplus\n\n$$\ny = \\mathrm{softplus}(z) + \\mathrm{sign}(z)\n$$\n", calls: ["softplus", "sign"]},
  {name: "hadamard", md: "## Gating\n\n$$\nh = \\mathbf{u} \\odot \\mathbf{v} + \\mathbb{1}[\\mathbf{u} \\ge 0]\n$$\n", calls: ["mul", "ge"]}
];

const found: Record<string, FormulaReport> = {};

beforeAll(async () => {
  await tf.setBackend("cpu");
  for (const f of FORMULAS) {
    const md = `# Notation\n\nSome prose.\n\n${f.md}`;
    const reports = await analyzeChapter(extractMathBlocks(md, "notation.md"), {seed: 7});
    const r = reports.find((x) => x.plan && x.status !== "not-executable");
    if (r) found[f.name] = r;
  }
}, 60_000);

/** The compiled functions, callable here: the generated JavaScript gets the runtime's functions as parameters. */
function load(c: CompiledFormula): Record<string, (args: Record<string, Value>) => Value> {
  const names = Object.keys(RUNTIME);
  const make = new Function(...names, `"use strict";\n${c.js}\nreturn {${c.functions.map((f) => f.name).join(", ")}};`);
  return make(...names.map((n) => RUNTIME[n]));
}

const compileOrUndefined = (plan: CellPlan, line?: number): CompiledFormula | undefined => {
  try {
    return compilePlan(plan, {line});
  } catch (e) {
    if (e instanceof CodegenError) return undefined;
    throw e;
  }
};


describe("the new notation compiles to TypeScript", () => {
  test.each(FORMULAS.map((f) => [f.name, f] as const))("%s: runs, compiles, calls the runtime's functions and equals runPlan to 1e-9", (_, f) => {
    const r = found[f.name];
    expect(r, `${f.name} is executed`).toBeDefined();
    const c = compilePlan(r.plan!, {line: r.line});
    for (const fn of f.calls) expect(c.runtime).toContain(fn);
    const want = runPlan(r.plan!);
    const fns = load(c);
    const args = argumentsOf(c, bindingsOf(r.plan!.symbols));
    for (const fn of c.functions) {
      const w = want.equations[fn.equation];
      expect(w.error).toBeUndefined();
      const got = fns[fn.name](args);
      expect(close(got, w.value!, 1e-9, 1e-12), `${JSON.stringify(got)} vs ${JSON.stringify(w.value)}`).toBe(true);
    }
  });

  test("the generated TypeScript type-checks with strict settings (zero diagnostics)", () => {
    const sources = FORMULAS.map((f) => compilePlan(found[f.name].plan!, {line: found[f.name].line}).source);
    expect(sources.length).toBe(FORMULAS.length);
    expect(typeCheckGenerated(sources)).toEqual([]);
  }, 60_000);

  test("readable code: Huber is cases(value, condition, …) with `otherwise` as the condition 1", () => {
    const c = compilePlan(found.huber.plan!);
    expect(c.source).toContain("cases(1 / 2 * a ** 2, le(abs(a), delta), delta * (abs(a) - 1 / 2 * delta), 1)");
  });

  test("on inputs off the defaults: each branch of Huber and ReLU, the indicator's 0 and 1, ⌊t/s⌋ (hand-computed)", () => {
    const run = (name: string, vars: Record<string, Value>): Value => {
      const c = compilePlan(found[name].plan!);
      return load(c)[c.functions[0].name](argumentsOf(c, vars));
    };
    // Huber: ½a² inside |a| ≤ δ, δ(|a| − δ/2) outside; at |a| = δ both give δ²/2.
    expect(run("huber", {a: 0.5, "\\delta": 1})).toBeCloseTo(0.125, 15);
    expect(run("huber", {a: -3, "\\delta": 1})).toBeCloseTo(2.5, 15);
    expect(run("relu", {z: [-2, 0, 3]})).toEqual([0, 0, 3]);
    // η_t = η₀ γ^⌊t/s⌋: t = 7, s = 3 → γ² (γ = 0.5 → 0.25 η₀).
    expect(run("step decay", {"\\eta_0": 0.1, "\\gamma": 0.5, t: 7, s: 3})).toBeCloseTo(0.025, 15);
    // 𝟙[m < 1]: g = −y x when the margin is below 1, else 0.
    expect(run("hinge", {y: -1, x: 2, m: 0.5})).toBe(2);
    expect(run("hinge", {y: -1, x: 2, m: 1})).toBe(0);
    // 3! = 6: P = λ³ e^{−λ} / 6 at λ = 2.
    expect(run("poisson", {"\\lambda": 2, k: 3})).toBeCloseTo((8 * Math.exp(-2)) / 6, 14);
  });
});

describe("a derivative at a stated point", () => {
  const plan = (rhs: string, symbols: CellPlan["symbols"]): CellPlan => ({kind: "derivation", latex: rhs, equations: [{lhs: "g", rhs}], symbols, counts: {}, seed: 1, notes: []});
  const value = (p: CellPlan): {got: Value; want: Value; c: CompiledFormula} => {
    const c = compilePlan(p);
    const want = runPlan(p).equations[0];
    expect(want.error).toBeUndefined();
    return {got: load(c)[c.functions[0].name](argumentsOf(c, bindingsOf(p.symbols))), want: want.value!, c};
  };
  test("binds the point's names (one value, a named tuple, a value computed from the inputs) and equals runPlan", () => {
    // d/dw (w² + 3w) at w = 1 is 5, whatever w the cell holds
    const one = value(plan("\\left.\\frac{\\partial (w^2 + 3 w)}{\\partial w}\\right|_{w=1}", [{key: "w", value: 4, role: "scalar"}]));
    expect(one.c.source).toContain("((w: number) => grad((w: number) => w ** 2 + 3 * w, w))(1)");
    expect(one.got).toBeCloseTo(5, 8);
    expect(close(one.got, one.want, 1e-9, 1e-12)).toBe(true);
    // ∂(w b + b²)/∂b = w + 2b at (w, b) = (2, 3): 8
    const two = value(plan("\\left.\\frac{\\partial (w b + b^2)}{\\partial b}\\right|_{(w,b)=(2,3)}", [{key: "w", value: -1, role: "scalar"}, {key: "b", value: 0.5, role: "scalar"}]));
    expect(two.got).toBeCloseTo(8, 8);
    expect(close(two.got, two.want, 1e-9, 1e-12)).toBe(true);
    // ∂(a w²)/∂w = 2 a w at w = a + 1 with a = 2: 12
    const three = value(plan("\\left.\\frac{\\partial (a w^2)}{\\partial w}\\right|_{w = a + 1}", [{key: "a", value: 2, role: "scalar"}, {key: "w", value: 0, role: "scalar"}]));
    expect(three.got).toBeCloseTo(12, 8);
    expect(close(three.got, three.want, 1e-9, 1e-12)).toBe(true);
    expect(typeCheckGenerated([one.c.source, two.c.source, three.c.source])).toEqual([]);
  }, 60_000);
  test("a bare tuple (the parameters of a definition the generator has not got) is refused, not guessed", () => {
    expect(() => compilePlan(plan("\\left.\\frac{\\partial (w b)}{\\partial b}\\right|_{(2,3)}", [{key: "w", value: 1, role: "scalar"}, {key: "b", value: 1, role: "scalar"}]))).toThrow(CodegenError);
  });
  test("an update rule whose gradient is stated at the previous iterate compiles, and its iterates are runPlan's", async () => {
    const md = "# 动量\n\n## 更新规则\n\n$$\n\\begin{aligned}\ng_t &= \\left.\\frac{\\partial (x^2)}{\\partial x}\\right|_{x = x_{t-1}} \\\\\nx_t &= x_{t-1} - \\eta g_t\n\\end{aligned}\n$$\n";
    const r = (await analyzeChapter(extractMathBlocks(md, "rule.md"), {seed: 3})).find((x) => x.plan?.kind === "recurrence");
    expect(r, "the rule is read as a recurrence").toBeDefined();
    const c = compilePlan(r!.plan!);
    const args: Record<string, Value> = {steps: 5};
    for (const p of c.params) args[p.name] = r!.plan!.recurrence!.hyper[p.key] ?? 0.1;
    const got = load(c)[c.recurrence!.iterates](args) as unknown as {w: number[]}[];
    const want = runPlan(r!.plan!, r!.plan!.symbols, 5).iterates!;
    expect(got.length).toBe(want.length);
    got.forEach((it, k) => expect(close(it.w, want[k].w, 1e-9, 1e-12)).toBe(true));
    expect(typeCheckGenerated([c.source])).toEqual([]);
  }, 60_000);
});

describe("the runtime's new functions by hand", () => {
  const R = RUNTIME as unknown as Record<string, (...a: Value[]) => Value>;
  test("cases: the first branch that holds, entrywise, scalars broadcast, NaN where none holds", () => {
    expect(R.cases([1, 2, 3], [1, 0, 0], 10, [0, 1, 0])).toEqual([1, 10, NaN]);
    expect(R.cases(5, 0, 7, 1)).toBe(7);
    expect(R.cases([[1, 2]], 1)).toEqual([[1, 2]]);
    expect(() => R.cases(1, 1, 2)).toThrow(/pairs/);
  });
  test("comparisons are 0/1 entrywise; and needs both", () => {
    expect(R.lt([1, 2, 3], 2)).toEqual([1, 0, 0]);
    expect(R.le([1, 2, 3], 2)).toEqual([1, 1, 0]);
    expect(R.gt(3, [1, 3])).toEqual([1, 0]);
    expect(R.ge([[1, 2]], [2, 2])).toEqual([[0, 1]]);
    expect(R.eq(2, 2)).toBe(1);
    expect(R.neq(2, 2)).toBe(0);
    expect(R.and([1, 0, 2], [3, 1, 0])).toEqual([1, 0, 0]);
  });
  test("diag, floor, ceil, softplus, sign", () => {
    expect(R.diag([1, 2])).toEqual([[1, 0], [0, 2]]);
    expect(R.diag([[1, 2], [3, 4], [5, 6]])).toEqual([1, 4]);
    expect(R.diag(3)).toEqual([[3]]);
    expect(R.floor([-1.5, 2.5])).toEqual([-2, 2]);
    expect(R.ceil([-1.5, 2.5])).toEqual([-1, 3]);
    expect(R.softplus(0)).toBeCloseTo(Math.LN2, 15);
    expect(R.softplus(800)).toBe(800);
    expect(R.softplus(-800)).toBe(0);
    expect(R.sign([-3, 0, 2])).toEqual([-1, 0, 1]);
  });
  test("erfOf, Phi and factorialOf are special.ts's erf, Φ and n!, entrywise", () => {
    expect(R.erfOf([0.5, -1])).toEqual([erf(0.5), erf(-1)]);
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 14);
    expect(R.Phi(0)).toBe(0.5);
    expect(R.Phi([1.959963984540054])).toEqual([normalCdf(1.959963984540054)]);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 12);
    expect(R.factorialOf([0, 5, 10])).toEqual([1, 120, 3628800]);
    expect(R.factorialOf(0.5)).toBe(factorial(0.5));
  });
});

describe("the sandbox runtime carries the new functions", () => {
  const strip = (code: string) => transform(code, {transforms: ["typescript"], disableESTransforms: true}).code;
  test("Huber, GELU (erf), Φ, the softmax Jacobian and n! give the page's values in QuickJS", () => {
    for (const name of ["huber", "gelu erf", "gelu Phi", "softmax jacobian", "poisson", "hinge"]) {
      const r = found[name];
      const c = compilePlan(r.plan!, {line: r.line});
      // n! at an integer (Γ of a non-integer needs special.ts's LANCZOS: the known gap below)
      const symbols = r.plan!.symbols.map((s) => (name === "poisson" && s.key === "k" ? {...s, value: 4} : s));
      const args = argumentsOf(c, bindingsOf(symbols));
      const job = codeJob(c.source, c, args);
      const o = runJobSync({...job, code: strip(job.code)});
      expect(o.status, `${name}: ${o.error ?? ""}`).toBe("ok");
      expect(o.result!.tests.filter((t) => !t.passed).map((t) => t.message), name).toEqual([]);
      const got = jobValues(o.result!.output)[c.functions[0].name] as Value;
      expect(close(got, runPlan({...r.plan!, symbols}).equations[c.functions[0].equation].value!, 1e-12, 1e-12), name).toBe(true);
    }
  });
  const erfJob = (x: number[]) => {
    const plan: CellPlan = {kind: "expression", latex: "", equations: [{lhs: "y", rhs: "\\text{erf}(x) + \\Phi(x)"}], symbols: [{key: "x", value: x, role: "vector"}], counts: {}, seed: 1, notes: []};
    const c = compilePlan(plan);
    const job = codeJob(c.source, c, argumentsOf(c, bindingsOf(plan.symbols)));
    const o = runJobSync({...job, code: strip(job.code)});
    expect(o.status, o.error ?? "").toBe("ok");
    expect(o.result!.tests.filter((t) => !t.passed).map((t) => t.message)).toEqual([]);
    expect(jobValues(o.result!.output).y).toEqual(x.map((v) => erf(v) + normalCdf(v)));
  };
  test("erf and Φ in the sandbox on the series (|x| ≤ 3), bit for bit the page's", () => erfJob([0.3, -2.9]));
  // KNOWN GAP: erf beyond |x| = 3 calls special.ts's erfcLarge, and Γ (n! of a non-integer) its LANCZOS table, which
  // special.ts does not export, so the sandbox lacks them. Exporting both there makes this pass: then drop `.fails`.
  test("erf in the sandbox beyond |x| = 3 (the continued fraction)", () => erfJob([4.2]));
});

describe("corpus: executed formulas with a TypeScript view", () => {
  test("test/corpus + test/corpus-heldout/formula-*: compiled / executed: 3102 / 3216 (on the first three sets, 595 / 649; 583 / 649 before cases, comparisons, ⌊⌋, n!, erf, Φ, diag and derivatives at a point compiled)", async () => {
    const dirs = ["test/corpus", ...readdirSync("test/corpus-heldout").filter((d) => d.startsWith("formula")).map((d) => `test/corpus-heldout/${d}`)];
    let executed = 0, compiled = 0;
    for (const dir of dirs)
      for (const f of readdirSync(dir).filter((x) => x.endsWith(".md")).sort()) {
        const file = join(dir, f);
        for (const r of await analyzeChapter(extractMathBlocks(readFileSync(file, "utf8"), file), {seed: 1})) {
          if (r.status === "not-executable" || !r.plan) continue;
          executed++;
          if (compileOrUndefined(r.plan, r.line)) compiled++;
        }
      }
    console.log(`BENCH codegen-view compiled=${compiled} executed=${executed}`);
    expect(executed).toBeGreaterThan(200);
    expect(compiled).toBeGreaterThanOrEqual(COMPILED_FLOOR);
  }, 900_000);
});

/**
 * Measured when it was written: 595 of 649 executed formulas compiled (the other 54 are ones the interpreter cannot
 * evaluate either: bare tuples, indices without a range); over the 13 formula corpora of the eighth session, 3102 of
 * 3216. A regression in the code generator lowers it.
 */
const COMPILED_FLOOR = 3102;
