import {existsSync, readFileSync} from "node:fs";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {type BookSession, startBook} from "./harness.js";

const toc = JSON.parse(readFileSync("book/.gradbook/toc.json", "utf-8")) as {parts: {path: string; pages: {path: string}[]}[]; pages?: {path: string}[]};
const paths = ["/", "/report", ...(toc.pages ?? []).map((p) => p.path), ...toc.parts.flatMap((p) => [p.path, ...p.pages.map((x) => x.path)])];

let book: BookSession;
beforeAll(async () => {
  if (!existsSync("dist/index.html")) throw new Error("dist/ is missing: run npm run build first (npm test does)");
  book = await startBook("dist");
});
afterAll(async () => book?.close());

describe("every built page in headless Chromium", () => {
  test("the book has at least 45 section pages", () => {
    expect(toc.parts.length).toBe(5);
    expect(toc.parts.flatMap((p) => p.pages).length).toBeGreaterThanOrEqual(45);
  });
  test.each(paths)("%s loads with no console error, failed or external request, and no sideways scroll at 390 px", async (path) => {
    const {page, report} = await book.open(path, {waitFor: "#observablehq-main"});
    const title = await page.title();
    expect(title.length).toBeGreaterThan(0);
    // A phone: nothing on the page is wider than the screen (formulas, tables and widgets scroll inside themselves).
    await page.setViewportSize({width: 390, height: 844});
    await page.waitForTimeout(150);
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    expect(widths[0], `${path} is ${widths[0]} px wide at 390 px`).toBeLessThanOrEqual(widths[1]);
    // KaTeX fonts are inlined: at least the main font face is usable once math is on the page.
    await page.close();
    expect(report.pageErrors).toEqual([]);
    expect(report.consoleErrors).toEqual([]);
    expect(report.failedRequests).toEqual([]);
    expect(report.externalRequests).toEqual([]);
  });
});
