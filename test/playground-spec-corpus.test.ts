/**
 * The playground read from the text, measured on the hand-written corpus test/corpus-playground/ (answers.json):
 * recall and false alarms of surfaces (with their parameters and start points), update rules (with their names),
 * defaults and claims (with whether they hold). Prints the numbers; asserts ≥ 90% recall and no false rules.
 */
import {readFileSync, readdirSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {loadChapter} from "../src/chapter.js";
import {readPlayground, type PlaygroundReading} from "../src/playground/index.js";
import {lineOf} from "./playgroundTestDoc.js";

/** PLAYGROUND_DIR=folder scores another corpus in the same format (a held-out one written after the reader). */
const DIR = process.env.PLAYGROUND_DIR ?? "test/corpus-playground";
type Answer = {
  surfaces: {at: string; params: string[]; start: number[] | null}[];
  rules: {at: string; name: string}[];
  defaults: Record<string, number>;
  claims: {at: string; kind: string; holds: boolean}[];
};
const answers = JSON.parse(readFileSync(join(DIR, "answers.json"), "utf8")) as Record<string, Answer>;
const files = readdirSync(DIR).filter((f) => f.endsWith(".md")).sort();


const readings = new Map<string, {text: string; r: PlaygroundReading}>();
for (const file of files) {
  const chapter = loadChapter(DIR, {file, slug: file.replace(/\.md$/, "")}, 0);
  readings.set(file, {text: chapter.text, r: readPlayground(chapter, [])});
}

const same = (a: number, b: number) => a === b;

describe("the playground corpus (test/corpus-playground)", () => {
  it("has at least 10 documents, Chinese and English, with an answer for each", () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
    expect(files.every((f) => answers[f])).toBe(true);
    const headings = files.map((f) => readFileSync(join(DIR, f), "utf8").match(/^## .*/m)?.[0] ?? "");
    expect(headings.some((h) => /[\u4e00-\u9fff]/.test(h))).toBe(true);
    expect(headings.some((h) => /^## [\w\d. ]+$/.test(h))).toBe(true);
  });

  it("finds ≥ 90% of the surfaces with their parameters and start points, and ≥ 90% of rules, defaults and claims", () => {
    const c = {surfaces: [0, 0, 0], starts: [0, 0], rules: [0, 0, 0], names: [0, 0], defaults: [0, 0, 0], claims: [0, 0, 0], holds: [0, 0]};
    const misses: string[] = [];
    for (const file of files) {
      const {text, r} = readings.get(file)!;
      const a = answers[file];
      const drawn = r.surfaces.filter((s) => s.drawn);
      for (const e of a.surfaces) {
        c.surfaces[0]++;
        const line = lineOf(text, e.at);
        const hit = drawn.find((s) => same(s.line, line) && JSON.stringify(s.params) === JSON.stringify(e.params));
        if (hit) {
          c.surfaces[1]++;
          if (e.start) {
            c.starts[0]++;
            if (JSON.stringify(hit.start) === JSON.stringify(e.start)) c.starts[1]++;
            else misses.push(`${file}: start of ${e.at} is ${JSON.stringify(hit.start)}`);
          }
        } else misses.push(`${file}: surface ${e.at} (line ${line}) not found; read ${JSON.stringify(r.surfaces.map((s) => [s.line, s.params, s.reason]))}`);
      }
      c.surfaces[2] += drawn.filter((s) => !a.surfaces.some((e) => lineOf(text, e.at) === s.line)).length;
      for (const e of a.rules) {
        c.rules[0]++;
        const line = lineOf(text, e.at);
        const hit = r.rules.find((x) => x.spec.line === line);
        if (!hit) {
          misses.push(`${file}: rule ${e.at} (line ${line}) not found`);
          continue;
        }
        c.rules[1]++;
        c.names[0]++;
        if (hit.spec.name === e.name && hit.spec.drawn) c.names[1]++;
        else misses.push(`${file}: rule at ${line} named ${hit.spec.name} (drawn ${hit.spec.drawn} ${hit.spec.reason ?? ""}), expected ${e.name}`);
      }
      c.rules[2] += r.rules.filter((x) => !a.rules.some((e) => lineOf(text, e.at) === x.spec.line)).length;
      for (const [k, v] of Object.entries(a.defaults)) {
        c.defaults[0]++;
        if ((r.spec.defaults as Record<string, number>)[k] === v) c.defaults[1]++;
        else misses.push(`${file}: default ${k} = ${(r.spec.defaults as Record<string, number>)[k]}, expected ${v}`);
      }
      c.defaults[2] += Object.keys(r.spec.defaultLines ?? {}).filter((k) => !(k in a.defaults)).length;
      for (const e of a.claims) {
        c.claims[0]++;
        const line = lineOf(text, e.at);
        const hit = r.spec.claims.find((x) => x.line === line && x.check && e.kind in x.check && x.text.includes(e.at.replace(/\$.*\$/, "").slice(0, 12)));
        if (!hit) {
          misses.push(`${file}: claim "${e.at}" not found; read ${JSON.stringify(r.spec.claims.map((x) => [x.line, x.text]))}`);
          continue;
        }
        c.claims[1]++;
        c.holds[0]++;
        if (hit.holds === e.holds) c.holds[1]++;
        else misses.push(`${file}: claim "${e.at}" holds ${hit.holds}, expected ${e.holds}`);
      }
      c.claims[2] += r.spec.claims.filter((x) => !a.claims.some((e) => lineOf(text, e.at) === x.line)).length;
    }
    const pct = (x: number[]) => `${x[1]}/${x[0]} (${((100 * x[1]) / Math.max(1, x[0])).toFixed(0)}%)`;
    console.log(
      `playground corpus: surfaces ${pct(c.surfaces)}, false ${c.surfaces[2]}; starts ${pct(c.starts)}; rules ${pct(c.rules)}, false ${c.rules[2]}; names ${pct(c.names)}; ` +
        `defaults ${pct(c.defaults)}, extra ${c.defaults[2]}; claims ${pct(c.claims)}, false ${c.claims[2]}; holds ${pct(c.holds)}` +
        (misses.length ? `\n  ${misses.join("\n  ")}` : "")
    );
    for (const x of [c.surfaces, c.starts, c.rules, c.names, c.defaults, c.claims, c.holds]) expect(x[1] / x[0]).toBeGreaterThanOrEqual(0.9);
    expect(c.rules[2]).toBe(0);
    // the key has false claims, and the reader finds them false
    expect(files.flatMap((f) => answers[f].claims).filter((x) => !x.holds).length).toBeGreaterThanOrEqual(1);
  });

  it("a false claim says so on the page; a true one carries a preset that shows it", () => {
    const claims = [...readings.values()].flatMap(({r}) => r.spec.claims);
    const f = claims.filter((x) => x.holds === false);
    expect(f.length).toBeGreaterThan(0);
    // judged over reasonable settings, or (a claim that states its step count) at the text's own, with the criterion
    for (const x of f) expect(x.note).toMatch(x.atText ? /原文的设置.*判据|the text's settings.*criterion/ : /合理|reasonable/);
    for (const x of claims.filter((y) => y.holds)) {
      expect(x.preset.surface).toBeTruthy();
      expect(x.preset.rules?.length).toBeGreaterThan(0);
      expect(typeof x.preset.alpha).toBe("number");
    }
  });
});
