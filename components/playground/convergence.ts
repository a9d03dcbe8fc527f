/**
 * "X converges to the minimum within N steps" decided at the text's settings, with one criterion the page states:
 * the iterate is within CONVERGED_TOLERANCE of the surface's minimiser x* at step N and at every later step of the
 * run (N or the text's step count, whichever is larger), so a path that passes through the minimum and leaves it
 * has not converged. Pure: no DOM, no tf.
 */
import {messages} from "../i18n/index.js";
import type {RunResult} from "../math/optimizers/run.js";
import {plainNumber} from "./format.js";

/** Distance to the minimiser below which a path has reached it (in the parameters' own units). */
export const CONVERGED_TOLERANCE = 1e-2;

export const tConverge = messages<"criterion" | "falseAt" | "falseLeaves" | "falseNotAt" | "stopped">({
  "zh-CN": {
    criterion: "判据：从第 {steps} 步起，每一步与最小值点 x* 的距离都小于 {tol}",
    falseAt: "在原文的设置下（{settings}），{a} 第 {steps} 步时离最小值点还有 {dist}（判据：从第 {steps} 步起与 x* 的距离都小于 {tol}）",
    falseLeaves: "在原文的设置下（{settings}），{a} 第 {steps} 步时已在最小值点附近，但第 {k} 步又离开到 {dist} 远处（判据：从第 {steps} 步起与 x* 的距离都小于 {tol}）",
    falseNotAt: "在原文的设置下（{settings}），{a} 从第 {steps} 步起与最小值点的距离都小于 {tol}",
    stopped: "在原文的设置下（{settings}），{a} 在第 {steps} 步之前就发散了（判据：从第 {steps} 步起与 x* 的距离都小于 {tol}）"
  },
  en: {
    criterion: "criterion: from step {steps} on, every iterate is within {tol} of the minimiser x*",
    falseAt: "at the text's settings ({settings}), {a} is still {dist} from the minimiser at step {steps} (criterion: within {tol} of x* from step {steps} on)",
    falseLeaves: "at the text's settings ({settings}), {a} is near the minimiser at step {steps} but leaves it again: {dist} away at step {k} (criterion: within {tol} of x* from step {steps} on)",
    falseNotAt: "at the text's settings ({settings}), {a} is within {tol} of the minimiser from step {steps} on",
    stopped: "at the text's settings ({settings}), {a} diverges before step {steps} (criterion: within {tol} of x* from step {steps} on)"
  }
});

const distance = (w: number[], x: number[]) => Math.hypot(...w.map((v, i) => v - x[i]));

/**
 * Distance to x* at step N, whether the path stays within the tolerance from there to its end, and, when it is
 * within it at step N but not later, the first step where it has left (and how far it is there).
 */
export function convergedBy(r: RunResult, minimum: number[], steps: number, tol = CONVERGED_TOLERANCE): {converged: boolean; distance: number; leaves?: {step: number; distance: number}} {
  if (r.stopped || r.path.length <= steps) return {converged: false, distance: Infinity};
  const d = distance(r.path[steps], minimum);
  const k = r.path.findIndex((w, i) => i >= steps && !(distance(w, minimum) < tol));
  if (k < 0) return {converged: true, distance: d};
  return {converged: false, distance: d, ...(k > steps ? {leaves: {step: k, distance: distance(r.path[k], minimum)}} : {})};
}

const SYMBOL: Record<string, string> = {alpha: "α", beta_1: "β₁", beta_2: "β₂", epsilon: "ε", gamma: "γ", rho: "ρ", lambda: "λ"};

/** "α = 0.1, β₁ = 0.9, …" for the hyper-parameters the named optimisers read. */
export function settingsText(keys: string[], h: Record<string, number>): string {
  return [...new Set(keys)].filter((k) => k in SYMBOL && typeof h[k] === "number").map((k) => `${SYMBOL[k]} = ${plainNumber(h[k])}`).join(", ");
}
