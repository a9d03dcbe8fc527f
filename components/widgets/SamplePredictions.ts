/**
 * SamplePredictions(samples, options) → Element: a few test samples with the true and the predicted class. Images
 * (a [h·w] vector with a square side, or [h, w, c]) are drawn on a canvas; other inputs are listed as numbers.
 * `pickSamples` is pure.
 */
import {t} from "../i18n/trainingPanel.js";

export interface SamplePrediction {
  index: number;
  /** The model's input for this sample, flat, with its per-sample shape. */
  input: Float32Array;
  shape: number[];
  label: number;
  predicted: number;
  confidence: number;
}

/** The first `first` samples, then up to `wrong` of the first mistakes after them (indices, in order). */
export function pickSamples(labels: ArrayLike<number>, predicted: ArrayLike<number>, {first = 8, wrong = 4} = {}): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.min(first, labels.length); i++) out.push(i);
  for (let i = out.length; i < labels.length && out.length < first + wrong; i++) if (labels[i] !== predicted[i]) out.push(i);
  return out;
}

/** [height, width, channels] when the input is an image, else null. */
export function imageShape(shape: number[]): [number, number, number] | null {
  if (shape.length === 3 && (shape[2] === 1 || shape[2] === 3)) return [shape[0], shape[1], shape[2]];
  if (shape.length === 2) return [shape[0], shape[1], 1];
  if (shape.length === 1) {
    const side = Math.round(Math.sqrt(shape[0]));
    if (side >= 8 && side * side === shape[0]) return [side, side, 1];
  }
  return null;
}

function drawImage(s: SamplePrediction, [h, w, c]: [number, number, number]): HTMLCanvasElement {
  const canvas = document.createElement("canvas");
  canvas.width = w;
  canvas.height = h;
  canvas.className = "gb-sample-image";
  const ctx = canvas.getContext("2d");
  if (ctx) {
    let lo = Infinity, hi = -Infinity;
    for (const v of s.input) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const span = hi > lo ? hi - lo : 1;
    const img = ctx.createImageData(w, h);
    for (let p = 0; p < h * w; p++) {
      for (let k = 0; k < 3; k++) img.data[4 * p + k] = Math.round((255 * (s.input[p * c + (c === 3 ? k : 0)] - lo)) / span);
      img.data[4 * p + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }
  return canvas;
}

export function SamplePredictions(samples: SamplePrediction[], {names}: {names?: string[]} = {}): HTMLElement {
  const fig = document.createElement("figure");
  fig.className = "gb-samples";
  const cap = document.createElement("figcaption");
  cap.textContent = t("samplesCaption");
  const list = document.createElement("div");
  list.className = "gb-samples-list";
  const name = (i: number) => names?.[i] ?? String(i);
  for (const s of samples) {
    const item = document.createElement("div");
    item.className = s.label === s.predicted ? "gb-sample" : "gb-sample gb-sample-wrong";
    item.dataset.index = String(s.index);
    const shape = imageShape(s.shape);
    if (shape) item.append(drawImage(s, shape));
    else {
      const code = document.createElement("code");
      code.textContent = Array.from(s.input, (v) => +v.toFixed(3)).join(", ");
      item.append(code);
    }
    const label = document.createElement("span");
    label.textContent = t("sampleLabel", {label: name(s.label), pred: name(s.predicted), conf: `${(100 * s.confidence).toFixed(0)}%`});
    item.append(label);
    list.append(item);
  }
  fig.append(cap, list);
  return fig;
}
