/**
 * npm run grade -- [--out DIR] [--assignment assignments/x.json] [--timeout MS] [--memory MB] [--jobs N] <submission.json…>
 *
 * Re-runs every exercise's tests (hidden ones included) on each submission in QuickJS sandboxes (worker threads) and writes
 * DIR/gradebook.csv, DIR/results.json, DIR/results/<student>.json (Gradescope), DIR/report.html (the class at a glance),
 * DIR/canvas.csv and DIR/moodle.csv (default DIR: grades/). Bad submissions are reported and skipped.
 */
import {mkdirSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {formatDiagnostic} from "../src/diagnostics.js";
import {loadExercises} from "../src/exercises.js";
import {chapterAutoExercises} from "../src/exercises/enricher.js";
import {loadAll} from "../src/generate.js";
import {type Assignment, checkAssignment, loadAssignment, selectExercises} from "../src/exercises/assignment.js";
import {canvasCsv, classReportHtml, moodleCsv} from "./classReport.js";
import {gradebookCsv, gradeSubmissions, resultsJson, studentResults} from "./grade.js";

const USAGE = "usage: npm run grade -- [--out DIR] [--assignment assignments/x.json] [--timeout MS] [--memory MB] [--jobs N] <submission.json…>";

function parseArgs(argv: string[]) {
  const o = {out: "grades", assignment: process.env.GRADBOOK_ASSIGNMENT as string | undefined, timeout: undefined as number | undefined,
    memory: undefined as number | undefined, jobs: 2, files: [] as string[]};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    const num = (name: string, lo: number, hi: number) => {
      const v = Number(value());
      if (!Number.isFinite(v) || v < lo || v > hi) throw new Error(`${name} must be a number in [${lo}, ${hi}]`);
      return v;
    };
    if (a === "--out") o.out = value();
    else if (a === "--assignment") o.assignment = value();
    else if (a === "--timeout") o.timeout = num("--timeout", 100, 60_000);
    else if (a === "--memory") o.memory = num("--memory", 16, 4096);
    else if (a === "--jobs") o.jobs = num("--jobs", 1, 16);
    else if (a === "--help" || a === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else if (a.startsWith("--")) throw new Error(`unknown option ${a}\n${USAGE}`);
    else o.files.push(a);
  }
  if (!o.files.length) throw new Error(`no submission files given\n${USAGE}`);
  return o;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const root = process.cwd();
  const {exercises: written, diagnostics} = loadExercises(join(root, "chapters", "exercises"), "chapters/exercises");
  // The exercises generated from each chapter's formulas, re-derived here (hidden tests per student from their seed).
  const {chapters} = loadAll(root);
  const all = [...written];
  for (const c of chapters) {
    const stem = c.part.file.replace(/\.md$/, "");
    all.push(...(await chapterAutoExercises(c, written.filter((e) => e.chapter === stem))));
  }
  const errors = diagnostics.filter((d) => d.severity === "error");
  for (const d of errors) console.error(formatDiagnostic(d));
  let assignment: Assignment | undefined;
  let exercises = all;
  if (args.assignment) {
    assignment = loadAssignment(args.assignment);
    const stems = [...new Set(all.map((e) => e.chapter))];
    const problems = checkAssignment(assignment, stems, all, args.assignment);
    if (problems.length) throw new Error(problems.join("\n"));
    exercises = selectExercises(assignment, all);
  }
  if (!exercises.length) throw new Error("no exercises to grade (check chapters/exercises/ and the assignment)");
  const t0 = performance.now();
  const report = await gradeSubmissions(args.files, exercises, {
    seed: assignment?.seed, timeoutMs: args.timeout, memoryMb: args.memory, jobs: args.jobs,
    onProgress: (student, g) => {
      if (g.status !== "graded" && g.status !== "not submitted") console.error(`  ${student} / ${g.id}: ${g.status}: ${g.message}`);
    }
  });
  mkdirSync(args.out, {recursive: true});
  writeFileSync(join(args.out, "gradebook.csv"), gradebookCsv(report));
  const meta = {assignment: assignment?.name, generated: new Date().toISOString()};
  writeFileSync(join(args.out, "results.json"), JSON.stringify(resultsJson(report, meta), null, 2) + "\n");
  // The teacher's view (one offline page) and the CSVs Canvas and Moodle import.
  writeFileSync(join(args.out, "report.html"), classReportHtml(report, meta));
  writeFileSync(join(args.out, "canvas.csv"), canvasCsv(report, assignment?.name));
  writeFileSync(join(args.out, "moodle.csv"), moodleCsv(report));
  // One Gradescope results.json per student (ids are validated as safe file names when submissions are read).
  mkdirSync(join(args.out, "results"), {recursive: true});
  for (const s of report.students) {
    writeFileSync(join(args.out, "results", `${s.student}.json`), JSON.stringify(studentResults(s), null, 2) + "\n");
  }
  for (const k of report.skipped) console.error(`skipped ${k.file}: ${k.reason}`);
  const ms = Math.round(performance.now() - t0);
  console.log(`graded ${report.students.length} students × ${exercises.length} exercises in ${ms} ms → ${join(args.out, "gradebook.csv")}, ${join(args.out, "results.json")}` +
    (report.skipped.length ? ` (${report.skipped.length} notes above)` : ""));
}

main().catch((e) => {
  console.error(`grade: ${(e as Error).message}`);
  process.exitCode = 1;
});
