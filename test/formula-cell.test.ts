// @vitest-environment jsdom
import * as tf from "@tensorflow/tfjs";
import {readFileSync} from "node:fs";
import {beforeAll, describe, expect, test} from "vitest";
import {analyzeChapter, type FormulaReport} from "../components/formula/analyze.js";
import {extractMathBlocks} from "../components/formula/extract.js";
import {mse} from "../components/math/mse.js";
import {compilePlan} from "../components/formula/codegen.js";
import {RUNTIME} from "../components/formula/tsRuntime.js";
import type {Value} from "../components/formula/values.js";
import {FormulaCell, formatValue, type CompiledCell} from "../components/widgets/FormulaCell.js";
import {FormulaLink} from "../components/widgets/FormulaLink.js";
import {FormulaValue} from "../components/widgets/FormulaValue.js";

/** A report's compiled cell as the page builds it (the generated functions, given the runtime). */
function compiledCell(r: FormulaReport): CompiledCell {
  const code = compilePlan(r.plan!, {line: r.line});
  const names = Object.keys(RUNTIME);
  const run = new Function(...names, `"use strict";\n${code.js}\nreturn {${[...new Set(code.functions.map((f) => f.name))].join(", ")}};`)(...names.map((n) => RUNTIME[n]));
  return {code, run};
}

let reports: FormulaReport[] = [];
const byLine = (line: number, status?: string) => reports.find((r) => r.line === line && (!status || r.status === status))!;

beforeAll(async () => {
  await tf.setBackend("cpu"); // the analysis runs in Node at generation time; jsdom has no WebGL
  reports = await analyzeChapter(extractMathBlocks(readFileSync("chapters/000_69b8ff2c9c828ca6.md", "utf8"), "000.md"), {seed: 1});
});

const num = (el: Element | null) => Number(el?.textContent);
const symbolInput = (cell: HTMLElement, key: string) =>
  [...cell.querySelectorAll<HTMLElement>("[data-symbol]")].find((e) => e.dataset.symbol === key)!.querySelector("input")!;

describe("FormulaCell(report)", () => {
  test("not executable: grey badge and the reason, no inputs", () => {
    const cell = FormulaCell(byLine(119));
    expect(cell.classList.contains("gb-cell")).toBe(true);
    expect(cell.querySelector(".gb-badge--na")).not.toBeNull();
    // The reader reads Chinese; the engine's reason stays on the element (and in /report) for authors.
    expect(cell.querySelector(".gb-cell__reason")?.textContent).toBe("页面上无法直接运行这个公式。");
    expect(cell.dataset.reason).toMatch(/^states a condition/);
    expect(cell.querySelector("input")).toBeNull();
  });

  test("MSE: value of the printed formula = mse(y, ŷ) by hand; editing an input recomputes; randomise keeps agreement", () => {
    const r = byLine(69);
    const cell = FormulaCell(r);
    expect(cell.querySelector(".gb-badge--ok")).not.toBeNull();
    const sym = (k: string) => r.plan!.symbols.find((s) => s.key === k)!.value as number[];
    const y = sym("y"), yHat = sym("\\hat{y}");
    const out = () => num(cell.querySelector(".gb-cell__result .gb-cell__number"));
    expect(out()).toBeCloseTo(mse(y, yHat), 3);
    expect(num(cell.querySelector(".gb-cell__reference .gb-cell__number"))).toBeCloseTo(mse(y, yHat), 3);
    // Set ŷ_1 = y_1 + 2: the first squared error becomes 4.
    const input = symbolInput(cell, "\\hat{y}");
    let events = 0;
    cell.addEventListener("input", () => events++);
    input.value = String(y[0] + 2);
    input.dispatchEvent(new Event("input", {bubbles: true}));
    const y2 = yHat.slice();
    y2[0] = y[0] + 2;
    expect(out()).toBeCloseTo(mse(y, y2), 3);
    expect(events).toBeGreaterThan(0);
    expect(cell.value?.reference?.agrees).toBe(true);
    cell.querySelector<HTMLButtonElement>(".gb-cell__randomise")!.click();
    expect(symbolInput(cell, "\\hat{y}").value).not.toBe(String(y[0] + 2));
    expect(cell.value?.reference?.agrees).toBe(true);
  });

  test("flagged derivative: ✗ badge, counterexample and the corrected LaTeX rendered with KaTeX", () => {
    const cell = FormulaCell(byLine(105));
    expect(cell.querySelector(".gb-badge--bad")).not.toBeNull();
    expect(cell.querySelector(".gb-cell__counterexample")?.textContent).toMatch(/按原文计算.*自动微分（tf\.grad）/s);
    // 000:105's whole expression has the wrong sign: said in Chinese, with the numbers the engine found.
    const verdict = cell.querySelector(".gb-cell__message")?.textContent ?? "";
    expect(verdict).toMatch(/^整个式子的符号反了：按原文算得 \[.*\]，自动微分给出 \[.*\]。$/);
    expect(verdict).not.toMatch(/[A-Za-z]{4,}/);
    expect(cell.querySelector(".gb-cell__corrected .katex")).not.toBeNull();
    // The live cell recomputes the stated value and the numerical gradient: they disagree (✗).
    expect(cell.value?.derivation?.agrees).toBe(false);
    const stated = cell.value!.derivation!.stated as number[], numeric = cell.value!.derivation!.numeric as number[];
    stated.forEach((s, j) => expect(s).toBeCloseTo(-numeric[j], 6));
  });

  test("update rule: the first iterates of GD on the demo quadratic, w_1 = w_0 - α a ⊙ (w_0 - c)", () => {
    const r = byLine(81);
    const cell = FormulaCell(r);
    const rows = cell.querySelectorAll(".gb-cell__iterates tr");
    expect(rows.length).toBe(1 + 1 + r.plan!.recurrence!.steps);
    const {a, c} = r.plan!.recurrence!.objective, w0 = r.plan!.recurrence!.w0, alpha = r.plan!.recurrence!.hyper.alpha;
    const w1 = w0.map((w, j) => w - alpha * a[j] * (w - c[j]));
    expect(cell.value!.iterates![1].w.map((x) => Number(x.toFixed(9)))).toEqual(w1.map((x) => Number(x.toFixed(9))));
    expect(rows[2].textContent).toContain(formatValue(w1));
  });

  test("never throws: a broken report and a plan that fails show the error inside the cell", () => {
    const broken = FormulaCell(null as unknown as FormulaReport);
    expect(broken.querySelector(".gb-cell__error")?.textContent).toBe("这个公式单元无法显示。");
    expect(broken.dataset.error).toMatch(/no formula report/);
    const bad: FormulaReport = {id: "x", line: 3, status: "executable", plan: {kind: "expression", latex: "q", equations: [{lhs: "z", rhs: "q + r"}], symbols: [{key: "q", value: 1, role: "scalar"}], counts: {}, seed: 1, notes: []}};
    const cell = FormulaCell(bad);
    expect(cell.querySelector(".gb-cell__result .gb-cell__error")?.textContent).toMatch(/unknown symbol r/);
  });

  test("formatValue rounds scalars, vectors and matrices", () => {
    expect(formatValue(1 / 3)).toBe("0.3333");
    expect(formatValue([1, 2.5])).toBe("[1, 2.5]");
    expect(formatValue([[1, 0.00001]])).toBe("[[1, 1.000e-5]]");
  });

  test("a verified cell is folded to its one-line verdict (opens on click), a flagged one is open", () => {
    const ok = FormulaCell(byLine(69));
    const fold = ok.querySelector<HTMLDetailsElement>("details.gb-cell__fold")!;
    expect(fold.open).toBe(false);
    expect(fold.querySelector("summary")?.textContent).toBe("✓ 已验证原文第 69 行与参考实现一致");
    fold.querySelector("summary")!.click();
    expect(fold.open).toBe(true);
    const bad = FormulaCell(byLine(105));
    expect(bad.querySelector<HTMLDetailsElement>("details.gb-cell__fold")!.open).toBe(true);
    // Not a verdict: an executable cell and a not-executable one are not folded.
    expect(FormulaCell(byLine(81)).querySelector("details")).toBeNull();
    expect(FormulaCell(byLine(119)).querySelector("details")).toBeNull();
  });

  test("with the compiled formula, the value as printed is the compiled function's; the reference still checks it", () => {
    const r = byLine(69);
    const compiled = compiledCell(r);
    let calls = 0;
    const run = {MSE: (args: Record<string, Value>) => (calls++, compiled.run.MSE(args))};
    const cell = FormulaCell(r, {compiled: {code: compiled.code, run}, id: "formula-L69"});
    expect(cell.id).toBe("formula-L69");
    expect(cell.dataset.compiled).toBe("true");
    expect(calls).toBe(1);
    const sym = (k: string) => r.plan!.symbols.find((s) => s.key === k)!.value as number[];
    expect(cell.value!.equations[0].value).toBeCloseTo(mse(sym("y"), sym("\\hat{y}")), 12);
    expect(cell.value!.reference!.agrees).toBe(true);
    // A compiled function that computes something else is what the cell shows, and the reference disagrees (✗).
    const wrong = FormulaCell(r, {compiled: {code: compiled.code, run: {MSE: () => 42}}});
    expect(wrong.querySelector(".gb-cell__result .gb-cell__number")?.textContent).toBe("42");
    expect(wrong.value!.reference!.agrees).toBe(false);
    // Editing an input recomputes through the compiled function.
    const input = symbolInput(cell, "\\hat{y}");
    input.value = String(sym("y")[0] + 2);
    input.dispatchEvent(new Event("input", {bubbles: true}));
    expect(calls).toBe(2);
    const y2 = sym("\\hat{y}").slice();
    y2[0] = sym("y")[0] + 2;
    expect(cell.value!.equations[0].value).toBeCloseTo(mse(sym("y"), y2), 12);
  });

  test("the TypeScript toggle: one click shows the compiled source in an editor; Run without a sandbox says so", async () => {
    // jsdom has no layout: CodeMirror measures text ranges, give it empty ones.
    const proto = Range.prototype as unknown as {getClientRects?: () => unknown; getBoundingClientRect?: () => unknown};
    proto.getClientRects ??= () => ({length: 0, item: () => null, [Symbol.iterator]: [][Symbol.iterator]});
    proto.getBoundingClientRect ??= () => ({x: 0, y: 0, width: 0, height: 0, top: 0, left: 0, right: 0, bottom: 0});
    const r = byLine(105);
    const cell = FormulaCell(r, {compiled: compiledCell(r)});
    const toggle = cell.querySelector<HTMLButtonElement>(".gb-code__toggle")!;
    expect(toggle.textContent).toBe("TypeScript 代码");
    expect(cell.querySelector<HTMLElement>(".gb-code__panel")!.hidden).toBe(true);
    toggle.click();
    expect(cell.querySelector<HTMLElement>(".gb-code__panel")!.hidden).toBe(false);
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    const editor = (cell.querySelector(".gb-code") as HTMLElement & {editor?: {state: {doc: {toString(): string}}}}).editor!;
    expect(editor.state.doc.toString()).toContain("export function dMSE_dw({y, w, x, n}: {y: number[]; w: number[]; x: number[][]; n: number}): number[] {");
    cell.querySelector<HTMLButtonElement>(".gb-code__run")!.click();
    await new Promise((r) => setTimeout(r, 0));
    expect(cell.querySelector(".gb-code__status")?.textContent).toBe("这一页没有运行代码的环境。");
  });

  test("vectors and matrices: bracketed, with their shape in the book's language", () => {
    const v = FormulaValue([1, 2.5, 3, 4]);
    expect(v.querySelector(".gb-val__vector")?.textContent).toBe("[1, 2.5, 3, 4]");
    expect(v.querySelector(".gb-val__shape")?.textContent).toBe("4 维向量");
    const m = FormulaValue([[1, 2, 3], [4, 5, 6]]);
    expect(m.querySelectorAll(".gb-val__row").length).toBe(2);
    expect([...m.querySelectorAll(".gb-val__row")].map((r) => [...r.children].map((c) => c.textContent))).toEqual([["1", "2", "3"], ["4", "5", "6"]]);
    expect(m.querySelector(".gb-val__shape")?.textContent).toBe("2×3 矩阵");
    expect(FormulaValue(0.5).textContent).toBe("0.5");
    // The inputs say their shape too (000:105 binds x as a 4×2 matrix, y as a 4-vector).
    const cell = FormulaCell(byLine(105));
    const shapeOf = (key: string) => [...cell.querySelectorAll<HTMLElement>("[data-symbol]")].find((e) => e.dataset.symbol === key)!.querySelector(".gb-val__shape")?.textContent;
    expect(shapeOf("x")).toBe("4×2 矩阵");
    expect(shapeOf("y")).toBe("4 维向量");
    document.documentElement.lang = "en";
    try {
      expect(FormulaValue([1, 2]).querySelector(".gb-val__shape")?.textContent).toBe("vector of 2");
      expect(FormulaLink({line: 69, target: "formula-L69"}).textContent).toBe("Same as above, see line 69");
    } finally {
      document.documentElement.lang = "";
    }
    const link = FormulaLink({line: 69, target: "formula-L69"}).querySelector("a")!;
    expect(link.getAttribute("href")).toBe("#formula-L69");
    expect(link.textContent).toBe("同上，见第 69 行");
    expect(FormulaLink({line: 1, target: "x\"><img>"}).querySelector("a")!.getAttribute("href")).toBe("#");
  });
});

describe("FormulaCell in the book's language", () => {
  test("the text's values are named for the reader, the engine's English notes stay on the element; an English book reads English", async () => {
    const md = "# T\n\n## 3. Algorithm\n\n$$\nr_t = \\rho r_{t-1} + (1 - \\rho) g_t^2 \\\\\n\\phi_t = \\phi_{t-1} - \\frac{\\kappa}{\\sqrt{r_t} + \\delta} g_t\n$$\n\n## 4. Example\n\nTake $\\kappa = 0.1$ and $\\rho = 0.9$.\n";
    const reports = await analyzeChapter(extractMathBlocks(md, "t.md"), {seed: 1});
    const zh = FormulaCell(reports[0]);
    expect(zh.querySelector(".gb-cell__notes")?.textContent).toBe("默认值取自原文：ρ = 0.9（第 12 行），κ = 0.1（第 12 行）");
    expect(zh.dataset.notes).toContain("the text's values");
    expect(zh.querySelector(".gb-cell__notes li")).toBeNull();
    document.documentElement.lang = "en";
    try {
      const en = FormulaCell(reports[0]);
      expect(en.querySelector(".gb-cell__notes")?.textContent).toBe("Defaults from the text: ρ = 0.9 (line 12), κ = 0.1 (line 12)");
      expect(en.querySelector(".gb-cell__reset")?.textContent).toBe("Reset");
      expect(en.textContent).not.toMatch(/[\u4e00-\u9fff]/);
    } finally {
      document.documentElement.lang = "";
    }
  });
});

describe("FormulaCell: values that are not finite", () => {
  test("a branch formula at inputs no branch covers says why in the book's language; inside a branch the value shows and the note goes", async () => {
    const md = "# T\n\n## 数学\n\n$$\nh_s = \\begin{cases} a s, & 0 \\le s \\le S \\\\ c, & s > S \\end{cases}\n$$\n";
    const [r] = await analyzeChapter(extractMathBlocks(md, "t.md"), {seed: 1});
    expect(r.status).toBe("executable");
    const cell = FormulaCell(r);
    const set = (key: string, v: number) => {
      const inp = symbolInput(cell, key);
      inp.value = String(v);
      inp.dispatchEvent(new Event("input", {bubbles: true}));
    };
    set("a", 2), set("c", 5), set("S", 3), set("s", -1);
    expect(cell.querySelector(".gb-cell__out")!.textContent).toContain("NaN");
    expect(cell.querySelector(".gb-cell__note")?.textContent).toContain("不是有限数");
    set("s", 2);
    expect(num(cell.querySelector(".gb-cell__out .gb-cell__number"))).toBe(4);
    expect(cell.querySelector(".gb-cell__note")).toBeNull();
  });
});
