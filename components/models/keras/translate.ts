/**
 * Translates the Python printed in a chapter's code-practice section into a Program the page can train:
 * Keras Sequential models (list or model.add), compile / fit / evaluate, keras.datasets loads, pandas.read_csv
 * of a chapter table, function definitions with keyword defaults, and NumPy data generation plus a hand-written
 * gradient-descent class. Runs at generation time; pure (no tf, no DOM). Never throws on bad code: everything
 * it cannot follow becomes a diagnostic naming the file line.
 */
import {parseClaims, type TextPiece} from "./claims.js";
import {statements} from "./lines.js";
import type {Claim, CodeBlock, CompileSpec, KerasProgram, Note, NumpyGdProgram} from "./program.js";
import {show} from "./expr.js";
import {describe, type ModelState} from "./values.js";
import {lrTable} from "./compileFit.js";
import {Interpreter, type TranslateOptions, type TranslateResult} from "./interpreter.js";
import {failedOutside, ndDataset, predictedTest, resolveDataset, tableNotes} from "./assemble.js";
import {torchProgram} from "../pytorch/assemble.js";
import {buildNumpyScript} from "../pytorch/program.js";
import {tTraining} from "../../i18n/training.js";

export type {TranslateOptions, TranslateResult} from "./interpreter.js";
export type {Program, CodeBlock, TranslateDiagnostic} from "./program.js";
export {statements};

function isPython(b: CodeBlock): boolean {
  return /^(python|py|python3|ipython)$/i.test(b.lang);
}

/** Translates all code blocks of a code-practice section (in order). */
export function translateChapterCode(blocks: CodeBlock[], at: TranslateOptions): TranslateResult {
  const it = new Interpreter(at);
  const pieces: TextPiece[] = [];
  try {
    for (const b of blocks) {
      pieces.push({text: b.code, line: b.line + 1, code: isPython(b)});
      if (!isPython(b)) continue;
      b.code.split("\n").forEach((text, i) => it.source.set(b.line + 1 + i, text));
      it.run(statements(b.code, b.line), it.globals);
    }
  } catch (e) {
    // `return` at top level or an interpreter bug: report, never throw.
    it.error(blocks[0]?.line ?? 1, `translator failed: ${(e as Error).message ?? String(e)}`);
  }
  if (at.extraText) pieces.push({text: at.extraText, line: at.extraLine ?? 1});
  for (const [name, step] of it.tapeSteps) {
    if (step.used) continue;
    it.error(step.line, `${name}() records a tf.GradientTape, but no training loop the page can follow calls it: the page trains a tape loop of the form "for epoch in range(N): … with tf.GradientTape() as tape: … tape.gradient(loss, …); optimizer.apply_gradients(…)"`);
    it.fatalLines.add(step.line);
  }
  const claims = parseClaims(pieces);
  const diagnostics = it.diag;
  const file = at.file;

  if (it.gdRuns.length) return gdProgram(it, claims, file);

  // PyTorch
  if (it.torchLoops.length) {
    const r = torchProgram(it, it.torchLoops[it.torchLoops.length - 1], claims);
    return r && !failedOutside(diagnostics, it) ? {program: r, diagnostics} : {diagnostics};
  }

  // Keras
  const fitted = it.models.filter((m) => m.fits.length);
  if (!fitted.length && it.npLoops.length) {
    // (after a statement that failed, the loop ran without it: what it printed then is not the code's result)
    const printed = it.script.printed.filter((p) => it.npFailedAt === undefined || p.line < it.npFailedAt);
    const script = buildNumpyScript({file, statements: it.npStatements, loops: it.npLoops, printed, claims,
      unsupported: it.readerUnsupported(), seed: it.np.defaultSeed});
    return {script, diagnostics};
  }
  return kerasProgram(it, fitted, claims, blocks[0]?.line ?? 1);
}

/** 004's NumPy gradient-descent class, fitted on arrays the code made. */
function gdProgram(it: Interpreter, claims: Claim[], file: string): TranslateResult {
  const diagnostics = it.diag;
  const failed = () => diagnostics.some((d) => d.severity === "error");
  const run = it.gdRuns[it.gdRuns.length - 1];
  const cls = run.inst.cls;
  const notes: Note[] = [];
  if (cls.loss && !cls.loss.squared) {
    notes.push({level: "warning", line: cls.loss.line,
      text: `代码里的 loss = ${cls.loss.formula} 不是平方损失：它是残差之和的一半，可正可负，不能衡量拟合好坏（只是被计算后没有用到）。页面另外画出均方误差。`});
    diagnostics.push({line: cls.loss.line, severity: "warning", message: `loss = ${cls.loss.formula} is not a squared loss (no **2); the page flags it and plots the mean squared error instead`});
  }
  notes.push({level: "warning",
    text: `模型没有偏置项：X 只有一列、θ 只有一个数，而数据是 y = 2x + 0.5 + 噪声，所以 θ 收敛到 Σxy/Σx²（约 2.7），而不是 2。`});
  notes.push({level: "info", text: "np.random 没有设种子；页面用固定种子的生成器（mulberry32 + Box–Muller）重现同样的分布，结果可复现。"});
  const program: NumpyGdProgram = {
    kind: "numpy-gd", file, line: run.line, className: cls.name, data: it.numpyData, x: run.x, y: run.y,
    learningRate: run.inst.fields[cls.fields.lr], iterations: run.inst.fields[cls.fields.iterations],
    gradient: cls.gradient,
    loss: cls.loss ?? {formula: "", squared: true, line: run.line},
    claims, notes
  };
  if (!Number.isFinite(program.learningRate) || !Number.isFinite(program.iterations)) {
    diagnostics.push({line: run.line, severity: "error", message: `${cls.name}: learning rate or iteration count has no value`});
    return {diagnostics};
  }
  return failed() ? {diagnostics} : {program, diagnostics};

}

/** The Keras model trained last: its layers, compile(), fit() and the dataset fit() reads. */
function kerasProgram(it: Interpreter, fitted: ModelState[], claims: Claim[], firstLine: number): TranslateResult {
  const diagnostics = it.diag, file = it.opts.file;
  const failed = () => diagnostics.some((d) => d.severity === "error");
  if (!fitted.length) {
    if (it.models.length) {
      const m = it.models[it.models.length - 1];
      diagnostics.push({line: m.line, severity: "error", message: "the model is never trained (no model.fit call)"});
    } else if (!diagnostics.some((d) => d.severity === "error")) {
      diagnostics.push({line: firstLine, severity: "error", message: "no Keras model or gradient-descent class to train was found"});
    }
    return {diagnostics};
  }
  const m = fitted[fitted.length - 1];
  const allFits = fitted.flatMap((f) => f.fits);
  if (allFits.length > 1) {
    diagnostics.push({line: allFits[allFits.length - 1].spec.line, severity: "warning",
      message: `the model is trained ${allFits.length} times (fit called from lines ${allFits.map((f) => f.site).join(", ")}); the page trains once, with the last call's arguments`});
  }
  const fit = m.fits[m.fits.length - 1];
  if (!m.compile) {
    diagnostics.push({line: fit.spec.line, severity: "error", message: "the model is trained without model.compile(...)"});
    return {diagnostics};
  }
  if (!m.layers.length) {
    diagnostics.push({line: m.line, severity: "error", message: "the model has no layers"});
    return {diagnostics};
  }
  const notes: Note[] = [];
  const dataset = fit.x.k === "nd" ? ndDataset(it, fit.x, fit.y, predictedTest(it, m, fit), fit.spec.line, false, notes, fit.val) : resolveDataset(m, fit.x, fit.y, fit.spec.line, notes, diagnostics);
  if (!dataset) return {diagnostics};
  if (dataset.ref.id === "mnist" && fit.x.k === "data" && fit.x.limit) dataset.ref.trainLimit = fit.x.limit;
  if (dataset.ref.id === "mnist" && m.evaluate?.x?.k === "data" && m.evaluate.x.limit) dataset.ref.testLimit = m.evaluate.x.limit;
  const inputShape = m.inputShape ?? dataset.inputShape;
  if (!m.inputShape) {
    diagnostics.push({line: m.line, severity: "warning", message: `the first layer has no input_shape; the data's shape (${inputShape.join(", ")}) is used`});
  }
  if (dataset.ref.id === "mnist" && m.inputShape?.join() === "28,28" && dataset.inputShape.join() === "28,28,1") {
    // Flatten(input_shape=(28, 28)): the images as they load, without a channel axis
    dataset.ref.inputShape = [28, 28];
    dataset.inputShape = [28, 28];
  }
  if (dataset.ref.id === "mnist" && m.inputShape && m.inputShape.join() !== dataset.inputShape.join()) {
    diagnostics.push({line: m.line, severity: "error", message: `input_shape (${m.inputShape.join(", ")}) does not match the data (${dataset.inputShape.join(", ")})`});
    return {diagnostics};
  }
  if (dataset.ref.id === "table") {
    notes.push(...tableNotes(dataset.ref, claims));
  }
  if (fit.tape) {
    const c = m.compile;
    notes.push({level: "info", line: fit.tape.line, text: tTraining("tapeLoop", {line: fit.tape.line, optimizer: c.optimizer.name, lr: c.optimizer.learningRate, loss: c.loss,
      batch: fit.spec.batchSize, epochs: fit.spec.epochs, shuffle: tTraining(fit.spec.shuffle === false ? "tapeInOrder" : "tapeShuffled")})});
  }
  const program: KerasProgram = {
    kind: "keras", file, line: m.line, inputShape, layers: m.layers, compile: withCallbackSchedule(it, m.compile, fit), fit: fit.spec,
    evaluate: m.evaluate ? {line: m.evaluate.line} : null, dataset: dataset.ref, claims, notes
  };
  if (it.unsupported.length) program.unsupported = it.readerUnsupported();
  const last = m.layers[m.layers.length - 1];
  if (m.compile.loss === "sparse_categorical_crossentropy" && last.type === "dense" && dataset.ref.id === "mnist" && last.units !== 10) {
    diagnostics.push({line: last.line, severity: "error", message: `the last layer has ${last.units} units but MNIST has 10 classes`});
    return {diagnostics};
  }
  if (failed() && it.unsupported.length && !failedOutside(diagnostics, it)) {
    // Parts that cannot be followed are named on the page; the rest trains.
    for (const u of program.unsupported ?? []) program.notes.push({level: "warning", line: u.line, text: tTraining("unsupportedPart", {line: u.line, message: u.text ?? u.message})});
    return {program, diagnostics};
  }
  return failed() ? {diagnostics} : {program, diagnostics};
}

/** One Python snippet (ARCHITECTURE.md's name for the single-block case). */
export function translatePython(code: string, at: {file: string; line: number} & Omit<TranslateOptions, "file">): TranslateResult {
  return translateChapterCode([{code, lang: "python", line: at.line}], at);
}
/** compile() plus fit()'s class weights and the schedule a LearningRateScheduler callback of fit() sets (named on the page when it cannot be followed). */
function withCallbackSchedule(it: Interpreter, compile0: CompileSpec, fit: ModelState["fits"][number]): CompileSpec {
  // fit(class_weight=…) weights the loss (Keras divides the weighted sum by the batch size)
  const compile: CompileSpec = fit.classWeight ? {...compile0, classWeight: fit.classWeight, classWeightNorm: "count"} : compile0;
  const cb = fit.lrCallback;
  if (fit.plateau && (cb || compile.schedule)) it.warn(fit.plateau.line, "ReduceLROnPlateau beside another learning-rate schedule is not followed in the page");
  else if (fit.plateau) return {...compile, schedule: fit.plateau};
  if (!cb) return compile;
  const f = cb.fn;
  const text = f?.k === "lambda" ? show({type: "lambda", params: f.params, body: f.body}) : f?.k === "func" ? `${f.name}(epoch, lr)` : f ? describe(f) : "";
  try {
    return {...compile, schedule: lrTable(it, cb, compile.optimizer.learningRate, fit.spec.epochs, text)};
  } catch (e) {
    it.error(cb.line, (e as Error).message);
    return compile;
  }
}
