import {checkWeights, type Surface} from "./types.js";

/** Ill-conditioned quadratic f(w) = ½(a·w₀² + b·w₁²), condition number b/a. */
export function quadratic(a = 1, b = 20): Surface {
  if (!(a > 0 && b > 0)) throw new Error(`quadratic: curvatures must be positive, got a=${a}, b=${b}`);
  const id = "quadratic";
  return {
    id,
    title: `病态二次函数 (ill-conditioned) ½(${a}·w₀² + ${b}·w₁²)，条件数 κ = ${+(Math.max(a, b) / Math.min(a, b)).toFixed(2)}`,
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
    note: `梯度下降只在 α < 2/${Math.max(a, b)} = ${+(2 / Math.max(a, b)).toFixed(4)} 时收敛；接近这个上限时，它在窄谷两壁之间来回震荡 (zig-zag)，沿平缓的方向却挪得很慢。动量 (momentum) 能解决这种爬行。这个函数也正是 n = 2 个样本的均方误差 MSE = ½Σ(yᵢ − ŷᵢ)²，其中 ŷ = (√${a}·w₀, √${b}·w₁)，y = (0, 0)。`
  };
}
