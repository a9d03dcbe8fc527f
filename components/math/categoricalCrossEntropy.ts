/**
 * Categorical cross-entropy averaged over samples: CE = -(1/N) Σ_n Σ_c y_{n,c} log p_{n,c}.
 * y rows are one-hot (or soft) targets, p rows are probability vectors.
 */
export function categoricalCrossEntropy(y: number[][], p: number[][]): number {
  if (y.length !== p.length) throw new Error(`categoricalCrossEntropy: ${y.length} target rows but ${p.length} prediction rows`);
  if (y.length === 0) throw new Error("categoricalCrossEntropy: no samples");
  let s = 0;
  for (let n = 0; n < y.length; n++) {
    if (y[n].length !== p[n].length) throw new Error(`categoricalCrossEntropy: row ${n} has ${y[n].length} targets but ${p[n].length} probabilities`);
    for (let c = 0; c < y[n].length; c++) {
      if (y[n][c] === 0) continue;
      if (!(p[n][c] > 0)) throw new Error(`categoricalCrossEntropy: p[${n}][${c}] = ${p[n][c]} must be > 0 where the target is not 0`);
      s += y[n][c] * Math.log(p[n][c]);
    }
  }
  return -s / y.length;
}
