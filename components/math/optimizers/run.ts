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
  const {maxLoss = Infinity, maxAbs = Infinity} = options;
  const path: number[][] = [];
  const losses: number[] = [];
  const check = (w: number[], k: number): string | null => {
    if (!w.every(Number.isFinite)) return `weights became ${w.map(fmt).join(", ")} at step ${k}`;
    if (w.some((x) => Math.abs(x) > maxAbs)) return `weights left |w| ≤ ${maxAbs} at step ${k} (diverging)`;
    return null;
  };
  let reason = check(w0, 0);
  if (reason) return {path, losses, stopped: {step: 0, reason}};
  let state: OptState = initState(w0);
  let loss = f(state.w);
  if (!Number.isFinite(loss)) return {path, losses, stopped: {step: 0, reason: `loss is ${fmt(loss)} at the start point`}};
  path.push(state.w);
  losses.push(loss);
  for (let k = 1; k <= steps; k++) {
    const g = grad(state.w);
    if (!g.every(Number.isFinite)) return {path, losses, stopped: {step: k, reason: `gradient became ${g.map(fmt).join(", ")} at step ${k}`}};
    state = step(state, g, hyper);
    reason = check(state.w, k);
    if (reason) return {path, losses, stopped: {step: k, reason}};
    loss = f(state.w);
    if (!Number.isFinite(loss)) return {path, losses, stopped: {step: k, reason: `loss became ${fmt(loss)} at step ${k}`}};
    path.push(state.w);
    losses.push(loss);
    if (loss > maxLoss) return {path, losses, stopped: {step: k, reason: `loss ${loss.toExponential(2)} exceeded ${maxLoss.toExponential(2)} at step ${k} (diverging: learning rate too high?)`}};
  }
  return {path, losses, stopped: null};
}

function fmt(x: number): string {
  return Number.isNaN(x) ? "NaN" : x === Infinity ? "Infinity" : x === -Infinity ? "-Infinity" : String(x);
}
