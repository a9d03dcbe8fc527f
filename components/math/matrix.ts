/** Small dense linear algebra on plain arrays (row-major number[][]). Pure: no DOM, no tf. */

export type Vector = number[];
export type Matrix = number[][];

export function assertMatrix(m: Matrix, what: string): void {
  if (!Array.isArray(m) || m.length === 0 || !Array.isArray(m[0])) throw new Error(`${what} must be a non-empty matrix (array of rows)`);
  const cols = m[0].length;
  m.forEach((row, i) => {
    if (row.length !== cols) throw new Error(`${what}: row ${i} has ${row.length} entries, row 0 has ${cols}`);
  });
}

export function transpose(m: Matrix): Matrix {
  assertMatrix(m, "transpose");
  return m[0].map((_, j) => m.map((row) => row[j]));
}

/** A (r×k) · B (k×c). */
export function matMul(a: Matrix, b: Matrix): Matrix {
  assertMatrix(a, "matMul left");
  assertMatrix(b, "matMul right");
  if (a[0].length !== b.length) throw new Error(`matMul: ${a.length}×${a[0].length} times ${b.length}×${b[0].length}, inner sizes differ`);
  return a.map((row) => b[0].map((_, j) => row.reduce((s, x, k) => s + x * b[k][j], 0)));
}

/** M (r×k) · v (k) → r. */
export function matVec(m: Matrix, v: Vector): Vector {
  assertMatrix(m, "matVec");
  if (m[0].length !== v.length) throw new Error(`matVec: ${m.length}×${m[0].length} matrix times a vector of ${v.length}`);
  return m.map((row) => dot(row, v));
}

export function dot(a: Vector, b: Vector): number {
  if (a.length !== b.length) throw new Error(`dot: vectors of ${a.length} and ${b.length} entries`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
