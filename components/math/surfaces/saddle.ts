import {checkWeights, type Surface} from "./types.js";

/** A saddle with two wells: f(x, y) = ½x² + ¼y⁴ − ½y²; saddle at (0, 0), minima at (0, ±1) with f = −¼. */
export function saddle(): Surface {
  const id = "saddle";
  return {
    id,
    title: "Saddle ½x² + ¼y⁴ − ½y²",
    labels: ["x", "y"],
    f(w) {
      checkWeights(id, w, 2);
      const [x, y] = w;
      return 0.5 * x * x + 0.25 * y ** 4 - 0.5 * y * y;
    },
    grad(w) {
      checkWeights(id, w, 2);
      const [x, y] = w;
      return [x, y ** 3 - y];
    },
    domain: {x: [-2, 2], y: [-2, 2]},
    minimum: [0, 1],
    start: [-1.8, 0.01],
    alpha: 0.1,
    note: "Start on the ridge y = 0 exactly and every optimiser stops at the saddle (the gradient has no y part); a tiny offset lets it escape to one of the two minima.",
    marks: [{kind: "point", at: [0, 0], label: "saddle"}, {kind: "point", at: [0, -1], label: "minimum"}]
  };
}
