/**
 * From what the interpreter saw to the Program the page trains: the dataset a Keras fit() reads (MNIST, a chapter
 * table, arrays the code computed), the notes the reader is shown. Pure.
 */
import type {Interpreter} from "./interpreter.js";
import {describe, type ModelState, type Val} from "./values.js";
import type {parseClaims} from "./claims.js";
import type {DatasetRef, Note, TranslateDiagnostic} from "./program.js";
import {kerasArrays, ndOf} from "../pytorch/program.js";
import {tTraining} from "../../i18n/training.js";
import {tKerasNotes} from "./notes.js";

/** Errors that make the model itself untrainable (its layers, compile, fit, data) rather than a side statement. */
export function failedOutside(diagnostics: TranslateDiagnostic[], it: Interpreter): boolean {
  return diagnostics.some((d) => d.severity === "error" && it.fatalLines.has(d.line));
}

/** The "arrays" dataset for fit(x, y) on arrays the code computed; the evaluation set from evaluate(x, y) / no_grad. */
export function ndDataset(it: Interpreter, x: Val, y: Val, ev: {x?: Val; y?: Val} | undefined, line: number, channelsFirst: boolean, notes: Note[],
  valSet?: {x: Val; y: Val}): {ref: DatasetRef; inputShape: number[]} | null {
  const arr = (v: Val | undefined) => (v?.k === "nd" ? ndOf(it.np.vars.get(v.name)) : null);
  const X = arr(x), Y = arr(y);
  if (!X || !Y) {
    it.error(line, `fit(): the training data (${describe(x)}, ${describe(y)}) must both be arrays the code computes`);
    it.fatalLines.add(line);
    return null;
  }
  const tX = arr(ev?.x), tY = arr(ev?.y);
  const sameAsTrain = tX === X;
  const test = tX && tY && !sameAsTrain ? {x: tX, y: tY} : null;
  if (!test) notes.push({level: "info", text: tTraining("noTestSet")});
  const vX = arr(valSet?.x), vY = arr(valSet?.y);
  const val = vX && vY ? {x: vX, y: vY} : null;
  if (valSet && !val) {
    it.error(line, `the validation data (${describe(valSet.x)}, ${describe(valSet.y)}) must both be arrays the code computes`);
    it.fatalLines.add(line);
    return null;
  }
  try {
    const names = {x: (x as {name: string}).name, y: (y as {name: string}).name,
      ...(test ? {testX: (ev!.x as {name: string}).name, testY: (ev!.y as {name: string}).name} : {}),
      ...(val ? {valX: (valSet!.x as {name: string}).name, valY: (valSet!.y as {name: string}).name} : {})};
    const r = kerasArrays({x: X, y: Y, test, val, line, channelsFirst, names, statements: it.npStatements, seed: it.np.defaultSeed}, notes);
    notes.push({level: "info", text: tTraining("arraysData", {line, n: X.shape[0], shape: r.inputShape.join(", ")})});
    notes.push({level: "info", text: tTraining("notBitIdentical")});
    return r;
  } catch (e) {
    it.error(line, (e as Error).message);
    it.fatalLines.add(line);
    return null;
  }
}


/**
 * model.predict(X_test) after fit and no evaluate(): the test set is what is predicted, with the labels whose name
 * pairs with it as the training labels' name pairs with the training inputs (X_train/y_train → X_test/y_test,
 * train_x/train_y → test_x/test_y), when that array has one row per predicted row. Otherwise evaluate()'s data.
 */
/** The labels of evaluation inputs `x` named as the training pair is (X_test → y_test when X_train/y_train train): null if none. */
export function pairedLabels(it: Interpreter, x: string, trainX: string, trainY: string): string | null {
  const X = ndOf(it.np.vars.get(x));
  if (!X) return null;
  for (const name of pairedNames(x, trainX, trainY)) {
    const Y = ndOf(it.np.vars.get(name));
    if (Y && name !== trainY && Y.shape[0] === X.shape[0]) return name;
  }
  return null;
}

export function predictedTest(it: Interpreter, m: ModelState, fit: {x: Val; y: Val}): ModelState["evaluate"] {
  const p = m.predicted;
  if (m.evaluate || !p || p.x.k !== "nd" || fit.x.k !== "nd" || fit.y.k !== "nd" || p.x.name === fit.x.name) return m.evaluate;
  const name = pairedLabels(it, p.x.name, fit.x.name, fit.y.name);
  return name ? {line: p.line, x: p.x, y: {k: "nd", name}} : undefined;
}

/** Names the labels of `x` may have, from the way the training pair's names differ (common prefix or suffix kept). */
export function pairedNames(x: string, trainX: string, trainY: string): string[] {
  const out: string[] = [];
  let s = 0;
  while (s < Math.min(trainX.length, trainY.length) && trainX[trainX.length - 1 - s] === trainY[trainY.length - 1 - s]) s++;
  const [xHead, yHead] = [trainX.slice(0, trainX.length - s), trainY.slice(0, trainY.length - s)];
  if (xHead && x.startsWith(xHead)) out.push(yHead + x.slice(xHead.length));
  let q = 0;
  while (q < Math.min(trainX.length, trainY.length) && trainX[q] === trainY[q]) q++;
  const [xTail, yTail] = [trainX.slice(q), trainY.slice(q)];
  if (xTail && x.endsWith(xTail)) out.push(x.slice(0, x.length - xTail.length) + yTail);
  return out;
}

export function tableNotes(ref: Extract<DatasetRef, {id: "table"}>, claims: ReturnType<typeof parseClaims>): Note[] {
  const n = ref.rows.length;
  const nTest = Math.ceil(ref.testSize * n);
  const columns = ref.columns.join(tKerasNotes("listSep"));
  const notes: Note[] = [{level: "warning",
    text: tKerasNotes("tableData", {line: ref.line, n, columns}) + (ref.standardize ? tKerasNotes("tableStandardized") : ""), line: ref.line}];
  notes.push({level: "info", text: tKerasNotes("tableSplit", {testSize: ref.testSize, n, test: nTest, train: n - nTest, randomState: ref.randomState})});
  const acc = claims.find((c) => c.metric === "accuracy" && c.split === "test");
  if (acc) {
    const possible = Array.from({length: nTest + 1}, (_, k) => k / nTest);
    if (!possible.some((p) => Math.abs(p - acc.value) < 5e-5)) {
      const [num, den] = bestFraction(acc.value);
      notes.push({level: "warning", text: tKerasNotes("impossibleAccuracy", {value: acc.value, test: nTest, possible: possible.map((p) => p.toFixed(2)).join(tKerasNotes("or")), num, den})});
    }
  }
  return notes;
}

/** Smallest-denominator fraction within 5e-5 of x. */
export function bestFraction(x: number): [number, number] {
  for (let d = 1; d <= 10000; d++) {
    const n = Math.round(x * d);
    if (Math.abs(n / d - x) < 5e-5) return [n, d];
  }
  return [Math.round(x * 10000), 10000];
}

export function resolveDataset(m: ModelState, x: Val, y: Val, line: number, notes: Note[], diag: TranslateDiagnostic[]):
  {ref: DatasetRef; inputShape: number[]} | null {
  if (x.k === "data" && x.src.kind === "table") {
    const src = x.src;
    const ref: DatasetRef = {id: "table", columns: src.table.columns, rows: src.table.rows, labels: src.table.labels, line: src.table.line,
      standardize: true, testSize: src.testSize ?? 0, randomState: src.randomState ?? 0};
    if (y.k !== "data") diag.push({line, severity: "warning", message: "fit(): y is not traced to the table's labels; the table's label column is used"});
    return {ref, inputShape: [src.table.columns.length]};
  }
  if (x.k === "data" && (x.src.kind === "mnist" || x.src.kind === "cifar10")) {
    const scale = x.scale ?? 1;
    if (scale === 1) {
      notes.push({level: "info", text: tKerasNotes("pixelsUnscaled")});
      diag.push({line, severity: "warning", message: "pixels are not scaled in the code; the page scales them to [0, 1]"});
    }
    if (x.src.kind === "cifar10") {
      notes.push({level: "warning", line: x.src.line,
        text: tKerasNotes("cifarSubstitute")});
      diag.push({line: x.src.line, severity: "warning", message: "CIFAR-10 has no offline source; MNIST padded to 32×32 and replicated to 3 channels is used instead (stated on the page)"});
      return {ref: {id: "mnist", inputShape: [32, 32, 3], origin: "cifar10-substitute", scale: 1 / 255}, inputShape: [32, 32, 3]};
    }
    const shape = x.sampleShape && x.sampleShape.length ? x.sampleShape : m.inputShape ?? [28, 28, 1];
    if (![[784], [28, 28, 1], [28, 28]].some((s) => s.join() === shape.join())) {
      diag.push({line, severity: "error", message: `MNIST images cannot be shaped as (${shape.join(", ")})`});
      return null;
    }
    const s = shape.length === 2 ? [28, 28, 1] : shape;
    return {ref: {id: "mnist", inputShape: s, origin: "keras.datasets.mnist", scale: 1 / 255}, inputShape: s};
  }
  if (x.k === "undef") {
    const shape = m.inputShape;
    if (shape && shape.join() === "784") {
      notes.push({level: "warning",
        text: tKerasNotes("undefinedFlat", {name: x.name})});
      diag.push({line, severity: "warning", message: `${x.name} is never defined; input_shape (784,) means flattened 28×28 images, so MNIST is used (stated on the page)`});
      return {ref: {id: "mnist", inputShape: [784], origin: "undefined-x_train", scale: 1 / 255}, inputShape: [784]};
    }
    diag.push({line, severity: "error", message: `${x.name} is never defined and input_shape (${shape?.join(", ") ?? "none"}) matches no offline dataset`});
    return null;
  }
  diag.push({line, severity: "error", message: `fit(): the training data (${describe(x)}) cannot be traced to a dataset`});
  return null;
}
