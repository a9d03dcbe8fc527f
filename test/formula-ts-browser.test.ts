/**
 * An update rule's TypeScript in the built book (Chromium): the first page with a compiled update rule shows its
 * iterates (computed by the generated code on the page), the "TypeScript 代码" toggle shows step/gradient/loop in
 * CodeMirror, Run in the QuickJS worker gives the same table, and doubling the step in the editor gives
 * w₁ = w₀ − 2α∇J(w₀) by hand. No page error, no console error, no request to another host.
 */
import {existsSync, readFileSync} from "node:fs";
import type {Locator} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {type BookSession, startBook} from "./browser/harness.js";

const toc = JSON.parse(readFileSync("book/.gradbook/toc.json", "utf-8")) as {parts: {path: string; pages: {path: string}[]}[]};
/** A page whose generated source holds a compiled update rule (its code object names `iterates`). */
const rulePage = toc.parts.flatMap((p) => p.pages.map((q) => q.path)).find((p) => existsSync(`book${p}.md`) && readFileSync(`book${p}.md`, "utf-8").includes(`"recurrence":{"iterates"`))!;

let book: BookSession;
beforeAll(async () => {
  if (!existsSync("dist/index.html")) throw new Error("dist/ is missing: run npm run build first (npm test does)");
  book = await startBook("dist");
});
afterAll(async () => book?.close());

const rowsOf = (table: Locator) => table.locator("tr").evaluateAll((trs) => trs.slice(1).map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")));

describe("an update rule's TypeScript in the page", () => {
  test("iterates from the compiled code; toggle, Run in the sandbox, an edit doubles the first step", async () => {
    expect(rulePage).toBeTruthy();
    const {page, report} = await book.open(rulePage, {waitFor: ".gb-cell--recurrence"});
    // The first compiled rule with one hyper-parameter (gradient descent: w ← w − α∇J).
    const cells = page.locator('.gb-cell--recurrence[data-compiled="true"]');
    let cell: Locator | undefined;
    for (let k = 0; k < (await cells.count()); k++) {
      if ((await cells.nth(k).locator("[data-symbol]").count()) !== 1) continue;
      cell = cells.nth(k);
      break;
    }
    expect(cell).toBeDefined();
    const alpha = Number(await cell!.locator("[data-symbol] input").inputValue());
    const shown = await rowsOf(cell!.locator(".gb-cell__out .gb-cell__iterates"));
    expect(shown.length).toBeGreaterThan(2);
    // J(w) = ½ Σ a_j (w_j − c_j)², a = (1, 4), c = (1, −1), w₀ = (−1.5, 1.5): ∇J(w₀) = (−2.5, 10).
    const w1 = JSON.parse(shown[1][1]) as number[];
    expect(w1[0]).toBeCloseTo(-1.5 + 2.5 * alpha, 3);
    expect(w1[1]).toBeCloseTo(1.5 - 10 * alpha, 3);
    await cell!.locator(".gb-code__toggle").click();
    const code = cell!.locator(".gb-code");
    await code.locator(".cm-editor").waitFor();
    const text = await code.evaluate((e) => (e as HTMLElement & {editor: {state: {doc: {toString(): string}}}}).editor.state.doc.toString());
    expect(text).toMatch(/export function step\(state: State, hyper: Hyper\): State \{/);
    expect(text).toMatch(/for \(let t = 1; t <= steps; t\+\+\) \{/);
    await code.locator(".gb-code__run").click();
    await code.locator(".gb-code__shown").waitFor({timeout: 20_000});
    expect(await rowsOf(code.locator(".gb-code__shown"))).toEqual(shown);
    const edited = text.replace(/mul\((\w+), gradient/, "mul(2 * $1, gradient");
    expect(edited).not.toBe(text);
    await code.evaluate((e, t) => {
      const v = (e as HTMLElement & {editor: {state: {doc: {length: number}}; dispatch(x: unknown): void}}).editor;
      v.dispatch({changes: {from: 0, to: v.state.doc.length, insert: t}});
    }, edited);
    await code.locator(".gb-code__run").click();
    await page.waitForFunction((el) => !!el && /ms/.test(el.querySelector(".gb-code__status")?.textContent ?? "") && !!el.querySelector(".gb-code__shown"), await code.elementHandle(), {timeout: 20_000});
    const doubled = JSON.parse((await rowsOf(code.locator(".gb-code__shown")))[1][1]) as number[];
    expect(doubled[0]).toBeCloseTo(-1.5 + 5 * alpha, 3);
    expect(doubled[1]).toBeCloseTo(1.5 - 20 * alpha, 3);
    expect(report.pageErrors).toEqual([]);
    expect(report.consoleErrors).toEqual([]);
    expect(report.externalRequests).toEqual([]);
    await page.close();
  }, 90_000);
});
