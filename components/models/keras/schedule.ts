/**
 * Learning-rate schedules as pure functions: the rate in force for a given epoch and batch step (both counted from 0,
 * the number completed before this one), given the initial rate. Same formulas as PyTorch's lr_scheduler (closed
 * forms) and Keras' ExponentialDecay / LearningRateScheduler. Pure: no tf, no DOM.
 */
import type {LrSchedule} from "./program.js";
import {checkPlateau} from "../pytorch/plateau.js";

export function learningRateAt(s: LrSchedule, base: number, epoch: number, step: number): number {
  if (s.kind === "decay") return base * s.decayRate ** (s.staircase ? Math.floor(step / s.decaySteps) : step / s.decaySteps);
  if (s.kind === "table") return s.lrs.length ? s.lrs[Math.min(epoch, s.lrs.length - 1)] : base;
  if (s.kind === "plateau") return base; // the rate before any reduction: the trainer steps it on the monitored value (pytorch/plateau.ts)
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
    case "lambda":
      return base * s.factors[Math.min(k, s.factors.length - 1)];
    case "onecycle":
      return oneCycleAt(s, k);
    case "restarts":
      return restartsAt(s, base, s.fraction ? Math.max(0, k - 1) / s.fraction : k);
    case "linear":
      return base * (s.startFactor + ((s.endFactor - s.startFactor) * Math.min(k, s.totalIters)) / s.totalIters);
    case "constant":
      return k < s.totalIters ? base * s.factor : base;
    case "polynomial": {
      const end = s.endLr ?? 0;
      return (base - end) * (1 - Math.min(k, s.totalIters) / s.totalIters) ** s.power + end;
    }
    case "cosineDecay":
      return base * ((1 - s.alpha) * 0.5 * (1 + Math.cos((Math.PI * Math.min(k, s.decaySteps)) / s.decaySteps)) + s.alpha);
    case "piecewise": {
      const i = s.boundaries.findIndex((b) => k <= b);
      return s.values[i < 0 ? s.values.length - 1 : i];
    }
    case "inverseTime":
      return base / (1 + s.decayRate * (s.staircase ? Math.floor(k / s.decaySteps) : k / s.decaySteps));
    case "sequential": {
      const i = s.milestones.filter((m) => m <= k).length;
      const local = k - (i ? s.milestones[i - 1] : 0);
      return learningRateAt(s.parts[i], base, local, local);
    }
  }
}

/** CosineAnnealingWarmRestarts at cycle position x (PyTorch's closed form for step(epoch=x)). */
function restartsAt(s: Extract<LrSchedule, {kind: "restarts"}>, base: number, x: number): number {
  let tCur = x, tI = s.t0;
  if (x >= s.t0) {
    if (s.tMult === 1) tCur = x % s.t0;
    else {
      const n = Math.floor(Math.log((x / s.t0) * (s.tMult - 1) + 1) / Math.log(s.tMult));
      tCur = x - (s.t0 * (s.tMult ** n - 1)) / (s.tMult - 1);
      tI = s.t0 * s.tMult ** n;
    }
  }
  return s.etaMin + ((base - s.etaMin) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2;
}

/** torch.optim.lr_scheduler.OneCycleLR (three_phase=False) after k steps; past the last step the final rate holds. */
function oneCycleAt(s: Extract<LrSchedule, {kind: "onecycle"}>, k: number): number {
  const initial = s.maxLr / s.divFactor, final = initial / s.finalDivFactor;
  const peak = s.pctStart * s.totalSteps - 1, end = s.totalSteps - 1;
  const anneal = (a: number, b: number, pct: number) => (s.anneal === "cos" ? b + ((a - b) / 2) * (Math.cos(Math.PI * pct) + 1) : (b - a) * pct + a);
  const step = Math.min(k, end);
  return step <= peak ? anneal(initial, s.maxLr, peak > 0 ? step / peak : 1) : anneal(s.maxLr, final, (step - peak) / (end - peak));
}

/** Whether the rate can change between batches of one epoch (else it is set once per epoch). */
export function perBatch(s: LrSchedule): boolean {
  return s.kind === "decay" || (s.kind !== "table" && s.kind !== "plateau" && s.per === "batch");
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
  if (s.kind === "lambda") {
    if (!s.factors.length) throw new Error("schedule lambda: factors must not be empty");
    for (const x of s.factors) if (!(Number.isFinite(x) && x >= 0)) throw new Error(`schedule lambda: every factor must be a number ≥ 0, got ${x}`);
  }
  if (s.kind === "plateau") checkPlateau(s);
  if (s.kind === "linear") {
    if (!(s.startFactor > 0 && s.startFactor <= 1 && s.endFactor >= 0 && s.endFactor <= 1)) throw new Error("schedule linear: startFactor must lie in (0, 1] and endFactor in [0, 1]");
    pos(s.totalIters, "totalIters");
  }
  if (s.kind === "constant") {
    if (!(s.factor >= 0 && s.factor <= 1)) throw new Error(`schedule constant: factor must lie in [0, 1], got ${s.factor}`);
    pos(s.totalIters, "totalIters");
  }
  if (s.kind === "polynomial") (pos(s.totalIters, "totalIters"), pos(s.power, "power"), s.endLr !== undefined && pos(s.endLr + 1, "endLr"));
  if (s.kind === "cosineDecay") {
    pos(s.decaySteps, "decaySteps");
    if (!(s.alpha >= 0 && s.alpha <= 1)) throw new Error(`schedule cosineDecay: alpha must lie in [0, 1], got ${s.alpha}`);
  }
  if (s.kind === "piecewise") {
    if (s.values.length !== s.boundaries.length + 1) throw new Error("schedule piecewise: values must have one more entry than boundaries");
    if (s.boundaries.some((b, i) => i > 0 && b <= s.boundaries[i - 1])) throw new Error("schedule piecewise: boundaries must increase");
    s.values.forEach((v) => pos(v, "values"));
  }
  if (s.kind === "inverseTime") (pos(s.decaySteps, "decaySteps"), pos(s.decayRate + 1, "decayRate"));
  if (s.kind === "sequential") {
    if (s.parts.length !== s.milestones.length + 1 || !s.parts.length) throw new Error("schedule sequential: parts must have one more entry than milestones");
    if (s.milestones.some((m, i) => !(Number.isInteger(m) && m >= 1) || (i > 0 && m <= s.milestones[i - 1]))) throw new Error("schedule sequential: milestones must be increasing positive integers");
    if (s.parts.some((x) => x.kind === "plateau" || x.kind === "table" || x.kind === "sequential")) throw new Error("schedule sequential: a part cannot be a plateau, a table or another sequence");
    s.parts.forEach(checkSchedule);
  }
  if (s.kind === "restarts") {
    if (!(Number.isInteger(s.t0) && s.t0 >= 1)) throw new Error(`schedule restarts: t0 must be an integer ≥ 1, got ${s.t0}`);
    if (!(Number.isInteger(s.tMult) && s.tMult >= 1)) throw new Error(`schedule restarts: tMult must be an integer ≥ 1, got ${s.tMult}`);
    pos(s.etaMin + 1, "etaMin");
    if (s.fraction !== undefined) pos(s.fraction, "fraction");
  }
  if (s.kind === "onecycle") {
    (pos(s.maxLr, "maxLr"), pos(s.divFactor, "divFactor"), pos(s.finalDivFactor, "finalDivFactor"));
    if (!(Number.isInteger(s.totalSteps) && s.totalSteps >= 2)) throw new Error(`schedule onecycle: totalSteps must be an integer ≥ 2, got ${s.totalSteps}`);
    if (!(s.pctStart > 0 && s.pctStart < 1)) throw new Error(`schedule onecycle: pctStart must lie in (0, 1), got ${s.pctStart}`);
  }
  return s;
}
