/**
 * A gradient as a chapter states it, when the formula engine found it to be the true gradient times a constant:
 * "flip the sign of the whole expression" means stated = −1 × true. Pure: no DOM, no tf.
 *
 * Gradient descent with such a gradient takes w₁ = w₀ − α·(−∇L(w₀)) = w₀ + α∇L(w₀): it climbs the loss.
 */
import type {LossKind, Surface} from "../surfaces/types.js";

export interface StatedGradient {
  /** which loss the chapter differentiates (the formula engine's reference name) */
  loss: LossKind;
  /** stated gradient = sign × true gradient; −1 for a derivation whose whole expression has the wrong sign */
  sign: -1 | 1;
  /** only these surface ids (default: every surface whose `loss` is `loss`) */
  surfaces?: string[];
}

/** ∇L as stated: w ↦ sign·∇L(w). */
export function statedGradient(grad: (w: number[]) => number[], sign: -1 | 1): (w: number[]) => number[] {
  if (sign !== 1 && sign !== -1) throw new Error(`statedGradient: sign must be 1 or -1, got ${JSON.stringify(sign)}`);
  return (w) => grad(w).map((g) => sign * g);
}

/** Whether a stated gradient is a gradient of this surface's loss. */
export function statedGradientApplies(stated: Pick<StatedGradient, "loss" | "surfaces">, surface: Pick<Surface, "id" | "loss">): boolean {
  return stated.surfaces ? stated.surfaces.includes(surface.id) : surface.loss === stated.loss;
}

/** One step of gradient descent with the stated gradient: w − α·sign·∇L(w) (sign −1: w + α∇L(w)). */
export function statedGradientStep(grad: (w: number[]) => number[], sign: -1 | 1, w: number[], alpha: number): number[] {
  const g = statedGradient(grad, sign)(w);
  return w.map((x, i) => x - alpha * g[i]);
}
