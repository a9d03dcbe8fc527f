/**
 * LossSurface(surface, options) → SVG element: filled contours (d3.contours over a contourGrid), a colour legend,
 * axes, the minimum and the surface's marks, and optimiser trajectories with step markers.
 * The contour layer is computed once; `setPaths` / `setStart` redraw only the light path layer.
 * 1-D surfaces (one weight) are drawn as the curve f(w) with the iterates as dots on it.
 */
import * as d3 from "d3";
import {contourGrid, contourThresholds, wantsLogScale, type ContourGrid} from "../math/surfaces/contourGrid.js";
import type {Surface} from "../math/surfaces/types.js";

export interface Trajectory {
  id: string;
  label: string;
  color: string;
  /** iterates w₀, w₁, … (each of the surface's dimension) */
  points: number[][];
  /** reason the run stopped early, if it did */
  stopped?: string | null;
  dash?: string;
}

export interface LossSurfaceOptions {
  width?: number;
  height?: number;
  /** grid cells per side (default 100) */
  n?: number;
  /** number of contour levels (default 20) */
  thresholds?: number;
  /** log-spaced levels; default: chosen from the value distribution */
  log?: boolean;
  /** prefix of the element ids inside the SVG (default "ls") */
  id?: string;
  paths?: Trajectory[];
  start?: number[];
  /** called with the weights under the pointer on click and drag */
  onPick?: (w: number[]) => void;
  /** draw a dot at every step (default true) */
  markers?: boolean;
  /** a precomputed grid to reuse (must match the surface's domain) */
  grid?: ContourGrid;
}

export interface LossSurfaceElement extends SVGSVGElement {
  setPaths(paths: Trajectory[]): void;
  setStart(w: number[] | null): void;
  /** pixel position of weights w (for tests and benchmarks) */
  toPixels(w: number[]): [number, number];
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** Rounds to 2 decimals for short, stable SVG output. */
export function r2(v: number): number {
  return Math.round(v * 100) / 100;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export function LossSurface(surface: Surface, options: LossSurfaceOptions = {}): LossSurfaceElement {
  if (!surface || typeof surface.f !== "function" || !surface.domain) throw new Error("LossSurface: expected a surface {f, grad, domain}");
  const {width = 640, n = 100, thresholds = 20, id = "ls", markers = true} = options;
  const twoD = !!surface.domain.y;
  const margin = {top: 16, right: 16, bottom: twoD ? 78 : 44, left: 52};
  const height = options.height ?? Math.round(width * (twoD ? 0.8 : 0.6));
  const iw = width - margin.left - margin.right;
  const ih = height - margin.top - margin.bottom;
  if (!(iw > 20 && ih > 20)) throw new Error(`LossSurface: ${width}×${height} is too small to draw`);

  const svg = d3
    .create("svg")
    .attr("xmlns", SVG_NS)
    .attr("width", width)
    .attr("height", height)
    .attr("viewBox", `0 0 ${width} ${height}`)
    .attr("class", "gb-loss-surface")
    .attr("role", "img")
    .attr("aria-label", `${surface.title}：${twoD ? "等高线图" : "损失曲线"}与优化器路径`)
    .style("max-width", "100%")
    .style("height", "auto")
    .style("touch-action", "none");
  svg.append("title").text(surface.title);
  svg.append("defs").append("clipPath").attr("id", `${id}-clip`).append("rect").attr("width", iw).attr("height", ih);
  const plot = svg.append("g").attr("transform", `translate(${margin.left},${margin.top})`);

  const x = d3.scaleLinear().domain(surface.domain.x).range([0, iw]);
  let y: d3.ScaleLinear<number, number>;
  // position of an iterate on the plot
  let place: (w: number[]) => [number, number];

  if (twoD) {
    const grid = options.grid ?? contourGrid(surface.f, surface.domain, n);
    const log = options.log ?? wantsLogScale(grid.values, grid.min, grid.max);
    const levels = contourThresholds(grid.min, grid.max, thresholds, log);
    y = d3.scaleLinear().domain(surface.domain.y!).range([ih, 0]);
    const color = (k: number) => d3.interpolateViridis(0.1 + (0.9 * k) / Math.max(1, levels.length - 1));
    const contours = d3.contours().size([grid.n, grid.m]).thresholds(levels)(Array.from(grid.values));
    const [x0, x1] = grid.x, [y0, y1] = grid.y;
    const project = d3.geoTransform({
      point(px, py) {
        this.stream.point(x(x0 + (px * (x1 - x0)) / grid.n), y!(y0 + (py * (y1 - y0)) / grid.m));
      }
    });
    const geo = d3.geoPath(project).digits(2);
    plot
      .append("g")
      .attr("class", "gb-ls-contours")
      .attr("clip-path", `url(#${id}-clip)`)
      .selectAll("path")
      .data(contours)
      .join("path")
      .attr("fill", (_, k) => color(k))
      .attr("stroke", "rgba(0,0,0,0.15)")
      .attr("stroke-width", 0.5)
      .attr("d", (c) => geo(c) ?? "");
    // legend: one swatch per level
    const lg = svg.append("g").attr("class", "gb-ls-legend").attr("transform", `translate(${margin.left},${height - 30})`);
    const sw = iw / levels.length;
    lg.selectAll("rect")
      .data(levels)
      .join("rect")
      .attr("x", (_, k) => r2(k * sw))
      .attr("width", r2(sw + 0.5))
      .attr("height", 10)
      .attr("fill", (_, k) => color(k));
    const fmt = d3.format(".2~g");
    const every = Math.max(1, Math.ceil(levels.length / Math.max(2, Math.floor(iw / 70))));
    lg.selectAll("text")
      .data(levels.map((v, k) => [v, k] as const).filter(([, k]) => k % every === 0))
      .join("text")
      .attr("x", ([, k]) => r2(k * sw))
      .attr("y", 22)
      .attr("font-size", 10)
      .attr("fill", "currentColor")
      .text(([v]) => fmt(v));
    lg.append("text").attr("x", iw).attr("y", -4).attr("text-anchor", "end").attr("font-size", 10).attr("fill", "currentColor").text(`损失 f(w)${log ? "，等高线按对数间隔" : ""}`);
    place = (w) => [x(w[0]), y!(w[1])];
  } else {
    const xs = d3.range(201).map((k) => surface.domain.x[0] + ((surface.domain.x[1] - surface.domain.x[0]) * k) / 200);
    const fs = xs.map((v) => surface.f([v]));
    const finite = fs.filter(Number.isFinite);
    if (finite.length === 0) throw new Error(`LossSurface: ${surface.id} is not finite anywhere on its domain`);
    const lo = Math.min(...finite), hi = Math.max(...finite);
    y = d3.scaleLinear().domain([lo - 0.05 * (hi - lo), hi]).nice().range([ih, 0]);
    const line = d3.line<number>().x((_, k) => x(xs[k])).y((v) => y!(v)).defined(Number.isFinite).digits(2);
    plot.append("path").attr("class", "gb-ls-curve").attr("fill", "none").attr("stroke", "currentColor").attr("stroke-width", 1.5).attr("d", line(fs) ?? "");
    place = (w) => [x(w[0]), y!(surface.f(w))];
  }

  // axes
  plot.append("g").attr("class", "gb-ls-axis-x").attr("transform", `translate(0,${ih})`).call(d3.axisBottom(x).ticks(Math.max(2, Math.floor(iw / 80))));
  plot.append("g").attr("class", "gb-ls-axis-y").call(d3.axisLeft(y).ticks(Math.max(2, Math.floor(ih / 50))));
  plot.append("text").attr("x", iw).attr("y", ih + 32).attr("text-anchor", "end").attr("font-size", 12).attr("fill", "currentColor").text(surface.labels[0]);
  plot.append("text").attr("x", -margin.left + 4).attr("y", -4).attr("font-size", 12).attr("fill", "currentColor").text(twoD ? surface.labels[1] : "J");

  // marks and the minimum
  const marks = plot.append("g").attr("class", "gb-ls-marks").attr("clip-path", `url(#${id}-clip)`).attr("font-size", 11);
  for (const mk of surface.marks ?? []) {
    if (mk.kind === "hline" && twoD) {
      marks.append("line").attr("x1", 0).attr("x2", iw).attr("y1", r2(y(mk.at[0]))).attr("y2", r2(y(mk.at[0]))).attr("stroke", "white").attr("stroke-dasharray", "6 4");
      marks.append("text").attr("x", 4).attr("y", r2(y(mk.at[0]) - 4)).attr("fill", "white").text(mk.label);
    } else if (mk.kind === "vline") {
      marks.append("line").attr("x1", r2(x(mk.at[0]))).attr("x2", r2(x(mk.at[0]))).attr("y1", 0).attr("y2", ih).attr("stroke", "gray").attr("stroke-dasharray", "6 4");
      marks.append("text").attr("x", r2(x(mk.at[0]) + 4)).attr("y", 12).attr("fill", "currentColor").text(mk.label);
    } else if (mk.kind === "point") {
      const [px, py] = place(mk.at);
      marks.append("circle").attr("cx", r2(px)).attr("cy", r2(py)).attr("r", 3.5).attr("fill", "white").attr("stroke", "black");
      marks.append("text").attr("x", r2(px + 6)).attr("y", r2(py - 6)).attr("fill", twoD ? "white" : "currentColor").attr("paint-order", "stroke").attr("stroke", twoD ? "black" : "none").attr("stroke-width", 2).text(mk.label);
    }
  }
  if (surface.minimum) {
    const [px, py] = place(surface.minimum);
    marks.append("path").attr("class", "gb-ls-minimum").attr("d", d3.symbol(d3.symbolStar, 90)() ?? "").attr("transform", `translate(${r2(px)},${r2(py)})`).attr("fill", "white").attr("stroke", "black").append("title").text(`最小值 (${surface.minimum.map((v) => +v.toFixed(3)).join(", ")})`);
  }

  const pathLayer = plot.append("g").attr("class", "gb-ls-paths").attr("clip-path", `url(#${id}-clip)`).node()!;
  const startLayer = plot.append("g").attr("class", "gb-ls-start").node()!;
  // transparent overlay for click / drag
  const overlay = plot.append("rect").attr("class", "gb-ls-overlay").attr("width", iw).attr("height", ih).attr("fill", "transparent").style("cursor", options.onPick ? "crosshair" : "default");

  const el = svg.node() as unknown as LossSurfaceElement;
  el.toPixels = (w) => {
    const [px, py] = place(w);
    return [px + margin.left, py + margin.top];
  };

  el.setPaths = (paths) => {
    let html = "";
    for (const p of paths) {
      let d = "", dots = "";
      let ok = 0;
      for (const w of p.points) {
        const [px, py] = place(w);
        if (!Number.isFinite(px) || !Number.isFinite(py)) break;
        const a = r2(px), b = r2(py);
        d += (ok === 0 ? "M" : "L") + a + "," + b;
        dots += "M" + a + "," + b + "h0";
        ok++;
      }
      if (ok === 0) continue;
      const last = p.points[ok - 1];
      const [ex, ey] = place(last);
      const dash = p.dash ? ` stroke-dasharray="${esc(p.dash)}"` : "";
      html +=
        `<g id="${esc(id)}-path-${esc(p.id)}" class="gb-ls-path"><title>${esc(p.label)}${p.stopped ? "：已停止，" + esc(p.stopped) : ""}</title>` +
        `<path d="${d}" fill="none" stroke="white" stroke-opacity="0.7" stroke-width="4" stroke-linejoin="round"/>` +
        `<path d="${d}" fill="none" stroke="${esc(p.color)}" stroke-width="2" stroke-linejoin="round"${dash}/>` +
        (markers ? `<path d="${dots}" fill="none" stroke="${esc(p.color)}" stroke-width="4.5" stroke-linecap="round"/>` : "") +
        (p.stopped
          ? `<text x="${r2(Math.max(4, Math.min(iw - 150, ex + 6)))}" y="${r2(Math.max(14, Math.min(ih - 6, ey + 4)))}" font-size="13" font-weight="bold" fill="${esc(p.color)}" stroke="white" stroke-width="3" paint-order="stroke">✕ ${esc(p.label)} 已停止</text>`
          : `<circle cx="${r2(ex)}" cy="${r2(ey)}" r="4" fill="${esc(p.color)}" stroke="white" stroke-width="1.5"/>`) +
        `</g>`;
    }
    pathLayer.innerHTML = html;
  };

  el.setStart = (w) => {
    if (!w) {
      startLayer.innerHTML = "";
      return;
    }
    const [px, py] = place(w);
    startLayer.innerHTML = Number.isFinite(px) && Number.isFinite(py) ? `<circle cx="${r2(px)}" cy="${r2(py)}" r="6" fill="none" stroke="white" stroke-width="2.5"/><circle cx="${r2(px)}" cy="${r2(py)}" r="6" fill="none" stroke="black" stroke-width="1"/>` : "";
  };

  if (options.onPick) {
    const pick = options.onPick;
    const invert = (event: PointerEvent): number[] => {
      const [px, py] = d3.pointer(event, overlay.node());
      const wx = x.invert(Math.max(0, Math.min(iw, px)));
      return twoD ? [wx, y.invert(Math.max(0, Math.min(ih, py)))] : [wx];
    };
    let dragging = false;
    overlay.on("pointerdown", (event: PointerEvent) => {
      dragging = true;
      (event.target as Element).setPointerCapture?.(event.pointerId);
      pick(invert(event));
    });
    overlay.on("pointermove", (event: PointerEvent) => {
      if (dragging) pick(invert(event));
    });
    overlay.on("pointerup pointercancel", () => {
      dragging = false;
    });
  }

  el.setPaths(options.paths ?? []);
  el.setStart(options.start ?? null);
  return el;
}
