// @vitest-environment jsdom
/**
 * FormulaCell on an update rule with its compiled code (as the page builds it): the iterates table is what the
 * generated `iterates` returns (an edited function shows its own numbers), the hyper-parameter inputs drive it, and
 * the "TypeScript 代码" tab shows step/gradient/loop in CodeMirror; Run (QuickJS behind a Worker, as the page's
 * sandbox worker runs it) shows the iterates as the same table, and an edit in the editor changes them. The comments follow the
 * book's language.
 */
import * as tf from "@tensorflow/tfjs";
import {transform} from "sucrase";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {analyzeChapter, type FormulaReport} from "../components/formula/analyze.js";
import {compilePlan, type CompiledFormula} from "../components/formula/codegen.js";
import {extractMathBlocks} from "../components/formula/extract.js";
import {runPlan} from "../components/formula/runPlan.js";
import {RUNTIME} from "../components/formula/tsRuntime.js";
import type {Value} from "../components/formula/values.js";
import {setLanguage} from "../components/i18n/index.js";
import type {Job} from "../components/homework/harness.js";
import {FormulaCell, formatValue, type CompiledCell} from "../components/widgets/FormulaCell.js";
import {loadQuickJS} from "../components/homework/quickjs.js";
import {runJobInQuickJS} from "../components/homework/sandbox.js";

const DOC = String.raw`# Look-ahead

## Algorithm

$$
z_{t+1} = \gamma z_t + \alpha \nabla_\psi E(\psi_t - \gamma z_t) \\
\psi_{t+1} = \psi_t - z_{t+1}
$$
`;

let rule: FormulaReport;

/** The page's cell: the generated JavaScript given the runtime (formulaEnricher does the same in the page). */
function compiledCell(code: CompiledFormula, js = code.js): CompiledCell {
  const names = Object.keys(RUNTIME);
  const run = new Function(...names, `"use strict";\n${js}\nreturn {${code.functions.map((f) => f.name).join(", ")}};`)(...names.map((n) => RUNTIME[n]));
  return {code, run: run as Record<string, (args: Record<string, Value>) => Value>};
}

let quickjs: Awaited<ReturnType<typeof loadQuickJS>>;

/** A Worker doing what the page's sandbox worker does (browserWorker.ts): types stripped, the job run in QuickJS. */
class QuickJSWorker {
  onmessage: ((e: {data: unknown}) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  postMessage({nonce, job, limits}: {nonce: string; job: Job; limits: object}): void {
    const outcome = runJobInQuickJS(quickjs, {...job, code: transform(job.code, {transforms: ["typescript"], disableESTransforms: true}).code}, limits);
    setTimeout(() => this.onmessage?.({data: {nonce, outcome}}), 0);
  }
  terminate(): void {}
}

beforeAll(async () => {
  await tf.setBackend("cpu");
  quickjs = await loadQuickJS();
  rule = (await analyzeChapter(extractMathBlocks(DOC, "doc.md"), {seed: 1})).find((r) => r.plan?.kind === "recurrence")!;
  (globalThis as {Worker?: unknown}).Worker = QuickJSWorker;
  // jsdom lays nothing out; CodeMirror measures text ranges after an edit (zero-sized rectangles are enough).
  const range = Range.prototype as unknown as {getClientRects?: () => unknown; getBoundingClientRect?: () => unknown};
  range.getClientRects ??= () => Object.assign([], {item: () => null});
  range.getBoundingClientRect ??= () => ({x: 0, y: 0, width: 0, height: 0, top: 0, left: 0, right: 0, bottom: 0});
});
afterAll(() => setLanguage("zh-CN"));

const rows = (el: Element) => [...el.querySelectorAll("tr")].slice(1).map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent));
const until = async (f: () => boolean) => {
  for (let k = 0; k < 200 && !f(); k++) await new Promise((r) => setTimeout(r, 25));
  expect(f()).toBe(true);
};

describe("FormulaCell with an update rule's TypeScript", () => {
  test("the iterates table comes from the compiled code: as printed it is runPlan's, an edited function shows its own", () => {
    const code = compilePlan(rule.plan!, {line: rule.line});
    const cell = FormulaCell(rule, {compiled: compiledCell(code)});
    expect(cell.dataset.compiled).toBe("true");
    const table = cell.querySelector(".gb-cell__out .gb-cell__iterates")!;
    // By hand (E(w) = ½(w₁ − 1)² + 2(w₂ + 1)², α = 0.1, γ = 0.9): ψ₁ = (−1.25, 0.5), ψ₂ = (−0.8225, −0.64).
    expect(rows(table).slice(0, 3).map((r) => r[1])).toEqual([formatValue([-1.5, 1.5]), formatValue([-1.25, 0.5]), formatValue([-0.8225, -0.64])]);
    expect(cell.value!.iterates).toEqual(runPlan(rule.plan!).iterates);
    // Double α in the function the page runs: the table follows the code (z₁ = (−0.5, 2), ψ₁ = (−1, −0.5)).
    const js = code.js.replace("mul(alpha, gradE(", "mul(2 * alpha, gradE(");
    expect(js).not.toBe(code.js);
    const edited = FormulaCell(rule, {compiled: compiledCell(code, js)});
    expect(rows(edited.querySelector(".gb-cell__iterates")!)[1][1]).toBe(formatValue([-1, -0.5]));
    // γ = 0 in the cell's input: plain gradient descent, ψ₂ = ψ₁ − α∇E(ψ₁) = (−1.025, −0.1).
    const gamma = [...cell.querySelectorAll<HTMLElement>("[data-symbol]")].find((e) => e.dataset.symbol === "gamma")!.querySelector("input")!;
    gamma.value = "0";
    gamma.dispatchEvent(new Event("input", {bubbles: true}));
    expect(cell.value!.iterates![2].w.map((x) => Number(x.toFixed(12)))).toEqual([-1.025, -0.1]);
  });

  test("the tab shows step, gradient and loop; Run in the sandbox shows the same table; an edit in the editor changes it", async () => {
    const code = compilePlan(rule.plan!, {line: rule.line});
    const cell = FormulaCell(rule, {compiled: compiledCell(code), sandboxUrl: "sandbox-worker.js"});
    const toggle = cell.querySelector<HTMLButtonElement>(".gb-code__toggle")!;
    expect(toggle.textContent).toBe("TypeScript 代码");
    toggle.click();
    const view = (cell.querySelector(".gb-code") as HTMLElement & {editor?: {state: {doc: {toString(): string; length: number}}; dispatch(tr: unknown): void}}).editor!;
    const text = view.state.doc.toString();
    expect(text).toContain("export function step(state: State, hyper: Hyper): State {");
    expect(text).toContain("export function gradE(w: number[]): number[] {");
    expect(text).toContain("  for (let t = 1; t <= steps; t++) {");
    expect(text).toContain("// 迭代所用的演示目标函数：E(w) = ½ Σ_j a_j (w_j − c_j)²，a = [1, 4]，c = [1, -1]");
    const run = cell.querySelector<HTMLButtonElement>(".gb-code__run")!;
    run.click();
    await until(() => !!cell.querySelector(".gb-code__shown"));
    expect(cell.querySelector(".gb-code__status")?.textContent).toMatch(/^运行结果（\d+ ms）：$/);
    expect(rows(cell.querySelector(".gb-code__shown")!)).toEqual(rows(cell.querySelector(".gb-cell__out .gb-cell__iterates")!));
    const at = text.indexOf("mul(alpha, gradE(");
    view.dispatch({changes: {from: at, to: at + "mul(alpha".length, insert: "mul(2 * alpha"}});
    run.click();
    await until(() => rows(cell.querySelector(".gb-code__shown") ?? cell)[1]?.[1] === formatValue([-1, -0.5]));
  }, 60_000);

  test("the code's comments are in the book's language (English book)", () => {
    setLanguage("en");
    const code = compilePlan(rule.plan!, {line: rule.line});
    expect(code.source).toContain("// line 5 of the chapter\n");
    expect(code.source).toContain("// The demo objective the iterates run on: E(w) = ½ Σ_j a_j (w_j − c_j)², a = [1, 4], c = [1, -1]");
    expect(code.source).not.toMatch(/[\u4e00-\u9fff]/);
    setLanguage("zh-CN");
  });
});
