import {describe, expect, test} from "vitest";
import {loadAll} from "../src/generate.js";
import type {Diagnostic} from "../src/diagnostics.js";
import {checkExercises, exercisesEnricher} from "../src/exercises/enricher.js";
import {validateAssignment} from "../src/exercises/assignment.js";

const {chapters} = loadAll(process.cwd());
const ch000 = chapters.find((c) => c.part.file.startsWith("000_"))!;
const ch001 = chapters.find((c) => c.part.file.startsWith("001_"))!;

function cellsOf(plan: Awaited<ReturnType<ReturnType<typeof exercisesEnricher>["plan"]>>, chapter: typeof ch000) {
  return chapter.sections.flatMap((s) => s.blocks.flatMap((_b, i) => plan(s, i).map((c) => ({section: s.slug, index: i, last: s.blocks.length - 1, c}))));
}

describe("exercisesEnricher", () => {
  test("puts chapter 000's three exercises after the last block of its math page, without hidden tests", async () => {
    const diagnostics: Diagnostic[] = [];
    const plan = await exercisesEnricher(process.cwd(), {assignment: undefined, diagnostics, autoExercises: false}).plan(ch000);
    const cells = cellsOf(plan, ch000);
    expect(cells.map((x) => x.section)).toEqual(["math", "math", "math"]);
    expect(cells.every((x) => x.index === x.last)).toBe(true);
    expect(cells[0].c.imports).toEqual([`import {Exercise} from "../components/widgets/Exercise.js";`]);
    expect(cells[0].c.code).toMatch(/^display\(Exercise\(\{"id":"mse",.*\}, \{solutions: false, sandboxUrl: FileAttachment\("\.\.\/data\/sandbox-worker\.js"\)\.href\}\)\);$/s);
    expect(cells.map((x) => x.c.code).join("")).not.toMatch(/refMse|refAdam|"solution"/);
    expect(cells[0].c.code).not.toContain("</");
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  test("with auto exercises on (the default), 000 also gets exercises from its own formulas; the hand-written mse keeps line 69", async () => {
    const enricher = exercisesEnricher(process.cwd(), {assignment: undefined});
    await enricher.plan(ch000);
    const chosen = enricher.chosen.get(ch000.file)!;
    expect(chosen.slice(0, 3).map((e) => e.id)).toEqual(["mse", "mse-grad", "adam-step"]);
    const auto = chosen.filter((e) => e.auto);
    expect(auto.length).toBeGreaterThan(0);
    // MSE (69) and ∇MSE (105) are quoted by the hand-written mse and mse-grad prompts: those take precedence.
    expect(auto.map((e) => e.auto!.formulaLine)).not.toContain(69);
    expect(auto.map((e) => e.auto!.formulaLine)).not.toContain(105);
    expect(auto.find((e) => e.auto!.formulaLine === 141)?.auto?.kind).toBe("fix");
  });

  test("an assignment selects its exercises and passes its seed and solutions setting", async () => {
    const a = validateAssignment({name: "hw1", chapters: ["000_69b8ff2c9c828ca6"], exercises: ["adam-step"], solutions: true, seed: 77}, "hw1.json");
    const plan = await exercisesEnricher(process.cwd(), {assignment: a}).plan(ch000);
    const cells = cellsOf(plan, ch000);
    expect(cells).toHaveLength(1);
    const json = JSON.parse(cells[0].c.code.match(/^display\(Exercise\((.*), \{solutions: true, sandboxUrl: .*\}\)\);$/s)![1]);
    expect(json).toMatchObject({id: "adam-step", seed: 77, assignment: "hw1"});
    expect(json.solution).toContain("function adamStep");
    expect(cellsOf(await exercisesEnricher(process.cwd(), {assignment: a}).plan(ch001), ch001)).toEqual([]);
  });

  test("an inline exercise that reuses an id is reported at its line and left out", async () => {
    const diagnostics: Diagnostic[] = [];
    const mse = "id: mse\ntitle: T\npoints: 1\nsection: math\nexports: mse\n--- prompt ---\np\n--- starter ---\nfunction mse() { return 0; }\n" +
      "--- tests ---\ntest(\"t\", () => assertClose(mse([1, 2], [0, 4]), 2.5));\n--- solution ---\nfunction mse(y, p) { return y.reduce((s, v, i) => s + (v - p[i]) ** 2, 0) / y.length; }\n";
    const math = ch000.sections.find((s) => s.kind === "math")!;
    const copy = {...ch000, sections: ch000.sections.map((s) => s === math
      ? {...s, blocks: [...s.blocks, {...s.blocks[0], kind: "exercise" as const, source: mse, line: 777}]} : s)};
    const plan = await exercisesEnricher(process.cwd(), {assignment: undefined, diagnostics}).plan(copy);
    const dup = diagnostics.filter((d) => d.code === "exercise-duplicate-id");
    expect(dup).toHaveLength(1);
    expect(dup[0]).toMatchObject({file: ch000.file, line: 777, severity: "error"});
    expect(dup[0].message).toMatch(/exercise id "mse" is already used at chapters\/exercises\/000_69b8ff2c9c828ca6\.md:\d+/);
    expect(cellsOf(plan, copy).filter((x) => x.c.code.includes('"id":"mse"'))).toHaveLength(1);
  });

  test("checkExercises reports no error for the book's exercises", () => {
    expect(checkExercises(process.cwd()).filter((d) => d.severity === "error")).toEqual([]);
  });
});
