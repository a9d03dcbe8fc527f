import type {Hyper, OptState} from "./types.js";

/**
 * Nesterov momentum in the form tf.train.momentum(α, γ, useNesterov = true) and Keras use (Sutskever et al. 2013,
 * rewritten so the gradient is taken at the current weights): z ← γ z + ∇J(w);  w ← w − α (∇J(w) + γ z).
 * The velocity z is kept in `m`.
 */
export function nesterovStep(state: OptState, grad: number[], hyper: Pick<Hyper, "alpha" | "gamma">): OptState {
  const {alpha, gamma} = hyper;
  const m = state.m.map((z, i) => gamma * z + grad[i]);
  return {w: state.w.map((w, i) => w - alpha * (grad[i] + gamma * m[i])), t: state.t + 1, m, v: state.v};
}
