/**
 * The panel's training curves: per-interval losses recovered from the trainer's running epoch means, smoothed by an
 * exponential moving average, with the held-out (validation or monitor) points per epoch.
 * `intervalMean` and `ema` are pure; `TrainingCurves(history, options) → Element` draws with Plot.
 */
import * as Plot from "@observablehq/plot";
import {t} from "../i18n/trainingPanel.js";

/** One trainer report: the running mean of its epoch so far over `count` samples. */
export interface RunningMean {
  epoch: number;
  count: number;
  mean: number;
}

/**
 * The mean over the samples between two reports of one epoch: (mean·count − prev.mean·prev.count) / (count − prev.count).
 * A report starting a new epoch (or the first) is its own interval.
 */
export function intervalMean(prev: RunningMean | null, cur: RunningMean): number {
  if (!prev || prev.epoch !== cur.epoch || cur.count <= prev.count) return cur.mean;
  return (cur.mean * cur.count - prev.mean * prev.count) / (cur.count - prev.count);
}

/** Exponential moving average s_i = α·x_i + (1 − α)·s_{i−1}, s_0 = x_0 (non-finite values are skipped). */
export function ema(values: number[], alpha: number): number[] {
  if (!(alpha > 0 && alpha <= 1)) throw new Error(`ema: alpha must be in (0, 1], got ${alpha}`);
  const out: number[] = [];
  let s = NaN;
  for (const x of values) {
    if (Number.isFinite(x)) s = Number.isFinite(s) ? alpha * x + (1 - alpha) * s : x;
    out.push(s);
  }
  return out;
}

export const EMA_ALPHA = 0.1;

export interface CurvePoint {
  /** Epochs done, fractional (epoch − 1 + batch / batches). */
  x: number;
  loss: number;
  acc: number;
}

export interface HeldPoint {
  x: number;
  loss: number;
  acc: number;
}

export interface CurveHistory {
  /** Per-interval training loss and accuracy (not yet smoothed). */
  train: CurvePoint[];
  /** Validation split (kind "val") or the first test samples (kind "monitor", n of them), once per epoch. */
  held: HeldPoint[];
  heldKind: "val" | "monitor" | "none";
  heldSize: number;
  /** Batches per curve point. */
  every: number;
}

export function TrainingCurves(h: CurveHistory, {width = 640, alpha = EMA_ALPHA} = {}): HTMLElement {
  const w = Math.max(280, Math.min(640, width / 2 - 12));
  const sLoss = ema(h.train.map((p) => p.loss), alpha), sAcc = ema(h.train.map((p) => p.acc), alpha);
  const heldLoss = h.heldKind === "val" ? t("seriesValLoss") : t("seriesMonLoss", {n: h.heldSize});
  const heldAcc = h.heldKind === "val" ? t("seriesValAcc") : t("seriesMonAcc", {n: h.heldSize});
  const raw = t("seriesTrainLossRaw", {n: h.every});
  const lossRows = [
    ...h.train.map((p) => ({x: p.x, value: p.loss, series: raw})),
    ...h.train.map((p, i) => ({x: p.x, value: sLoss[i], series: t("seriesTrainLoss")})),
    ...h.held.map((p) => ({x: p.x, value: p.loss, series: heldLoss}))
  ];
  const accRows = [
    ...h.train.map((p, i) => ({x: p.x, value: sAcc[i], series: t("seriesTrainAcc")})),
    ...h.held.map((p) => ({x: p.x, value: p.acc, series: heldAcc}))
  ];
  const line = (rows: {series: string}[], s: string) => rows.filter((r) => r.series === s);
  const chart = (rows: typeof lossRows, label: string, lines: string[], faint: string[], dots: string[]) =>
    Plot.plot({width: w, height: 200, x: {label: t("axisEpoch")}, y: {label, grid: true}, color: {legend: true},
      marks: [
        ...faint.map((s) => Plot.line(line(rows, s), {x: "x", y: "value", stroke: "series", strokeOpacity: 0.3})),
        ...lines.map((s) => Plot.line(line(rows, s), {x: "x", y: "value", stroke: "series"})),
        ...dots.map((s) => Plot.line(line(rows, s), {x: "x", y: "value", stroke: "series", marker: "circle"})),
        Plot.ruleY([0])
      ]});
  const box = document.createElement("div");
  box.className = "gb-train-charts";
  box.append(chart(lossRows, t("axisLoss"), [t("seriesTrainLoss")], [raw], h.held.length ? [heldLoss] : []),
    chart(accRows, t("axisAcc"), [t("seriesTrainAcc")], [], h.held.length ? [heldAcc] : []));
  const note = document.createElement("p");
  note.className = "gb-train-curves-note";
  const held = h.heldKind === "val" ? t("heldVal") : h.heldKind === "monitor" ? t("heldMon", {n: h.heldSize}) : t("heldNone");
  note.textContent = t("curvesNote", {n: h.every, alpha, held});
  const wrap = document.createElement("div");
  wrap.append(box, note);
  return wrap;
}
