import * as tf from "@tensorflow/tfjs";
import {readdirSync} from "node:fs";
import {beforeAll, describe, expect, test} from "vitest";
import {scoreCorpus, totals, type DocScore} from "../scripts/corpus.js";

/**
 * The formula engine against test/corpus-heldout/formula-* (116 documents written after the engine by authors who
 * never read it; their first-run figures are in test/corpus-heldout/README.md). No correct formula of formula-a,
 * -b, -c, -d, -e and -h may be flagged; formula-i only 06:128 (its worked value follows the schedule without the
 * planted error that 06:98 prints, so the engine, reading 06:98, flags it); formula-f may keep its 1 (01:146, an error its author did not plant),
 * formula-g the 2 left of its first run's 3 (one, 06:122, follows from the planted error at 06:112); the other
 * levels are floors at what is reached now (regressions fail), below the targets.
 */
let docs: DocScore[];
const byDir: Record<string, DocScore[]> = {};
beforeAll(async () => {
  await tf.setBackend("cpu");
  const dirs = readdirSync("test/corpus-heldout").filter((d) => d.startsWith("formula")).sort();
  for (const d of dirs) byDir[d] = await scoreCorpus(`test/corpus-heldout/${d}`);
  docs = dirs.flatMap((d) => byDir[d]);
}, 900_000);

describe("test/corpus-heldout (formula)", () => {
  test("116 documents, every keyed line a display formula", () => {
    expect(docs.length).toBe(116);
    expect(totals(docs).items.filter((x) => x.status === "missing")).toEqual([]);
  });
  const alarmsIn = (set: DocScore[]) => set.flatMap((d) => d.items.filter((x) => x.kind === "correct" && x.status === "flagged").map((x) => `${d.file}:${x.line} ${x.what}: ${x.reason}`));
  test("no false alarm on documents written after the engine (formula-a, -b, -c, -d, -e, -h; -j, -k and -m below)", () => {
    expect(alarmsIn(["formula-a", "formula-b", "formula-c", "formula-d", "formula-e", "formula-h"].flatMap((d) => byDir[d]))).toEqual([]);
  });
  test("formula-i: only 06:128, a worked value computed with the correct schedule where the text prints its planted error (06:98)", () => {
    expect(alarmsIn(byDir["formula-i"]).map((x) => x.split(" ")[0])).toEqual(["06-cyclical-lr.md:128"]);
  });
  test("formula-f: only 01:146, an error its author did not plant (0 − 0.1 × (−0.02938) printed −0.002938)", () => {
    expect(alarmsIn(byDir["formula-f"]).map((x) => x.split(" ")[0])).toEqual(["01-gru-gates.md:146"]);
  });
  test("formula-g: at most the 2 false alarms left of its first run's 3", () => {
    expect(alarmsIn(byDir["formula-g"]).length).toBeLessThanOrEqual(2);
  });
  test("formula-j: none left of its first run's 7 false alarms", () => {
    expect(alarmsIn(byDir["formula-j"])).toEqual([]);
  });
  test("formula-k: none left of its first run's 2 false alarms", () => {
    expect(alarmsIn(byDir["formula-k"])).toEqual([]);
  });
  test("formula-l (measured once, not yet worked on but for primes as superscripts): at most the 2 false alarms of its first run", () => {
    expect(alarmsIn(byDir["formula-l"]).length).toBeLessThanOrEqual(2);
  });
  test("formula-m: none left of its first run's 2 false alarms", () => {
    expect(alarmsIn(byDir["formula-m"])).toEqual([]);
  });
  test("formula-n: at most 9 of its first run's 13 false alarms", () => {
    expect(alarmsIn(byDir["formula-n"]).length).toBeLessThanOrEqual(9);
  });
  test("levels reached (floors): recall, verified, executed, non-finite", () => {
    const t = totals(docs);
    expect(t.flagged).toBeGreaterThanOrEqual(RECALL_FLOOR);
    expect(t.verified).toBeGreaterThanOrEqual(VERIFIED_FLOOR);
    expect(t.executed).toBeGreaterThanOrEqual(EXECUTED_FLOOR);
    // the non-finite cells are formula-f's straight-through estimate (03:95) and formula-j's 08:68, found on their first runs
    expect(totals(docs.filter((d) => !byDir["formula-f"].includes(d) && !byDir["formula-j"].includes(d) && !byDir["formula-n"].includes(d))).nonFinite).toBe(0);
    expect(t.nonFinite).toBeLessThanOrEqual(3);
  });
});

// of 594 planted errors, 1445 checkable correct formulas, 2611 keyed formulas (formula-a 39/89/184, b 24/82/162,
// c 31/65/137, d 32/61/125, e 23/50/136, f 22/57/151, g 19/51/133, h 13/40/111, i 25/64/142, j 24/66/140,
// k 32/68/161 after the fixes it prompted: its first run 26/64/152 of 46, 106, 204), and formula-l 21/84/173
// (its first run 20/84/169 of 41, 135, 230), and formula-m 16/79/154 after the three fixes it prompted (its first run 15/77/154 of 40, 113, 203),
// and formula-n 16/81/163 after the four fixes it prompted (its first run 16/78/163 of 40, 140, 222, with 13 false alarms, now 9).
const RECALL_FLOOR = 337;
const VERIFIED_FLOOR = 938;
const EXECUTED_FLOOR = 2073;
