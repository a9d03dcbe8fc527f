/** Shared by the code-corpus tests: trains a translated program as the page does and returns the metric its claim is about. */
import type {KerasProgram} from "../components/models/keras/program.js";
import {prepareData, runProgram, settingsFor} from "../components/models/session.js";

export interface Claimed {
  claim: {metric: "accuracy" | "loss"; split: "test" | "train"; value: number};
}

/** The measured accuracy (test), or the last epoch's training loss / the test loss, as the claim names it. */
export async function measureClaim(p: KerasProgram, a: Claimed, files: Parameters<typeof prepareData>[1] = {}): Promise<number> {
  const s = settingsFor(p, {seed: 42});
  const data = await prepareData(p, files, s);
  const gen = runProgram(p, data, s);
  let lastLoss = NaN;
  for (;;) {
    const r = await gen.next();
    if (r.done) {
      if (!r.value) throw new Error("training stopped");
      if (a.claim.metric === "accuracy") return r.value.testAcc;
      return a.claim.split === "train" ? lastLoss : r.value.testLoss;
    }
    if (r.value.batch === r.value.batches) lastLoss = r.value.loss;
  }
}
