/**
 * README's contract for `npm run check -- --json`: a formula's `line` is its first LaTeX line — for a `$$` block, the
 * line after the opening `$$` — and the playground's surfaces and rules, the generated exercises and the diagnostics
 * about a formula use the same line. An unclosed `$$` is still reported at the `$$` itself.
 */
import {mkdtempSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {loadChapter} from "../src/chapter.js";
import {atLatexLines, chapterJson, latexLine} from "../src/checkJson.js";

const DOC = [
  "# Lines", //                                   1
  "", //                                          2
  "## Math", //                                   3
  "", //                                          4
  "$$", //                                        5
  "L(w) = (w - 3)^2", //                          6
  "$$", //                                        7
  "", //                                          8
  "$$", //                                        9
  "\\begin{aligned}", //                          10
  "w_{t+1} &= w_t - \\eta \\nabla L(w_t)", //     11
  "\\end{aligned}", //                            12
  "$$", //                                        13
  "", //                                          14
  "$$ \\frac{dL}{dw} = 2(w - 3) $$", //           15
  "", //                                          16
  "  $$   ", //                                   17
  "  y = 2x", //                                  18
  "  $$", //                                      19
  "", //                                          20
  "$$ z = 1", //                                  21
  "$$", //                                        22
  "", //                                          23
  "$$", //                                        24
  "\\frac{1}{2", //                               25
  "$$", //                                        26
  "", //                                          27
  "$$", //                                        28
  "x = 1", //                                     29
  "", //                                          30
];

describe("npm run check -- --json: formula lines", () => {
  it("latexLine moves a lone `$$` to the next line and keeps any other line", () => {
    expect([5, 6, 9, 15, 17, 21].map((l) => latexLine(DOC, l))).toEqual([6, 6, 10, 15, 18, 21]);
  });

  it("formulas, rules and diagnostics name the first LaTeX line; the unclosed `$$` keeps its own", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gb-json-lines-"));
    writeFileSync(join(dir, "doc.md"), DOC.join("\n"));
    const c = loadChapter(dir, {file: "doc.md", slug: "doc"}, 0);
    const j = await chapterJson(c);
    expect(j.formulas.map((f) => [f.line, f.latex.split("\n")[0]])).toEqual([
      [6, "L(w) = (w - 3)^2"], [10, "\\begin{aligned}"], [15, "\\frac{dL}{dw} = 2(w - 3)"], [18, "y = 2x"], [21, "z = 1"], [25, "\\frac{1}{2"]]);
    expect(j.playground.rules.map((r) => [r.line, r.name])).toEqual([[10, "gd"]]);
    expect(j.playground.surfaces.filter((s) => s.line !== null).map((s) => s.line)).toEqual([6]);
    const d = atLatexLines([c], c.diagnostics.items);
    expect(d.filter((x) => x.code === "bad-latex").map((x) => x.line)).toEqual([25]);
    expect(d.filter((x) => x.code === "unclosed-math").map((x) => x.line)).toEqual([28]);
  });
});
