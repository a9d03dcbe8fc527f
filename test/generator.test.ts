import MarkdownIt from "markdown-it";
import {readFileSync} from "node:fs";
import {describe, expect, test} from "vitest";
import {loadBook} from "../src/book.js";
import {buildChapter} from "../src/chapter.js";
import {Diagnostics} from "../src/diagnostics.js";
import {loadAll} from "../src/generate.js";
import {embedHtml, sanitizeFragment} from "../src/html.js";
import {renderPage} from "../src/page.js";
import {classifyHeading, outline, stripNumber} from "../src/sections.js";
import {decodeSource} from "../src/source.js";
import {deriveTitle} from "../src/title.js";

const {book, chapters} = loadAll(process.cwd());
const byFile = (prefix: string) => chapters.find((c) => c.part.file.startsWith(prefix))!;

function chapterFrom(text: string | Uint8Array, name = "t") {
  const diag = new Diagnostics(`${name}.md`);
  const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
  const c = buildChapter(bytes, {file: `${name}.md`, slug: name}, 0, diag, `${name}.md`);
  return {c, diag};
}

describe("sections of the five seeds", () => {
  test("book.json orders five parts with unique slugs", () => {
    expect(book.parts.map((p) => p.file.slice(0, 3))).toEqual(["000", "001", "002", "003", "004"]);
    expect(new Set(book.parts.map((p) => p.slug)).size).toBe(5);
  });
  test.each([
    // 000's 未来应用展望 (134 characters, 3 % of the document) is merged into 实际应用场景; 004's FAQ (125, 3 %) into 总结
    ["000", ["intro", "background", "concepts", "algorithm", "math", "code", "applications", "tools", "summary", "faq"]],
    ["001", ["intro", "background", "concepts", "algorithm", "math", "code", "applications", "tools", "summary", "faq", "references"]],
    ["002", ["intro", "background", "concepts", "algorithm", "math", "code", "applications", "tools", "summary", "faq", "references"]],
    ["003", ["intro", "background", "concepts", "algorithm", "math", "code", "applications", "tools", "summary", "faq", "references"]],
    ["004", ["intro", "background", "concepts", "algorithm", "math", "code", "applications", "tools", "summary", "references"]]
  ])("%s splits into the template's sections", (prefix, kinds) => {
    expect(byFile(prefix).sections.map((s) => s.kind)).toEqual(kinds);
  });
  test("titles: the document's own, else derived with a warning", () => {
    expect(byFile("002").title).toBe("大模型在 AI 创业产品创新中的应用探索");
    expect(byFile("004").title).toBe("大模型的市场潜力与挑战");
    expect(byFile("000").title).toBe("4月的大模型创业混沌期");
    expect(byFile("000").titleSource).toBe("derived");
    expect(byFile("000").diagnostics.items.find((d) => d.code === "missing-title")?.line).toBe(1);
  });
  test("003's level-3 '10. 参考文献' under the FAQ becomes its own page starting at its heading", () => {
    const refs = byFile("003").sections.find((s) => s.kind === "references")!;
    expect(refs.headingLine).toBe(297);
    expect(refs.title).toBe("参考文献");
    expect(byFile("003").sections.find((s) => s.kind === "faq")!.end).toBe(296);
  });
  test("000's duplicated number 9 is reported at line 280", () => {
    const d = byFile("000").diagnostics.items.find((x) => x.code === "duplicate-number");
    expect(d).toMatchObject({line: 280, severity: "warning"});
  });
  test("004: keywords and abstract form the intro; the author section stays with references; <|im_sep|> removed", () => {
    const c = byFile("004");
    const intro = c.sections[0];
    expect([intro.title, intro.start, intro.end]).toEqual(["导读", 5, 16]);
    expect(c.sections.at(-1)!.end).toBe(c.lineCount);
    expect(c.sections.at(-1)!.source).toContain("作者：AI天才研究员");
    expect(c.sections.at(-1)!.source).not.toContain("<|im_sep|>");
    expect(c.diagnostics.items.find((d) => d.code === "chat-token")?.line).toBe(275);
  });
  test("001's external image is reported and never fetched", () => {
    const c = byFile("001");
    expect(c.diagnostics.items.find((d) => d.code === "external-image")?.line).toBe(25);
    const html = c.sections.flatMap((s) => s.blocks.map((b) => b.html)).join("");
    expect(html).not.toContain('src="https://example.com');
    expect(html).toContain("大模型架构");
  });
  test("the seeds have no errors, only warnings", () => {
    expect(chapters.flatMap((c) => c.diagnostics.errors)).toEqual([]);
  });
});

/** Every top-level block of a source document, with its 1-based line. */
function sourceBlocks(text: string): {type: string; line: number}[] {
  const md = new MarkdownIt({html: true});
  return md
    .parse(text, {})
    .filter((t) => t.level === 0 && t.map && t.nesting !== -1 && t.type !== "heading_open")
    .map((t) => ({type: t.type, line: t.map![0] + 1}));
}

describe("nothing of a document is lost", () => {
  test.each(["000", "001", "002", "003", "004"])("%s: every block lands on exactly one page; formulas and code blocks all rendered", (prefix) => {
    const c = byFile(prefix);
    const text = readFileSync(`chapters/${c.part.file}`, "utf-8").replace(/<\|[a-z_]+\|>/g, "");
    const pages = c.sections.map((s) => renderPage(c, s, () => []));
    for (const b of sourceBlocks(text)) {
      const hits = pages.filter((p) => p.includes(`data-line="${b.line}"`)).length;
      expect(hits, `${c.part.file}:${b.line} (${b.type}) appears on ${hits} pages`).toBe(1);
    }
    // Display formulas in the source, counted independently of the parser: lone "$$" lines open and close a
    // block (two per formula); a line holding "$$…$$" is one formula (001 writes them inside list items).
    const lines = text.split("\n");
    const lone = lines.filter((l) => /^\s*\$\$\s*$/.test(l)).length;
    const oneLine = lines.filter((l) => /^\s*\$\$.+\$\$\s*$/.test(l)).length;
    const rendered = pages.join("").match(/class="gb-math gb-math--display"/g) ?? [];
    expect(lone % 2).toBe(0);
    expect(rendered.length).toBe(lone / 2 + oneLine);
    const fences = (text.match(/^\s*```/gm) ?? []).length / 2;
    const codeBlocks = pages.join("").match(/class="gb-code"/g) ?? [];
    expect(codeBlocks.length).toBe(fences);
  });
  test("formula counts per seed match a hand count of $$ blocks and $…$ spans", () => {
    // 000: 24 "$$" lines = 12 blocks; inline: n, y_i, \hat{y}_i, J(w), \alpha, w^*, J(w), \alpha, y, \hat{y}, w_0, \alpha
    const counts = chapters.map((c) => {
      const m = c.sections.flatMap((s) => s.math);
      return [m.filter((x) => x.display).length, m.filter((x) => !x.display).length];
    });
    expect(counts[0]).toEqual([12, 12]);
    expect(counts.map(([d]) => d)).toEqual([12, 7, 2, 2, 3]);
  });
});

describe("bad input", () => {
  test("an empty file is an error, not a crash", () => {
    const {c, diag} = chapterFrom("");
    expect(diag.errors[0]).toMatchObject({code: "empty-file", line: 1});
    expect(c.sections.length).toBe(1);
  });
  test("non-UTF-8 bytes: error on the right line, the rest of the text kept", () => {
    const bytes = new Uint8Array([...new TextEncoder().encode("## 1. 背景介绍\n好的一行\n"), 0xff, 0xfe, 0x41, 0x0a, ...new TextEncoder().encode("最后一行\n")]);
    const diag = new Diagnostics("x.md");
    const {text} = decodeSource(bytes, diag);
    expect(diag.errors).toMatchObject([{code: "not-utf8", line: 3}]);
    expect(text).toContain("最后一行");
  });
  test("unclosed $$ is reported at its line and the following paragraphs survive", () => {
    const {c, diag} = chapterFrom("## 1. 背景介绍\n\n$$\na = b\n\n后文一段。\n\n## 2. 核心概念\n\n概念。\n");
    expect(diag.errors).toMatchObject([{code: "unclosed-math", line: 3}]);
    const html = c.sections.flatMap((s) => s.blocks.map((b) => b.html)).join("");
    expect(html).toContain("后文一段。");
    expect(c.sections.map((s) => s.kind)).toEqual(["background", "concepts"]);
  });
  test("invalid LaTeX is shown inline with KaTeX's message and reported with its line", () => {
    const {c, diag} = chapterFrom("## 1. 背景介绍\n\n文字 $\\frac{1}{$ 更多。\n\n$$\n\\badmacro{x}\n$$\n");
    expect(diag.errors.map((d) => [d.code, d.line])).toEqual([["bad-latex", 3], ["bad-latex", 5]]);
    const html = c.sections[0].blocks.map((b) => b.html).join("");
    expect(html).toContain("gb-latex-error");
    expect(html).toContain("badmacro");
  });
  test("<script>, event handlers and javascript: links are neutralised", () => {
    const {c, diag} = chapterFrom('## 1. 背景介绍\n\n<script>alert(1)</script>\n\n<div onclick="x()">hi</div>\n\na <img src=x onerror=alert(1)> b\n');
    const html = c.sections[0].blocks.map((b) => b.html).join("");
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<[^>]+\son\w+\s*=/i);
    expect(diag.items.filter((d) => d.code === "unsafe-html").map((d) => d.line)).toEqual([3, 5, 7]);
  });
  test("unknown ::: directive is an error; its content is still shown", () => {
    const {c, diag} = chapterFrom("## 1. 背景介绍\n\n::: frobnicate\n里面的字\n:::\n\n::: note\n提示\n:::\n");
    expect(diag.errors).toMatchObject([{code: "unknown-directive", line: 3}]);
    const html = c.sections[0].blocks.map((b) => b.html).join("");
    expect(html).toContain("里面的字");
    expect(html).toContain('class="gb-callout note"');
  });
  test("Framework interpolation and js fences in a chapter are never executed", () => {
    const {c} = chapterFrom("## 1. 背景介绍\n\n价格 ${1+1} 元\n\n```js\ndocument.title = 'x'\n```\n");
    const page = renderPage(c, c.sections[0], () => []);
    expect(page).not.toContain("${");
    expect(page).not.toContain("```js"); // the chapter's js fence is shown as highlighted code, not a cell
    expect(page).toContain("&#36;{1+1}");
  });
});

describe("helpers", () => {
  test("stripNumber handles the seeds' numbering styles", () => {
    expect(stripNumber("3. 核心算法原理 & 具体操作步骤")).toEqual({number: "3", title: "核心算法原理 & 具体操作步骤"});
    expect(stripNumber("9.1 大模型训练需要多少计算资源？")).toEqual({number: "9.1", title: "大模型训练需要多少计算资源？"});
    expect(stripNumber("背景介绍")).toEqual({title: "背景介绍"});
    // Chinese and Roman numerals, as headings written after the seeds used them
    expect(stripNumber("五、代码实践")).toEqual({number: "5", title: "代码实践"});
    expect(stripNumber("十二、附录")).toEqual({number: "12", title: "附录"});
    expect(stripNumber("（三）算法步骤")).toEqual({number: "3", title: "算法步骤"});
    expect(stripNumber("第四章 数学模型")).toEqual({number: "4", title: "数学模型"});
    expect(stripNumber("IV. Mathematical Model")).toEqual({number: "IV", title: "Mathematical Model"});
  });
  test("classifyHeading reads headings the seeds never used", () => {
    expect(classifyHeading("五、代码实践")).toBe("code");
    expect(classifyHeading("Code Walkthrough")).toBe("code");
    expect(classifyHeading("5. Project Practice: Code Examples")).toBe("code");
    expect(classifyHeading("Key Concepts")).toBe("concepts");
    expect(classifyHeading("二、基本概念")).toBe("concepts");
  });
  test("classifyHeading recognises each template heading variant", () => {
    expect(classifyHeading("5. 项目实践：代码实例和详细解释说明")).toBe("code");
    expect(classifyHeading("5. 项目实战：代码实际案例和详细解释说明")).toBe("code");
    expect(classifyHeading("扩展阅读 & 参考资料")).toBe("references");
    expect(classifyHeading("7. 未来应用展望")).toBe("outlook");
    expect(classifyHeading("作者信息")).toBe("author");
    expect(classifyHeading("关键词")).toBe("intro");
    expect(classifyHeading("奇怪的标题")).toBeUndefined();
  });
  test("deriveTitle prefers the quoted name, then keywords, then the first sentence", () => {
    expect(deriveTitle("以上就是关于“深度学习入门”的文章").title).toBe("深度学习入门");
    expect(deriveTitle("关键词：甲，乙，丙，丁\n").title).toBe("甲 · 乙 · 丙");
    expect(deriveTitle("这是第一句话。第二句。").title).toBe("这是第一句话");
  });
  test("embedHtml keeps <pre> newlines as entities, removes blank lines and escapes $", () => {
    expect(embedHtml("<p>a</p>\n\n<pre>x\n\ny $z</pre>")).toBe("<p>a</p>\n<pre>x&#10;&#10;y &#36;z</pre>");
  });
  test("sanitizeFragment removes script and handlers but keeps safe tags", () => {
    const r = sanitizeFragment('<div onclick="x()"><b>ok</b><script>bad()</script></div>');
    expect(r.html).toContain("<b>ok</b>");
    expect(r.html).not.toMatch(/onclick|<script/);
    expect(r.changed).toBe(true);
  });
  test("outline: a document with no level-2 heading is one intro page", () => {
    const diag = new Diagnostics("x.md");
    expect(outline("只有一段。\n", diag).sections).toMatchObject([{kind: "intro", start: 1, end: 2}]);
  });
  test("loadBook adds unlisted chapters and rejects bad slugs", async () => {
    const {mkdtempSync, writeFileSync} = await import("node:fs");
    const {tmpdir} = await import("node:os");
    const dir = mkdtempSync(`${tmpdir()}/gb-book-`);
    writeFileSync(`${dir}/a.md`, "# A\n");
    writeFileSync(`${dir}/b.md`, "# B\n");
    writeFileSync(`${dir}/book.json`, JSON.stringify({title: "T", parts: [{file: "a.md", slug: "Bad Slug"}, {file: "zzz.md"}]}));
    const {book: b, diagnostics} = loadBook(dir);
    expect(b.parts.map((p) => [p.file, p.slug])).toEqual([["a.md", "a"], ["b.md", "b"]]);
    expect(diagnostics.items.map((d) => d.code).sort()).toEqual(["bad-slug", "missing-chapter", "unlisted-chapter"]);
  });
});

describe("author mode (npm run dev)", () => {
  test("each page shows its own section's problems with file:line; the published build shows none", async () => {
    const {mkdtempSync, copyFileSync, readFileSync: read} = await import("node:fs");
    const {tmpdir} = await import("node:os");
    const {join} = await import("node:path");
    const {generateBook} = await import("../src/generate.js");
    const chaptersDir = mkdtempSync(join(tmpdir(), "gb-dev-ch-"));
    copyFileSync("test/input/bad-input.md", join(chaptersDir, "bad-input.md"));
    const dev = mkdtempSync(join(tmpdir(), "gb-dev-out-"));
    const r = await generateBook({root: process.cwd(), chaptersDir, outDir: dev, showDiagnostics: true});
    const file = r.chapters[0].file;
    const concepts = read(join(dev, "bad-input", "concepts.md"), "utf-8");
    expect(concepts).toContain(`${file}:15</code>`);
    expect(concepts).toContain(`${file}:19</code>`);
    expect(concepts).not.toContain(`${file}:25</code>`); // that error belongs to the algorithm page
    expect(read(join(dev, "bad-input", "algorithm.md"), "utf-8")).toContain(`${file}:25</code>`);
    expect(concepts).toMatch(/<details class="gb-diagnostics" open><summary>2 个错误/);
    const published = mkdtempSync(join(tmpdir(), "gb-pub-out-"));
    await generateBook({root: process.cwd(), chaptersDir, outDir: published});
    expect(read(join(published, "bad-input", "concepts.md"), "utf-8")).not.toContain("gb-diagnostics");
  });
});

describe("playground: gradients printed with the wrong sign", () => {
  test("001's ∂L/∂W and ∂L/∂b (one BCE loss) and 000's ∇MSE become one 'as printed' path each; 000's CE gradient (one-term fix) does not", async () => {
    const {printedGradients} = await import("../src/playgroundEnricher.js");
    const {formulaReports} = await import("../src/formulaEnricher.js");
    const g000 = printedGradients(byFile("000"), await formulaReports(byFile("000")));
    const g001 = printedGradients(byFile("001"), await formulaReports(byFile("001")));
    expect(g000.map((g) => [g.loss, g.label])).toEqual([["mse", "梯度下降，用原文的梯度（第 105 行）"]]);
    expect(g001.map((g) => [g.loss, g.label])).toEqual([["binaryCrossEntropy", "梯度下降，用原文的梯度（第 133、135 行）"]]);
    expect(g001[0].latex).toContain("\\frac{\\partial L}{\\partial W}");
    for (const p of ["002", "003", "004"]) expect(printedGradients(byFile(p), await formulaReports(byFile(p)))).toEqual([]);
  });
});
