/**
 * The chapter's claimed result next to this page's, like for like: a test-set claim with the test evaluation, a
 * training claim ("last epoch" of a Keras log) with the last completed epoch's training metric. Pure text.
 */
import {t} from "../i18n/trainingPanel.js";
import type {Claim, CompileSpec} from "../models/keras/program.js";

export const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

export interface OurNumbers {
  /** mse / balancedAcc: measured beside the loss and accuracy (absent when the model has no such measure). */
  test: {acc: number; loss: number; mse?: number; balancedAcc?: number};
  /** The last completed epoch's training means, or null when no epoch finished. */
  lastEpoch: {acc: number; loss: number} | null;
}

/**
 * This page's test figure a test-set claim is compared with: the balanced accuracy or the MSE where the claim names
 * them and the run measured them, else the accuracy or the loss.
 */
export function ourTestValue(ours: Pick<OurNumbers, "test">, c: Claim): number {
  if (c.metric === "accuracy") return c.measure === "balanced-accuracy" ? ours.test.balancedAcc ?? ours.test.acc : ours.test.acc;
  return c.measure === "mse" ? ours.test.mse ?? ours.test.loss : ours.test.loss;
}

/** The test figures claims are compared with: the MSE kept only when the loss is another (with an MSE loss it is the loss). */
export function testNumbers(compile: Pick<CompileSpec, "loss">, test: OurNumbers["test"]): OurNumbers["test"] {
  const {acc, loss, mse, balancedAcc} = test;
  return {acc, loss, ...(mse !== undefined && compile.loss !== "mean_squared_error" ? {mse} : {}), ...(balancedAcc !== undefined ? {balancedAcc} : {})};
}

/** One sentence per claim (accuracy first, then loss); the no-claim sentence when there is none. */
export function compareWithClaim(ours: OurNumbers, claims: Claim[]): string {
  const out: string[] = [];
  const diff = (a: number, b: number) => ({dir: a >= b ? t("higher") : t("lower"), diff: (100 * Math.abs(a - b)).toFixed(2)});
  for (const c of claims) {
    const v = ourTestValue(ours, c);
    if (c.metric === "accuracy" && c.split === "test") {
      const key = c.measure === "balanced-accuracy" && ours.test.balancedAcc !== undefined ? "claimTestBalanced" : "claimTest";
      out.push(t(key, {claim: pct(c.value), ours: pct(v), ...diff(v, c.value)}));
    } else if (c.metric === "accuracy") {
      out.push(ours.lastEpoch ? t("claimTrain", {claim: pct(c.value), ours: pct(ours.lastEpoch.acc), ...diff(ours.lastEpoch.acc, c.value)}) : t("claimTrainNone", {claim: pct(c.value)}));
    }
  }
  for (const c of claims) {
    if (c.metric !== "loss") continue;
    const key = c.measure === "mse" && ours.test.mse !== undefined ? "claimTestMse" : "claimTestLoss";
    if (c.split === "test") out.push(t(key, {claim: c.value.toFixed(4), ours: ourTestValue(ours, c).toFixed(4)}));
    else if (ours.lastEpoch) out.push(t("claimTrainLoss", {claim: c.value.toFixed(4), ours: ours.lastEpoch.loss.toFixed(4)}));
  }
  return out.length ? out.join("") : t("claimNone");
}
