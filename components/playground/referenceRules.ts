/**
 * The update rule of each reference optimiser as LaTeX, with its hyper-parameter symbols, so UpdateRule can show a
 * reference with the sliders' numbers substituted exactly as it shows a printed rule. Pure.
 */
import type {OptimizerName} from "../math/optimizers/index.js";
import type {HyperName} from "./spec.js";

export interface TexRule {
  latex: string;
  symbols: Record<string, HyperName>;
}

const A = {"\\alpha": "alpha"} as const;

export const REFERENCE_RULES: Record<OptimizerName, TexRule> = {
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
  }
};
