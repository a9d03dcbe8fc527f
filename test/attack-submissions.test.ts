/**
 * The grader against hostile submissions (test/attacks/submissions.json): each trick is graded beside the same
 * code without it. The trick never scores more, writes no file, leaves no process and reaches no host.
 */
import {execFileSync} from "node:child_process";
import {existsSync, mkdtempSync, readFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, describe, expect, test} from "vitest";
import {gradeExercise} from "../grader/grade.js";
import {SandboxWorker} from "../grader/sandbox.js";
import {loadExercises} from "../src/exercises.js";

interface AttackCase {
  name: string;
  exercise: string;
  trick: string;
  plain: string;
  status?: string[];
}

const {cases} = JSON.parse(readFileSync("test/attacks/submissions.json", "utf-8")) as {cases: AttackCase[]};
const {exercises} = loadExercises("chapters/exercises");
const dir = mkdtempSync(join(tmpdir(), "gb-attack-"));
const sandbox = new SandboxWorker();
afterAll(async () => {
  await sandbox.close();
  rmSync(dir, {recursive: true, force: true});
});

/** Processes whose command line names this run's marker (a detached child would). */
function processesNaming(marker: string): string[] {
  const out = execFileSync("ps", ["-eo", "pid,args"], {encoding: "utf-8"});
  return out.split("\n").filter((l) => l.includes(marker) && !l.includes("ps -eo"));
}

describe("hostile submissions", () => {
  test.each(cases.map((c, i) => [c.name, c, i] as const))("%s", async (_name, c, i) => {
    const spec = exercises.find((e) => e.id === c.exercise);
    expect(spec, c.exercise).toBeDefined();
    const mark = join(dir, `pwned-${i}`);
    const trick = await gradeExercise(spec!, {id: c.exercise, code: c.trick.replaceAll("MARK", mark)}, {}, sandbox);
    const plain = await gradeExercise(spec!, {id: c.exercise, code: c.plain}, {}, sandbox);
    expect(plain.status).toBe("graded");
    if (c.status) expect(c.status).toContain(trick.status);
    expect(trick.score, `${c.name}: ${trick.status} ${trick.message}`).toBeLessThanOrEqual(plain.score);
    expect(trick.ms).toBeLessThan(10_000);
    expect(existsSync(mark)).toBe(false);
    expect(processesNaming(mark)).toEqual([]);
  }, 30_000);

  test("nothing a submission started wrote its file a few seconds later", async () => {
    await new Promise((r) => setTimeout(r, 3500));
    for (let i = 0; i < cases.length; i++) expect(existsSync(join(dir, `pwned-${i}`))).toBe(false);
  }, 10_000);

  test("the sandbox still grades correctly after every attack (no state leaks between jobs)", async () => {
    const mse = exercises.find((e) => e.id === "mse")!;
    const g = await gradeExercise(mse, {id: "mse", code: mse.solution}, {}, sandbox);
    expect(g).toMatchObject({status: "graded", score: mse.points});
  });
});
