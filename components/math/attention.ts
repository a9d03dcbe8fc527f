/** Scaled dot-product attention: Attention(Q, K, V) = softmax(Q Kᵀ / √d_k) V, with d_k the columns of K. */
import {assertMatrix, matMul, transpose} from "./matrix.js";
import {softmaxRows} from "./softmax.js";

export function attention(Q: number[][], K: number[][], V: number[][]): number[][] {
  assertMatrix(Q, "attention Q");
  assertMatrix(K, "attention K");
  assertMatrix(V, "attention V");
  const dk = K[0].length;
  if (Q[0].length !== dk) throw new Error(`attention: Q has ${Q[0].length} columns but K has ${dk}`);
  if (K.length !== V.length) throw new Error(`attention: K has ${K.length} rows (keys) but V has ${V.length}`);
  const scores = matMul(Q, transpose(K)).map((row) => row.map((s) => s / Math.sqrt(dk)));
  return matMul(softmaxRows(scores), V);
}
