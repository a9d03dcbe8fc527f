import type {ChapterModel, SectionModel} from "./chapter.js";
import type {Diagnostic} from "./diagnostics.js";
import {joinList, tBook} from "../components/i18n/book.js";
import {embedHtml, escapeHtml} from "./html.js";
import {MIN_PAGE_PROSE, MIN_PAGE_SHARE} from "./sections.js";

/** What the page must run after a block: a cell (JavaScript source) per widget. */
export interface Cell {
  /** Import lines this cell needs (deduplicated per page). */
  imports: string[];
  code: string;
}

/** Widgets to insert after a rendered block, keyed by the block's index in its section. */
export type CellPlan = (section: SectionModel, blockIndex: number) => Cell[];

/** JSON that is safe inside an inline <script type=module> (no `</script>`, no U+2028). */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

function frontMatter(fields: Record<string, string | boolean>): string {
  const lines = Object.entries(fields).map(([k, v]) => `${k}: ${typeof v === "string" ? JSON.stringify(v) : v}`);
  return `---\n${lines.join("\n")}\n---\n`;
}


/** Where a file:line lives in the book: the page's path from the site root and the block's anchor (may be empty). */
export type PlaceLink = (file: string, line: number) => string | undefined;

/** One diagnostic as a list item: file:line (a link to its page and block when `link` knows it), severity, message, code. */
export function diagnosticItem(d: Diagnostic, link?: PlaceLink, messageHtml: (m: string) => string = escapeHtml): string {
  const place = `<code>${escapeHtml(d.file)}:${d.line}</code>`;
  const href = link?.(d.file, d.line);
  return `<li class="gb-diag gb-diag--${d.severity}">${href ? `<a href="${escapeHtml(href)}">${place}</a>` : place} ${tBook(d.severity === "error" ? "error" : "warning")}：${messageHtml(d.message)} <small>[${escapeHtml(d.code)}]</small></li>`;
}

/** Author mode (npm run dev): the section's problems, file:line, at the top of its page, and the way to the report. */
export function diagnosticsBanner(diagnostics: Diagnostic[], reportHref = "../report"): string {
  const report = `<p class="gb-author-report"><a href="${escapeHtml(reportHref)}">${escapeHtml(tBook("authorReport"))}</a></p>`;
  if (!diagnostics.length) return `<div class="gb-diagnostics gb-diagnostics--none">${report}</div>`;
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const items = diagnostics.map((d) => diagnosticItem(d)).join("");
  const summary = tBook("banner", {errors: errors ? tBook("bannerErrors", {n: errors}) : "", warnings: diagnostics.length - errors});
  return `<details class="gb-diagnostics"${errors ? " open" : ""}><summary>${escapeHtml(summary)}</summary><ul>${items}</ul>${report}</details>`;
}

export interface PageOptions {
  /** Author mode (npm run dev): the section's problems at the top, file:line in the breadcrumb, the merge note. */
  author?: boolean;
  diagnostics?: Diagnostic[];
  /** The book opts in (book.json "executable": true): the chapter's own ```ts / ```js blocks become live cells. */
  executable?: boolean;
}

/** Fence languages an opted-in book runs as Framework cells. */
export const AUTHOR_CELL_LANGS = new Set(["ts", "typescript", "js", "javascript"]);

/** Where an author's cell may import from: the book's own components (anything else is fetched at build time). */
export const OFFLINE_IMPORT = /^(?:\.\.?\/)+components\//;

/** Whether an author's block may run: every static import is the book's own, and no dynamic import(). */
export function authorCellRunnable(source: string): boolean {
  if (/\bimport\s*\(/.test(source)) return false;
  return [...source.matchAll(/^\s*import\b[^'"]*['"]([^'"]+)['"]/gm)].every((m) => OFFLINE_IMPORT.test(m[1]));
}

/** An author's block as a Framework cell that shows its code (echo), fenced longer than any backtick run inside it. */
export function authorCell(source: string, lang: string): string {
  const fence = "`".repeat(Math.max(3, ...[...source.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  const tag = lang === "typescript" || lang === "ts" ? "ts" : "js";
  return `${fence}${tag} echo\n${source.replace(/\n$/, "")}\n${fence}`;
}

/** The breadcrumb: part number and chapter; authors also see the section's file:line. */
function breadcrumb(chapter: ChapterModel, section: SectionModel, author: boolean): string {
  const src = author ? ` · <span class="gb-src">${escapeHtml(chapter.file)}:${section.headingLine || section.start}</span>` : "";
  return `<p class="gb-crumb" data-part="${escapeHtml(chapter.part.slug)}">${escapeHtml(tBook("part", {n: chapter.index + 1}))} · <a href="./">${escapeHtml(chapter.title)}</a>${src}</p>`;
}

/** Author mode: which short sections this page took in, and the rule. */
function mergedNote(section: SectionModel): string {
  if (!section.merged?.length) return "";
  const list = section.merged.map((m) => `${m.title} (${m.line})`);
  return `<p class="gb-author-note">${escapeHtml(tBook("merged", {n: MIN_PAGE_PROSE, share: MIN_PAGE_SHARE * 100, list: joinList(list)}))}</p>`;
}

/** The cells planned after block i, as Framework js fences (their imports collected). */
function cellsAfter(plan: CellPlan, section: SectionModel, i: number, imports: Set<string>): string[] {
  return plan(section, i).map((cell) => {
    cell.imports.forEach((l) => imports.add(l));
    return "```js\n" + cell.code.trim() + "\n```";
  });
}

/**
 * The Framework markdown of one section page. Every block carries data-line and an anchor id L<line> (the report
 * links there). `opts.author` (npm run dev) adds the section's problems, the source path and the merge note.
 */
export function renderPage(chapter: ChapterModel, section: SectionModel, plan: CellPlan, opts: PageOptions = {}): string {
  const imports = new Set<string>();
  const author = opts.author ?? false;
  const body: string[] = [breadcrumb(chapter, section, author), `<h1 class="gb-title">${escapeHtml(section.title)}</h1>`];
  if (author) {
    const banner = diagnosticsBanner(opts.diagnostics ?? []) + mergedNote(section);
    body.push(embedHtml(banner));
  }
  section.blocks.forEach((block, i) => {
    const anchor = `id="L${block.line}" data-line="${block.line}"`;
    if (block.kind === "html" && opts.executable && block.source !== undefined && AUTHOR_CELL_LANGS.has(block.lang ?? "") && authorCellRunnable(block.source)) {
      body.push(`<div class="gb-block gb-author-cell" ${anchor}></div>`, authorCell(block.source, block.lang!));
      body.push(...cellsAfter(plan, section, i, imports));
      return;
    }
    if (block.kind === "html") {
      const html = embedHtml(block.html);
      if (html) body.push(`<div class="gb-block" ${anchor}>${html}</div>`);
      body.push(...cellsAfter(plan, section, i, imports));
      return;
    }
    // mermaid / exercise fences: the widget comes first, the source stays below, folded.
    body.push(...cellsAfter(plan, section, i, imports));
    const summary = tBook(block.kind === "mermaid" ? "mermaidSource" : "exerciseSource");
    body.push(`<details class="gb-block gb-fallback gb-${block.kind}-src" ${anchor}><summary>${escapeHtml(summary)}</summary>${embedHtml(block.html)}</details>`);
  });
  const head = frontMatter({title: section.title, toc: true});
  const importCell = imports.size ? `\`\`\`js\n${[...imports].join("\n")}\n\`\`\`\n\n` : "";
  return `${head}\n${importCell}${body.join("\n\n")}\n`;
}

/** What each widget lets a reader do (widgets not listed are not called out). */
const WIDGET_KEYS = {FormulaCell: "wFormulaCell", Playground: "wPlayground", TrainingPanel: "wTrainingPanel", Exercise: "wExercise"} as const;

/** The reader's words for the widgets on a page, in the book's order (formulas, surface, training, exercises). */
export function interactiveLabels(widgets: Iterable<string> = []): string[] {
  const on = new Set(widgets);
  return (Object.keys(WIDGET_KEYS) as (keyof typeof WIDGET_KEYS)[]).filter((w) => on.has(w)).map((w) => tBook(WIDGET_KEYS[w]));
}

/**
 * The part's landing page: the chapter's title as heading, one line on what it holds, and its pages, each with what
 * a reader can do there (from the widgets the enrichers put on it: `widgetsOn` maps a section slug to widget names).
 */
export function renderPartIndex(chapter: ChapterModel, widgetsOn: Map<string, Set<string>> = new Map(), opts: {author?: boolean} = {}): string {
  let interactive = 0;
  const items = chapter.sections.map((s) => {
    const what = interactiveLabels(widgetsOn.get(s.slug));
    if (what.length) interactive++;
    const note = what.length ? `<span class="gb-interactive">${escapeHtml(tBook("paren", {x: joinList(what)}))}</span>` : "";
    const src = opts.author ? ` <small class="gb-src">${escapeHtml(chapter.file)}:${s.headingLine || s.start}</small>` : "";
    return `<li><a href="./${s.slug}">${escapeHtml(s.title)}</a>${note}${src}</li>`;
  }).join("");
  const pages = chapter.sections.length;
  const lede = interactive ? tBook("partLede", {pages, interactive}) : tBook("partLedeNone", {pages});
  const warn = chapter.titleSource === "derived" ? `<p class="gb-note-derived">${escapeHtml(tBook("derivedTitle"))}</p>` : "";
  const src = opts.author ? ` · <span class="gb-src">${escapeHtml(chapter.file)}</span>` : "";
  const html = `<p class="gb-crumb">${escapeHtml(tBook("part", {n: chapter.index + 1}))}${src}</p><h1 class="gb-title">${escapeHtml(chapter.title)}</h1>${warn}<p class="gb-lede">${escapeHtml(lede)}</p><ol class="gb-sections">${items}</ol>`;
  return `${frontMatter({title: chapter.title, toc: false})}\n<div class="gb-part-index">${embedHtml(html)}</div>\n`;
}
