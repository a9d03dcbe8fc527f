import type {ChapterModel} from "./chapter.js";
import type {Diagnostic} from "./diagnostics.js";

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
