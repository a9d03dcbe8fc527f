import {tSurface} from "./messages.js";
import {checkWeights, type Surface} from "./types.js";

/** A saddle with two wells: f(x, y) = ½x² + ¼y⁴ − ½y²; saddle at (0, 0), minima at (0, ±1) with f = −¼. */
export function saddle(): Surface {
  const id = "saddle";
  return {
    id,
    title: tSurface("saddleTitle"),
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
    note: tSurface("saddleNote"),
    marks: [{kind: "point", at: [0, 0], label: tSurface("saddlePoint")}, {kind: "point", at: [0, -1], label: tSurface("minimum")}]
  };
}
