import {existsSync} from "node:fs";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {type BookSession, startBook} from "./harness.js";

let book: BookSession;
beforeAll(async () => {
  if (!existsSync("dist/index.html")) throw new Error("dist/ is missing: run npm run build first (npm test does)");
  book = await startBook("dist");
});
afterAll(async () => book?.close());

describe("the book as a reader uses it", () => {
  test("home page lists the five parts with links to their sections", async () => {
    const {page, report} = await book.open("/");
    const parts = await page.$$eval(".gb-part h2 a", (as) => as.map((a) => a.textContent));
    expect(parts).toHaveLength(5);
    expect(parts[1]).toContain("第 2 部分");
    const links = await page.$$eval(".gb-part-sections a", (as) => as.length);
    expect(links).toBe(53); // 55 sections; 000's 未来应用展望 and 004's FAQ are very short and merged into the page before
    // The guide: what the book is, what the badges mean, what each page lets a reader do.
    expect(await page.locator(".gb-home .gb-lede").last().innerText()).toMatch(/^这本互动教程由 5 篇文章生成/);
    expect(await page.locator(".gb-legend dt").allInnerTexts()).toEqual(["✓ 已验证", "✗ 有误", "▶ 可运行", "不可执行"]);
    const math = await page.locator(".gb-part").first().locator(".gb-part-sections").innerText();
    expect(math).toMatch(/数学模型和公式[^·]*（公式可运行[^）]*练习[^）]*）/);
    expect(math).toMatch(/项目实践[^·]*（[^）]*页面内训练[^）]*）/);
    expect(await page.locator('.gb-report-link a[href="./homework"]').count()).toBe(1);
    expect(await page.locator('a[href$="report"]').count()).toBe(0); // the build report is for authors (npm run dev)
    expect(report.consoleErrors).toEqual([]);
    await page.close();
  });

  test("KaTeX renders with its own (inlined) fonts", async () => {
    const {page} = await book.open("/startup-chaos/math");
    const n = await page.$$eval(".gb-block .gb-math .katex", (els) => els.length);
    expect(n).toBe(24); // 000 §4 holds all of 000's formulas: 12 display blocks + 12 inline (hand count)
    await page.evaluate(() => document.fonts.ready);
    const loaded = await page.evaluate(() => document.fonts.check("20px KaTeX_Main") && [...document.fonts].some((f) => f.family === "KaTeX_Math" && f.status === "loaded"));
    expect(loaded).toBe(true);
    await page.close();
  });

  test("previous / next links follow the book's order", async () => {
    const {page} = await book.open("/startup-chaos/background");
    const next = await page.$eval("nav a[rel=next]", (a) => (a as HTMLAnchorElement).href);
    const prev = await page.$eval("nav a[rel=prev]", (a) => (a as HTMLAnchorElement).href);
    expect(next).toMatch(/\/startup-chaos\/concepts$/);
    expect(prev).toMatch(/\/startup-chaos\/intro$/);
    await page.close();
  });

  test("at a chapter boundary the pager names the chapter it leads into, and the breadcrumb has no file path", async () => {
    const {page} = await book.open("/startup-chaos/faq");
    expect(await page.textContent("#observablehq-footer nav a[rel=next] .gb-pager-part")).toMatch(/^2\. /);
    expect(await page.$eval("#observablehq-footer nav a[rel=next]", (a) => getComputedStyle(a, "::before").content)).toBe('"下一页"');
    expect(await page.locator("#observablehq-footer nav a[rel=prev] .gb-pager-part").count()).toBe(0);
    expect(await page.textContent(".gb-crumb")).toBe("第 1 部分 · 4月的大模型创业混沌期");
    await page.close();
  });

  test("a part page: the chapter's title, what it holds, and which pages are interactive", async () => {
    const {page} = await book.open("/positioning/");
    expect(await page.textContent("h1.gb-title")).toBe("大模型时代 · 创业定位 · 机会");
    expect(await page.textContent(".gb-part-index .gb-lede")).toMatch(/^本部分共 11 页，其中 \d+ 页可以动手操作：$/);
    expect(await page.locator(".gb-sections li", {hasText: "数学模型"}).locator(".gb-interactive").textContent()).toMatch(/公式可运行/);
    await page.close();
  });

  test("code blocks are highlighted and the copy button copies the code", async () => {
    const ctx = await book.browser.newContext();
    await ctx.grantPermissions(["clipboard-read", "clipboard-write"], {origin: book.url});
    const page = await ctx.newPage();
    await page.goto(`${book.url}/product-innovation/code`);
    await page.waitForSelector(".observablehq-pre-container .observablehq-pre-copy");
    expect(await page.$$eval(".gb-code .hljs-keyword", (els) => els.length)).toBeGreaterThan(3);
    expect(await page.$$eval(".observablehq-pre-container", (els) => els.map((e) => (e as HTMLElement).dataset.language))).toEqual(["", "python", "python"].map((x) => x || undefined));
    const button = page.locator(".observablehq-pre-container", {hasText: "Conv2D"}).locator(".observablehq-pre-copy");
    await button.click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain("layers.Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1))");
    expect(await button.getAttribute("class")).toContain("observablehq-pre-copied");
    await ctx.close();
  });

  test("mermaid diagrams render as SVG (003 and 004 have them)", async () => {
    for (const [path, count] of [["/independent-release/concepts", 1], ["/market-potential/concepts", 2]] as const) {
      const {page, report} = await book.open(path);
      await page.waitForSelector(".gb-mermaid[data-state]");
      const states = await page.$$eval(".gb-mermaid", (els) => els.map((e) => [(e as HTMLElement).dataset.state, e.querySelectorAll("svg g.node").length]));
      expect(states.length).toBe(count);
      for (const [state, nodes] of states) {
        expect(state).toBe("rendered");
        expect(nodes).toBeGreaterThanOrEqual(5);
      }
      expect(report.consoleErrors).toEqual([]);
      await page.close();
    }
  });

  test("an external image shows its alt text and is never requested", async () => {
    const {page, report} = await book.open("/positioning/concepts");
    expect(await page.textContent(".gb-image-offline")).toContain("大模型架构");
    expect(await page.$$eval("img", (imgs) => imgs.filter((i) => i.src.includes("example.com")).length)).toBe(0);
    expect(report.externalRequests).toEqual([]);
    await page.close();
  });
});

describe("homework in the built book", () => {
  test("the MSE exercise on 000's math page: starter fails, a correct answer passes every visible test", async () => {
    const {page, report} = await book.open("/startup-chaos/math");
    const ex = page.locator(".gb-exercise", {hasText: "均方误差"}).first();
    await ex.locator(".cm-content").waitFor();
    await ex.getByRole("button", {name: "运行测试"}).click();
    await page.waitForFunction((el) => /✗|失败|0\s*\//.test(el?.textContent ?? ""), await ex.elementHandle(), {timeout: 15_000});
    await ex.locator(".cm-content").click();
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText("function mse(y, yHat) {\n  if (!y.length || y.length !== yHat.length) throw new Error('bad');\n  let s = 0;\n  for (let i = 0; i < y.length; i++) s += (y[i] - yHat[i]) ** 2;\n  return s / y.length;\n}\n");
    await ex.getByRole("button", {name: "运行测试"}).click();
    await page.waitForFunction((el) => !/✗/.test(el?.textContent ?? "") && /✓/.test(el?.textContent ?? ""), await ex.elementHandle(), {timeout: 15_000});
    const text = (await ex.textContent()) ?? "";
    expect(text).toMatch(/✓/);
    expect(text).not.toMatch(/✗/);
    expect(report.consoleErrors).toEqual([]);
    expect(report.externalRequests).toEqual([]);
    await page.close();
  });
});

describe("formulas execute and wrong derivatives are flagged in the built book", () => {
  test.each([
    ["/startup-chaos/math", [105, 141]],
    ["/positioning/math", [133, 135]],
    ["/product-innovation/math", []],
    ["/independent-release/math", []],
    ["/market-potential/math", []]
  ] as const)("%s flags exactly the seed's wrong derivatives (lines %j)", async (path, lines) => {
    const {page, report} = await book.open(path);
    await page.waitForSelector(".gb-cell");
    const bad = await page.$$eval(".gb-cell", (cells) =>
      cells.filter((c) => c.querySelector(".gb-badge--bad")).map((c) => Number(c.textContent?.match(/原文第 (\d+) 行/)?.[1]))
    );
    expect(bad.sort()).toEqual([...lines]);
    expect(report.consoleErrors).toEqual([]);
    await page.close();
  });

  test("000's MSE cell recomputes from edited inputs: y = [1,2,3,4], ŷ = [1,2,3,0] gives 16/4 = 4, and the reference agrees", async () => {
    const {page, report} = await book.open("/startup-chaos/math");
    const cell = page.locator(".gb-cell", {hasText: "原文第 69 行"}).first();
    await cell.waitFor();
    // a verified cell is folded to its verdict: the reader opens it with one click
    expect(await cell.locator("details.gb-cell__fold:not([open])").count()).toBe(1);
    await cell.locator("summary").first().click();
    const set = async (selector: string, values: number[]) => {
      const inputs = cell.locator(`.gb-cell__symbol${selector} input`);
      expect(await inputs.count()).toBe(values.length);
      for (const [i, v] of values.entries()) {
        await inputs.nth(i).fill(String(v));
        await inputs.nth(i).dispatchEvent("input");
      }
    };
    await set('[data-symbol="y"]', [1, 2, 3, 4]);
    await set('[data-role="prediction"]', [1, 2, 3, 0]);
    await page.waitForTimeout(200);
    const values = await cell.locator("output.gb-cell__number").allTextContents();
    expect(values.map(Number)).toEqual([4, 4]); // the printed formula and the reference mse()
    expect(await cell.locator(".gb-cell__reference .gb-badge--ok").count()).toBe(1);
    expect(report.consoleErrors).toEqual([]);
    await page.close();
  });

  test("the build report lists every chapter's formula counts and the flagged lines", async () => {
    const {page} = await book.open("/report");
    const rows = await page.$$eval(".gb-report tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("td,th")].map((c) => c.textContent)));
    expect(rows.length).toBe(6);
    const flaggedCol = rows[0].indexOf("有误 ✗");
    expect(rows.slice(1).map((r) => Number(r[flaggedCol]))).toEqual([2, 2, 0, 0, 0]);
    const text = (await page.textContent(".gb-diags")) ?? "";
    expect(text).toContain("chapters/000_69b8ff2c9c828ca6.md:105");
    expect(text).toContain("chapters/001_b326668aebc6c65c.md:133");
    // Each file:line is a link to its page and block; the quoted LaTeX is rendered by KaTeX.
    const href = await page.getAttribute('.gb-diags a:has-text("chapters/001_b326668aebc6c65c.md:133")', "href");
    expect(href).toMatch(/^\.\/positioning\/math#L\d+$/);
    expect(await page.locator(".gb-diags .katex").count()).toBeGreaterThan(3);
    const [pagePath, anchor] = href!.slice(1).split("#");
    const target = await book.open(pagePath);
    expect(Number(await target.page.getAttribute(`#${anchor}`, "data-line"))).toBeLessThanOrEqual(133);
    await target.page.close();
    await page.close();
  });
});

// Accessibility (axe-core, light and dark) runs on every page in test/browser/pages.test.ts.
