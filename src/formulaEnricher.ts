import {analyzeChapter, type FormulaReport, type MathBlock} from "../components/formula/analyze.js";
import {summarize} from "../components/formula/report.js";
import type {ChapterModel} from "./chapter.js";
import type {Diagnostic} from "./diagnostics.js";
import type {Enricher} from "./generate.js";
import {escapeHtml} from "./html.js";
import {jsonForScript} from "./page.js";

const PROSE_WINDOW = 8;

/** Every formula of a chapter as the formula engine sees it: LaTeX, place, and the prose around it. */
export function mathBlocks(chapter: ChapterModel): MathBlock[] {
  return chapter.sections.flatMap((s) => {
    const lines = s.source.split("\n");
    return s.math.map((m) => {
      const at = m.line - s.start; // index of the formula's line in the section source
      const prose = lines.slice(Math.max(0, at - PROSE_WINDOW), at + PROSE_WINDOW + 1).join("\n");
      return {id: m.id, latex: m.latex, display: m.display, file: chapter.file, line: m.line, sectionKind: s.kind, sectionTitle: s.title, prose};
    });
  });
}

const cache = new WeakMap<ChapterModel, Promise<FormulaReport[]>>();

/** The formula engine's reports for a chapter (computed once per chapter model). */
export function formulaReports(chapter: ChapterModel): Promise<FormulaReport[]> {
  let p = cache.get(chapter);
  if (!p) cache.set(chapter, (p = analyzeChapter(mathBlocks(chapter), {seed: 1})));
  return p;
}

/**
 * Flagged derivations become warnings at their line, so `npm run check` and the build log show them; so do
 * formulas the engine refused for one of its limits (too long, nested too deep, too much work: limits.ts).
 */
export function formulaDiagnostics(chapter: ChapterModel, reports: FormulaReport[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const r of reports) {
    if (r.status === "flagged")
      out.push({
        file: chapter.file,
        line: r.line,
        severity: "warning",
        code: "wrong-derivative",
        message: `the stated formula disagrees with autodiff${r.check ? `: ${r.check.message}` : ""}${r.reason ? ` (${r.reason})` : ""}`
      });
    else if (r.limit)
      out.push({file: chapter.file, line: r.line, severity: "warning", code: "formula-limit", message: `the formula engine stopped on this formula: ${r.reason ?? r.limit}`});
  }
  return out;
}

export function formulaEnricher(): Enricher {
  const diagnostics: Diagnostic[] = [];
  return {
    name: "formulas",
    diagnostics,
    async plan(chapter) {
      const reports = await formulaReports(chapter);
      diagnostics.push(...formulaDiagnostics(chapter, reports));
      const byId = new Map(reports.map((r) => [r.id, r]));
      return (section, i) =>
        section.blocks[i].math
          .map((m) => ({m, r: byId.get(m.id)}))
          .filter(({m, r}) => r && (m.display || r.status !== "not-executable"))
          .map(({r}) => ({
            imports: [`import {FormulaCell} from "../components/widgets/FormulaCell.js";`],
            code: `display(FormulaCell(${jsonForScript(r)}))`
          }));
    }
  };
}

/** Per-chapter columns for `npm run check`: formulas found / executed / verified / flagged. */
export async function formulaColumns(chapter: ChapterModel): Promise<Record<string, number>> {
  const s = summarize(await formulaReports(chapter));
  return {executed: s.executed, verified: s.verified, flagged: s.flagged, notExecutable: s.notExecutable.length};
}

/** The report page's list of formulas the engine could not run, each with its line and the plain reason. */
export async function notExecutableSection(chapters: ChapterModel[]): Promise<string> {
  const items: string[] = [];
  for (const c of chapters) {
    for (const n of summarize(await formulaReports(c)).notExecutable) {
      items.push(`<li><code>${escapeHtml(c.file)}:${n.line}</code> ${escapeHtml(n.reason)}</li>`);
    }
  }
  return `<h2 id="not-executable">不可执行的公式（${items.length}）</h2><p>这些公式没有数值内容或缺少可绑定的定义，引擎说明了原因：</p><ul class="gb-diags">${items.join("")}</ul>`;
}
