/**
 * Keras' EarlyStopping and ReduceLROnPlateau callbacks of fit(callbacks=[…]), read as the trainer's early stopping and
 * plateau schedule (the same machinery as PyTorch's ReduceLROnPlateau and a hand-written early-stopping loop).
 * Keras' rules, mapped onto PyTorch's: ReduceLROnPlateau reduces when `wait >= patience` (PyTorch: more than
 * `patience` bad epochs, so patience − 1 there), its cooldown counts one epoch fewer than PyTorch's, and min_delta is an
 * absolute threshold; EarlyStopping loads the best weights back only when it stops training
 * (restore_best_weights=True). Monitors other than the losses are named as not followed. Pure.
 */
import type {EarlyStopSpec, LrSchedule} from "./program.js";
import {checkPlateau} from "../pytorch/plateau.js";
import {checkEarlyStop} from "../earlyStop.js";

/** A callback's keyword arguments as plain values. */
export type CallbackArgs = Record<string, number | string | boolean | undefined>;

const EARLY_ARGS = ["monitor", "min_delta", "patience", "verbose", "mode", "baseline", "restore_best_weights", "start_from_epoch"];
const PLATEAU_ARGS = ["monitor", "factor", "patience", "verbose", "mode", "min_delta", "epsilon", "cooldown", "min_lr"];

function monitorOf(kw: CallbackArgs, name: string): {monitor: "val_loss" | "loss"; mode: "min" | "max"} {
  const monitor = kw.monitor ?? "val_loss";
  if (monitor !== "val_loss" && monitor !== "loss") throw new Error(`${name}(monitor=${JSON.stringify(monitor)}) is not followed in the page (it follows "val_loss" or "loss")`);
  const mode = kw.mode ?? "auto";
  if (mode === "max") throw new Error(`${name}(mode="max") on a loss is not followed in the page`);
  if (mode !== "auto" && mode !== "min") throw new Error(`${name}: mode must be "auto", "min" or "max", got ${JSON.stringify(mode)}`);
  return {monitor, mode: "min"};
}

function number(kw: CallbackArgs, k: string, def: number, name: string): number {
  const v = kw[k] ?? def;
  if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`${name}: ${k} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

function known(kw: CallbackArgs, allowed: string[], name: string): void {
  for (const k of Object.keys(kw)) if (!allowed.includes(k)) throw new Error(`${name}: argument ${k}= is not supported`);
}

/** keras.callbacks.EarlyStopping(monitor="val_loss", min_delta=0, patience=0, restore_best_weights=False, …). */
export function kerasEarlyStopping(kw: CallbackArgs, line: number): EarlyStopSpec {
  known(kw, EARLY_ARGS, "EarlyStopping");
  if (kw.baseline !== undefined && kw.baseline !== "None") throw new Error("EarlyStopping(baseline=…) is not followed in the page");
  if (kw.start_from_epoch !== undefined && kw.start_from_epoch !== 0) throw new Error("EarlyStopping(start_from_epoch=…) is not followed in the page");
  // patience=0 (Keras' default) stops after the first epoch without improvement, as patience 1 does
  const patience = Math.max(1, number(kw, "patience", 0, "EarlyStopping"));
  return checkEarlyStop({...monitorOf(kw, "EarlyStopping"), minDelta: Math.abs(number(kw, "min_delta", 0, "EarlyStopping")), patience,
    restoreBest: kw.restore_best_weights === true, restoreWhen: "stopped", line});
}

/** keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.1, patience=10, min_delta=1e-4, cooldown=0, min_lr=0). */
export function kerasReduceLROnPlateau(kw: CallbackArgs, line: number): Extract<LrSchedule, {kind: "plateau"}> {
  known(kw, PLATEAU_ARGS, "ReduceLROnPlateau");
  const factor = number(kw, "factor", 0.1, "ReduceLROnPlateau");
  if (!(factor < 1)) throw new Error("ReduceLROnPlateau does not support a factor >= 1");
  const patience = number(kw, "patience", 10, "ReduceLROnPlateau"), cooldown = number(kw, "cooldown", 0, "ReduceLROnPlateau");
  return checkPlateau({kind: "plateau", ...monitorOf(kw, "ReduceLROnPlateau"), factor, patience: Math.max(0, patience - 1),
    threshold: number(kw, "min_delta", number(kw, "epsilon", 1e-4, "ReduceLROnPlateau"), "ReduceLROnPlateau"), thresholdMode: "abs",
    cooldown: Math.max(0, cooldown - 1), minLr: number(kw, "min_lr", 0, "ReduceLROnPlateau"), eps: 0, line});
}
