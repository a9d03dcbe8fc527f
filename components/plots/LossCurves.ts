/**
 * LossCurves(series, options) → Element: loss against step, one line per path, at the container's width. A log
 * axis (ticks written 1e-10, never "100p") when the losses span more than two decades. The cursor scrubs: moving
 * over the chart (or the arrow keys on it) picks a step and calls onStep(k), which the loss surface uses to mark
 * that step on every path.
 */
import * as d3 from "d3";
import {tPlayground} from "../i18n/playground.js";
import {fmt, logTick} from "../playground/format.js";
import {esc, plotFrame, r2, safeColor, setLegend} from "./plotFrame.js";
import {polyline} from "./polyline.js";
import type {Trajectory} from "./LossSurface.js";

export type LossSeries = Pick<Trajectory, "id" | "label" | "color" | "dash" | "stopped"> & {losses: number[]};

/** A step is left out of its line when the line drawn passes within this many px of it (polyline.ts). */
const STRAIGHT = 0.25;

export interface LossCurvesOptions {
  width?: number;
  height?: number;
  /** the step marked now */
  step?: number | null;
  log?: boolean;
  /** called with the step under the cursor (null when it leaves) */
  onStep?: (step: number | null) => void;
}

export interface LossCurvesElement extends HTMLElement {
  setPaths(series: LossSeries[]): void;
  setStep(step: number | null): void;
  readonly svg: SVGSVGElement;
}

/** Whether a log y axis suits these losses: all positive and max/min > 100. */
export function wantsLogLoss(series: Pick<LossSeries, "losses">[]): boolean {
  let lo = Infinity, hi = -Infinity;
  for (const s of series) for (const v of s.losses) if (Number.isFinite(v)) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  return lo > 0 && hi / lo > 100;
}

/** Ticks of a log axis: powers of ten only, thinned to at most `max`. */
export function logTicks(lo: number, hi: number, max: number): number[] {
  const a = Math.ceil(Math.log10(lo) - 1e-9), b = Math.floor(Math.log10(hi) + 1e-9);
  if (b < a) return [lo, hi];
  const every = Math.max(1, Math.ceil((b - a + 1) / Math.max(2, max)));
  const out: number[] = [];
  for (let e = a; e <= b; e++) if ((e - a) % every === 0) out.push(Number(`1e${e}`));
  return out;
}

export function LossCurves(series: LossSeries[], options: LossCurvesOptions = {}): LossCurvesElement {
  if (!Array.isArray(series)) throw new Error("LossCurves: expected an array of {id, label, color, losses}");
  const frame = plotFrame("gb-pg-curves", options.width);
  const el = frame.figure as unknown as LossCurvesElement;
  let data = series;
  let step: number | null = options.step ?? null;
  let chart: Chart | null = null;
  let scales: Scales | null = null;

  const render = () => {
    if (!chart) return;
    scales = drawData(chart, data, options.log);
    setLegend(frame.legend, data.map((s) => ({label: s.label, color: safeColor(s.color), dash: s.dash})));
    renderStep();
  };
  const draw = (w: number) => {
    chart?.svg.remove();
    chart = skeleton(w, options.height ?? 240);
    frame.legend.after(chart.svg);
    if (frame.readout.parentNode !== frame.figure) chart.svg.after(frame.readout);
    wire(chart);
    render();
  };

  const maxStep = () => Math.max(0, ...data.map((s) => s.losses.length - 1));
  const renderStep = () => {
    if (!chart || !scales || step === null) {
      if (chart) chart.cursor.innerHTML = "";
      frame.readout.replaceChildren();
      return;
    }
    const {x, y} = scales;
    const k = Math.min(step, maxStep());
    let html = `<line x1="${r2(x(k))}" x2="${r2(x(k))}" y1="0" y2="${chart.ih}" stroke="currentColor" stroke-opacity="0.6"/>`;
    const lines: string[] = [tPlayground("stepOf", {k})];
    for (const s of data) {
      const j = Math.min(k, s.losses.length - 1);
      const v = s.losses[j];
      if (j < 0 || !Number.isFinite(y(v))) continue;
      html += `<circle cx="${r2(x(j))}" cy="${r2(y(v))}" r="4" style="fill:${safeColor(s.color)};stroke:var(--gb-pg-halo)" stroke-width="1.5"/>`;
      lines.push(`${s.label}: ${fmt(v)}`);
    }
    chart.cursor.innerHTML = html;
    frame.readout.textContent = lines.join(" · ");
  };

  const pick = (k: number | null) => {
    step = k === null ? null : Math.max(0, Math.min(maxStep(), Math.round(k)));
    renderStep();
    options.onStep?.(step);
  };

  const wire = (c: Chart) => {
    c.area.addEventListener("pointermove", (e) => {
      if (!scales) return;
      const r = c.area.getBoundingClientRect();
      pick(scales.x.invert(e.clientX - r.left));
    });
    c.area.addEventListener("pointerleave", () => pick(null));
    c.svg.addEventListener("keydown", (e) => {
      const d = {ArrowLeft: -1, ArrowRight: 1, PageDown: -10, PageUp: 10}[e.key];
      if (d === undefined) return;
      e.preventDefault();
      pick((step ?? 0) + d * (e.shiftKey ? 10 : 1));
    });
  };

  el.setPaths = (next) => {
    data = next;
    render();
  };
  el.setStep = (k) => {
    step = k;
    renderStep();
  };
  Object.defineProperty(el, "svg", {get: () => chart?.svg});
  frame.onResize(draw);
  return el;
}

interface Chart {
  svg: SVGSVGElement;
  g: d3.Selection<SVGGElement, undefined, null, undefined>;
  xAxis: d3.Selection<SVGGElement, undefined, null, undefined>;
  yAxis: d3.Selection<SVGGElement, undefined, null, undefined>;
  yLabel: d3.Selection<SVGTextElement, undefined, null, undefined>;
  lines: SVGGElement;
  cursor: SVGGElement;
  area: SVGRectElement;
  iw: number;
  ih: number;
  /** the scales' domains the axes were last drawn for */
  axesKey?: string;
  /** the lines' colours and dashes last drawn */
  linesKey?: string;
}
type Scales = {x: d3.ScaleLinear<number, number>; y: d3.ScaleContinuousNumeric<number, number>};

/** The chart without data: built once per width. */
function skeleton(w: number, height: number): Chart {
  const width = Math.max(200, w);
  const margin = {top: 12, right: 14, bottom: 36, left: 58};
  const iw = width - margin.left - margin.right, ih = height - margin.top - margin.bottom;
  const svg = d3.create("svg").attr("width", width).attr("height", height).attr("viewBox", `0 0 ${width} ${height}`).attr("class", "gb-loss-curves")
    .attr("role", "img").attr("tabindex", 0);
  const g = svg.append("g").attr("transform", `translate(${margin.left},${margin.top})`);
  const xAxis = g.append("g").attr("class", "gb-lc-axis-x").attr("transform", `translate(0,${ih})`);
  const yAxis = g.append("g").attr("class", "gb-lc-axis-y");
  g.append("text").attr("x", iw).attr("y", ih + 31).attr("text-anchor", "end").attr("font-size", 12).attr("fill", "currentColor").text(tPlayground("step"));
  const yLabel = g.append("text").attr("x", 4).attr("y", 4).attr("font-size", 12).attr("fill", "currentColor");
  const lines = g.append("g").attr("class", "gb-lc-lines").node()!;
  const cursor = g.append("g").attr("class", "gb-lc-cursor").node()!;
  const area = g.append("rect").attr("width", iw).attr("height", ih).attr("fill", "transparent").style("touch-action", "pan-y").node()!;
  return {svg: svg.node()!, g, xAxis, yAxis, yLabel, lines, cursor, area, iw, ih};
}

/** Scales, axes and one line per series, into the chart as it is. */
function drawData(c: Chart, series: LossSeries[], logOption?: boolean): Scales {
  const log = logOption ?? wantsLogLoss(series);
  let lo = Infinity, hi = -Infinity, steps = 1;
  for (const s of series) {
    steps = Math.max(steps, s.losses.length - 1);
    for (const v of s.losses) if (Number.isFinite(v) && (!log || v > 0)) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  }
  if (!(lo <= hi)) (lo = 0), (hi = 1);
  const x = d3.scaleLinear().domain([0, steps]).range([0, c.iw]);
  const top = hi > lo ? hi : log ? lo * 10 : lo + 1;
  // a log axis starts at a whole decade, so a slider move that only lowers the minimum a little keeps the axes
  const bottom = log ? Number(`1e${Math.floor(Math.log10(lo) + 1e-9)}`) : Math.min(0, lo);
  const y: d3.ScaleContinuousNumeric<number, number> = log ? d3.scaleLog().domain([bottom, top]).range([c.ih, 0]) : d3.scaleLinear().domain([bottom, top]).nice().range([c.ih, 0]);
  const key = JSON.stringify([log, steps, y.domain()]);
  if (c.axesKey !== key) {
    c.axesKey = key;
    const yAxis = log
      ? d3.axisLeft(y).tickValues(logTicks(bottom, top, Math.floor(c.ih / 28))).tickFormat((v) => logTick(+v))
      : d3.axisLeft(y).ticks(Math.max(2, Math.floor(c.ih / 40))).tickFormat((v) => fmt(+v));
    c.xAxis.call(d3.axisBottom(x).ticks(Math.max(2, Math.floor(c.iw / 70))));
    c.yAxis.call(yAxis);
    c.g.selectAll(".tick text").attr("font-size", 12);
    c.yLabel.text(log ? tPlayground("lossLog") : tPlayground("loss"));
  }
  const aria = tPlayground("curvesAria", {names: series.map((s) => s.label).join("、")});
  if (c.svg.getAttribute("aria-label") !== aria) c.svg.setAttribute("aria-label", aria);
  // a flat or steadily falling loss is a few straight segments (within 0.25 px of every step, polyline.ts)
  const ds = series.map((s) => {
    const line = polyline({straight: STRAIGHT});
    for (let k = 0; k < s.losses.length; k++) line.add(x(k), y(s.losses[k]));
    return line.end();
  });
  // the same series drawn again: only the lines' d changes (no nodes made, so no new style or layout objects)
  const shape = JSON.stringify(series.map((s) => [s.color, s.dash ?? ""]));
  if (c.linesKey === shape && c.lines.childElementCount === series.length) {
    ds.forEach((d, k) => {
      const line = c.lines.children[k];
      if (line.getAttribute("d") !== d) line.setAttribute("d", d);
    });
  } else {
    c.linesKey = shape;
    c.lines.innerHTML = series.map((s, k) => `<path class="gb-lc-line" d="${ds[k]}" fill="none" style="stroke:${safeColor(s.color)}" stroke-width="2"${s.dash ? ` stroke-dasharray="${esc(s.dash)}"` : ""}/>`).join("");
  }
  return {x, y};
}
