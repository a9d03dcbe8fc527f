/**
 * The formula enricher on documents written for this test (Chinese and English headings, varied notation): one cell
 * per distinct formula, a one-line link where a formula repeats on the page, no cell for a formula that only names a
 * symbol, stable ids, and the compiled TypeScript in the cell (generated code only, never chapter text).
 */
import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, test} from "vitest";
import {buildChapter, type ChapterModel} from "../src/chapter.js";
import {Diagnostics} from "../src/diagnostics.js";
import {FORMULA_IMPORTS, formulaEnricher, formulaReports} from "../src/formulaEnricher.js";
import {renderPage} from "../src/page.js";

function chapterFrom(text: string, name: string): ChapterModel {
  const diag = new Diagnostics(`${name}.md`);
  return buildChapter(new TextEncoder().encode(text), {file: `${name}.md`, slug: name}, 0, diag, `${name}.md`);
}

async function pageOf(text: string, name: string, kind = "math"): Promise<{page: string; chapter: ChapterModel}> {
  const chapter = chapterFrom(text, name);
  const plan = await formulaEnricher().plan!(chapter);
  const section = chapter.sections.find((s) => s.kind === kind)!;
  return {page: renderPage(chapter, section, plan), chapter};
}

const cells = (page: string) => [...page.matchAll(/```js\n(display\(Formula(Cell|Link)\([\s\S]*?)\n```/g)].map((m) => ({kind: m[2], code: m[1]}));
const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

const zh = `# 测试文档

## 数学模型和公式

均方误差：

$$
L = \\frac{1}{n} \\sum_{i=1}^{n} (y_i - \\hat{y}_i)^2
$$

其中 $y_i$ 是标签，$\\hat{y}_i$ 是预测。

$$
\\theta
$$

同一个损失，后文再写一次（空白不同）：

$$
L = \\frac{1}{n}\\sum_{i=1}^{n}(y_i - \\hat{y}_i)^2
$$

线性层：

$$
z = W x + b
$$

初值取

$$
w = 0
$$
`;

const en = `# A test document

## Mathematical model

The fit of a line $p_j = a u_j + c$:

$$
J(a, c) = \\frac{1}{2m} \\sum_{j=1}^{m} (a u_j + c - t_j)^2
$$

$$
\\alpha
$$

Again, as a reminder:

$$
J(a, c) = \\frac{1}{2m} \\sum_{j=1}^{m} (a u_j + c - t_j)^2
$$

$$
\\text{constructor} = \\text{fetch} + 1
$$
`;

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("curated formula cells on a page", () => {
  test("Chinese page: the repeated loss is one cell and a link to it; the bare symbol and the bare value have none; the matrix product has one", async () => {
    const {page, chapter} = await pageOf(zh, "zh");
    const found = cells(page);
    expect(found.map((c) => c.kind)).toEqual(["Cell", "Link", "Cell"]);
    const reports = await formulaReports(chapter);
    const first = reports.find((r) => r.line === lineOf(zh, "L = \\frac{1}{n} \\sum") || r.line === lineOf(zh, "L = \\frac{1}{n} \\sum") - 1)!;
    expect(first).toBeDefined();
    expect(found[0].code).toContain(`{id: "formula-L${first.line}"`);
    expect(found[1].code).toBe(`display(FormulaLink({"line":${first.line},"target":"formula-L${first.line}"}))`);
    // The report keeps the bare symbol: it is not executable, it only names θ.
    expect(reports.some((r) => r.status === "not-executable" && /names the symbol/.test(r.reason ?? ""))).toBe(true);
    // w = 0 states a value: nothing to change, no verdict, no cell (the report keeps it as executable).
    const w0 = reports.find((r) => r.line === lineOf(zh, "w = 0") || r.line === lineOf(zh, "w = 0") - 1);
    expect(w0?.status).toBe("executable");
    expect(found.some((c) => c.code.includes(`formula-L${w0!.line}`))).toBe(false);
    expect(page).toContain(FORMULA_IMPORTS.link);
  });

  test("English page with other letters: the same curation, and the hostile names reach the code only as safe identifiers", async () => {
    const {page} = await pageOf(en, "en");
    const found = cells(page);
    // The inline p_j = a u_j + c runs too (an executable inline formula keeps its cell).
    expect(found.map((c) => c.kind)).toEqual(["Cell", "Cell", "Link", "Cell"]);
    const hostile = found[3].code;
    const run = hostile.slice(hostile.indexOf("run: (() => {"));
    expect(run).toMatch(/function constructor_v\(\{fetch_v\}\) \{\n {2}return fetch_v \+ 1;\n\}/);
    // The page code outside the JSON holds no chapter text: no backslash, no quotes, no \text.
    const code = run.slice(0, run.indexOf("})()") + 4);
    expect(code).not.toMatch(/[\\"'`$]|text/);
  });

  test("the compiled cell: the runtime import, the functions defined in the cell and passed with their source", async () => {
    const {page} = await pageOf(zh, "zh2");
    const cell = cells(page)[0].code;
    expect(page).toContain(FORMULA_IMPORTS.runtime);
    expect(cell).toMatch(/run: \(\(\) => \{\nconst \{sum\} = gbFormulaRuntime;\nfunction L\(\{y, yHat, n\}\) \{\n {2}return 1 \/ n \* sum\(1, n, \(i\) => \(y\[i - 1\] - yHat\[i - 1\]\) \*\* 2\);\n\}\nreturn \{L\};\n\}\)\(\)/);
    expect(cell).toContain(`sandboxUrl: FileAttachment("../data/sandbox-worker.js").href`);
    // The source shown to readers is TypeScript with its types and the runtime import.
    const json = JSON.parse(cell.slice(cell.indexOf("code: ") + 6, cell.indexOf(", run: ")));
    expect(json.source).toContain(`export function L({y, yHat, n}: {y: number[]; yHat: number[]; n: number}): number {`);
    expect(json.functions).toEqual([{name: "L", equation: 0}]);
  });
});
