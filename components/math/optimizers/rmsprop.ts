import type {Hyper, OptState} from "./types.js";

/**
 * RMSProp (Hinton's lecture 6e; tf.train.rmsprop with momentum 0): v ← ρ v + (1 − ρ) g²;  w ← w − α g / (√v + ε).
 * The decay ρ is its own hyper-parameter, not Adam's β₂.
 */
export function rmspropStep(state: OptState, grad: number[], hyper: Pick<Hyper, "alpha" | "rho" | "epsilon">): OptState {
  const {alpha, rho, epsilon} = hyper;
  const v = state.v.map((s, i) => rho * s + (1 - rho) * grad[i] * grad[i]);
  return {w: state.w.map((w, i) => w - (alpha * grad[i]) / (Math.sqrt(v[i]) + epsilon)), t: state.t + 1, m: state.m, v};
}
