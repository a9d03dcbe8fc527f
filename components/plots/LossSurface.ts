/**
 * LossSurface(surface, options) → Element: filled contours of f (or the curve f(w) for one weight), axes, the
 * minimum and the surface's marks, and optimiser paths with a dot per step (steps under 1 px apart share one). Fills its container's width and
 * redraws on resize; text is drawn at real size. The contours are computed once per surface and drawn in their own
 * SVG underneath (`.gb-ls-base`), so the browser never paints them again when the paths move: the SVG on top
 * (`el.svg`: axes, marks, paths) is its own compositing layer. `setPaths` rewrites only the paths' attributes
 * (pathLayer.ts), `setStep(k)` marks step k on every path (the loss chart's cursor), hovering a dot reads it out.
 * The start point is dragged with a mouse, after a hold on touch, or moved with the arrow keys.
 */
import * as d3 from "d3";
import {tPlayground} from "../i18n/playground.js";
import {contourGrid, type ContourGrid} from "../math/surfaces/contourGrid.js";
import type {Surface} from "../math/surfaces/types.js";
import {fmt} from "../playground/format.js";
import {avoidLabels} from "./avoidLabels.js";
import {contourLayer, type ContourGeometry, contourGeometry} from "./contourLayer.js";
import {pathLayer, stopReason} from "./pathLayer.js";
import {plotFrame, r2, safeColor, setLegend} from "./plotFrame.js";
import {startDrag} from "./startDrag.js";

/** What a plot draws of a path (components/playground/runOptimizers.ts Path has these fields). */
export interface Trajectory {
  id: string;
  label: string;
  color: string;
  points: number[][];
  losses?: number[];
  stopped?: {step: number; reason: string} | string | null;
  dash?: string;
}

export interface LossSurfaceOptions {
  /** fixed width (snapshots); default: the container's width, followed on resize */
  width?: number;
  height?: number;
  /** grid cells per side (default 100) */
  n?: number;
  thresholds?: number;
  log?: boolean;
  /** prefix of ids inside the SVG (default "ls") */
  id?: string;
  paths?: Trajectory[];
  start?: number[];
  /** called with the new start when the reader drags or moves it */
  onStart?: (w: number[]) => void;
  markers?: boolean;
  grid?: ContourGrid;
}

export interface LossSurfaceElement extends HTMLElement {
  setPaths(paths: Trajectory[], start?: number[] | null): void;
  setStep(step: number | null): void;
  toPixels(w: number[]): [number, number];
  readonly svg: SVGSVGElement;
}

export {stopReason};

export function LossSurface(surface: Surface, options: LossSurfaceOptions = {}): LossSurfaceElement {
  if (!surface || typeof surface.f !== "function" || !surface.domain) throw new Error("LossSurface: expected a surface {f, grad, domain}");
  const {n = 100, thresholds = 20, id = "ls", markers = true} = options;
  const twoD = !!surface.domain.y;
  const frame = plotFrame("gb-pg-surface", options.width);
  const el = frame.figure as unknown as LossSurfaceElement;
  const geometry: ContourGeometry | null = twoD ? contourGeometry(options.grid ?? contourGrid(surface.f, surface.domain, n), thresholds, options.log) : null;
  let paths = options.paths ?? [];
  let start: number[] | null = options.start ?? surface.start ?? null;
  let step: number | null = null;
  let svg!: SVGSVGElement;
  let place: (w: number[]) => [number, number] = () => [NaN, NaN];
  let layers!: {paths: SVGGElement; cursor: SVGGElement; start: SVGGElement; hover: SVGGElement};
  let box = {iw: 0, ih: 0, left: 0, top: 0};
  let drawPaths: ReturnType<typeof pathLayer> = () => undefined;
  const stack = Object.assign(document.createElement("div"), {className: "gb-ls-stack"});
  frame.legend.after(stack, frame.readout);

  const draw = (width: number) => {
    const built = buildSvg(surface, geometry, {width, height: options.height, id});
    ({svg, place, layers, box} = built);
    stack.replaceChildren(...(built.base ? [built.base] : []), svg);
    drawPaths = pathLayer(layers.paths, {id, markers});
    if (options.onStart) {
      const span = [surface.domain.x, surface.domain.y ?? surface.domain.x].map(([a, b]) => (b - a) / 100).slice(0, surface.start.length);
      startDrag({area: built.area, handle: layers.start, invert: built.invert, current: () => start ?? surface.start, step: () => span, onMove: (w) => {
        start = w.map((v) => +v.toPrecision(4));
        renderPaths();
        options.onStart!(start);
      }});
    }
    hoverReadout(built.area, {paths: () => paths, place, hover: layers.hover, show: setReadout, leave: renderStep});
    renderPaths();
  };

  const renderPaths = () => {
    drawPaths(paths, place, box);
    setLegend(frame.legend, paths.map((p) => ({label: p.label, color: safeColor(p.color), dash: p.dash})));
    const [sx, sy] = start ? place(start) : [NaN, NaN];
    // written only when they change: a slider move leaves the start where it is (no SVG transform to redo)
    setAttr(layers.start, "transform", `translate(${r2(sx)},${r2(sy)})`);
    const display = Number.isFinite(sx) && Number.isFinite(sy) ? "" : "none";
    if (layers.start.style.display !== display) layers.start.style.display = display;
    setAttr(layers.start, "aria-label", tPlayground("start", {at: (start ?? []).map(fmt).join(", ")}));
    renderStep();
  };

  const renderStep = () => {
    if (step === null) {
      layers.cursor.innerHTML = "";
      return;
    }
    let html = "";
    const lines: string[] = [];
    for (const p of paths) {
      const k = Math.min(step, p.points.length - 1);
      if (k < 0) continue;
      const [px, py] = place(p.points[k]);
      if (Number.isFinite(px) && Number.isFinite(py)) html += `<circle cx="${r2(px)}" cy="${r2(py)}" r="5.5" style="fill:${safeColor(p.color)};stroke:var(--gb-pg-halo)" stroke-width="2"/>`;
      lines.push(readoutLine(p, k));
    }
    layers.cursor.innerHTML = html;
    setReadout(lines);
  };

  const setReadout = (lines: string[]) => frame.readout.replaceChildren(...lines.map((t) => Object.assign(document.createElement("p"), {textContent: t})));
  el.setPaths = (next, nextStart) => {
    paths = next;
    if (nextStart !== undefined) start = nextStart;
    renderPaths();
  };
  el.setStep = (k) => {
    step = k === null ? null : Math.max(0, Math.round(k));
    renderStep();
  };
  el.toPixels = (w) => {
    const [px, py] = place(w);
    return [px + box.left, py + box.top];
  };
  Object.defineProperty(el, "svg", {get: () => svg});
  frame.onResize(draw);
  if (surface.note) frame.figure.append(Object.assign(document.createElement("figcaption"), {className: "gb-pg-note", textContent: surface.note}));
  return el;
}

function setAttr(el: Element, name: string, value: string): void {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/** Hovering the plot rings the nearest step of any path (within 24 px) and reads it out. */
function hoverReadout(area: SVGRectElement, o: {paths(): Trajectory[]; place(w: number[]): [number, number]; hover: SVGGElement; show(lines: string[]): void; leave(): void}): void {
  area.addEventListener("pointermove", (e) => {
    const r = area.getBoundingClientRect();
    const hit = nearest(o.paths(), o.place, e.clientX - r.left, e.clientY - r.top, 24);
    o.hover.innerHTML = hit ? `<circle cx="${r2(hit.px)}" cy="${r2(hit.py)}" r="7" fill="none" stroke="currentColor" stroke-width="2"/>` : "";
    if (hit) o.show([readoutLine(hit.path, hit.k)]);
  });
  area.addEventListener("pointerleave", () => {
    o.hover.innerHTML = "";
    o.leave();
  });
}

function readoutLine(p: Trajectory, k: number): string {
  const why = stopReason(p.stopped);
  const last = p.points.length - 1;
  const base = tPlayground("readout", {name: p.label, k, loss: p.losses?.[k] !== undefined ? fmt(p.losses[k]) : "–", at: (p.points[k] ?? []).map(fmt).join(", ")});
  return why && k >= last ? `${base} · ✕ ${why}` : base;
}

function nearest(paths: Trajectory[], place: (w: number[]) => [number, number], x: number, y: number, within: number) {
  let best: {path: Trajectory; k: number; px: number; py: number} | null = null;
  let bestD = within * within;
  for (const path of paths) {
    path.points.forEach((w, k) => {
      const [px, py] = place(w);
      const d = (px - x) ** 2 + (py - y) ** 2;
      if (d < bestD) (bestD = d), (best = {path, k, px, py});
    });
  }
  return best as {path: Trajectory; k: number; px: number; py: number} | null;
}

interface Built {
  svg: SVGSVGElement;
  /** the contours, under svg (absent for one weight) */
  base: SVGSVGElement | null;
  area: SVGRectElement;
  place: (w: number[]) => [number, number];
  invert: (px: number, py: number) => number[];
  layers: {paths: SVGGElement; cursor: SVGGElement; start: SVGGElement; hover: SVGGElement};
  box: {iw: number; ih: number; left: number; top: number};
}

function buildSvg(surface: Surface, geometry: ContourGeometry | null, o: {width: number; height?: number; id: string}): Built {
  const twoD = !!geometry;
  const width = Math.max(200, o.width);
  const height = o.height ?? Math.round(Math.min(560, Math.max(240, width * (twoD ? 0.72 : 0.5))));
  const margin = {top: 20, right: 12, bottom: twoD ? 78 : 44, left: 50};
  const iw = width - margin.left - margin.right, ih = height - margin.top - margin.bottom;
  const svg = d3.create("svg").attr("width", width).attr("height", height).attr("viewBox", `0 0 ${width} ${height}`)
    .attr("class", "gb-loss-surface").attr("role", "group").attr("aria-label", tPlayground("surfaceAria", {title: surface.title}));
  svg.append("title").text(surface.title);
  svg.append("defs").append("clipPath").attr("id", `${o.id}-clip`).append("rect").attr("width", iw).attr("height", ih);
  const g = svg.append("g").attr("transform", `translate(${margin.left},${margin.top})`);
  const x = d3.scaleLinear().domain(surface.domain.x).range([0, iw]);
  let y: d3.ScaleLinear<number, number>;
  let place: (w: number[]) => [number, number];
  let base: SVGSVGElement | null = null;
  if (geometry) {
    y = d3.scaleLinear().domain(surface.domain.y!).range([ih, 0]);
    const under = d3.create("svg").attr("width", width).attr("height", height).attr("viewBox", `0 0 ${width} ${height}`).attr("class", "gb-ls-base").attr("aria-hidden", "true");
    under.append("defs").append("clipPath").attr("id", `${o.id}-base-clip`).append("rect").attr("width", iw).attr("height", ih);
    const contours = under.append("g").attr("transform", `translate(${margin.left},${margin.top})`);
    contourLayer(contours, svg, geometry, {x, y, iw, ih, id: `${o.id}-base`, legendY: height - 30, left: margin.left});
    base = under.node();
    place = (w) => [x(w[0]), y(w[1])];
  } else {
    y = curveLayer(g, surface, x, ih);
    place = (w) => [x(w[0]), y(surface.f(w))];
  }
  const fontSize = 12;
  g.append("g").attr("class", "gb-ls-axis-x").attr("transform", `translate(0,${ih})`).attr("font-size", fontSize).call(d3.axisBottom(x).ticks(Math.max(2, Math.floor(iw / 70))));
  g.append("g").attr("class", "gb-ls-axis-y").attr("font-size", fontSize).call(d3.axisLeft(y).ticks(Math.max(2, Math.floor(ih / 45))));
  svg.selectAll(".tick text").attr("font-size", fontSize);
  g.append("text").attr("x", iw).attr("y", ih + 32).attr("text-anchor", "end").attr("fill", "currentColor").attr("font-size", 13).text(surface.labels[0]);
  g.append("text").attr("x", -margin.left + 4).attr("y", -7).attr("fill", "currentColor").attr("font-size", 13).text(twoD ? surface.labels[1] : "f");
  marksLayer(g, surface, place, {x, y, iw, ih, id: o.id, twoD});
  const layer = (cls: string) => g.append("g").attr("class", cls).attr("clip-path", `url(#${o.id}-clip)`).node()!;
  const paths = layer("gb-ls-paths"), cursor = layer("gb-ls-cursor"), hover = layer("gb-ls-hover");
  const area = g.append("rect").attr("class", "gb-ls-overlay").attr("width", iw).attr("height", ih).attr("fill", "transparent").style("touch-action", "pan-y pinch-zoom").node()!;
  const start = g.append("g").attr("class", "gb-pg-start").attr("tabindex", 0).attr("role", "button").attr("aria-description", tPlayground("dragHint")).node()!;
  start.innerHTML = `<circle r="7" fill="none" style="stroke:var(--gb-pg-halo)" stroke-width="4"/><circle r="7" fill="none" stroke="currentColor" stroke-width="1.75"/><circle r="1.8" fill="currentColor"/>`;
  const invert = (px: number, py: number) => {
    const wx = x.invert(Math.max(0, Math.min(iw, px)));
    return twoD ? [wx, y.invert(Math.max(0, Math.min(ih, py)))] : [wx];
  };
  return {svg: svg.node()!, base, area, place, invert, layers: {paths, cursor, start, hover}, box: {iw, ih, left: margin.left, top: margin.top}};
}

/** One weight: the curve f(w) over the domain; returns the loss scale. */
function curveLayer(g: d3.Selection<SVGGElement, undefined, null, undefined>, surface: Surface, x: d3.ScaleLinear<number, number>, ih: number) {
  const xs = d3.range(201).map((k) => surface.domain.x[0] + ((surface.domain.x[1] - surface.domain.x[0]) * k) / 200);
  const fs = xs.map((v) => surface.f([v]));
  const finite = fs.filter(Number.isFinite);
  if (!finite.length) throw new Error(`LossSurface: ${surface.id} is not finite anywhere on its domain`);
  const lo = Math.min(...finite), hi = Math.max(...finite);
  const y = d3.scaleLinear().domain([lo - 0.05 * (hi - lo), hi]).nice().range([ih, 0]);
  const line = d3.line<number>().x((_, k) => x(xs[k])).y((v) => y(v)).defined(Number.isFinite).digits(2);
  g.append("path").attr("class", "gb-ls-curve").attr("fill", "none").attr("stroke", "currentColor").attr("stroke-width", 1.5).attr("d", line(fs) ?? "");
  return y;
}

/** The surface's marks and its minimum, their labels pushed apart vertically. */
function marksLayer(g: d3.Selection<SVGGElement, undefined, null, undefined>, surface: Surface, place: (w: number[]) => [number, number],
  o: {x: d3.ScaleLinear<number, number>; y: d3.ScaleLinear<number, number>; iw: number; ih: number; id: string; twoD: boolean}) {
  const {x, y, iw, ih, id, twoD} = o;
  const layer = g.append("g").attr("class", "gb-ls-marks").attr("clip-path", `url(#${id}-clip)`);
  const labels: {x: number; y: number; text: string}[] = [];
  for (const mk of surface.marks ?? []) {
    if (mk.kind === "hline" && twoD) {
      const py = r2(y(mk.at[0]));
      layer.append("line").attr("x1", 0).attr("x2", iw).attr("y1", py).attr("y2", py).attr("stroke", "white").attr("stroke-dasharray", "6 4");
      labels.push({x: 4, y: py - 6, text: mk.label});
    } else if (mk.kind === "vline") {
      const px = r2(x(mk.at[0]));
      layer.append("line").attr("x1", px).attr("x2", px).attr("y1", 0).attr("y2", ih).attr("stroke", "gray").attr("stroke-dasharray", "6 4");
      labels.push({x: px + 4, y: 14, text: mk.label});
    } else if (mk.kind === "point") {
      const [px, py] = place(mk.at);
      layer.append("circle").attr("cx", r2(px)).attr("cy", r2(py)).attr("r", 3.5).attr("fill", "white").attr("stroke", "black");
      labels.push({x: px + 7, y: py - 7, text: mk.label});
    }
  }
  const ys = avoidLabels(labels, {min: 12, max: ih - 4, gap: 15});
  labels.forEach((l, k) => layer.append("text").attr("x", r2(Math.min(l.x, iw - 4))).attr("y", r2(ys[k])).attr("text-anchor", l.x > iw * 0.7 ? "end" : "start")
    .attr("fill", "white").attr("stroke", "black").attr("stroke-width", 3).attr("paint-order", "stroke").text(l.text));
  if (surface.minimum) {
    const [px, py] = place(surface.minimum);
    layer.append("path").attr("class", "gb-ls-minimum").attr("d", d3.symbol(d3.symbolStar, 110)() ?? "").attr("transform", `translate(${r2(px)},${r2(py)})`)
      .attr("fill", "white").attr("stroke", "black").append("title").text(tPlayground("minimum", {at: surface.minimum.map(fmt).join(", ")}));
  }
}
