/**
 * Everything a training run needs besides the DOM: the datasets a Program names (from the page's
 * FileAttachments), the model, the trainer and the final test evaluation. No DOM.
 */
import {t} from "../i18n/trainingPanel.js";
import {buildModel, countParams} from "./build.js";
import {arraysDataset, imageDataset, splitTable, type Dataset} from "./datasets.js";
import {regenerateArrays} from "./numpy/recipe.js";
import type {KerasProgram} from "./keras/program.js";
import {decodeImageSet} from "./mnist-format.js";
import {evaluate, train, type TrainStep} from "./train.js";

/** Anything with arrayBuffer(): Framework's FileAttachment, a fetch Response, a test stub over a Buffer. */
export interface BinarySource {
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface DataFiles {
  mnistTrain?: BinarySource;
  mnistTest?: BinarySource;
}

export interface PreparedData {
  train: Dataset;
  test: Dataset;
  /** The code's own validation set, evaluated every epoch (absent: none). */
  val?: Dataset;
  /** For the page: where the data came from and how much of it is used. */
  trainSize: number;
  testSize: number;
  description: string;
}

export interface RunSettings {
  epochs: number;
  batchSize: number;
  validationSplit: number;
  seed: number;
  /** Training samples used (before the validation split). */
  limit?: number;
  /** Test samples evaluated. */
  testLimit?: number;
}

export function settingsFor(program: KerasProgram, overrides: Partial<RunSettings> = {}): RunSettings {
  const ds = program.dataset;
  const limits = ds.id === "mnist" ? {...(ds.trainLimit ? {limit: ds.trainLimit} : {}), ...(ds.testLimit ? {testLimit: ds.testLimit} : {})} : {};
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return {epochs: program.fit.epochs, batchSize: program.fit.batchSize, validationSplit: program.fit.validationSplit, seed: 42, ...limits, ...defined};
}

async function bytes(src: BinarySource | undefined, what: string): Promise<Uint8Array> {
  if (!src) throw new Error(`${what} is not attached to this page (the generator must pass it to TrainingPanel)`);
  return new Uint8Array(await src.arrayBuffer());
}

export async function prepareData(program: KerasProgram, files: DataFiles, s: Pick<RunSettings, "limit" | "testLimit" | "seed">): Promise<PreparedData> {
  const ds = program.dataset;
  if (ds.id === "arrays") {
    const arrays = ds.recipe ? regenerateArrays(ds.recipe) : null;
    const tr = arraysDataset(arrays?.train ?? ds.train, ds.inputShape, "arrays (train)");
    const te = ds.test || arrays?.test ? arraysDataset(arrays?.test ?? ds.test!, ds.inputShape, "arrays (test)") : tr;
    const val = ds.val || arrays?.val ? arraysDataset(arrays?.val ?? ds.val!, ds.inputShape, "arrays (validation)") : undefined;
    return {train: tr, test: te, ...(val ? {val} : {}), trainSize: tr.size, testSize: te.size,
      description: t(te !== tr ? "descArrays" : "descArraysSame", {line: ds.line, train: tr.size, test: te.size}) + (arrays ? t("descRegenerated") : "")};
  }
  if (ds.id === "table") {
    const {train: tr, test: te, testRows} = splitTable(ds.rows, ds.labels, ds.testSize, s.seed, ds.standardize);
    return {train: tr, test: te, trainSize: tr.size, testSize: testRows,
      description: t("descTable", {line: ds.line, rows: ds.rows.length, train: tr.size, test: testRows})};
  }
  const [trainSet, testSet] = await Promise.all([
    bytes(files.mnistTrain, "mnist-train.bin").then((b) => decodeImageSet(b, "mnist-train.bin")),
    bytes(files.mnistTest, "mnist-test.bin").then((b) => decodeImageSet(b, "mnist-test.bin"))
  ]);
  const trainDs = imageDataset(trainSet, program.inputShape, {scale: ds.scale, limit: s.limit ?? Infinity, describe: "MNIST train"});
  const testDs = imageDataset(testSet, program.inputShape, {scale: ds.scale, limit: s.testLimit ?? Infinity, describe: "MNIST test"});
  const layout = ds.inputShape.join() === "784" ? t("layoutFlat") : ds.inputShape.join() === "32,32,3" ? t("layoutPadded") : "28×28×1";
  return {train: trainDs, test: testDs, trainSize: trainDs.size, testSize: testDs.size,
    description: t("descMnist", {train: trainDs.size.toLocaleString("en-US"), test: testDs.size.toLocaleString("en-US"), layout})};
}

export interface RunResult {
  testLoss: number;
  testAcc: number;
  testSize: number;
  /** The test MSE of a regression (what a claim named "MSE" is compared with when the loss is another). */
  testMse?: number;
  /** The test balanced accuracy of a classifier (mean recall over its classes). */
  testBalancedAcc?: number;
  params: number;
}

/**
 * Builds the model and trains it; yields the trainer's steps, returns the test evaluation.
 * Disposes the model at the end (or on stop).
 */
export async function* runProgram(program: KerasProgram, data: PreparedData, s: RunSettings,
  ctl: {signal?: AbortSignal; yieldEvery?: () => Promise<void>; paused?: () => Promise<void> | undefined; reportEvery?: number} = {}):
  AsyncGenerator<TrainStep, RunResult | null, void> {
  const model = buildModel(program, {seed: s.seed});
  try {
    yield* train(model, data.train, {epochs: s.epochs, batchSize: s.batchSize, validationSplit: s.validationSplit, seed: s.seed,
      limit: s.limit, signal: ctl.signal, compile: program.compile, yieldEvery: ctl.yieldEvery, paused: ctl.paused, reportEvery: ctl.reportEvery,
      shuffle: program.fit.shuffle ?? true, validation: data.val, earlyStopping: program.fit.earlyStopping});
    if (ctl.signal?.aborted) return null;
    const r = await evaluate(model, data.test, {loss: program.compile, signal: ctl.signal});
    return {testLoss: r.loss, testAcc: r.acc, testSize: r.n, params: countParams(model),
      ...(r.mse !== undefined ? {testMse: r.mse} : {}), ...(r.balancedAcc !== undefined ? {testBalancedAcc: r.balancedAcc} : {})};
  } finally {
    model.dispose();
  }
}

