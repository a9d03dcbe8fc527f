/**
 * Keras' functional API as the page trains it: a tensor is the chain of layers from its keras.Input; a merge layer
 * (Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum) of tensors that share a start becomes one
 * "branches" layer after their common part, and a merge of tensors from different keras.Inputs becomes the model's
 * first layer, each branch reading its input's columns of the inputs laid side by side. keras.Model(inputs, outputs)
 * fixes that order; fit/evaluate/predict on a list of arrays join the arrays in the same order (a NumPy
 * concatenate the data recipe runs). Pure.
 */
import type {Interpreter} from "./interpreter.js";
import {MERGE_KINDS, type LayerSpec, type MergeKind} from "./program.js";
import {outputShape} from "../printProgram.js";
import {describe, type ModelState, type Val} from "./values.js";

type Tensor = Extract<Val, {k: "tensor"}>;
type Input = Extract<Val, {k: "input"}>;

/** Keras' merge layer classes and their functional forms (layers.Concatenate()([a, b]), layers.concatenate([a, b])). */
export const MERGE_LAYERS: Record<string, MergeKind> = Object.fromEntries(MERGE_KINDS.flatMap((k) => [[k[0].toUpperCase() + k.slice(1), k], [k, k]]));

/** The merge branches that read different keras.Inputs: their inputs' ids and widths, until keras.Model orders them. */
const PENDING = new WeakMap<LayerSpec, {ids: number[]; widths: number[]}>();

/** A keras.Input or a tensor, as a chain of layers from its input(s). */
function chainOf(v: Val): {inputShape: number[]; layers: LayerSpec[]; roots: number[]} | null {
  if (v.k === "input") return {inputShape: v.shape, layers: [], roots: [v.id ?? 0]};
  if (v.k === "tensor") return v;
  return null;
}

/** Checks that the branch outputs can be merged; returns the merged shape. */
export function mergedShape(kind: MergeKind, shapes: number[][]): number[] {
  const [first] = shapes;
  if (kind === "concatenate") {
    if (!shapes.every((s) => s.length === first.length && s.slice(0, -1).join() === first.slice(0, -1).join())) {
      throw new Error(`Concatenate: the inputs' shapes (${shapes.map((s) => `(${s.join(", ")})`).join(", ")}) differ before the last axis`);
    }
    return [...first.slice(0, -1), shapes.reduce((a, s) => a + s[s.length - 1], 0)];
  }
  if (!shapes.every((s) => s.join() === first.join())) throw new Error(`${kind}: the inputs' shapes differ (${shapes.map((s) => `(${s.join(", ")})`).join(", ")})`);
  if (kind === "subtract" && shapes.length !== 2) throw new Error(`Subtract takes exactly two inputs, got ${shapes.length}`);
  return first;
}

/** `layers.Concatenate(axis=…)`: only the last axis (axis=1 on flat features, -1 or 3 on images). */
export function checkMergeAxis(it: Interpreter, kind: MergeKind, axis: Val | undefined, line: number): void {
  if (kind !== "concatenate" || !axis || axis.k === "none") return;
  const a = it.num(axis, line, "axis");
  if (a !== -1 && a !== 1 && a !== 3) throw new Error(`Concatenate(axis=${a}): only the last axis is supported`);
}

/** A merge layer applied to a list of tensors: the tensor of the merged branches. */
export function mergeTensors(it: Interpreter, kind: MergeKind, list: Val, line: number): Val {
  if (list.k !== "seq" || list.items.length < 2) throw new Error(`a ${kind} layer takes a list of two or more tensors, got ${describe(list)}`);
  const chains = list.items.map((v) => {
    const c = chainOf(v);
    if (!c) throw new Error(`a ${kind} layer is applied to ${describe(v)} (only keras.Input and other layers' outputs are followed)`);
    return c;
  });
  const sameStart = chains.every((c) => c.roots.join() === chains[0].roots.join() && c.inputShape.join() === chains[0].inputShape.join());
  if (sameStart) {
    let k = 0;
    while (chains.every((c) => k < c.layers.length && c.layers[k] === chains[0].layers[k])) k++;
    const prefix = chains[0].layers.slice(0, k);
    const branches = chains.map((c) => c.layers.slice(k));
    sharedCheck(branches);
    const at = outputShape(prefix, chains[0].inputShape);
    mergedShape(kind, branches.map((b) => outputShape(b, at)));
    return {k: "tensor", inputShape: chains[0].inputShape, layers: [...prefix, {type: "branches", merge: kind, branches, line}], roots: chains[0].roots};
  }
  const ids = chains.map((c) => c.roots);
  if (ids.some((r) => r.length !== 1) || new Set(ids.flat()).size !== ids.length) {
    throw new Error(`this ${kind} layer combines keras.Inputs that are already combined in another merge; merge each keras.Input's branch in one layer`);
  }
  if (chains.some((c) => c.inputShape.length !== 1)) {
    throw new Error(`a ${kind} of several keras.Inputs is supported for flat inputs only (shapes ${chains.map((c) => `(${c.inputShape.join(", ")})`).join(", ")})`);
  }
  const branches = chains.map((c) => c.layers);
  sharedCheck(branches);
  mergedShape(kind, chains.map((c) => outputShape(c.layers, c.inputShape)));
  const spec: LayerSpec = {type: "branches", merge: kind, branches, line};
  const widths = chains.map((c) => c.inputShape[0]);
  PENDING.set(spec, {ids: ids.flat(), widths});
  return {k: "tensor", inputShape: [widths.reduce((a, b) => a + b, 0)], layers: [spec], roots: ids.flat()};
}

/** A layer object applied in two branches shares its weights there, which the page's layers cannot. */
function sharedCheck(branches: LayerSpec[][]): void {
  const seen = new Set<LayerSpec>();
  for (const b of branches) {
    for (const l of new Set(b)) {
      if (seen.has(l)) throw new Error(`the layer at line ${l.line} is applied in two branches (shared weights), which is not supported`);
      seen.add(l);
    }
  }
}

/** keras.Model(inputs=…, outputs=…): the model's layers and input shape; several inputs are laid side by side in their order. */
export function functionalModel(it: Interpreter, inputs: Val | undefined, outputs: Val | undefined, line: number): ModelState {
  const out = outputs?.k === "seq" && outputs.items.length === 1 ? outputs.items[0] : outputs;
  if (outputs?.k === "seq" && outputs.items.length > 1) throw new Error(`keras.Model: ${outputs.items.length} outputs; models with several outputs are not supported`);
  const ins = inputs?.k === "seq" ? inputs.items : inputs ? [inputs] : [];
  if (!ins.length || !ins.every((v): v is Input => v.k === "input")) throw new Error("keras.Model(inputs, outputs): inputs must be keras.Input tensors");
  if (out?.k !== "tensor") throw new Error("keras.Model(inputs, outputs): outputs must come from layers applied to a keras.Input");
  const ids = ins.map((v) => v.id ?? 0);
  const missing = out.roots.filter((r) => !ids.includes(r));
  if (missing.length) throw new Error("keras.Model: the outputs depend on a keras.Input that is not among the model's inputs");
  const unused = ins.filter((v) => !out.roots.includes(v.id ?? 0));
  if (unused.length) throw new Error(`keras.Model: ${unused.length} of the inputs do not reach the outputs`);
  const m: ModelState = {line, layers: out.layers, inputShape: out.inputShape, fits: []};
  if (ins.length > 1) {
    const first = out.layers[0];
    const pending = first ? PENDING.get(first) : undefined;
    if (!pending || first.type !== "branches") throw new Error("keras.Model: the inputs are not merged by one layer");
    const offset = new Map<number, number>();
    let at = 0;
    for (const v of ins) {
      offset.set(v.id ?? 0, at);
      at += v.shape[0];
    }
    first.columns = pending.ids.map((id, j) => [offset.get(id)!, offset.get(id)! + pending.widths[j]]);
    m.inputShape = [at];
    m.inputs = ins.map((v) => ({name: v.name, width: v.shape[0]}));
  }
  it.models.push(m);
  return m;
}

/**
 * fit / evaluate / predict / validation_data of a model with several inputs: the list of arrays (one per keras.Input,
 * in the model's order) joined side by side by a NumPy statement the data recipe runs too; other values as they are.
 */
export function joinInputs(it: Interpreter, m: ModelState, x: Val | undefined, line: number, what: string): Val | undefined {
  if (!m.inputs || !x) return x;
  const n = m.inputs.length;
  if (x.k !== "seq" || x.items.length !== n || !x.items.every((v): v is Extract<Val, {k: "nd"}> => v.k === "nd")) {
    throw new Error(`${what}: the model has ${n} inputs, so it takes a list of ${n} arrays the code computes (got ${describe(x)})`);
  }
  const np = [...it.np.vars].find(([, v]) => (v as {obj?: string; path?: string}).obj === "module" && (v as {path?: string}).path === "numpy")?.[0];
  if (!np) throw new Error(`${what}: joining the inputs needs numpy imported`);
  const names = x.items.map((v) => v.name);
  let name = names.join("_");
  while (it.np.vars.has(name) && !it.joinedInputs.has(name)) name += "_";
  it.joinedInputs.add(name);
  it.runNumpy({line, text: `${name} = ${np}.concatenate([${names.join(", ")}], axis=1)`, body: []}, [], 0, false);
  return {k: "nd", name};
}
