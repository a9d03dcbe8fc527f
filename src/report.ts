import katex from "katex";
import {tBook} from "../components/i18n/book.js";
import type {ChapterModel} from "./chapter.js";
import type {Diagnostic} from "./diagnostics.js";
import {embedHtml, escapeHtml} from "./html.js";
import {type PlaceLink, diagnosticItem} from "./page.js";

export interface ChapterRow {
  chapter: string;
  title: string;
  pages: number;
  formulas: number;
  codeBlocks: number;
  errors: number;
  warnings: number;
  [extra: string]: string | number;
}

/** Extra per-chapter columns contributed by features (the formula engine adds executed / verified / flagged). */
export type ReportColumns = (chapter: ChapterModel) => Promise<Record<string, number>>;

export const reportColumns: ReportColumns[] = [];

/** One row of `npm run check`'s table; `diagnostics` defaults to the chapter's own (parse and render) ones. */
export async function chapterReport(c: ChapterModel, diagnostics: Diagnostic[] = c.diagnostics.items): Promise<ChapterRow> {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const row: ChapterRow = {
    chapter: c.part.file,
    title: c.title,
    pages: c.sections.length,
    formulas: c.sections.reduce((s, x) => s + x.math.length, 0),
    codeBlocks: c.sections.reduce((s, x) => s + x.blocks.filter((b) => b.html.includes('class="gb-code"')).length, 0),
    errors,
    warnings: diagnostics.length - errors
  };
  for (const col of reportColumns) Object.assign(row, await col(c));
  return row;
}

/** Extra sections of the build report page (HTML), contributed by features. */
export type ReportSection = (chapters: ChapterModel[]) => Promise<string>;

export const reportSections: ReportSection[] = [];

/** The report's column headings, in the book's language (columns not listed keep their key). */
const COLUMN_KEYS: Record<string, Parameters<typeof tBook>[0]> = {
  chapter: "colChapter", title: "colTitle", pages: "colPages", formulas: "colFormulas", codeBlocks: "colCodeBlocks", errors: "colErrors",
  warnings: "colWarnings", executed: "colExecuted", verified: "colVerified", flagged: "colFlagged", notExecutable: "colNotExecutable"
};

/**
 * Where each file:line of the chapters is shown: the page of the section holding the line and the anchor of the
 * last block starting at or before it (blocks carry id="L<line>"). Lines outside any chapter page get no link.
 */
export function placeLinks(chapters: ChapterModel[]): PlaceLink {
  return (file, line) => {
    const c = chapters.find((x) => x.file === file);
    if (!c) return undefined;
    const s = c.sections.find((x, i) => line <= x.end && (i === 0 || line >= (x.headingLine || x.start)));
    if (!s) return undefined;
    const block = s.blocks.filter((b) => b.line <= line).at(-1);
    return `./${c.part.slug}/${s.slug}${block ? `#L${block.line}` : ""}`;
  };
}

/** A single LaTeX token inside prose: a command (\hat{y}_i), a subscripted symbol (x_i, y'_i, w^{2}), or J(w_0). */
const MATH_TOKEN = /\\[a-zA-Z]{2,}|^[(\[]?[A-Za-z]'?(?:[_^](?:\{[^{}\s]*\}?|[A-Za-z0-9]))+[)\],;:.]*$|^[A-Za-z]\([^()\s]*[_^\\][^()\s]*\)[,;:.]*$/;
/** Tokens that continue a formula between two math tokens: operators, single letters, numbers. */
const MATH_GLUE = /^(?:[=+\-*/<>]|\\?[A-Za-z]|[0-9.]+|[()])$/;

const depth = (s: string) => [...s].reduce((d, ch) => d + (ch === "{" || ch === "(" ? 1 : ch === "}" || ch === ")" ? -1 : 0), 0);

/** Splits a diagnostic message into prose and the bare LaTeX runs it quotes ("assumes \hat{y}_i = w \cdot x_i"). */
export function latexRuns(message: string): {text: string; latex: boolean}[] {
  const tokens = message.split(/( +)/);
  const out: {text: string; latex: boolean}[] = [];
  const push = (text: string, latex: boolean) => {
    const last = out.at(-1);
    if (last && last.latex === latex) last.text += text;
    else out.push({text, latex});
  };
  for (let i = 0; i < tokens.length; i++) {
    if (!MATH_TOKEN.test(tokens[i])) {
      push(tokens[i], false);
      continue;
    }
    // A formula: this token, then more tokens while braces are open or glue leads to another math token.
    let j = i;
    let open = depth(tokens[i]);
    for (let k = i + 2; k < tokens.length; k += 2) {
      if (open > 0 || MATH_TOKEN.test(tokens[k])) {
        j = k;
        open += depth(tokens[k]);
      } else if (MATH_GLUE.test(tokens[k]) && k + 2 < tokens.length && (MATH_TOKEN.test(tokens[k + 2]) || MATH_GLUE.test(tokens[k + 2]))) continue;
      else break;
    }
    let run = tokens.slice(i, j + 1).join("");
    // Punctuation and parentheses the formula does not open belong to the sentence.
    let tail = "";
    while (/[,;:.)\]]$/.test(run) && (!/[)\]]$/.test(run) || depth(run) < 0)) {
      tail = run.slice(-1) + tail;
      run = run.slice(0, -1);
    }
    let head = "";
    while (/^[(\[]/.test(run) && depth(run) > 0) {
      head += run[0];
      run = run.slice(1);
    }
    push(head, false);
    push(run, true);
    push(tail, false);
    i = j;
  }
  return out.filter((r) => r.text);
}

/** A diagnostic message as HTML: prose escaped, quoted LaTeX rendered by KaTeX (left as code when KaTeX refuses it). */
export function messageHtml(message: string): string {
  return latexRuns(message).map((r) => {
    if (!r.latex) return escapeHtml(r.text);
    try {
      return katex.renderToString(r.text, {throwOnError: true, strict: "ignore", output: "html"});
    } catch {
      return `<code>${escapeHtml(r.text)}</code>`;
    }
  }).join("");
}

/**
 * The build report for authors (/report, linked only in author mode, kept out of the sidebar and the search): per
 * chapter counts and every diagnostic, each file:line a link to its page and block.
 */
export function reportPage(rows: ChapterRow[], diagnostics: Diagnostic[], extra = "", link?: PlaceLink): string {
  const cols = Object.keys(rows[0] ?? {});
  const head = `<tr>${cols.map((c) => `<th>${escapeHtml(COLUMN_KEYS[c] ? tBook(COLUMN_KEYS[c]) : c)}</th>`).join("")}</tr>`;
  const body = rows.map((r) => `<tr>${cols.map((c) => `<td>${escapeHtml(String(r[c]))}</td>`).join("")}</tr>`).join("");
  const items = diagnostics.map((d) => diagnosticItem(d, link, messageHtml)).join("");
  const html = `<h1 class="gb-title">${escapeHtml(tBook("reportTitle"))}</h1><p>${escapeHtml(tBook("reportLede"))}</p><table class="gb-report">${head}${body}</table>` +
    `<h2 id="diagnostics">${escapeHtml(tBook("reportProblems", {n: diagnostics.length}))}</h2><ul class="gb-diags">${items}</ul>${extra}`;
  return `---\ntitle: ${JSON.stringify(tBook("reportTitle"))}\ntoc: false\n---\n\n<div class="gb-report-page">${embedHtml(html)}</div>\n`;
}
