import type {Hyper, OptState} from "./types.js";

/**
 * AdaGrad (Duchi et al. 2011): G ← G + g²;  w ← w − α g / (√G + ε). The sum of squared gradients G is kept in `v`
 * and starts at 0 (tf.train.adagrad starts it at 0.1 by default and puts ε inside the root).
 */
export function adagradStep(state: OptState, grad: number[], hyper: Pick<Hyper, "alpha" | "epsilon">): OptState {
  const {alpha, epsilon} = hyper;
  const v = state.v.map((s, i) => s + grad[i] * grad[i]);
  return {w: state.w.map((w, i) => w - (alpha * grad[i]) / (Math.sqrt(v[i]) + epsilon)), t: state.t + 1, m: state.m, v};
}
