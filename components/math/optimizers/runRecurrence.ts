/**
 * Runs an update rule compiled from a chapter's printed LaTeX (components/formula/recurrence.ts) the same way
 * runOptimizer runs the built-in ones: iterates, losses, and a reason when it stops early. Never throws.
 */
import {tStop} from "./messages.js";
import type {RunOptions, RunResult} from "./run.js";

/** The contract of compileRecurrence(latex) (owned by the formula engine). */
export interface Recurrence<State = unknown> {
  hyper: string[];
  init(w: number[]): State;
  step(state: State, grad: number[], t: number, hyper: Record<string, number>): State;
  weights(state: State): number[];
  /** A step that takes the gradient where the rule says (Nesterov's look-ahead point), when the rule has one. */
  stepWith?(state: State, gradAt: (w: number[]) => number[], t: number, hyper: Record<string, number>): State;
  /** True when the rule's gradient is not taken at the weights: then only stepWith is exact. */
  lookahead?: boolean;
}

export function runRecurrence<S>(
  f: (w: number[]) => number,
  grad: (w: number[]) => number[],
  w0: number[],
  rec: Recurrence<S>,
  hyper: Record<string, number>,
  steps: number,
  options: RunOptions = {}
): RunResult {
  const {maxLoss = Infinity, maxAbs = Infinity} = options;
  const path: number[][] = [];
  const losses: number[] = [];
  const missing = rec.hyper.filter((h) => !(h in hyper));
  if (missing.length) return {path, losses, stopped: {step: 0, reason: tStop("needs", {names: missing.join(", ")})}};
  let state: S;
  try {
    state = rec.init(w0.slice());
    const w = rec.weights(state);
    if (w.length !== w0.length) return {path, losses, stopped: {step: 0, reason: tStop("dims", {n: w.length, m: w0.length})}};
    path.push(w.slice());
    losses.push(f(w));
  } catch (e) {
    return {path, losses, stopped: {step: 0, reason: tStop("noStart", {message: (e as Error).message})}};
  }
  for (let t = 1; t <= steps; t++) {
    let w: number[];
    try {
      state = rec.lookahead && rec.stepWith ? rec.stepWith(state, grad, t, hyper) : rec.step(state, grad(path[path.length - 1]), t, hyper);
      w = rec.weights(state);
    } catch (e) {
      return {path, losses, stopped: {step: t, reason: tStop("stepError", {k: t, message: (e as Error).message})}};
    }
    if (!w.every(Number.isFinite)) return {path, losses, stopped: {step: t, reason: tStop("weights", {k: t, w: w.join(", ")})}};
    if (w.some((v) => Math.abs(v) > maxAbs)) return {path, losses, stopped: {step: t, reason: tStop("diverged", {k: t, max: maxAbs})}};
    const loss = f(w);
    if (!Number.isFinite(loss)) return {path, losses, stopped: {step: t, reason: tStop("loss", {k: t, v: String(loss)})}};
    path.push(w.slice());
    losses.push(loss);
    if (loss > maxLoss) return {path, losses, stopped: {step: t, reason: tStop("overLimit", {k: t, v: loss.toExponential(2), max: maxLoss.toExponential(2), hint: tStop("hint")})}};
  }
  return {path, losses, stopped: null};
}
