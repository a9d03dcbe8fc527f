/**
 * Binary cross-entropy (log-loss) BCE = -(1/n) Σ_i [y_i log p_i + (1 - y_i) log(1 - p_i)].
 * p is clipped to [eps, 1 - eps] like tf.losses.logLoss (epsilon 1e-7) so p = 0 or 1 stays finite.
 */
export function binaryCrossEntropy(y: number[], p: number[], eps = 1e-7): number {
  if (y.length !== p.length) throw new Error(`binaryCrossEntropy: ${y.length} labels but ${p.length} probabilities`);
  if (y.length === 0) throw new Error("binaryCrossEntropy: no samples");
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    if (!(p[i] >= 0 && p[i] <= 1)) throw new Error(`binaryCrossEntropy: probability p[${i}] = ${p[i]} is outside [0, 1]`);
    const q = Math.min(1 - eps, Math.max(eps, p[i]));
    s += y[i] * Math.log(q) + (1 - y[i]) * Math.log(1 - q);
  }
  return -s / y.length;
}
