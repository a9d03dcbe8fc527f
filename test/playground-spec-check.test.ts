/** `npm run check -- --json`: each chapter gains `playground` (surfaces, rules, defaults, claims), other fields kept. */
import {describe, expect, it} from "vitest";
import {chapterJson} from "../src/checkJson.js";
import {loadChapter} from "../src/chapter.js";

describe("chapterJson(…).playground", () => {
  it("01 of the playground corpus: its two surfaces, two rules, the text's γ and η, two claims; built-ins with line null", async () => {
    const c = loadChapter("test/corpus-playground", {file: "01_zh_quadratic.md", slug: "q"}, 0);
    const j = await chapterJson(c);
    expect(j.formulas.length).toBeGreaterThan(0);
    expect(j.summary.found).toBe(j.formulas.length);
    const p = j.playground;
    expect(p.surfaces.filter((s) => s.line !== null).map((s) => [s.line, s.params, s.start, s.drawn])).toEqual([
      [35, ["x", "y"], [-3, 2], true],
      [45, ["w", "b"], p.surfaces[1].start, true]
    ]);
    expect(p.surfaces.filter((s) => s.line === null).map((s) => [s.builtin, s.latex, s.drawn])).toEqual([["quadratic", "", true], ["rosenbrock", "", true], ["saddle", "", true]]);
    expect(p.rules.map((r) => [r.line, r.name, r.drawn])).toEqual([[16, "gd", true], [22, "momentum", true]]);
    expect([p.defaults.gamma, p.defaults.alpha, p.defaultLines.alpha]).toEqual([0.9, 0.035, 26]);
    expect(p.claims.map((x) => [x.line, x.holds])).toEqual([[38, true], [38, true]]);
    // the formula lines and the playground lines agree (the same formula, the same line: the one after its `$$`)
    expect(j.formulas.map((f) => f.line)).toEqual(expect.arrayContaining([16, 22, 35, 45]));
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  });
  it("a surface that cannot be drawn says why", async () => {
    const c = loadChapter("test/corpus-playground", {file: "03_zh_rmsprop.md", slug: "r"}, 0);
    const p = (await chapterJson(c)).playground;
    expect(p.surfaces.every((s) => s.drawn || typeof s.reason === "string")).toBe(true);
    expect(p.defaults.rho).toBe(0.9);
    expect(p.claims[0]).toMatchObject({holds: false});
    expect(p.claims[0].note).toMatch(/合理/);
  });
});
