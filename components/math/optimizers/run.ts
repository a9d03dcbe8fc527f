import {tStop} from "./messages.js";
import {type Hyper, type OptState, type StepFn, initState} from "./types.js";

export interface RunResult {
  /** Iterates w₀, w₁, …: one more than the number of finished steps. */
  path: number[][];
  /** f at each iterate. */
  losses: number[];
  /** Why the run stopped early (null when all steps ran). */
  stopped: null | {step: number; reason: string};
}

export interface RunOptions {
  /** Stop when the loss exceeds this (divergence long before Inf). Default Infinity. */
  maxLoss?: number;
  /** Stop when any |wᵢ| exceeds this. Default Infinity. */
  maxAbs?: number;
  /** What the divergence message suggests (default: "learning rate too large?" in the book's language). */
  divergeHint?: string;
}

/**
 * Runs `steps` updates of an optimiser from w0 and returns the iterates. Never throws on numbers:
 * a NaN/±Inf gradient, weight or loss, or a loss/weight beyond the limits stops the path with a reason.
 */
export function runOptimizer(
  f: (w: number[]) => number,
  grad: (w: number[]) => number[],
  w0: number[],
  step: StepFn,
  hyper: Hyper,
  steps: number,
  options: RunOptions = {}
): RunResult {
  if (!Array.isArray(w0) || w0.length === 0) throw new Error(`runOptimizer: w0 must be a non-empty array of numbers, got ${JSON.stringify(w0)}`);
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`runOptimizer: steps must be a non-negative integer, got ${steps}`);
  const {maxLoss = Infinity, maxAbs = Infinity, divergeHint = tStop("hint")} = options;
  const path: number[][] = [];
  const losses: number[] = [];
  const check = (w: number[], k: number): string | null => {
    if (!w.every(Number.isFinite)) return tStop("weights", {k, w: w.map(fmt).join(", ")});
    if (w.some((x) => Math.abs(x) > maxAbs)) return tStop("beyond", {k, max: maxAbs, hint: divergeHint});
    return null;
  };
  let reason = check(w0, 0);
  if (reason) return {path, losses, stopped: {step: 0, reason}};
  let state: OptState = initState(w0);
  let loss = f(state.w);
  if (!Number.isFinite(loss)) return {path, losses, stopped: {step: 0, reason: tStop("startLoss", {v: fmt(loss)})}};
  path.push(state.w);
  losses.push(loss);
  for (let k = 1; k <= steps; k++) {
    const g = grad(state.w);
    if (!g.every(Number.isFinite)) return {path, losses, stopped: {step: k, reason: tStop("grad", {k, g: g.map(fmt).join(", ")})}};
    state = step(state, g, hyper);
    reason = check(state.w, k);
    if (reason) return {path, losses, stopped: {step: k, reason}};
    loss = f(state.w);
    if (!Number.isFinite(loss)) return {path, losses, stopped: {step: k, reason: tStop("loss", {k, v: fmt(loss)})}};
    path.push(state.w);
    losses.push(loss);
    if (loss > maxLoss) return {path, losses, stopped: {step: k, reason: tStop("overLimit", {k, v: loss.toExponential(2), max: maxLoss.toExponential(2), hint: divergeHint})}};
  }
  return {path, losses, stopped: null};
}

function fmt(x: number): string {
  return Number.isNaN(x) ? "NaN" : x === Infinity ? "Infinity" : x === -Infinity ? "-Infinity" : String(x);
}
