/**
 * Playground(spec, options) → Element: the notebook's cells composed without Framework (the harness, the
 * benchmark, any page that wants the whole thing in one element). The same pieces, wired the way the generated
 * cells wire them: picker → surface → plots; controls → paths → plots, curves and update rules. `.value` is the
 * controls' value and an `input` event fires on every change (view() contract). Redraws are coalesced to one per
 * animation frame: the first change in a frame redraws at once, later ones in the same frame redraw once at the
 * start of the next (as Framework's runtime does for the generated cells), so a frame never does two.
 */
import {tPlayground} from "../i18n/playground.js";
import {LossCurves, type LossCurvesElement} from "../plots/LossCurves.js";
import {LossSurface, type LossSurfaceElement} from "../plots/LossSurface.js";
import {Surface3D, type Surface3DElement} from "../plots/Surface3D.js";
import {OptimizerControls, type ControlsValue} from "../playground/OptimizerControls.js";
import {extraReferencesFor, referencesFor, runOptimizers, startFor, type Path} from "../playground/runOptimizers.js";
import type {PlaygroundSpec} from "../playground/spec.js";
import {surfaceFromSpec} from "../playground/surface.js";
import {SurfacePicker} from "../playground/SurfacePicker.js";
import {UpdateRule, type UpdateRuleElement} from "../playground/UpdateRule.js";
import type {Surface} from "../math/surfaces/types.js";
import {injectPlaygroundStyle} from "./PlaygroundStyle.js";

export interface PlaygroundOptions {
  /** draw the 3-D view too (default true) */
  view3d?: boolean;
  /** fixed plot width (default: the container's) */
  width?: number;
  signal?: AbortSignal;
}

export interface PlaygroundElement extends HTMLElement {
  value: ControlsValue | null;
  /** the paths drawn now */
  paths: Path[];
}

export function Playground(spec: PlaygroundSpec, options: PlaygroundOptions = {}): PlaygroundElement {
  injectPlaygroundStyle();
  const root = document.createElement("div") as unknown as PlaygroundElement;
  root.className = "gb-playground";
  try {
    build(root, spec, options);
  } catch (e) {
    const p = Object.assign(document.createElement("p"), {className: "gb-pg-error", textContent: tPlayground("error", {message: (e as Error).message})});
    p.setAttribute("role", "alert");
    root.replaceChildren(p);
    Object.defineProperty(root, "value", {value: null, configurable: true});
  }
  return root;
}

function build(root: PlaygroundElement, spec: PlaygroundSpec, options: PlaygroundOptions) {
  if (!spec || !Array.isArray(spec.surfaces) || !spec.surfaces.length) throw new Error("spec.surfaces must be a non-empty list of surfaces");
  const rules = spec.rules ?? [];
  const picker = SurfacePicker(spec.surfaces);
  const controls = OptimizerControls(spec.defaults ?? {}, {rules, claims: spec.claims ?? [], picker});
  const plotBox = document.createElement("div"), curvesBox = document.createElement("div"), rulesBox = document.createElement("div"), box3d = document.createElement("div");
  root.append(picker, plotBox, controls, curvesBox, rulesBox, box3d);
  let surface: Surface;
  let plot: LossSurfaceElement;
  let view3d: Surface3DElement | null = null;
  let curves: LossCurvesElement;
  // the rules do not depend on the surface: rendered once, their numbers rewritten on every change
  const references = [...referencesFor(rules), ...extraReferencesFor(rules, controls.value).map((x) => x.name)];
  const ruleEls: UpdateRuleElement[] = [...rules.map((r) => UpdateRule(r, controls.value)), ...references.map((n) => UpdateRule(n, controls.value))];
  rulesBox.replaceChildren(...ruleEls);

  const showSurface = () => {
    surface = surfaceFromSpec(spec.surfaces.find((s) => s.id === picker.value)!);
    plot = LossSurface(surface, {width: options.width, onStart: (w) => controls.setStart(w, surface.id)});
    plotBox.replaceChildren(plot);
    view3d = options.view3d === false || !surface.domain.y ? null : Surface3D(surface, {width: options.width});
    box3d.replaceChildren(...(view3d ? [view3d] : []));
    curves = LossCurves([], {width: options.width, onStep: (k) => plot.setStep(k)});
    curvesBox.replaceChildren(curves);
  };
  const showPaths = () => {
    const hyper = controls.value;
    root.paths = runOptimizers(surface, hyper, rules);
    plot.setPaths(root.paths, startFor(surface, hyper));
    view3d?.setPaths(root.paths);
    curves.setPaths(root.paths);
    for (const r of ruleEls) r.setHyper(hyper);
  };
  const redraw = oncePerFrame(showPaths);
  picker.addEventListener("input", (e) => {
    if (e.target !== root) {
      showSurface();
      showPaths();
    }
  });
  controls.addEventListener("input", redraw);
  Object.defineProperty(root, "value", {get: () => controls.value, configurable: true});
  showSurface();
  showPaths();
}

/** f at most once per animation frame: at once when this frame has not run it, else once at the next frame's start. */
export function oncePerFrame(f: () => void): () => void {
  if (typeof requestAnimationFrame === "undefined") return f;
  let ranThisFrame = false, pending = false;
  const tick = () => {
    ranThisFrame = false;
    if (!pending) return;
    pending = false;
    run();
  };
  const run = () => {
    ranThisFrame = true;
    requestAnimationFrame(tick);
    f();
  };
  return () => {
    if (ranThisFrame) pending = true;
    else run();
  };
}
