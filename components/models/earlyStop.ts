/**
 * Early stopping as a reader of the code expects it: an epoch improves when its monitored value beats the best so far
 * by more than minDelta; after `patience` epochs in a row without improvement training stops. Pure (no tf).
 */
import type {EarlyStopSpec} from "./keras/program.js";

export interface EarlyStopState {
  best: number;
  /** Epoch (1-based) of the best value; 0: none yet. */
  bestEpoch: number;
  wait: number;
  stop: boolean;
}

export function earlyStopStart(s: EarlyStopSpec): EarlyStopState {
  return {best: s.mode === "min" ? Infinity : -Infinity, bestEpoch: 0, wait: 0, stop: false};
}

/** The state after epoch `epoch` (1-based) whose monitored value is `value`; `improved` says whether it is the new best. */
export function earlyStopUpdate(s: EarlyStopSpec, st: EarlyStopState, value: number, epoch: number): EarlyStopState & {improved: boolean} {
  const improved = s.mode === "min" ? value < st.best - s.minDelta : value > st.best + s.minDelta;
  if (improved) return {best: value, bestEpoch: epoch, wait: 0, stop: false, improved};
  const wait = st.wait + 1;
  return {...st, wait, stop: wait >= s.patience, improved};
}

export function checkEarlyStop(s: EarlyStopSpec): EarlyStopSpec {
  if (!(Number.isInteger(s.patience) && s.patience >= 1)) throw new Error(`earlyStopping.patience must be an integer ≥ 1, got ${s.patience}`);
  if (!(Number.isFinite(s.minDelta) && s.minDelta >= 0)) throw new Error(`earlyStopping.minDelta must be a number ≥ 0, got ${s.minDelta}`);
  return s;
}
