import type {ChapterModel, SectionModel} from "./chapter.js";
import type {Diagnostic} from "./diagnostics.js";
import {embedHtml, escapeHtml} from "./html.js";

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


/** One diagnostic as a list item: file:line, severity, message and code (the report page and author mode). */
export function diagnosticItem(d: Diagnostic): string {
  return `<li class="gb-diag gb-diag--${d.severity}"><code>${escapeHtml(d.file)}:${d.line}</code> ${d.severity === "error" ? "错误" : "警告"}：${escapeHtml(d.message)} <small>[${escapeHtml(d.code)}]</small></li>`;
}

/** Author mode (npm run dev): the section's problems, file:line, at the top of its page. */
export function diagnosticsBanner(diagnostics: Diagnostic[]): string {
  if (!diagnostics.length) return "";
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const items = diagnostics.map(diagnosticItem).join("");
  const summary = `${errors ? `${errors} 个错误，` : ""}${diagnostics.length - errors} 个警告（作者模式，发布的网站不显示）`;
  return `<details class="gb-diagnostics"${errors ? " open" : ""}><summary>${summary}</summary><ul>${items}</ul></details>`;
}

/** The Framework markdown of one section page; `diagnostics` (author mode) are shown at its top. */
export function renderPage(chapter: ChapterModel, section: SectionModel, plan: CellPlan, diagnostics: Diagnostic[] = []): string {
  const imports = new Set<string>();
  const body: string[] = [];
  const crumb = `<p class="gb-crumb" data-part="${escapeHtml(chapter.part.slug)}">第 ${chapter.index + 1} 部分 · <a href="./">${escapeHtml(chapter.title)}</a> · <span class="gb-src">${escapeHtml(chapter.file)}:${section.headingLine || section.start}</span></p>`;
  body.push(crumb);
  body.push(`<h1 class="gb-title">${escapeHtml(section.title)}</h1>`);
  const banner = diagnosticsBanner(diagnostics);
  if (banner) body.push(embedHtml(banner));
  section.blocks.forEach((block, i) => {
    if (block.kind === "html") {
      const html = embedHtml(block.html);
      if (html) body.push(`<div class="gb-block" data-line="${block.line}">${html}</div>`);
    } else {
      // mermaid / exercise fences: the widget comes first, the source stays below, folded.
      for (const cell of plan(section, i)) {
        cell.imports.forEach((l) => imports.add(l));
        body.push("```js\n" + cell.code.trim() + "\n```");
      }
      const summary = block.kind === "mermaid" ? "Mermaid 源码" : "练习源码";
      body.push(`<details class="gb-block gb-fallback gb-${block.kind}-src" data-line="${block.line}"><summary>${summary}</summary>${embedHtml(block.html)}</details>`);
      return;
    }
    for (const cell of plan(section, i)) {
      cell.imports.forEach((l) => imports.add(l));
      body.push("```js\n" + cell.code.trim() + "\n```");
    }
  });
  const head = frontMatter({title: section.title, toc: true});
  const importCell = imports.size ? `\`\`\`js\n${[...imports].join("\n")}\n\`\`\`\n\n` : "";
  return `${head}\n${importCell}${body.join("\n\n")}\n`;
}

/** The part's landing page: its title, source and a list of its sections. */
export function renderPartIndex(chapter: ChapterModel): string {
  const items = chapter.sections
    .map((s) => `<li><a href="./${s.slug}">${escapeHtml(s.title)}</a> <small class="gb-src">${escapeHtml(chapter.file)}:${s.headingLine || s.start}</small></li>`)
    .join("");
  const warn = chapter.titleSource === "derived" ? `<p class="gb-note-derived">（原文没有标题，此标题由生成器推断）</p>` : "";
  return `${frontMatter({title: chapter.title, toc: false})}\n<div class="gb-part-index">${embedHtml(`<p class="gb-crumb">第 ${chapter.index + 1} 部分 · ${escapeHtml(chapter.file)}</p>${warn}<ol class="gb-sections">${items}</ol>`)}</div>\n`;
}
