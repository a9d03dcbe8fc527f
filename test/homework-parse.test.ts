import {readFileSync} from "node:fs";
import {describe, expect, test} from "vitest";
import {mulberry32} from "../components/math/random.js";
import {type Diagnostic} from "../src/diagnostics.js";
import {jobFor, loadExercises, parseExercises, toClientExercise} from "../src/exercises.js";
import {loadAssignment, validateAssignment, checkAssignment, selectExercises} from "../src/exercises/assignment.js";
import {splitHints} from "../src/exercises/format.js";
import {runJobSync} from "../grader/sandbox.js";
import {scoreTests} from "../components/homework/score.js";
import type {Job, RunResult} from "../components/homework/harness.js";

/** Runs a job in the QuickJS sandbox and returns its result (the job must finish). */
function runJob(job: Job): RunResult {
  const o = runJobSync(job);
  if (o.status !== "ok" || !o.result) throw new Error(`sandbox: ${o.status}: ${o.error}`);
  return o.result;
}

/** A valid exercise; `over` replaces header lines or parts. */
function block(over: {header?: string; parts?: Record<string, string | null>} = {}): string {
  const header = over.header ?? "id: double\ntitle: Double it\npoints: 2\nsection: math\nexports: double";
  const parts: Record<string, string | null> = {
    prompt: "Return $2x$.",
    starter: "function double(x: number): number {\n  return 0;\n}",
    tests: 'test("2 → 4", () => assertEqual(double(2), 4));\ntest("-1.5 → -3", () => assertClose(double(-1.5), -3));',
    hidden: 'test("random", () => {\n  const r = mulberry32(seed);\n  for (let i = 0; i < 5; i++) { const x = r(); assertClose(double(x), refDouble(x)); }\n}, 2);',
    reference: "function refDouble(x) { return x + x; }",
    hints: "- multiply\n  by two\n- or add x to itself",
    solution: "function double(x: number): number {\n  return 2 * x;\n}",
    ...over.parts
  };
  const body = Object.entries(parts).filter(([, v]) => v !== null).map(([k, v]) => `--- ${k} ---\n${v}`).join("\n");
  return "```exercise\n" + header + "\n" + body + "\n```\n";
}

/** Prefix of 3 lines so file lines differ from block lines: the fence is on line 4. */
const PREFIX = "# Exercises\n\nSome prose.\n";

function errors(md: string): Diagnostic[] {
  return parseExercises(md, "chapters/exercises/t.md").diagnostics.filter((d) => d.severity === "error");
}

/** The 1-based file line of the first line containing `needle`. */
function lineOf(md: string, needle: string): number {
  return md.split("\n").findIndex((l) => l.includes(needle)) + 1;
}

describe("parseExercises(markdown, file)", () => {
  test("a valid block gives a spec with stripped TypeScript, hints, test names and weights", () => {
    const md = PREFIX + block();
    const {exercises, diagnostics} = parseExercises(md, "chapters/exercises/000_x.md");
    expect(diagnostics).toEqual([]);
    expect(exercises).toHaveLength(1);
    const ex = exercises[0];
    expect(ex).toMatchObject({id: "double", title: "Double it", points: 2, section: "math", exports: ["double"], seed: 1, timeoutMs: 2000,
      chapter: "000_x", file: "chapters/exercises/000_x.md", line: 4});
    expect(ex.starter).not.toContain(": number");
    expect(ex.solution).toContain("return 2 * x;");
    expect(ex.hints).toEqual(["multiply\nby two", "or add x to itself"]);
    expect(ex.testNames).toEqual({visible: ["2 → 4", "-1.5 → -3"], hidden: ["random"]});
    expect(ex.testList.map((t) => t.weight)).toEqual([1, 1, 2]);
  });

  test("two blocks in one file; markdown fences inside the prompt do not end the block (4-backtick fence)", () => {
    const second = block({header: "id: triple\ntitle: T\npoints: 1\nsection: code\nexports: double", parts: {prompt: "Example:\n\n```js\ndouble(1)\n```"}})
      .replace(/^```exercise/, "````exercise").replace(/```\n$/, "````\n");
    const {exercises, diagnostics} = parseExercises(PREFIX + block() + "\n" + second, "f.md");
    expect(diagnostics).toEqual([]);
    expect(exercises.map((e) => e.id)).toEqual(["double", "triple"]);
    expect(exercises[1].prompt).toContain("```js");
  });

  test.each([
    ["missing id", {header: "title: T\npoints: 2\nsection: math\nexports: double"}, "```exercise", /no "id:" line/],
    ["bad id", {header: "id: 9lives\ntitle: T\npoints: 2\nsection: math\nexports: double"}, "id: 9lives", /id "9lives" must start with a letter/],
    ["non-numeric points", {header: "id: a\ntitle: T\npoints: two\nsection: math\nexports: double"}, "points: two", /points must be a number > 0, got "two"/],
    ["negative points", {header: "id: a\ntitle: T\npoints: -1\nsection: math\nexports: double"}, "points: -1", /points must be a number > 0/],
    ["unknown section", {header: "id: a\ntitle: T\npoints: 1\nsection: maths\nexports: double"}, "section: maths", /unknown section "maths"/],
    ["duplicate key", {header: "id: a\ntitle: T\ntitle: U\npoints: 1\nsection: math\nexports: double"}, "title: U", /"title" is given twice/],
    ["bad exports", {header: "id: a\ntitle: T\npoints: 1\nsection: math\nexports: dou ble"}, "exports:", /not a JavaScript identifier/],
    ["exports clash with a helper", {header: "id: a\ntitle: T\npoints: 1\nsection: math\nexports: assert"}, "exports:", /clashes with a test helper/],
    ["garbage header line", {header: "id: a\ntitle: T\npoints: 1\nsection: math\nexports: double\nthis is not a header"}, "this is not a header", /expected "key: value"/],
    ["bad timeout", {header: "id: a\ntitle: T\npoints: 1\nsection: math\nexports: double\ntimeout: 5"}, "timeout: 5", /timeout must be an integer number of ms/]
  ])("%s → error on its line", (_name, over, needle, message) => {
    const md = PREFIX + block(over);
    const errs = errors(md);
    expect(errs.length).toBeGreaterThan(0);
    expect(errs[0].message).toMatch(message);
    expect(errs[0].line).toBe(lineOf(md, needle));
    expect(errs[0].file).toBe("chapters/exercises/t.md");
  });

  test("missing solution part → error at the fence line", () => {
    const md = PREFIX + block({parts: {solution: null}});
    const errs = errors(md);
    expect(errs.map((e) => [e.line, e.message])).toEqual([[4, 'exercise "double" has no "--- solution ---" part']]);
  });

  test("unknown part → error on the marker line", () => {
    const md = PREFIX + block({parts: {answers: "x"}});
    const errs = errors(md);
    expect(errs[0].message).toMatch(/unknown part "--- answers ---"/);
    expect(errs[0].line).toBe(lineOf(md, "--- answers ---"));
  });

  test("visible tests that do not parse → error at the file line of the syntax error", () => {
    const md = PREFIX + block({parts: {tests: 'test("ok", () => assertEqual(double(2), 4));\ntest("broken", () => { assertEqual(double(2), 4) );'}});
    const errs = errors(md);
    expect(errs).toHaveLength(1);
    expect(errs[0].message).toMatch(/^visible tests does not parse: /);
    expect(errs[0].line).toBe(lineOf(md, 'test("broken"'));
    expect(errs[0].column).toBeGreaterThan(1);
  });

  test("hidden tests that do not parse → error on their line", () => {
    const md = PREFIX + block({parts: {hidden: 'test("x", () => {\n  let = ;\n});'}});
    const errs = errors(md);
    expect(errs[0].message).toMatch(/^hidden tests does not parse/);
    expect(errs[0].line).toBe(lineOf(md, "let = ;"));
  });

  test("a solution that fails its own visible test → error naming the test, at the solution's line", () => {
    const md = PREFIX + block({parts: {solution: "function double(x) {\n  return x * 3;\n}"}});
    const errs = errors(md);
    expect(errs.map((e) => e.message)).toContain('the solution fails its own visible test "2 → 4": expected 4, got 6');
    expect(errs.every((e) => e.line === lineOf(md, "return x * 3") - 1)).toBe(true);
  });

  test("a solution that fails a hidden test is an error too", () => {
    const md = PREFIX + block({parts: {solution: "function double(x) { return x === 2 ? 4 : x === -1.5 ? -3 : 0; }"}});
    expect(errors(md).map((e) => e.message)).toEqual([expect.stringMatching(/^the solution fails its own hidden test "random": expected /)]);
  });

  test("visible tests may not use the reference (it is not shipped): the solution check catches it", () => {
    const md = PREFIX + block({parts: {tests: 'test("uses ref", () => assertEqual(double(2), refDouble(2)));'}});
    expect(errors(md)[0].message).toMatch(/visible test "uses ref": ReferenceError: 'refDouble' is not defined/);
  });

  test("tests that define no test → error", () => {
    const md = PREFIX + block({parts: {tests: "const nothing = 1;"}});
    expect(errors(md).map((e) => e.message)).toContain('the visible tests define no test: call test("name", () => { … })');
  });

  test("duplicate id in one file → error at the second fence", () => {
    const md = PREFIX + block() + "\n" + block();
    const errs = errors(md);
    expect(errs).toHaveLength(1);
    expect(errs[0].message).toBe('exercise id "double" is already used at line 4');
    expect(errs[0].line).toBe(md.split("\n").lastIndexOf("```exercise") + 1);
  });

  test("a starter that already passes every test is an error: no test could earn a point", () => {
    const md = PREFIX + block({parts: {starter: "function double(x) { return 2 * x; }"}});
    const {exercises, diagnostics} = parseExercises(md, "t.md");
    expect(exercises).toHaveLength(0);
    expect(diagnostics.filter((d) => d.severity === "error").map((d) => d.code)).toEqual(["exercise-trivial-tests"]);
    expect(diagnostics.filter((d) => d.code === "exercise-trivial-test").every((d) => /passed by the starter code/.test(d.message))).toBe(true);
  });

  test("tests that trivial code passes are reported and weigh 0: a constant scores 0", () => {
    const tests = 'test("double(0) = 0", () => assertEqual(double(0), 0));\ntest("double(3) = 6", () => assertEqual(double(3), 6));\ntest("double(-2) = -4", () => assertEqual(double(-2), -4));';
    const md = PREFIX + block({parts: {tests, starter: "function double(x) { return 0; }"}});
    const {exercises, diagnostics} = parseExercises(md, "t.md");
    expect(exercises).toHaveLength(1);
    expect(exercises[0].unscored).toEqual(["double(0) = 0"]);
    expect(exercises[0].testList.map((t) => t.weight)).toEqual([0, 1, 1, ...exercises[0].testList.slice(3).map((t) => t.weight)]);
    expect(diagnostics.filter((d) => d.code === "exercise-trivial-test").map((d) => d.message)).toEqual([
      'visible test "double(0) = 0" is passed by the starter code: it earns no points (平凡的代码也能通过这个测试，不计分)']);
    const starter = runJob(jobFor(exercises[0], "function double(x) { return 0; }"));
    expect(starter.tests.find((t) => t.name === "double(0) = 0")).toMatchObject({passed: true, weight: 0, unscored: true});
    expect(scoreTests(starter.tests, 1)).toBe(0);
  });

  test("a solution with an infinite loop is stopped and reported", () => {
    const md = PREFIX + block({header: "id: a\ntitle: T\npoints: 1\nsection: math\nexports: double\ntimeout: 200", parts: {solution: "function double(x) { for (;;) {} }"}});
    expect(errors(md)[0].message).toMatch(/running the solution against its tests failed \(timeout\): stopped after the 200 ms time limit/);
  });

  test("splitHints: list items with continuation lines", () => {
    expect(splitHints("- a\n  b\n\n- c")).toEqual(["a\nb", "c"]);
    expect(splitHints("just one")).toEqual(["just one"]);
  });
});

describe("the book's exercises (chapters/exercises)", () => {
  const {exercises, diagnostics} = loadExercises("chapters/exercises");

  test("all parse, every solution passes its tests, ids are unique, chapters 000 001 002 004 are covered", () => {
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(new Set(exercises.map((e) => e.id)).size).toBe(exercises.length);
    for (const stem of ["000_69b8ff2c9c828ca6", "001_b326668aebc6c65c", "002_7ce6fdd9a02b6faa", "004_9a3e3b6a632ac337"]) {
      expect(exercises.some((e) => e.chapter === stem)).toBe(true);
    }
    expect(exercises.map((e) => e.id)).toEqual(expect.arrayContaining(["mse", "mse-grad", "adam-step", "sigmoid", "bce", "cross-entropy", "attention"]));
  });

  test("each starter fails at least one test (the student has work to do)", () => {
    for (const ex of exercises) {
      const r = runJob(jobFor(ex, ex.starter));
      expect(r.tests.some((t) => !t.passed), ex.id).toBe(true);
    }
  });

  test("the BCE gradient with the seed's sign, (y − y')·x, fails; the prompt says the seed's sign is wrong", () => {
    const bce = exercises.find((e) => e.id === "bce")!;
    expect(bce.prompt).toMatch(/这个符号是错的/);
    const seedSign = bce.solution.replace("(p - y[i])", "(y[i] - p)");
    expect(seedSign).not.toBe(bce.solution);
    const r = runJob(jobFor(bce, seedSign));
    expect(r.tests.filter((t) => !t.passed).map((t) => t.name)).toEqual(
      expect.arrayContaining(["梯度与有限差分一致（随机输入）", "梯度与参考实现一致，且符号正确", "沿负梯度走 20 步，损失下降"])
    );
  });

  test("hand-computed Adam first step: w = [1, -2], g = [0.5, -3], lr 0.1 → [0.9, -1.9]", () => {
    const adam = exercises.find((e) => e.id === "adam-step")!;
    // The author's solution runs in the sandbox like any other; the test prints the step it takes.
    const r = runJob({code: adam.solution, exports: ["adamStep"], seed: 1, suites: [{hidden: false,
      code: 'test("step", () => console.log(JSON.stringify(adamStep([1, -2], [0.5, -3], {m: [0, 0], v: [0, 0], t: 0}, {lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8}))));'}]});
    const out = JSON.parse(r.output) as {w: number[]; t: number};
    // m̂ = g, v̂ = g², so each step is lr·g/(|g| + eps) ≈ lr·sign(g).
    expect(out.w[0]).toBeCloseTo(1 - 0.1 * (0.5 / (0.5 + 1e-8)), 12);
    expect(out.w[1]).toBeCloseTo(-2 + 0.1 * (3 / (3 + 1e-8)), 12);
    expect(out.t).toBe(1);
  });

  test("toClientExercise ships no hidden tests, no reference, a solution only with solutions on", () => {
    const mse = exercises.find((e) => e.id === "mse")!;
    const off = toClientExercise(mse, {solutions: false, seed: 99, assignment: "demo"});
    const text = JSON.stringify(off);
    expect(text).not.toContain("refMse");
    expect(text).not.toContain("空数组要报错");
    expect(off.solution).toBeUndefined();
    expect(off).toMatchObject({id: "mse", seed: 99, assignment: "demo", hiddenTestCount: 2, testNames: mse.testNames.visible});
    expect(off.promptHtml).toContain("katex");
    expect(off.hints).toHaveLength(2);
    const on = toClientExercise(mse, {solutions: true});
    expect(on.solution).toBe(mse.solution);
  });
});

describe("harness helpers", () => {
  test("the harness's mulberry32 gives the same stream as components/math/random.ts", () => {
    const ex = {tests: 'test("rng", () => { const r = mulberry32(seed); console.log([r(), r(), r()].join(",")); });', exports: [] as string[]};
    const r = runJob({code: "", exports: ex.exports, seed: 42, suites: [{hidden: false, code: ex.tests}]});
    const ref = mulberry32(42);
    expect(r.output).toBe([ref(), ref(), ref()].join(","));
  });

  test("assertAllClose reports the first differing index", () => {
    const r = runJob({code: "", exports: [], seed: 1, suites: [{hidden: false, code: 'test("x", () => assertAllClose([[1, 2], [3, 4.5]], [[1, 2], [3, 4]], 1e-6, "m"));'}]});
    expect(r.tests[0]).toMatchObject({passed: false, message: "m: at [1][1]: expected 4 (±0.000001), got 4.5"});
  });
});

describe("assignments", () => {
  test("assignments/demo.json loads and selects its exercises", () => {
    const a = loadAssignment("assignments/demo.json");
    expect(a).toMatchObject({name: "demo", solutions: false, seed: 2024});
    const {exercises} = loadExercises("chapters/exercises");
    const stems = [...new Set(exercises.map((e) => e.chapter))];
    expect(checkAssignment(a, stems, exercises, "demo.json")).toEqual([]);
    expect(selectExercises(a, exercises).map((e) => e.id)).toEqual(["mse", "mse-grad", "adam-step", "sigmoid", "bce", "attention"]);
  });

  test.each([
    [[], /must be a JSON object/],
    [{name: "x", chapters: [], solutions: false, seed: 1}, /"chapters" must name at least one chapter/],
    [{name: "x", chapters: ["a"], solutions: "no", seed: 1}, /"solutions" must be true or false/],
    [{name: "x", chapters: ["a"], solutions: false, seed: 1.5}, /"seed" must be an integer/],
    [{name: "x", chapters: ["a"], solutions: false, seed: 1, due: "tomorrow"}, /"due" must be an ISO date/],
    [{name: "x y", chapters: ["a"], solutions: false, seed: 1}, /"name" must be a short name/],
    [{name: "x", chapters: ["a", "a.md"], solutions: false, seed: 1}, /lists "a" twice/],
    [{name: "x", chapters: ["a"], solutions: false, seed: 1, extra: 1}, /unknown field "extra"/]
  ])("invalid %j → %s", (value, message) => {
    expect(() => validateAssignment(value, "assignments/bad.json")).toThrow(message);
    expect(() => validateAssignment(value, "assignments/bad.json")).toThrow(/^assignments\/bad\.json: /);
  });

  test("checkAssignment names unknown chapters and exercises from other chapters", () => {
    const {exercises} = loadExercises("chapters/exercises");
    const a = validateAssignment({name: "x", chapters: ["000_69b8ff2c9c828ca6", "999_nope"], exercises: ["mse", "sigmoid", "ghost"], solutions: true, seed: 3}, "x.json");
    const problems = checkAssignment(a, ["000_69b8ff2c9c828ca6", "001_b326668aebc6c65c"], exercises, "x.json");
    expect(problems).toEqual([
      'x.json: chapter "999_nope" is not in chapters/ (have: 000_69b8ff2c9c828ca6, 001_b326668aebc6c65c)',
      'x.json: exercise "sigmoid" belongs to chapter "001_b326668aebc6c65c", which the assignment does not include',
      'x.json: exercise "ghost" is not defined in chapters/exercises/'
    ]);
    expect(readFileSync("assignments/demo.json", "utf-8")).toContain('"seed": 2024');
  });
});
