/**
 * What the trainer does between epochs for a schedule or a stop that depends on how training goes: ReduceLROnPlateau
 * stepped on the monitored value, and early stopping that keeps a copy of the best epoch's weights and loads them
 * back at the end. One copy of the weights at most; disposed with the watch. No DOM.
 */
import * as tf from "@tensorflow/tfjs";
import type {CompileSpec, EarlyStopSpec} from "./keras/program.js";
import {plateauStart, plateauStep, type PlateauSchedule, type PlateauState} from "./pytorch/plateau.js";
import {earlyStopStart, earlyStopUpdate, type EarlyStopState} from "./earlyStop.js";

export interface EpochValues {
  loss: number;
  valLoss?: number;
}

export class EpochWatch {
  private plateau: {s: PlateauSchedule; st: PlateauState} | null = null;
  private early: {s: EarlyStopSpec; st: EarlyStopState} | null = null;
  private best: tf.Tensor[] | null = null;

  constructor(compile: Pick<CompileSpec, "optimizer" | "schedule"> | undefined, early: EarlyStopSpec | undefined, hasValidation: boolean) {
    const s = compile?.schedule;
    if (s?.kind === "plateau") this.plateau = {s, st: plateauStart(s, compile!.optimizer.learningRate)};
    if (early) this.early = {s: early, st: earlyStopStart(early)};
    for (const m of [this.plateau?.s.monitor, early?.monitor]) {
      if (m === "val_loss" && !hasValidation) throw new Error("train: the schedule or early stopping monitors the validation loss, but there is no validation data");
    }
  }

  /** The learning rate ReduceLROnPlateau sets for the coming epoch (undefined: no plateau schedule). */
  get rate(): number | undefined {
    return this.plateau?.st.lr;
  }

  /** Whether an epoch's values are needed: the validation loss must be computed every epoch. */
  get active(): boolean {
    return !!(this.plateau || this.early);
  }

  /** After an epoch (1-based): steps the scheduler, keeps the best weights; true when training should stop. */
  epochEnd(model: tf.LayersModel, epoch: number, v: EpochValues): boolean {
    const value = (m: "val_loss" | "loss") => (m === "val_loss" ? v.valLoss ?? NaN : v.loss);
    if (this.plateau) this.plateau.st = plateauStep(this.plateau.s, this.plateau.st, value(this.plateau.s.monitor));
    if (!this.early) return false;
    const next = earlyStopUpdate(this.early.s, this.early.st, value(this.early.s.monitor), epoch);
    this.early.st = next;
    if (next.improved && this.early.s.restoreBest) {
      this.disposeBest();
      this.best = model.getWeights().map((w) => w.clone());
    }
    return next.stop;
  }

  /** The early-stopping state (best value and its epoch), for the report. */
  get stopState(): EarlyStopState | null {
    return this.early?.st ?? null;
  }

  /** Loads the best epoch's weights back (restoreBest), when one was kept. */
  restore(model: tf.LayersModel): void {
    if (this.best) model.setWeights(this.best);
  }

  /** At the end of the last epoch: the best weights back, unless they are restored only on an early stop (Keras). */
  restoreAtEnd(model: tf.LayersModel): void {
    if (this.early?.s.restoreWhen !== "stopped") this.restore(model);
  }

  private disposeBest(): void {
    for (const t of this.best ?? []) t.dispose();
    this.best = null;
  }

  dispose(): void {
    this.disposeBest();
  }
}
