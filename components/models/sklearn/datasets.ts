/**
 * scikit-learn's usual data generators and helpers with their default parameters: make_moons, make_circles,
 * make_blobs, make_classification, make_regression, train_test_split, StandardScaler. Seeded by `random_state`:
 * a RandomState (NumPy's legacy stream, numpy/mt19937.ts) for the ones built in scikit-learn's draw order (moons,
 * circles, blobs: points, one shuffle, then noise; train_test_split: the test rows first of one permutation), which
 * scikit-learn's tests are not run against here; make_classification and make_regression on gradbook's own stream
 * (the same construction and distributions, another draw order). Pure.
 */
import {Budget, make, reduce, size, takeRows, type NDArray} from "../numpy/ndarray.js";
import {Generator} from "../numpy/random.js";

const linspace = (a: number, b: number, n: number) => Array.from({length: n}, (_, i) => (n === 1 ? a : a + ((b - a) * i) / (n - 1)));

function checkN(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new Error(`${what}: n_samples must be an integer in [1, 10⁶], got ${n}`);
  return n;
}

function shuffled(X: NDArray, y: NDArray, g: Generator, budget: Budget): [NDArray, NDArray] {
  const p = g.permutation(X.shape[0], budget);
  return [takeRows(X, p, budget), takeRows(y, p, budget)];
}

function addNoise(X: NDArray, noise: number, g: Generator): void {
  if (noise) for (let i = 0; i < X.data.length; i++) X.data[i] += noise * g.normal();
}

export function makeMoons(n: number, noise: number, shuffle: boolean, g: Generator, budget: Budget): [NDArray, NDArray] {
  checkN(n, "make_moons");
  const nOut = Math.floor(n / 2), nIn = n - nOut;
  const to = linspace(0, Math.PI, nOut), ti = linspace(0, Math.PI, nIn);
  const X = make([n, 2], (i) => {
    const r = Math.floor(i / 2), c = i % 2;
    if (r < nOut) return c === 0 ? Math.cos(to[r]) : Math.sin(to[r]);
    const t = ti[r - nOut];
    return c === 0 ? 1 - Math.cos(t) : 1 - Math.sin(t) - 0.5;
  }, budget, "make_moons");
  const y = make([n], (i) => (i < nOut ? 0 : 1), budget, "make_moons", "int");
  addNoise(X, noise, g);
  return shuffle ? shuffled(X, y, g, budget) : [X, y];
}

export function makeCircles(n: number, noise: number, factor: number, shuffle: boolean, g: Generator, budget: Budget): [NDArray, NDArray] {
  checkN(n, "make_circles");
  if (!(factor >= 0 && factor < 1)) throw new Error("make_circles: factor must be in [0, 1)");
  const nOut = Math.floor(n / 2), nIn = n - nOut;
  const ang = (k: number, m: number) => (2 * Math.PI * k) / m;
  const X = make([n, 2], (i) => {
    const r = Math.floor(i / 2), c = i % 2;
    const [t, s] = r < nOut ? [ang(r, nOut), 1] : [ang(r - nOut, nIn), factor];
    return s * (c === 0 ? Math.cos(t) : Math.sin(t));
  }, budget, "make_circles");
  const y = make([n], (i) => (i < nOut ? 0 : 1), budget, "make_circles", "int");
  addNoise(X, noise, g);
  return shuffle ? shuffled(X, y, g, budget) : [X, y];
}

export function makeBlobs(n: number, nFeatures: number, centers: NDArray | number, std: number, box: [number, number],
  shuffle: boolean, g: Generator, budget: Budget): [NDArray, NDArray] {
  checkN(n, "make_blobs");
  const C: NDArray = typeof centers === "number"
    ? make([centers, nFeatures], () => box[0] + (box[1] - box[0]) * g.uniform(), budget, "make_blobs")
    : centers;
  const k = C.shape[0], d = C.shape[1] ?? 1;
  const per = Array.from({length: k}, (_, i) => Math.floor(n / k) + (i < n % k ? 1 : 0));
  const labels: number[] = per.flatMap((m, i) => Array(m).fill(i));
  const X = make([n, d], (i) => {
    const r = Math.floor(i / d), c = i % d;
    return C.data[labels[r] * d + c] + std * g.normal();
  }, budget, "make_blobs");
  const y = make([n], (i) => labels[i], budget, "make_blobs", "int");
  return shuffle ? shuffled(X, y, g, budget) : [X, y];
}

export interface ClassificationOptions {
  nFeatures: number; nInformative: number; nRedundant: number; nClasses: number; nClustersPerClass: number;
  flipY: number; classSep: number; shuffle: boolean;
}

/** sklearn's construction: Gaussian clusters on the vertices of a hypercube (side 2·class_sep) in the informative space,
 *  each stretched by a random linear map; redundant features are random combinations; the rest is noise. */
export function makeClassification(n: number, o: ClassificationOptions, g: Generator, budget: Budget): [NDArray, NDArray] {
  checkN(n, "make_classification");
  const {nFeatures: F, nInformative: I, nRedundant: R, nClasses: K, nClustersPerClass: Q} = o;
  if (I + R > F) throw new Error("make_classification: n_informative + n_redundant must be at most n_features");
  if (K * Q > 2 ** I) throw new Error("make_classification: n_classes · n_clusters_per_class must be at most 2**n_informative");
  const clusters = K * Q;
  const per = Array.from({length: clusters}, (_, i) => Math.floor(n / clusters) + (i < n % clusters ? 1 : 0));
  const X = make([n, F], () => g.normal(), budget, "make_classification");
  const y = make([n], () => 0, budget, "make_classification", "int");
  budget.charge(n * F * (I + R), "make_classification");
  let row = 0;
  for (let c = 0; c < clusters; c++) {
    const A = Array.from({length: I * I}, () => 2 * g.uniform() - 1);
    const vertex = Array.from({length: I}, (_, j) => (((c >> j) & 1) * 2 - 1) * o.classSep);
    for (let r = 0; r < per[c]; r++, row++) {
      const z = Array.from({length: I}, (_, j) => X.data[row * F + j]);
      for (let j = 0; j < I; j++) {
        let s = 0;
        for (let t = 0; t < I; t++) s += z[t] * A[t * I + j];
        X.data[row * F + j] = s + vertex[j];
      }
      y.data[row] = c % K;
    }
  }
  const B = Array.from({length: I * R}, () => 2 * g.uniform() - 1);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < R; j++) {
      let s = 0;
      for (let t = 0; t < I; t++) s += X.data[r * F + t] * B[t * R + j];
      X.data[r * F + I + j] = s;
    }
  }
  for (let r = 0; r < n; r++) if (o.flipY > 0 && g.uniform() < o.flipY) y.data[r] = g.integer(0, K);
  return o.shuffle ? shuffled(X, y, g, budget) : [X, y];
}

export function makeRegression(n: number, nFeatures: number, nInformative: number, bias: number, noise: number,
  g: Generator, budget: Budget): {X: NDArray; y: NDArray; coef: NDArray} {
  checkN(n, "make_regression");
  const X = make([n, nFeatures], () => g.normal(), budget, "make_regression");
  const inf = Math.min(nInformative, nFeatures);
  const coef = make([nFeatures], (j) => (j < inf ? 100 * g.uniform() : 0), budget, "make_regression");
  budget.charge(n * nFeatures, "make_regression");
  const y = make([n], (r) => {
    let s = bias;
    for (let j = 0; j < nFeatures; j++) s += X.data[r * nFeatures + j] * coef.data[j];
    return s + noise * g.normal();
  }, budget, "make_regression");
  return {X, y, coef};
}

/** train_test_split: a seeded shuffle (unless shuffle=False), ⌈test_size·n⌉ test rows; [a_train, a_test, b_train, b_test, …]. */
export function trainTestSplit(arrays: NDArray[], testSize: number | null, trainSize: number | null, shuffle: boolean,
  g: Generator, budget: Budget): NDArray[] {
  if (!arrays.length) throw new Error("train_test_split: needs at least one array");
  const n = arrays[0].shape[0];
  if (arrays.some((a) => a.shape[0] !== n)) throw new Error(`train_test_split: inconsistent numbers of samples: ${arrays.map((a) => a.shape[0]).join(", ")}`);
  const count = (v: number) => (Number.isInteger(v) && v >= 1 ? v : Math.ceil(v * n));
  let nTest = testSize !== null ? count(testSize) : trainSize !== null ? n - (Number.isInteger(trainSize) && trainSize >= 1 ? trainSize : Math.floor(trainSize * n)) : Math.ceil(0.25 * n);
  if (testSize !== null && !Number.isInteger(testSize) && !(testSize > 0 && testSize < 1)) throw new Error(`train_test_split: test_size=${testSize} should be in (0, 1) or an integer`);
  nTest = Math.max(0, Math.min(nTest, n));
  if (nTest === 0 || nTest === n) throw new Error(`train_test_split: with n_samples=${n} and test_size=${testSize ?? 0.25} one of the sets is empty`);
  const order = shuffle ? g.permutation(n, budget) : Array.from({length: n}, (_, i) => i);
  const test = order.slice(0, nTest), train = order.slice(nTest);
  if (!shuffle) {
    const cut = n - nTest;
    return arrays.flatMap((a) => [takeRows(a, order.slice(0, cut), budget), takeRows(a, order.slice(cut), budget)]);
  }
  return arrays.flatMap((a) => [takeRows(a, train, budget), takeRows(a, test, budget)]);
}

/** StandardScaler's fitted state: column means and population standard deviations (0 → 1, as sklearn). */
export interface ScalerState {
  mean: Float64Array;
  scale: Float64Array;
}

export function fitScaler(X: NDArray, budget: Budget): ScalerState {
  if (X.shape.length !== 2) throw new Error(`StandardScaler expects a 2-D array, got shape (${X.shape.join(",")})`);
  const mean = reduce(X, "mean", 0, budget), sd = reduce(X, "std", 0, budget);
  return {mean: mean.data, scale: sd.data.map((s) => (s === 0 ? 1 : s))};
}

export function applyScaler(X: NDArray, s: ScalerState, budget: Budget): NDArray {
  if (X.shape.length !== 2 || X.shape[1] !== s.mean.length) {
    throw new Error(`StandardScaler: X has ${X.shape[1] ?? 1} features, but the scaler was fitted on ${s.mean.length}`);
  }
  const d = s.mean.length;
  return make(X.shape, (i) => (X.data[i] - s.mean[i % d]) / s.scale[i % d], budget, "StandardScaler.transform");
}

export const sampleCount = (a: NDArray) => size(a.shape.slice(0, 1));
