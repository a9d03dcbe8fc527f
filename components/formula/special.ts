/** Special functions the formula builtins need (erf, Φ, Γ and the factorial). Pure: no DOM, no tf. */

/** erf(x): the Maclaurin series for |x| ≤ 3, the continued fraction of erfc beyond (absolute error < 1e-12). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a <= 3) {
    // erf x = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1)); the terms fall below 1e-17 of the sum by n = 60 at |x| = 3.
    let term = x, sum = x;
    for (let n = 1; n < 80; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  return Math.sign(x) * (1 - erfcLarge(a));
}

/** erfc(a) for a > 3 by Lentz's method on erfc a = e^{-a²}/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + …)))). */
export function erfcLarge(a: number): number {
  const tiny = 1e-300;
  let f = a, c = a, d = 0;
  for (let k = 1; k < 200; k++) {
    const coef = k / 2;
    d = a + coef * d;
    d = d === 0 ? tiny : d;
    c = a + coef / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-a * a) / (Math.sqrt(Math.PI) * f);
}

/** φ(x): the standard normal density, e^{−x²/2}/√(2π). */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** Φ(x): the standard normal cumulative distribution function. */
export function normalCdf(x: number): number {
  return 0.5 * (1 + erf(x / Math.SQRT2));
}

export const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

/** Γ(x) (Lanczos, g = 7; reflection below 1/2). NaN at 0 and the negative integers, Infinity past 171.6. */
export function gamma(x: number): number {
  if (Number.isNaN(x) || (x <= 0 && Number.isInteger(x))) return NaN;
  if (x > 171.7) return Infinity;
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x));
  const z = x - 1;
  let s = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) s += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return Math.sqrt(2 * Math.PI) * t ** (z + 0.5) * Math.exp(-t) * s;
}

/** n! for integers 0…170 (exact products), Γ(n + 1) otherwise; bounded: Infinity past 170, NaN at negative integers. */
export function factorial(n: number): number {
  if (Number.isInteger(n)) {
    if (n < 0) return NaN;
    if (n > 170) return Infinity;
    let p = 1;
    for (let k = 2; k <= n; k++) p *= k;
    return p;
  }
  return gamma(n + 1);
}
