/**
 * FormulaCell in headless Chromium: every report of chapter 000 rendered from its JSON, with the stylesheet;
 * no page errors, no network, KaTeX corrections, live recomputation on typing. The bundle must not pull tf.js
 * (the cell is pure; only the generator-time checker uses tf).
 */
import * as tf from "@tensorflow/tfjs";
import {build} from "esbuild";
import {copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {analyzeChapter, type FormulaReport} from "../components/formula/analyze.js";
import {extractMathBlocks} from "../components/formula/extract.js";
import {type BookSession, startBook} from "./browser/harness.js";

let dir: string;
let book: BookSession;
let reports: FormulaReport[];
let bundleBytes = 0;
let bundleText = "";

beforeAll(async () => {
  await tf.setBackend("cpu");
  reports = await analyzeChapter(extractMathBlocks(readFileSync("chapters/000_69b8ff2c9c828ca6.md", "utf8"), "000.md"), {seed: 1});
  dir = mkdtempSync(join(tmpdir(), "formula-cell-"));
  writeFileSync(join(dir, "entry.ts"), `
import {FormulaCell} from ${JSON.stringify(resolve("components/widgets/FormulaCell.ts"))};
const reports = ${JSON.stringify(reports)};
const main = document.getElementById("main")!;
for (const r of reports) main.append(FormulaCell(r));
main.append(FormulaCell({id: "broken", line: 1, status: "executable", plan: {kind: "recurrence", latex: "w = ", equations: [], symbols: [], counts: {}, seed: 1, notes: [], recurrence: {hyper: {}, objective: {a: [1], c: [0]}, w0: [1], steps: 3}}} as any));
(window as any).ready = true;
`);
  await build({entryPoints: [join(dir, "entry.ts")], bundle: true, format: "esm", outfile: join(dir, "app.js"), logLevel: "silent", nodePaths: [resolve("node_modules")]});
  bundleBytes = statSync(join(dir, "app.js")).size;
  bundleText = readFileSync(join(dir, "app.js"), "utf8");
  copyFileSync("components/widgets/formula-cell.css", join(dir, "formula-cell.css"));
  copyFileSync("node_modules/katex/dist/katex.min.css", join(dir, "katex.min.css"));
  cpSync("node_modules/katex/dist/fonts", join(dir, "fonts"), {recursive: true});
  writeFileSync(join(dir, "index.html"), `<!doctype html><meta charset="utf-8"><title>cells</title><link rel="stylesheet" href="./katex.min.css"><link rel="stylesheet" href="./formula-cell.css"><main id="main"></main><script type="module" src="./app.js"></script>`);
  book = await startBook(dir);
}, 120_000);
afterAll(async () => {
  await book?.close();
  if (dir) rmSync(dir, {recursive: true, force: true});
});

describe("FormulaCell in Chromium", () => {
  test("the bundle is tf-free", () => {
    expect(bundleText).not.toMatch(/@tensorflow|tfjs-core/);
    expect(bundleBytes).toBeGreaterThan(10_000);
  });

  test("renders every report of 000, recomputes on typing, shows errors in place", async () => {
    const {page, report} = await book.open("/", {waitFor: ".gb-cell"});
    await page.waitForFunction(() => (window as unknown as {ready?: boolean}).ready === true);
    expect(await page.locator(".gb-cell").count()).toBe(reports.length + 1);
    expect(await page.locator(".gb-badge--bad").count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator(".gb-cell__corrected .katex").count()).toBe(2);
    const mse = page.locator('.gb-cell[data-status="verified"]').first();
    // A verified cell is folded to its verdict: one click opens it.
    expect(await mse.locator(".gb-cell__symbol input").first().isVisible()).toBe(false);
    await mse.locator("summary").click();
    const before = await mse.locator(".gb-cell__result .gb-cell__number").innerText();
    const input = mse.locator(".gb-cell__symbol input").first();
    await input.fill("7");
    const after = await mse.locator(".gb-cell__result .gb-cell__number").innerText();
    expect(after).not.toBe(before);
    expect(await mse.locator(".gb-cell__reference .gb-badge--ok").count()).toBe(1);
    expect(await page.locator(".gb-cell").last().locator(".gb-cell__error").innerText()).toMatch(/.+/);
    const width = await page.locator(".gb-cell").first().evaluate((e) => getComputedStyle(e).borderRadius);
    expect(width).toBe("6px");
    expect(report.pageErrors).toEqual([]);
    expect(report.consoleErrors).toEqual([]);
    expect(report.externalRequests).toEqual([]);
    await page.close();
  });
});
