/** Browser entry for the playground's own harness (tests, benchmark): exposes the components on window.gb. */
import {OPTIMIZERS} from "../components/math/optimizers/index.js";
import {runOptimizer} from "../components/math/optimizers/run.js";
import {contourGrid} from "../components/math/surfaces/contourGrid.js";
import {getSurface} from "../components/math/surfaces/registry.js";
import {LossCurves} from "../components/plots/LossCurves.js";
import {LossSurface} from "../components/plots/LossSurface.js";
import {Surface3D} from "../components/plots/Surface3D.js";
import {OptimizerControls} from "../components/playground/OptimizerControls.js";
import {referencesFor, runOptimizers, startFor} from "../components/playground/runOptimizers.js";
import {surfaceFromSpec} from "../components/playground/surface.js";
import {SurfacePicker} from "../components/playground/SurfacePicker.js";
import {UpdateRule} from "../components/playground/UpdateRule.js";
import {Playground} from "../components/widgets/Playground.js";

const gb = {OPTIMIZERS, runOptimizer, contourGrid, getSurface, LossCurves, LossSurface, Surface3D, OptimizerControls, runOptimizers, referencesFor, startFor, surfaceFromSpec, SurfacePicker, UpdateRule, Playground};
(globalThis as unknown as {gb: typeof gb}).gb = gb;
document.documentElement.dataset.ready = "1";
