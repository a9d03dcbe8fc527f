import {mulberry32, randn} from "../random.js";
import {checkWeights, type Surface} from "./types.js";

/** Chapter 004 §5 data: X = rand(n, 1); y = 2·x + 0.5 + 0.1·randn, drawn from a seeded generator. */
export function linearData004(seed = 4, n = 100): {x: number[]; y: number[]} {
  if (!Number.isInteger(n) || n < 1) throw new Error(`linearData004: n must be a positive integer, got ${n}`);
  const rng = mulberry32(seed);
  const x = Array.from({length: n}, () => rng());
  const y = x.map((xi) => 2 * xi + 0.5 + randn(rng) * 0.1);
  return {x, y};
}

/** Sums the 004 loss needs: n, Σx, Σy, Σx², Σxy, Σy². */
export function linearSums(x: number[], y: number[]) {
  let sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < x.length; i++) {
    sx += x[i];
    sy += y[i];
    sxx += x[i] * x[i];
    sxy += x[i] * y[i];
    syy += y[i] * y[i];
  }
  return {n: x.length, sx, sy, sxx, sxy, syy};
}

/** θ the chapter's bias-free model converges to: argmin ½Σ(θx − y)² = Σxy / Σx². */
export function thetaNoBias(x: number[], y: number[]): number {
  const s = linearSums(x, y);
  return s.sxy / s.sxx;
}

/** Least squares (θ, b) with a bias: the normal equations of ½Σ(θx + b − y)². */
export function thetaWithBias(x: number[], y: number[]): [number, number] {
  const {n, sx, sy, sxx, sxy} = linearSums(x, y);
  const det = sxx * n - sx * sx;
  return [(sxy * n - sx * sy) / det, (sxx * sy - sx * sxy) / det];
}

/** J(θ, b) = ½Σ(θx + b − y)² from the sums (cost O(1) per point on the grid). */
function loss(s: ReturnType<typeof linearSums>, t: number, b: number): number {
  return 0.5 * (t * t * s.sxx + 2 * t * b * s.sx + s.n * b * b - 2 * t * s.sxy - 2 * b * s.sy + s.syy);
}

/** 004's model θ alone: J(θ) = ½Σ(θx − y)², gradient Xᵀ(Xθ − y) as printed in the code. */
export function linearTheta004(seed = 4, n = 100): Surface {
  const {x, y} = linearData004(seed, n);
  const s = linearSums(x, y);
  const star = s.sxy / s.sxx;
  const id = "linear-theta-004";
  return {
    id,
    title: "004 §5：J(θ) = ½Σ(θx − y)²，没有偏置的模型",
    labels: ["θ"],
    f(w) {
      checkWeights(id, w, 1);
      return loss(s, w[0], 0);
    },
    grad(w) {
      checkWeights(id, w, 1);
      return [w[0] * s.sxx - s.sxy];
    },
    domain: {x: [-1, 5]},
    minimum: [star],
    start: [0],
    alpha: 0.01,
    loss: "mse",
    note: `数据由 y = 2x + 0.5 生成，但 predictions = X @ theta 没有偏置：θ 收敛到 Σxy/Σx² = ${star.toFixed(3)}，而不是 2。`,
    marks: [{kind: "vline", at: [2], label: "真实斜率 2"}]
  };
}

/** 004's data over (θ, b): shows where the missing bias would take the fit. */
export function linearThetaBias004(seed = 4, n = 100): Surface {
  const {x, y} = linearData004(seed, n);
  const s = linearSums(x, y);
  const star = thetaWithBias(x, y);
  const noBias = s.sxy / s.sxx;
  const id = "linear-theta-b-004";
  return {
    id,
    title: "004 §5 的数据，参数 (θ, b)：J = ½Σ(θx + b − y)²",
    labels: ["θ", "b"],
    f(w) {
      checkWeights(id, w, 2);
      return loss(s, w[0], w[1]);
    },
    grad(w) {
      checkWeights(id, w, 2);
      const [t, b] = w;
      return [t * s.sxx + b * s.sx - s.sxy, t * s.sx + b * s.n - s.sy];
    },
    domain: {x: [-1, 5], y: [-2, 3]},
    minimum: star,
    start: [0, 0],
    alpha: 0.01,
    loss: "mse",
    note: `有偏置时最小值在 (θ, b) = (${star[0].toFixed(3)}, ${star[1].toFixed(3)})，接近真实的 (2, 0.5)。本章的模型只能待在直线 b = 0 上，在那里最好只能做到 θ = ${noBias.toFixed(3)}。`,
    marks: [
      {kind: "hline", at: [0], label: "004 的模型：b = 0"},
      {kind: "point", at: [noBias, 0], label: `θ = ${noBias.toFixed(2)}（无偏置）`},
      {kind: "point", at: [2, 0.5], label: "真实值 (2, 0.5)"}
    ]
  };
}
