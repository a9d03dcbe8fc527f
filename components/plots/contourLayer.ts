/**
 * Contours of a sampled loss, apart from their drawing: contourGeometry (d3.contours in grid units, once per
 * surface) and contourLayer (projected to the plot's current size, with a colour bar whose labels never overlap).
 */
import * as d3 from "d3";
import {tPlayground} from "../i18n/playground.js";
import {contourThresholds, wantsLogScale, type ContourGrid} from "../math/surfaces/contourGrid.js";
import {r2} from "./plotFrame.js";

export interface ContourGeometry {
  grid: ContourGrid;
  levels: number[];
  log: boolean;
  contours: d3.ContourMultiPolygon[];
}

export function contourGeometry(grid: ContourGrid, thresholds = 20, log?: boolean): ContourGeometry {
  const useLog = log ?? wantsLogScale(grid.values, grid.min, grid.max);
  const levels = contourThresholds(grid.min, grid.max, thresholds, useLog);
  const contours = d3.contours().size([grid.n, grid.m]).thresholds(levels)(Array.from(grid.values));
  return {grid, levels, log: useLog, contours};
}

/** Level k's fill: viridis, the same in light and dark mode (paths carry a halo of the page's background). */
export const levelColor = (k: number, count: number): string => d3.interpolateViridis(0.1 + (0.9 * k) / Math.max(1, count - 1));

type G = d3.Selection<SVGGElement, undefined, null, undefined>;
type Svg = d3.Selection<SVGSVGElement, undefined, null, undefined>;

export function contourLayer(g: G, svg: Svg, geo: ContourGeometry, o: {x: d3.ScaleLinear<number, number>; y: d3.ScaleLinear<number, number>; iw: number; ih: number; id: string; legendY: number; left: number}): void {
  const {grid, levels, contours} = geo;
  const [x0, x1] = grid.x, [y0, y1] = grid.y;
  const project = d3.geoTransform({
    point(px, py) {
      this.stream.point(o.x(x0 + (px * (x1 - x0)) / grid.n), o.y(y0 + (py * (y1 - y0)) / grid.m));
    }
  });
  const path = d3.geoPath(project).digits(2);
  g.append("g").attr("class", "gb-ls-contours").attr("clip-path", `url(#${o.id}-clip)`).selectAll("path").data(contours).join("path")
    .attr("fill", (_, k) => levelColor(k, levels.length)).attr("stroke", "rgba(0,0,0,0.15)").attr("stroke-width", 0.5).attr("d", (c) => path(c) ?? "");
  const lg = svg.append("g").attr("class", "gb-ls-legend").attr("transform", `translate(${o.left},${o.legendY})`);
  const sw = o.iw / levels.length;
  lg.selectAll("rect").data(levels).join("rect").attr("x", (_, k) => r2(k * sw)).attr("width", r2(sw + 0.5)).attr("height", 10).attr("fill", (_, k) => levelColor(k, levels.length));
  const format = d3.format(".2~g");
  // one label per ~64 px: at 12 px a label such as "1.2e+3" is about 40 px wide
  const every = Math.max(1, Math.ceil(levels.length / Math.max(2, Math.floor(o.iw / 64))));
  lg.selectAll("text").data(levels.map((v, k) => [v, k] as const).filter(([, k]) => k % every === 0)).join("text")
    .attr("x", ([, k]) => r2(k * sw)).attr("y", 24).attr("font-size", 12).attr("fill", "currentColor").text(([v]) => format(v));
  // the bar's caption on the left: the x axis's label sits at the right, just above
  lg.append("text").attr("x", 0).attr("y", -5).attr("font-size", 12).attr("fill", "currentColor")
    .text(`${tPlayground("loss")} f(w)${geo.log ? ` · ${tPlayground("contoursLog")}` : ""}`);
}
