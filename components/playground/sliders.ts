/** The sliders the playground knows: range, scale, label; and which of them a set of rules reads. Pure. */
import {tPlayground} from "../i18n/playground.js";
import {OPTIMIZERS} from "../math/optimizers/index.js";
import {DEFAULT_HYPER, type Hyper} from "../math/optimizers/types.js";
import {EXTRA_REFERENCES} from "./referenceRules.js";
import {extraReferencesFor, referencesFor} from "./runOptimizers.js";
import type {RuleSpec} from "./spec.js";

export type SliderKey = keyof Hyper | "steps";

export interface SliderDef {
  key: SliderKey;
  /** slider position range (log10 of the value when log) */
  min: number;
  max: number;
  step: number;
  log?: boolean;
}

export const SLIDERS: SliderDef[] = [
  {key: "alpha", min: -5, max: 0.5, step: 0.01, log: true},
  {key: "gamma", min: 0, max: 0.99, step: 0.01},
  {key: "beta_1", min: 0, max: 0.999, step: 0.001},
  {key: "beta_2", min: 0.5, max: 0.9999, step: 0.0001},
  {key: "rho", min: 0, max: 0.999, step: 0.001},
  {key: "epsilon", min: -12, max: -1, step: 0.1, log: true},
  {key: "lambda", min: 0, max: 0.5, step: 0.001},
  {key: "steps", min: 1, max: 2000, step: 1}
];

export const sliderLabel = (key: SliderKey): string => tPlayground(`slider_${key}`);

/** The hyper-parameters the drawn rules and their references read, in slider order, then steps. */
export function slidersFor(rules: RuleSpec[]): SliderDef[] {
  const used = new Set<SliderKey>(["steps"]);
  for (const name of referencesFor(rules)) for (const k of OPTIMIZERS[name].hyper) used.add(k);
  // Adadelta's reference reads ρ and ε (and runs at the paper's learning rate 1 unless the printed rule has one)
  for (const {name} of extraReferencesFor(rules, DEFAULT_HYPER)) for (const k of EXTRA_REFERENCES[name].hyper) used.add(k);
  for (const r of rules) if (r.drawn) for (const k of Object.values(r.symbols ?? {})) used.add(k);
  return SLIDERS.filter((s) => used.has(s.key));
}

/** Slider position of a value, clamped to the range. */
export function toPosition(def: SliderDef, v: number): number {
  const p = def.log ? Math.log10(v) : v;
  return Math.min(def.max, Math.max(def.min, p));
}

export function fromPosition(def: SliderDef, p: number): number {
  const v = def.log ? 10 ** p : p;
  return def.key === "steps" ? Math.round(v) : +v.toPrecision(6);
}
