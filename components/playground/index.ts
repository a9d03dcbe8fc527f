/** The playground's notebook pieces, as the generated pages import them (one import line per page). */
export {ClaimPresets} from "./ClaimPresets.js";
export {NotebookCode} from "./NotebookCode.js";
export {OptimizerControls, type ControlsElement, type ControlsValue} from "./OptimizerControls.js";
export {extraReferencesFor, referencesFor, runOptimizers, startFor, type HyperValue, type Path} from "./runOptimizers.js";
export {SurfacePicker} from "./SurfacePicker.js";
export {UpdateRule, updateRuleTex} from "./UpdateRule.js";
export {LossCurves} from "../plots/LossCurves.js";
export {LossSurface} from "../plots/LossSurface.js";
export {Surface3D} from "../plots/Surface3D.js";
export {surfaceFromSpec} from "./surface.js";
