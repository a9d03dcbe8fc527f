/** np.linalg's factorisations: cholesky (lower-triangular L with L Lᵀ = A, stacked matrices too). Bounded by the budget. Pure. */
import {checkShape, type Budget, type NDArray} from "./ndarray.js";

/** The largest matrix side np.linalg.cholesky follows. */
const MAX_SIDE = 2000;

/**
 * np.linalg.cholesky(A): L lower-triangular with L Lᵀ = A, read from A's lower triangle and diagonal as NumPy (LAPACK)
 * does; "Matrix is not positive definite" when a pivot is not positive. A of shape (…, n, n): each matrix on its own.
 */
export function cholesky(A: NDArray, B: Budget): NDArray {
  const what = "np.linalg.cholesky";
  const nd = A.shape.length, n = A.shape[nd - 1];
  if (nd < 2 || A.shape[nd - 2] !== n) throw new Error(`${what}: expects a square matrix (or a stack of them), got shape (${A.shape.join(", ")})`);
  if (n > MAX_SIDE) throw new Error(`${what}: a ${n} × ${n} matrix is too large to follow (the limit is ${MAX_SIDE})`);
  checkShape(A.shape, what);
  const batch = A.data.length / Math.max(n * n, 1);
  B.charge(batch * (n * n + (n * n * n) / 3), what);
  const L = new Float64Array(A.data.length);
  for (let b = 0; b < batch; b++) factor(A.data.subarray(b * n * n, (b + 1) * n * n), L.subarray(b * n * n, (b + 1) * n * n), n, what);
  return {shape: [...A.shape], data: L, dtype: "float"};
}

function factor(a: Float64Array, L: Float64Array, n: number, what: string): void {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= L[j * n + k] * L[j * n + k];
    if (!(d > 0)) throw new Error(`${what}: Matrix is not positive definite`);
    const djj = Math.sqrt(d);
    L[j * n + j] = djj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = s / djj;
    }
  }
}
