/**
 * Keras layers that modify the layer before them rather than add one of their own: BatchNormalization and
 * Activation / ReLU / Softmax, folded into the Dense/Conv2D before them (the LayerSpec's batchNorm and activation).
 * Pure.
 */
import {canFoldThrough} from "../pytorch/layers.js";
import type {Activation, LayerSpec} from "./program.js";

/** What a BatchNormalization or activation layer does to the layers before it. */
export type Modifier =
  | {kind: "batchNorm"; momentum: number; epsilon: number; line: number}
  | {kind: "activation"; activation: Activation; line: number; alpha?: number; perChannel?: boolean};

/**
 * The layers with `mod` folded into the last Dense/Conv2D (a copy; the input is not changed). Keras' order is kept:
 * Dense(…, activation="relu") → BatchNormalization normalises after the activation; Dense(linear) →
 * BatchNormalization → Activation("relu") before it. Throws with the reason when the layer cannot be folded.
 */
export function foldModifier(layers: LayerSpec[], mod: Modifier): LayerSpec[] {
  const out = [...layers];
  if (mod.kind === "batchNorm") {
    const last = out[out.length - 1];
    if (!last || (last.type !== "dense" && last.type !== "conv2d") || last.batchNorm) {
      throw new Error(`BatchNormalization is followed only right after a Dense or Conv2D layer (here after ${last ? last.type : "the input"})`);
    }
    const norm = {momentum: mod.momentum, epsilon: mod.epsilon, afterActivation: last.activation !== "linear", line: mod.line};
    out[out.length - 1] = {...last, batchNorm: norm};
    return out;
  }
  if (mod.activation === "linear") return out;
  let i = out.length - 1;
  while (i >= 0 && canFoldThrough(out[i], mod.activation)) i--;
  const target = out[i];
  if (!target || (target.type !== "dense" && target.type !== "conv2d") || target.activation !== "linear") {
    throw new Error(`this activation layer cannot be merged into the layer before it (${target ? `${target.type} with activation ${"activation" in target ? target.activation : "none"}` : "the input"})`);
  }
  out[i] = {...target, activation: mod.activation, ...(mod.alpha !== undefined ? {alpha: mod.alpha} : {}), ...(mod.perChannel ? {perChannel: true} : {}), ...(target.batchNorm ? {batchNorm: {...target.batchNorm, afterActivation: false}} : {})};
  return out;
}
