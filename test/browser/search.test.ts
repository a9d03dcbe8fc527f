/**
 * The book's search in Chromium, on the built book: for Chinese and English terms, every page whose text contains
 * the term is found (recall 100%), each result names its chapter and shows a snippet with the term; labels are
 * Chinese. The expected pages are read from the built HTML independently of the index (tags stripped by regex).
 */
import {readdirSync, readFileSync, statSync} from "node:fs";
import {join, relative} from "node:path";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {type BookSession, startBook} from "./harness.js";

const TERMS = ["梯度", "反向传播", "交叉熵", "损失函数", "学习率", "卷积", "注意力", "优化器", "神经网络", "MNIST", "Adam", "softmax", "Keras"];

function pages(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n.startsWith("_") ? [] : pages(p);
    // the authors' /report is kept out of the readers' search
    return n.endsWith(".html") && n !== "404.html" && !(dir === "dist" && n === "report.html") ? [p] : [];
  });
}

/** Visible prose of a page's main column, without scripts, styles or formula markup. */
function prose(html: string): string {
  const main = html.slice(html.indexOf('id="observablehq-main"'));
  return main
    .replace(/<script[\s\S]*?<\/script>/g, " ").replace(/<style[\s\S]*?<\/style>/g, " ")
    .replace(/<span class="katex[\s\S]*?<\/annotation>/g, " ")
    .replace(/<[^>]+>/g, " ").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .normalize("NFKC").toLowerCase();
}

const texts = new Map(pages("dist").map((f) => [relative("dist", f).replace(/(^|\/)index\.html$/, "$1").replace(/\.html$/, ""), prose(readFileSync(f, "utf-8"))]));

let book: BookSession;
beforeAll(async () => {
  book = await startBook("dist");
});
afterAll(async () => book?.close());

describe("search finds Chinese and English terms on every page that has them", () => {
  test.each(TERMS)("%s", async (term) => {
    const expected = [...texts].filter(([, t]) => t.includes(term.toLowerCase())).map(([p]) => p).sort();
    expect(expected.length, `no page contains ${term}`).toBeGreaterThan(0);
    const {page, report} = await book.open("/startup-chaos/background", {waitFor: "#gb-search input"});
    await page.fill("#gb-search input", term);
    await page.waitForFunction(() => /找到|没有找到/.test(document.querySelector(".gb-search-status")?.textContent ?? ""));
    const hits = await page.$$eval(".gb-search-hit a", (as) => as.map((a) => ({
      href: new URL((a as HTMLAnchorElement).href).pathname.replace(/^\//, ""),
      chapter: a.querySelector(".gb-search-chapter")?.textContent ?? "",
      mark: a.querySelector("mark")?.textContent ?? ""
    })));
    const found = hits.map((h) => h.href);
    for (const p of expected) expect(found, `${term}: ${p} not found`).toContain(p);
    expect(await page.locator(".gb-search-status").innerText()).toBe(`找到 ${hits.length} 个页面`);
    for (const h of hits) expect(h.mark.toLowerCase()).toBe(term.toLowerCase().normalize("NFKC"));
    expect(hits.filter((h) => h.href.includes("/")).every((h) => h.chapter.length > 0)).toBe(true);
    expect(report.consoleErrors).toEqual([]);
    expect(report.externalRequests).toEqual([]);
    await page.close();
  });

  test("a term on no page says so; the box is labelled in Chinese; Enter opens the first result", async () => {
    const {page} = await book.open("/", {waitFor: "#gb-search input"});
    expect(await page.getAttribute("#gb-search input", "placeholder")).toBe("搜索全书");
    await page.fill("#gb-search input", "不存在的词语xyz");
    await page.waitForFunction(() => document.querySelector(".gb-search-status")?.textContent === "没有找到");
    await page.fill("#gb-search input", "反向传播");
    await page.waitForSelector(".gb-search-hit a");
    const first = await page.getAttribute(".gb-search-hit a", "href");
    await Promise.all([page.waitForURL((u) => u.href === first), page.press("#gb-search input", "Enter")]);
    await page.close();
  });
});
