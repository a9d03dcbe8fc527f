/** Shared by the code-corpus tests: trains a translated program as the page does and returns the metric its claim is about. */
import type {KerasProgram} from "../components/models/keras/program.js";
import {prepareData, runProgram, settingsFor} from "../components/models/session.js";
import {ourTestValue, testNumbers} from "../components/widgets/TrainingClaim.js";

export interface Claimed {
  claim: {metric: "accuracy" | "loss"; split: "test" | "train"; value: number};
}

/** The measured accuracy (test), or the last epoch's training loss / the test loss, as the claim names it (as the page compares it). */
export async function measureClaim(p: KerasProgram, a: Claimed, files: Parameters<typeof prepareData>[1] = {}): Promise<number> {
  const s = settingsFor(p, {seed: 42});
  const data = await prepareData(p, files, s);
  const gen = runProgram(p, data, s);
  let lastLoss = NaN;
  for (;;) {
    const r = await gen.next();
    if (r.done) {
      if (!r.value) throw new Error("training stopped");
      if (a.claim.split === "train") return a.claim.metric === "accuracy" ? r.value.testAcc : lastLoss;
      // the figure the page compares the claim with (balanced accuracy, an MSE beside another loss, where the text names them)
      const test = testNumbers(p.compile, {acc: r.value.testAcc, loss: r.value.testLoss, mse: r.value.testMse, balancedAcc: r.value.testBalancedAcc});
      const said = p.claims.find((c) => c.metric === a.claim.metric && c.split === "test" && Math.abs(c.value - a.claim.value) < 1e-9);
      return said ? ourTestValue({test}, said) : a.claim.metric === "accuracy" ? test.acc : test.loss;
    }
    if (r.value.batch === r.value.batches) lastLoss = r.value.loss;
  }
}
