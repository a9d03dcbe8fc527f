import {tSurface} from "./messages.js";
import {checkWeights, type Surface} from "./types.js";

/** Ill-conditioned quadratic f(w) = ½(a·w₀² + b·w₁²), condition number b/a. */
export function quadratic(a = 1, b = 20): Surface {
  if (!(a > 0 && b > 0)) throw new Error(`quadratic: curvatures must be positive, got a=${a}, b=${b}`);
  const id = "quadratic";
  return {
    id,
    title: tSurface("quadraticTitle", {a, b, kappa: +(Math.max(a, b) / Math.min(a, b)).toFixed(2)}),
    labels: ["w₀", "w₁"],
    f(w) {
      checkWeights(id, w, 2);
      return 0.5 * (a * w[0] * w[0] + b * w[1] * w[1]);
    },
    grad(w) {
      checkWeights(id, w, 2);
      return [a * w[0], b * w[1]];
    },
    domain: {x: [-4, 4], y: [-2, 2]},
    minimum: [0, 0],
    start: [-3.5, 1.5],
    alpha: 1 / Math.max(a, b),
    // ½(a·w₀² + b·w₁²) is exactly MSE = (1/n)Σ(yᵢ − ŷᵢ)² with n = 2, ŷ = (√a·w₀, √b·w₁), y = (0, 0)
    loss: "mse",
    note: tSurface("quadraticNote", {a, b, max: Math.max(a, b), limit: +(2 / Math.max(a, b)).toFixed(4)})
  };
}
