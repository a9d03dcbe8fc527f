/** playgroundCells(spec, prefix): the notebook the generator writes for a playground (src/playgroundEnricher.ts). */
import {mkdtempSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {loadChapter} from "../src/chapter.js";
import type {PlaygroundSpec} from "../components/playground/spec.js";
import {playgroundCells, playgroundEnricher, PLAYGROUND_IMPORTS} from "../src/playgroundEnricher.js";

const spec: PlaygroundSpec = {
  surfaces: [{id: "L@12", title: "L(w, b) </script><script>alert(1)</script>", line: 12, expression: "\\frac{1}{n}\\sum_i (y_i - w x_i - b)^2", params: ["w", "b"], labels: ["w", "b"], bindings: {x: [1, 2], y: [2, 4], n: 2}, start: [0, 0]}],
  rules: [{line: 20, name: "gd", label: "Gradient descent (line 20)", latex: "w \\leftarrow w - \\eta \\frac{\\partial L}{\\partial w}", reference: "gd", symbols: {"\\eta": "alpha"}, drawn: true}],
  defaults: {alpha: 0.1, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-8, gamma: 0.9, rho: 0.9, lambda: 0.01, steps: 50},
  claims: []
};

describe("playgroundCells(spec, prefix)", () => {
  const cells = playgroundCells(spec, "pg1");
  const code = cells.map((c) => c.code);
  it("small cells in order: spec, picker, view inputs, surface, paths, plots, rules, 3-D, the code folded", () => {
    expect(code[0].startsWith("const pg1Spec = {")).toBe(true);
    expect(code).toContain("const pg1SurfaceId = view(pg1Picker);");
    expect(code).toContain("const pg1Hyper = view(pg1Controls);");
    expect(code).toContain("const pg1Paths = runOptimizers(pg1Surface, pg1Hyper, pg1Spec.rules);");
    expect(code.at(-1)!.startsWith("display(NotebookCode([")).toBe(true);
    // every cell but the spec is short enough to read
    for (const c of code.slice(1, -1)) expect(c.length).toBeLessThan(220);
    // one import line for all of them
    expect(new Set(cells.flatMap((c) => c.imports))).toEqual(new Set(PLAYGROUND_IMPORTS));
  });
  it("the folded code is the cells' own source, spec included", () => {
    const shown = JSON.parse(code.at(-1)!.slice("display(NotebookCode(".length, -"));".length));
    expect(shown).toEqual(code.slice(0, -1));
  });
  it("chapter text in the spec cannot close the script: < is escaped, the JSON still parses to the text", () => {
    expect(code.join("\n")).not.toContain("</script>");
    const json = code[0].slice("const pg1Spec = ".length, -1);
    expect(JSON.parse(json).surfaces[0].title).toBe("L(w, b) </script><script>alert(1)</script>");
  });
  it("two playgrounds on a page declare disjoint names", () => {
    const names = (cs: typeof cells) => new Set(cs.flatMap((c) => [...c.code.matchAll(/\bconst (\w+) =/g)].map((m) => m[1])));
    const a = names(cells), b = names(playgroundCells(spec, "pg2"));
    expect(a.size).toBeGreaterThanOrEqual(9);
    for (const n of a) expect(b.has(n)).toBe(false);
  });
});

describe("playgroundEnricher on a document written for this test (English headings, θ and η)", () => {
  it("puts the notebook after the printed rule on the algorithm page, nowhere else", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gb-pg-cells-"));
    writeFileSync(join(dir, "opt.md"), [
      "# Optimisers in practice", "", "## 1. Background", "", "Why training needs an optimiser: gradient descent.", "",
      "## 3. Core algorithm", "", "Gradient descent with learning rate $\\eta$ moves against the gradient:", "",
      "$$\\theta_{t+1} = \\theta_t - \\eta \\nabla_\\theta J(\\theta_t)$$", "", "A smaller $\\eta$ converges more slowly.", ""
    ].join("\n"));
    const chapter = loadChapter(dir, {file: "opt.md", slug: "opt"}, 0);
    const plan = await playgroundEnricher.plan(chapter);
    const placed = chapter.sections.flatMap((s) => s.blocks.map((_, i) => ({slug: s.slug, i, cells: plan(s, i)})).filter((p) => p.cells.length));
    expect(placed.map((p) => p.slug)).toEqual(["algorithm"]);
    const algorithm = chapter.sections.find((s) => s.slug === "algorithm")!;
    // right after the block holding the rule
    expect(algorithm.blocks[placed[0].i].math.some((m) => m.latex.includes("\\theta_{t+1}"))).toBe(true);
    const spec = JSON.parse(placed[0].cells[0].code.slice("const pg1Spec = ".length, -1));
    expect(spec.surfaces.length).toBeGreaterThan(0);
    expect(spec.defaults.steps).toBeGreaterThan(0);
  });
});
