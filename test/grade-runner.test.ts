import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {execFileSync} from "node:child_process";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {loadExercises} from "../src/exercises.js";
import {loadAssignment, selectExercises} from "../src/exercises/assignment.js";
import {type GradeReport, csvCell, gradeExercise, gradebookCsv, gradeSubmissions, readSubmission, resultsJson} from "../grader/grade.js";

const FIX = "test/fixtures/submissions";
const {exercises: all} = loadExercises("chapters/exercises");
const demo = loadAssignment("assignments/demo.json");
const exercises = selectExercises(demo, all);
const byId = (id: string) => all.find((e) => e.id === id)!;

let tmp: string;
let report: GradeReport;
const PWNED = "/tmp/gradbook-pwned";

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "grade-"));
  rmSync(PWNED, {force: true});
  // An oversized submission (> 1 MB) is made here rather than committed.
  writeFileSync(join(tmp, "oscar-huge.json"), JSON.stringify({student: "oscar", exercises: [{id: "mse", code: "//" + "x".repeat(1_100_000)}]}));
  const files = [...["alice", "alice-early", "bob", "carol-loop", "dave-membomb", "erin-escape", "frank-pollution", "grace-getters", "heidi-proto",
    "malformed", "bad-student"].map((n) => join(FIX, `${n}.json`)), join(tmp, "oscar-huge.json"), join(tmp, "missing.json")];
  report = await gradeSubmissions(files, exercises, {seed: demo.seed, jobs: 2});
}, 120_000);
afterAll(() => rmSync(tmp, {recursive: true, force: true}));

const row = (student: string) => report.students.find((s) => s.student === student)!;
const ex = (student: string, id: string) => row(student).exercises.find((e) => e.id === id)!;

describe("gradeSubmissions: the run finishes and every valid student is graded", () => {
  test("students graded, in order; bad files skipped with a reason", () => {
    expect(report.students.map((s) => s.student)).toEqual(["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]);
    const reasons = Object.fromEntries(report.skipped.map((k) => [k.file.split("/").pop(), k.reason]));
    expect(reasons["alice-early.json"]).toMatch(/^superseded by alice\.json/);
    expect(reasons["malformed.json"]).toMatch(/^not valid JSON/);
    expect(reasons["bad-student.json"]).toMatch(/"student" must be/);
    expect(reasons["oscar-huge.json"]).toMatch(/^too large: \d+ bytes \(limit 1000000\)/);
    expect(reasons["missing.json"]).toMatch(/^cannot read/);
    expect(reasons["heidi-proto.json"]).toBe("ignored exercises not in this assignment: unknown-exercise");
  });

  test("correct code scores full marks (17 of 17)", () => {
    expect(row("alice").score).toBe(17);
    expect(row("alice").max_score).toBe(17);
    expect(row("alice").exercises.every((e) => e.tests.every((t) => t.status === "passed"))).toBe(true);
  });

  test("wrong code scores partially: the seed's MSE-gradient sign gets 0, naive sigmoid loses the σ(-745) test", () => {
    expect(ex("bob", "mse").score).toBe(2);
    expect(ex("bob", "mse-grad").score).toBe(0);
    // sigmoid: 7 weight units (4 visible + 2 + 1 hidden), of which σ(0) = 0.5 and the symmetry test (1 each) are
    // passed by `return 0.5` and weigh 0; naive 1/(1+e^{-z}) fails only "σ(-745) 仍是有限正数" (weight 1): 2·4/5.
    expect(ex("bob", "sigmoid").score).toBe(Math.round((2 * 4 / 5) * 1000) / 1000);
    expect(ex("bob", "sigmoid").tests.filter((t) => t.status === "failed").map((t) => t.name)).toEqual(["σ(-745) 仍是有限正数"]);
    expect(ex("bob", "adam-step")).toMatchObject({score: 0, status: "not submitted"});
    // attention without max-subtraction: NaN for large scores, and no shape checks.
    expect(ex("bob", "attention").score).toBeGreaterThan(0);
    expect(ex("bob", "attention").score).toBeLessThan(4);
  });

  test("infinite loops (sync and microtask) are stopped by the time limit; the student's other exercises count", () => {
    expect(ex("carol", "mse")).toMatchObject({score: 0, status: "timeout"});
    expect(ex("carol", "sigmoid")).toMatchObject({score: 0, status: "timeout"});
    expect(ex("carol", "mse").ms).toBeLessThan(4000);
    expect(row("carol").score).toBe(13);
  });

  test("memory bombs are stopped by the worker's memory limit", () => {
    expect(ex("dave", "mse").status).toMatch(/^(memory|timeout)$/);
    expect(ex("dave", "mse").score).toBe(0);
    expect(ex("dave", "mse-grad").score).toBe(0);
    expect(row("dave").score).toBe(13);
  });

  test("process.exit, require('fs'), the vm escape and import() score 0 and touch nothing", () => {
    expect(ex("erin", "mse").message).toMatch(/your code did not run/);
    expect(ex("erin", "mse-grad").message).toMatch(/ReferenceError: 'require' is not defined/);
    expect(ex("erin", "adam-step").message).toMatch(/ReferenceError: 'process' is not defined/);
    // import("node:fs") is refused (QuickJS has no module loader here); the naive sigmoid beside it is graded.
    // Scored weights: 5 of 7 (σ(0) = 0.5 and the symmetry test are passed by `return 0.5`); it loses σ(-745): 2·4/5.
    expect(ex("erin", "sigmoid")).toMatchObject({status: "graded", score: 1.6});
    expect(row("erin").score).toBe(9.6);
    expect(existsSync(PWNED)).toBe(false);
  });

  test("prototype pollution cannot fake a pass", () => {
    // frank's mse returns 12345: only the symmetry test (mse(a,b) = mse(b,a)) is honestly true.
    expect(ex("frank", "mse").tests.filter((t) => t.status === "passed").map((t) => t.name)).toEqual(["对称：mse(y, ŷ) = mse(ŷ, y)（随机输入）"]);
    expect(ex("frank", "mse-grad").score).toBe(0);
    expect(({} as Record<string, unknown>).passed).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("throwing getters and Proxies fail their tests without breaking the run", () => {
    expect(ex("grace", "mse").score).toBe(0);
    expect(ex("grace", "bce").score).toBe(0);
    expect(ex("grace", "attention").status).toBe("graded");
    expect(ex("grace", "attention").tests.find((t) => t.name === "手算：q = [1, 0], k₁ = [√2·ln 3, 0], k₂ = [0, 0] → 权重 [0.75, 0.25]")!.output)
      .toBe("Error: threw an object");
    // Her attention always throws: the two "must throw" tests are passed by any always-throwing code, so earn nothing.
    expect(ex("grace", "attention").score).toBe(0);
    expect(row("grace").score).toBe(7);
  });

  test("a __proto__ key in the submission does not pollute anything; heidi's sigmoid is graded", () => {
    expect(ex("heidi", "sigmoid").score).toBe(2);
    expect(row("heidi").score).toBe(2);
  });
});

describe("outputs", () => {
  test("gradebook.csv matches the golden file", () => {
    const csv = gradebookCsv(report);
    const golden = join(FIX, "gradebook.expected.csv");
    if (csv !== readFileSync(golden, "utf-8")) writeFileSync(golden.replace(/\.csv$/, "-changed.csv"), csv);
    expect(csv).toBe(readFileSync(golden, "utf-8"));
  });

  test("results.json: per student score and tests[] with name, score, max_score, status, output", () => {
    const r = resultsJson(report, {assignment: "demo"}) as {students: {student: string; score: number; tests: Record<string, unknown>[]}[]};
    const bob = r.students.find((s) => s.student === "bob")!;
    expect(bob.score).toBe(row("bob").score);
    const t = bob.tests.find((x) => x.name === "mse-grad: 手算：y = [1, 2], ŷ = [0, 4] → [-1, 2]")!;
    expect(t).toMatchObject({score: 0, status: "failed", visibility: "visible"});
    expect(t.output).toBe("at [0]: expected -1 (±0.000001), got 1");
    const maxSum = bob.tests.reduce((s, x) => s + (x.max_score as number), 0);
    expect(maxSum).toBeCloseTo(17, 2);
  });

  test("csvCell neutralises formulas and quotes commas", () => {
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell(-1.5)).toBe("-1.5");
  });

  test("readSubmission rejects a non-object and a code field that is not a string", () => {
    const p = join(tmp, "arr.json");
    writeFileSync(p, "[1,2]");
    expect(readSubmission(p).error).toBe("a submission must be a JSON object");
    writeFileSync(p, JSON.stringify({student: "x", exercises: [{id: "mse", code: 5}]}));
    expect(readSubmission(p).error).toBe("exercises[0].code must be a string");
  });

  test("TypeScript in a submission is stripped; a syntax error scores 0 with the line", async () => {
    const ts = await gradeExercise(byId("mse"), {id: "mse", code: byId("mse").solution.replace("function mse(y, yHat)", "function mse(y: number[], yHat: number[]): number")});
    expect(ts.score).toBe(2);
    const bad = await gradeExercise(byId("mse"), {id: "mse", code: "function mse(y, p) {\n  return (;\n}"});
    expect(bad).toMatchObject({score: 0, status: "syntax error"});
    expect(bad.message).toMatch(/^the code does not parse: line 2: /);
  });
});

describe("npm run grade (the CLI)", () => {
  test("writes gradebook.csv and results.json and reports skipped files", () => {
    const out = join(tmp, "out");
    const stdout = execFileSync("npx", ["tsx", "grader/cli.ts", "--out", out, "--assignment", "assignments/demo.json", join(FIX, "alice.json"), join(FIX, "malformed.json")],
      {encoding: "utf-8", stdio: ["ignore", "pipe", "pipe"]});
    expect(stdout).toMatch(/graded 1 students × 6 exercises/);
    expect(readFileSync(join(out, "gradebook.csv"), "utf-8")).toBe("student,mse,mse-grad,adam-step,sigmoid,bce,attention,total\nalice,2,2,3,2,4,4,17\n");
    const results = JSON.parse(readFileSync(join(out, "results.json"), "utf-8"));
    expect(results.assignment).toBe("demo");
    expect(results.skipped).toEqual([{file: "malformed.json", reason: expect.stringMatching(/^not valid JSON/)}]);
    // Gradescope's per-submission results.json, one per student: the same 17 points as the gradebook row
    const alice = JSON.parse(readFileSync(join(out, "results", "alice.json"), "utf-8"));
    expect(alice.score).toBe(17);
    expect(alice.max_score).toBe(17);
    expect(alice.tests.length).toBe(results.students[0].tests.length);
    expect(alice.tests.every((t: {status: string}) => t.status === "passed")).toBe(true);
  });
});
