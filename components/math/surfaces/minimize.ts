/** A small bounded minimiser for surfaces: BFGS with a backtracking (Armijo) line search. Pure. */

export interface Minimum {
  /** Where it stopped. */
  at: number[];
  value: number;
  /** True when the gradient norm fell below tol·max(1, |f|) (a point where the gradient vanishes was found). */
  converged: boolean;
  /** Iterations used. */
  iterations: number;
}

const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

/**
 * Minimises f from x0, at most `maxIter` iterations (each a gradient and a few f evaluations). Stops when
 * |∇f| < tol·max(1, |f|), or when a coordinate exceeds `maxAbs` (no finite minimum in reach: converged = false).
 */
export function minimize(
  f: (w: number[]) => number,
  grad: (w: number[]) => number[],
  x0: number[],
  {maxIter = 500, tol = 1e-7, maxAbs = 1e6}: {maxIter?: number; tol?: number; maxAbs?: number} = {}
): Minimum {
  const n = x0.length;
  const eye = (): number[][] => Array.from({length: n}, (_, i) => Array.from({length: n}, (_, j) => (i === j ? 1 : 0)));
  let H = eye();
  let x = x0.slice(), fx = f(x), g = grad(x);
  for (let k = 0; k < maxIter; k++) {
    const norm = Math.sqrt(dot(g, g));
    if (!Number.isFinite(norm) || !Number.isFinite(fx)) return {at: x, value: fx, converged: false, iterations: k};
    if (norm < tol * Math.max(1, Math.abs(fx))) return {at: x, value: fx, converged: true, iterations: k};
    let d = H.map((row) => -dot(row, g));
    if (!(dot(d, g) < 0)) {
      H = eye();
      d = g.map((v) => -v);
    }
    let t = 1, next = x.map((v, i) => v + t * d[i]), fn = f(next);
    while (!(fn <= fx + 1e-4 * t * dot(g, d)) && t > 1e-16) {
      t /= 2;
      next = x.map((v, i) => v + t * d[i]);
      fn = f(next);
    }
    if (t <= 1e-16) return {at: x, value: fx, converged: norm < 1e-5, iterations: k};
    const gn = grad(next);
    const s = next.map((v, i) => v - x[i]), y = gn.map((v, i) => v - g[i]);
    const sy = dot(s, y);
    if (sy > 1e-12) {
      // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ
      const rho = 1 / sy;
      const Hy = H.map((row) => dot(row, y));
      const yHy = dot(y, Hy);
      H = H.map((row, i) => row.map((h, j) => h - rho * (s[i] * Hy[j] + Hy[i] * s[j]) + (rho * rho * yHy + rho) * s[i] * s[j]));
    }
    x = next;
    fx = fn;
    g = gn;
    if (x.some((v) => Math.abs(v) > maxAbs)) return {at: x, value: fx, converged: false, iterations: k + 1};
  }
  return {at: x, value: fx, converged: Math.sqrt(dot(g, g)) < 1e-5 * Math.max(1, Math.abs(fx)), iterations: maxIter};
}
