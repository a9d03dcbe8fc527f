/**
 * A Keras model trained in a loop of the code's own around tf.GradientTape (keras/tapeLoop.ts rewrites it, the
 * PyTorch loop reader reads it): recorded on the model as the compile(optimizer, loss) and fit(x, y, epochs,
 * batch_size, shuffle) it amounts to, so the Keras path trains it. Pure.
 */
import {parseExpr} from "./expr.js";
import type {PyStmt} from "./gd.js";
import type {Interpreter} from "./interpreter.js";
import {LOSSES, NUM, canon, type ModelState, type Val} from "./values.js";
import {modelMethod} from "./compileFit.js";
import {FROM_LOGITS} from "./calls.js";
import {calledNames, freezeOutsideTapes, hoistCalls, rewriteTapes, tapesIn, type TapeNotes} from "./tapeLoop.js";
import {HAND_LOSS, MANUAL_SGD, inlineTrainingCalls, readLoop, type CodeFunction, type TorchLoop} from "../pytorch/loop.js";
import {ndOf} from "../pytorch/program.js";

/** The loop `s` trains a Keras model through a tape: recorded on the model (true), else false (not such a loop). */
export function tapeTraining(it: Interpreter, s: PyStmt, scope: Map<string, Val>): boolean {
  if (!/^for\s/.test(s.text)) return false;
  const isModel = (n: string) => it.lookup(n, scope)?.k === "model";
  /**
   * The code's own function `name` when it records a tape or calls one that does (train_epoch → train_step), each
   * name read once (so the work is bounded by the code's functions, and a cycle of calls ends).
   */
  const known = new Map<string, Extract<Val, {k: "func"}> | undefined>();
  const records = (name: string): Extract<Val, {k: "func"}> | undefined => {
    if (known.has(name)) return known.get(name);
    const f = it.lookup(name, scope);
    if (f?.k !== "func") return undefined;
    known.set(name, undefined); // (while it is read: a call back to it records nothing through that call)
    const found = tapesIn(f.body).length || calledNames(JSON.stringify(f.body)).some((n) => records(n)) ? f : undefined;
    known.set(name, found);
    return found;
  };
  if (!tapesIn(s.body).length && !calledNames(JSON.stringify(s.body)).some((n) => records(n))) return false;
  const notes: TapeNotes = {skipped: [], fromLogits: false};
  const funcOf = (n: string): CodeFunction | undefined => {
    const f = records(n);
    const step = it.tapeSteps.get(n);
    if (f && step) step.used = true;
    return f ? {params: f.params.map((p) => p.name), defaults: f.params.map((p) => p.defText), body: rewriteTapes(hoist(f.body), isModel, notes)} : undefined;
  };
  const hoist = (b: PyStmt[]) => hoistCalls({line: 0, text: "", body: b}, (n) => !!records(n)).body;
  const loop = inlineTrainingCalls(freezeOutsideTapes(hoistCalls(s, (n) => !!records(n)), isModel), funcOf);
  const read = readLoop({...loop, body: rewriteTapes(loop.body, isModel, notes)}, isModel, it.unsupported, () => false);
  for (const u of notes.skipped) it.warn(u.line, u.message);
  if (!read) {
    const u = it.unsupported.find((x) => x.line === s.line);
    it.error(s.line, u?.message ?? "the tf.GradientTape training loop is not recognised");
    it.fatalLines.add(s.line);
    return true;
  }
  for (const u of read.ignored) it.warn(u.line, u.message);
  try {
    record(it, read, scope, notes);
  } catch (e) {
    it.error(s.line, (e as Error).message);
    it.fatalLines.add(s.line);
  }
  return true;
}

/** compile() and fit() on the model, from what the loop reader read. */
function record(it: Interpreter, loop: TorchLoop, scope: Map<string, Val>, notes: TapeNotes): void {
  const mv = it.lookup(loop.model, scope) as Extract<Val, {k: "model"}>;
  const m: ModelState = mv.m;
  const optimizer: Val | undefined = loop.manualSgd
    ? {k: "optimizer", name: "sgd", lr: it.num(it.evaluate(loop.manualSgd.lr, scope, loop.manualSgd.line), loop.manualSgd.line, "the hand-written update's rate")}
    : it.lookup(loop.optimizer, scope);
  if (loop.optimizer !== MANUAL_SGD && optimizer?.k !== "optimizer") throw new Error(`${loop.optimizer} is not a Keras optimizer the translator could follow`);
  const loss = lossOf(it, loop, scope, notes);
  const classifies = loss.k === "str" && /crossentropy/.test(loss.v);
  modelMethod(it, m, "compile", [], {optimizer: optimizer!, loss, ...(classifies ? {metrics: {k: "seq", items: [{k: "str", v: "accuracy"}]}} : {})}, loop.line);
  if (loop.clipNorm) {
    const c = it.num(it.evaluate(loop.clipNorm.maxNorm, scope, loop.clipNorm.line), loop.clipNorm.line, "clip_by_global_norm's clip_norm");
    if (!(c > 0)) throw new Error("tf.clip_by_global_norm: clip_norm must be a positive number");
    m.compile!.optimizer = {...m.compile!.optimizer, clipNorm: c};
  }
  const epochs = it.num(it.evaluate(loop.epochs, scope, loop.line), loop.line, "the number of epochs");
  const kw: Record<string, Val> = {epochs: NUM(epochs)};
  let args: Val[];
  if (loop.data.kind === "loader") {
    const ds = it.lookup(loop.data.loader, scope);
    if (ds?.k !== "tfdata") throw new Error(`${loop.data.loader} is not a tf.data.Dataset the translator could follow`);
    args = [ds];
  } else {
    const x = it.evaluate(loop.data.x, scope, loop.line), y = it.evaluate(loop.data.y, scope, loop.line);
    const rows = x.k === "nd" ? ndOf(it.np.vars.get(x.name))?.shape[0] : undefined;
    const size = loop.data.batch ? it.num(it.evaluate(loop.data.batch.size, scope, loop.line), loop.line, "the batch size") : rows;
    if (size === undefined) throw new Error("the training data must be arrays the code computes");
    args = [x, y];
    kw.batch_size = NUM(size);
    kw.shuffle = {k: "bool", v: loop.data.batch?.shuffle ?? false};
  }
  if (loop.earlyStop) it.warn(loop.line, "early stopping written in the loop is not followed for a tf.GradientTape loop: the page trains every epoch");
  modelMethod(it, m, "fit", args, kw, loop.line);
  m.fits[m.fits.length - 1].tape = {line: loop.line};
}

/** The loss the tape records: a Keras loss object or function, or a mean squared error written by hand. */
function lossOf(it: Interpreter, loop: TorchLoop, scope: Map<string, Val>, notes: TapeNotes): Val {
  if (loop.criterion === HAND_LOSS) {
    const h = loop.handLoss!;
    return {k: "str", v: `${h.loss}${h.fromLogits ? FROM_LOGITS : ""}`};
  }
  const v = it.evaluate(parseExpr(loop.criterion), scope, loop.line);
  if (v.k === "str") return notes.fromLogits && !v.v.includes(FROM_LOGITS) ? {k: "str", v: v.v + FROM_LOGITS} : v;
  // keras.losses.mean_squared_error(y, p), tf.keras.losses.sparse_categorical_crossentropy(y, p, from_logits=True)
  const name = v.k === "mod" ? /^keras\.(?:losses|metrics)\.(\w+)$/.exec(canon(v.path))?.[1] : undefined;
  if (name && LOSSES[name]) return {k: "str", v: `${name}${notes.fromLogits ? FROM_LOGITS : ""}`};
  throw new Error(`${loop.criterion} is not a Keras loss the translator could follow`);
}
