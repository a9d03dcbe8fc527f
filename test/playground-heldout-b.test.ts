/**
 * Floors on the held-out playground corpus b (test/corpus-heldout/playground-b, written by an author who never read
 * the engine; key in its answers.json): every surface with its parameters, every claim found and judged as the key's
 * independent loops judge it. First run: surfaces 4/8, rules 3/11; before this floor: surfaces 7/8, claims 7/8,
 * judged right 6/7.
 */
import {readFileSync, readdirSync} from "node:fs";
import {join} from "node:path";
import {expect, it} from "vitest";
import {loadChapter} from "../src/chapter.js";
import {readPlayground} from "../src/playground/index.js";

const DIR = "test/corpus-heldout/playground-b";
const answers = JSON.parse(readFileSync(join(DIR, "answers.json"), "utf8")) as Record<string, {surfaces: {at: string; params: string[]}[]; claims: {at: string; kind: string; holds: boolean}[]}>;

it("held-out b: 8/8 surfaces with their parameters, 8/8 claims found, 8/8 judged as the key", () => {
  let surfaces = 0, claims = 0, judged = 0, total = 0, totalClaims = 0;
  for (const file of readdirSync(DIR).filter((f) => f.endsWith(".md"))) {
    const chapter = loadChapter(DIR, {file, slug: file.replace(/\.md$/, "")}, 0);
    const r = readPlayground(chapter);
    const lines = chapter.text.split("\n");
    for (const e of answers[file].surfaces) {
      total++;
      const s = r.surfaces.find((x) => x.drawn && JSON.stringify(x.params) === JSON.stringify(e.params) && x.latex.includes(e.at.replace(/\s*=\s*$/, "").slice(0, 8)));
      if (s) surfaces++;
    }
    for (const e of answers[file].claims) {
      totalClaims++;
      const line = lines.findIndex((l) => l.includes(e.at)) + 1;
      const c = r.spec.claims.find((x) => x.line === line && x.check && e.kind in x.check);
      if (!c) continue;
      claims++;
      if (c.holds === e.holds) judged++;
    }
  }
  expect([surfaces, total]).toEqual([8, 8]);
  expect([claims, judged, totalClaims]).toEqual([8, 8, 8]);
});
