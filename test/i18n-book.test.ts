import {mkdtempSync, readFileSync, readdirSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterEach, describe, expect, test} from "vitest";
import {tBook} from "../components/i18n/book.js";
import {tHomework} from "../components/i18n/homework.js";
import {setLanguage} from "../components/i18n/index.js";
import {tSearch} from "../components/i18n/search.js";
import {detectLanguage, loadBook} from "../src/book.js";
import {loadAll} from "../src/generate.js";
import {renderPartIndex} from "../src/page.js";

const CJK = /[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u;
afterEach(() => setLanguage("zh-CN"));

describe("the book's language", () => {
  test("detected from the chapters: each seed is Chinese, the English fixture English", () => {
    for (const f of readdirSync("chapters").filter((n) => n.endsWith(".md"))) expect(detectLanguage([readFileSync(join("chapters", f), "utf-8")]), f).toBe("zh-CN");
    const en = readdirSync("test/fixtures/english-book").filter((n) => n.endsWith(".md")).map((n) => readFileSync(join("test/fixtures/english-book", n), "utf-8"));
    expect(detectLanguage(en)).toBe("en");
  });
  test("the rule: CJK ideographs at least 20 % of the letters in prose and headings; code, math and URLs do not count", () => {
    // 8 Han of 8 + 24 Latin letters = 25 % → Chinese; 6 of 30 = 20 % → Chinese; 5 of 30 → English
    expect(detectLanguage(["梯度下降沿负梯度 abcdefghijklmnopqrstuvwx"])).toBe("zh-CN");
    expect(detectLanguage(["梯度下降更新 abcdefghijklmnopqrstuvwx"])).toBe("zh-CN");
    expect(detectLanguage(["梯度下降更 abcdefghijklmnopqrstuvwxy"])).toBe("en");
    expect(detectLanguage(["# Gradient descent\n\n```python\n# 中文注释中文注释中文注释中文注释\n```\n\n$\\text{损失函数损失函数}$ see https://例子.com/梯度梯度梯度"])).toBe("en");
    expect(detectLanguage(["## 背景\n\n```python\nimport numpy as np\nprint('hello world')\n```\n"])).toBe("zh-CN");
    expect(detectLanguage([""])).toBe("zh-CN");
  });
  test("book.json sets it; an unknown value is an error and detection decides", () => {
    const dir = mkdtempSync(join(tmpdir(), "gb-lang-"));
    writeFileSync(join(dir, "a.md"), "# 标题\n\n## 背景介绍\n\n中文的正文。\n");
    writeFileSync(join(dir, "book.json"), JSON.stringify({title: "T", language: "en", parts: [{file: "a.md"}]}));
    expect(loadAll(process.cwd(), dir).book.language).toBe("en");
    writeFileSync(join(dir, "book.json"), JSON.stringify({title: "T", language: "fr", parts: [{file: "a.md"}]}));
    const {book, diagnostics} = loadBook(dir);
    expect(book.language).toBeUndefined();
    expect(diagnostics.items.map((d) => d.code)).toEqual(["bad-language"]);
    expect(loadAll(process.cwd(), dir).book.language).toBe("zh-CN");
  });
  test("an English book's pages: the generator's text in English, the book's own section titles as written", () => {
    const {chapters} = loadAll(process.cwd(), "test/fixtures/english-book");
    const html = renderPartIndex(chapters[1]);
    expect(html).toContain("Part 2");
    expect(html).toContain("This part has 5 pages, all for reading.");
    expect(chapters[1].sections.map((s) => s.title)).toEqual(["Background", "Core Concepts", "Mathematical Model", "Code Practice", "Summary"]);
    expect(html).not.toMatch(CJK);
  });
  test("every English message of the book's tables is free of CJK characters; every Chinese one has some", () => {
    const tables = {book: tBook, homework: tHomework, search: tSearch} as const;
    const src = (area: string) => readFileSync(`components/i18n/${area}.ts`, "utf-8");
    for (const [area, t] of Object.entries(tables)) {
      const keys = [...src(area).matchAll(/^ {4}(\w+): /gm)].map((m) => m[1]);
      expect(keys.length, area).toBeGreaterThan(4);
      for (const k of new Set(keys)) {
        const en = (t as (k: string, p?: object, l?: "en" | "zh-CN") => string)(k, {}, "en");
        expect(en, `${area}.${k}`).not.toMatch(CJK);
        expect(en, `${area}.${k}`).not.toBe("undefined");
      }
    }
    expect(tBook("prevPage", {}, "zh-CN")).toBe("上一页");
    expect(tSearch("found", {n: 3}, "en")).toBe("3 pages found");
    expect(tHomework("points", {n: 2}, "zh-CN")).toBe("2 分");
  });
});
