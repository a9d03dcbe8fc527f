/** A loss surface: f and its analytic gradient over a box of weights. Pure: no DOM, no tf. */

export interface Domain {
  /** [min, max] of w₀ */
  x: [number, number];
  /** [min, max] of w₁ (absent for a 1-D surface) */
  y?: [number, number];
}

/**
 * The loss family a surface is an instance of, named as the formula engine names its references
 * (components/formula/types.ts ReferenceName), so a gradient a chapter prints for that loss can be drawn on it.
 */
export type LossKind = "mse" | "binaryCrossEntropy";

export const LOSS_KINDS: LossKind[] = ["mse", "binaryCrossEntropy"];

export interface Surface {
  id: string;
  title: string;
  /** Axis names, e.g. ["θ", "b"]. */
  labels: string[];
  f(w: number[]): number;
  grad(w: number[]): number[];
  domain: Domain;
  /** Global minimum when there is one (undefined when none is finite, e.g. separable logistic data). */
  minimum?: number[];
  /** A start point that shows the surface's character. */
  start: number[];
  /** A learning rate at which gradient descent behaves on this surface. */
  alpha: number;
  /** The loss family f belongs to, when it is one (least squares, binary cross-entropy). */
  loss?: LossKind;
  /** One paragraph for the reader (what to look for). */
  note?: string;
  /** Extra marks on the plot: points and horizontal/vertical lines with a label. */
  marks?: {kind: "point" | "hline" | "vline"; at: number[]; label: string}[];
}

/** Throws a clear error when w has the wrong length or is not finite. */
export function checkWeights(id: string, w: number[], dim: number): void {
  if (!Array.isArray(w) || w.length !== dim) throw new Error(`surface ${id}: expected ${dim} weight(s), got ${JSON.stringify(w)}`);
}
