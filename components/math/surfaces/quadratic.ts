import {checkWeights, type Surface} from "./types.js";

/** Ill-conditioned quadratic f(w) = ½(a·w₀² + b·w₁²), condition number b/a. */
export function quadratic(a = 1, b = 20): Surface {
  if (!(a > 0 && b > 0)) throw new Error(`quadratic: curvatures must be positive, got a=${a}, b=${b}`);
  const id = "quadratic";
  return {
    id,
    title: `Ill-conditioned quadratic ½(${a}·w₀² + ${b}·w₁²), κ = ${+(Math.max(a, b) / Math.min(a, b)).toFixed(2)}`,
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
    note: `Gradient descent converges only for α < 2/${Math.max(a, b)} = ${+(2 / Math.max(a, b)).toFixed(4)}; near that limit it zig-zags across the narrow valley while crawling along the flat one. Momentum fixes the crawl.`
  };
}
