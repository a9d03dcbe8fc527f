/**
 * Every printed update rule drawn under its name beside the reference with the same hyper-parameters, on the
 * hand-written documents of test/corpus-playground-rules/ (answers.json): AdamW printed as one line relative to the
 * Adam block before it (with \leftarrow, with _{t+1}, with the bias corrections inline), Adam with L2 inside the
 * gradient (not AdamW), Adadelta in two notations, and a block that is none of the library's. For each rule: found,
 * named, drawn, and its compiled path equals the reference's within 1e-6 when the printed rule is right, and
 * differs when an error is planted in the document.
 */
import {mkdtempSync, readFileSync, readdirSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {compileRecurrence} from "../components/formula/recurrence.js";
import {OPTIMIZERS, type OptimizerName} from "../components/math/optimizers/index.js";
import {runOptimizer} from "../components/math/optimizers/run.js";
import {runRecurrence} from "../components/math/optimizers/runRecurrence.js";
import type {Hyper} from "../components/math/optimizers/types.js";
import type {Surface} from "../components/math/surfaces/types.js";
import {adadeltaStepTf, EXTRA_REFERENCES, type ExtraReference} from "../components/playground/referenceRules.js";
import {extraReferencesFor, referenceLabel, ruleHyper, runOptimizers} from "../components/playground/runOptimizers.js";
import type {RuleSpec} from "../components/playground/spec.js";
import {loadChapter} from "../src/chapter.js";
import {readPlayground} from "../src/playground/index.js";
import {lineOf} from "./playgroundTestDoc.js";

const DIR = "test/corpus-playground-rules";
type Answer = {
  at: string; name: string; drawn: boolean; reference: string | null; right: boolean | null; l2?: boolean;
  plant?: {from: string; to: string}; plantEquals?: "tf";
};
const answers = JSON.parse(readFileSync(join(DIR, "answers.json"), "utf8")) as Record<string, {rules: Answer[]}>;
const files = readdirSync(DIR).filter((f) => f.endsWith(".md")).sort();

/** The line the engine gives the formula where `at` occurs (as test/playground-spec-corpus.test.ts: its `$$` line). */

function rulesOf(dir: string, file: string) {
  const chapter = loadChapter(dir, {file, slug: file.replace(/\.md$/, "")}, 0);
  return {text: chapter.text, reading: readPlayground(chapter, [])};
}

/** A test bowl with unequal curvatures, so that the optimisers' paths all differ from each other. */
const bowl: Surface = {
  id: "bowl", title: "bowl", labels: ["x", "y"], alpha: 0.1, start: [-1, 2], domain: {x: [-3, 3], y: [-3, 3]},
  f: (w) => (w[0] - 1) ** 2 + 3 * w[1] ** 2,
  grad: (w) => [2 * (w[0] - 1), 6 * w[1]]
};
const STEPS = 50;

const hyperOf = (spec: {defaults: Hyper}): Hyper => {
  const {alpha, beta_1, beta_2, epsilon, gamma, rho, lambda} = spec.defaults;
  return {alpha, beta_1, beta_2, epsilon, gamma, rho, lambda};
};

function printedPath(rule: RuleSpec, hyper: Hyper, surface = bowl): number[][] {
  const rec = compileRecurrence(rule.latex);
  const run = runRecurrence(surface.f, surface.grad, surface.start, rec, ruleHyper(rule, rec, hyper), STEPS);
  expect(run.stopped).toBeNull();
  return run.path;
}

/** The reference optimiser's path, with the learning rate runOptimizers gives it (Adadelta's is 1 without η). */
function referencePath(rule: RuleSpec, hyper: Hyper, l2 = false): number[][] {
  const name = rule.reference!;
  const extra = extraReferencesFor([rule], hyper).find((x) => x.name === name);
  const step = extra ? EXTRA_REFERENCES[name as ExtraReference].step : OPTIMIZERS[name as OptimizerName].step;
  const grad = l2 ? (w: number[]) => bowl.grad(w).map((g, i) => g + hyper.lambda * w[i]) : bowl.grad;
  const run = runOptimizer(bowl.f, grad, bowl.start, step, extra?.hyper ?? hyper, STEPS);
  expect(run.stopped).toBeNull();
  return run.path;
}

const maxDiff = (p: number[][], q: number[][]) => (p.length !== q.length ? Infinity : Math.max(...p.map((w, k) => Math.max(...w.map((x, i) => Math.abs(x - q[k][i]))))));

describe("printed update rules drawn beside their reference (test/corpus-playground-rules)", () => {
  it("has at least 6 documents, Chinese and English headings, an answer for each", () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
    expect(files.every((f) => answers[f])).toBe(true);
    const headings = files.map((f) => readFileSync(join(DIR, f), "utf8").match(/^## .*/m)?.[0] ?? "");
    expect(headings.some((h) => /[\u4e00-\u9fff]/.test(h))).toBe(true);
    expect(headings.some((h) => /^## [A-Za-z ]+$/.test(h))).toBe(true);
  });

  for (const file of files) {
    describe(file, () => {
      const {text, reading} = rulesOf(DIR, file);
      const hyper = hyperOf(reading.spec);
      it("finds exactly the answer's rules, with their names, drawn, with their references", () => {
        const want = answers[file].rules.map((a) => ({line: lineOf(text, a.at), name: a.name, drawn: a.drawn, reference: a.reference}));
        const got = reading.rules.map(({spec}) => ({line: spec.line, name: spec.name, drawn: spec.drawn, reference: spec.reference ?? null}));
        expect(got).toEqual(want);
      });
      for (const a of answers[file].rules) {
        const spec = () => reading.rules.find((r) => r.spec.line === lineOf(text, a.at))!.spec;
        if (a.right === null) {
          it(`${a.name} at "${a.at}" runs, finite, with no reference`, () => {
            const p = printedPath(spec(), hyper);
            expect(p.flat().every(Number.isFinite)).toBe(true);
            expect(maxDiff(p, p.map(() => bowl.start))).toBeGreaterThan(1e-3); // it moves
          });
          continue;
        }
        it(`${a.name} at "${a.at}": ${a.right ? "the same path as" : "differs from"} the reference ${a.reference}`, () => {
          const p = printedPath(spec(), hyper), ref = referencePath(spec(), hyper);
          if (a.right) expect(maxDiff(p, ref)).toBeLessThanOrEqual(1e-6);
          else expect(maxDiff(p, ref)).toBeGreaterThan(1e-3);
          if (a.l2) expect(maxDiff(p, referencePath(spec(), hyper, true))).toBeLessThanOrEqual(1e-6);
          // the page: one path under both names when equal, a dashed one labelled as differing otherwise
          const paths = runOptimizers(bowl, {...hyper, steps: STEPS}, [spec()]);
          const mine = paths.find((x) => x.lines.includes(spec().line))!;
          if (a.right) {
            expect(mine.id).toBe(a.reference);
            expect(mine.names).toEqual([spec().label, referenceLabel(spec().reference!)]);
          } else {
            expect(mine.differsFrom).toBe(a.reference);
            expect(mine.dash).toBeTruthy();
          }
        });
        if (!a.plant) continue;
        it(`with an error planted (${a.plant.from} → ${a.plant.to}) it is still found as ${a.name} and differs`, () => {
          const lines = text.split("\n");
          const at = lineOf(text, a.at) - 1;
          const k = lines.findIndex((l, i) => i >= at && l.includes(a.plant!.from));
          expect(k).toBeGreaterThanOrEqual(0);
          lines[k] = lines[k].replace(a.plant!.from, a.plant!.to);
          const dir = mkdtempSync(join(tmpdir(), "gb-rules-"));
          writeFileSync(join(dir, file), lines.join("\n"));
          const planted = rulesOf(dir, file).reading.rules.find((r) => r.spec.line === lineOf(text, a.at))!.spec;
          expect(planted.name).toBe(a.name);
          expect(planted.drawn).toBe(true);
          const p = printedPath(planted, hyper);
          expect(maxDiff(p, referencePath(planted, hyper, a.l2))).toBeGreaterThan(1e-4);
          if (a.plantEquals === "tf") {
            const tf = runOptimizer(bowl.f, bowl.grad, bowl.start, adadeltaStepTf, {...hyper, alpha: 1}, STEPS).path;
            expect(maxDiff(p, tf)).toBeLessThanOrEqual(1e-9);
          }
          const mine = runOptimizers(bowl, {...hyper, steps: STEPS}, [planted]).find((x) => x.lines.includes(planted.line))!;
          expect(mine.differsFrom).toBe(a.reference);
        });
      }
    });
  }
});
