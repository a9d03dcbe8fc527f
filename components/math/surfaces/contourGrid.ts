/** Geometry for contour plots, apart from rendering: sample f on a grid and choose thresholds. Pure. */
import type {Domain} from "./types.js";

export interface ContourGrid {
  /** columns (x) and rows (y) */
  n: number;
  m: number;
  /** values[j·n + i] = f at the centre of cell (i, j); j = 0 is the smallest y. */
  values: Float64Array;
  x: [number, number];
  y: [number, number];
  min: number;
  max: number;
  /** values that were NaN or ±Inf (replaced by max so contours stay closed) */
  nonFinite: number;
}

/**
 * Samples f at the centres of an n×m grid over domain (d3.contours convention: cell (i, j) spans
 * [i, i+1]×[j, j+1] in grid units, so grid coordinate c maps to x₀ + c·(x₁ − x₀)/n).
 */
export function contourGrid(f: (w: number[]) => number, domain: Domain, n = 100, m = n): ContourGrid {
  if (!domain.y) throw new Error("contourGrid: domain.y is missing (a contour grid needs a 2-D surface)");
  if (!(Number.isInteger(n) && n >= 2 && Number.isInteger(m) && m >= 2)) throw new Error(`contourGrid: grid size must be integers ≥ 2, got ${n}×${m}`);
  const [x0, x1] = domain.x;
  const [y0, y1] = domain.y;
  if (!(x1 > x0 && y1 > y0)) throw new Error(`contourGrid: empty domain x=[${x0}, ${x1}] y=[${y0}, ${y1}]`);
  const values = new Float64Array(n * m);
  let min = Infinity, max = -Infinity, nonFinite = 0;
  const w = [0, 0];
  for (let j = 0; j < m; j++) {
    w[1] = y0 + ((j + 0.5) * (y1 - y0)) / m;
    for (let i = 0; i < n; i++) {
      w[0] = x0 + ((i + 0.5) * (x1 - x0)) / n;
      const v = f(w);
      values[j * n + i] = v;
      if (Number.isFinite(v)) {
        if (v < min) min = v;
        if (v > max) max = v;
      } else nonFinite++;
    }
  }
  if (nonFinite === values.length) throw new Error("contourGrid: f is NaN or infinite everywhere on the domain");
  if (nonFinite) for (let k = 0; k < values.length; k++) if (!Number.isFinite(values[k])) values[k] = max;
  return {n, m, values, x: [x0, x1], y: [y0, y1], min, max, nonFinite};
}

/** True when most of the grid sits near its minimum: the median is below min + (max − min)/8. */
export function wantsLogScale(values: ArrayLike<number>, min: number, max: number): boolean {
  const sorted = Float64Array.from(values).sort();
  const median = sorted[Math.floor(sorted.length / 2)];
  return max - min > 0 && median - min < (max - min) / 8;
}

/**
 * count thresholds between min and max: linear (evenly spaced, exclusive of min) or log-spaced in f − min,
 * from (max − min)·1e-4 up to max − min, so the valley floor keeps its detail.
 */
export function contourThresholds(min: number, max: number, count: number, log: boolean): number[] {
  if (!(Number.isFinite(min) && Number.isFinite(max))) throw new Error(`contourThresholds: min and max must be finite, got ${min}, ${max}`);
  if (!(Number.isInteger(count) && count >= 1)) throw new Error(`contourThresholds: count must be a positive integer, got ${count}`);
  const range = max - min;
  if (range <= 0) return [min];
  if (!log) return Array.from({length: count}, (_, k) => min + (range * k) / count);
  const lo = range * 1e-4;
  const ratio = range / lo;
  return [min, ...Array.from({length: count - 1}, (_, k) => min + lo * Math.pow(ratio, k / (count - 2 || 1)))];
}
