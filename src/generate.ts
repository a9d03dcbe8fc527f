import {existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, copyFileSync} from "node:fs";
import {dirname, isAbsolute, join, relative, resolve, sep} from "node:path";
import {highlightCss, katexCss} from "./assets.js";
import {type BookConfig, loadBook} from "./book.js";
import {type ChapterModel, loadChapter} from "./chapter.js";
import {byPlace, type Diagnostic} from "./diagnostics.js";
import {type ChapterRow, chapterReport, reportSections} from "./report.js";
import {escapeHtml, embedHtml} from "./html.js";
import {type Cell, type CellPlan, diagnosticItem, renderPage, renderPartIndex} from "./page.js";

export interface TocPart {
  name: string;
  path: string;
  pages: {name: string; path: string}[];
}

/** Adds widget cells to a chapter's pages: the formula engine, the playground, training, exercises. */
export interface Enricher {
  name: string;
  /** Runs once per chapter before pages are written; returns cells per (section slug, block index). */
  plan(chapter: ChapterModel): Promise<(section: ChapterModel["sections"][number], blockIndex: number) => Cell[]>;
  /** Problems the enricher found while planning (reported with the chapters' own diagnostics). */
  diagnostics?: Diagnostic[];
  /** Pages of the book's own, written after every chapter was planned (e.g. the homework index): slug, name, page text. */
  bookPages?(chapters: ChapterModel[]): {slug: string; name: string; text: string}[];
}

export interface GenerateOptions {
  root: string;
  chaptersDir?: string;
  outDir?: string;
  enrichers?: Enricher[];
  /** Only these chapter file names (a homework assignment). */
  onlyFiles?: string[];
  /** Author mode: each page shows its section's problems (file:line) at the top. */
  showDiagnostics?: boolean;
}

export interface GenerateResult {
  book: BookConfig;
  chapters: ChapterModel[];
  diagnostics: Diagnostic[];
  pages: string[];
  toc: TocPart[];
}

/** Parses the whole book without writing anything (for `npm run check` and tests). */
export function loadAll(root: string, chaptersDir = join(root, "chapters"), onlyFiles?: string[]): {book: BookConfig; chapters: ChapterModel[]; diagnostics: Diagnostic[]} {
  const {book, diagnostics} = loadBook(chaptersDir);
  const rel = relative(root, chaptersDir) || ".";
  const parts = onlyFiles ? book.parts.filter((p) => onlyFiles.includes(p.file) || onlyFiles.includes(p.file.replace(/\.md$/, ""))) : book.parts;
  const chapters = parts.map((p, i) => loadChapter(chaptersDir, p, i, join(rel, p.file)));
  return {book, chapters, diagnostics: [...diagnostics.items, ...chapters.flatMap((c) => c.diagnostics.items)]};
}

/**
 * Removes what an earlier generation wrote and this one did not (a renamed section, a removed chapter), leaving
 * Framework's cache and the links alone. Unchanged files are never rewritten, so `npm run dev` reloads only what changed.
 */
function removeStale(dir: string, keep: Set<string>, top = dir): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    const path = join(dir, entry.name);
    if (dir === top && (entry.name === ".observablehq" || entry.name === "components" || entry.name === "data")) continue;
    if (entry.isDirectory()) {
      removeStale(path, keep, top);
      if (readdirSync(path).length === 0) rmSync(path, {recursive: true});
    } else if (!keep.has(path)) rmSync(path, {force: true});
  }
}

function link(target: string, path: string): void {
  if (existsSync(path) || isLink(path)) rmSync(path, {recursive: true, force: true});
  symlinkSync(relative(dirname(path), target), path, "dir");
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Why `path` may not be written, or undefined: it must lie inside `outDir`, and no folder or file on the way from
 * `outDir` to it may be a symbolic link (book/components and book/data link to the project's real folders; a page
 * written through them would overwrite the project's own code or data).
 */
export function outputPathProblem(outDir: string, path: string): string | undefined {
  const rel = relative(outDir, path);
  if (!rel || rel.startsWith("..") || isAbsolute(rel)) return `${path} is outside the output folder ${outDir}`;
  let p = outDir;
  for (const segment of rel.split(sep)) {
    p = join(p, segment);
    if (isLink(p)) return `${relative(outDir, p)} in the output folder is a symbolic link`;
    if (!existsSync(p)) break;
  }
  return undefined;
}

/** Writes the output files of one generation: only inside outDir, never through a link; records what it wrote. */
class OutputWriter {
  readonly written = new Set<string>();
  constructor(readonly outDir: string, readonly diagnostics: Diagnostic[]) {}
  private allowed(path: string, file: string): boolean {
    const problem = outputPathProblem(this.outDir, path);
    if (!problem) return true;
    this.diagnostics.push({file, line: 1, severity: "error", code: "unsafe-output-path", message: `not written: ${problem} / 输出路径不安全，未写入`});
    return false;
  }
  /** Writes a file unless it already holds `text` (unchanged files are not touched: no needless live reload). */
  write(path: string, text: string, file = "book"): void {
    if (!this.allowed(path, file)) return;
    this.written.add(path);
    mkdirSync(dirname(path), {recursive: true});
    if (existsSync(path) && readFileSync(path, "utf-8") === text) return;
    writeFileSync(path, text);
  }
  copy(from: string, path: string, file: string): void {
    if (!this.allowed(path, file)) return;
    this.written.add(path);
    mkdirSync(dirname(path), {recursive: true});
    copyFileSync(from, path);
  }
}

const COLUMN_LABELS: Record<string, string> = {
  chapter: "文件", title: "标题", pages: "页面", formulas: "公式", codeBlocks: "代码块", errors: "错误", warnings: "警告",
  executed: "可执行", verified: "已验证 ✓", flagged: "有误 ✗", notExecutable: "不可执行"
};

/** The build report: per chapter counts (formulas executed / verified / flagged …) and every diagnostic with its line. */
export function reportPage(rows: ChapterRow[], diagnostics: Diagnostic[], extra = ""): string {
  const cols = Object.keys(rows[0] ?? {});
  const head = `<tr>${cols.map((c) => `<th>${escapeHtml(COLUMN_LABELS[c] ?? c)}</th>`).join("")}</tr>`;
  const body = rows.map((r) => `<tr>${cols.map((c) => `<td>${escapeHtml(String(r[c]))}</td>`).join("")}</tr>`).join("");
  const items = diagnostics
    .map(diagnosticItem)
    .join("");
  const html = `<h1 class="gb-title">构建报告</h1><p>每章的公式执行与推导检查结果，以及生成器发现的全部问题（与 <code>npm run check</code> 相同）。</p><table class="gb-report">${head}${body}</table><h2 id="diagnostics">问题列表（${diagnostics.length}）</h2><ul class="gb-diags">${items}</ul>${extra}`;
  return `---
title: "构建报告"
toc: false
---

<div class="gb-report-page">${embedHtml(html)}</div>
`;
}

/** What each widget lets a reader do, in the home page's guide (widgets not listed are not called out). */
const WIDGET_LABELS: Record<string, string> = {FormulaCell: "公式可运行", Playground: "损失曲面", TrainingPanel: "页面内训练", Exercise: "练习"};

export function homePage(book: BookConfig, chapters: ChapterModel[], extra: {name: string; path: string}[] = [],
  widgetsOn: Map<string, Set<string>> = new Map()): string {
  const parts = chapters
    .map((c) => {
      const sections = c.sections.map((s) => {
        const what = [...(widgetsOn.get(`${c.part.slug}/${s.slug}`) ?? [])].map((w) => WIDGET_LABELS[w]).filter(Boolean);
        return `<a href="./${c.part.slug}/${s.slug}">${escapeHtml(s.title)}</a>${what.length ? `<span class="gb-interactive">（${escapeHtml(what.join("、"))}）</span>` : ""}`;
      }).join(" · ");
      return `<li class="gb-part"><h2><a href="./${c.part.slug}/">第 ${c.index + 1} 部分：${escapeHtml(c.title)}</a></h2><p class="gb-part-sections">${sections}</p></li>`;
    })
    .join("");
  const intro = `<h1 class="gb-title">${escapeHtml(book.title)}</h1>` + (book.description ? `<p class="gb-lede">${escapeHtml(book.description)}</p>` : "") +
    `<p class="gb-lede">这本互动教程由 ${chapters.length} 篇文章生成，每篇是一个部分，每节是一页。页面上的公式都会被实际计算：` +
    `在公式下方改动输入，结果随之更新，文中写出的导数会与自动微分（tf.grad）对照；有优化器的页面可以拖动起点、调节学习率等参数，看各种优化器在损失曲面上的路径；` +
    `代码实践页面直接在浏览器里训练文中的模型；练习在页面上运行测试。全书离线可用。</p>` +
    `<dl class="gb-legend"><dt><span class="gb-badge gb-badge--ok">✓ 已验证</span></dt><dd>公式与参考实现或自动微分的结果一致</dd>` +
    `<dt><span class="gb-badge gb-badge--bad">✗ 有误</span></dt><dd>文中的公式与自动微分不一致，下方给出反例和更正</dd>` +
    `<dt><span class="gb-badge gb-badge--run">▶ 可运行</span></dt><dd>可以改动输入、运行公式，但没有可对照的参考</dd>` +
    `<dt><span class="gb-badge gb-badge--na">不可执行</span></dt><dd>只渲染，不计算（原因列在构建报告里）</dd></dl>` +
    `<p>下面每一节后面的括号说明这一页能做什么。</p>`;
  const report = extra.map((p) => `<p class="gb-report-link"><a href=".${escapeHtml(p.path)}">${escapeHtml(p.name)}</a>：全书的练习、你的进度和提交。</p>`).join("") +
    `<p class="gb-report-link"><a href="./report">构建报告</a>：每章公式的执行与推导检查结果，以及原文中发现的问题。</p>`;
  return `---\ntitle: ${JSON.stringify(book.title)}\ntoc: false\n---\n\n<div class="gb-home">${embedHtml(`${intro}<ol class="gb-parts">${parts}</ol>${report}`)}</div>\n`;
}

/** Runs every enricher's planning over the chapters (as a build would) and returns what they reported. */
export async function planDiagnostics(chapters: ChapterModel[], enrichers: Enricher[]): Promise<Diagnostic[]> {
  for (const c of chapters) for (const e of enrichers) await e.plan(c);
  return enrichers.flatMap((e) => e.diagnostics ?? []);
}

/** Generates the Framework root (pages, stylesheet, links to components/ and data/) from the chapters. */
export async function generateBook(opts: GenerateOptions): Promise<GenerateResult> {
  const root = resolve(opts.root);
  const outDir = resolve(opts.outDir ?? join(root, "book"));
  const {book, chapters, diagnostics} = loadAll(root, opts.chaptersDir ?? join(root, "chapters"), opts.onlyFiles);
  mkdirSync(outDir, {recursive: true});
  const out = new OutputWriter(outDir, diagnostics);
  const pages: string[] = [];
  const toc: TocPart[] = [];
  const widgetsOn = new Map<string, Set<string>>();
  for (const chapter of chapters) {
    const planners = await Promise.all((opts.enrichers ?? []).map((e) => e.plan(chapter)));
    const plan: CellPlan = (section, i) => {
      const cells = planners.flatMap((p) => p(section, i));
      // What a reader can do on each page, for the home page's guide (the widgets the cells import).
      const key = `${chapter.part.slug}/${section.slug}`;
      for (const c of cells) for (const m of c.imports.join("\n").matchAll(/import \{(\w+)\} from "\.\.\/components\/widgets\//g)) {
        widgetsOn.set(key, (widgetsOn.get(key) ?? new Set()).add(m[1]));
      }
      return cells;
    };
    const dir = join(outDir, chapter.part.slug);
    out.write(join(dir, "index.md"), renderPartIndex(chapter), chapter.file);
    pages.push(`/${chapter.part.slug}/`);
    const part: TocPart = {name: `${chapter.index + 1}. ${chapter.title}`, path: `/${chapter.part.slug}/`, pages: []};
    const mine = opts.showDiagnostics
      ? [...diagnostics, ...(opts.enrichers ?? []).flatMap((e) => e.diagnostics ?? [])].filter((d) => d.file === chapter.file)
      : [];
    for (const section of chapter.sections) {
      const from = section.headingLine || section.start;
      const here = chapter.sections[0] === section ? mine.filter((d) => d.line <= section.end) : mine.filter((d) => d.line >= from && d.line <= section.end);
      out.write(join(dir, `${section.slug}.md`), renderPage(chapter, section, plan, here), chapter.file);
      pages.push(`/${chapter.part.slug}/${section.slug}`);
      part.pages.push({name: section.title, path: `/${chapter.part.slug}/${section.slug}`});
    }
    for (const [src, url] of chapter.images) out.copy(src, join(dir, url), chapter.file);
    toc.push(part);
  }
  for (const e of opts.enrichers ?? []) diagnostics.push(...(e.diagnostics ?? []));
  diagnostics.sort(byPlace);
  const rows = await Promise.all(chapters.map((c) => chapterReport(c, diagnostics.filter((d) => d.file === c.file))));
  const extra = (await Promise.all(reportSections.map((f) => f(chapters)))).join("");
  out.write(join(outDir, "report.md"), reportPage(rows, diagnostics, extra));
  pages.push("/report");
  const extraPages: {name: string; path: string}[] = [];
  for (const e of opts.enrichers ?? []) {
    for (const p of e.bookPages?.(chapters) ?? []) {
      out.write(join(outDir, `${p.slug}.md`), p.text);
      pages.push(`/${p.slug}`);
      extraPages.push({name: p.name, path: `/${p.slug}`});
    }
  }
  out.write(join(outDir, "index.md"), homePage(book, chapters, extraPages, widgetsOn));
  pages.unshift("/");
  out.write(join(outDir, ".gradbook", "toc.json"), JSON.stringify({title: book.title, parts: toc, pages: extraPages}, null, 2));
  out.write(join(outDir, "_gradbook", "katex.css"), katexCss());
  out.write(join(outDir, "_gradbook", "highlight.css"), highlightCss());
  out.write(
    join(outDir, "gradbook.css"),
    [
      `@import url("observablehq:default.css");`,
      `@import url("observablehq:theme-air.css") (prefers-color-scheme: light);`,
      `@import url("observablehq:theme-near-midnight.css") (prefers-color-scheme: dark);`,
      `@import "./_gradbook/katex.css";`,
      `@import "./_gradbook/highlight.css";`,
      `@import "./components/style/gradbook.css";`,
      ""
    ].join("\n")
  );
  removeStale(outDir, out.written);
  link(join(root, "components"), join(outDir, "components"));
  link(join(root, "data"), join(outDir, "data"));
  return {book, chapters, diagnostics, pages, toc};
}
