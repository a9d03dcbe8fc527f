import {checkWeights, type Surface} from "./types.js";

/** Rosenbrock's banana f(x, y) = (a − x)² + b(y − x²)², minimum at (a, a²). */
export function rosenbrock(a = 1, b = 100): Surface {
  const id = "rosenbrock";
  return {
    id,
    title: `Rosenbrock 香蕉函数 (${a} − x)² + ${b}(y − x²)²`,
    labels: ["x", "y"],
    f(w) {
      checkWeights(id, w, 2);
      const [x, y] = w;
      return (a - x) ** 2 + b * (y - x * x) ** 2;
    },
    grad(w) {
      checkWeights(id, w, 2);
      const [x, y] = w;
      return [-2 * (a - x) - 4 * b * x * (y - x * x), 2 * b * (y - x * x)];
    },
    domain: {x: [-2, 2], y: [-1, 3]},
    minimum: [a, a * a],
    start: [-1.5, 2.5],
    alpha: 0.001,
    note: "谷底很容易到达，却很难沿着走：普通梯度下降 (GD) 要几千步才能沿香蕉形的谷底走到 (1, 1)。"
  };
}
