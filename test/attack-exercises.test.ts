/**
 * Inline ```exercise blocks written by a hostile author: `npm run check` and the generator run every solution,
 * test and reference in the sandbox. Nothing touches the host, a dangling rejection takes nothing down, a looping
 * test is stopped, and the honest exercise next to them still works.
 */
import {spawnSync} from "node:child_process";
import {cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, describe, expect, test} from "vitest";

const dir = mkdtempSync(join(tmpdir(), "gb-attack-ex-"));
const mark = join(dir, "pwned");
const chapters = join(dir, "chapters");
cpSync("test/attacks/exercise-chapters", chapters, {recursive: true});
const file = join(chapters, "hostile-exercises.md");
writeFileSync(file, readFileSync(file, "utf-8").replaceAll("MARK", mark));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

describe("hostile inline exercises", () => {
  test("npm run check -- --json: each one is an error at its solution or test, the honest one passes, nothing ran on the host", () => {
    const t0 = Date.now();
    const r = spawnSync("node_modules/.bin/tsx", ["scripts/check.ts", "--json", chapters], {encoding: "utf-8", timeout: 120_000});
    expect(r.signal).toBeNull();
    expect(Date.now() - t0).toBeLessThan(120_000);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    const byCode = (code: string) => report.diagnostics.filter((d: {code: string}) => d.code === code).map((d: {line: number}) => d.line);
    const src = readFileSync(file, "utf-8").split("\n");
    const lineOf = (needle: string, from = 0) => src.findIndex((l, i) => i >= from && l.includes(needle)) + 1;
    // The escape's solution: import() is refused inside QuickJS, so its tests still pass: no error, but no mark either.
    expect(existsSync(mark)).toBe(false);
    // The looping test: stopped by the time limit, reported at the solution line of its block.
    const looping = lineOf("id: looping-tests");
    expect(byCode("exercise-solution")).toContain(lineOf("--- solution ---", looping) + 1);
    expect(report.diagnostics.find((d: {code: string; line: number}) => d.code === "exercise-solution" && d.line === lineOf("--- solution ---", looping) + 1).message)
      .toMatch(/\(timeout\)/);
    // The honest exercise and the rest of the chapter are unaffected.
    const honest = lineOf("id: honest");
    expect(report.diagnostics.filter((d: {line: number; severity: string}) => d.severity === "error" && d.line >= honest - 1)).toEqual([]);
    expect(report.chapters[0].pages).toBe(2);
  }, 150_000);

  test("the generator survives them too (a dangling rejection in a solution takes nothing down)", () => {
    const script = join(dir, "gen.mts");
    writeFileSync(script, `
      import {generateBook} from ${JSON.stringify(join(process.cwd(), "src/generate.ts"))};
      import {defaultEnrichers} from ${JSON.stringify(join(process.cwd(), "src/enrichers.ts"))};
      const res = await generateBook({root: process.cwd(), chaptersDir: ${JSON.stringify(chapters)}, outDir: ${JSON.stringify(join(dir, "book"))},
        enrichers: await defaultEnrichers(process.cwd(), {exercisesDir: ${JSON.stringify(join(chapters, "exercises"))}})});
      console.log("PAGES", res.pages.filter((p) => p.startsWith("/hostile-exercises/")).join(","), res.diagnostics.filter((d) => d.code === "exercise-solution").length);
    `);
    const r = spawnSync("node_modules/.bin/tsx", [script], {encoding: "utf-8", timeout: 120_000});
    expect(r.signal).toBeNull();
    expect(r.stderr).not.toMatch(/Unhandled|ERR_UNHANDLED_REJECTION/);
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    // The part's index and its 2 section pages are written; the looping exercise is the one solution error.
    expect(r.stdout.trim()).toBe("PAGES /hostile-exercises/,/hostile-exercises/background,/hostile-exercises/concepts 1");
    expect(existsSync(mark)).toBe(false);
  }, 150_000);
});
