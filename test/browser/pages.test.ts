import {existsSync, readFileSync} from "node:fs";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {ENGLISH_UI} from "../i18n-ui.js";
import {type BookSession, startBook} from "./harness.js";

const toc = JSON.parse(readFileSync("book/.gradbook/toc.json", "utf-8")) as {parts: {path: string; pages: {path: string}[]}[]; pages?: {path: string}[]};
const paths = ["/", "/report", ...(toc.pages ?? []).map((p) => p.path), ...toc.parts.flatMap((p) => [p.path, ...p.pages.map((x) => x.path)])];

// Framework 1.13 renders its sidebar sections as <details> directly inside an <ol> ("list"): upstream, not ours.
const UPSTREAM = new Set(["list"]);
const axeSource = readFileSync("node_modules/axe-core/axe.min.js", "utf-8");

/** axe-core's serious and critical violations on the page as it is now (upstream exceptions left out). */
async function axeViolations(page: import("playwright-core").Page): Promise<string[]> {
  // Not addScriptTag: an inline <script> is refused by the page's Content-Security-Policy (scripts/csp.ts), as it should be.
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const r = await (window as unknown as {axe: {run(d: Document, o: object): Promise<{violations: {id: string; impact: string; nodes: {target: string[]}[]}[]}>}}).axe.run(document, {resultTypes: ["violations"]});
    return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")}`);
  });
  return found.filter((v) => !UPSTREAM.has(v.split(":")[0]));
}

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
  test.each(paths)("%s loads with no console error, failed or external request, no sideways scroll at 390 px, no English UI, axe clean in light and dark", async (path) => {
    const {page, report} = await book.open(path, {waitFor: "#observablehq-main"});
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("zh-CN");
    // What the widgets wrote once they ran, without the chapters' own text, code and math (the author's report aside).
    const ui = path === "/report" ? "" : await page.evaluate(() => {
      const root = document.body.cloneNode(true) as HTMLElement;
      root.querySelectorAll("script, style, pre, code, .katex, .gb-block, .gb-title, .gb-src, .gb-part-sections, .gb-sections, .observablehq-link, .observablehq-secondary-link, .cm-editor, .gb-ex-prompt, .gb-ex-hints")
        .forEach((e) => e.remove());
      const attrs = [...root.querySelectorAll("[aria-label], [placeholder], [title]")].map((e) => ["aria-label", "placeholder", "title"].map((a) => e.getAttribute(a) ?? "").join("\n"));
      return [root.textContent ?? "", ...attrs].join("\n");
    });
    const english = ENGLISH_UI.filter((w) => ui.split("\n").some((l) => w.re.test(l))).map((w) => w.s);
    expect(english.join(", "), `${path} shows English UI text`).toBe("");
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({colorScheme: scheme});
      await page.waitForTimeout(100);
      expect((await axeViolations(page)).join("\n"), `${path} in ${scheme}`).toBe("");
    }
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
  }, 90_000);
});
