/**
 * torch.optim.lr_scheduler.StepLR / MultiStepLR / ExponentialLR / CosineAnnealingLR (arguments as PyTorch reads
 * them) and Keras' ExponentialDecay, as LrSchedules. Whether a PyTorch schedule advances per epoch or per batch is
 * decided by where the loop calls scheduler.step() (loop.ts). Pure.
 */
import type {LrSchedule} from "../keras/program.js";
import {checkSchedule} from "../keras/schedule.js";
import type {Arg} from "./layers.js";

export const TORCH_SCHEDULERS = ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR"];

function num(v: Arg | undefined, what: string, def?: number): number {
  if (v === undefined && def !== undefined) return def;
  if (typeof v === "number") return v;
  throw new Error(`${what} must be a number`);
}

/** `torch.optim.lr_scheduler.<name>(optimizer, …)`: args[0] is the optimiser (already checked by the caller). */
export function torchScheduler(name: string, args: Arg[], kw: Record<string, Arg>, line: number): LrSchedule {
  const get = (k: string, pos: number) => kw[k] ?? args[pos];
  const known: Record<string, string[]> = {StepLR: ["step_size", "gamma"], MultiStepLR: ["milestones", "gamma"], ExponentialLR: ["gamma"],
    CosineAnnealingLR: ["T_max", "eta_min"]};
  if (!known[name]) throw new Error(`torch.optim.lr_scheduler.${name} is not supported (supported: ${TORCH_SCHEDULERS.join(", ")})`);
  for (const k of Object.keys(kw)) {
    if (!known[name].includes(k) && k !== "optimizer" && !(k === "verbose" || (k === "last_epoch" && kw[k] === -1))) {
      throw new Error(`torch.optim.lr_scheduler.${name}: argument ${k}= is not supported`);
    }
  }
  const per = "epoch" as const;
  switch (name) {
    case "StepLR":
      return checkSchedule({kind: "step", per, stepSize: num(get("step_size", 1), "step_size"), gamma: num(get("gamma", 2), "gamma", 0.1), line});
    case "MultiStepLR": {
      const m = get("milestones", 1);
      if (!Array.isArray(m) || !m.every((x) => typeof x === "number")) throw new Error("MultiStepLR: milestones must be a list of numbers");
      return checkSchedule({kind: "multistep", per, milestones: m as number[], gamma: num(get("gamma", 2), "gamma", 0.1), line});
    }
    case "ExponentialLR":
      return checkSchedule({kind: "exponential", per, gamma: num(get("gamma", 1), "gamma"), line});
    default:
      return checkSchedule({kind: "cosine", per, tMax: num(get("T_max", 1), "T_max"), etaMin: num(get("eta_min", 2), "eta_min", 0), line});
  }
}

/** keras.optimizers.schedules.ExponentialDecay(initial_learning_rate, decay_steps, decay_rate, staircase=False). */
export function kerasExponentialDecay(args: Arg[], kw: Record<string, Arg>, line: number): {schedule: LrSchedule; initial: number} {
  const get = (k: string, pos: number) => kw[k] ?? args[pos];
  for (const k of Object.keys(kw)) {
    if (!["initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name"].includes(k)) throw new Error(`ExponentialDecay: argument ${k}= is not supported`);
  }
  const initial = num(get("initial_learning_rate", 0), "initial_learning_rate");
  const staircase = get("staircase", 3);
  const schedule = checkSchedule({kind: "decay", decaySteps: num(get("decay_steps", 1), "decay_steps"), decayRate: num(get("decay_rate", 2), "decay_rate"),
    staircase: staircase === true, line});
  return {schedule, initial};
}
