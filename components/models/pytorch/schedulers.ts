/**
 * torch.optim.lr_scheduler.StepLR / MultiStepLR / ExponentialLR / CosineAnnealingLR / CosineAnnealingWarmRestarts (arguments as PyTorch reads
 * them) and Keras' ExponentialDecay, as LrSchedules. Whether a PyTorch schedule advances per epoch or per batch is
 * decided by where the loop calls scheduler.step() (loop.ts). Pure.
 */
import type {LrSchedule} from "../keras/program.js";
import {checkSchedule} from "../keras/schedule.js";
import type {Arg} from "./layers.js";
import {plateauScheduler} from "./plateau.js";

export const TORCH_SCHEDULERS = ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LambdaLR", "OneCycleLR", "ReduceLROnPlateau",
  "CosineAnnealingWarmRestarts", "LinearLR", "ConstantLR", "PolynomialLR", "SequentialLR"];

/** Steps of a LambdaLR whose factors are computed (the last one holds afterwards). */
export const LAMBDA_STEPS = 20_000;

function num(v: Arg | undefined, what: string, def?: number): number {
  if (v === undefined && def !== undefined) return def;
  if (typeof v === "number") return v;
  throw new Error(`${what} must be a number`);
}

/**
 * `torch.optim.lr_scheduler.<name>(optimizer, …)`: args[0] is the optimiser (already checked by the caller). LambdaLR's
 * factors come from the caller, which calls the code's function (`factor(k)` for k = 0, 1, …).
 */
export function torchScheduler(name: string, args: Arg[], kw: Record<string, Arg>, line: number, factor?: (k: number) => number, text = ""): LrSchedule {
  if (name === "ReduceLROnPlateau") return plateauScheduler(args, kw, line);
  const get = (k: string, pos: number) => kw[k] ?? args[pos];
  const known: Record<string, string[]> = {StepLR: ["step_size", "gamma"], MultiStepLR: ["milestones", "gamma"], ExponentialLR: ["gamma"],
    CosineAnnealingLR: ["T_max", "eta_min"], LambdaLR: ["lr_lambda"], CosineAnnealingWarmRestarts: ["T_0", "T_mult", "eta_min"],
    LinearLR: ["start_factor", "end_factor", "total_iters"], ConstantLR: ["factor", "total_iters"], PolynomialLR: ["total_iters", "power"],
    OneCycleLR: ["max_lr", "total_steps", "epochs", "steps_per_epoch", "pct_start", "anneal_strategy", "div_factor", "final_div_factor", "cycle_momentum",
      "base_momentum", "max_momentum", "three_phase"]};
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
    case "LambdaLR":
      if (!factor) throw new Error("LambdaLR: lr_lambda must be a function of the code's own");
      return lambdaSchedule(factor, 1, text, line);
    case "OneCycleLR":
      return oneCycle(get, kw, line);
    case "ExponentialLR":
      return checkSchedule({kind: "exponential", per, gamma: num(get("gamma", 1), "gamma"), line});
    case "LinearLR":
      return checkSchedule({kind: "linear", per, startFactor: num(get("start_factor", 1), "start_factor", 1 / 3), endFactor: num(get("end_factor", 2), "end_factor", 1),
        totalIters: num(get("total_iters", 3), "total_iters", 5), line});
    case "ConstantLR":
      return checkSchedule({kind: "constant", per, factor: num(get("factor", 1), "factor", 1 / 3), totalIters: num(get("total_iters", 2), "total_iters", 5), line});
    case "PolynomialLR":
      return checkSchedule({kind: "polynomial", per, totalIters: num(get("total_iters", 1), "total_iters", 5), power: num(get("power", 2), "power", 1), line});
    case "CosineAnnealingWarmRestarts":
      return checkSchedule({kind: "restarts", per, t0: num(get("T_0", 1), "T_0"), tMult: num(get("T_mult", 2), "T_mult", 1), etaMin: num(get("eta_min", 3), "eta_min", 0), line});
    default:
      return checkSchedule({kind: "cosine", per, tMax: num(get("T_max", 1), "T_max"), etaMin: num(get("eta_min", 2), "eta_min", 0), line});
  }
}

/**
 * SequentialLR(optimizer, schedulers=[…], milestones=[…]): each schedule from its milestone on, restarted from the
 * initial rate. The parts must be schedules the page follows on their own.
 */
export function sequentialSchedule(parts: LrSchedule[], milestones: Arg | undefined, line: number): LrSchedule {
  if (!Array.isArray(milestones) || !milestones.every((m) => typeof m === "number")) throw new Error("SequentialLR: milestones must be a list of numbers");
  if (parts.some((p) => p.kind === "lambda" || p.kind === "onecycle" || p.kind === "restarts")) {
    throw new Error("SequentialLR: LambdaLR, OneCycleLR and CosineAnnealingWarmRestarts parts are not followed");
  }
  // the parts are stepped by the SequentialLR: its line is theirs
  return checkSchedule({kind: "sequential", per: "epoch", parts: parts.map((p) => ({...p, line})), milestones: milestones as number[], line});
}

/** LambdaLR's rates for `steps` steps: factor(k) for k = 0 … steps − 1 (a tail that no longer changes is dropped). */
export function lambdaSchedule(factor: (k: number) => number, steps: number, text: string, line: number): LrSchedule {
  const factors = Array.from({length: Math.max(1, Math.min(steps, LAMBDA_STEPS))}, (_, k) => +factor(k).toPrecision(7));
  let n = factors.length;
  while (n > 1 && factors[n - 2] === factors[n - 1]) n--;
  return checkSchedule({kind: "lambda", per: "epoch", factors: factors.slice(0, n), text, line});
}

/** OneCycleLR(optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3, anneal_strategy="cos", …). */
function oneCycle(get: (k: string, pos: number) => Arg | undefined, kw: Record<string, Arg>, line: number): LrSchedule {
  if (kw.three_phase === true) throw new Error("OneCycleLR: three_phase=True is not supported");
  const maxLr = get("max_lr", 1);
  if (Array.isArray(maxLr)) throw new Error("OneCycleLR: one max_lr per parameter group is not supported");
  const total = get("total_steps", 2) ?? null;
  const totalSteps = total !== null ? num(total, "total_steps") : num(get("epochs", 3), "epochs (or total_steps)") * num(get("steps_per_epoch", 4), "steps_per_epoch");
  const anneal = get("anneal_strategy", 6) ?? "cos";
  if (anneal !== "cos" && anneal !== "linear") throw new Error(`OneCycleLR: anneal_strategy must be "cos" or "linear", got ${String(anneal)}`);
  return checkSchedule({kind: "onecycle", per: "epoch", maxLr: num(maxLr, "max_lr"), totalSteps, pctStart: num(get("pct_start", 5), "pct_start", 0.3), anneal,
    divFactor: num(get("div_factor", 10), "div_factor", 25), finalDivFactor: num(get("final_div_factor", 11), "final_div_factor", 1e4), line});
}

/** The Keras schedules the page follows (keras.optimizers.schedules.<name>). */
export const KERAS_SCHEDULES = ["ExponentialDecay", "CosineDecay", "PolynomialDecay", "PiecewiseConstantDecay", "InverseTimeDecay"];

/**
 * keras.optimizers.schedules.<name>(…): CosineDecay(initial_learning_rate, decay_steps, alpha=0), PolynomialDecay(
 * initial_learning_rate, decay_steps, end_learning_rate=1e-4, power=1), PiecewiseConstantDecay(boundaries, values),
 * InverseTimeDecay(initial_learning_rate, decay_steps, decay_rate, staircase=False), ExponentialDecay. Stepped once
 * per optimiser step, from 0.
 */
export function kerasSchedule(name: string, args: Arg[], kw: Record<string, Arg>, line: number): {schedule: LrSchedule; initial: number} {
  if (name === "ExponentialDecay") return kerasExponentialDecay(args, kw, line);
  if (!KERAS_SCHEDULES.includes(name)) throw new Error(`keras.optimizers.schedules.${name} is not supported (supported: ${KERAS_SCHEDULES.join(", ")})`);
  const get = (k: string, pos: number) => kw[k] ?? args[pos];
  const known: Record<string, string[]> = {CosineDecay: ["initial_learning_rate", "decay_steps", "alpha", "name", "warmup_target", "warmup_steps"],
    PolynomialDecay: ["initial_learning_rate", "decay_steps", "end_learning_rate", "power", "cycle", "name"],
    PiecewiseConstantDecay: ["boundaries", "values", "name"], InverseTimeDecay: ["initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name"]};
  for (const k of Object.keys(kw)) if (!known[name].includes(k)) throw new Error(`${name}: argument ${k}= is not supported`);
  const per = "batch" as const;
  if (name === "PiecewiseConstantDecay") {
    const list = (v: Arg | undefined, what: string) => {
      if (!Array.isArray(v) || !v.every((x) => typeof x === "number")) throw new Error(`PiecewiseConstantDecay: ${what} must be a list of numbers`);
      return v as number[];
    };
    const values = list(get("values", 1), "values");
    return {schedule: checkSchedule({kind: "piecewise", per, boundaries: list(get("boundaries", 0), "boundaries"), values, line}), initial: values[0]};
  }
  const initial = num(get("initial_learning_rate", 0), "initial_learning_rate");
  const decaySteps = num(get("decay_steps", 1), "decay_steps");
  if (name === "CosineDecay") {
    if ((kw.warmup_steps ?? 0) !== 0) throw new Error("CosineDecay: a warm-up (warmup_steps=…) is not followed");
    return {schedule: checkSchedule({kind: "cosineDecay", per, decaySteps, alpha: num(get("alpha", 2), "alpha", 0), line}), initial};
  }
  if (name === "PolynomialDecay") {
    if (get("cycle", 4) === true) throw new Error("PolynomialDecay: cycle=True is not followed");
    return {schedule: checkSchedule({kind: "polynomial", per, totalIters: decaySteps, power: num(get("power", 3), "power", 1),
      endLr: num(get("end_learning_rate", 2), "end_learning_rate", 1e-4), line}), initial};
  }
  return {schedule: checkSchedule({kind: "inverseTime", per, decaySteps, decayRate: num(get("decay_rate", 2), "decay_rate"), staircase: get("staircase", 3) === true, line}), initial};
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
