import type {Hyper, OptState} from "./types.js";

/**
 * AdamW (Loshchilov & Hutter 2019, PyTorch's torch.optim.AdamW): Adam's moments and bias correction, with the
 * weight decay λ applied to the weights directly instead of being added to the gradient:
 * w ← w − α (m̂ / (√v̂ + ε) + λ w).  With λ = 0 it is Adam.
 */
export function adamwStep(state: OptState, grad: number[], hyper: Pick<Hyper, "alpha" | "beta_1" | "beta_2" | "epsilon" | "lambda">): OptState {
  const {alpha, beta_1, beta_2, epsilon, lambda} = hyper;
  const t = state.t + 1;
  const m = state.m.map((s, i) => beta_1 * s + (1 - beta_1) * grad[i]);
  const v = state.v.map((s, i) => beta_2 * s + (1 - beta_2) * grad[i] * grad[i]);
  const c1 = 1 - Math.pow(beta_1, t);
  const c2 = 1 - Math.pow(beta_2, t);
  const w = state.w.map((x, i) => x - alpha * (m[i] / c1 / (Math.sqrt(v[i] / c2) + epsilon) + lambda * x));
  return {w, t, m, v};
}
