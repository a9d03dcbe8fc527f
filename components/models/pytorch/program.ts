/**
 * Program pieces shared by the Keras and PyTorch translations of code that makes its own data: the "arrays"
 * dataset (numbers inline, or the recipe that recomputes them in the page when large) and the NumPy-script
 * program for hand-written training loops. Pure.
 */
import type {PyStmt} from "../keras/gd.js";
import type {ArraysData, Claim, DatasetRef, Note, NumpyScriptProgram, Unsupported} from "../keras/program.js";
import {parseClaims} from "../keras/claims.js";
import {tTraining} from "../../i18n/training.js";
import {isND, type NDArray} from "../numpy/ndarray.js";
import {targetsOf} from "../targets.js";
import type {Printed} from "../numpy/script.js";
import type {NPValue} from "../numpy/values.js";

/** Above this many numbers the data is recomputed in the page from the code's own statements. */
export const INLINE_LIMIT = 20_000;
/** Data that cannot be recomputed is shipped inline only up to this size. */
export const INLINE_MAX = 400_000;

const round = (x: number) => (Number.isInteger(x) ? x : +x.toPrecision(7));

/** NCHW (PyTorch images) → NHWC (the page's layout), one sample after another. */
function toNHWC(a: NDArray): NDArray {
  const [n, c, h, w] = a.shape;
  const out = new Float64Array(a.data.length);
  for (let s = 0; s < n; s++) for (let ch = 0; ch < c; ch++) for (let i = 0; i < h * w; i++) out[s * c * h * w + i * c + ch] = a.data[s * c * h * w + ch * h * w + i];
  return {shape: [n, h, w, c], data: out, dtype: a.dtype};
}

export interface ArraysInput {
  x: NDArray;
  y: NDArray;
  test?: {x: NDArray; y: NDArray} | null;
  /** A validation set the code evaluates every epoch. */
  val?: {x: NDArray; y: NDArray} | null;
  line: number;
  /** PyTorch images are channels-first. */
  channelsFirst: boolean;
  /** Names of the arrays and the straight-line statements that computed them, for a recipe. */
  names?: {x: string; y: string; testX?: string; testY?: string; valX?: string; valY?: string};
  statements?: PyStmt[];
  seed: number;
}

/** The "arrays" DatasetRef for data the code computed. */
export function kerasArrays(a: ArraysInput, notes: Note[]): {ref: Extract<DatasetRef, {id: "arrays"}>; inputShape: number[]} {
  const prep = (x: NDArray) => (a.channelsFirst && x.shape.length === 4 ? toNHWC(x) : x);
  const x = prep(a.x);
  if (x.shape.length < 2) throw new Error(`the training data has shape (${x.shape.join(", ")}); it needs one row per sample (reshape(-1, 1) for one feature)`);
  if (x.shape[0] !== a.y.shape[0]) throw new Error(`x has ${x.shape[0]} samples but y has ${a.y.shape[0]}`);
  const inputShape = x.shape.slice(1);
  void notes;
  const data = (X: NDArray, Y: NDArray): ArraysData => {
    const t = targetsOf(Y);
    return {x: Array.from(X.data, round), y: Array.from(t.values, round), n: X.shape[0], ...(t.width > 1 ? {yWidth: t.width} : {})};
  };
  const total = x.data.length + (a.test ? a.test.x.data.length : 0) + (a.val ? a.val.x.data.length : 0);
  const straight = a.statements?.every((s) => !s.body.length) ?? false;
  const recipeOk = total > INLINE_LIMIT && straight && a.names && !Object.values(a.names).some((n) => n?.startsWith("__"));
  if (total > INLINE_MAX && !recipeOk) throw new Error(`the data has ${total} numbers, too many to ship with the page, and cannot be recomputed from straight-line statements`);
  const ref: Extract<DatasetRef, {id: "arrays"}> = {id: "arrays", inputShape, train: {n: x.shape[0]}, line: a.line};
  if (recipeOk) {
    ref.recipe = {statements: a.statements!.map((s) => ({line: s.line, text: s.text})), seed: a.seed, names: a.names!};
    if (a.test) ref.test = {n: a.test.x.shape[0]};
    if (a.val) ref.val = {n: a.val.x.shape[0]};
  } else {
    ref.train = data(x, a.y);
    if (a.test) {
      const tx = prep(a.test.x);
      if (tx.shape.slice(1).join() !== inputShape.join()) throw new Error(`the test data's samples have shape (${tx.shape.slice(1).join(", ")}), the training data's (${inputShape.join(", ")})`);
      ref.test = data(tx, a.test.y);
    }
    if (a.val) {
      const vx = prep(a.val.x);
      if (vx.shape.slice(1).join() !== inputShape.join()) throw new Error(`the validation data's samples have shape (${vx.shape.slice(1).join(", ")}), the training data's (${inputShape.join(", ")})`);
      ref.val = data(vx, a.val.y);
    }
  }
  return {ref, inputShape};
}

/** What a NumPy script printed, read as results (the last value of each metric). */
export function printedResults(printed: Printed[]): Claim[] {
  const found = parseClaims(printed.map((p) => ({text: p.text, line: p.line})));
  const last = new Map<string, Claim>();
  for (const c of found) last.set(`${c.metric}`, {...c, split: "train"});
  return [...last.values()];
}

function flatten(stmts: PyStmt[], depth = 0): {line: number; text: string; indent: number}[] {
  return stmts.flatMap((s) => [{line: s.line, text: s.text, indent: depth}, ...flatten(s.body, depth + 1)]);
}

export function buildNumpyScript(a: {file: string; statements: PyStmt[]; loops: number[]; printed: Printed[]; claims: Claim[];
  unsupported: Unsupported[]; seed: number}): NumpyScriptProgram {
  const notes: Note[] = [{level: "info", text: tTraining("numpyScript")}, {level: "info", text: tTraining("notBitIdentical")}];
  return {kind: "numpy-script", framework: "numpy", file: a.file, line: a.loops[0] ?? a.statements[0]?.line ?? 1,
    statements: flatten(a.statements), seed: a.seed, printed: a.printed, results: printedResults(a.printed), claims: a.claims, notes,
    unsupported: a.unsupported};
}

export function ndOf(v: NPValue | undefined): NDArray | null {
  return v !== undefined && isND(v) ? v : null;
}
