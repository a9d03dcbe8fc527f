/**
 * Surface3D(surface, options) → Element: the loss surface as a shaded 3-D mesh (an SVG projection of an n×n grid,
 * drawn back to front) with the optimiser paths on it, in an SVG of their own over the mesh's. Drag to rotate; focus it and use the arrow keys to rotate,
 * +/− to change the height. A touch swipe scrolls the page vertically (touch-action: pan-y); horizontal drags rotate.
 */
import * as d3 from "d3";
import {tPlayground} from "../i18n/playground.js";
import {contourGrid, wantsLogScale} from "../math/surfaces/contourGrid.js";
import type {Surface} from "../math/surfaces/types.js";
import {levelColor} from "./contourLayer.js";
import {LINE_NEAR} from "./pathLayer.js";
import {esc, plotFrame, r2, safeColor, setLegend} from "./plotFrame.js";
import {polyline} from "./polyline.js";
import type {Trajectory} from "./LossSurface.js";

export interface Surface3DOptions {
  width?: number;
  /** mesh cells per side (default 28) */
  n?: number;
  paths?: Trajectory[];
  /** initial view: azimuth and elevation in degrees */
  azimuth?: number;
  elevation?: number;
}

export interface Surface3DElement extends HTMLElement {
  setPaths(paths: Trajectory[]): void;
  /** rotates to a view (degrees) and redraws */
  setView(azimuth: number, elevation: number): void;
  readonly view: {azimuth: number; elevation: number; height: number};
}

/** Screen position and depth of a point (X, Y in [−1, 1], Z in [0, 1]) seen from azimuth a, elevation e (radians). */
export function project3d(X: number, Y: number, Z: number, a: number, e: number, h: number): {u: number; v: number; depth: number} {
  const u = X * Math.cos(a) - Y * Math.sin(a);
  const d = X * Math.sin(a) + Y * Math.cos(a);
  const z = Z * h;
  return {u, v: z * Math.cos(e) + d * Math.sin(e), depth: d * Math.cos(e) - z * Math.sin(e)};
}

export function Surface3D(surface: Surface, options: Surface3DOptions = {}): Surface3DElement {
  if (!surface?.domain?.y) throw new Error("Surface3D: needs a surface of two weights");
  const frame = plotFrame("gb-pg-3d-figure", options.width);
  const el = frame.figure as unknown as Surface3DElement;
  const n = options.n ?? 28;
  const grid = contourGrid(surface.f, surface.domain, n);
  const log = wantsLogScale(grid.values, grid.min, grid.max);
  const range = grid.max - grid.min || 1;
  const norm = (v: number) => Math.max(0, Math.min(1, log ? Math.log1p((v - grid.min) / (range * 1e-3)) / Math.log1p(1e3) : (v - grid.min) / range));
  const [x0, x1] = surface.domain.x, [y0, y1] = surface.domain.y;
  const toX = (w0: number) => (2 * (w0 - x0)) / (x1 - x0) - 1, toY = (w1: number) => (2 * (w1 - y0)) / (y1 - y0) - 1;
  const view = {azimuth: options.azimuth ?? -35, elevation: options.elevation ?? 35, height: 0.9};
  let paths = options.paths ?? [];
  let svgEl: SVGSVGElement | null = null;
  let width = 0;

  let P: Projector = () => ({x: NaN, y: NaN, depth: 0});
  const stack = document.createElement("div");
  stack.className = "gb-3d-stack";
  frame.legend.after(stack);
  let pathLayer: SVGGElement | null = null;

  // paths are redrawn only while the view is on screen (a slider move elsewhere on the page costs nothing here)
  let onScreen = true, stale = false;
  if (typeof IntersectionObserver !== "undefined") {
    let seen = false;
    const io = new IntersectionObserver((entries) => {
      if (frame.figure.isConnected) seen = true;
      else if (seen) return void io.disconnect(); // dropped by a cell that re-ran
      onScreen = entries[entries.length - 1].isIntersecting;
      if (onScreen && stale) renderPaths();
    });
    io.observe(frame.figure);
  }

  /** The paths over the mesh (drawn on top: a path is never hidden behind a ridge). */
  const renderPaths = () => {
    stale = !onScreen;
    if (stale) return;
    if (pathLayer) updatePaths(pathLayer, projectPaths(paths, (w, loss) => P(clamp(toX(w[0])), clamp(toY(w[1])), norm(loss ?? surface.f(w)) + 0.01)));
    setLegend(frame.legend, paths.map((p) => ({label: p.label, color: safeColor(p.color), dash: p.dash})));
  };

  const draw = (w: number) => {
    width = w;
    const height = Math.round(Math.min(480, Math.max(240, w * 0.62)));
    P = projector(view, w, height);
    const svg = d3.create("svg").attr("width", w).attr("height", height).attr("viewBox", `0 0 ${w} ${height}`).attr("class", "gb-pg-3d")
      .attr("tabindex", 0).attr("role", "img").attr("aria-label", tPlayground("view3dAria", {title: surface.title})).node()!;
    svg.innerHTML = `<title>${esc(tPlayground("view3dKeys"))}</title>${meshSvg(P, grid.values, n, norm, surface.labels)}`;
    // the paths in their own SVG on top (its own compositing layer): moving them never repaints the mesh
    const over = d3.create("svg").attr("width", w).attr("height", height).attr("viewBox", `0 0 ${w} ${height}`).attr("class", "gb-3d-overlay").attr("aria-hidden", "true").node()!;
    over.innerHTML = `<g class="gb-3d-paths"></g>`;
    pathLayer = over.querySelector("g.gb-3d-paths");
    const hadFocus = svgEl !== null && document.activeElement === svgEl;
    svgEl = svg;
    stack.replaceChildren(svg, over);
    if (hadFocus) svg.focus();
    rotateOnInput(svg, view, {turn: (az, elev) => el.setView(az, elev), redraw: () => draw(width)});
    renderPaths();
  };

  el.setPaths = (next) => {
    paths = next;
    renderPaths();
  };
  el.setView = (az, elev) => {
    view.azimuth = ((az % 360) + 360) % 360;
    view.elevation = Math.max(5, Math.min(85, elev));
    draw(width || frame.width());
  };
  Object.defineProperty(el, "view", {get: () => ({...view})});
  frame.onResize(draw);
  return el;
}

const clamp = (v: number) => Math.max(-1, Math.min(1, v));

/** Each path's screen polyline (points within 0.5 px of the last one left out); the height of step k is its loss, which the path carries (f only without it). */
function projectPaths(paths: Trajectory[], at: (w: number[], loss: number | undefined) => {x: number; y: number}): {d: string; color: string; dash?: string}[] {
  const out: {d: string; color: string; dash?: string}[] = [];
  for (const p of paths) {
    const line = polyline({near: LINE_NEAR});
    p.points.forEach((w, k) => {
      if (!w.every(Number.isFinite)) return;
      const q = at(w, p.losses?.[k]);
      line.add(q.x, q.y);
    });
    const d = line.end();
    if (d) out.push({d, color: safeColor(p.color), dash: p.dash});
  }
  return out;
}

/** Halo and line per path; the same paths drawn again only get their d rewritten (no nodes made). */
function updatePaths(layer: SVGGElement, drawn: {d: string; color: string; dash?: string}[]): void {
  const key = JSON.stringify(drawn.map((p) => [p.color, p.dash ?? ""]));
  if (layer.dataset.key === key && layer.childElementCount === 2 * drawn.length) {
    drawn.forEach((p, k) => {
      for (const el of [layer.children[2 * k], layer.children[2 * k + 1]]) if (el.getAttribute("d") !== p.d) el.setAttribute("d", p.d);
    });
    return;
  }
  layer.dataset.key = key;
  layer.innerHTML = drawn.map((p) => `<path d="${p.d}" fill="none" style="stroke:var(--gb-pg-halo)" stroke-width="4.5" stroke-opacity="0.8"/><path d="${p.d}" fill="none" style="stroke:${p.color}" stroke-width="2.25"${p.dash ? ` stroke-dasharray="${esc(p.dash)}"` : ""}/>`).join("");
}

type Projector = (X: number, Y: number, Z: number) => {x: number; y: number; depth: number};
type View = {azimuth: number; elevation: number; height: number};

/** The view's projection, scaled and centred so the box (with room for the axis names) fits, whatever the angles. */
function projector(view: View, w: number, height: number): Projector {
  const a = (view.azimuth * Math.PI) / 180, e = (view.elevation * Math.PI) / 180;
  const corners = [-1.2, 1.2].flatMap((X) => [-1.2, 1.2].flatMap((Y) => [0, 1].map((Z) => project3d(X, Y, Z, a, e, view.height))));
  const [u0, u1] = d3.extent(corners, (c) => c.u) as [number, number], [v0, v1] = d3.extent(corners, (c) => c.v) as [number, number];
  const s = Math.min((w - 24) / (u1 - u0), (height - 44) / (v1 - v0));
  const cx = w / 2 - (s * (u0 + u1)) / 2, cy = height / 2 - 8 + (s * (v0 + v1)) / 2;
  return (X, Y, Z) => {
    const p = project3d(X, Y, Z, a, e, view.height);
    return {x: cx + s * p.u, y: cy - s * p.v, depth: p.depth};
  };
}

/** The n×n grid as a mesh, far quads first (painter's algorithm), and the axis names. */
function meshSvg(P: Projector, values: ArrayLike<number>, n: number, norm: (v: number) => number, labels: string[]): string {
  const quads: {d: string; depth: number; fill: string}[] = [];
  const z = (i: number, j: number) => norm(values[j * n + i]);
  for (let j = 0; j < n - 1; j++) {
    for (let i = 0; i < n - 1; i++) {
      const c = [[i, j], [i + 1, j], [i + 1, j + 1], [i, j + 1]].map(([p, q]) => P((2 * (p + 0.5)) / n - 1, (2 * (q + 0.5)) / n - 1, z(p, q)));
      const mean = (z(i, j) + z(i + 1, j) + z(i + 1, j + 1) + z(i, j + 1)) / 4;
      quads.push({d: "M" + c.map((p) => `${r2(p.x)},${r2(p.y)}`).join("L") + "Z", depth: c.reduce((t, p) => t + p.depth, 0) / 4, fill: levelColor(Math.round(mean * 19), 20)});
    }
  }
  quads.sort((p, q) => q.depth - p.depth);
  const axis = (X: number, Y: number, text: string) => {
    const q = P(X, Y, 0);
    return `<text x="${r2(q.x)}" y="${r2(q.y + 16)}" text-anchor="middle" font-size="13" fill="currentColor">${esc(text)}</text>`;
  };
  return quads.map((q) => `<path d="${q.d}" fill="${q.fill}" stroke="rgba(0,0,0,0.18)" stroke-width="0.5"/>`).join("") + axis(1.15, -1.15, labels[0]) + axis(-1.15, 1.15, labels[1]);
}

/** Drag rotates (horizontal: azimuth, vertical: elevation); arrow keys rotate, +/− change the height. */
function rotateOnInput(svg: SVGSVGElement, view: View, on: {turn(azimuth: number, elevation: number): void; redraw(): void}): void {
  let last: {x: number; y: number} | null = null;
  svg.addEventListener("pointerdown", (ev) => {
    last = {x: ev.clientX, y: ev.clientY};
    svg.setPointerCapture?.(ev.pointerId);
  });
  svg.addEventListener("pointermove", (ev) => {
    if (!last) return;
    const dx = ev.clientX - last.x, dy = ev.clientY - last.y;
    last = {x: ev.clientX, y: ev.clientY};
    on.turn(view.azimuth - dx * 0.5, view.elevation + dy * 0.3);
  });
  const end = () => (last = null);
  svg.addEventListener("pointerup", end);
  svg.addEventListener("pointercancel", end);
  svg.addEventListener("keydown", (ev) => {
    const k = ev.key;
    const turn = {ArrowLeft: [-10, 0], ArrowRight: [10, 0], ArrowUp: [0, 5], ArrowDown: [0, -5]}[k];
    if (turn) on.turn(view.azimuth + turn[0], view.elevation + turn[1]);
    else if (k === "+" || k === "=" || k === "-") (view.height = Math.max(0.2, Math.min(2, view.height + (k === "-" ? -0.1 : 0.1)))), on.redraw();
    else return;
    ev.preventDefault();
  });
}
