/** Surfaces by id, as pages name them in Playground specs. */
import {linearTheta004, linearThetaBias004} from "./linear004.js";
import {PAIRS_001, logistic001} from "./logistic001.js";
import {quadratic} from "./quadratic.js";
import {rosenbrock} from "./rosenbrock.js";
import {saddle} from "./saddle.js";
import type {Surface} from "./types.js";

const FACTORIES: Record<string, (seed: number) => Surface> = {
  quadratic: () => quadratic(),
  rosenbrock: () => rosenbrock(),
  saddle: () => saddle(),
  "linear-theta-004": (seed) => linearTheta004(seed),
  "linear-theta-b-004": (seed) => linearThetaBias004(seed),
  ...Object.fromEntries(Object.entries(PAIRS_001).map(([k, pair]) => [`logistic-001-${k}`, () => logistic001(pair)]))
};

export const SURFACE_IDS = Object.keys(FACTORIES);

/** The surface with this id; seed drives generated data (004). Unknown ids throw with the list of known ones. */
export function getSurface(id: string, seed = 4): Surface {
  const make = FACTORIES[id];
  if (!make) throw new Error(`unknown surface "${id}"; known: ${SURFACE_IDS.join(", ")}`);
  return make(seed);
}
