import {mkdtempSync, readFileSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, test} from "vitest";
import {buildChapter} from "../src/chapter.js";
import {Diagnostics} from "../src/diagnostics.js";
import {generateBook, loadAll} from "../src/generate.js";
import {renderPage, renderPartIndex} from "../src/page.js";
import {latexRuns, messageHtml, placeLinks} from "../src/report.js";
import {MIN_PAGE_PROSE, mergeShortSections, outline, proseLength, sectionOfKind} from "../src/sections.js";

const filler = (n: number, word = "梯度下降沿着负梯度方向更新参数。") => word.repeat(Math.ceil(n / [...word].length)).slice(0, n);

function chapterFrom(text: string, name = "t") {
  const diag = new Diagnostics(`${name}.md`);
  return buildChapter(new TextEncoder().encode(text), {file: `${name}.md`, slug: name}, 0, diag, `${name}.md`);
}

describe("very short sections are merged into the page before them", () => {
  // 4 long sections (600 characters each) and one of 40: 40 < 150 and 40 < 5 % of ≈2,440.
  const long = (h: string) => `## ${h}\n\n${filler(600)}\n`;
  const doc = [long("1. 背景介绍"), long("2. 核心概念"), "## 3. 未来应用展望\n\n" + filler(40) + "\n", long("4. 总结"), long("5. 附录")].join("\n");
  test("the short one joins its predecessor; its heading and text stay, on that page only", () => {
    const c = chapterFrom(doc);
    expect(c.sections.map((s) => s.kind)).toEqual(["background", "concepts", "summary", "faq"]);
    const concepts = c.sections[1];
    expect(concepts.merged).toEqual([{title: "未来应用展望", line: 9, kind: "outlook"}]);
    expect(concepts.end).toBe(12);
    const pages = c.sections.map((s) => renderPage(c, s, () => []));
    expect(pages.filter((p) => p.includes('data-line="9"')).length).toBe(1);
    expect(pages[1]).toContain("未来应用展望</h2>");
    expect(sectionOfKind(c.sections, "outlook")).toBe(concepts);
  });
  test("the author sees the rule on the page; a reader does not", () => {
    const c = chapterFrom(doc);
    const author = renderPage(c, c.sections[1], () => [], {author: true});
    expect(author).toContain(`正文少于 ${MIN_PAGE_PROSE} 个字、不到全文的 5%`);
    expect(author).toContain("未来应用展望 (9)");
    expect(renderPage(c, c.sections[1], () => [])).not.toContain("gb-author-note");
  });
  test("a formula, a code block or a table keeps a short section on its own page", () => {
    for (const body of ["$$a = b$$", "```python\nx = 1\n```", "| a | b |\n| - | - |\n| 1 | 2 |"]) {
      const c = chapterFrom([long("1. 背景介绍"), long("2. 核心概念"), `## 3. 数学模型\n\n${body}\n`, long("4. 总结")].join("\n"));
      expect(c.sections.map((s) => s.kind)).toEqual(["background", "concepts", "math", "summary"]);
    }
  });
  test("in a short document every section keeps its page (each is a real share of it)", () => {
    const c = chapterFrom("## 1. Background\n\nOne line.\n\n## 2. Core concepts\n\nAnother line.\n");
    expect(c.sections.map((s) => s.kind)).toEqual(["background", "concepts"]);
  });
  test("proseLength counts characters without whitespace or headings, -1 with math", () => {
    const lines = ["## Title", "ab c", "", "d  e", "$x$"];
    expect(proseLength(lines, 1, 4)).toBe(5);
    expect(proseLength(lines, 1, 5)).toBe(-1);
    expect(mergeShortSections([], lines)).toEqual([]);
  });
  test("English headings: the outline still recognises them and merges by the same rule", () => {
    const en = (h: string) => `## ${h}\n\n${filler(700, "Gradient descent moves the weights against the gradient. ")}\n`;
    const o = outline([en("Background"), en("Core Concepts"), "## Outlook\n\nMore soon.\n", en("Summary")].join("\n"), new Diagnostics("x.md"));
    expect(o.sections.map((s) => [s.kind, s.title])).toEqual([["background", "Background"], ["concepts", "Core Concepts"], ["summary", "Summary"]]);
  });
});

describe("orientation: breadcrumbs, part pages", () => {
  const c = chapterFrom("# 标题\n\n## 1. 背景介绍\n\n文字。\n\n## 2. 数学模型\n\n$$a = b$$\n");
  test("a reader's breadcrumb has the part and chapter, no file path; the author's keeps file:line", () => {
    const reader = renderPage(c, c.sections[0], () => []);
    expect(reader).toMatch(/<p class="gb-crumb" data-part="t">第 1 部分 · <a href=".\/">标题<\/a><\/p>/);
    expect(reader).not.toContain("t.md:");
    expect(renderPage(c, c.sections[0], () => [], {author: true})).toContain('<span class="gb-src">t.md:3</span>');
  });
  test("every block carries an anchor L<line> next to data-line", () => {
    expect(renderPage(c, c.sections[1], () => [])).toContain('id="L9" data-line="9"');
  });
  test("the part page: the chapter's title, a line on what it holds, each page with what a reader can do there", () => {
    const html = renderPartIndex(c, new Map([["math", new Set(["FormulaCell", "Exercise", "Mermaid"])]]));
    expect(html).toContain('<h1 class="gb-title">标题</h1>');
    expect(html).toContain("本部分共 2 页，其中 1 页可以动手操作：");
    expect(html).toContain('<a href="./math">数学模型</a><span class="gb-interactive">（公式可运行、练习）</span>');
    expect(html).toContain('<li><a href="./background">背景介绍</a></li>');
    expect(html).not.toContain("t.md");
    expect(renderPartIndex(c)).toContain("本部分共 2 页，都是阅读页。");
  });
});

describe("the build report for authors", () => {
  test("latexRuns finds the bare LaTeX a message quotes, and nothing in identifiers or prose", () => {
    const runs = (m: string) => latexRuns(m).filter((r) => r.latex).map((r) => r.text);
    expect(runs("(assumes the linear model \\hat{y}_i = w \\cdot x_i (the text differentiates \\hat{y}_i with respect to w))"))
      .toEqual(["\\hat{y}_i = w \\cdot x_i", "\\hat{y}_i"]);
    expect(runs("flip the sign of the term \\frac{1 - y_i}{1 - \\hat{y}_i} to match (loss J(w_0) (line 135): as printed")).toEqual(["\\frac{1 - y_i}{1 - \\hat{y}_i}", "J(w_0)"]);
    expect(runs("reads y_i = \\sigma(W \\cdot x_i + b) (line 121) as y'_i: the prose")).toEqual(["y_i = \\sigma(W \\cdot x_i + b)", "y'_i"]);
    expect(runs("x_train is never defined; train_test_split is used (784,)")).toEqual([]);
    expect(latexRuns("a \\hat{y}_i, b").map((r) => r.text).join("")).toBe("a \\hat{y}_i, b");
  });
  test("messageHtml renders the LaTeX with KaTeX and escapes the prose", () => {
    const html = messageHtml("<b> assumes \\hat{y}_i = w x_i");
    expect(html.startsWith("&lt;b&gt; assumes ")).toBe(true);
    expect(html).toContain('class="katex"');
    expect(html).not.toContain("\\hat{y}_i =");
  });
  test("placeLinks: a line goes to its section's page and the last block starting at or before it", () => {
    const c = chapterFrom("## 1. 背景介绍\n\n文字。\n\n## 2. 数学模型\n\n段落。\n\n$$\na = b\n$$\n");
    const link = placeLinks([c]);
    expect(link("t.md", 11)).toBe("./t/math#L9"); // the $$ block opens on line 9
    expect(link("t.md", 7)).toBe("./t/math#L7");
    expect(link("t.md", 3)).toBe("./t/background#L3");
    expect(link("other.md", 3)).toBeUndefined();
  });
  test("generateBook: /report links each file:line to its page and block, the home page links it only in author mode", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gb-report-ch-"));
    writeFileSync(join(dir, "a.md"), "## 1. 背景介绍\n\n文字 $\\frac{1}{$ 更多。\n\n## 2. 核心概念\n\n概念。\n");
    const out = mkdtempSync(join(tmpdir(), "gb-report-out-"));
    await generateBook({root: process.cwd(), chaptersDir: dir, outDir: out});
    const report = readFileSync(join(out, "report.md"), "utf-8");
    const file = loadAll(process.cwd(), dir).chapters[0].file;
    expect(report).toContain(`<a href="./a/background#L3"><code>${file}:3</code></a> 错误：`);
    expect(report).toContain("<h1 class=\"gb-title\">构建报告</h1>");
    expect(readFileSync(join(out, "index.md"), "utf-8")).not.toContain("./report");
    const dev = mkdtempSync(join(tmpdir(), "gb-report-dev-"));
    await generateBook({root: process.cwd(), chaptersDir: dir, outDir: dev, showDiagnostics: true});
    expect(readFileSync(join(dev, "index.md"), "utf-8")).toContain('<a href="./report">构建报告（作者模式）</a>');
    expect(readFileSync(join(dev, "a", "concepts.md"), "utf-8")).toContain('<a href="../report">构建报告（作者模式）</a>');
  });
});
