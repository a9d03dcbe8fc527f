/**
 * pathLayer(layer, {id, markers}) → update(paths, place, box): the loss surface's optimiser paths, kept in one
 * SVG group across slider moves. Each path is a halo, the line, one path of step markers (a zero-length segment
 * per step, round caps) and its end; a stopped path is labelled at its end, labels pushed apart (avoidLabels).
 * The markup is written once; while the same paths (ids, colours, dashes, which ones stopped) are drawn again,
 * an update only rewrites the `d`, position and text attributes that changed: no nodes are created, nothing
 * is measured (no getBBox), so a redraw costs the browser one path rebuild per changed line. Points closer on
 * screen than the eye can tell apart are left out of the line and the markers (polyline.ts).
 */
import {avoidLabels} from "./avoidLabels.js";
import {esc, r2, safeColor} from "./plotFrame.js";
import {polyline} from "./polyline.js";
import type {Trajectory} from "./LossSurface.js";

export type Place = (w: number[]) => [number, number];

interface Geometry {
  id: string;
  color: string;
  dash?: string;
  title: string;
  d: string;
  dots: string;
  ex: number;
  ey: number;
  why: string | null;
  label: string;
}

interface EndLabel {
  x: number;
  y: number;
  anchor: "start" | "end";
  text: string;
  color: string;
}

export const stopReason = (s: Trajectory["stopped"]): string | null => (s == null ? null : typeof s === "string" ? s : s.reason);

/** Left out of a path as drawn (polyline.ts): a point within 0.5 px of the line's last point, a step marker within
 * 1 px of the last marker (markers are 4.5 px round dots, so the dots drawn cover the same pixels to within 1 px). */
export const LINE_NEAR = 0.5, DOT_NEAR = 1;

/** A path's screen geometry: the line and the markers up to its first non-finite point. */
function geometry(p: Trajectory, place: Place, markers: boolean): Geometry | null {
  const line = polyline({near: LINE_NEAR}), dots = polyline({near: DOT_NEAR, dots: true});
  for (const w of p.points) {
    const [px, py] = place(w);
    if (!line.add(px, py)) break;
    if (markers) dots.add(px, py);
  }
  const d = line.end();
  if (!line.count) return null;
  const [ex, ey] = line.last.map(r2);
  const why = stopReason(p.stopped);
  return {id: p.id, color: safeColor(p.color), dash: p.dash, title: p.label + (why ? " ✕ " + why : ""), d, dots: markers ? dots.end() : "", ex, ey, why, label: p.label};
}

function groupSvg(g: Geometry, id: string, markers: boolean): string {
  const dash = g.dash ? ` stroke-dasharray="${esc(g.dash)}"` : "";
  return `<g id="${esc(id)}-path-${esc(g.id)}" class="gb-ls-path"><title>${esc(g.title)}</title>` +
    `<path d="${g.d}" fill="none" style="stroke:var(--gb-pg-halo)" stroke-opacity="0.85" stroke-width="5" stroke-linejoin="round"/>` +
    `<path d="${g.d}" fill="none" style="stroke:${g.color}" stroke-width="2.25" stroke-linejoin="round"${dash}/>` +
    (markers ? `<path d="${g.dots}" fill="none" style="stroke:${g.color}" stroke-width="4.5" stroke-linecap="round"/>` : "") +
    `<circle cx="${g.ex}" cy="${g.ey}" r="4.5" style="fill:${g.color};stroke:var(--gb-pg-halo)" stroke-width="1.5"/></g>`;
}

function endSvg(e: EndLabel): string {
  return `<text class="gb-ls-stop" x="${e.x}" y="${e.y}" text-anchor="${e.anchor}" font-weight="600" style="fill:${e.color};stroke:var(--gb-pg-halo)" stroke-width="3" paint-order="stroke">${esc(e.text)}</text>`;
}

/** Sets an attribute only when it changes (an unchanged `d` is not parsed again). */
function set(el: Element, name: string, value: string): void {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

export function pathLayer(layer: SVGGElement, o: {id: string; markers: boolean}): (paths: Trajectory[], place: Place, box: {iw: number; ih: number}) => void {
  let shape = "";
  return (paths, place, box) => {
    const geos = paths.map((p) => geometry(p, place, o.markers)).filter((g): g is Geometry => g !== null);
    const stopped = geos.filter((g) => g.why);
    // stopped paths are labelled at their end, pushed apart so the labels never overlap
    const ys = avoidLabels(stopped.map((g) => ({y: g.ey})), {min: 14, max: box.ih - 4, gap: 16});
    const ends: EndLabel[] = stopped.map((g, k) => {
      const right = g.ex < box.iw / 2;
      return {x: r2(right ? g.ex + 8 : g.ex - 8), y: r2(ys[k] + 4), anchor: right ? "start" : "end", text: `✕ ${g.label}`, color: g.color};
    });
    const key = JSON.stringify([geos.map((g) => [g.id, g.color, g.dash ?? ""]), ends.length]);
    if (key !== shape || layer.childElementCount !== geos.length + ends.length) {
      shape = key;
      layer.innerHTML = geos.map((g) => groupSvg(g, o.id, o.markers)).join("") + ends.map(endSvg).join("");
      return;
    }
    const nodes = layer.children;
    geos.forEach((g, k) => {
      const [title, halo, line, ...rest] = nodes[k].children;
      setText(title, g.title);
      set(halo, "d", g.d);
      set(line, "d", g.d);
      if (o.markers) set(rest[0], "d", g.dots);
      const end = rest[rest.length - 1];
      set(end, "cx", String(g.ex));
      set(end, "cy", String(g.ey));
    });
    ends.forEach((e, k) => {
      const t = nodes[geos.length + k];
      set(t, "x", String(e.x));
      set(t, "y", String(e.y));
      set(t, "text-anchor", e.anchor);
      set(t, "style", `fill:${e.color};stroke:var(--gb-pg-halo)`);
      setText(t, e.text);
    });
  };
}
