/**
 * Grading cost: a class of 200 synthetic students × every exercise of the book, hand-written and generated from the
 * chapters' formulas (solution, starter or a wrong variant each, seeded), graded by `gradeSubmissions` with 2 workers
 * (QuickJS sandboxes), each student's hidden tests drawn from their own variant seed. Prints the wall time and the
 * time per exercise graded.
 */
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {gradeSubmissions} from "../grader/grade.js";
import {mulberry32} from "../components/math/random.js";
import {loadExercises} from "../src/exercises.js";
import {chapterAutoExercises} from "../src/exercises/enricher.js";
import {loadAll} from "../src/generate.js";
import {report} from "./run.js";

const STUDENTS = 200;
const {exercises: written} = loadExercises("chapters/exercises");
// As npm run grade: the hand-written exercises and those generated from every chapter's formulas (hidden tests per student).
const exercises = [...written];
for (const c of loadAll(process.cwd()).chapters) exercises.push(...(await chapterAutoExercises(c, written.filter((e) => e.chapter === c.part.file.replace(/\.md$/, "")))));
const dir = mkdtempSync(join(tmpdir(), "gb-grade-bench-"));
const rng = mulberry32(7);
const files: string[] = [];
for (let s = 0; s < STUDENTS; s++) {
  const pick = (e: (typeof exercises)[number]) => {
    const r = rng();
    // Generated exercises have no stored solution: their starter, or a constant answer.
    const right = e.solution || e.starter.replace("return 0;", "return 1;");
    return r < 0.6 ? right : r < 0.8 ? e.starter : right.replace(/\+/, "-");
  };
  const sub = {student: `s${String(s).padStart(4, "0")}`, exercises: exercises.map((e) => ({id: e.id, code: pick(e)}))};
  const file = join(dir, `${sub.student}.json`);
  writeFileSync(file, JSON.stringify(sub));
  files.push(file);
}
const t0 = performance.now();
const r = await gradeSubmissions(files, exercises, {jobs: 2});
const ms = performance.now() - t0;
rmSync(dir, {recursive: true, force: true});
const graded = r.students.flatMap((s) => s.exercises).filter((e) => e.status === "graded").length;
report({metric: `grade ${STUDENTS} students × ${exercises.length} exercises (2 workers)`, value: ms / 1000, unit: "s", target: "< 60"});
report({metric: "per exercise graded", value: ms / (STUDENTS * exercises.length), unit: "ms"});
report({metric: "exercises graded (not timeout/crash)", value: graded, unit: `of ${STUDENTS * exercises.length}`});
