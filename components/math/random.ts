/** Seeded pseudo-random numbers: every random source in gradbook takes a seed. */

/** mulberry32: a small, fast 32-bit generator; returns uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal sample by Box–Muller from a uniform generator. */
export function randn(rng: () => number): number {
  let u = 0;
  while (u === 0) u = rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** n uniform samples in [lo, hi). */
export function uniformArray(rng: () => number, n: number, lo = 0, hi = 1): number[] {
  return Array.from({length: n}, () => lo + (hi - lo) * rng());
}
