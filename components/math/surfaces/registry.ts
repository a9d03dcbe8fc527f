/** Surfaces by id, as pages name them in Playground specs. */
import {quadratic} from "./quadratic.js";
import {rosenbrock} from "./rosenbrock.js";
import {saddle} from "./saddle.js";
import type {Surface} from "./types.js";

const FACTORIES: Record<string, (seed: number) => Surface> = {
  quadratic: () => quadratic(),
  rosenbrock: () => rosenbrock(),
  saddle: () => saddle()
};

export const SURFACE_IDS = Object.keys(FACTORIES);

/** The built-in surface with this id (extras beside the ones read from the chapter). Unknown ids throw with the list. */
export function getSurface(id: string, seed = 4): Surface {
  const make = FACTORIES[id];
  if (!make) throw new Error(`unknown surface "${id}"; known: ${SURFACE_IDS.join(", ")}`);
  return make(seed);
}
