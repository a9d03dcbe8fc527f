/**
 * polyline({near, straight, dots}) → builder: SVG path data for points in screen pixels, fed one at a time, leaving out the
 * points the eye cannot see, so a 500-step path that has converged is a few points, not 500 (less to build, parse,
 * lay out and raster on every slider move). Pure.
 * - `near`: a point within `near` px of the last point written is left out (a converged tail collapses to its
 *   first point); the last point fed is always written, so the line still ends where the path ends.
 * - `straight` (for lines whose x only grows: a loss chart): a run of points that a straight line passes within
 *   `straight` px of (vertically) is written as its two ends: a flat or a steadily falling loss (a straight line
 *   on a log axis) is a few segments. Every point left out is within `straight` px of the line drawn (the
 *   sleeve algorithm: the slopes from the run's first point that keep every point since within reach).
 * - `dots: true`: step markers, a zero-length segment per point ("M x,y h0"), drawn with round caps.
 * Coordinates are rounded to 0.01 px (r2) as written.
 */
import {r2} from "./plotFrame.js";

export interface PolylineOptions {
  near?: number;
  straight?: number;
  dots?: boolean;
}

export interface Polyline {
  /** the next point; false when x or y is not finite (nothing is added) */
  add(x: number, y: number): boolean;
  /** the path data so far, with the last point fed */
  end(): string;
  /** points written (after end(): all of them) */
  readonly count: number;
  /** the last point fed */
  readonly last: [number, number];
}

export function polyline(options: PolylineOptions = {}): Polyline {
  // 1e-9 px of slack, so that 9.6 is within 0.2 of 9.8 as written
  const near2 = (options.near ?? 0) ** 2 + 1e-9, tol = (options.straight ?? -1) + 1e-9, dots = !!options.dots;
  let d = "", count = 0;
  // the last point written; the point fed but not written yet; the slopes from the last point written that keep
  // every point left out since within tol of the line (the "sleeve")
  let wx = NaN, wy = NaN, px = NaN, py = NaN, pending = false, lo = -Infinity, hi = Infinity;
  const write = (x: number, y: number) => {
    const a = r2(x), b = r2(y);
    d += dots ? "M" + a + "," + b + "h0" : (count ? "L" : "M") + a + "," + b;
    (wx = x), (wy = y), count++;
    (pending = false), (lo = -Infinity), (hi = Infinity);
  };
  /** whether (x, y) can end the straight run from the last point written (it narrows the sleeve if so) */
  const inSleeve = (x: number, y: number) => {
    const dx = x - wx;
    if (!(tol >= 0) || !(dx > 0)) return false;
    const s = (y - wy) / dx;
    if (s < lo || s > hi) return false;
    (lo = Math.max(lo, (y - tol - wy) / dx)), (hi = Math.min(hi, (y + tol - wy) / dx));
    return true;
  };
  return {
    add(x, y) {
      if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
      const qx = px, qy = py;
      (px = x), (py = y);
      if (count === 0) return write(x, y), true;
      const dx = x - wx, dy = y - wy;
      if (dx * dx + dy * dy <= near2 || inSleeve(x, y)) return (pending = true);
      // a straight run ends at the point before this one, which starts the next run (this one may belong to it)
      if (pending && tol >= 0) {
        write(qx, qy);
        if (inSleeve(x, y)) return (pending = true);
      }
      write(x, y);
      return true;
    },
    end() {
      if (pending) write(px, py);
      return d;
    },
    get count() {
      return count;
    },
    get last(): [number, number] {
      return [px, py];
    }
  };
}
