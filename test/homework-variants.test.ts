import {describe, expect, test} from "vitest";
import {mulberry32} from "../components/math/random.js";
import {fnv1a, variantSeed} from "../components/homework/variant.js";
import {gradeExercise} from "../grader/grade.js";
import {parseExercises} from "../src/exercises.js";

describe("variantSeed(base, exercise, student)", () => {
  test("FNV-1a by hand: '' → 0x811c9dc5, 'a' → 0xe40c292c", () => {
    expect(fnv1a("")).toBe(0x811c9dc5);
    expect(fnv1a("a")).toBe(0xe40c292c);
  });
  test("the base seed without a student; stable per student; different between students and exercises", () => {
    expect(variantSeed(42, "mse", undefined)).toBe(42);
    expect(variantSeed(42, "mse", "  ")).toBe(42);
    expect(variantSeed(42, "mse", "s001")).toBe(fnv1a("42:mse:s001"));
    expect(variantSeed(42, "mse", "s001")).toBe(variantSeed(42, "mse", " s001 "));
    const seeds = new Set(["s001", "s002", "s003"].map((s) => variantSeed(42, "mse", s)));
    expect(seeds.size).toBe(3);
    expect(variantSeed(42, "mse", "s001")).not.toBe(variantSeed(42, "bce", "s001"));
    expect(variantSeed(42, "mse", "s001")).not.toBe(variantSeed(43, "mse", "s001"));
  });
});

describe("the grader re-derives each student's variant", () => {
  const md = "```exercise\nid: half\ntitle: Half\npoints: 2\nsection: math\nexports: half\n--- prompt ---\nHalve it.\n--- starter ---\n" +
    "function half(x) { return 0; }\n--- tests ---\ntest(\"half(4) = 2\", () => assertClose(half(4), 2));\n--- hidden ---\n" +
    "test(\"a random x\", () => { const x = 1 + mulberry32(seed)(); assertClose(half(x), x / 2, 1e-12); });\n--- solution ---\n" +
    "function half(x) { return x / 2; }\n```\n";
  const {exercises, diagnostics} = parseExercises(md, "chapters/exercises/v.md");
  const half = exercises[0];

  test("the exercise parses", () => {
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(half.id).toBe("half");
  });

  test("numbers copied from a classmate's variant fail the hidden test; the real answer passes for both", async () => {
    // Alice's hidden input, as her page and the grader derive it.
    const xAlice = 1 + mulberry32(variantSeed(half.seed, "half", "alice"))();
    const copied = `function half(x) { return x === 4 ? 2 : ${xAlice / 2}; }`;
    const alice = await gradeExercise(half, {id: "half", code: copied}, {student: "alice"});
    const bob = await gradeExercise(half, {id: "half", code: copied}, {student: "bob"});
    expect(alice.tests.map((t) => t.status)).toEqual(["passed", "passed"]);
    expect(bob.tests.map((t) => t.status)).toEqual(["passed", "failed"]);
    expect(bob.score).toBeLessThan(alice.score);
    for (const student of ["alice", "bob"]) {
      expect((await gradeExercise(half, {id: "half", code: half.solution}, {student})).score).toBe(2);
    }
  }, 30_000);
});
