/**
 * codegen.ts: every executed formula of the chapters and of test/corpus/ compiles to TypeScript whose functions agree
 * with the interpreter (runPlan) to 1e-9 at the defaults; the generated code type-checks under strict settings;
 * hostile symbol names become safe identifiers; the code an edited cell runs in the QuickJS sandbox gives the same values.
 */
import * as tf from "@tensorflow/tfjs";
import {readFileSync, readdirSync, rmSync} from "node:fs";
import {join} from "node:path";
import {transform} from "sucrase";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {analyzeChapter, type FormulaReport} from "../components/formula/analyze.js";
import {argumentsOf, codeJob, compilePlan, CodegenError, equationValues, identifier, jobValues, type CompiledFormula} from "../components/formula/codegen.js";
import {extractMathBlocks} from "../components/formula/extract.js";
import {bindingsOf, runPlan} from "../components/formula/runPlan.js";
import {RUNTIME, runtimeScript} from "../components/formula/tsRuntime.js";
import type {CellPlan} from "../components/formula/types.js";
import {close, type Value} from "../components/formula/values.js";
import {runJobSync} from "../grader/sandbox.js";
import {typeCheckGenerated} from "./typecheckGenerated.js";

const files = [
  ...readdirSync("chapters").filter((f) => f.endsWith(".md")).map((f) => join("chapters", f)),
  ...readdirSync("test/corpus").filter((f) => f.endsWith(".md")).map((f) => join("test/corpus", f))
];
const executed: {file: string; report: FormulaReport}[] = [];

beforeAll(async () => {
  await tf.setBackend("cpu");
  for (const file of files) {
    const reports = await analyzeChapter(extractMathBlocks(readFileSync(file, "utf8"), file), {seed: 1});
    for (const report of reports) if (report.status !== "not-executable" && report.plan) executed.push({file, report});
  }
}, 120_000);

/**
 * The compiled functions, made callable in the test: the generated JavaScript gets the runtime's functions as
 * parameters (the code is built from identifiers, numbers and punctuation only; see the alphabet test below).
 */
function load(c: CompiledFormula): Record<string, (args: Record<string, Value>) => Value> {
  const names = Object.keys(RUNTIME);
  const make = new Function(...names, `"use strict";\n${c.js}\nreturn {${c.functions.map((f) => f.name).join(", ")}};`);
  return make(...names.map((n) => RUNTIME[n]));
}

const compiledOf = (r: FormulaReport): CompiledFormula | undefined => {
  try {
    return compilePlan(r.plan!, {line: r.line});
  } catch (e) {
    if (e instanceof CodegenError) return undefined;
    throw e;
  }
};

describe("compilePlan on every executed formula (chapters + corpus)", () => {
  test("the compiled functions and runPlan agree to 1e-9 at the defaults; codegen refuses only what the interpreter cannot run", () => {
    let agreed = 0, refused = 0, recurrences = 0;
    const problems: string[] = [];
    for (const {file, report} of executed) {
      const plan = report.plan!;
      if (plan.kind === "recurrence") {
        recurrences++;
        continue;
      }
      const want = runPlan(plan);
      const c = compiledOf(report);
      if (!c) {
        refused++;
        // A plan the generator refuses is one whose printed value the interpreter cannot compute either.
        if (!want.equations.some((e) => e.error)) problems.push(`${file}:${report.line} refused but the interpreter runs it`);
        continue;
      }
      const fns = load(c);
      const args = argumentsOf(c, bindingsOf(plan.symbols));
      // An equation left out keeps the interpreter's value: only where the interpreter fails on it too.
      plan.equations.forEach((_, k) => {
        if (c.functions.some((f) => f.equation === k)) return;
        refused++;
        if (!want.equations[k].error) problems.push(`${file}:${report.line} equation ${k + 1} left out but the interpreter runs it`);
      });
      const returned: Record<string, unknown> = {};
      let err: string | undefined;
      try {
        for (const f of c.functions) returned[f.name] ??= fns[f.name](args);
      } catch (e) {
        err = (e as Error).message;
      }
      const values = equationValues(c, returned);
      for (const [k, f] of c.functions.entries()) {
        const w = want.equations[f.equation];
        const got = values[k].value as Value | undefined;
        if (w.error) {
          if (!err) problems.push(`${file}:${report.line} ${f.name}: the interpreter fails (${w.error}) but the compiled code gives ${JSON.stringify(got)}`);
        } else if (err || !close(got!, w.value!, 1e-9, 1e-12)) problems.push(`${file}:${report.line} ${f.name}: ${err ?? JSON.stringify(got)} vs ${JSON.stringify(w.value)}`);
        else agreed++;
      }
    }
    expect(problems).toEqual([]);
    // 000–004 and the 22 corpus documents: 220 equations compiled and equal; the rest refused (the interpreter fails on them too).
    expect(agreed).toBeGreaterThanOrEqual(220);
    expect(refused).toBeLessThanOrEqual(30);
    expect(recurrences).toBeGreaterThan(0);
  });

  test("the generated TypeScript type-checks with strict settings (zero diagnostics)", () => {
    const sources: string[] = [];
    for (const {report} of executed) {
      const c = compiledOf(report);
      // Each file is a module (its import line), so the function names of different formulas never collide.
      if (c) sources.push(c.runtime.length ? c.source : `export {};\n${c.source}`);
    }
    expect(sources.length).toBeGreaterThan(199);
    expect(typeCheckGenerated(sources)).toEqual([]);
  }, 120_000);

  test("readable code: MSE of 000 is a sum over i with 1-based entries, and its signature names the inputs", () => {
    const mse = executed.find(({file, report}) => file.includes("000_") && report.line === 69)!.report;
    const c = compilePlan(mse.plan!, {line: 69});
    expect(c.source).toBe(
      `import {sum} from "./tsRuntime.js";\n\n// 原文第 69 行\nexport function MSE({y, yHat, n}: {y: number[]; yHat: number[]; n: number}): number {\n  return 1 / n * sum(1, n, (i: number) => (y[i - 1] - yHat[i - 1]) ** 2);\n}\n`
    );
    // By hand: y, ŷ at the defaults.
    const y = mse.plan!.symbols.find((s) => s.key === "y")!.value as number[], yHat = mse.plan!.symbols.find((s) => s.key === "\\hat{y}")!.value as number[];
    const byHand = y.reduce((s, v, i) => s + (v - yHat[i]) ** 2, 0) / y.length;
    expect(load(c).MSE(argumentsOf(c, bindingsOf(mse.plan!.symbols)))).toBeCloseTo(byHand, 12);
  });
});

describe("matrix powers, as the interpreter reads A^k", () => {
  test("the inverse and integer powers by hand; a non-integer power is entrywise; a plan's (A^T A)^{-1} A^T y compiles to matpow and agrees", () => {
    const inverse = RUNTIME.inverse as unknown as (a: number[][]) => number[][];
    expect(inverse([[2, 1], [1, 1]])).toEqual([[1, -1], [-1, 2]]);
    const matpow = RUNTIME.matpow as unknown as (a: number[][], k: number) => number[][];
    expect(matpow([[1, 1], [0, 1]], 3)).toEqual([[1, 3], [0, 1]]);
    expect(matpow([[2, 1], [1, 1]], -2)).toEqual([[2, -3], [-3, 5]]);
    expect(matpow([[4, 9], [1, 16]], 0.5)).toEqual([[2, 3], [1, 4]]);
    expect(() => matpow([[1, 2], [2, 4]], -1)).toThrow(/singular/);
    const plan: CellPlan = {
      kind: "expression",
      latex: "",
      equations: [{lhs: "w", rhs: "(A^T A)^{-1} A^T y"}],
      symbols: [{key: "A", value: [[1, 2], [3, 4], [5, 7]], role: "matrix"}, {key: "y", value: [1, 0, 2], role: "vector"}],
      counts: {},
      seed: 1,
      notes: []
    };
    const c = compilePlan(plan);
    expect(c.js).toContain("matpow(matmul(transpose(A), A), -1)");
    const got = load(c).w(argumentsOf(c, bindingsOf(plan.symbols))) as number[];
    const want = runPlan(plan).equations[0].value as number[];
    expect(close(got, want, 1e-9, 1e-12)).toBe(true);
  });
});

describe("identifiers from untrusted symbol names", () => {
  test("Greek, accents, primes, subscripts and superscripts map to readable names", () => {
    const t = new Set<string>();
    expect(["\\hat{y}", "\\beta_1", "W^{(l)}", "y'", "\\mathbf{w}", "\\sigma_B", "\\mu_{\\text{run}}", "w^*", "d_k"].map((k) => identifier(k, t))).toEqual(["yHat", "beta_1", "W_l", "yPrime", "w", "sigma_B", "mu_run", "wStar", "d_k"]);
    // The same name twice gets a numbered second.
    expect(identifier("\\hat{y}", t)).toBe("yHat_2");
  });

  test("reserved words, globals, prototype names and runtime names get a fixed suffix; anything else is mangled", () => {
    const names = ["\\text{constructor}", "\\text{fetch}", "\\text{a*/b}", "\\mathrm{__proto__}", "\\text{return}", "\\text{sum}", "\\text{eval}", "\\text{</script>}", "\\text{${x}}", "\\text{`x`}", "1", "\\text{\"}"];
    const ids = names.map((k) => identifier(k, new Set()));
    expect(ids).toEqual(["constructor_v", "fetch_v", "a_b", "proto", "return_v", "sum_v", "eval_v", "script", "text_x", "x", "v_1", "v"]);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
  });

  test("a plan with hostile symbol names compiles to code of identifiers, numbers and punctuation only, and computes", () => {
    const plan: CellPlan = {
      kind: "expression",
      latex: "",
      // The parser reads \text{…} of letters only; the plan's keys are data, so hostile ones are given here too.
      equations: [{lhs: "\\text{constructor}", rhs: "\\text{fetch} + \\text{toString} \\cdot \\text{return}"}],
      symbols: [
        {key: "fetch", value: 2, role: "scalar"},
        {key: "toString", value: [1, 2], role: "vector"},
        {key: "return", value: [3, 4], role: "vector"},
        {key: "\\text{a*/b}", value: 5, role: "scalar"},
        {key: "\\mathrm{__proto__}", value: 6, role: "scalar"}
      ],
      counts: {},
      seed: 1,
      notes: []
    };
    const c = compilePlan(plan, {line: 7});
    expect(c.js).toBe("function constructor_v({fetch_v, toString_v, return_v}) {\n  return fetch_v + dot(toString_v, return_v);\n}\n");
    expect(c.params.map((p) => p.name)).toEqual(["fetch_v", "toString_v", "return_v", "a_b", "proto"]);
    expect(c.source).not.toMatch(/\\|text|__proto__|\*\/|[`$]/);
    expect(c.js).toMatch(/^[A-Za-z0-9_\s.,:;(){}[\]=>+\-*/]*$/);
    const value = load(c).constructor_v(argumentsOf(c, bindingsOf(plan.symbols)));
    expect(value).toBe(2 + 1 * 3 + 2 * 4);
    expect(runPlan(plan).equations[0].value).toBe(13);
  });

  test("non-finite literals and unknown functions are refused, not emitted", () => {
    const plan = (rhs: string): CellPlan => ({kind: "expression", latex: rhs, equations: [{lhs: "", rhs}], symbols: [{key: "x", value: 1, role: "scalar"}], counts: {}, seed: 1, notes: []});
    expect(() => compilePlan(plan("\\text{alert}(x)"))).toThrow(CodegenError);
    expect(() => compilePlan(plan("x + \\infty"))).toThrow(CodegenError);
    expect(compilePlan(plan("10^{-8} + x")).js).toBe("function value({x}) {\n  return 10 ** (-8) + x;\n}\n");
  });
});

describe("the edited code in the QuickJS sandbox (what Run does)", () => {
  const strip = (code: string) => ({code: transform(code, {transforms: ["typescript"], disableESTransforms: true}).code});
  let dir = "";
  afterAll(() => dir && rmSync(dir, {recursive: true, force: true}));

  test("the compiled code, unedited, gives the page's value in the sandbox (000:105's stated gradient, with ∇ŷ)", () => {
    const r = executed.find(({file, report}) => file.includes("000_") && report.line === 105)!.report;
    const c = compilePlan(r.plan!, {line: 105});
    expect(c.source).toContain("grad((w: number[]) => dot(w, x[i - 1]), w)");
    const args = argumentsOf(c, bindingsOf(r.plan!.symbols));
    const job = codeJob(c.source, c, args);
    const o = runJobSync({...job, ...strip(job.code)});
    expect(o.status).toBe("ok");
    expect(o.result!.tests.every((t) => t.passed)).toBe(true);
    const got = jobValues(o.result!.output)[c.functions[0].name] as number[];
    const want = runPlan(r.plan!).equations[0].value as number[];
    expect(got.length).toBe(want.length);
    got.forEach((g, j) => expect(g).toBeCloseTo(want[j], 12));
  }, 60_000);

  test("an edit changes the value; a runtime error names its line in the reader's code", () => {
    const r = executed.find(({file, report}) => file.includes("000_") && report.line === 69)!.report;
    const c = compilePlan(r.plan!, {line: 69});
    const args = argumentsOf(c, bindingsOf(r.plan!.symbols));
    const doubled = codeJob(c.source.replace("return 1 / n *", "return 2 / n *"), c, args);
    const o = runJobSync({...doubled, ...strip(doubled.code)});
    const want = runPlan(r.plan!).equations[0].value as number;
    expect(jobValues(o.result!.output).MSE as number).toBeCloseTo(2 * want, 12);
    const broken = codeJob(c.source.replace("return 1 / n *", "return nothing *"), c, args);
    const b = runJobSync({...broken, ...strip(broken.code)});
    expect(b.result!.tests[0].passed).toBe(false);
    expect(b.result!.tests[0].message).toMatch(/nothing.*\(line 5:\d+ of your code\)/);
  }, 60_000);

  test("the runtime as text holds every runtime function and nothing else", () => {
    const text = runtimeScript();
    for (const name of Object.keys(RUNTIME)) expect(text).toContain(`function ${name}(`);
    expect(text).not.toMatch(/\bimport\b|\bexport\b|\bfetch\b|\beval\b/);
  });
});
