import * as tf from "@tensorflow/tfjs";
import {readdirSync} from "node:fs";
import {beforeAll, describe, expect, test} from "vitest";
import {scoreCorpus, totals, type DocScore} from "../scripts/corpus.js";

/**
 * The formula engine against test/corpus-heldout/formula-* (52 documents written after the engine by authors who
 * never read it; their first-run figures are in test/corpus-heldout/README.md). No correct formula of formula-a,
 * formula-b and formula-e may be flagged; formula-c and formula-d (8 and 4 false alarms on their first runs) may keep
 * at most the 1 and 2 left, formula-f (the last set, measured once at the end of the third session) the 2 left of its 6; the other
 * levels are floors at what is reached now (regressions fail), below the targets.
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
  test("52 documents, every keyed line a display formula", () => {
    expect(docs.length).toBe(52);
    expect(totals(docs).items.filter((x) => x.status === "missing")).toEqual([]);
  });
  const alarmsIn = (set: DocScore[]) => set.flatMap((d) => d.items.filter((x) => x.kind === "correct" && x.status === "flagged").map((x) => `${d.file}:${x.line} ${x.what}: ${x.reason}`));
  test("no false alarm on documents written after the engine (formula-a, formula-b, formula-e)", () => {
    expect(alarmsIn([...byDir["formula-a"], ...byDir["formula-b"], ...byDir["formula-e"]])).toEqual([]);
  });
  test("formula-c: at most the 1 false alarm left of its first run's 8", () => {
    expect(alarmsIn(byDir["formula-c"]).length).toBeLessThanOrEqual(1);
  });
  test("formula-d: at most the 2 false alarms left of its first run's 4", () => {
    expect(alarmsIn(byDir["formula-d"]).length).toBeLessThanOrEqual(2);
  });
  test("formula-f: at most the 2 false alarms left of its first run's 6 (one, 01:146, is an error the author did not plant)", () => {
    expect(alarmsIn(byDir["formula-f"]).length).toBeLessThanOrEqual(2);
  });
  test("levels reached (floors): recall, verified, executed, non-finite", () => {
    const t = totals(docs);
    expect(t.flagged).toBeGreaterThanOrEqual(RECALL_FLOOR);
    expect(t.verified).toBeGreaterThanOrEqual(VERIFIED_FLOOR);
    expect(t.executed).toBeGreaterThanOrEqual(EXECUTED_FLOOR);
    // the one non-finite cell is formula-f's straight-through estimate (03:95), found on its first run
    expect(totals(docs.filter((d) => !byDir["formula-f"].includes(d))).nonFinite).toBe(0);
    expect(t.nonFinite).toBeLessThanOrEqual(1);
  });
});

// of 250 planted errors, 570 checkable correct formulas, 1053 keyed formulas (formula-a 33/83/175, b 23/82/159,
// c 28/59/132, d 30/58/121, e 21/46/123, f 20/54/134).
const RECALL_FLOOR = 155;
const VERIFIED_FLOOR = 382;
const EXECUTED_FLOOR = 844;
