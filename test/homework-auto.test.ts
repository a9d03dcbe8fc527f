/**
 * Exercises generated from a chapter's own formulas (src/exercises/auto.ts): on a document the exercise code was
 * not written for (test/corpus) and on a seed. Correct code earns full marks, the printed wrong formula and the
 * starter earn 0, hidden tests differ per student and the grader re-derives them.
 */
import {describe, expect, test} from "vitest";
import {gradeExercise} from "../grader/grade.js";
import {chapterAutoExercises} from "../src/exercises/enricher.js";
import {loadAll} from "../src/generate.js";
import {jobFor} from "../src/exercises.js";

const corpus = loadAll(process.cwd(), "test/corpus").chapters;
const seeds = loadAll(process.cwd()).chapters;

describe("auto exercises", () => {
  test("an unseen chapter (logistic regression, Chinese) gets implement and fix exercises from its formulas", async () => {
    const ch = corpus.find((c) => c.file.endsWith("03-logistic-regression.md"))!;
    const ex = await chapterAutoExercises(ch, []);
    expect(ex.map((e) => [e.auto!.formulaLine, e.auto!.kind, e.exports[0]])).toEqual(expect.arrayContaining([
      [11, "implement", "sigma"], [37, "implement", "L"], [49, "fix", "gradient"]]));
    const sigma = ex.find((e) => e.auto!.formulaLine === 11)!;
    expect(sigma.prompt).toContain("$$\\sigma(z) = \\frac{1}{1 + e^{-z}}$$");
    const good = await gradeExercise(sigma, {id: sigma.id, code: "function sigma(z) { return 1 / (1 + Math.exp(-z)); }"}, {student: "s1"});
    expect(good).toMatchObject({status: "graded", score: 2});
    expect((await gradeExercise(sigma, {id: sigma.id, code: sigma.starter}, {student: "s1"})).score).toBe(0);
    expect((await gradeExercise(sigma, {id: sigma.id, code: "function sigma(z) { return 0.5; }"}, {student: "s1"})).score).toBe(0);
  }, 60_000);

  test("the printed ∂L/∂b with the wrong sign earns 0; the correct derivative earns full marks", async () => {
    const ch = corpus.find((c) => c.file.endsWith("03-logistic-regression.md"))!;
    const fix = (await chapterAutoExercises(ch, [])).find((e) => e.auto!.formulaLine === 49)!;
    expect(fix.title).toBe("原文第 49 行的公式有误：写出正确的结果");
    // The prompt gives the shapes the engine reads (w a 2-vector, x a 4×2 matrix: w x_i is a dot product).
    expect(fix.prompt).toContain("- `x`：$x$，4×2 矩阵（数组的数组）");
    const body = "let s = 0; for (let i = 0; i < n; i++) { const z = w.reduce((a, wj, j) => a + wj * x[i][j], b); s += SIGN * (1 / (1 + Math.exp(-z)) - y[i]); } return s / n;";
    const correct = `function gradient(y, w, x, b, n) { ${body.replace("SIGN", "1")} }`;
    const printed = `function gradient(y, w, x, b, n) { ${body.replace("SIGN", "-1")} }`;
    const g = await gradeExercise(fix, {id: fix.id, code: correct}, {student: "ann"});
    expect(g.tests.filter((t) => t.status === "failed").map((t) => t.output)).toEqual([]);
    expect(g.score).toBe(2);
    expect((await gradeExercise(fix, {id: fix.id, code: printed}, {student: "ann"})).score).toBe(0);
  }, 60_000);

  test("seed 000: ∇MSE printed with the wrong sign (line 105) becomes a fix exercise; the hand-written mse takes precedence at line 69", async () => {
    const ch = seeds.find((c) => c.file.endsWith("000_69b8ff2c9c828ca6.md"))!;
    const handWritten = [{prompt: "$$MSE = \\frac{1}{n} \\sum_{i=1}^{n} (y_i - \\hat{y}_i)^2$$"}] as never;
    const ex = await chapterAutoExercises(ch, handWritten);
    expect(ex.some((e) => e.auto!.formulaLine === 69)).toBe(false);
    const fix = ex.find((e) => e.auto!.formulaLine === 105)!;
    expect(fix.auto!.kind).toBe("fix");
    expect(fix.prompt).toMatch(/其中模型是 \$\\hat\{y\}_\{i\} = w \\cdot x_i\$/);
    const body = "const g = w.map(() => 0); for (let i = 0; i < n; i++) { const r = w.reduce((s, wj, j) => s + wj * x[i][j], 0) - y[i]; for (let j = 0; j < w.length; j++) g[j] += SIGN * 2 * r * x[i][j] / n; } return g;";
    const code = (sign: number) => `function gradient(y, w, x, n) { ${body.replace("SIGN", String(sign))} }`;
    expect((await gradeExercise(fix, {id: fix.id, code: code(1)}, {student: "bo"})).score).toBe(2);
    expect((await gradeExercise(fix, {id: fix.id, code: code(-1)}, {student: "bo"})).score).toBe(0);
  }, 60_000);

  test("hidden tests are drawn from each student's variant seed", async () => {
    const ch = corpus.find((c) => c.file.endsWith("03-logistic-regression.md"))!;
    const sigma = (await chapterAutoExercises(ch, [])).find((e) => e.auto!.formulaLine === 11)!;
    const a = jobFor(sigma, "", {seed: 1}).suites[1].code, b = jobFor(sigma, "", {seed: 2}).suites[1].code;
    expect(a).not.toBe(b);
    expect(a.match(/test\(/g)).toHaveLength(5);
    expect(jobFor(sigma, "", {seed: 1}).suites[1].code).toBe(a);
  }, 60_000);
});
