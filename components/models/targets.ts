/**
 * What a model is trained to output, per sample, read from the y array the code computed: one number (a class id,
 * 0/1 or a regression target), one-hot rows (→ class ids), or several real-valued targets (a multi-output
 * regression, kept as `width` numbers per sample). Pure.
 */
import type {NDArray} from "./numpy/ndarray.js";

export interface Targets {
  /** Row-major, `width` numbers per sample. */
  values: Float64Array;
  /** Numbers per sample: 1 for labels and single targets, k for k regression targets. */
  width: number;
}

/** One-hot rows have one 1 and zeros elsewhere. */
function oneHot(y: NDArray, k: number): boolean {
  for (let i = 0; i < y.shape[0]; i++) {
    let ones = 0;
    for (let j = 0; j < k; j++) {
      const v = y.data[i * k + j];
      if (v === 1) ones++;
      else if (v !== 0) return false;
    }
    if (ones !== 1) return false;
  }
  return true;
}

/** y of shape (n,), (n, 1), one-hot (n, k) or k real-valued columns (n, k). */
export function targetsOf(y: NDArray): Targets {
  if (y.shape.length === 1 || (y.shape.length === 2 && y.shape[1] === 1)) return {values: y.data, width: 1};
  if (y.shape.length === 2) {
    const k = y.shape[1];
    if (!oneHot(y, k)) return {values: y.data, width: k};
    return {values: Float64Array.from({length: y.shape[0]}, (_, i) => y.data.subarray(i * k, (i + 1) * k).indexOf(1)), width: 1};
  }
  throw new Error(`targets of shape (${y.shape.join(", ")}) are not supported: y needs one row per sample`);
}
