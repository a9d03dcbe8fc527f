/**
 * Mini-batch training as an async generator: one step per batch, seeded shuffling, Keras-style validation_split
 * (the last fraction of the data, before shuffling), every temporary tensor disposed. No DOM.
 * Never reads tensors synchronously (webgpu-safe): losses come back with `await t.data()`.
 */
import * as tf from "@tensorflow/tfjs";
import {addSums, claimMeasures, claimSums, correctCount, lossFunction, lossSpecOf, makeOptimizer, optimizerStep} from "./build.js";
import {permutation, sampleSize, type Dataset} from "./datasets.js";
import type {CompileSpec, LossSpec} from "./keras/program.js";
import {learningRateAt, perBatch} from "./keras/schedule.js";
import {EpochWatch} from "./epochWatch.js";
import type {EarlyStopSpec} from "./keras/program.js";

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  validationSplit?: number;
  signal?: AbortSignal;
  seed?: number;
  /** Use only the first `limit` samples (before the validation split). */
  limit?: number;
  /** The chapter's compile(): optimizer and loss. Defaults: adam 0.001, sparse categorical cross-entropy. */
  compile?: Pick<CompileSpec, "optimizer" | "loss" | "fromLogits" | "schedule">;
  /** Shuffle every epoch (default true); false keeps the data's order (a PyTorch DataLoader without shuffle=True). */
  shuffle?: boolean;
  /** Awaited between batches (the page passes tf.nextFrame to stay responsive). */
  yieldEvery?: () => Promise<void>;
  /** Report every n-th batch (the last batch of an epoch is always reported). */
  reportEvery?: number;
  /** Resolves when the reader un-pauses (polled between batches). */
  paused?: () => Promise<void> | undefined;
  /** A validation set of its own (the code's X_val, y_val), evaluated after every epoch; replaces validationSplit. */
  validation?: Dataset;
  /** Stop when the monitored value stops improving (and load the best epoch's weights back). */
  earlyStopping?: EarlyStopSpec;
}

export interface TrainStep {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Mean loss and accuracy over the epoch so far (as Keras prints them). */
  loss: number;
  acc: number;
  samplesPerSec: number;
  etaSec: number;
  /** Set on the last batch of an epoch when there is validation data. */
  valLoss?: number;
  valAcc?: number;
  trainSize: number;
  valSize: number;
  /** The learning rate of the last batch, when the program has a schedule. */
  learningRate?: number;
  /** Early stopping: the best value so far and its epoch; `stop` on the epoch training stops at. */
  earlyStop?: {best: number; bestEpoch: number; stop: boolean};
}

/** Sets a tfjs optimiser's learning rate (SGD and momentum keep it in a scalar, the others in a field). */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  const o = optimizer as unknown as {setLearningRate?: (x: number) => void; learningRate: number};
  if (typeof o.setLearningRate === "function") o.setLearningRate(lr);
  else o.learningRate = lr;
}

/** The learning rate for this batch when the schedule sets one here (every batch, or an epoch's first), else undefined. */
function scheduledRate(compile: TrainOptions["compile"], epoch: number, step: number, epochStart: boolean): number | undefined {
  const s = compile?.schedule;
  return s && (epochStart || perBatch(s)) ? learningRateAt(s, compile!.optimizer.learningRate, epoch, step) : undefined;
}

/** One batch as tensors (the caller disposes them). */
export function batchTensors(data: Dataset, indices: ArrayLike<number>): {x: tf.Tensor; y: tf.Tensor} {
  const per = sampleSize(data.inputShape);
  const buf = new Float32Array(indices.length * per);
  data.fill(indices, buf);
  const w = data.targetWidth ?? 1;
  const y = new Float32Array(indices.length * w);
  for (let i = 0; i < indices.length; i++) y.set(data.labels.subarray(indices[i] * w, indices[i] * w + w), i * w);
  return {x: tf.tensor(buf, [indices.length, ...data.inputShape]), y: w === 1 ? tf.tensor1d(y) : tf.tensor2d(y, [indices.length, w])};
}

/** Loss and accuracy of `model` on `indices` of `data` (inference mode), in batches. */
export async function evaluate(model: tf.LayersModel, data: Dataset, {indices, batchSize = 256, loss = "sparse_categorical_crossentropy" as CompileSpec["loss"] | LossSpec, signal, fromLogits = false}:
  {indices?: ArrayLike<number>; batchSize?: number; loss?: CompileSpec["loss"] | LossSpec; signal?: AbortSignal; fromLogits?: boolean} = {}):
  Promise<{loss: number; acc: number; n: number; mse?: number; balancedAcc?: number}> {
  const idx = indices ?? Int32Array.from({length: data.size}, (_, i) => i);
  const spec = lossSpecOf(loss, fromLogits);
  const lossFn = lossFunction(spec), logits = !!spec.fromLogits;
  const classifier = /crossentropy/.test(spec.loss);
  const sums: number[] = [];
  let sumLoss = 0, correct = 0;
  for (let s = 0; s < idx.length; s += batchSize) {
    if (signal?.aborted) throw new DOMException("evaluation stopped", "AbortError");
    const part = Array.prototype.slice.call(idx, s, s + batchSize) as number[];
    const out = tf.tidy(() => {
      const {x, y} = batchTensors(data, part);
      const p = model.predict(x) as tf.Tensor;
      const single = !classifier || y.size === part.length;
      return {stats: tf.stack([tf.mul(lossFn(y, p), part.length), correctCount(y, p, logits)]), extra: single ? claimSums(y, p, classifier, logits) : undefined};
    });
    const [v, e] = await Promise.all([out.stats.data(), out.extra?.data()]);
    tf.dispose([out.stats, ...(out.extra ? [out.extra] : [])]);
    sumLoss += v[0];
    correct += v[1];
    if (e) addSums(sums, e);
  }
  return {loss: sumLoss / idx.length, acc: correct / idx.length, n: idx.length, ...claimMeasures(sums, classifier)};
}

export async function* train(model: tf.LayersModel, data: Dataset, opts: TrainOptions): AsyncGenerator<TrainStep, void, void> {
  const {epochs, batchSize, validationSplit = 0, signal, seed = 42, compile, yieldEvery, reportEvery = 1, paused} = opts;
  if (!(Number.isInteger(epochs) && epochs >= 1)) throw new Error(`train: epochs must be a positive integer, got ${epochs}`);
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new Error(`train: batchSize must be a positive integer, got ${batchSize}`);
  if (!(validationSplit >= 0 && validationSplit < 1)) throw new Error(`train: validationSplit must be in [0, 1), got ${validationSplit}`);
  const total = Math.min(data.size, opts.limit ?? Infinity);
  const valSize = Math.floor(total * validationSplit);
  const trainSize = total - valSize;
  if (trainSize < 1) throw new Error(`train: no training samples (size ${data.size}, limit ${opts.limit}, validation ${validationSplit})`);
  const valIdx = Int32Array.from({length: valSize}, (_, i) => trainSize + i);
  const valSet = opts.validation ? {data: opts.validation, indices: undefined} : valSize > 0 ? {data, indices: valIdx} : null;
  const watch = new EpochWatch(compile, opts.earlyStopping, !!valSet);
  const optimizer = makeOptimizer(compile?.optimizer ?? {name: "adam", learningRate: 0.001, learningRateExplicit: false});
  const lossName = compile?.loss ?? "sparse_categorical_crossentropy";
  const fromLogits = !!compile?.fromLogits;
  const lossFn = lossFunction(compile ?? lossName);
  const shuffle = opts.shuffle ?? true;
  const batches = Math.ceil(trainSize / batchSize);
  const t0 = performance.now();
  let seen = 0;
  /** Batch statistics not read yet (read together at the next report, so unreported batches cost no sync). */
  const pending: {t: tf.Tensor; n: number}[] = [];
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const order = shuffle ? permutation(trainSize, seed + epoch) : Int32Array.from({length: trainSize}, (_, i) => i);
      let sumLoss = 0, correct = 0, count = 0;
      for (let b = 0; b < batches; b++) {
        if (signal?.aborted) return;
        const wait = paused?.();
        if (wait) await wait;
        if (signal?.aborted) return;
        const lr = b === 0 && watch.rate !== undefined ? watch.rate : scheduledRate(compile, epoch - 1, (epoch - 1) * batches + b, b === 0);
        if (lr !== undefined) setLearningRate(optimizer, lr);
        const idx = order.subarray(b * batchSize, Math.min(trainSize, (b + 1) * batchSize));
        const stats = tf.tidy(() => {
          const {x, y} = batchTensors(data, idx);
          let correctT: tf.Scalar | null = null;
          const lossT = optimizerStep(optimizer, compile?.optimizer, () => {
            const p = model.apply(x, {training: true}) as tf.Tensor;
            correctT = tf.keep(correctCount(y, p, fromLogits));
            // the layers' kernel_regularizer penalties, as Keras adds them to the loss it minimises and reports
            const penalties = model.calculateLosses();
            return penalties.length ? tf.add(lossFn(y, p), tf.addN(penalties)) as tf.Scalar : lossFn(y, p);
          });
          const out = tf.stack([lossT, correctT!]);
          correctT!.dispose();
          return out;
        });
        const last = b === batches - 1;
        if (b % reportEvery === 0 || last) {
          const v = await stats.data();
          stats.dispose();
          sumLoss += v[0] * idx.length;
          correct += v[1];
          count += idx.length;
        } else {
          // Keep the running means honest without a device read each batch: read it with the next report.
          pending.push({t: stats, n: idx.length});
        }
        if (pending.length && (b % reportEvery === 0 || last)) {
          for (const p of pending.splice(0)) {
            const v = await p.t.data();
            p.t.dispose();
            sumLoss += v[0] * p.n;
            correct += v[1];
            count += p.n;
          }
        }
        seen += idx.length;
        if (!(b % reportEvery === 0 || last)) {
          if (yieldEvery) await yieldEvery();
          continue;
        }
        const elapsed = (performance.now() - t0) / 1000;
        const sps = seen / Math.max(elapsed, 1e-6);
        const left = (epochs - epoch) * trainSize + (trainSize - Math.min(trainSize, (b + 1) * batchSize));
        const step: TrainStep = {epoch, epochs, batch: b + 1, batches, loss: sumLoss / count, acc: correct / count,
          samplesPerSec: sps, etaSec: left / sps, trainSize, valSize};
        if (compile?.schedule) step.learningRate = watch.rate ?? scheduledRate(compile, epoch - 1, (epoch - 1) * batches + b, true);
        if (last && valSet) {
          const v = await evaluate(model, valSet.data, {indices: valSet.indices, batchSize: Math.max(batchSize, 256), loss: compile ?? lossName, signal});
          step.valLoss = v.loss;
          step.valAcc = v.acc;
        }
        let stop = false;
        if (last && watch.active) {
          stop = watch.epochEnd(model, epoch, {loss: step.loss, valLoss: step.valLoss});
          if (watch.stopState) step.earlyStop = {best: watch.stopState.best, bestEpoch: watch.stopState.bestEpoch, stop};
        }
        yield step;
        if (stop) {
          watch.restore(model);
          return;
        }
        if (yieldEvery) await yieldEvery();
      }
    }
    watch.restoreAtEnd(model);
  } finally {
    watch.dispose();
    for (const p of pending.splice(0)) p.t.dispose();
    optimizer.dispose();
  }
}
