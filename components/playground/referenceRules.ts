/**
 * The update rule of each reference optimiser as LaTeX, with its hyper-parameter symbols, so UpdateRule can show a
 * reference with the sliders' numbers substituted exactly as it shows a printed rule. Pure.
 */
import type {OptimizerName} from "../math/optimizers/index.js";
import type {Hyper, OptState, StepFn} from "../math/optimizers/types.js";
import type {HyperName} from "./spec.js";

export interface TexRule {
  latex: string;
  symbols: Record<string, HyperName>;
}

const A = {"\\alpha": "alpha"} as const;

/** References this folder adds to the library's optimisers (components/math/optimizers/index.ts). */
export type ExtraReference = "adadelta";
export type ReferenceName = OptimizerName | ExtraReference;

/**
 * Adadelta (Zeiler 2012, Algorithm 1; Keras' and PyTorch's Adadelta): with g the gradient,
 * E[g²] ← ρ E[g²] + (1 − ρ) g²;  Δ = −√(E[Δ²] + ε) / √(E[g²] + ε) · g;  E[Δ²] ← ρ E[Δ²] + (1 − ρ) Δ²;  w ← w + α Δ.
 * The paper has no learning rate (α = 1; runOptimizers passes 1 unless the printed rule has one). State: m holds
 * E[g²], v holds E[Δ²].
 */
export function adadeltaStep(state: OptState, grad: number[], hyper: Pick<Hyper, "alpha" | "rho" | "epsilon">): OptState {
  return adadelta(state, grad, hyper, false);
}

/**
 * tf.train.adadelta's update, which divides by the accumulator before this step's gradient is added
 * (√(E[g²]_{t-1} + ε), where the paper has E[g²]_t): its first step is the whole gradient times α. Kept to show
 * that the reference follows tf.js in everything else (test/playground-rules-reference.test.ts).
 */
export function adadeltaStepTf(state: OptState, grad: number[], hyper: Pick<Hyper, "alpha" | "rho" | "epsilon">): OptState {
  return adadelta(state, grad, hyper, true);
}

function adadelta(state: OptState, grad: number[], {alpha, rho, epsilon}: Pick<Hyper, "alpha" | "rho" | "epsilon">, lagged: boolean): OptState {
  const m = state.m.map((s, i) => rho * s + (1 - rho) * grad[i] * grad[i]);
  const delta = grad.map((g, i) => (-Math.sqrt(state.v[i] + epsilon) / Math.sqrt((lagged ? state.m[i] : m[i]) + epsilon)) * g);
  const v = state.v.map((s, i) => rho * s + (1 - rho) * delta[i] * delta[i]);
  return {w: state.w.map((w, i) => w + alpha * delta[i]), t: state.t + 1, m, v};
}

/** The extra references' steps and the hyper-parameters they read (as OPTIMIZERS in components/math/optimizers). */
export const EXTRA_REFERENCES: Record<ExtraReference, {step: StepFn; hyper: (keyof Hyper)[]}> = {
  adadelta: {step: adadeltaStep, hyper: ["rho", "epsilon"]}
};

export const REFERENCE_RULES: Record<ReferenceName, TexRule> = {
  gd: {latex: "w_{t+1} = w_t - \\alpha\\,\\nabla J(w_t)", symbols: A},
  momentum: {latex: "z_{t+1} = \\gamma\\,z_t + \\nabla J(w_t) \\\\ w_{t+1} = w_t - \\alpha\\,z_{t+1}", symbols: {...A, "\\gamma": "gamma"}},
  nesterov: {
    latex: "z_{t+1} = \\gamma\\,z_t + \\nabla J(w_t) \\\\ w_{t+1} = w_t - \\alpha\\,(\\nabla J(w_t) + \\gamma\\,z_{t+1})",
    symbols: {...A, "\\gamma": "gamma"}
  },
  adagrad: {
    latex: "G_{t+1} = G_t + (\\nabla J(w_t))^2 \\\\ w_{t+1} = w_t - \\frac{\\alpha\\,\\nabla J(w_t)}{\\sqrt{G_{t+1}} + \\epsilon}",
    symbols: {...A, "\\epsilon": "epsilon"}
  },
  rmsprop: {
    latex: "v_{t+1} = \\rho\\,v_t + (1 - \\rho)\\,(\\nabla J(w_t))^2 \\\\ w_{t+1} = w_t - \\frac{\\alpha\\,\\nabla J(w_t)}{\\sqrt{v_{t+1}} + \\epsilon}",
    symbols: {...A, "\\rho": "rho", "\\epsilon": "epsilon"}
  },
  adam: {
    latex:
      "m_t = \\beta_1 m_{t-1} + (1 - \\beta_1)\\,\\nabla J \\\\ v_t = \\beta_2 v_{t-1} + (1 - \\beta_2)\\,(\\nabla J)^2 \\\\ " +
      "w_{t} = w_{t-1} - \\alpha\\,\\frac{m_t / (1 - \\beta_1^t)}{\\sqrt{v_t / (1 - \\beta_2^t)} + \\epsilon}",
    symbols: {...A, "\\beta_1": "beta_1", "\\beta_2": "beta_2", "\\epsilon": "epsilon"}
  },
  adamw: {
    latex:
      "m_t = \\beta_1 m_{t-1} + (1 - \\beta_1)\\,\\nabla J \\\\ v_t = \\beta_2 v_{t-1} + (1 - \\beta_2)\\,(\\nabla J)^2 \\\\ " +
      "w_{t} = w_{t-1} - \\alpha \\left(\\frac{m_t / (1 - \\beta_1^t)}{\\sqrt{v_t / (1 - \\beta_2^t)} + \\epsilon} + \\lambda\\,w_{t-1}\\right)",
    symbols: {...A, "\\beta_1": "beta_1", "\\beta_2": "beta_2", "\\epsilon": "epsilon", "\\lambda": "lambda"}
  },
  adadelta: {
    latex:
      "E[g^2]_t = \\rho\\,E[g^2]_{t-1} + (1 - \\rho)\\,(\\nabla J(w_{t-1}))^2 \\\\ " +
      "\\Delta w_t = -\\frac{\\sqrt{E[\\Delta w^2]_{t-1} + \\epsilon}}{\\sqrt{E[g^2]_t + \\epsilon}}\\,\\nabla J(w_{t-1}) \\\\ " +
      "E[\\Delta w^2]_t = \\rho\\,E[\\Delta w^2]_{t-1} + (1 - \\rho)\\,\\Delta w_t^2 \\\\ w_t = w_{t-1} + \\Delta w_t",
    symbols: {"\\rho": "rho", "\\epsilon": "epsilon"}
  }
};
