/**
 * Homework exercises: parses ```exercise blocks (format in src/exercises/format.ts), validates every field,
 * strips TypeScript with esbuild, checks that each solution passes its own tests, and produces the JSON the page
 * widget receives (ClientExercise: no hidden tests, no reference, a solution only when solutions are on).
 */
import {transformSync} from "esbuild";
import MarkdownIt from "markdown-it";
import {existsSync, readdirSync, readFileSync} from "node:fs";
import {basename, join} from "node:path";
import type {Job} from "../components/homework/harness.js";
import {type Diagnostic, Diagnostics} from "./diagnostics.js";
import {renderSection} from "./markdown.js";
import {
  type BodyPart, EXERCISE_SECTIONS, type ExerciseSection, type FormatProblem, parseExports, splitExercise, splitHints
} from "./exercises/format.js";
import {runJobSync} from "../grader/sandbox.js";
import type {RunResult} from "../components/homework/harness.js";

export {EXERCISE_SECTIONS, type ExerciseSection} from "./exercises/format.js";

/** Everything about one exercise (Node side: the grader and the generator). */
export interface ExerciseSpec {
  id: string;
  title: string;
  points: number;
  section: ExerciseSection;
  exports: string[];
  seed: number;
  timeoutMs: number;
  /** File stem of the chapter it belongs to ("000_69b8ff2c9c828ca6"), from the exercise file's name. */
  chapter: string;
  file: string;
  /** File line of the ```exercise fence (or of the body for parseExercise). */
  line: number;
  prompt: string;
  /** JavaScript (TypeScript types stripped). */
  starter: string;
  tests: string;
  hidden: string;
  /** Generated exercises: the hidden tests drawn from a seed (the student's variant seed when grading). */
  hiddenFor?: (seed: number) => string;
  /** Generated from the chapter's formula at `line` (auto) or hand-written; what it asks. */
  auto?: {kind: "implement" | "fix"; formulaLine: number};
  reference: string;
  solution: string;
  hints: string[];
  /** Test names found by running the solution: visible and hidden. */
  testNames: {visible: string[]; hidden: string[]};
  /** Every test with its weight, in run order (the grader scores against this list); unscored tests weigh 0. */
  testList: {name: string; hidden: boolean; weight: number}[];
  /** Tests that trivial code also passes (the starter, a constant, the identity, always throwing): no points. */
  unscored: string[];
}

/** What the page widget receives: JSON-serialisable, without hidden tests or reference code. */
/** The JSON a page's Exercise widget receives (the widget owns the type; see components/widgets/Exercise.ts). */
export type {ClientExercise} from "../components/widgets/Exercise.js";
import type {ClientExercise} from "../components/widgets/Exercise.js";

const ID = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const DEFAULT_TIMEOUT = 2000;

function problem(diag: Diagnostics, p: FormatProblem): void {
  if (p.severity === "error") diag.error(p.line, p.code, p.message);
  else diag.warn(p.line, p.code, p.message);
}

/** Strips TypeScript from one part; syntax errors become diagnostics at their file line. */
export function stripTypes(code: string, line: number, what: string, diag: Diagnostics): string | undefined {
  try {
    return transformSync(code, {loader: "ts", format: "esm", target: "es2020", sourcemap: false}).code;
  } catch (e) {
    const errors = (e as {errors?: {text: string; location?: {line: number; column: number} | null}[]}).errors ?? [];
    if (!errors.length) diag.error(line, "exercise-syntax", `${what} does not parse: ${(e as Error).message}`);
    for (const err of errors) {
      const at = line + (err.location ? err.location.line - 1 : 0);
      diag.items.push({file: diag.file, line: at, column: err.location ? err.location.column + 1 : undefined, severity: "error",
        code: "exercise-syntax", message: `${what} does not parse: ${err.text}`});
    }
    return undefined;
  }
}

/**
 * Parses one exercise body. `line` is the file line of the body's first line. Returns undefined (with errors in
 * `diag`) when the exercise cannot be used.
 */
export function parseExercise(text: string, opts: {file: string; line: number; chapter?: string; diag?: Diagnostics}): {exercise?: ExerciseSpec; diagnostics: Diagnostic[]} {
  const diag = opts.diag ?? new Diagnostics(opts.file);
  const before = diag.items.length;
  const fenceLine = opts.line - 1;
  const {raw, problems} = splitExercise(text, opts.line);
  problems.forEach((p) => problem(diag, p));
  const h = raw.header;
  const need = (key: "id" | "title" | "points" | "section" | "exports") => {
    if (!h[key] || !h[key]!.value) diag.error(fenceLine, "exercise-missing", `exercise has no "${key}:" line`);
    return h[key]?.value ?? "";
  };
  const id = need("id");
  if (id && !ID.test(id)) diag.error(h.id!.line, "exercise-id", `id "${id}" must start with a letter and use only letters, digits, - and _`);
  const title = need("title");
  const pointsText = need("points");
  const points = Number(pointsText);
  if (pointsText && !(Number.isFinite(points) && points > 0 && /^\s*[0-9.]+\s*$/.test(pointsText))) {
    diag.error(h.points!.line, "exercise-points", `points must be a number > 0, got "${pointsText}"`);
  }
  const section = need("section");
  if (section && !(EXERCISE_SECTIONS as readonly string[]).includes(section)) {
    diag.error(h.section!.line, "exercise-section", `unknown section "${section}" (expected one of: ${EXERCISE_SECTIONS.join(", ")})`);
  }
  const exportsText = need("exports");
  const exp = parseExports(exportsText);
  if (exportsText && exp.error) diag.error(h.exports!.line, "exercise-exports", exp.error);
  let seed = 1;
  if (h.seed) {
    seed = Number(h.seed.value);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) diag.error(h.seed.line, "exercise-seed", `seed must be an integer in [0, 2^32), got "${h.seed.value}"`);
  }
  let timeoutMs = DEFAULT_TIMEOUT;
  if (h.timeout) {
    timeoutMs = Number(h.timeout.value);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 10_000) {
      diag.error(h.timeout.line, "exercise-timeout", `timeout must be an integer number of ms in [100, 10000], got "${h.timeout.value}"`);
    }
  }
  const part = (name: BodyPart, required: boolean) => {
    const p = raw.parts[name];
    if (required && (!p || !p.text.trim())) diag.error(fenceLine, "exercise-missing", `exercise ${id ? `"${id}" ` : ""}has no "--- ${name} ---" part`);
    return p;
  };
  const prompt = part("prompt", true);
  const starterPart = part("starter", true);
  const testsPart = part("tests", true);
  const solutionPart = part("solution", true);
  const hiddenPart = part("hidden", false);
  const referencePart = part("reference", false);
  const hintsPart = part("hints", false);
  if (!hiddenPart) diag.warn(fenceLine, "exercise-no-hidden", `exercise "${id}" has no hidden tests: the grader can only re-run the visible ones`);
  const js = (p: {text: string; line: number} | undefined, what: string) => (p ? stripTypes(p.text, p.line, what, diag) : "");
  const starter = js(starterPart, "starter code");
  const tests = js(testsPart, "visible tests");
  const hidden = js(hiddenPart, "hidden tests");
  const reference = js(referencePart, "reference code");
  const solution = js(solutionPart, "solution");
  const errorsSoFar = diag.items.slice(before).some((d) => d.severity === "error");
  if (errorsSoFar || starter === undefined || tests === undefined || hidden === undefined || reference === undefined || solution === undefined) {
    return {diagnostics: diag.items.slice(before)};
  }
  const spec: ExerciseSpec = {
    id, title, points, section: section as ExerciseSection, exports: exp.names, seed, timeoutMs,
    chapter: opts.chapter ?? "", file: opts.file, line: fenceLine, prompt: prompt!.text, starter, tests, hidden, reference, solution,
    hints: hintsPart ? splitHints(hintsPart.text) : [], testNames: {visible: [], hidden: []}, testList: [], unscored: []
  };
  checkAgainstTests(spec, {tests: testsPart!.line, hidden: hiddenPart?.line ?? fenceLine, solution: solutionPart!.line, starter: starterPart!.line}, diag);
  const ok = !diag.items.slice(before).some((d) => d.severity === "error");
  return {exercise: ok ? spec : undefined, diagnostics: diag.items.slice(before)};
}

/** Builds the grader's job for some code against an exercise (hidden tests included unless visibleOnly). */
export function jobFor(spec: ExerciseSpec, code: string, opts: {seed?: number; visibleOnly?: boolean} = {}): Job {
  const suites = [{hidden: false, code: spec.tests}];
  const hidden = spec.hiddenFor ? spec.hiddenFor(opts.seed ?? spec.seed) : spec.hidden;
  if (!opts.visibleOnly && hidden.trim()) suites.push({hidden: true, code: hidden});
  return {code, exports: spec.exports, seed: opts.seed ?? spec.seed, suites, reference: spec.reference || undefined,
    ...(spec.unscored.length ? {unscored: spec.unscored} : {})};
}

/** The solution must pass every test; each suite must define at least one test; the starter should not pass all. */
function checkAgainstTests(spec: ExerciseSpec, lines: {tests: number; hidden: number; solution: number; starter: number}, diag: Diagnostics): void {
  // Authors may be students too: their solutions, tests and reference run in the sandbox, never on this process.
  const solution = runJobSync(jobFor(spec, spec.solution), {timeoutMs: spec.timeoutMs});
  if (solution.status !== "ok" || !solution.result) {
    diag.error(lines.solution, "exercise-solution", `running the solution against its tests failed (${solution.status}): ${solution.error ?? "no result"}`);
    return;
  }
  const result: RunResult = solution.result;
  if (!result.loaded) {
    const at = result.errorAt ? lines.solution + result.errorAt.line - 1 : lines.solution;
    diag.error(at, "exercise-solution", `the solution does not run: ${result.error}`);
    return;
  }
  for (const name of result.missing) diag.error(lines.solution, "exercise-solution", `the solution does not define "${name}" (listed in exports)`);
  spec.testNames = {visible: result.tests.filter((t) => !t.hidden).map((t) => t.name), hidden: result.tests.filter((t) => t.hidden).map((t) => t.name)};
  spec.testList = result.tests.map((t) => ({name: t.name, hidden: t.hidden, weight: t.weight}));
  if (!spec.testNames.visible.length) diag.error(lines.tests, "exercise-tests", `the visible tests define no test: call test("name", () => { … })`);
  if (spec.hidden.trim() && !spec.testNames.hidden.length) diag.error(lines.hidden, "exercise-tests", `the hidden tests define no test`);
  const names = new Set<string>();
  for (const t of result.tests) {
    if (!(t.weight > 0)) diag.error(t.hidden ? lines.hidden : lines.tests, "exercise-tests", `test "${t.name}" has weight ${t.weight}: use a number > 0`);
    if (names.has(t.name)) diag.error(t.hidden ? lines.hidden : lines.tests, "exercise-tests", `two tests are named "${t.name}"`);
    names.add(t.name);
    if (!t.passed) {
      const line = t.name === "tests" || t.name === "hidden tests" ? (t.hidden ? lines.hidden : lines.tests) : lines.solution;
      diag.error(line, "exercise-solution", `the solution fails its own ${t.hidden ? "hidden" : "visible"} test "${t.name}": ${t.message}`);
    }
  }
  markTrivialTests(spec, lines, diag);
}

/**
 * Code that does no work: the starter, constants, the identity, zeros shaped like the first argument, always
 * throwing. Each candidate defines every exported name with the same body.
 */
export function trivialCandidates(spec: Pick<ExerciseSpec, "exports" | "starter">): {label: string; code: string}[] {
  const bodies: [string, string][] = [
    ["return 0", "() { return 0; }"], ["return 1", "() { return 1; }"], ["return 0.5", "() { return 0.5; }"], ["return -1", "() { return -1; }"],
    ["return []", "() { return []; }"], ["return {}", "() { return {}; }"], ["return nothing", "() {}"], ["return the first argument", "(a) { return a; }"],
    ["zeros shaped like the first argument", "(a) { return Array.isArray(a) ? a.map(function z(x) { return Array.isArray(x) ? x.map(z) : 0; }) : 0; }"],
    ["always throw", "() { throw new Error(\"not implemented\"); }"]
  ];
  return [{label: "the starter code", code: spec.starter},
    ...bodies.map(([label, body]) => ({label: `\`${label}\``, code: spec.exports.map((n) => `function ${n}${body}`).join("\n")}))];
}

/** Results of the trivial candidates, by exercise text (a pure function of it; `npm run dev` re-parses often). */
const trivialCache = new Map<string, Map<string, string>>();

/**
 * A test that trivial code passes proves nothing: it is reported to the author (a visible one as a warning) and
 * worth no points, so the starter and any constant score 0. Every test trivial → an error (nothing can be earned).
 */
export function markTrivialTests(spec: ExerciseSpec, lines: {tests: number; hidden: number; starter: number}, diag: Diagnostics): void {
  const key = JSON.stringify([spec.exports, spec.starter, spec.tests, spec.hiddenFor ? spec.hiddenFor(spec.seed) : spec.hidden, spec.reference, spec.seed, spec.timeoutMs]);
  let passedBy = trivialCache.get(key);
  if (!passedBy) {
    passedBy = new Map<string, string>();
    for (const c of trivialCandidates(spec)) {
      const o = runJobSync(jobFor({...spec, unscored: []}, c.code), {timeoutMs: spec.timeoutMs});
      for (const t of o.result?.tests ?? []) if (t.passed && !passedBy.has(t.name)) passedBy.set(t.name, c.label);
    }
    if (trivialCache.size > 500) trivialCache.clear();
    trivialCache.set(key, passedBy);
  }
  spec.unscored = spec.testList.filter((t) => passedBy!.has(t.name)).map((t) => t.name);
  spec.testList = spec.testList.map((t) => (passedBy!.has(t.name) ? {...t, weight: 0} : t));
  for (const t of spec.testList) {
    if (!passedBy.has(t.name) || t.hidden) continue;
    diag.warn(lines.tests, "exercise-trivial-test", `visible test "${t.name}" is passed by ${passedBy.get(t.name)}: it earns no points ` +
      `(平凡的代码也能通过这个测试，不计分)`);
  }
  if (spec.testList.length && spec.testList.every((t) => t.weight === 0)) {
    diag.error(lines.tests, "exercise-trivial-tests", `every test of "${spec.id}" is passed by trivial code (e.g. ${[...passedBy.values()][0]}): ` +
      `no test can earn points (每个测试都能被平凡的代码通过)`);
  }
}

const fenceFinder = new MarkdownIt({html: true});

/**
 * Every ```exercise block of a markdown file (an exercises file or a chapter). Line numbers in diagnostics are
 * file lines. Duplicate ids inside the file are errors.
 */
export function parseExercises(markdown: string, file: string): {exercises: ExerciseSpec[]; diagnostics: Diagnostic[]} {
  const diag = new Diagnostics(file);
  const chapter = basename(file).replace(/\.md$/i, "");
  const exercises: ExerciseSpec[] = [];
  const seen = new Map<string, number>();
  let tokens;
  try {
    tokens = fenceFinder.parse(markdown.replace(/\r\n?/g, "\n"), {});
  } catch (e) {
    diag.error(1, "exercise-file", `cannot read the markdown: ${(e as Error).message}`);
    return {exercises, diagnostics: diag.items};
  }
  for (const t of tokens) {
    if (t.type !== "fence" || t.info.trim().split(/\s+/)[0].toLowerCase() !== "exercise" || !t.map) continue;
    const fenceLine = t.map[0] + 1;
    const {exercise} = parseExercise(t.content, {file, line: fenceLine + 1, chapter, diag});
    if (!exercise) continue;
    const prev = seen.get(exercise.id);
    if (prev !== undefined) {
      diag.error(fenceLine, "exercise-duplicate-id", `exercise id "${exercise.id}" is already used at line ${prev}`);
      continue;
    }
    seen.set(exercise.id, fenceLine);
    exercises.push(exercise);
  }
  return {exercises, diagnostics: diag.items};
}

/** Every chapters/exercises/*.md, parsed; ids must be unique across files. */
export function loadExercises(dir: string, displayDir = dir): {exercises: ExerciseSpec[]; diagnostics: Diagnostic[]} {
  const exercises: ExerciseSpec[] = [];
  const diagnostics: Diagnostic[] = [];
  if (!existsSync(dir)) return {exercises, diagnostics};
  const where = new Map<string, string>();
  for (const name of readdirSync(dir).filter((n) => n.endsWith(".md")).sort()) {
    const file = join(displayDir, name);
    const r = parseExercises(readFileSync(join(dir, name), "utf-8"), file);
    diagnostics.push(...r.diagnostics);
    for (const ex of r.exercises) {
      const prev = where.get(ex.id);
      if (prev) {
        diagnostics.push({file, line: ex.line, severity: "error", code: "exercise-duplicate-id", message: `exercise id "${ex.id}" is already used at ${prev}`});
        continue;
      }
      where.set(ex.id, `${file}:${ex.line}`);
      exercises.push(ex);
    }
  }
  return {exercises, diagnostics};
}

/** Renders exercise markdown (prompt, a hint) to sanitised HTML with KaTeX, like the chapters. */
export function renderExerciseMarkdown(text: string, file: string, line: number, idPrefix: string): string {
  const diag = new Diagnostics(file);
  const {blocks} = renderSection(text, {file, lineOffset: line - 1, idPrefix, diag});
  return blocks.map((b) => b.html).join("\n");
}

/** The page's view of an exercise: no hidden tests, no reference, the solution only with solutions on. */
export function toClientExercise(spec: ExerciseSpec, opts: {solutions: boolean; seed?: number; assignment?: string; bookVersion?: string}): ClientExercise {
  return {
    id: spec.id,
    title: spec.title,
    points: spec.points,
    section: spec.section,
    chapter: spec.chapter,
    promptHtml: renderExerciseMarkdown(spec.prompt, spec.file, spec.line + 1, `ex-${spec.id}`),
    starter: spec.starter,
    tests: spec.tests,
    testNames: spec.testNames.visible,
    hiddenTestCount: spec.testNames.hidden.length,
    unscored: spec.unscored.filter((n) => spec.testNames.visible.includes(n)),
    exports: spec.exports,
    seed: opts.seed ?? spec.seed,
    timeoutMs: spec.timeoutMs,
    hints: spec.hints.map((h, i) => renderExerciseMarkdown(h, spec.file, spec.line + 1, `ex-${spec.id}-hint${i}`)),
    ...(opts.solutions ? {solution: spec.solution} : {}),
    ...(opts.assignment ? {assignment: opts.assignment} : {}),
    bookVersion: opts.bookVersion ?? "0.1.0"
  };
}
