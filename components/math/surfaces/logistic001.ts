import {checkWeights, type Surface} from "./types.js";

/** Chapter 001 §4.3: four houses, three features, labels. */
export const TABLE_001 = {
  features: [
    [200, 50, 10],
    [220, 55, 12],
    [190, 45, 8],
    [210, 52, 11]
  ],
  labels: [1, 1, 0, 1],
  names: ["特征1", "特征2", "特征3"]
};

/** Column-wise standardisation (mean 0, population standard deviation 1). */
export function standardize(rows: number[][]): number[][] {
  if (rows.length === 0) throw new Error("standardize: no rows");
  const d = rows[0].length;
  const mean = Array.from({length: d}, (_, j) => rows.reduce((s, r) => s + r[j], 0) / rows.length);
  const sd = Array.from({length: d}, (_, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j] - mean[j]) ** 2, 0) / rows.length));
  sd.forEach((s, j) => {
    if (!(s > 0)) throw new Error(`standardize: column ${j + 1} is constant, cannot scale it`);
  });
  return rows.map((r) => r.map((v, j) => (v - mean[j]) / sd[j]));
}

/** σ(z) = 1 / (1 + e^−z), stable for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** log(1 + e^z) without overflow. */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** Binary cross-entropy of one logit: −y log σ(z) − (1 − y) log(1 − σ(z)) = softplus(z) − y·z. */
export function bceLogit(z: number, y: number): number {
  return softplus(z) - y * z;
}

/** The pair ids the playground offers: two of the three weights, or one weight and the bias. */
export const PAIRS_001: Record<string, [number, number]> = {w1w2: [0, 1], w1w3: [0, 2], w2w3: [1, 2], w1b: [0, 3]};

/**
 * 001 §4.3 logistic regression y' = σ(W·x + b) with mean BCE over the standardised table, as a function of
 * two parameters (indices into [w₁, w₂, w₃, b]); the others stay at 0.
 * With w₁ free the four rows are separable (e.g. (w₁, w₂), (w₁, b)): the loss has no finite minimum and falls
 * towards 0 as the weights grow.
 */
export function logistic001(pair: [number, number] = [0, 1]): Surface {
  const [i, j] = pair;
  if (!(i >= 0 && i <= 3 && j >= 0 && j <= 3 && i !== j && Number.isInteger(i) && Number.isInteger(j))) {
    throw new Error(`logistic001: pair must be two different indices in 0..3 (w1, w2, w3, b), got ${JSON.stringify(pair)}`);
  }
  const X = standardize(TABLE_001.features);
  const Y = TABLE_001.labels;
  const m = X.length;
  const names = ["w₁", "w₂", "w₃", "b"];
  const key = Object.keys(PAIRS_001).find((k) => PAIRS_001[k][0] === i && PAIRS_001[k][1] === j) ?? `${i}${j}`;
  const id = `logistic-001-${key}`;
  const params = (w: number[]) => {
    const p = [0, 0, 0, 0];
    p[i] = w[0];
    p[j] = w[1];
    return p;
  };
  const logit = (p: number[], r: number[]) => p[0] * r[0] + p[1] * r[1] + p[2] * r[2] + p[3];
  return {
    id,
    title: `001 §4.3：σ(W·x + b) 的平均二元交叉熵 (BCE)，参数 (${names[i]}, ${names[j]})，特征已标准化`,
    labels: [names[i], names[j]],
    f(w) {
      checkWeights(id, w, 2);
      const p = params(w);
      let s = 0;
      for (let k = 0; k < m; k++) s += bceLogit(logit(p, X[k]), Y[k]);
      return s / m;
    },
    grad(w) {
      checkWeights(id, w, 2);
      const p = params(w);
      const g = [0, 0];
      for (let k = 0; k < m; k++) {
        const e = sigmoid(logit(p, X[k])) - Y[k];
        const row = [...X[k], 1];
        g[0] += (e * row[i]) / m;
        g[1] += (e * row[j]) / m;
      }
      return g;
    },
    domain: {x: [-6, 6], y: [-6, 6]},
    start: [-4, -4],
    alpha: 0.5,
    loss: "binaryCrossEntropy",
    note: "只有两个参数可变（其余保持为 0）。四行数据很容易分开：含 w₁ 的参数对没有有限的最小值，权重越大损失越接近 0，优化器会一路走出图外。注意 001 §4.2 印出的 ∂L/∂W 用的是 (y − y′)，梯度下降需要的是 (y′ − y)。"
  };
}
