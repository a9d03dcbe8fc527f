/** softmax(z)_j = e^{z_j} / Σ_k e^{z_k} (shifted by max z for stability). */
export function softmax(z: number[]): number[] {
  if (z.length === 0) throw new Error("softmax: empty vector");
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** Row-wise softmax of a matrix (softmax over the last axis, as tf.softmax). */
export function softmaxRows(m: number[][]): number[][] {
  return m.map(softmax);
}
