import {existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, copyFileSync} from "node:fs";
import {dirname, isAbsolute, join, relative, resolve, sep} from "node:path";
import {highlightCss, katexCss} from "./assets.js";
import {setLanguage} from "../components/i18n/index.js";
import {joinList, tBook} from "../components/i18n/book.js";
import {type BookConfig, detectLanguage, loadBook} from "./book.js";
import {type ChapterModel, loadChapter} from "./chapter.js";
import {byPlace, type Diagnostic} from "./diagnostics.js";
import {type ChapterRow, chapterReport, placeLinks, reportPage, reportSections} from "./report.js";
import {escapeHtml, embedHtml} from "./html.js";
import {type Cell, type CellPlan, interactiveLabels, renderPage, renderPartIndex} from "./page.js";

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
  // The book's language before anything is rendered: every reader string below comes from the catalogue.
  book.language ??= detectLanguage(parts.map((p) => readText(join(chaptersDir, p.file))));
  setLanguage(book.language);
  const chapters = parts.map((p, i) => loadChapter(chaptersDir, p, i, join(rel, p.file)));
  return {book, chapters, diagnostics: [...diagnostics.items, ...chapters.flatMap((c) => c.diagnostics.items)]};
}

/** A document's text for language detection ("" when it cannot be read: loadChapter reports that). */
function readText(path: string): string {
  try {
    return readFileSync(path, "utf-8");
  } catch {
    return "";
  }
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

/**
 * The home page: what the book is, what the badges mean, and each part with its pages, each page followed by what a
 * reader can do there. The build report is linked only in author mode.
 */
export function homePage(book: BookConfig, chapters: ChapterModel[], extra: {name: string; path: string}[] = [],
  widgetsOn: Map<string, Set<string>> = new Map(), opts: {author?: boolean} = {}): string {
  const parts = chapters
    .map((c) => {
      const sections = c.sections.map((s) => {
        const what = interactiveLabels(widgetsOn.get(`${c.part.slug}/${s.slug}`));
        return `<a href="./${c.part.slug}/${s.slug}">${escapeHtml(s.title)}</a>${what.length ? `<span class="gb-interactive">${escapeHtml(tBook("paren", {x: joinList(what)}))}</span>` : ""}`;
      }).join(" · ");
      return `<li class="gb-part"><h2><a href="./${c.part.slug}/">${escapeHtml(tBook("partTitle", {n: c.index + 1, title: c.title}))}</a></h2><p class="gb-part-sections">${sections}</p></li>`;
    })
    .join("");
  const badge = (cls: string, label: "badgeOk" | "badgeBad" | "badgeRun" | "badgeNa") =>
    `<dt><span class="gb-badge gb-badge--${cls}">${escapeHtml(tBook(label))}</span></dt><dd>${escapeHtml(tBook(`${label}Text`))}</dd>`;
  const intro = `<h1 class="gb-title">${escapeHtml(book.title)}</h1>` + (book.description ? `<p class="gb-lede">${escapeHtml(book.description)}</p>` : "") +
    `<p class="gb-lede">${escapeHtml(tBook("homeIntro", {n: chapters.length}))}</p>` +
    `<dl class="gb-legend">${badge("ok", "badgeOk")}${badge("bad", "badgeBad")}${badge("run", "badgeRun")}${badge("na", "badgeNa")}</dl>` +
    `<p>${escapeHtml(tBook("homeGuide"))}</p>`;
  const link = (href: string, name: string) => `<a href=".${escapeHtml(href)}">${escapeHtml(name)}</a>`;
  const more = extra.map((p) => `<p class="gb-report-link">${tBook("homeExtra", {link: link(p.path, p.name)})}</p>`).join("") +
    (opts.author ? `<p class="gb-report-link gb-author-report">${tBook("authorReportText", {link: link("/report", tBook("authorReport"))})}</p>` : "");
  return `---\ntitle: ${JSON.stringify(book.title)}\ntoc: false\n---\n\n<div class="gb-home">${embedHtml(`${intro}<ol class="gb-parts">${parts}</ol>${more}`)}</div>\n`;
}

/** Runs every enricher's planning over the chapters (as a build would) and returns what they reported. */
export async function planDiagnostics(chapters: ChapterModel[], enrichers: Enricher[]): Promise<Diagnostic[]> {
  for (const c of chapters) for (const e of enrichers) await e.plan(c);
  return enrichers.flatMap((e) => e.diagnostics ?? []);
}

/**
 * book/.gradbook/toc.json, read by observablehq.config.ts (sidebar, language, labels Framework has no option for) and
 * scripts/search.ts (chapters of pages, pager labels at a chapter boundary).
 */
function tocJson(book: BookConfig, parts: TocPart[], pages: {name: string; path: string}[]) {
  const labels = {toc: tBook("tocLabel"), sidebarToggle: tBook("sidebarToggle"), footer: tBook("footer", {title: book.title}),
    prev: tBook("prevPage"), next: tBook("nextPage")};
  return {title: book.title, lang: book.language, labels, parts, pages};
}

interface ChapterOutput {
  out: OutputWriter;
  outDir: string;
  author: boolean;
  /** The book runs its authors' ```ts / ```js blocks (book.json "executable": true). */
  executable?: boolean;
  /** The chapter's problems (author mode only), shown on the page of the section holding their line. */
  diagnostics: Diagnostic[];
  /** Filled in: the widgets on each page ("slug/section" → widget names), for the home page. */
  widgetsOn: Map<string, Set<string>>;
}

/** Plans a chapter's cells, writes its section pages and its part page; returns its entry in the table of contents. */
async function writeChapter(chapter: ChapterModel, enrichers: Enricher[], o: ChapterOutput): Promise<TocPart> {
  const planners = await Promise.all(enrichers.map((e) => e.plan(chapter)));
  const onPage = new Map<string, Set<string>>();
  const plan: CellPlan = (section, i) => {
    const cells = planners.flatMap((p) => p(section, i));
    // What a reader can do on each page (the widgets the cells import), for the part page and the home page.
    for (const c of cells) for (const m of c.imports.join("\n").matchAll(/import \{(\w+)\} from "\.\.\/components\/widgets\//g)) {
      onPage.set(section.slug, (onPage.get(section.slug) ?? new Set()).add(m[1]));
    }
    // the playground's notebook cells import several pieces from components/playground/
    if (cells.some((c) => c.imports.some((l) => l.includes("../components/playground/")))) onPage.set(section.slug, (onPage.get(section.slug) ?? new Set()).add("Playground"));
    return cells;
  };
  const dir = join(o.outDir, chapter.part.slug);
  const part: TocPart = {name: tBook("tocName", {n: chapter.index + 1, title: chapter.title}), path: `/${chapter.part.slug}/`, pages: []};
  for (const section of chapter.sections) {
    const from = section.headingLine || section.start;
    const here = o.diagnostics.filter((d) => d.line <= section.end && (chapter.sections[0] === section || d.line >= from));
    o.out.write(join(dir, `${section.slug}.md`), renderPage(chapter, section, plan, {author: o.author, diagnostics: here, executable: o.executable}), chapter.file);
    part.pages.push({name: section.title, path: `/${chapter.part.slug}/${section.slug}`});
  }
  for (const [slug, w] of onPage) o.widgetsOn.set(`${chapter.part.slug}/${slug}`, w);
  o.out.write(join(dir, "index.md"), renderPartIndex(chapter, onPage, {author: o.author}), chapter.file);
  for (const [src, url] of chapter.images) o.out.copy(src, join(dir, url), chapter.file);
  return part;
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
  const author = opts.showDiagnostics ?? false;
  for (const chapter of chapters) {
    const mine = author ? [...diagnostics, ...(opts.enrichers ?? []).flatMap((e) => e.diagnostics ?? [])].filter((d) => d.file === chapter.file) : [];
    const part = await writeChapter(chapter, opts.enrichers ?? [], {out, outDir, author, diagnostics: mine, widgetsOn, executable: book.executable});
    pages.push(part.path, ...part.pages.map((p) => p.path));
    toc.push(part);
  }
  for (const e of opts.enrichers ?? []) diagnostics.push(...(e.diagnostics ?? []));
  diagnostics.sort(byPlace);
  const rows = await Promise.all(chapters.map((c) => chapterReport(c, diagnostics.filter((d) => d.file === c.file))));
  const extra = (await Promise.all(reportSections.map((f) => f(chapters)))).join("");
  out.write(join(outDir, "report.md"), reportPage(rows, diagnostics, extra, placeLinks(chapters)));
  pages.push("/report");
  const extraPages: {name: string; path: string}[] = [];
  for (const e of opts.enrichers ?? []) {
    for (const p of e.bookPages?.(chapters) ?? []) {
      out.write(join(outDir, `${p.slug}.md`), p.text);
      pages.push(`/${p.slug}`);
      extraPages.push({name: p.name, path: `/${p.slug}`});
    }
  }
  out.write(join(outDir, "index.md"), homePage(book, chapters, extraPages, widgetsOn, {author}));
  pages.unshift("/");
  out.write(join(outDir, ".gradbook", "toc.json"), JSON.stringify(tocJson(book, toc, extraPages), null, 2));
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
