/**
 * model.compile / fit / evaluate and the methods of a NumPy gradient-descent class instance. Pure.
 */
import {joinInputs} from "./functional.js";
import {show, type Expr} from "./expr.js";
import type {Interpreter} from "./interpreter.js";
import {DEFAULT_LR, LOSSES, MODEL_OUTPUT, OPTIMIZERS, UNKNOWN, describe, type ModelState, type Val} from "./values.js";
import type {CompileSpec, EarlyStopSpec, FitSpec, LrSchedule} from "./program.js";
import {kerasEarlyStopping, kerasReduceLROnPlateau} from "./callbacks.js";
import {callLambda} from "../numpy/comprehension.js";
import {evalNP} from "../numpy/eval.js";
import {isObj, toNumber, type NPValue} from "../numpy/values.js";
import {addLayer} from "./layers.js";
import {readLossText} from "./calls.js";
import {isND} from "../numpy/ndarray.js";
import {isDict} from "../numpy/dicts.js";
import {unpackTfData} from "./tfdata.js";

export function modelMethod(it: Interpreter, m: ModelState, method: string, args: Val[], kw: Record<string, Val>, line: number): Val {
  switch (method) {
    case "add":
      if (!args[0]) throw new Error("model.add() needs a layer");
      addLayer(it, m, args[0], line);
      return {k: "none"};
    case "compile": {
      const o = kw.optimizer ?? args[0];
      let optimizer: CompileSpec["optimizer"];
      let schedule: LrSchedule | undefined;
      if (!o) optimizer = {name: "sgd", learningRate: 0.01, learningRateExplicit: false};
      else if (o.k === "str") {
        const name = OPTIMIZERS[o.v.toLowerCase()];
        if (!name) throw new Error(`optimizer "${o.v}" is not supported (supported: ${Object.keys(OPTIMIZERS).join(", ")})`);
        optimizer = {name, learningRate: DEFAULT_LR[name], learningRateExplicit: false};
      } else if (o.k === "optimizer") {
        optimizer = {name: o.name, learningRate: o.lr ?? DEFAULT_LR[o.name], learningRateExplicit: o.lr !== undefined, ...o.options};
        schedule = o.schedule;
      } else throw new Error(`optimizer ${describe(o)} cannot be followed`);
      const l = kw.loss ?? args[1];
      if (!l) throw new Error("compile() needs a loss");
      const lossText = it.str(l, "loss");
      const {name: lossKey, fromLogits, delta} = readLossText(lossText);
      const lossName = LOSSES[lossKey];
      if (!lossName) throw new Error(`loss "${it.str(l, "loss")}" is not supported (supported: ${Object.keys(LOSSES).filter((k) => k.includes("_") || k.length <= 3).join(", ")})`);
      const mv = kw.metrics ?? args[2];
      const metrics: string[] = [];
      if (mv) {
        if (mv.k !== "seq") throw new Error("metrics must be a list");
        for (const x of mv.items) {
          const s = it.str(x, "metric");
          if (s === "accuracy" || s === "acc") metrics.push("accuracy");
          else it.warn(line, `metric "${s}" is not computed in the page`);
        }
      }
      for (const k of Object.keys(kw)) {
        if (!["optimizer", "loss", "metrics"].includes(k)) it.warn(line, `compile(): argument ${k}= is ignored`);
      }
      m.compile = {optimizer, loss: lossName, metrics, line, ...(schedule ? {schedule} : {}), ...(fromLogits ? {fromLogits: true} : {}), ...(delta !== undefined ? {delta} : {})};
      return {k: "none"};
    }
    case "fit": {
      const x0 = kw.x ?? args[0];
      const piped = x0?.k === "tfdata" ? unpackTfData(x0, line) : null;
      const x = joinInputs(it, m, piped ? piped.x : x0, line, "fit()"), y = piped ? piped.y : kw.y ?? args[1];
      if (!x || !y) throw new Error("fit() needs x and y");
      const val = validationData(it, m, kw.validation_data, line);
    const shuffleArg = kw.shuffle;
      const epochs = kw.epochs ?? args[3];
      const bs = kw.batch_size ?? args[2];
      const vs = kw.validation_split;
      const spec: FitSpec = {
        epochs: epochs ? it.num(epochs, line, "epochs") : 1,
        batchSize: piped ? piped.batchSize : bs && bs.k !== "none" ? it.num(bs, line, "batch_size") : 32,
        validationSplit: vs ? it.num(vs, line, "validation_split") : 0,
        line
      };
      if (!Number.isInteger(spec.epochs) || spec.epochs < 1) throw new Error(`epochs must be a positive integer, got ${spec.epochs}`);
      if (!Number.isInteger(spec.batchSize) || spec.batchSize < 1) throw new Error(`batch_size must be a positive integer, got ${spec.batchSize}`);
      if (!(spec.validationSplit >= 0 && spec.validationSplit < 1)) throw new Error(`validation_split must be in [0, 1), got ${spec.validationSplit}`);
      for (const k of Object.keys(kw)) {
        if (!["x", "y", "epochs", "batch_size", "validation_split", "verbose", "validation_data", "shuffle", "callbacks", "class_weight"].includes(k)) it.warn(line, `fit(): argument ${k}= is ignored`);
      }
      let classWeight: number[] | undefined;
      if (kw.class_weight && kw.class_weight.k !== "none") {
        try {
          classWeight = classWeights(it, kw.class_weight);
        } catch (e) {
          it.warn(line, `fit(class_weight=…) is not followed: ${(e as Error).message}`);
        }
      }
      if ((shuffleArg?.k === "bool" && !shuffleArg.v) || (piped && !piped.shuffle)) spec.shuffle = false;
      if (piped && bs && bs.k !== "none") it.warn(line, "fit(): batch_size= is ignored for a tf.data pipeline (its .batch() sets it)");
      const {earlyStopping, ...callbacks} = fitCallbacks(it, kw.callbacks, line);
      // (val_loss needs validation data: validation_split or validation_data)
      const validated = spec.validationSplit > 0 || (kw.validation_data !== undefined && kw.validation_data.k !== "none");
      for (const [what, on] of [["EarlyStopping", earlyStopping?.monitor], ["ReduceLROnPlateau", callbacks.plateau?.monitor]] as const)
        if (on === "val_loss" && !validated) it.warn(line, `fit(): ${what} monitors val_loss, but fit() has no validation data; it is not followed`);
      if (earlyStopping && (earlyStopping.monitor !== "val_loss" || validated)) spec.earlyStopping = earlyStopping;
      if (callbacks.plateau && callbacks.plateau.monitor === "val_loss" && !validated) delete callbacks.plateau;
      m.fits.push({spec, x, y, site: it.callSites[0] ?? line, ...callbacks, ...(classWeight ? {classWeight} : {}), ...(val ? {val} : {})});
      return UNKNOWN("history");
    }
    case "evaluate": {
      const x0 = kw.x ?? args[0];
      m.evaluate = x0?.k === "tfdata" ? {line, x: x0.x, y: x0.y} : {line, x: joinInputs(it, m, x0, line, "evaluate()"), y: kw.y ?? args[1]};
      return {k: "seq", items: [UNKNOWN("test loss"), UNKNOWN("test accuracy")]};
    }
    case "predict": {
      const x = joinInputs(it, m, kw.x ?? args[0], line, "predict()");
      if (x && m.fits.length && !m.predicted) m.predicted = {line, x};
      return UNKNOWN(MODEL_OUTPUT);
    }
    case "summary":
      return UNKNOWN(method);
    default:
      it.warn(line, `model.${method}() is not followed`);
      return UNKNOWN(method);
  }
}

/**
 * fit(validation_data=(x_val, y_val)) on arrays the code computes: the validation set the page monitors (early
 * stopping, ReduceLROnPlateau, the validation curve). Anything else is named and left out.
 */
function validationData(it: Interpreter, m: ModelState, v: Val | undefined, line: number): {x: Val; y: Val} | undefined {
  if (!v || v.k === "none") return undefined;
  if (v.k === "seq" && v.items.length === 2) {
    const x = joinInputs(it, m, v.items[0], line, "fit(validation_data=…)")!, y = v.items[1];
    if (x.k === "nd" && y.k === "nd") return {x, y};
  }
  it.warn(line, `fit(): validation_data= (${describe(v)}) is not followed; the page validates as the rest of fit() says`);
  return undefined;
}

export function instanceMethod(it: Interpreter, inst: Extract<Val, {k: "instance"}>, method: string, e: Extract<Expr, {type: "call"}>, line: number): Val {
  if (method === "fit") {
    const [x, y] = e.args;
    if (x?.type !== "name" || y?.type !== "name" || !isND(it.np.vars.get(x.id)) || !isND(it.np.vars.get(y.id))) {
      throw new Error(`${inst.cls.name}.fit() needs two NumPy arrays defined above, got ${e.args.map(show).join(", ")}`);
    }
    it.gdRuns.push({inst, x: x.id, y: y.id, line});
    return {k: "none"};
  }
  if (method === "predict") {
    if (!inst.cls.hasPredict) it.warn(line, `${inst.cls.name}.predict() is not a recognised X @ θ`);
    return UNKNOWN("predictions");
  }
  throw new Error(`${inst.cls.name}.${method}() is not supported`);
}

/**
 * fit(class_weight={0: 1.0, 1: 3.2}): a weight per class, as Keras requires them, keyed 0 … k − 1 (the dict may be
 * computed by the code: a comprehension over np.bincount, dict(enumerate(…))).
 */
function classWeights(it: Interpreter, v: Val): number[] {
  const d = v.k === "nd" ? it.np.vars.get(v.name) : undefined;
  if (!isDict(d)) throw new Error(`${describe(v)} is not a dict the page can compute`);
  const out: number[] = [];
  for (const [key, w] of d.entries.values()) {
    const k = toNumber(key, "a class_weight key"), x = toNumber(w, "a class weight");
    if (!Number.isInteger(k) || k < 0 || k >= d.entries.size) throw new Error(`its keys must be the class ids 0 … ${d.entries.size - 1}, got ${k}`);
    if (!(Number.isFinite(x) && x >= 0)) throw new Error(`class ${k} has the weight ${x}`);
    out[k] = x;
  }
  return out;
}

/**
 * fit(callbacks=[…]): a LearningRateScheduler is replayed (kept for the program), EarlyStopping and ReduceLROnPlateau
 * are followed (callbacks.ts); other callbacks are named.
 */
function fitCallbacks(it: Interpreter, v: Val | undefined, line: number): {lrCallback?: Extract<Val, {k: "callback"}>; plateau?: Extract<LrSchedule, {kind: "plateau"}>; earlyStopping?: EarlyStopSpec} {
  if (!v) return {};
  const items = v.k === "seq" ? v.items : [v];
  const out: ReturnType<typeof fitCallbacks> = {};
  for (const c of items) {
    const follow = (f: () => void) => {
      try {
        f();
      } catch (e) {
        it.warn((c as {line?: number}).line ?? line, `fit(): ${(e as Error).message}`);
      }
    };
    if (c.k === "callback" && c.name === "LearningRateScheduler" && !out.lrCallback) out.lrCallback = c;
    else if (c.k === "callback" && c.name === "EarlyStopping" && !out.earlyStopping) follow(() => (out.earlyStopping = kerasEarlyStopping(c.kw ?? {}, c.line)));
    else if (c.k === "callback" && c.name === "ReduceLROnPlateau" && !out.plateau) follow(() => (out.plateau = kerasReduceLROnPlateau(c.kw ?? {}, c.line)));
    else it.warn(c.k === "callback" ? c.line : line, `fit(): callback ${c.k === "callback" ? c.name : describe(c)} is not replayed in the page`);
  }
  return out;
}

/** A Python function of the code's own (a lambda or a def), called on NumPy values by the NumPy interpreter. */
export function pyCallable(it: Interpreter, f: Val | undefined, what: string): (args: NPValue[]) => NPValue {
  const np: NPValue | undefined = f?.k === "nd" || f?.k === "func" ? it.np.vars.get(f.name) : undefined;
  return (args) => {
    if (f?.k === "lambda") return callLambda({obj: "lambda", params: f.params, body: f.body}, args, {}, it.np, evalNP);
    if (np !== undefined && isObj(np) && np.obj === "lambda") return callLambda(np, args, {}, it.np, evalNP);
    if (np !== undefined && isObj(np) && np.obj === "func") return it.script.callUser(np, args, {});
    throw new Error(`${what}: its function (${f ? describe(f) : "missing"}) cannot be followed`);
  };
}

/** Longest table of per-epoch learning rates computed from a LearningRateScheduler function. */
const TABLE_EPOCHS = 1000;

/**
 * LearningRateScheduler(fn): Keras calls fn(epoch, lr) at the start of every epoch with the rate in force; the
 * rates are computed here, by the NumPy interpreter, for max(2·epochs, 100) epochs (the last one holds afterwards).
 */
export function lrTable(it: Interpreter, cb: Extract<Val, {k: "callback"}>, base: number, epochs: number, text: string): LrSchedule {
  const call = pyCallable(it, cb.fn, "LearningRateScheduler");
  const lrs: number[] = [];
  let lr = base;
  for (let e = 0; e < Math.min(TABLE_EPOCHS, Math.max(2 * epochs, 100)); e++) {
    lr = toNumber(call([e, lr]), "LearningRateScheduler's result");
    if (!(Number.isFinite(lr) && lr > 0)) throw new Error(`LearningRateScheduler: epoch ${e} gives the learning rate ${lr}`);
    lrs.push(+lr.toPrecision(7));
  }
  return {kind: "table", lrs, text, line: cb.line};
}
