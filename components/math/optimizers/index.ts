/** Re-exports of the pure optimisers and a registry by name (the names of components/playground/spec.ts RuleName). */
import {adagradStep} from "./adagrad.js";
import {adamStep} from "./adam.js";
import {adamwStep} from "./adamw.js";
import {gdStep} from "./gd.js";
import {momentumStep} from "./momentum.js";
import {nesterovStep} from "./nesterov.js";
import {rmspropStep} from "./rmsprop.js";
import type {Hyper, StepFn} from "./types.js";

export {adagradStep, adamStep, adamwStep, gdStep, momentumStep, nesterovStep, rmspropStep};
export {runOptimizer, type RunResult, type RunOptions} from "./run.js";
export {DEFAULT_HYPER, initState, type Hyper, type OptState, type StepFn} from "./types.js";

export type OptimizerName = "gd" | "momentum" | "nesterov" | "adagrad" | "rmsprop" | "adam" | "adamw";

/** Each reference optimiser: its step and the hyper-parameters it reads (the sliders it needs). */
export const OPTIMIZERS: Record<OptimizerName, {step: StepFn; hyper: (keyof Hyper)[]}> = {
  gd: {step: gdStep, hyper: ["alpha"]},
  momentum: {step: momentumStep, hyper: ["alpha", "gamma"]},
  nesterov: {step: nesterovStep, hyper: ["alpha", "gamma"]},
  adagrad: {step: adagradStep, hyper: ["alpha", "epsilon"]},
  rmsprop: {step: rmspropStep, hyper: ["alpha", "rho", "epsilon"]},
  adam: {step: adamStep, hyper: ["alpha", "beta_1", "beta_2", "epsilon"]},
  adamw: {step: adamwStep, hyper: ["alpha", "beta_1", "beta_2", "epsilon", "lambda"]}
};

export const OPTIMIZER_NAMES = Object.keys(OPTIMIZERS) as OptimizerName[];
