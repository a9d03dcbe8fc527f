/**
 * Dense linear algebra on plain arrays for the interpreter: the inverse and integer powers of a square matrix
 * (`(X^\top X)^{-1}`, `A^2`). Gauss–Jordan with partial pivoting; a singular matrix (pivot below 1e-12 of the
 * largest entry) is an error, not a matrix of infinities. No DOM, no tf.
 */

/** A⁻¹ of a square matrix. Throws on a non-square or singular matrix. */
export function inverse(a: number[][]): number[][] {
  const n = a.length;
  if (!n || a.some((r) => r.length !== n)) throw new Error(`only a square matrix has an inverse, got ${n}×${a[0]?.length ?? 0}`);
  const scale = Math.max(...a.flat().map(Math.abs)) || 1;
  const m = a.map((r, i) => [...r, ...Array.from({length: n}, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    if (Math.abs(m[p][c]) < 1e-12 * scale) throw new Error("the matrix is singular: it has no inverse");
    [m[c], m[p]] = [m[p], m[c]];
    const d = m[c][c];
    for (let k = 0; k < 2 * n; k++) m[c][k] /= d;
    for (let r = 0; r < n; r++) {
      if (r === c || m[r][c] === 0) continue;
      const f = m[r][c];
      for (let k = 0; k < 2 * n; k++) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((r) => r.slice(n));
}

/** A·B of two matrices. */
export function matmul(a: number[][], b: number[][]): number[][] {
  if (a[0]?.length !== b.length) throw new Error(`product: a ${a.length}×${a[0]?.length ?? 0} matrix times a ${b.length}×${b[0]?.length ?? 0} matrix`);
  return a.map((r) => b[0].map((_, j) => r.reduce((s, x, k) => s + x * b[k][j], 0)));
}

/** A^k for an integer k (negative: powers of the inverse), k bounded by the caller. */
export function matrixPower(a: number[][], k: number): number[][] {
  if (!Number.isInteger(k)) throw new Error(`a matrix power needs an integer exponent, got ${k}`);
  let base = k < 0 ? inverse(a) : a;
  let out = a.map((r, i) => r.map((_, j) => (i === j ? 1 : 0)));
  for (let e = Math.abs(k); e > 0; e >>= 1) {
    if (e & 1) out = matmul(out, base);
    if (e > 1) base = matmul(base, base);
  }
  return out;
}
