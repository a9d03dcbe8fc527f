/**
 * `npm run check -- --json`: the machine-readable report (a public contract; schema in README). Fields are only
 * ever added, never renamed.
 */
import type {FormulaReport} from "../components/formula/analyze.js";
import {runPlan} from "../components/formula/runPlan.js";
import type {Value} from "../components/formula/values.js";
import type {ChapterModel} from "./chapter.js";
import type {Diagnostic} from "./diagnostics.js";
import type {ExerciseSpec} from "./exercises.js";
import {formulaReports} from "./formulaEnricher.js";
import {getSurface} from "../components/math/surfaces/registry.js";
import type {PlaygroundSpec} from "../components/playground/spec.js";
import {trainingJson, type TrainingJson} from "./trainingJson.js";
import {LIBRARY_DEFAULTS, readPlayground, type PlaygroundReading} from "./playground/index.js";

export interface FormulaJson {
  /** The formula's first LaTeX line (for a `$$` block on its own line, the line after the opening `$$`). */
  line: number;
  latex: string;
  display: boolean;
  status: FormulaReport["status"];
  /** Every value the cell shows at its defaults is a finite number (false when it shows none). */
  finite: boolean;
  message: string;
}

export interface ChapterJson {
  file: string;
  title: string;
  pages: number;
  formulas: FormulaJson[];
  summary: {found: number; executed: number; verified: number; flagged: number; notExecutable: number};
  /** Homework on this chapter: hand-written (auto: false, line: its ```exercise fence) or generated from a formula. */
  exercises: {id: string; line: number; file: string; auto: boolean; kind: string; points: number; tests: number; unscored: number}[];
  /** The loss-surface playground read from the text (src/playground/): surfaces, update rules, defaults, claims. */
  playground: PlaygroundJson;
  /** What the code-practice section trains (src/trainingJson.ts); null when the chapter has no Python code. */
  training: TrainingJson | null;
}

export interface PlaygroundJson {
  /**
   * Each objective or named function (line: its formula's line, as in `formulas`; null for a built-in), its
   * parameters (vectors by entry: W_1, W_2, …), the start point, and whether it is drawn (else `reason`).
   */
  surfaces: {line: number | null; latex: string; params: string[]; start: number[]; drawn: boolean; reason?: string; builtin?: string; ids: string[]; dataSource?: string}[];
  /** Each printed update rule, the name it is drawn under, whether the playground runs it (else `reason`). */
  rules: {line: number; name: string; drawn: boolean; reason?: string; reference?: string}[];
  /** Slider defaults: the text's values where it states them, else the library's. */
  defaults: PlaygroundSpec["defaults"];
  /** The line each default came from, when the text states it. */
  defaultLines: NonNullable<PlaygroundSpec["defaultLines"]>;
  /** The text's claims about the paths, decided by running them (holds: null when not decided). */
  claims: {line: number; text: string; holds: boolean | null; check?: Record<string, string | number>; note?: string}[];
}

/** The playground part of a chapter's report (never throws: a reader failure is an empty playground). */
export function playgroundJson(c: ChapterModel, reports: FormulaReport[], at: (line: number) => number = (l) => l): PlaygroundJson {
  let r: PlaygroundReading;
  try {
    r = readPlayground(c, reports);
  } catch (e) {
    return {surfaces: [], rules: [], defaults: {...LIBRARY_DEFAULTS}, defaultLines: {}, claims: [{line: 1, text: `playground reader failed: ${(e as Error).message}`, holds: null}]};
  }
  const builtins = r.spec.surfaces.filter((s) => s.builtin).map((s) => ({line: null, latex: "", params: s.params, start: getSurface(s.builtin!).start, drawn: true, builtin: s.builtin, ids: [s.id]}));
  return {
    surfaces: [
      ...r.surfaces.map((s) => ({line: s.line === null ? null : at(s.line), latex: s.latex, params: s.params, start: s.start, drawn: s.drawn, ...(s.reason ? {reason: s.reason} : {}), ids: s.surfaces.map((x) => x.id),
        ...(s.surfaces[0]?.dataSource ? {dataSource: s.surfaces[0].dataSource} : {})})),
      ...builtins
    ],
    rules: r.rules.map(({spec}) => ({line: at(spec.line), name: spec.name, drawn: spec.drawn, ...(spec.reason ? {reason: spec.reason} : {}), ...(spec.reference ? {reference: spec.reference} : {})})),
    defaults: r.spec.defaults,
    defaultLines: r.spec.defaultLines ?? {},
    claims: r.spec.claims.map((x) => ({line: x.line, text: x.text, holds: x.holds, ...(x.check ? {check: x.check} : {}), ...(x.note ? {note: x.note} : {})}))
  };
}

export interface CheckJson {
  version: 1;
  chapters: ChapterJson[];
  diagnostics: {file: string; line: number; column?: number; severity: Diagnostic["severity"]; code: string; message: string}[];
  errors: number;
  warnings: number;
}

function allFinite(v: Value | undefined): boolean {
  if (v === undefined) return false;
  if (typeof v === "number") return Number.isFinite(v);
  return v.every((x) => allFinite(x as Value));
}

/** Runs the cell at its defaults (as the page does) and says whether everything it shows is finite. */
export function cellFinite(r: FormulaReport): boolean {
  if (!r.plan || r.status === "not-executable") return false;
  try {
    const res = runPlan(r.plan);
    if (res.iterates) return !res.iterateError && res.iterates.every((it) => it.w.every(Number.isFinite) && Number.isFinite(it.loss));
    const shown: (Value | undefined)[] = res.equations.map((e) => (e.error ? undefined : e.value));
    if (res.reference && !res.reference.error) shown.push(res.reference.value);
    if (res.derivation?.error) return false;
    if (res.derivation?.stated !== undefined) shown.push(res.derivation.stated);
    return shown.length > 0 && shown.every(allFinite);
  } catch {
    return false;
  }
}

function messageOf(r: FormulaReport): string {
  if (r.check?.message) return r.check.message;
  if (r.reason) return r.reason;
  return r.plan?.notes.join("; ") ?? "";
}

/** The training part of a chapter's report; a translator failure is reported, never thrown. */
function trainingOf(c: ChapterModel): TrainingJson | null {
  try {
    return trainingJson(c);
  } catch (e) {
    return {line: 1, trainable: false, framework: null, dataset: null, reason: `${c.file}:1: the translator failed: ${(e as Error).message}`, claims: [], unsupported: []};
  }
}

/**
 * README's `line` for a formula: its first LaTeX line, i.e. the line after an opening `$$` that stands alone on its
 * line (the engine and the pages number a block by its `$$` line). Any other line is returned as it is.
 */
export function latexLine(lines: readonly string[], line: number): number {
  return lines[line - 1]?.trim() === "$$" ? line + 1 : line;
}

/**
 * The diagnostics with a formula's problem at its first LaTeX line, like `formulas` (both `npm run check` outputs
 * use it); an unclosed `$$` still names the `$$` itself.
 */
export function atLatexLines(chapters: ChapterModel[], diagnostics: Diagnostic[]): Diagnostic[] {
  const textOf = new Map(chapters.map((c) => [c.file, c.text.split("\n")]));
  return diagnostics.map((d) => {
    const lines = textOf.get(d.file);
    return !lines || d.code === "unclosed-math" ? d : {...d, line: latexLine(lines, d.line)};
  });
}

export async function chapterJson(c: ChapterModel, exercises: ExerciseSpec[] = []): Promise<ChapterJson> {
  const reports = await formulaReports(c);
  const lines = c.text.split("\n");
  const at = (line: number) => latexLine(lines, line);
  const byId = new Map(c.sections.flatMap((s) => s.math).map((m) => [m.id, m]));
  const formulas = reports.map((r): FormulaJson => {
    const m = byId.get(r.id);
    return {line: at(r.line), latex: m?.latex ?? r.plan?.latex ?? "", display: m?.display ?? true, status: r.status, finite: cellFinite(r), message: messageOf(r)};
  });
  const count = (s: FormulaReport["status"]) => reports.filter((r) => r.status === s).length;
  return {
    file: c.file,
    title: c.title,
    pages: c.sections.length,
    formulas,
    summary: {found: reports.length, executed: reports.length - count("not-executable"), verified: count("verified"), flagged: count("flagged"),
      notExecutable: count("not-executable")},
    exercises: exercises.map((e) => ({id: e.id, line: e.auto ? at(e.auto.formulaLine) : e.line, file: e.file, auto: !!e.auto, kind: e.auto?.kind ?? "implement",
      points: e.points, tests: e.testList.length,
      unscored: e.unscored.length})),
    playground: playgroundJson(c, reports, at),
    training: trainingOf(c)
  };
}

export async function checkJson(chapters: ChapterModel[], diagnostics: Diagnostic[], exercises = new Map<string, ExerciseSpec[]>()): Promise<CheckJson> {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  return {
    version: 1,
    chapters: await Promise.all(chapters.map((c) => chapterJson(c, exercises.get(c.file)))),
    diagnostics: atLatexLines(chapters, diagnostics).map((d) => ({file: d.file, line: d.line, ...(d.column !== undefined ? {column: d.column} : {}), severity: d.severity, code: d.code,
      message: d.message})),
    errors,
    warnings: diagnostics.length - errors
  };
}
