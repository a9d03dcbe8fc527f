/** LossCurves(series, options) → Element: loss against step, one line per optimiser, with Observable Plot. */
import * as Plot from "@observablehq/plot";

export interface LossSeries {
  id: string;
  label: string;
  color: string;
  losses: number[];
  stopped?: string | null;
}

export interface LossCurvesOptions {
  width?: number;
  height?: number;
  /** draw a rule at this step (the animation's current step) */
  step?: number;
  /** log y axis; default: when every loss is positive and they span more than two decades */
  log?: boolean;
}

/** Whether a log y axis suits these losses: all positive and max/min > 100. */
export function wantsLogLoss(series: LossSeries[]): boolean {
  let lo = Infinity, hi = -Infinity;
  for (const s of series) for (const v of s.losses) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo > 0 && hi / lo > 100;
}

export function LossCurves(series: LossSeries[], options: LossCurvesOptions = {}): Element {
  if (!Array.isArray(series)) throw new Error("LossCurves: expected an array of {id, label, color, losses}");
  const {width = 640, height = 220, step} = options;
  const rows: {step: number; loss: number; label: string}[] = [];
  for (const s of series) s.losses.forEach((loss, k) => rows.push({step: k, loss, label: s.label}));
  const log = options.log ?? wantsLogLoss(series);
  const stops = series.filter((s) => s.stopped && s.losses.length > 0).map((s) => ({step: s.losses.length - 1, loss: s.losses[s.losses.length - 1], label: s.label}));
  const marks: Plot.Markish[] = [
    Plot.line(rows, {x: "step", y: "loss", stroke: "label", strokeWidth: 1.5, ariaHidden: "true"}),
    Plot.dot(stops, {x: "step", y: "loss", stroke: "label", symbol: "times", r: 5, strokeWidth: 2, ariaHidden: "true"}),
  ];
  if (step !== undefined) marks.push(Plot.ruleX([step], {stroke: "currentColor", strokeOpacity: 0.5, ariaHidden: "true"}));
  return Plot.plot({
    width,
    height,
    marginLeft: 56,
    ariaLabel: `损失随步数的变化：${series.map((s) => s.label).join("、") || "没有优化器"}`,
    ariaDescription: series.map((s) => `${s.label}：${s.losses.length ? `第 0 步损失 ${s.losses[0].toPrecision(3)}，第 ${s.losses.length - 1} 步损失 ${s.losses[s.losses.length - 1].toPrecision(3)}` : "没有步"}${s.stopped ? `（已停止：${s.stopped}）` : ""}`).join("；"),
    x: {label: "步数", grid: true},
    y: {label: log ? "损失（对数坐标）" : "损失", type: log ? "log" : "linear", grid: true},
    color: {domain: series.map((s) => s.label), range: series.map((s) => s.color), legend: true},
    marks
  });
}
