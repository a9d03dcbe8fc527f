/**
 * Hostile chapters (test/attacks/chapters): each attack class, run through the whole generator (every enricher) and
 * `npm run check`, with its exact outcome: the diagnostic code and line, nothing executable in any page, no file
 * from outside the chapters folder published, nothing written outside the output folder, the rest still rendered.
 */
import {spawnSync} from "node:child_process";
import {cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, relative} from "node:path";
import {beforeAll, describe, expect, test} from "vitest";
import {loadBook} from "../src/book.js";
import type {Diagnostic} from "../src/diagnostics.js";
import {defaultEnrichers} from "../src/enrichers.js";
import {type GenerateResult, generateBook, outputPathProblem} from "../src/generate.js";

const CORPUS = "test/attacks/chapters";

let tmp: string;
let chaptersDir: string;
let outDir: string;
let result: GenerateResult;
let seconds: number;
/** Every file the generation left in outDir (links to components/ and data/ not followed), path → content. */
let written: Map<string, Buffer>;
const secret = "TOP-SECRET-KEY-MATERIAL\n";

function walk(dir: string, base = dir): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isSymbolicLink()) return [];
    return e.isDirectory() ? walk(p, base) : [relative(base, p)];
  });
}

function diags(file: string): Diagnostic[] {
  return result.diagnostics.filter((d) => d.file.endsWith(`/${file}`) || d.file === file);
}

function codes(file: string, severity?: "error" | "warning"): [string, number][] {
  return diags(file)
    .filter((d) => !severity || d.severity === severity)
    .filter((d) => d.code !== "missing-section")
    .map((d) => [d.code, d.line]);
}

function page(slug: string, section = "background"): string {
  return readFileSync(join(outDir, slug, `${section}.md`), "utf-8");
}

/** HTML character references a browser decodes in an attribute value (numeric, and the named ones that matter). */
function decodeAttr(v: string): string {
  return v
    .replace(/&#x([0-9a-f]+);?/gi, (_m, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);?/g, (_m, d) => String.fromCodePoint(Number(d)))
    .replace(/&colon;/gi, ":")
    .replace(/&tab;/gi, "\t")
    .replace(/&newline;/gi, "\n")
    .replace(/&amp;/g, "&");
}

/** Every attribute of every tag in a page's HTML: [tag, attribute name, decoded value]. */
function attributes(html: string): [string, string, string][] {
  const out: [string, string, string][] = [];
  for (const tag of html.matchAll(/<([a-zA-Z][\w:-]*)((?:\s+[^\s=>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*\/?>/g)) {
    for (const a of tag[2].matchAll(/([^\s=>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?/g)) {
      out.push([tag[1].toLowerCase(), a[1].toLowerCase(), decodeAttr((a[2] ?? "").replace(/^["']|["']$/g, ""))]);
    }
  }
  return out;
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "gb-attack-"));
  chaptersDir = join(tmp, "chapters");
  cpSync(CORPUS, chaptersDir, {recursive: true});
  // Links out of the chapters folder (git can commit them): an image and a whole chapter.
  writeFileSync(join(tmp, "secret.txt"), secret);
  symlinkSync(join(tmp, "secret.txt"), join(chaptersDir, "img", "escape.png"));
  symlinkSync(join(tmp, "secret.txt"), join(chaptersDir, "linked.md"));
  // The project's own folders, which book/components and book/data link to.
  for (const d of ["components", "data"]) {
    mkdirSync(join(tmp, d));
    writeFileSync(join(tmp, d, "KEEP.txt"), d);
  }
  outDir = join(tmp, "book");
  // A previous build's links are already there when the chapters are written.
  mkdirSync(outDir);
  symlinkSync("../components", join(outDir, "components"), "dir");
  symlinkSync("../data", join(outDir, "data"), "dir");
  const t0 = performance.now();
  result = await generateBook({root: tmp, chaptersDir, outDir, enrichers: await defaultEnrichers(tmp)});
  seconds = (performance.now() - t0) / 1000;
  written = new Map(walk(outDir).map((f) => [f, readFileSync(join(outDir, f))]));
}, 120_000);

describe("the attack corpus through generateBook", () => {
  test("the run finishes (no hang, no crash) and every chapter became a part", () => {
    expect(seconds).toBeLessThan(20);
    expect(result.book.parts.map((p) => [p.file, p.slug])).toEqual([
      ["_file.md", "file"],
      ["bombs.md", "bombs"],
      ["components.md", "components-part"],
      ["data.md", "data-part"],
      ["index.md", "index-part"],
      ["linked.md", "linked"],
      ["local-files.md", "local-files"],
      ["report.md", "report-part"],
      ["unclosed-fence.md", "unclosed-fence"],
      ["xss-html.md", "xss-html"],
      ["xss-links.md", "xss-links"]
    ]);
  });

  test("no page has an event handler, a javascript:/data:/vbscript: URL, a <script>, <iframe>, <form>, <meta>, <base>, <style> or style attribute", () => {
    const pages = [...written].filter(([f]) => f.endsWith(".md"));
    expect(pages.length).toBeGreaterThan(20);
    for (const [file, bytes] of pages) {
      const html = bytes.toString("utf-8").replace(/```js\n[\s\S]*?\n```/g, ""); // the generator's own cells
      for (const [tag, name, value] of attributes(html)) {
        const where = `${file}: <${tag} ${name}="${value.slice(0, 40)}">`;
        expect(name, where).not.toMatch(/^on/);
        expect(name, where).not.toMatch(/^(srcdoc|srcset|formaction|action|xlink:href|http-equiv|background|poster)$/);
        if (name === "style") expect(value, where).not.toMatch(/url\(|@import|expression/i); // KaTeX's own sizes only
        expect(value.replace(/[\s\u0000-\u001f]/g, ""), where).not.toMatch(/^(javascript|data|vbscript):/i);
      }
      expect(html, file).not.toMatch(/<(script|iframe|form|meta|base|style|svg|button)\b/i);
    }
  });

  test("inline and block HTML: every removal is a file:line warning and the rest of the page is rendered", () => {
    expect(codes("xss-html.md")).toEqual([
      ["unsafe-html", 5], // &#106;avascript: and target=
      ["unsafe-html", 7], // javascript&#58;
      ["unsafe-html", 7], // data:
      ["unsafe-html", 9], // java&#x09;script:
      ["missing-image", 9], // <img src=x> (no such file): alt text
      ["unsafe-html", 9], // onerror=
      ["unsafe-html", 9], // style=
      ["unsafe-html", 11], // <svg>, <a xlink:href=…>, <text>, </text>, </svg>
      ["unsafe-html", 11],
      ["unsafe-html", 11],
      ["unsafe-html", 11],
      ["unsafe-html", 11],
      ["unsafe-html", 13], // <iframe srcdoc>
      ["unsafe-html", 15], // <form action> <button formaction>
      ["unsafe-html", 17], // <meta http-equiv=refresh>
      ["unsafe-html", 19], // <base href>
      ["unsafe-html", 21], // <style> url(javascript:) @import
      ["unsafe-html", 23] // style= onmouseover=
    ]);
    const messages = diags("xss-html.md").map((d) => d.message).join("\n");
    for (const what of ["href (javascript: URL)", "href (data: URL)", "onerror= (event handler)", "style=", "xlink:href=", "<iframe>, srcdoc=", "<form>, action=, <button>, formaction=", "<meta>, http-equiv=", "<base>, href=", "<style>", "onmouseover= (event handler)"]) {
      expect(messages).toContain(what);
    }
    const html = page("xss-html");
    expect(html).toContain("<a>编码的协议</a>");
    expect(html).toContain("<a>冒号实体</a>");
    expect(html).toContain('<a href="https://example.org/ok" rel="noopener noreferrer">正常链接</a> <a href="#frag">锚点</a> <a href="mailto:a@example.org">邮件</a>');
    expect(html).toContain('<td colspan="2">表格 a<br />b<sub>1</sub><sup>2</sup></td>');
    expect(html).toContain("<details data-line=\"29\"><summary>折叠</summary>详情内容</details>");
    expect(html).toContain("<div data-line=\"23\">块级样式</div>");
    expect(html).toContain("最后一段仍然显示。");
    expect(html).not.toContain("evil.example/y.png\""); // no external request from a style attribute
  });

  test("markdown links and images with script or data URLs stay text, each reported at its line", () => {
    expect(codes("xss-links.md")).toEqual([
      ["unsafe-link", 5],
      ["unsafe-link", 5],
      ["unsafe-link", 7],
      ["unsafe-link", 7],
      ["unsafe-link", 9], // ![图片脚本](javascript:…)
      ["unsafe-link", 9], // ![图片数据](data:image/svg+xml,…): not even a link (it has spaces) …
      ["unsafe-html", 9], // … and its <svg onload=…> is shown as text
      ["unsafe-link", 11]
    ]);
    const html = page("xss-links");
    expect(html).toContain("[小写](javascript:alert(1)) 和 [大小写](JaVaScRiPt:alert(2))");
    expect(html).toContain("&lt;javascript:alert(8)&gt;");
    expect(html).toContain('<a href="https://example.org/" rel="noopener noreferrer">正常</a> 与 <a href="../other">相对</a> 与 <a href="#top">锚点</a>');
    expect(html).toContain("链接之后的文字仍然显示。");
  });

  test("images outside the chapters folder (absolute, ../, a symlink out) are errors, shown as alt text, never copied", () => {
    expect(codes("local-files.md")).toEqual([
      ["image-outside-chapters", 5],
      ["image-outside-chapters", 7],
      ["image-outside-chapters", 9],
      ["image-outside-chapters", 11],
      ["image-outside-chapters", 13]
    ]);
    expect(diags("local-files.md").filter((d) => d.code === "image-outside-chapters").every((d) => d.severity === "error")).toBe(true);
    const html = page("local-files");
    expect(html).toContain("🖼 密码文件<small>（图片不在 chapters 文件夹内，未发布）</small>");
    expect(html).toContain("🖼 私钥<small>");
    expect(html).toContain('aria-label="主机名">🖼 主机名（图片不在 chapters 文件夹内，未发布）</span> 结束。');
    expect(html).toContain("🖼 链接出去<small>");
    expect(html).toContain("图片之后的文字仍然显示。");
    const passwd = existsSync("/etc/passwd") ? readFileSync("/etc/passwd") : undefined;
    for (const [f, bytes] of written) {
      expect(bytes.toString("utf-8"), f).not.toContain(secret.trim());
      if (passwd) expect(bytes.equals(passwd), f).toBe(false);
    }
  });

  test("two dot.png from different folders are published under two names, each with its own content", () => {
    const assets = [...written.keys()].filter((f) => f.startsWith("local-files/_assets/")).sort();
    expect(assets).toHaveLength(2);
    expect(assets.every((f) => /^local-files\/_assets\/[0-9a-f]{12}-dot\.png$/.test(f))).toBe(true);
    const red = readFileSync(join(CORPUS, "img/a/dot.png"));
    const blue = readFileSync(join(CORPUS, "img/b/dot.png"));
    const byContent = (b: Buffer) => assets.find((f) => written.get(f)!.equals(b));
    expect(byContent(red)).toBeDefined();
    expect(byContent(blue)).toBeDefined();
    expect(byContent(red)).not.toBe(byContent(blue));
    const html = page("local-files");
    expect(html).toContain(`<img src="./${byContent(red)!.slice("local-files/".length)}" alt="红点" loading="lazy">`);
    expect(html).toContain(`<img src="./${byContent(blue)!.slice("local-files/".length)}" alt="蓝点" loading="lazy">`);
    expect(html).toContain(`<img data-line="17" src="./${byContent(red)!.slice("local-files/".length)}" alt="红点又一次" loading="lazy" />`);
  });

  test("a chapter that is a symlink out of the folder is not read", () => {
    expect(codes("linked.md", "error")).toEqual([["chapter-outside-chapters", 1], ["empty-file", 1]]);
    expect([...written.keys()].filter((f) => f.startsWith("linked/"))).toEqual(["linked/index.md", "linked/intro.md"]);
  });

  test("10,000 nested braces, quotes and list items: file:line errors, the formula as text, the rest rendered", () => {
    expect(codes("bombs.md", "error")).toEqual([
      ["formula-too-complex", 7],
      ["nesting-too-deep", 13],
      ["nesting-too-deep", 17],
      ["html-too-deep", 21], // 10,000 nested <div>s (Framework's build would overflow its stack)
      ["html-too-deep", 23] // 3,000 <span>s opened one inline tag at a time
    ]);
    const html = page("bombs");
    expect(html).toContain('<code class="gb-latex-error" title="the formula is 20001 characters long (at most 10000)">{{{{');
    for (const text of ["炸弹之前的文字。", "公式之后的文字仍然显示", "引用之后的文字仍然显示。", "列表之后的文字仍然显示。", "HTML 之后的文字仍然显示。"]) expect(html).toContain(text);
    expect(html).toContain('<pre data-line="21" class="gb-too-deep">&lt;div&gt;&lt;div&gt;');
    expect(html).toContain('<pre data-line="23" class="gb-too-deep">行内 &lt;span&gt;&lt;span&gt;');
    expect(diags("bombs.md").find((d) => d.code === "html-too-deep")!.message).toContain("nested 10000 deep (at most 800)");
    expect(html.match(/<blockquote>/g)?.length).toBe(60 - 1); // the first is <blockquote data-line="13">
    expect(html).toContain("&gt;&gt;&gt;&gt;"); // the deeper markers, as text
    expect(html).toContain("- - - - 深列表"); // 30 list levels (two token levels each), then text
    expect(html).toContain('class="katex"'); // the inline $x^2$ after the bomb is typeset
    expect(page("bombs", "concepts")).toContain("第二页正常。");
    // The refused formula is not handed to the formula engine: one formula left on the page ($x^2$).
    expect(result.chapters.find((c) => c.part.file === "bombs.md")!.sections[0].math.map((m) => m.latex)).toEqual(["x^2"]);
  });

  test("an unclosed code fence is an error at its opening line", () => {
    const d = diags("unclosed-fence.md").find((x) => x.code === "unclosed-fence")!;
    expect(d).toMatchObject({line: 7, severity: "error"});
    expect(d.message).toContain("code fence opened here is never closed; the rest of the file became code");
    expect(page("unclosed-fence")).toContain("代码之前的文字。");
  });

  test("chapters named components/data/report/index get their own folders; the project's folders are untouched", () => {
    expect(diags("book.json").filter((d) => d.code === "reserved-slug").map((d) => d.message.match(/^[^:]+/)![0])).toEqual(["components.md", "data.md", "index.md", "report.md"]);
    for (const d of ["components", "data"]) expect(readdirSync(join(tmp, d))).toEqual(["KEEP.txt"]);
    for (const slug of ["components-part", "data-part", "index-part", "report-part"]) expect(existsSync(join(outDir, slug, "background.md"))).toBe(true);
    expect(readFileSync(join(outDir, "report.md"), "utf-8")).toContain("构建报告");
    expect(readFileSync(join(outDir, "index.md"), "utf-8")).toContain('<a href="./index-part/">');
    // nothing in the output folder is outside it, and nothing was written next to it
    expect(readdirSync(tmp).sort()).toEqual(["book", "chapters", "components", "data", "secret.txt"]);
  });

  test("the page writer refuses a path through a link or outside the output folder", () => {
    expect(outputPathProblem(outDir, join(outDir, "components", "index.md"))).toBe("components in the output folder is a symbolic link");
    expect(outputPathProblem(outDir, join(outDir, "..", "x.md"))).toMatch(/is outside the output folder/);
    expect(outputPathProblem(outDir, join(outDir, "xss-html", "background.md"))).toBeUndefined();
    expect(outputPathProblem(outDir, join(outDir, "new-part", "x.md"))).toBeUndefined();
  });

  test("a deleted chapter's pages do not stay published", async () => {
    rmSync(join(chaptersDir, "xss-links.md"));
    const again = await generateBook({root: tmp, chaptersDir, outDir});
    expect(again.book.parts.some((p) => p.file === "xss-links.md")).toBe(false);
    expect(existsSync(join(outDir, "xss-links"))).toBe(false);
    expect(existsSync(join(outDir, "xss-html", "background.md"))).toBe(true);
    for (const d of ["components", "data"]) expect(readdirSync(join(tmp, d))).toEqual(["KEEP.txt"]);
  });
});

describe("book.json naming a reserved slug", () => {
  test("gets a safe slug with a warning", () => {
    const dir = mkdtempSync(join(tmpdir(), "gb-reserved-"));
    writeFileSync(join(dir, "a.md"), "# A\n");
    writeFileSync(join(dir, "b.md"), "# B\n");
    writeFileSync(join(dir, "book.json"), JSON.stringify({parts: [{file: "a.md", slug: "components"}, {file: "b.md", slug: "data"}]}));
    const {book, diagnostics} = loadBook(dir);
    expect(book.parts.map((p) => p.slug)).toEqual(["components-part", "data-part"]);
    expect(diagnostics.items.map((d) => [d.code, d.severity])).toEqual([["reserved-slug", "warning"], ["reserved-slug", "warning"]]);
    expect(diagnostics.items[0].message).toContain("published as /components-part/");
  });
});

describe("npm run check on the corpus", () => {
  test("exits 1 within seconds and names every error's file:line", () => {
    const t0 = performance.now();
    const r = spawnSync("node_modules/.bin/tsx", ["scripts/check.ts", CORPUS], {encoding: "utf-8", timeout: 60_000});
    const out = r.stdout + r.stderr;
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect(out).not.toMatch(/RangeError|Maximum call stack/);
    expect(r.status).toBe(1);
    for (const line of [
      `${CORPUS}/bombs.md:8: error: formula not typeset`,
      `${CORPUS}/bombs.md:13: error: quotes / lists are nested more than 60 levels deep here; the deeper markers are shown as text`,
      `${CORPUS}/bombs.md:17: error: quotes / lists are nested more than 60 levels deep here`,
      `${CORPUS}/unclosed-fence.md:7: error: code fence opened here is never closed; the rest of the file became code`,
      `${CORPUS}/local-files.md:5: error: image /etc/passwd is outside the chapters folder`,
      `${CORPUS}/local-files.md:9: error: image /etc/hostname is outside the chapters folder`,
      `${CORPUS}/xss-html.md:5: warning: raw HTML "<a href=\\"&#106;avascript:alert(1)\\" target=\\"_self\\">" has unsafe attributes; they were removed: href (javascript: URL), target=`,
      `${CORPUS}/xss-links.md:5: warning: link target "javascript:alert(1)" is not allowed`
    ]) {
      expect(out).toContain(line);
    }
    // in the repository the escaping symlink is not there: the image is simply missing
    expect(out).toContain(`${CORPUS}/local-files.md:13: warning: image img/escape.png not found`);
  }, 60_000);
});
