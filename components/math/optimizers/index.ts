/** Re-exports of the pure optimisers and a registry by name. */
import {adamStep} from "./adam.js";
import {gdStep} from "./gd.js";
import {momentumStep} from "./momentum.js";
import {rmspropStep} from "./rmsprop.js";
import type {StepFn} from "./types.js";

export {adamStep, gdStep, momentumStep, rmspropStep};
export {runOptimizer, type RunResult, type RunOptions} from "./run.js";
export {DEFAULT_HYPER, initState, type Hyper, type OptState, type StepFn} from "./types.js";

export type OptimizerName = "gd" | "momentum" | "rmsprop" | "adam";

export const OPTIMIZERS: Record<OptimizerName, {label: string; step: StepFn; hyper: string[]}> = {
  gd: {label: "梯度下降 GD", step: gdStep, hyper: ["alpha"]},
  momentum: {label: "动量 Momentum", step: momentumStep, hyper: ["alpha", "gamma"]},
  rmsprop: {label: "RMSprop", step: rmspropStep, hyper: ["alpha", "beta_2", "epsilon"]},
  adam: {label: "Adam", step: adamStep, hyper: ["alpha", "beta_1", "beta_2", "epsilon"]}
};
