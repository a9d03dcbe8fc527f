/**
 * Grading: reads students' submission files, re-runs every test (hidden ones included) in QuickJS sandboxes and
 * builds gradebook.csv and a Gradescope-style results.json. A bad submission is reported and skipped; a hostile one
 * scores 0 for the exercise it breaks; nothing a submission does stops the others from being graded.
 */
import {transformSync} from "esbuild";
import {readFileSync, statSync} from "node:fs";
import {basename} from "node:path";
import type {TestResult} from "../components/homework/harness.js";
import type {SandboxLimits, SandboxStatus} from "../components/homework/sandbox.js";
import {roundPoints, scoreTests, testMaxScore} from "../components/homework/score.js";
import {variantSeed} from "../components/homework/variant.js";
import {type ExerciseSpec, jobFor} from "../src/exercises.js";
import {SandboxWorker, withWorkers} from "./sandbox.js";

export const MAX_SUBMISSION_BYTES = 1_000_000;
const MAX_CODE_CHARS = 100_000;
const MAX_EXERCISES = 500;
const STUDENT = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}$/;

export interface SubmittedExercise {
  id: string;
  code: string;
}

export interface Submission {
  file: string;
  student: string;
  timestamp?: string;
  assignment?: string;
  bookVersion?: string;
  exercises: SubmittedExercise[];
}

/** Reads one submission file; returns an error message instead of throwing. */
export function readSubmission(path: string): {submission?: Submission; error?: string} {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    return {error: `cannot read: ${(e as Error).message}`};
  }
  if (size > MAX_SUBMISSION_BYTES) return {error: `too large: ${size} bytes (limit ${MAX_SUBMISSION_BYTES})`};
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf-8"));
  } catch (e) {
    return {error: `not valid JSON: ${(e as Error).message}`};
  }
  return validateSubmission(value, path);
}

/** Copies the fields the grader uses out of untrusted JSON, checking each. */
export function validateSubmission(value: unknown, file: string): {submission?: Submission; error?: string} {
  if (!value || typeof value !== "object" || Array.isArray(value)) return {error: "a submission must be a JSON object"};
  const o = value as Record<string, unknown>;
  const student = Object.prototype.hasOwnProperty.call(o, "student") ? o.student : undefined;
  if (typeof student !== "string" || !STUDENT.test(student)) {
    return {error: `"student" must be 1–100 letters, digits, _ . @ -, got ${JSON.stringify(student)?.slice(0, 60)}`};
  }
  const list = Object.prototype.hasOwnProperty.call(o, "exercises") ? o.exercises : undefined;
  if (!Array.isArray(list)) return {error: `"exercises" must be an array`};
  if (list.length > MAX_EXERCISES) return {error: `"exercises" has ${list.length} entries (limit ${MAX_EXERCISES})`};
  const exercises: SubmittedExercise[] = [];
  const seen = new Set<string>();
  for (const [i, e] of list.entries()) {
    if (!e || typeof e !== "object" || Array.isArray(e)) return {error: `exercises[${i}] must be an object`};
    const {id, code} = e as Record<string, unknown>;
    if (typeof id !== "string" || !id) return {error: `exercises[${i}].id must be a string`};
    if (typeof code !== "string") return {error: `exercises[${i}].code must be a string`};
    if (code.length > MAX_CODE_CHARS) return {error: `exercises[${i}].code is ${code.length} characters (limit ${MAX_CODE_CHARS})`};
    if (seen.has(id)) return {error: `exercise "${id}" appears twice`};
    seen.add(id);
    exercises.push({id, code});
  }
  const str = (k: string) => (Object.prototype.hasOwnProperty.call(o, k) && typeof o[k] === "string" ? (o[k] as string).slice(0, 100) : undefined);
  return {submission: {file, student, exercises, timestamp: str("timestamp"), assignment: str("assignment"), bookVersion: str("bookVersion")}};
}

export interface TestGrade {
  name: string;
  score: number;
  max_score: number;
  status: "passed" | "failed";
  output: string;
  visibility: "visible" | "after_published";
}

export interface ExerciseGrade {
  id: string;
  score: number;
  max_score: number;
  status: "graded" | "not submitted" | "syntax error" | SandboxStatus;
  message: string;
  tests: TestGrade[];
  ms: number;
}

export interface StudentGrade {
  student: string;
  file: string;
  timestamp?: string;
  score: number;
  max_score: number;
  exercises: ExerciseGrade[];
}

export interface GradeReport {
  exerciseIds: string[];
  students: StudentGrade[];
  /** Files not graded and why (malformed, oversized, superseded by a later submission of the same student). */
  skipped: {file: string; reason: string}[];
}

export interface GradeOptions extends Partial<Pick<SandboxLimits, "timeoutMs" | "memoryMb">> {
  /** Seed for the tests (an assignment's seed); each exercise's own seed otherwise. */
  seed?: number;
  /** Parallel workers (default 2). */
  jobs?: number;
  /** Called after each exercise is graded (progress output). */
  onProgress?: (student: string, grade: ExerciseGrade) => void;
}

function stripStudentTypes(code: string): {code?: string; error?: string} {
  try {
    return {code: transformSync(code, {loader: "ts", target: "es2020"}).code};
  } catch (e) {
    const first = (e as {errors?: {text: string; location?: {line: number; column: number} | null}[]}).errors?.[0];
    return {error: first ? `line ${first.location?.line ?? "?"}: ${first.text}` : (e as Error).message};
  }
}

function expectedTests(spec: ExerciseSpec): TestResult[] {
  return spec.testList.map((t) => ({name: t.name, weight: t.weight, hidden: t.hidden, passed: false, message: ""}));
}

function zeroGrade(spec: ExerciseSpec, status: ExerciseGrade["status"], message: string, ms = 0): ExerciseGrade {
  const tests = expectedTests(spec);
  return {
    id: spec.id, score: 0, max_score: spec.points, status, message, ms,
    tests: tests.map((t) => ({name: t.name, score: 0, max_score: testMaxScore(t, tests, spec.points), status: "failed", output: message,
      visibility: t.hidden ? "after_published" : "visible"}))
  };
}

/** Grades one exercise of one submission. Never throws. */
export async function gradeExercise(spec: ExerciseSpec, submitted: SubmittedExercise | undefined, opts: GradeOptions & {student?: string} = {},
  sandbox?: SandboxWorker): Promise<ExerciseGrade> {
  if (!submitted) return zeroGrade(spec, "not submitted", "no code submitted for this exercise");
  const stripped = stripStudentTypes(submitted.code);
  if (stripped.code === undefined) return zeroGrade(spec, "syntax error", `the code does not parse: ${stripped.error}`);
  const own = sandbox ? undefined : new SandboxWorker();
  const limits = {timeoutMs: opts.timeoutMs ?? spec.timeoutMs, ...(opts.memoryMb ? {memoryMb: opts.memoryMb} : {})};
  const outcome = await (sandbox ?? own!).run(jobFor(spec, stripped.code, {seed: variantSeed(opts.seed ?? spec.seed, spec.id, opts.student)}), limits).finally(() => own?.close());
  if (outcome.status !== "ok" || !outcome.result) return zeroGrade(spec, outcome.status, outcome.error ?? "no result", outcome.ms);
  const r = outcome.result;
  // Score against the tests the solution defines; a test the run did not report counts as failed.
  const byName = new Map(r.tests.map((t) => [`${t.hidden}:${t.name}`, t]));
  const tests = expectedTests(spec).map((t) => {
    const got = byName.get(`${t.hidden}:${t.name}`);
    return got ? {...t, passed: got.passed, message: got.message} : {...t, message: "this test did not run"};
  });
  const note = [r.loaded ? "" : `your code did not run: ${r.error}`, r.missing.length ? `not defined: ${r.missing.join(", ")}` : ""].filter(Boolean).join("; ");
  const output = r.output ? `\n--- console output ---\n${r.output}` : "";
  return {
    id: spec.id,
    score: scoreTests(tests, spec.points),
    max_score: spec.points,
    status: "graded",
    message: note,
    ms: outcome.ms,
    tests: tests.map((t) => ({
      name: t.name,
      score: t.passed ? testMaxScore(t, tests, spec.points) : 0,
      max_score: testMaxScore(t, tests, spec.points),
      status: t.passed ? "passed" : "failed",
      output: (t.passed ? "" : t.message) + output,
      visibility: t.hidden ? "after_published" : "visible"
    }))
  };
}

/** Grades every submission file against the given exercises. */
export async function gradeSubmissions(files: string[], exercises: ExerciseSpec[], opts: GradeOptions = {}): Promise<GradeReport> {
  const skipped: GradeReport["skipped"] = [];
  const latest = new Map<string, Submission>();
  for (const file of files) {
    const {submission, error} = readSubmission(file);
    if (!submission) {
      skipped.push({file, reason: error ?? "unreadable"});
      continue;
    }
    const prev = latest.get(submission.student);
    if (prev) {
      const newer = (submission.timestamp ?? "") >= (prev.timestamp ?? "") ? submission : prev;
      const older = newer === submission ? prev : submission;
      skipped.push({file: older.file, reason: `superseded by ${basename(newer.file)} (same student "${submission.student}", later timestamp)`});
      latest.set(submission.student, newer);
    } else latest.set(submission.student, submission);
  }
  const subs = [...latest.values()].sort((a, b) => (a.student < b.student ? -1 : a.student > b.student ? 1 : 0));
  const known = new Set(exercises.map((e) => e.id));
  for (const s of subs) {
    const extra = s.exercises.filter((e) => !known.has(e.id)).map((e) => e.id);
    if (extra.length) skipped.push({file: s.file, reason: `ignored exercises not in this assignment: ${extra.join(", ")}`});
  }
  const tasks = subs.flatMap((s) =>
    exercises.map((spec) => async (sandbox: SandboxWorker) => {
      let g: ExerciseGrade;
      try {
        g = await gradeExercise(spec, s.exercises.find((e) => e.id === spec.id), {...opts, student: s.student}, sandbox);
      } catch (e) {
        g = zeroGrade(spec, "crashed", `the grader failed on this exercise: ${(e as Error).message}`);
      }
      opts.onProgress?.(s.student, g);
      return g;
    })
  );
  const grades = await withWorkers(opts.jobs ?? 2, tasks);
  const students = subs.map((s, i) => {
    const ex = grades.slice(i * exercises.length, (i + 1) * exercises.length);
    return {
      student: s.student, file: s.file, timestamp: s.timestamp, exercises: ex,
      score: roundPoints(ex.reduce((a, g) => a + g.score, 0)), max_score: roundPoints(ex.reduce((a, g) => a + g.max_score, 0))
    };
  });
  return {exerciseIds: exercises.map((e) => e.id), students, skipped};
}

/** A CSV cell: quoted when needed; a leading = + - @ is neutralised so spreadsheets do not run it as a formula. */
export function csvCell(v: string | number): string {
  let s = String(v);
  if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** gradebook.csv: student, points per exercise, total. */
export function gradebookCsv(report: GradeReport): string {
  const rows = [["student", ...report.exerciseIds, "total"].map(csvCell).join(",")];
  for (const s of report.students) rows.push([s.student, ...s.exercises.map((e) => e.score), s.score].map(csvCell).join(","));
  return rows.join("\n") + "\n";
}

/** One student's results in Gradescope's autograder format (results.json of one submission): score and tests[]. */
export function studentResults(s: StudentGrade) {
  return {
    score: s.score,
    max_score: s.max_score,
    tests: s.exercises.flatMap((e) =>
      e.tests.map((t) => ({...t, name: `${e.id}: ${t.name}`, output: t.output || (e.message ? e.message : "")}))
    )
  };
}

/** Gradescope-style results for the class: one entry per student (as studentResults, plus per-exercise status). */
export function resultsJson(report: GradeReport, meta: {assignment?: string; generated?: string} = {}): unknown {
  return {
    ...meta,
    students: report.students.map((s) => ({
      student: s.student,
      file: basename(s.file),
      ...studentResults(s),
      exercises: s.exercises.map((e) => ({id: e.id, score: e.score, max_score: e.max_score, status: e.status, message: e.message, ms: e.ms}))
    })),
    skipped: report.skipped.map((k) => ({file: basename(k.file), reason: k.reason}))
  };
}
