/**
 * OptimizerControls(defaults, options) → Element: the sliders the drawn rules use, a reset button and a preset
 * button per claim of the text. Honours Framework's view() contract: `.value` is {alpha, beta_1, beta_2, epsilon,
 * gamma, rho, lambda, steps, start?, startOn?} and an `input` event fires on every change.
 */
import {tPlayground} from "../i18n/playground.js";
import {DEFAULT_HYPER, type Hyper} from "../math/optimizers/types.js";
import {injectPlaygroundStyle} from "../widgets/PlaygroundStyle.js";
import {ClaimPresets} from "./ClaimPresets.js";
import {fmt} from "./format.js";
import type {HyperValue} from "./runOptimizers.js";
import {fromPosition, sliderLabel, slidersFor, toPosition, type SliderKey} from "./sliders.js";
import type {ClaimSpec, RuleSpec} from "./spec.js";

export type ControlsValue = HyperValue & {startOn?: string};

export interface OptimizerControlsOptions {
  /** the rules drawn (default: none, so the default references' sliders) */
  rules?: RuleSpec[];
  claims?: ClaimSpec[];
  /** the surface picker a preset with a surface sets */
  picker?: HTMLElement & {value: string};
}

export interface ControlsElement extends HTMLFormElement {
  value: ControlsValue;
  /** sets some values (a preset) and fires one input event */
  set(values: Partial<ControlsValue>): void;
  /** the start point dragged on a plot of surface `on` */
  setStart(w: number[], on?: string): void;
}

let uid = 0;

export function OptimizerControls(defaults: Partial<Hyper> & {steps?: number}, options: OptimizerControlsOptions = {}): ControlsElement {
  injectPlaygroundStyle();
  const id = `gb-pg-ctl${++uid}`;
  const base: ControlsValue = {...DEFAULT_HYPER, steps: 100, ...defaults};
  let v: ControlsValue = {...base};
  const form = document.createElement("form") as ControlsElement;
  form.className = "gb-pg-controls";
  form.setAttribute("aria-label", tPlayground("controls"));
  form.addEventListener("submit", (e) => e.preventDefault());
  const legend = document.createElement("div");
  legend.className = "gb-pg-note";
  legend.textContent = tPlayground("controls");
  const grid = document.createElement("div");
  grid.className = "gb-pg-sliders";
  const rows = slidersFor(options.rules ?? []).map((def) => {
    const row = document.createElement("div");
    row.className = "gb-pg-row";
    const input = Object.assign(document.createElement("input"), {type: "range", id: `${id}-${def.key}`, name: def.key, min: String(def.min), max: String(def.max), step: String(def.step)});
    const label = Object.assign(document.createElement("label"), {htmlFor: input.id, textContent: sliderLabel(def.key)});
    const out = document.createElement("output");
    out.htmlFor.add(input.id);
    input.addEventListener("input", (e) => {
      e.stopPropagation(); // the form fires its own, with the new value in place
      (v as Record<SliderKey, number>)[def.key] = fromPosition(def, Number(input.value));
      show(false);
      fire();
    });
    row.append(label, input, out);
    grid.append(row);
    return {def, input, out};
  });
  const show = (positions = true) => {
    for (const {def, input, out} of rows) {
      const val = v[def.key];
      if (positions) input.value = String(toPosition(def, val));
      const text = def.key === "steps" ? String(val) : fmt(val);
      // only the slider that moved is written (a text node given its own text again is laid out again), and
      // its text node is rewritten, not replaced (a slider move makes no node)
      if (out.textContent === text) continue;
      const t = out.firstChild;
      if (t && t === out.lastChild && t.nodeType === Node.TEXT_NODE) (t as Text).data = text;
      else out.value = text;
      input.setAttribute("aria-valuetext", text);
    }
  };
  const fire = () => form.dispatchEvent(new Event("input", {bubbles: true}));
  const reset = Object.assign(document.createElement("button"), {type: "button", textContent: tPlayground("reset")});
  reset.addEventListener("click", () => form.set({...base, start: undefined, startOn: undefined}));
  form.append(legend, grid, reset);
  if (options.claims?.length) form.append(ClaimPresets(options.claims, {apply: (p) => applyPreset(form, p, options.picker)}));
  Object.defineProperty(form, "value", {get: (): ControlsValue => ({...v, ...(v.start ? {start: v.start.slice()} : {})}), set: (x: ControlsValue) => form.set(x), configurable: true});
  form.set = (values) => {
    v = {...v, ...values};
    show();
    fire();
  };
  form.setStart = (w, on) => form.set({start: w.slice(), startOn: on});
  show();
  return form;
}

/** A claim's preset: its sliders, start and steps here, its surface on the picker (which fires its own event). */
function applyPreset(form: ControlsElement, preset: ClaimSpec["preset"], picker?: HTMLElement & {value: string}): void {
  const {surface, start, rules: _rules, ...hyper} = preset;
  if (surface && picker && picker.value !== surface) {
    picker.value = surface;
    picker.dispatchEvent(new Event("input", {bubbles: true}));
  }
  form.set({...(hyper as Partial<ControlsValue>), ...(start ? {start, startOn: surface} : {})});
}
