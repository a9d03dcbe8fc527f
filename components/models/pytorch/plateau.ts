/**
 * torch.optim.lr_scheduler.ReduceLROnPlateau: its arguments as PyTorch reads them and its step, with PyTorch's exact
 * semantics (is_better with rel/abs thresholds, num_bad_epochs > patience, cooldown, min_lr, eps). Pure.
 */
import type {LrSchedule} from "../keras/program.js";
import type {Arg} from "./layers.js";

export type PlateauSchedule = Extract<LrSchedule, {kind: "plateau"}>;

/** What the scheduler carries from one step to the next. */
export interface PlateauState {
  lr: number;
  best: number;
  bad: number;
  cooldown: number;
}

const ARGS = ["optimizer", "mode", "factor", "patience", "threshold", "threshold_mode", "cooldown", "min_lr", "eps"];

/** `ReduceLROnPlateau(optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel", cooldown=0, min_lr=0, eps=1e-8)`. */
export function plateauScheduler(args: Arg[], kw: Record<string, Arg>, line: number): PlateauSchedule {
  for (const k of Object.keys(kw)) if (!ARGS.includes(k) && k !== "verbose") throw new Error(`ReduceLROnPlateau: argument ${k}= is not supported`);
  const get = (k: string) => kw[k] ?? args[ARGS.indexOf(k)];
  const num = (k: string, def: number) => {
    const v = get(k) ?? def;
    if (Array.isArray(v)) throw new Error(`ReduceLROnPlateau: one ${k} per parameter group is not supported`);
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw new Error(`ReduceLROnPlateau: ${k} must be a number ≥ 0`);
    return v;
  };
  const mode = get("mode") ?? "min", thresholdMode = get("threshold_mode") ?? "rel";
  if (mode !== "min" && mode !== "max") throw new Error(`ReduceLROnPlateau: mode must be "min" or "max", got ${String(mode)}`);
  if (thresholdMode !== "rel" && thresholdMode !== "abs") throw new Error(`ReduceLROnPlateau: threshold_mode must be "rel" or "abs", got ${String(thresholdMode)}`);
  return checkPlateau({kind: "plateau", monitor: "val_loss", mode, factor: num("factor", 0.1), patience: num("patience", 10), threshold: num("threshold", 1e-4),
    thresholdMode, cooldown: num("cooldown", 0), minLr: num("min_lr", 0), eps: num("eps", 1e-8), line});
}

/** PyTorch's own checks (factor < 1) and whole-number counters. */
export function checkPlateau(s: PlateauSchedule): PlateauSchedule {
  if (!(s.factor >= 0 && s.factor < 1)) throw new Error(`schedule plateau: factor must be in [0, 1), got ${s.factor}`);
  for (const k of ["patience", "cooldown"] as const) {
    if (!(Number.isInteger(s[k]) && s[k] >= 0)) throw new Error(`schedule plateau: ${k} must be an integer ≥ 0, got ${s[k]}`);
  }
  for (const k of ["threshold", "minLr", "eps"] as const) {
    if (!(Number.isFinite(s[k]) && s[k] >= 0)) throw new Error(`schedule plateau: ${k} must be a number ≥ 0, got ${s[k]}`);
  }
  return s;
}

export function plateauStart(s: PlateauSchedule, lr: number): PlateauState {
  return {lr, best: s.mode === "min" ? Infinity : -Infinity, bad: 0, cooldown: 0};
}

/** PyTorch's is_better: `a` improves on `best` by more than the threshold (relative or absolute). */
export function plateauBetter(s: PlateauSchedule, a: number, best: number): boolean {
  if (s.mode === "min") return s.thresholdMode === "rel" ? a < best * (1 - s.threshold) : a < best - s.threshold;
  return s.thresholdMode === "rel" ? a > best * (s.threshold + 1) : a > best + s.threshold;
}

/** scheduler.step(metric): the state after one epoch whose monitored value is `metric`. */
export function plateauStep(s: PlateauSchedule, st: PlateauState, metric: number): PlateauState {
  let {lr, best, bad, cooldown} = st;
  if (plateauBetter(s, metric, best)) {
    best = metric;
    bad = 0;
  } else bad++;
  if (cooldown > 0) {
    cooldown--;
    bad = 0;
  }
  if (bad > s.patience) {
    const next = Math.max(lr * s.factor, s.minLr);
    if (lr - next > s.eps) lr = next;
    cooldown = s.cooldown;
    bad = 0;
  }
  return {lr, best, bad, cooldown};
}

/** The learning rate in force at each epoch (0 … n − 1) for a sequence of monitored values, one per epoch. */
export function plateauRates(s: PlateauSchedule, lr: number, metrics: number[]): number[] {
  let st = plateauStart(s, lr);
  return metrics.map((m) => {
    const now = st.lr;
    st = plateauStep(s, st, m);
    return now;
  });
}
