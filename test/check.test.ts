import {spawnSync} from "node:child_process";
import {describe, expect, test} from "vitest";

function check(...args: string[]) {
  const r = spawnSync("node_modules/.bin/tsx", ["scripts/check.ts", ...args], {encoding: "utf-8"});
  return {code: r.status, out: r.stdout + r.stderr};
}

describe("npm run check", () => {
  test("the seeds pass with warnings only, each as file:line", () => {
    const {code, out} = check();
    expect(code).toBe(0);
    expect(out).toContain("chapters/000_69b8ff2c9c828ca6.md:280: warning: section number 9 is used twice");
    expect(out).toContain("chapters/001_b326668aebc6c65c.md:25: warning: external image");
    expect(out).toContain("chapters/004_9a3e3b6a632ac337.md:275: warning: removed model chat token <|im_sep|>");
    expect(out).toMatch(/5 chapters, 53 section pages: 0 errors, \d+ warnings/);
  }, 60_000);
  test("a directory with broken chapters exits 1 and names every error's line", () => {
    const {code, out} = check("test/input");
    expect(code).toBe(1);
    for (const line of [16, 20, 25, 30]) expect(out).toMatch(new RegExp(`test/input/bad-input\\.md:${line}: error:`));
  }, 60_000);

  test("--json prints one JSON object: per formula line, status, finite; the seeds' four flags; diagnostics with codes", () => {
    const r = spawnSync("node_modules/.bin/tsx", ["scripts/check.ts", "--json"], {encoding: "utf-8"});
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout); // stdout is the object alone: tf's greeting and the rest went to stderr
    expect(report.version).toBe(1);
    expect(report.chapters.map((c: {file: string}) => c.file)).toEqual([
      "chapters/000_69b8ff2c9c828ca6.md", "chapters/001_b326668aebc6c65c.md", "chapters/002_7ce6fdd9a02b6faa.md",
      "chapters/003_13d2a58dac194804.md", "chapters/004_9a3e3b6a632ac337.md"]);
    const flagged = report.chapters.flatMap((c: {file: string; formulas: {line: number; status: string}[]}) =>
      c.formulas.filter((f) => f.status === "flagged").map((f) => `${c.file.slice(9, 12)}:${f.line}`));
    expect(flagged).toEqual(["000:106", "000:142", "001:133", "001:135"]);
    // README: a `$$` block's line is the one after its opening `$$` (105 is the `$$`, 106 the LaTeX)
    const f105 = report.chapters[0].formulas.find((f: {line: number}) => f.line === 106);
    expect(f105).toMatchObject({status: "flagged", finite: true, display: true});
    expect(f105.latex).toContain("\\nabla_{w} MSE");
    expect(f105.message).toMatch(/flip the sign of the whole expression/);
    for (const c of report.chapters) {
      for (const f of c.formulas) {
        expect(Object.keys(f).sort()).toEqual(["display", "finite", "latex", "line", "message", "status"]);
        expect(["verified", "flagged", "executable", "not-executable"]).toContain(f.status);
        if (f.status === "not-executable") expect(f.message).not.toBe("");
      }
      expect(c.summary.found).toBe(c.formulas.length);
    }
    expect(report.chapters[0].summary).toMatchObject({found: 24, verified: 3, flagged: 2});
    const dup = report.diagnostics.find((d: {code: string}) => d.code === "duplicate-section-number");
    expect(dup ?? report.diagnostics.find((d: {line: number; file: string}) => d.file.endsWith("000_69b8ff2c9c828ca6.md") && d.line === 280)).toMatchObject({severity: "warning"});
    expect(report.errors).toBe(0);
    expect(report.warnings).toBe(report.diagnostics.length);
    // Homework per chapter: 000 has the hand-written mse, mse-grad and adam-step, each at its ```exercise fence.
    const ex000 = report.chapters[0].exercises as {id: string; auto: boolean; file: string; line: number; kind: string}[];
    expect(ex000.filter((e) => !e.auto).map((e) => [e.id, e.file])).toEqual([
      ["mse", "chapters/exercises/000_69b8ff2c9c828ca6.md"], ["mse-grad", "chapters/exercises/000_69b8ff2c9c828ca6.md"],
      ["adam-step", "chapters/exercises/000_69b8ff2c9c828ca6.md"]]);
    expect(ex000[0]).toMatchObject({line: 5, kind: "implement", points: 2, tests: 6});
    // Generated from the chapter's formulas: line is the formula's; the wrong CE gradient (142) is a "fix" exercise; MSE (70)
    // and ∇MSE (106) are left to the hand-written mse and mse-grad, whose prompts quote them.
    const autoLines = ex000.filter((e) => e.auto).map((e) => [e.line, e.kind]);
    expect(autoLines).toEqual(expect.arrayContaining([[142, "fix"]]));
    expect(autoLines.map(([l]) => l)).not.toEqual(expect.arrayContaining([70]));
    expect(autoLines.map(([l]) => l)).not.toEqual(expect.arrayContaining([106]));
    expect(ex000.filter((e) => e.auto).every((e) => e.file === "chapters/000_69b8ff2c9c828ca6.md")).toBe(true);
  }, 90_000);

  test("--json on another folder analyses its formulas too and exits 1 on its errors", () => {
    const r = spawnSync("node_modules/.bin/tsx", ["scripts/check.ts", "--json", "test/input"], {encoding: "utf-8"});
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.chapters.map((c: {file: string}) => c.file).sort()).toEqual(["test/input/bad-input.md", "test/input/template-variants.md"]);
    expect(report.errors).toBeGreaterThan(0);
    expect(report.diagnostics.filter((d: {severity: string}) => d.severity === "error").map((d: {line: number}) => d.line)).toEqual(expect.arrayContaining([16, 20, 25, 30]));
  }, 90_000);
});
