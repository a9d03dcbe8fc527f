/**
 * An English book: test/fixtures/english-book (two chapters with English headings, formulas and code, no "language"
 * in book.json) generated and built like the real one (offline guard, search, CSP) in a temporary folder, then
 * read as files and in headless Chromium. Everything the book itself writes must be English: <html lang>, the
 * pager, the search box, the toc label, the home page's guide, the part pages; no CJK character in the chrome.
 */
import {spawnSync} from "node:child_process";
import {copyFileSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, relative, resolve} from "node:path";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {setLanguage} from "../components/i18n/index.js";
import {defaultEnrichers} from "../src/enrichers.js";
import {type GenerateResult, generateBook} from "../src/generate.js";
import {type BookSession, startBook} from "./browser/harness.js";

const here = process.cwd();
const fixture = resolve("test/fixtures/english-book");
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef]/u;
let dir = "";
let result: GenerateResult;
let book: BookSession | undefined;

function run(cmd: string, args: string[]): void {
  const env = {...process.env, OBSERVABLE_TELEMETRY_DISABLE: "1", NODE_OPTIONS: `--import=${join(here, "scripts/no-network.mjs")}`};
  const r = spawnSync(cmd, args, {cwd: dir, env, encoding: "utf-8", timeout: 400_000});
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${(r.stderr ?? "").slice(-3000)}`);
}

function htmlFiles(d: string): string[] {
  return readdirSync(d).flatMap((n) => {
    const p = join(d, n);
    if (statSync(p).isDirectory()) return n.startsWith("_") ? [] : htmlFiles(p);
    return n.endsWith(".html") ? [p] : [];
  });
}

/** The page's HTML without scripts, styles, code and math (what the book writes around the chapter's own text). */
const chrome = (html: string) => html.replace(/<(script|style|pre|code|annotation)\b[\s\S]*?<\/\1>/g, "");

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gb-english-"));
  for (const name of ["node_modules", "components", "data", "scripts"]) symlinkSync(join(here, name), join(dir, name));
  for (const name of ["observablehq.config.ts", "package.json"]) copyFileSync(join(here, name), join(dir, name));
  const enrichers = await defaultEnrichers(here, {exercisesDir: join(fixture, "exercises"), exercisesDisplayDir: "exercises"});
  result = await generateBook({root: here, chaptersDir: fixture, outDir: join(dir, "book"), enrichers});
  setLanguage("zh-CN");
  const bin = (n: string) => join(here, "node_modules/.bin", n);
  run(bin("tsx"), ["scripts/offline-cache.ts"]);
  run(bin("tsx"), ["scripts/vendor.ts"]);
  run(bin("observable"), ["build"]);
  run(bin("tsx"), ["scripts/search.ts", "dist"]);
  run(bin("tsx"), ["scripts/csp.ts", "dist"]);
  book = await startBook(join(dir, "dist"));
}, 600_000);
afterAll(async () => book?.close());

describe("an English book, generated and built", () => {
  test("the language is detected from the chapters (book.json sets none) and recorded in toc.json", () => {
    expect(JSON.parse(readFileSync(join(fixture, "book.json"), "utf-8")).language).toBeUndefined();
    expect(result.book.language).toBe("en");
    const toc = JSON.parse(readFileSync(join(dir, "book/.gradbook/toc.json"), "utf-8"));
    expect(toc.lang).toBe("en");
    expect(toc.labels).toMatchObject({toc: "Contents", sidebarToggle: "Toggle sidebar", prev: "Previous page", next: "Next page"});
    expect(toc.parts.map((p: {name: string}) => p.name)).toEqual(["1. Linear Regression with Gradient Descent", "2. Logistic Regression"]);
  });

  test("every built page says <html lang=\"en\"> and carries no CJK character outside code and math", () => {
    const files = htmlFiles(join(dir, "dist"));
    expect(files.length).toBeGreaterThanOrEqual(12);
    for (const f of files) {
      const html = readFileSync(f, "utf-8");
      expect(html, relative(dir, f)).toContain('<html lang="en">');
      if (f.endsWith("report.html")) continue; // the author's report quotes diagnostics, which may be bilingual
      const bad = chrome(html).match(new RegExp(`.{0,40}${CJK.source}.{0,40}`, "u"));
      expect(bad?.[0], relative(dir, f)).toBeUndefined();
    }
  });

  test("the home page's guide, the part page and the page chrome are English", () => {
    const home = readFileSync(join(dir, "dist/index.html"), "utf-8");
    expect(home).toContain("This interactive book was generated from 2 documents");
    expect(home).toContain("Part 2: Logistic Regression");
    expect(home).toContain("✓ verified");
    expect(home).not.toContain("./report"); // the report is for authors (npm run dev links it)
    const part = readFileSync(join(dir, "dist/logistic/index.html"), "utf-8");
    expect(part).toContain('<h1 class="gb-title">Logistic Regression</h1>');
    expect(part).toMatch(/This part has 5 pages; [1-5] of them let you try things:/);
    expect(part).toMatch(/Mathematical Model<\/a><span class="gb-interactive"> \(runnable formulas/);
    const math = readFileSync(join(dir, "dist/linear/math.html"), "utf-8");
    expect(math).toContain('<p class="gb-crumb" data-part="linear">Part 1 · <a href="./">Linear Regression with Gradient Descent</a></p>');
    expect(math).toContain('title="Toggle sidebar"');
    expect(math).toMatch(/<aside id="observablehq-toc"[^>]*>\s*<nav>\s*<div>Contents<\/div>/);
    expect(math).toContain("Gradients by Hand — works offline.");
  });

  test("in the browser: lang, the search box, the pager and its chapter name at a chapter boundary", async () => {
    const {page, report} = await book!.open("/linear/summary", {waitFor: "#gb-search input"});
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("en");
    expect(await page.getAttribute("#gb-search input", "placeholder")).toBe("Search the book");
    await page.fill("#gb-search input", "sigmoid");
    await page.waitForFunction(() => /pages? found/.test(document.querySelector(".gb-search-status")?.textContent ?? ""));
    const before = (sel: string) => page.$eval(sel, (a) => getComputedStyle(a, "::before").content);
    expect(await before("#observablehq-footer nav a[rel=prev]")).toBe('"Previous page"');
    expect(await before("#observablehq-footer nav a[rel=next]")).toBe('"Next page"');
    // The last page of part 1 leads into part 2: the link names that chapter.
    expect(await page.textContent("#observablehq-footer nav a[rel=next] .gb-pager-part")).toBe("2. Logistic Regression");
    expect(await page.locator("#observablehq-footer nav a[rel=prev] .gb-pager-part").count()).toBe(0);
    const chromeText = await page.evaluate(() => ["#observablehq-sidebar", "#observablehq-footer", "#observablehq-toc", ".gb-crumb"]
      .map((s) => document.querySelector(s)?.textContent ?? "").join("\n"));
    expect(chromeText).not.toMatch(CJK);
    expect(report.pageErrors).toEqual([]);
    expect(report.externalRequests).toEqual([]);
    await page.close();
  }, 60_000);

  test("the book opts in (\"executable\": true): the author's own ts cells run, the slider drives the next cell", async () => {
    const {page, report} = await book!.open("/linear/algorithm", {waitFor: "input[type=range]"});
    // Framework shows a displayed string inspected, in quotes
    // the innermost cell output holding it (the page's main container holds every cell's text too)
    const out = () => page.evaluate(() => [...document.querySelectorAll(".observablehq")].map((e) => e.textContent ?? "").filter((t) => t.includes("after 10 steps")).sort((a, b) => a.length - b.length)[0]);
    await page.waitForFunction(() => [...document.querySelectorAll(".observablehq")].some((e) => (e.textContent ?? "").includes("after 10 steps")));
    expect(await out()).toBe(`"after 10 steps the error is ${(0.8 ** 10).toFixed(4)} of what it was"`);
    // the author's code is shown with its output (echo)
    expect(await page.locator("pre", {hasText: "const shrink: number"}).count()).toBeGreaterThan(0);
    const rate = page.locator("form", {hasText: "learning rate"}).filter({has: page.locator("input[type=range]")}).first().locator("input[type=number]");
    await rate.fill("0.2");
    await rate.dispatchEvent("input");
    await page.waitForFunction((want) => [...document.querySelectorAll(".observablehq")].some((e) => (e.textContent ?? "").includes(want)), (0.6 ** 10).toFixed(4));
    expect(report.pageErrors).toEqual([]);
    expect(report.consoleErrors).toEqual([]);
    expect(report.externalRequests).toEqual([]);
    await page.close();
  }, 60_000);

  test("in the browser: the homework index and an exercise speak English", async () => {
    const {page} = await book!.open("/homework", {waitFor: ".gb-homework"});
    expect(await page.textContent("h1.gb-title")).toBe("Homework");
    expect(await page.textContent(".gb-hw-summary")).toMatch(/^\d+ exercises, 0 done;/);
    expect(await page.getAttribute(".gb-hw-student", "placeholder")).toBe("Student ID");
    const href = await page.getAttribute(".gb-hw-list a", "href");
    await page.close();
    const ex = await book!.open(`/${href!.replace(/^\.\//, "")}`.replace(/#.*/, ""), {waitFor: ".gb-exercise"});
    const first = ex.page.locator(".gb-exercise").first();
    expect(await first.locator(".gb-ex-run").textContent()).toBe("Run tests");
    expect(await first.locator(".gb-ex-title").textContent()).toMatch(/^Exercise: (Implement the formula on line \d+|The formula on line \d+ is wrong)/);
    expect(await first.locator(".gb-ex-prompt").textContent()).not.toMatch(CJK);
    await ex.page.close();
  }, 60_000);
});
