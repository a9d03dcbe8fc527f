/**
 * Re-runs the data statements of an ArraysRecipe (the code's own NumPy / sklearn / torch-tensor lines, in order,
 * with the same seeded generator) and reads the named arrays: the page's copy of data too large to ship. Pure.
 */
import type {ArraysData, ArraysRecipe} from "../keras/program.js";
import {statements} from "../keras/lines.js";
import {bindImport, newEnv} from "./env.js";
import {isND} from "./ndarray.js";
import {targetsOf} from "../targets.js";
import {Script} from "./script.js";
import type {NPEnv} from "./values.js";

/** Binds the modules an `import` / `from … import` statement names; true when the statement is an import. */
export function runImport(env: NPEnv, text: string): boolean {
  let m = /^import\s+(.+)$/.exec(text);
  if (m) {
    for (const part of m[1].split(",")) {
      const [mod, alias] = part.trim().split(/\s+as\s+/);
      bindImport(env, mod, null, alias ?? null);
    }
    return true;
  }
  m = /^from\s+([\w.]+)\s+import\s+\(?(.+?)\)?$/.exec(text);
  if (m) {
    for (const part of m[2].split(",")) {
      const [name, alias] = part.trim().split(/\s+as\s+/);
      if (name !== "*") bindImport(env, m[1], name, alias ?? null);
    }
    return true;
  }
  return false;
}

function read(env: NPEnv, x: string, y: string): ArraysData {
  const X = env.vars.get(x), Y = env.vars.get(y);
  if (!isND(X) || !isND(Y)) throw new Error(`the recipe does not define arrays ${x} and ${y}`);
  const t = targetsOf(Y);
  return {x: Array.from(X.data), y: Array.from(t.values), n: X.shape[0], ...(t.width > 1 ? {yWidth: t.width} : {})};
}

export function regenerateArrays(recipe: ArraysRecipe): {train: ArraysData; test?: ArraysData; val?: ArraysData} {
  const env = newEnv(recipe.seed);
  const script = new Script(env);
  for (const s of recipe.statements) {
    if (runImport(env, s.text)) continue;
    script.run(statements(s.text, s.line - 1));
  }
  const {x, y, testX, testY, valX, valY} = recipe.names;
  return {train: read(env, x, y), ...(testX && testY ? {test: read(env, testX, testY)} : {}), ...(valX && valY ? {val: read(env, valX, valY)} : {})};
}
