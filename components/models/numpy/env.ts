/** A fresh NumPy environment: numpy / sklearn / math module names bound as the code imports them. Pure. */
import {Budget} from "./ndarray.js";
import {Generator} from "./random.js";
import type {NPEnv, NPValue} from "./values.js";

export function newEnv(seed = 42, budget = new Budget()): NPEnv {
  return {vars: new Map<string, NPValue>(), rng: new Generator(seed, {legacy: true}), budget, defaultSeed: seed};
}

/** Binds `import numpy as np` / `from sklearn.datasets import make_moons` style imports; false when not a data module. */
export function bindImport(env: NPEnv, module: string, name: string | null, alias: string | null): boolean {
  if (!/^(numpy|sklearn|math|random)(\.|$)/.test(module)) return false;
  if (name === null) {
    const bound = alias ?? module.split(".")[0];
    env.vars.set(bound, {obj: "module", path: alias ? module : module.split(".")[0]});
  } else env.vars.set(alias ?? name, {obj: "module", path: `${module}.${name}`});
  return true;
}
