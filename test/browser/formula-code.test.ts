/**
 * The TypeScript of a formula in the built book (Chromium): on 000's math page, a verified cell opens on click, its
 * "TypeScript 代码" toggle shows the compiled source in CodeMirror, Run gives the value the cell shows (computed in the
 * QuickJS worker), an edit changes it, an error names its line, Reset restores the code; a repeated formula is a link
 * to the first cell; at 390 px a vector stays one row and the page never scrolls sideways.
 */
import {existsSync, readFileSync} from "node:fs";
import type {Locator, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {type BookSession, startBook} from "./harness.js";

const toc = JSON.parse(readFileSync("book/.gradbook/toc.json", "utf-8")) as {parts: {path: string; file?: string; pages: {path: string}[]}[]};
const mathPage = toc.parts[0].pages.map((p) => p.path).find((p) => /\/math$/.test(p))!;

let book: BookSession;
beforeAll(async () => {
  if (!existsSync("dist/index.html")) throw new Error("dist/ is missing: run npm run build first (npm test does)");
  book = await startBook("dist");
});
afterAll(async () => book?.close());

/** Replaces the editor's text through CodeMirror's own API (the view is kept on the element). */
async function setCode(code: Locator, edit: (text: string) => string): Promise<void> {
  const text = await code.evaluate((e) => (e as HTMLElement & {editor: {state: {doc: {toString(): string}}}}).editor.state.doc.toString());
  const next = edit(text);
  await code.evaluate((e, t) => {
    const v = (e as HTMLElement & {editor: {state: {doc: {length: number}}; dispatch(x: unknown): void}}).editor;
    v.dispatch({changes: {from: 0, to: v.state.doc.length, insert: t}});
  }, next);
}

const axeSource = readFileSync("node_modules/axe-core/axe.min.js", "utf-8");

/** axe-core's serious and critical violations inside the element matching selector. */
async function axeOn(page: Page, selector: string): Promise<string[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async (sel) => {
    const axe = (window as unknown as {axe: {run(c: Element, o: object): Promise<{violations: {id: string; impact: string}[]}>}}).axe;
    const r = await axe.run(document.querySelector(sel)!, {resultTypes: ["violations"]});
    return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id);
  }, selector);
}

const numberOf = async (l: Locator) => Number((await l.innerText()).trim());

async function openMse(page: Page): Promise<Locator> {
  const cell = page.locator('.gb-cell[data-compiled="true"][data-status="verified"]').first();
  await cell.locator("summary").click();
  return cell;
}

describe("a formula's TypeScript in the page", () => {
  test("toggle, Run in the sandbox, edit, error with its line, reset", async () => {
    const {page, report} = await book.open(mathPage, {waitFor: ".gb-cell"});
    const cell = await openMse(page);
    const shown = await numberOf(cell.locator(".gb-cell__result .gb-cell__number").first());
    await cell.locator(".gb-code__toggle").click();
    const code = cell.locator(".gb-code");
    await code.locator(".cm-editor").waitFor();
    expect(await code.locator(".cm-content").innerText()).toMatch(/export function \w+\(\{/);
    // The open editor is readable in both schemes.
    await cell.evaluate((e) => e.setAttribute("data-axe-target", ""));
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({colorScheme: scheme});
      await page.waitForTimeout(100);
      expect(await axeOn(page, "[data-axe-target] .gb-code"), scheme).toEqual([]);
    }
    await page.emulateMedia({colorScheme: "light"});
    await code.locator(".gb-code__run").click();
    await code.locator(".gb-code__result").first().waitFor({timeout: 20_000});
    expect(await numberOf(code.locator(".gb-code__result .gb-cell__number").first())).toBeCloseTo(shown, 3);
    // Twice the value: the factor 1 / n becomes 2 / n.
    await setCode(code, (t) => t.replace("return 1 / n *", "return 2 / n *"));
    await code.locator(".gb-code__run").click();
    await page.waitForFunction((el) => /ms/.test(el?.querySelector(".gb-code__status")?.textContent ?? "") && !!el?.querySelector(".gb-code__result"), await code.elementHandle(), {timeout: 20_000});
    expect(await numberOf(code.locator(".gb-code__result .gb-cell__number").first())).toBeCloseTo(2 * shown, 2);
    // An unknown name: the error says its line (line 5: the return line under the import and the line comment).
    await setCode(code, (t) => t.replace("return 2 / n *", "return nothing *"));
    await code.locator(".gb-code__run").click();
    await page.waitForFunction((el) => /第 5 行出错/.test(el?.querySelector(".gb-code__status")?.textContent ?? ""), await code.elementHandle(), {timeout: 20_000});
    expect(await code.locator(".cm-lintRange-error, .cm-lint-marker-error").count()).toBeGreaterThan(0);
    await code.locator(".gb-code__reset").click();
    expect(await code.locator(".cm-content").innerText()).toContain("return 1 / n *");
    expect(report.pageErrors).toEqual([]);
    expect(report.consoleErrors).toEqual([]);
    expect(report.externalRequests).toEqual([]);
    await page.close();
  }, 90_000);

  test("curated: ids are unique, a repeated formula links to its first cell, a vector stays one row at 390 px", async () => {
    const {page, report} = await book.open(mathPage, {waitFor: ".gb-cell"});
    const ids = await page.locator(".gb-cell[id]").evaluateAll((els) => els.map((e) => e.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^formula-L\d+(-\d+)?$/.test(id))).toBe(true);
    const links = await page.locator(".gb-cell-ref a").evaluateAll((els) => els.map((e) => [e.getAttribute("href"), e.textContent]));
    expect(links.length).toBeGreaterThan(0);
    for (const [href, text] of links) {
      expect(ids).toContain(href!.slice(1));
      expect(text).toMatch(/^同上，见第 \d+ 行$/);
    }
    await page.setViewportSize({width: 390, height: 844});
    await page.waitForTimeout(200);
    const cell = await openMse(page);
    const vector = cell.locator(".gb-cell__value--vector").first();
    const [boxHeight, inputHeight] = await vector.evaluate((e) => [e.getBoundingClientRect().height, e.querySelector("input")!.getBoundingClientRect().height]);
    expect(boxHeight).toBeLessThan(2 * inputHeight);
    expect(await cell.locator(".gb-val__shape").first().innerText()).toMatch(/^\d+ 维向量$/);
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    expect(widths[0]).toBeLessThanOrEqual(widths[1]);
    expect(report.pageErrors).toEqual([]);
    expect(report.consoleErrors).toEqual([]);
    await page.close();
  }, 90_000);
});
