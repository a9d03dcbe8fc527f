/**
 * The verdict on two sides of a stated moment, each known per group of draws (batch means): the difference's mean
 * and its standard error over the groups. Within 6 standard errors (plus 10⁻³ of the sides' size, for sides that
 * are both exact) it holds — when those 6 standard errors are within 10 % of the sides' size (PRECISION), so that
 * an error of that size would have shown; beyond 12 standard errors and 5 % of the sides' size it does not; otherwise the draws
 * do not tell. Pure: no DOM, no tf.
 */

export interface Comparison {
  verdict: "ok" | "bad" | "unsure";
  /** The sides' estimates and standard errors, for the entry that decided (the worst one). */
  left: number;
  leftSe: number;
  right: number;
  rightSe: number;
  /** |difference| in standard errors (Infinity when both sides are exact and differ). */
  sigmas: number;
}

export const AGREE_SE = 6;
export const DISAGREE_SE = 12;
export const AGREE_REL = 1e-3;
export const DISAGREE_REL = 0.05;
export const PRECISION = 0.1;

function stats(xs: number[]): {mean: number; se: number} {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const v = n > 1 ? xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  const se = Math.sqrt(v / n);
  // a side that is the same on every group (a constant, up to rounding) has no sampling error
  return {mean, se: se <= 1e-12 * Math.max(1, Math.abs(mean)) ? 0 : se};
}

function one(a: number[], b: number[], draws: number): Comparison | undefined {
  if (a.length !== b.length || ![...a, ...b].every(Number.isFinite)) return undefined;
  const l = stats(a), r = stats(b), d = stats(a.map((x, g) => x - b[g]));
  // the size of the sides, or (Cov(s + t, s − t) = 0) the spread of a single draw's difference
  const scale = Math.max(Math.abs(l.mean), Math.abs(r.mean), d.se * Math.sqrt(draws));
  const diff = Math.abs(d.mean);
  const sigmas = d.se > 0 ? diff / d.se : diff > 0 ? Infinity : 0;
  const precise = AGREE_SE * d.se <= PRECISION * scale;
  const verdict = diff <= AGREE_SE * d.se + AGREE_REL * scale + 1e-12 ? (precise ? "ok" : "unsure") : diff > DISAGREE_SE * d.se && diff > DISAGREE_REL * scale ? "bad" : "unsure";
  return {verdict, left: l.mean, leftSe: l.se, right: r.mean, rightSe: r.se, sigmas};
}

/** Sides as entries × groups (a scalar side has one entry and is compared with every entry of the other), on `draws` draws. */
export function compareSides(a: number[][], b: number[][], draws: number): Comparison | undefined {
  if (a.length !== b.length && a.length !== 1 && b.length !== 1) return undefined;
  const n = Math.max(a.length, b.length);
  let worst: Comparison | undefined;
  const rank = (c: Comparison) => (c.verdict === "bad" ? 2 : c.verdict === "unsure" ? 1 : 0);
  for (let k = 0; k < n; k++) {
    const c = one(a[a.length === 1 ? 0 : k], b[b.length === 1 ? 0 : k], draws);
    if (!c) return undefined;
    if (!worst || rank(c) > rank(worst) || (rank(c) === rank(worst) && c.sigmas > worst.sigmas)) worst = c;
  }
  return worst;
}

/**
 * How a side moved between two runs on other seeded values: its relative change, and whether that change is
 * beyond 12 standard errors and 5 % (`moved`) or within 6 standard errors that are within 10 % of it (`still`).
 */
export function movement(run1: number[][], run2: number[][]): {moved: boolean; still: boolean; change: number} | undefined {
  if (run1.length !== run2.length) return undefined;
  let moved = false, still = true, change = 0;
  for (let k = 0; k < run1.length; k++) {
    const a = stats(run1[k]), b = stats(run2[k]);
    const diff = Math.abs(a.mean - b.mean), se = Math.hypot(a.se, b.se), scale = Math.max(Math.abs(a.mean), Math.abs(b.mean));
    change = Math.max(change, scale ? diff / scale : 0);
    if (diff > DISAGREE_SE * se && diff > DISAGREE_REL * scale) moved = true;
    if (diff > AGREE_SE * se + 1e-9 * scale || AGREE_SE * se > PRECISION * scale) still = false;
  }
  return {moved, still, change};
}
