import type {Hyper, OptState} from "./types.js";

/** Gradient descent (004 §4): θ ← θ − α ∇J(θ). */
export function gdStep(state: OptState, grad: number[], hyper: Pick<Hyper, "alpha">): OptState {
  const {alpha} = hyper;
  return {w: state.w.map((w, i) => w - alpha * grad[i]), t: state.t + 1, m: state.m, v: state.v};
}
