import type {Hyper, OptState} from "./types.js";

/**
 * Adam with bias correction, as printed in 000 §4.1:
 * m ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²;  m̂ = m / (1 − β₁ᵗ);  v̂ = v / (1 − β₂ᵗ);
 * w ← w − α m̂ / (√v̂ + ε), with t counted from 1 at the first update.
 */
export function adamStep(state: OptState, grad: number[], hyper: Pick<Hyper, "alpha" | "beta_1" | "beta_2" | "epsilon">): OptState {
  const {alpha, beta_1, beta_2, epsilon} = hyper;
  const t = state.t + 1;
  const m = state.m.map((s, i) => beta_1 * s + (1 - beta_1) * grad[i]);
  const v = state.v.map((s, i) => beta_2 * s + (1 - beta_2) * grad[i] * grad[i]);
  const c1 = 1 - Math.pow(beta_1, t);
  const c2 = 1 - Math.pow(beta_2, t);
  const w = state.w.map((x, i) => x - (alpha * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + epsilon));
  return {w, t, m, v};
}
