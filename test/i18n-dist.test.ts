/**
 * A Chinese book carries no English UI text: every built page of dist/ (npm test builds it) is read as HTML and
 * its text and reader-facing attributes — outside code, math, scripts, the chapters' own blocks and titles, and the
 * author's report — are searched for the English interface strings that used to leak (found by scanning the built
 * book: Framework's pager, sidebar toggle and toc label, the search box, the widgets' labels).
 */
import {existsSync, readFileSync, readdirSync, statSync} from "node:fs";
import {join, relative} from "node:path";
import {describe, expect, test} from "vitest";
import {tBook} from "../components/i18n/book.js";
import {ENGLISH_UI, uiText} from "./i18n-ui.js";

function htmlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n.startsWith("_") ? [] : htmlFiles(p);
    return n.endsWith(".html") ? [p] : [];
  });
}

describe("no English UI text in the built Chinese book", () => {
  test("uiText keeps the chrome and drops chapter text, code and math", () => {
    const t = uiText('<input title="Toggle sidebar"><div class="gb-block"><p>Search 这段是原文</p></div><code>epoch</code><p>上一页</p><span class="katex">x</span>');
    expect(t).toEqual(["Toggle sidebar", "上一页"]);
    expect(ENGLISH_UI.find((w) => w.re.test("Toggle sidebar"))?.s).toBe("Toggle sidebar");
    expect(ENGLISH_UI.some((w) => w.re.test("Parts and lines"))).toBe(false);
  });
  test("the pager labels in the stylesheet are the catalogue's", () => {
    const css = readFileSync("components/style/gradbook.css", "utf-8");
    for (const lang of ["zh-CN", "en"] as const) {
      const sel = lang === "en" ? "en" : "zh";
      expect(css).toContain(`html:lang(${sel}) #observablehq-footer nav a[rel="prev"]::before { content: "${tBook("prevPage", {}, lang)}"; }`);
      expect(css).toContain(`html:lang(${sel}) #observablehq-footer nav a[rel="next"]::before { content: "${tBook("nextPage", {}, lang)}"; }`);
    }
  });
  test("every page of dist/ (but the author's /report)", () => {
    if (!existsSync("dist/index.html")) throw new Error("dist/ is missing: run npm run build first (npm test does)");
    const leaks: string[] = [];
    const files = htmlFiles("dist").filter((f) => !/(^|\/)(report|404)\.html$/.test(f));
    expect(files.length).toBeGreaterThan(40);
    for (const f of files) {
      const html = readFileSync(f, "utf-8");
      expect(html, f).toMatch(/<html lang="zh-CN">/);
      for (const t of uiText(html)) for (const w of ENGLISH_UI) if (w.re.test(t)) leaks.push(`${relative("dist", f)}: "${w.s}" in ${JSON.stringify(t.slice(0, 80))}`);
    }
    expect(leaks).toEqual([]);
  });
});
