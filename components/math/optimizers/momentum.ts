import type {Hyper, OptState} from "./types.js";

/**
 * Heavy-ball momentum in the form of Distill's "Why Momentum Really Works":
 * z ← γ z + ∇J(w);  w ← w − α z.  The velocity z is kept in `m`.
 */
export function momentumStep(state: OptState, grad: number[], hyper: Pick<Hyper, "alpha" | "gamma">): OptState {
  const {alpha, gamma} = hyper;
  const m = state.m.map((z, i) => gamma * z + grad[i]);
  return {w: state.w.map((w, i) => w - alpha * m[i]), t: state.t + 1, m, v: state.v};
}
