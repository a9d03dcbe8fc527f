import {tSurface} from "./messages.js";
import {checkWeights, type Surface} from "./types.js";

/** Rosenbrock's banana f(x, y) = (a − x)² + b(y − x²)², minimum at (a, a²). */
export function rosenbrock(a = 1, b = 100): Surface {
  const id = "rosenbrock";
  return {
    id,
    title: tSurface("rosenbrockTitle", {a, b}),
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
    note: tSurface("rosenbrockNote")
  };
}
