/**
 * In-memory datasets the trainer draws batches from: samples stay compact (uint8 pixels, table rows) and a batch
 * is written into a Float32Array on demand. Pure (no tf, no DOM).
 */
import {mulberry32} from "../math/random.js";
import type {ImageSet} from "./mnist-format.js";

export interface Dataset {
  size: number;
  /** Shape of one sample, e.g. [784], [28, 28, 1], [32, 32, 3], [3]. */
  inputShape: number[];
  /** One label per sample (class id, or 0/1), or `targetWidth` targets per sample, row-major. */
  labels: Float32Array;
  /** Targets per sample when there are several (a multi-output regression); absent means one. */
  targetWidth?: number;
  /** Writes the samples `indices` one after another into `out` (length indices.length · prod(inputShape)). */
  fill(indices: ArrayLike<number>, out: Float32Array): void;
  /** A short description for the page ("MNIST 训练集前 12000 张" …). */
  describe: string;
}

export function sampleSize(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** MNIST laid out as the model expects: [784], [28, 28, 1], or [32, 32, 3] (zero-padded by 2, grey copied to RGB). */
export function imageDataset(set: ImageSet, inputShape: number[], {scale = 1 / 255, limit = Infinity, describe = "MNIST"} = {}): Dataset {
  const {rows, cols} = set;
  const n = Math.min(set.count, Math.max(0, Math.floor(limit)));
  const shape = inputShape.join(",");
  const area = rows * cols;
  let fillOne: (src: number, out: Float32Array, at: number) => void;
  if (shape === `${area}` || shape === `${rows},${cols},1` || shape === `${rows},${cols}`) {
    fillOne = (src, out, at) => {
      const base = src * area;
      for (let i = 0; i < area; i++) out[at + i] = set.pixels[base + i] * scale;
    };
  } else if (inputShape.length === 3 && inputShape[0] >= rows && inputShape[1] >= cols && (inputShape[2] === 3 || inputShape[2] === 1)) {
    const [H, W, C] = inputShape;
    const top = Math.floor((H - rows) / 2), left = Math.floor((W - cols) / 2);
    fillOne = (src, out, at) => {
      out.fill(0, at, at + H * W * C);
      const base = src * area;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const v = set.pixels[base + r * cols + c] * scale;
          const o = at + ((r + top) * W + (c + left)) * C;
          for (let k = 0; k < C; k++) out[o + k] = v;
        }
      }
    };
  } else {
    throw new Error(`imageDataset: ${rows}×${cols} images cannot be laid out as (${inputShape.join(", ")})`);
  }
  const per = sampleSize(inputShape);
  return {
    size: n,
    inputShape,
    labels: Float32Array.from(set.labels.subarray(0, n)),
    fill(indices, out) {
      if (out.length < indices.length * per) throw new Error("fill: output buffer too small");
      for (let i = 0; i < indices.length; i++) {
        const src = indices[i];
        if (!(src >= 0 && src < n)) throw new Error(`fill: sample ${src} out of range [0, ${n})`);
        fillOne(src, out, i * per);
      }
    },
    describe
  };
}

/** Column means and (population) standard deviations. */
export function columnStats(rows: number[][]): {mean: number[]; std: number[]} {
  const d = rows[0]?.length ?? 0;
  const mean = Array.from({length: d}, (_, j) => rows.reduce((s, r) => s + r[j], 0) / rows.length);
  const std = mean.map((m, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j] - m) ** 2, 0) / rows.length));
  return {mean, std};
}

/** z = (x − mean) / std per column (std 0 → the column becomes 0). */
export function standardize(rows: number[][], stats = columnStats(rows)): number[][] {
  return rows.map((r) => r.map((x, j) => (stats.std[j] > 0 ? (x - stats.mean[j]) / stats.std[j] : 0)));
}

export function tableDataset(rows: number[][], labels: number[], describe = "table"): Dataset {
  if (rows.length !== labels.length) throw new Error(`tableDataset: ${rows.length} rows but ${labels.length} labels`);
  const d = rows[0]?.length ?? 0;
  if (!rows.every((r) => r.length === d)) throw new Error("tableDataset: rows have different lengths");
  return {
    size: rows.length,
    inputShape: [d],
    labels: Float32Array.from(labels),
    fill(indices, out) {
      for (let i = 0; i < indices.length; i++) {
        const r = rows[indices[i]];
        if (!r) throw new Error(`fill: row ${indices[i]} out of range`);
        out.set(r, i * d);
      }
    },
    describe
  };
}

/** A seeded Fisher–Yates permutation of 0..n-1. */
export function permutation(n: number, seed: number): Int32Array {
  const rng = mulberry32(seed);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/**
 * train_test_split on a table: a seeded shuffle, ceil(testSize·n) test rows, standardised with the training rows'
 * statistics (so the test rows do not leak into the scaling).
 */
export function splitTable(rows: number[][], labels: number[], testSize: number, seed: number, standardizeRows = true):
  {train: Dataset; test: Dataset; testRows: number} {
  const n = rows.length;
  const nTest = testSize > 0 ? Math.max(1, Math.ceil(testSize * n)) : 0;
  if (nTest >= n) throw new Error(`splitTable: test_size ${testSize} leaves no training rows out of ${n}`);
  const p = permutation(n, seed);
  const testIdx = Array.from(p.subarray(0, nTest)), trainIdx = Array.from(p.subarray(nTest));
  const trainRows = trainIdx.map((i) => rows[i]);
  const stats = columnStats(trainRows);
  const prep = (rs: number[][]) => (standardizeRows ? standardize(rs, stats) : rs);
  return {
    train: tableDataset(prep(trainRows), trainIdx.map((i) => labels[i]), `表格 ${trainIdx.length} 行`),
    test: tableDataset(prep(testIdx.map((i) => rows[i])), testIdx.map((i) => labels[i]), `表格 ${nTest} 行`),
    testRows: nTest
  };
}

/** Samples the code computed (row-major x; one label per sample, or `yWidth` targets) as a Dataset of per-sample shape `inputShape`. */
export function arraysDataset(data: {x?: number[]; y?: number[]; n: number; yWidth?: number}, inputShape: number[], describe = "arrays"): Dataset {
  const per = sampleSize(inputShape);
  const x = data.x ?? [], y = data.y ?? [], width = data.yWidth ?? 1;
  if (x.length !== data.n * per) throw new Error(`arraysDataset: ${x.length} numbers for ${data.n} samples of shape (${inputShape.join(", ")})`);
  if (y.length !== data.n * width) throw new Error(`arraysDataset: ${y.length} targets for ${data.n} samples of ${width}`);
  const xs = Float32Array.from(x);
  return {
    size: data.n,
    inputShape,
    labels: Float32Array.from(y),
    ...(width > 1 ? {targetWidth: width} : {}),
    fill(indices, out) {
      for (let i = 0; i < indices.length; i++) {
        const r = indices[i];
        if (!(r >= 0 && r < data.n)) throw new Error(`fill: sample ${r} out of range [0, ${data.n})`);
        out.set(xs.subarray(r * per, (r + 1) * per), i * per);
      }
    },
    describe
  };
}
