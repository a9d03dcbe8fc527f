/**
 * The chapter's claimed result next to this page's, like for like: a test-set claim with the test evaluation, a
 * training claim ("last epoch" of a Keras log) with the last completed epoch's training metric. Pure text.
 */
import {t} from "../i18n/trainingPanel.js";
import type {Claim} from "../models/keras/program.js";

export const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

export interface OurNumbers {
  test: {acc: number; loss: number};
  /** The last completed epoch's training means, or null when no epoch finished. */
  lastEpoch: {acc: number; loss: number} | null;
}

/** One sentence per claim (accuracy first, then loss); the no-claim sentence when there is none. */
export function compareWithClaim(ours: OurNumbers, claims: Claim[]): string {
  const out: string[] = [];
  const diff = (a: number, b: number) => ({dir: a >= b ? t("higher") : t("lower"), diff: (100 * Math.abs(a - b)).toFixed(2)});
  for (const c of claims) {
    if (c.metric === "accuracy" && c.split === "test") out.push(t("claimTest", {claim: pct(c.value), ours: pct(ours.test.acc), ...diff(ours.test.acc, c.value)}));
    else if (c.metric === "accuracy") {
      out.push(ours.lastEpoch ? t("claimTrain", {claim: pct(c.value), ours: pct(ours.lastEpoch.acc), ...diff(ours.lastEpoch.acc, c.value)}) : t("claimTrainNone", {claim: pct(c.value)}));
    }
  }
  for (const c of claims) {
    if (c.metric !== "loss") continue;
    if (c.split === "test") out.push(t("claimTestLoss", {claim: c.value.toFixed(4), ours: ours.test.loss.toFixed(4)}));
    else if (ours.lastEpoch) out.push(t("claimTrainLoss", {claim: c.value.toFixed(4), ours: ours.lastEpoch.loss.toFixed(4)}));
  }
  return out.length ? out.join("") : t("claimNone");
}
