/**
 * Learning-rate schedules as pure functions: the rate in force for a given epoch and batch step (both counted from 0,
 * the number completed before this one), given the initial rate. Same formulas as PyTorch's lr_scheduler (closed
 * forms) and Keras' ExponentialDecay / LearningRateScheduler. Pure: no tf, no DOM.
 */
import type {LrSchedule} from "./program.js";

export function learningRateAt(s: LrSchedule, base: number, epoch: number, step: number): number {
  if (s.kind === "decay") return base * s.decayRate ** (s.staircase ? Math.floor(step / s.decaySteps) : step / s.decaySteps);
  if (s.kind === "table") return s.lrs.length ? s.lrs[Math.min(epoch, s.lrs.length - 1)] : base;
  const k = s.per === "epoch" ? epoch : step;
  switch (s.kind) {
    case "step":
      return base * s.gamma ** Math.floor(k / s.stepSize);
    case "multistep":
      return base * s.gamma ** s.milestones.filter((m) => m <= k).length;
    case "exponential":
      return base * s.gamma ** k;
    case "cosine":
      return s.etaMin + ((base - s.etaMin) * (1 + Math.cos((Math.PI * k) / s.tMax))) / 2;
  }
}

/** Whether the rate can change between batches of one epoch (else it is set once per epoch). */
export function perBatch(s: LrSchedule): boolean {
  return s.kind === "decay" || (s.kind !== "table" && s.per === "batch");
}

/** Checks a schedule's numbers (the translator and the program reader both call it); throws with the field's name. */
export function checkSchedule(s: LrSchedule): LrSchedule {
  const pos = (x: number, what: string) => {
    if (!(Number.isFinite(x) && x > 0)) throw new Error(`schedule ${s.kind}: ${what} must be a positive number, got ${x}`);
  };
  if (s.kind === "step") (pos(s.stepSize, "stepSize"), pos(s.gamma, "gamma"));
  if (s.kind === "multistep") (s.milestones.forEach((m) => pos(m + 1, "milestones")), pos(s.gamma, "gamma"));
  if (s.kind === "exponential") pos(s.gamma, "gamma");
  if (s.kind === "cosine") (pos(s.tMax, "tMax"), pos(s.etaMin + 1, "etaMin"));
  if (s.kind === "decay") (pos(s.decaySteps, "decaySteps"), pos(s.decayRate, "decayRate"));
  if (s.kind === "table") s.lrs.forEach((x) => pos(x, "lrs"));
  return s;
}
