import type {ChapterModel} from "./chapter.js";

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

export async function chapterReport(c: ChapterModel): Promise<ChapterRow> {
  const errors = c.diagnostics.errors.length;
  const row: ChapterRow = {
    chapter: c.part.file,
    title: c.title,
    pages: c.sections.length,
    formulas: c.sections.reduce((s, x) => s + x.math.length, 0),
    codeBlocks: c.sections.reduce((s, x) => s + x.blocks.filter((b) => b.html.includes('class="gb-code"')).length, 0),
    errors,
    warnings: c.diagnostics.items.length - errors
  };
  for (const col of reportColumns) Object.assign(row, await col(c));
  return row;
}
