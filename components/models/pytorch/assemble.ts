/**
 * A PyTorch model, loss, optimiser and training loop → the same Program the Keras path builds (framework
 * "pytorch"): where the batches come from, the layers lowered, PyTorch's defaults. Pure.
 */
import {parseExpr, show, type Expr} from "../keras/expr.js";
import type {Interpreter} from "../keras/interpreter.js";
import type {Val} from "../keras/values.js";
import type {Claim, DatasetRef, KerasProgram, LrSchedule, Note} from "../keras/program.js";
import {applyOutputActivation, earlyStopOf, monitorOf} from "./epochLoop.js";
import {functionalLoss} from "./objects.js";
import {lambdaSchedule} from "./schedulers.js";
import {readerText} from "../keras/messages.js";
import {ndDataset, pairedLabels} from "../keras/assemble.js";
import {lowerLayers} from "./layers.js";
import type {TorchLoop} from "./loop.js";
import {tTraining} from "../../i18n/training.js";

/** Where a PyTorch loop's batches come from: a DataLoader (over tensors or torchvision's MNIST) or two full tensors. */
export function torchData(it: Interpreter, loop: TorchLoop, notes: Note[], fail: (line: number, message: string) => null):
  {dataset: {ref: DatasetRef; inputShape: number[]}; batchSize: number; shuffle: boolean} | null {
  const g = it.globals;
  let dataset: {ref: DatasetRef; inputShape: number[]} | null = null;
  let batchSize = 0, shuffle = false;
  const mnistShape = [28, 28, 1];
  // (a validation loss computed in the epoch loop under torch.no_grad(): its tensors are the validation set)
  const val = () => loop.validation ? {x: it.evaluate(loop.validation.x, g, loop.validation.line), y: it.evaluate(loop.validation.y, g, loop.validation.line)} : undefined;
  if (loop.data.kind === "loader") {
    const lv = g.get(loop.data.loader);
    if (lv?.k !== "torch" || lv.t.kind !== "loader") return fail(loop.line, `${loop.data.loader} is not a DataLoader the translator could follow`);
    const ld = lv.t.loader;
    batchSize = ld.batchSize;
    shuffle = ld.shuffle;
    if (ld.data.kind === "mnist") {
      dataset = {ref: {id: "mnist", inputShape: mnistShape, origin: "torchvision.datasets.MNIST", scale: 1 / 255, ...(ld.data.limit ? {trainLimit: ld.data.limit} : {})}, inputShape: mnistShape};
      if (ld.data.normalized) notes.push({level: "info", text: tTraining("torchNormalize")});
    } else {
      dataset = ndDataset(it, {k: "nd", name: ld.data.x}, {k: "nd", name: ld.data.y}, evaluated(it, ld.data.x, ld.data.y), ld.data.line, true, notes, val());
    }
    if (!shuffle) notes.push({level: "info", text: tTraining("shuffleOff")});
  } else {
    const xv = it.evaluate(loop.data.x, g, loop.line), yv = it.evaluate(loop.data.y, g, loop.line);
    const ev = evaluated(it, xv.k === "nd" ? xv.name : "", yv.k === "nd" ? yv.name : "");
    dataset = ndDataset(it, xv, yv, ev, loop.line, true, notes, val());
    batchSize = dataset?.ref.id === "arrays" ? dataset.ref.train.n : 0;
    // batches the loop slices itself (for start in range(0, n, B): idx = perm[start:start + B])
    if (loop.data.batch && dataset) {
      const b = it.evaluate(loop.data.batch.size, g, loop.line);
      if (b.k !== "num" || !Number.isInteger(b.v) || b.v < 1) return fail(loop.line, `the batch size (${show(loop.data.batch.size)}) cannot be followed`);
      batchSize = Math.min(b.v, batchSize || b.v);
      shuffle = loop.data.batch.shuffle;
    }
  }
  return dataset ? {dataset, batchSize, shuffle} : null;
}

/**
 * The tensors the trained model is evaluated on under torch.no_grad(); labels the block does not name (they are
 * compared after it: `(pred == y_test).float().mean()`) are those named as the training labels are.
 */
function evaluated(it: Interpreter, trainX: string, trainY: string): {x: Val; y: Val | undefined} | undefined {
  const ev = it.torchEval;
  if (!ev) return undefined;
  const y = ev.y ?? (trainX && trainY ? pairedLabels(it, ev.x, trainX, trainY) : null);
  return {x: {k: "nd", name: ev.x}, y: y ? {k: "nd", name: y} : undefined};
}

/** A PyTorch model, loss, optimiser and loop → the same Program the Keras path builds (framework "pytorch"). */
export function torchProgram(it: Interpreter, loop: TorchLoop, claims: Claim[]): KerasProgram | null {
  const g = it.globals;
  const fail = (line: number, message: string) => {
    it.error(line, message);
    it.fatalLines.add(line);
    return null;
  };
  const mv = g.get(loop.model), cv = criterionOf(it, loop), ov = loop.manualSgd ? manualOptimizer(it, loop.manualSgd) : g.get(loop.optimizer);
  const modelLayers = mv?.k === "torch" ? (mv.t.kind === "model" ? mv.t.layers : mv.t.kind === "layer" ? [mv.t.layer] : null) : null;
  if (!modelLayers) return fail(loop.line, `${loop.model} is not a model the translator could follow`);
  if (cv?.k !== "torch" || cv.t.kind !== "loss") return fail(loop.line, `${loop.criterion} is not a supported loss (nn.MSELoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss, NLLLoss, L1Loss)`);
  if (ov?.k !== "torch" || ov.t.kind !== "optimizer") return fail(loop.line, `${loop.optimizer} is not a torch.optim optimiser the translator could follow`);
  const epochsV = it.evaluate(loop.epochs, g, loop.line);
  if (epochsV.k !== "num" || !Number.isInteger(epochsV.v) || epochsV.v < 1) return fail(loop.line, `the number of epochs (${show(loop.epochs)}) cannot be followed`);
  const notes: Note[] = [{level: "info", text: tTraining("pytorchInit")}];
  const data = torchData(it, loop, notes, fail);
  if (!data) return null;
  let {dataset} = data;
  const {shuffle} = data;
  const accumulated = accumulation(it, loop, data.batchSize, ov.t.opt, notes);
  if (!accumulated) return null;
  const {batchSize, optimizer} = accumulated;
  if (loop.handLoss) notes.push({level: "info", text: handLossNote(loop.handLoss)});
  if (loop.manualSgd) notes.push({level: "info", text: tTraining("manualSgd", {line: loop.manualSgd.line, lr: optimizer.learningRate})});
  const imageShape = dataset.inputShape.length === 3 ? dataset.inputShape : null;
  const lowered = applyOutputActivation(it, lowerLayers(modelLayers, imageShape, it.unsupported), loop);
  if (!lowered) {
    const u = it.unsupported[it.unsupported.length - 1];
    return fail(u?.line ?? loop.line, u?.message ?? "the model cannot be translated");
  }
  if (lowered.inputShape.join() !== dataset.inputShape.join() && !(lowered.inputShape.length === 1 && lowered.inputShape[0] === dataset.inputShape.reduce((a, b) => a * b, 1) && dataset.ref.id === "mnist")) {
    return fail(lowered.layers[0]?.line ?? loop.line, `the model's first layer expects inputs of shape (${lowered.inputShape.join(", ")}) but the data has (${dataset.inputShape.join(", ")}) (PyTorch would fail: mat1 and mat2 shapes cannot be multiplied)`);
  }
  const loss = cv.t.loss;
  if (loss.nll && !lowered.logSoftmax) return fail(loss.line, "NLLLoss needs a model ending in LogSoftmax (log-probabilities)");
  if (lowered.logSoftmax) notes.push({level: "info", text: tTraining("logSoftmax")});
  if (lowered.layers.some((l) => l.type === "dense" && l.paramInit)) notes[0] = {level: "info", text: tTraining("ownInit")};
  const last = lowered.layers[lowered.layers.length - 1];
  let fromLogits = loss.fromLogits;
  if (fromLogits && last.type === "dense" && last.activation !== "linear" && !lowered.logSoftmax) {
    it.warn(loss.line, `the model's last layer applies ${last.activation} and the loss expects logits: trained as written`);
  }
  if (loss.loss === "binary_crossentropy" && !fromLogits && !(last.type === "dense" && last.activation === "sigmoid")) {
    it.warn(loss.line, "BCELoss on outputs that are not probabilities (no Sigmoid at the end)");
  }
  if (dataset.ref.id === "mnist" && lowered.inputShape.length === 1) dataset = {ref: {...dataset.ref, inputShape: [784]}, inputShape: [784]};
  const earlyStopping = earlyStopOf(it, loop);
  const clipNorm = loop.clipNorm ? it.evaluate(loop.clipNorm.maxNorm, g, loop.clipNorm.line) : null;
  if (clipNorm && !(clipNorm.k === "num" && clipNorm.v > 0)) return fail(loop.clipNorm!.line, "clip_grad_norm_: max_norm must be a positive number");
  for (const u of loop.ignored) notes.push({level: "info", text: tTraining("scheduleIgnored", {line: u.line, message: readerText(u.message, it.source.get(u.line)?.trim() ?? "")})});
  const program: KerasProgram = {
    kind: "keras", framework: "pytorch", init: "pytorch", file: it.opts.file, line: mv!.k === "torch" && mv.t.kind === "model" ? mv.t.line : modelLayers[0].line,
    inputShape: dataset.inputShape, layers: lowered.layers,
    compile: {optimizer: clipNorm?.k === "num" ? {...optimizer, clipNorm: clipNorm.v} : optimizer, loss: loss.loss, metrics: ["accuracy"], line: ov.t.line, fromLogits, ...scheduleOf(it, loop, epochsV.v, batchesPerEpoch(dataset.ref, batchSize)),
      ...(loss.posWeight ? {posWeight: loss.posWeight} : {}), ...(loss.classWeight ? {classWeight: loss.classWeight} : {}),
      ...(loss.labelSmoothing ? {labelSmoothing: loss.labelSmoothing} : {}), ...(loss.delta !== undefined ? {delta: loss.delta} : {}),
      ...(loss.smoothL1 ? {smoothL1: true} : {})},
    fit: {epochs: epochsV.v, batchSize: Math.max(1, batchSize), validationSplit: 0, line: loop.line, shuffle, ...(earlyStopping ? {earlyStopping} : {})},
    evaluate: it.torchEval ? {line: it.torchEval.line} : null, dataset: dataset.ref, claims, notes
  };
  if (it.unsupported.length) {
    program.unsupported = it.readerUnsupported();
    for (const u of program.unsupported) program.notes.push({level: "warning", line: u.line, text: tTraining("unsupportedPart", {line: u.line, message: u.text ?? u.message})});
  }
  return program;
}


/** The loop's loss: a tracked nn.*Loss module, or a torch.nn.functional loss called directly (F.cross_entropy). */
function criterionOf(it: Interpreter, loop: TorchLoop): Val | undefined {
  const h = loop.handLoss;
  if (h) return {k: "torch", t: {kind: "loss", loss: {loss: h.loss, fromLogits: h.fromLogits, nll: false, line: h.line}}};
  const v = it.globals.get(loop.criterion);
  if (v || !/^[\w.]+$/.test(loop.criterion)) return v;
  const path = it.evaluate(parseExpr(loop.criterion), it.globals, loop.line);
  const loss = path.k === "mod" ? functionalLoss(path.path, loop.line) : null;
  return loss ? {k: "torch", t: {kind: "loss", loss}} : undefined;
}

/** A hand-written SGD step as torch.optim.SGD at its rate (undefined: the rate cannot be computed). */
function manualOptimizer(it: Interpreter, m: NonNullable<TorchLoop["manualSgd"]>): Val | undefined {
  const lr = it.evaluate(m.lr, it.globals, m.line);
  if (lr.k !== "num" || !(lr.v > 0)) {
    it.error(m.line, `the hand-written update's rate (${show(m.lr)}) cannot be computed`);
    return undefined;
  }
  return {k: "torch", t: {kind: "optimizer", opt: {name: "sgd", learningRate: lr.v, learningRateExplicit: true}, line: m.line}};
}

/** The reader's note on a loss written out by hand. */
function handLossNote(h: NonNullable<TorchLoop["handLoss"]>): string {
  const logits = tTraining(h.fromLogits ? "onLogits" : "onProbabilities");
  if (h.what === "mean squared error") return tTraining("handMse", {line: h.line});
  return tTraining(h.what === "cross-entropy" ? "handCrossEntropy" : "handBinaryCrossEntropy", {line: h.line, logits});
}

/**
 * Gradient accumulation over K batches of B: one update per K·B samples. With the loss divided by K the update follows
 * their mean; without, their sum: K times the mean, which SGD follows as K times the rate (its step is linear in the
 * gradient) and the adaptive optimisers as the mean (their step is nearly scale-free). null: K cannot be followed.
 */
function accumulation(it: Interpreter, loop: TorchLoop, batchSize: number, opt: KerasProgram["compile"]["optimizer"], notes: Note[]):
  {batchSize: number; optimizer: KerasProgram["compile"]["optimizer"]} | null {
  const a = loop.accumulate;
  if (!a) return {batchSize, optimizer: opt};
  const k = it.evaluate(a.every, it.globals, a.line);
  if (k.k !== "num" || !Number.isInteger(k.v) || k.v < 1 || k.v > 1024) {
    it.error(a.line, `gradient accumulation every ${show(a.every)} batches cannot be followed (it needs a whole number from 1 to 1024)`);
    it.fatalLines.add(a.line);
    return null;
  }
  const every = k.v, batch = batchSize * every;
  const sgd = opt.name === "sgd";
  const scaled = a.scaled ? "" : tTraining(sgd ? "accumSumSgd" : "accumSum", {every, optimizer: opt.name});
  notes.push({level: "info", text: tTraining("gradAccumulation", {line: a.line, every, batch, scaled})});
  return {batchSize: batch, optimizer: !a.scaled && sgd ? {...opt, learningRate: opt.learningRate * every} : opt};
}

/** The schedule `scheduler.step()` advances: per epoch in the epoch loop, per batch inside the batch loop. */
function scheduleOf(it: Interpreter, loop: TorchLoop, epochs: number, batches: number): {schedule?: LrSchedule} {
  const [first, ...rest] = loop.schedulerSteps;
  if (!first) return {};
  for (const r of rest) it.warn(r.line, `${r.name}.step(): only the first learning-rate schedule (line ${first.line}) is replayed`);
  const v = it.globals.get(first.name);
  if (v?.k !== "torch" || v.t.kind !== "scheduler") {
    it.error(first.line, `${first.name}.step(): ${first.name} is not a torch.optim.lr_scheduler the translator could follow; the page keeps the initial learning rate`);
    return {};
  }
  let s = v.t.schedule;
  if (s.kind === "plateau") {
    const monitor = monitorOf(it, loop, first.metric, first.line, "ReduceLROnPlateau");
    return monitor ? {schedule: {...s, monitor}} : {};
  }
  if (s.kind === "restarts" && (first.arg || first.metric === loop.epochVar)) {
    // step(epoch + i / iters) after every batch, or step(epoch) after every epoch: the position is the fractional epoch
    const fraction = first.perBatch ? fractionalEpoch(it, first.arg ?? "", loop.epochVar, batches, first.line) : first.metric === loop.epochVar ? 1 : null;
    if (fraction === null) {
      it.error(first.line, `${first.name}.step(${first.arg ?? first.metric}): the page follows step(), step(${loop.epochVar}) once per epoch, or step(${loop.epochVar} + i / ${batches}) after batch i`);
      return {};
    }
    return {schedule: {...s, per: first.perBatch ? "batch" : "epoch", fraction}};
  }
  if (first.arg) {
    it.error(first.line, `${first.name}.step(${first.arg}): a schedule stepped to a position it is given is followed only for CosineAnnealingWarmRestarts`);
    return {};
  }
  if (first.metric) it.warn(first.line, `${first.name}.step(${first.metric}): the argument is ignored (only ReduceLROnPlateau reads a value)`);
  // LambdaLR: the code's factor for every step the training takes
  if (s.kind === "lambda" && v.t.factor) {
    try {
      s = lambdaSchedule(v.t.factor, first.perBatch ? epochs * batches : epochs, s.text, s.line);
    } catch (e) {
      it.error(s.line, (e as Error).message);
      return {};
    }
  }
  return {schedule: s.kind === "decay" || s.kind === "table" ? s : {...s, per: first.perBatch ? "batch" : "epoch"} as LrSchedule};
}

/**
 * `epoch + i / N` (N: the batches per epoch, a number or a name the code set to it; i any name but the epoch's): the
 * fraction N, or null when the argument is anything else or N is not the number of batches.
 */
function fractionalEpoch(it: Interpreter, arg: string, epochVar: string, batches: number, line: number): number | null {
  let e: Expr;
  try {
    e = parseExpr(arg);
  } catch {
    return null;
  }
  if (e.type !== "bin" || e.op !== "+" || e.left.type !== "name" || e.left.id !== epochVar) return null;
  const r = e.right;
  if (r.type !== "bin" || r.op !== "/" || r.left.type !== "name" || r.left.id === epochVar) return null;
  const n = it.evaluate(r.right, it.globals, line);
  return n.k === "num" && n.v === batches ? batches : null;
}

/** Batches in one epoch of the training data (the last one may be short). */
function batchesPerEpoch(ref: DatasetRef, batchSize: number): number {
  const n = ref.id === "arrays" ? ref.train.n : ref.id === "mnist" ? ref.trainLimit ?? 60000 : 1;
  return Math.ceil(n / Math.max(1, batchSize));
}
