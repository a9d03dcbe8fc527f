// @vitest-environment jsdom
import * as tf from "@tensorflow/tfjs";
import {readFileSync} from "node:fs";
import {beforeAll, describe, expect, test} from "vitest";
import {analyzeChapter, type FormulaReport} from "../components/formula/analyze.js";
import {extractMathBlocks} from "../components/formula/extract.js";
import {mse} from "../components/math/mse.js";
import {FormulaCell, formatValue} from "../components/widgets/FormulaCell.js";

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
    expect(cell.querySelector(".gb-cell__reason")?.textContent).toBe("这个公式不能在页面上直接运行（原因列在构建报告里）。");
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
});
