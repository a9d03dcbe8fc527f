import type {Hyper, OptState} from "./types.js";

/**
 * RMSprop: v ← β₂ v + (1 − β₂) g²;  w ← w − α g / (√v + ε).
 * The decay shares the β₂ slider with Adam (Keras calls it rho).
 */
export function rmspropStep(state: OptState, grad: number[], hyper: Pick<Hyper, "alpha" | "beta_2" | "epsilon">): OptState {
  const {alpha, beta_2, epsilon} = hyper;
  const v = state.v.map((s, i) => beta_2 * s + (1 - beta_2) * grad[i] * grad[i]);
  return {w: state.w.map((w, i) => w - (alpha * grad[i]) / (Math.sqrt(v[i]) + epsilon)), t: state.t + 1, m: state.m, v};
}
