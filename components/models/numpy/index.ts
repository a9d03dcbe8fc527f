/** The NumPy / sklearn interpreter gradbook runs at generation time and in the page. Re-exports only. */
export {Budget, type NDArray} from "./ndarray.js";
export {Generator} from "./random.js";
export {evalNP} from "./eval.js";
export {Script, ScriptError, formatSpec, type Printed} from "./script.js";
export type {NPEnv, NPValue} from "./values.js";
export {newEnv} from "./env.js";
