/**
 * Backend by measurement: a few timed training steps of the actual model on each available tf.js backend, the
 * fastest chosen. The first step on a backend (kernel compilation, shader builds, wasm start-up) is warm-up and not
 * timed; the timed steps share a budget (default 2 s over all backends). Synthetic seeded inputs of the model's shape:
 * a step's cost does not depend on the pixel values. Also the quick/full run plans with a time estimate. No DOM.
 */
import {flatLayers} from "./printProgram.js";
import * as tf from "@tensorflow/tfjs";
import {mulberry32} from "../math/random.js";
import {BACKENDS, softwareGpu, useBackend, wasmThreadsInUse, type BackendName, type BackendOptions} from "./backend.js";
import {buildModel, lossFunction, makeOptimizer, optimizerStep} from "./build.js";
import type {KerasProgram} from "./keras/program.js";

export interface CalibrationRow {
  backend: BackendName;
  /** Training samples per second over the timed steps (null when the backend was not measured). */
  samplesPerSec: number | null;
  /** Timed steps and their total time (warm-up excluded). */
  steps: number;
  ms: number;
  warmupMs: number;
  /** Why the backend was not measured (unavailable, failed, out of time). */
  error?: string;
  /** wasm: the threads it ran on (more than 1 on a cross-origin-isolated page, backend.ts). */
  threads?: number;
}

export interface Calibration {
  rows: CalibrationRow[];
  /** The backend with the most samples/s (null when none could be measured). */
  chosen: BackendName | null;
  batchSize: number;
}

export interface CalibrateOptions extends Pick<BackendOptions, "wasmPaths"> {
  batchSize: number;
  /** Backends to measure, in this order (default: wasm, webgpu, webgl, cpu). */
  backends?: BackendName[];
  /** Time for the timed steps of all backends together (ms, default 2000). */
  budgetMs?: number;
  /** No backend after the first starts once this much time has passed, warm-ups included (ms, default 2 × budgetMs). */
  deadlineMs?: number;
  signal?: AbortSignal;
  seed?: number;
  /** Also time GPUs that are software emulations (SwiftShader, llvmpipe): slow to warm up, never faster than wasm. */
  measureSoftwareGpus?: boolean;
  /** Called after each backend is measured (the panel fills its table row by row). */
  onRow?: (row: CalibrationRow) => void;
}

export const CALIBRATION_ORDER: BackendName[] = ["wasm", "webgpu", "webgl", "cpu"];

/** The row with the highest samples/s, or null. */
export function pickFastest(rows: CalibrationRow[]): BackendName | null {
  let best: CalibrationRow | null = null;
  for (const r of rows) if (r.samplesPerSec !== null && Number.isFinite(r.samplesPerSec) && (!best || r.samplesPerSec > best.samplesPerSec!)) best = r;
  return best?.backend ?? null;
}

function aborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new DOMException("calibration stopped", "AbortError");
}

type Model = Pick<KerasProgram, "layers" | "inputShape" | "compile"> & Pick<Partial<KerasProgram>, "init">;

/** One seeded synthetic batch: inputs in [0, 1), labels valid for the model's output (class ids or 0/1). */
function syntheticBatch(model: tf.LayersModel, inputShape: number[], batchSize: number, seed: number): {x: tf.Tensor; y: tf.Tensor} {
  const rng = mulberry32(seed);
  const per = inputShape.reduce((a, b) => a * b, 1);
  const xs = new Float32Array(batchSize * per);
  for (let i = 0; i < xs.length; i++) xs[i] = rng();
  const out = model.outputShape as number[];
  const k = out[out.length - 1] ?? 1;
  const ys = Float32Array.from({length: batchSize}, (_, i) => (k > 1 ? i % k : i % 2));
  return {x: tf.tensor(xs, [batchSize, ...inputShape]), y: tf.tensor1d(ys)};
}

/** Times training steps of `spec` on the current backend: one warm-up step, then steps until `shareMs` is used. */
async function timeSteps(spec: Model, batchSize: number, shareMs: number, seed: number, signal?: AbortSignal): Promise<{steps: number; ms: number; warmupMs: number}> {
  const model = buildModel(spec, {seed});
  const optimizer = makeOptimizer(spec.compile.optimizer);
  const lossFn = lossFunction(spec.compile);
  const {x, y} = syntheticBatch(model, spec.inputShape, batchSize, seed);
  const step = async () => {
    const l = tf.tidy(() => optimizerStep(optimizer, spec.compile.optimizer, () => lossFn(y, model.apply(x, {training: true}) as tf.Tensor)));
    await l.data();
    l.dispose();
  };
  try {
    let t = performance.now();
    await step();
    const warmupMs = performance.now() - t;
    let steps = 0, ms = 0;
    while (steps < 1 || ms < shareMs) {
      aborted(signal);
      t = performance.now();
      await step();
      ms += performance.now() - t;
      steps++;
    }
    return {steps, ms, warmupMs};
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  }
}

/**
 * Measures every backend in `backends` on the actual model and leaves tf on the fastest. A backend that cannot start
 * or fails its step gets a row with the reason; when the time is used up the rest are listed as not measured.
 * Throws an AbortError when `signal` aborts (tf is then left on whatever backend it was measuring).
 */
export async function calibrate(spec: Model, opts: CalibrateOptions): Promise<Calibration> {
  const {batchSize, backends = CALIBRATION_ORDER, budgetMs = 2000, deadlineMs = 2 * budgetMs, signal, seed = 7, onRow} = opts;
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new Error(`calibrate: batchSize must be a positive integer, got ${batchSize}`);
  for (const b of backends) if (!BACKENDS.includes(b)) throw new Error(`calibrate: unknown backend "${b}"`);
  const needsConvGradients = flatLayers(spec.layers).some((l) => l.type === "conv2d" || l.type === "maxPooling2d");
  const rows: CalibrationRow[] = [];
  const t0 = performance.now();
  const share = budgetMs / Math.max(1, backends.length);
  for (const backend of backends) {
    aborted(signal);
    const row: CalibrationRow = {backend, samplesPerSec: null, steps: 0, ms: 0, warmupMs: 0};
    const soft = !opts.measureSoftwareGpus && (backend === "webgpu" || backend === "webgl") ? await softwareGpu(backend) : null;
    if (soft) {
      row.error = `software GPU: ${soft}`;
    } else if (rows.length > 0 && performance.now() - t0 > deadlineMs) {
      row.error = "out of time";
    } else {
      try {
        await useBackend(backend, {wasmPaths: opts.wasmPaths, needsConvGradients});
        aborted(signal);
        const r = await timeSteps(spec, batchSize, share, seed, signal);
        Object.assign(row, r, {samplesPerSec: (r.steps * batchSize) / (r.ms / 1000)});
        if (backend === "wasm") row.threads = (await wasmThreadsInUse()) ?? undefined;
      } catch (e) {
        if ((e as Error)?.name === "AbortError") throw e;
        row.error = (e as Error)?.message ?? String(e);
      }
    }
    rows.push(row);
    onRow?.(row);
  }
  const chosen = pickFastest(rows);
  if (chosen && tf.getBackend() !== chosen) await useBackend(chosen, {wasmPaths: opts.wasmPaths, needsConvGradients});
  return {rows, chosen, batchSize};
}

export interface RunPlan {
  kind: "quick" | "full";
  /** Training samples per epoch (before the validation split) and epochs. */
  limit: number;
  epochs: number;
  /** Estimated training time (s) at the measured speed; null without a measurement. */
  seconds: number | null;
}

/**
 * The full run (the chapter's settings) and a quick one: one epoch on a subset sized to take about `quickSeconds`
 * at the measured speed (at least 10 batches, never more than the full run). Without a speed the quick run uses a
 * tenth of the data. `samplesPerSec` counts training samples; validation costs are not included.
 */
export function runPlans({trainSize, epochs, batchSize, validationSplit = 0}: {trainSize: number; epochs: number; batchSize: number; validationSplit?: number},
  samplesPerSec: number | null, {quickSeconds = 20} = {}): {quick: RunPlan; full: RunPlan} {
  if (!(trainSize >= 1 && epochs >= 1 && batchSize >= 1)) throw new Error(`runPlans: bad sizes (${trainSize}, ${epochs}, ${batchSize})`);
  const speed = samplesPerSec !== null && samplesPerSec > 0 && Number.isFinite(samplesPerSec) ? samplesPerSec : null;
  const trained = (limit: number) => limit - Math.floor(limit * validationSplit);
  const secs = (limit: number, e: number) => (speed ? (trained(limit) * e) / speed : null);
  const wanted = speed ? Math.round((speed * quickSeconds) / (1 - validationSplit)) : Math.ceil(trainSize / 10);
  const limit = Math.min(trainSize, Math.max(10 * batchSize, wanted));
  return {
    quick: {kind: "quick", limit, epochs: 1, seconds: secs(limit, 1)},
    full: {kind: "full", limit: trainSize, epochs, seconds: secs(trainSize, epochs)}
  };
}
