import * as tf from "@tensorflow/tfjs";
import {readdirSync} from "node:fs";
import {beforeAll, describe, expect, test} from "vitest";
import {scoreCorpus, totals, type DocScore} from "../scripts/corpus.js";

/**
 * The formula engine against test/corpus-heldout/formula-* (36 documents written after the engine by authors who
 * never read it; their first-run figures are in test/corpus-heldout/README.md). No correct formula of formula-a and
 * formula-b may be flagged; formula-c and formula-d (written later: 8 and 4 false alarms on their first runs) may keep at most the 1 and 2 left;
 * the other levels are floors at what is reached now (regressions fail), below the targets.
 */
let docs: DocScore[];
const byDir: Record<string, DocScore[]> = {};
beforeAll(async () => {
  await tf.setBackend("cpu");
  const dirs = readdirSync("test/corpus-heldout").filter((d) => d.startsWith("formula")).sort();
  for (const d of dirs) byDir[d] = await scoreCorpus(`test/corpus-heldout/${d}`);
  docs = dirs.flatMap((d) => byDir[d]);
}, 240_000);

describe("test/corpus-heldout (formula)", () => {
  test("36 documents, every keyed line a display formula", () => {
    expect(docs.length).toBe(36);
    expect(totals(docs).items.filter((x) => x.status === "missing")).toEqual([]);
  });
  const alarmsIn = (set: DocScore[]) => set.flatMap((d) => d.items.filter((x) => x.kind === "correct" && x.status === "flagged").map((x) => `${d.file}:${x.line} ${x.what}: ${x.reason}`));
  test("no false alarm on documents written after the engine (formula-a, formula-b)", () => {
    expect(alarmsIn([...byDir["formula-a"], ...byDir["formula-b"]])).toEqual([]);
  });
  test("formula-c: at most the 1 false alarm left of its first run's 8", () => {
    expect(alarmsIn(byDir["formula-c"]).length).toBeLessThanOrEqual(1);
  });
  test("formula-d: at most the 2 false alarms left of its first run's 4", () => {
    expect(alarmsIn(byDir["formula-d"]).length).toBeLessThanOrEqual(2);
  });
  test("levels reached (floors): recall, verified, executed, non-finite", () => {
    const t = totals(docs);
    expect(t.flagged).toBeGreaterThanOrEqual(RECALL_FLOOR);
    expect(t.verified).toBeGreaterThanOrEqual(VERIFIED_FLOOR);
    expect(t.executed).toBeGreaterThanOrEqual(EXECUTED_FLOOR);
    expect(t.nonFinite).toBe(0);
  });
});

// of 163 planted errors, 376 checkable correct formulas, 690 keyed formulas (formula-a 31/77/171, b 21/75/150,
// c 27/58/130, d 22/39/94). Three errors of a and b were caught only through a derivative that evaluated to exactly
// zero because the definitions did not reach the variable; that is no verdict now, so they count as missed.
const RECALL_FLOOR = 101;
const VERIFIED_FLOOR = 249;
const EXECUTED_FLOOR = 545;
