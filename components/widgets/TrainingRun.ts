/**
 * One training run for the panel, on top of build.ts / train.ts: the trainer's steps, a per-epoch check on held-out
 * data (the validation split, else the first test samples, never trained on), and — at the end or when the reader
 * stops — the model as it is evaluated on the test set with every prediction (confusion matrix, samples).
 * tf, no DOM (lives next to the panel it serves).
 */
import * as tf from "@tensorflow/tfjs";
import {addSums, buildModel, claimMeasures, claimSums, correctCount, countParams, lossFunction, lossSpecOf} from "../models/build.js";
import type {Dataset} from "../models/datasets.js";
import type {KerasProgram, LossSpec} from "../models/keras/program.js";
import type {PreparedData, RunSettings} from "../models/session.js";
import {batchTensors, evaluate, train, type TrainStep} from "../models/train.js";

export interface TestEvaluation {
  loss: number;
  acc: number;
  n: number;
  /** Class predicted for each test sample and its probability (classifiers only; regression leaves them empty). */
  predicted: Int32Array;
  confidence: Float32Array;
  labels: Float32Array;
  classes: number;
  /** MSE of a regression, balanced accuracy of a classifier (what a claim naming them is compared with). */
  mse?: number;
  balancedAcc?: number;
}

export type RunEvent =
  | {type: "step"; step: TrainStep}
  /** Held-out check after an epoch when the chapter has no validation split (n of the first test samples). */
  | {type: "monitor"; epoch: number; loss: number; acc: number; n: number}
  | {type: "evaluating"};

export interface RunOutcome {
  /** True when the reader stopped before the last batch. */
  partial: boolean;
  /** The last reported step (its loss/acc are the running means of its epoch, as Keras prints them). */
  last: TrainStep | null;
  /** The last completed epoch's training metrics (what a chapter's "last epoch" log line shows). */
  lastEpoch: {epoch: number; loss: number; acc: number} | null;
  test: TestEvaluation;
  params: number;
}

export const MONITOR_SIZE = 1000;

/** True for losses whose model outputs class probabilities. */
export function isClassifier(program: Pick<KerasProgram, "compile">): boolean {
  return /crossentropy/.test(program.compile.loss);
}

/** Loss, accuracy and per-sample predictions on all of `data` (inference mode). */
export async function evaluateWithPredictions(model: tf.LayersModel, data: Dataset, lossOrSpec: KerasProgram["compile"]["loss"] | LossSpec, batchSize = 256,
  logits = false): Promise<TestEvaluation> {
  const n = data.size;
  const spec = lossSpecOf(lossOrSpec, logits);
  const lossFn = lossFunction(spec), lossName = spec.loss, fromLogits = !!spec.fromLogits;
  // several targets per sample (a multi-output regression, several 0/1 labels) have no one class to show
  const classifier = /crossentropy/.test(lossName) && (data.targetWidth ?? 1) === 1;
  const predicted = new Int32Array(classifier ? n : 0), confidence = new Float32Array(classifier ? n : 0);
  let sumLoss = 0, correct = 0, classes = 0;
  const sums: number[] = [];
  for (let s = 0; s < n; s += batchSize) {
    const idx = Int32Array.from({length: Math.min(batchSize, n - s)}, (_, i) => s + i);
    const out = tf.tidy(() => {
      const {x, y} = batchTensors(data, idx);
      const p = model.predict(x) as tf.Tensor;
      const k = p.shape[p.shape.length - 1] as number;
      // logits (PyTorch's CrossEntropyLoss / BCEWithLogitsLoss) become probabilities for the confidences
      const q = !fromLogits || !classifier ? p : k === 1 ? tf.sigmoid(p) : tf.softmax(p);
      const probs = k === 1 ? tf.concat([tf.sub(1, q), q], -1) : q;
      const stats = tf.stack([tf.mul(lossFn(y, p), idx.length), correctCount(y, p, fromLogits)]);
      const extra = classifier || !/crossentropy/.test(lossName) ? claimSums(y, p, classifier, fromLogits) : undefined;
      return {stats, extra, guess: tf.argMax(probs, -1), conf: tf.max(probs, -1), k: Math.max(2, k)};
    });
    const [v, g, c, e] = await Promise.all([out.stats.data(), out.guess.data(), out.conf.data(), out.extra?.data()]);
    tf.dispose([out.stats, out.guess, out.conf, ...(out.extra ? [out.extra] : [])]);
    sumLoss += v[0];
    correct += v[1];
    if (e) addSums(sums, e);
    classes = out.k;
    if (classifier) {
      predicted.set(g as Int32Array, s);
      confidence.set(c as Float32Array, s);
    }
  }
  return {loss: sumLoss / n, acc: correct / n, n, predicted, confidence, labels: data.labels.slice(0, n), classes: classifier ? classes : 0,
    ...claimMeasures(sums, classifier)};
}

/** The first `n` samples of a dataset as a dataset. */
function head(data: Dataset, n: number): Dataset {
  const size = Math.min(n, data.size);
  return {...data, size, labels: data.labels.subarray(0, size * (data.targetWidth ?? 1))};
}

function either(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (!a || !b) return a ?? b;
  const c = new AbortController();
  const on = () => c.abort();
  if (a.aborted || b.aborted) c.abort();
  a.addEventListener("abort", on, {once: true});
  b.addEventListener("abort", on, {once: true});
  return c.signal;
}

export interface RunControl {
  /** Ends everything, no evaluation (the cell re-runs, a new run starts). */
  signal?: AbortSignal;
  /** The reader's stop: training ends and the partial model is evaluated on the test set. */
  stop?: AbortSignal;
  yieldEvery?: () => Promise<void>;
  paused?: () => Promise<void> | undefined;
  reportEvery?: number;
}

/** Builds, trains and evaluates; returns null only when `signal` aborted. Disposes the model. */
export async function* runForPanel(program: KerasProgram, data: PreparedData, s: RunSettings, ctl: RunControl = {}): AsyncGenerator<RunEvent, RunOutcome | null, void> {
  const model = buildModel(program, {seed: s.seed});
  const trainSignal = either(ctl.signal, ctl.stop);
  const monitor = s.validationSplit > 0 ? null : head(data.test, MONITOR_SIZE);
  let last: TrainStep | null = null, lastEpoch: RunOutcome["lastEpoch"] = null;
  try {
    try {
      for await (const step of train(model, data.train, {epochs: s.epochs, batchSize: s.batchSize, validationSplit: s.validationSplit, seed: s.seed,
        limit: s.limit, signal: trainSignal, compile: program.compile, shuffle: program.fit.shuffle ?? true, yieldEvery: ctl.yieldEvery, paused: ctl.paused, reportEvery: ctl.reportEvery})) {
        last = step;
        yield {type: "step", step};
        if (step.batch !== step.batches) continue;
        lastEpoch = {epoch: step.epoch, loss: step.loss, acc: step.acc};
        if (monitor && monitor.size > 0 && !trainSignal?.aborted) {
          const m = await evaluate(model, monitor, {loss: program.compile, signal: trainSignal});
          yield {type: "monitor", epoch: step.epoch, loss: m.loss, acc: m.acc, n: m.n};
        }
      }
    } catch (e) {
      // a stop during a validation/monitor pass ends training like a stop between batches
      if (!((e as Error)?.name === "AbortError" && ctl.stop?.aborted && !ctl.signal?.aborted)) throw e;
    }
    if (ctl.signal?.aborted) return null;
    yield {type: "evaluating"};
    const test = await evaluateWithPredictions(model, data.test, program.compile, 256);
    if (ctl.signal?.aborted) return null;
    const done = last !== null && last.epoch === last.epochs && last.batch === last.batches;
    return {partial: !done, last, lastEpoch, test, params: countParams(model)};
  } finally {
    model.dispose();
  }
}
