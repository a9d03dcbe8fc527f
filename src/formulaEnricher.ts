import {analyzeChapter, type FormulaReport, type MathBlock} from "../components/formula/analyze.js";
import {leadIn} from "../components/formula/extract.js";
import {compilePlan, CodegenError, type CompiledFormula} from "../components/formula/codegen.js";
import {summarize} from "../components/formula/report.js";
import {shapeOf} from "../components/formula/values.js";
import type {ChapterModel, SectionModel} from "./chapter.js";
import type {Diagnostic} from "./diagnostics.js";
import type {Enricher} from "./generate.js";
import {escapeHtml} from "./html.js";
import {jsonForScript, type Cell} from "./page.js";

const PROSE_WINDOW = 8;

/** Every formula of a chapter as the formula engine sees it: LaTeX, place, and the prose around it. */
export function mathBlocks(chapter: ChapterModel): MathBlock[] {
  return chapter.sections.flatMap((s) => {
    const lines = s.source.split("\n");
    return s.math.map((m) => {
      const at = m.line - s.start; // index of the formula's line in the section source
      const prose = lines.slice(Math.max(0, at - PROSE_WINDOW), at + PROSE_WINDOW + 1).join("\n");
      const own = m.display ? "" : (lines[at] ?? "").split(m.latex)[0];
      const before = leadIn(lines, at, 0, own);
      return {id: m.id, latex: m.latex, display: m.display, file: chapter.file, line: m.line, sectionKind: s.kind, sectionTitle: s.title, prose, before};
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

export const FORMULA_IMPORTS = {
  cell: `import {FormulaCell} from "../components/widgets/FormulaCell.js";`,
  link: `import {FormulaLink} from "../components/widgets/FormulaLink.js";`,
  runtime: `import * as gbFormulaRuntime from "../components/formula/tsRuntime.js";`
};

/** A formula that only names symbols or has nothing to compute: no cell on the page (the report keeps it). */
export function worthACell(r: FormulaReport, display: boolean): boolean {
  if (r.status === "not-executable") return display && !/no numeric content|no formula to evaluate/.test(r.reason ?? "");
  // `w = 0`, `x = [1, 2]`: a value stated, no input to change, no verdict.
  if (r.status === "executable" && r.plan?.kind === "expression" && r.plan.symbols.length === 0) return false;
  return true;
}

/** The formula compiled to TypeScript, or undefined where the code generator does not cover it. */
export function compiledFormula(r: FormulaReport): CompiledFormula | undefined {
  if (r.status === "not-executable" || !r.plan) return undefined;
  try {
    return compilePlan(r.plan, {line: r.line});
  } catch (e) {
    if (e instanceof CodegenError) return undefined;
    throw e;
  }
}

/**
 * What two cells must share to be the same cell: the LaTeX (whitespace aside), the verdict, and the plan as read
 * (equations, symbols with their roles and shapes, counts, reference, update rule). Not the seeded numbers: each
 * formula gets its own seed, so a formula printed twice would otherwise differ only in its random inputs.
 */
function cellKey(latex: string, r: FormulaReport): string {
  const plan = r.plan && {...r.plan, latex: "", seed: 0, symbols: r.plan.symbols.map((s) => ({...s, value: shapeOf(s.value)}))};
  return JSON.stringify([normalLatex(latex), r.status, r.check?.verdict ?? "", plan ?? r.reason ?? ""]);
}

/** LaTeX without the spaces that do not change it (`\frac{1}{n}\sum` = `\frac{1}{n} \sum`; `\alpha x` keeps its one). */
function normalLatex(latex: string): string {
  return latex.replace(/(\\[A-Za-z]+)\s+(?=[A-Za-z])/g, "$1\u0000").replace(/\s+/g, "").replace(/\u0000/g, " ");
}

/** The cell of one formula: FormulaCell with its compiled functions (their code is generated, never chapter text). */
export function formulaCell(r: FormulaReport, id: string): Cell {
  const compiled = compiledFormula(r);
  const opts = [`id: ${jsonForScript(id)}`];
  const imports = [FORMULA_IMPORTS.cell];
  if (compiled) {
    imports.push(FORMULA_IMPORTS.runtime);
    const run = `(() => {\n${compiled.runtime.length ? `const {${compiled.runtime.join(", ")}} = gbFormulaRuntime;\n` : ""}${compiled.js}return {${compiled.functions.map((f) => f.name).join(", ")}};\n})()`;
    opts.push(`compiled: {code: ${jsonForScript(compiled)}, run: ${run}}`, `sandboxUrl: FileAttachment("../data/sandbox-worker.js").href`);
  }
  return {imports, code: `display(FormulaCell(${jsonForScript(r)}, {${opts.join(", ")}}))`};
}

interface Planned {
  id: string;
  /** Set when an identical cell is already on the page: its line and id. */
  same?: {line: number; id: string};
}

/** Per section: which formulas get a cell, their ids, and which repeat an earlier one. */
function planSection(section: SectionModel, byId: Map<string, FormulaReport>): Map<string, Planned> {
  const out = new Map<string, Planned>();
  const first = new Map<string, {line: number; id: string}>();
  const ids = new Set<string>();
  for (const block of section.blocks)
    for (const m of block.math) {
      const r = byId.get(m.id);
      if (!r || !worthACell(r, m.display)) continue;
      const key = cellKey(m.latex, r);
      const seen = first.get(key);
      if (seen) {
        out.set(m.id, {id: "", same: seen});
        continue;
      }
      let id = `formula-L${r.line}`;
      for (let k = 2; ids.has(id); k++) id = `formula-L${r.line}-${k}`;
      ids.add(id);
      first.set(key, {line: r.line, id});
      out.set(m.id, {id});
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
      const sections = new WeakMap<SectionModel, Map<string, Planned>>();
      return (section, i) => {
        let planned = sections.get(section);
        if (!planned) sections.set(section, (planned = planSection(section, byId)));
        const cells: Cell[] = [];
        for (const m of section.blocks[i].math) {
          const p = planned.get(m.id), r = byId.get(m.id);
          if (!p || !r) continue;
          if (p.same) cells.push({imports: [FORMULA_IMPORTS.link], code: `display(FormulaLink(${jsonForScript({line: p.same.line, target: p.same.id})}))`});
          else cells.push(formulaCell(r, p.id));
        }
        return cells;
      };
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
