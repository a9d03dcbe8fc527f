/**
 * A `torch.utils.data.Dataset` subclass of the code's own (`__init__` builds tensors, `__len__`, `__getitem__(i)`
 * returns a sample and its target), run as a plain class by the NumPy interpreter, becomes the dataset's two
 * arrays: its samples stacked along a new first axis, as a DataLoader's default collate stacks them. The arrays are
 * bound by statements the NumPy interpreter runs and records, so the page regenerates them from the same recipe. Pure.
 */
import type {PyStmt} from "../keras/gd.js";
import type {Interpreter} from "../keras/interpreter.js";
import {isND} from "../numpy/ndarray.js";
import {isObj, toNumber, type NPInstance} from "../numpy/values.js";
import type {TorchData} from "./objects.js";

/** The largest dataset a subclass may produce through its __getitem__ (samples). */
const MAX_SAMPLES = 100_000;

/** `return self.x[i], self.y[i]`: the attributes __getitem__ indexes, or null when it computes more than that. */
function indexedAttributes(inst: NPInstance): [string, string] | null {
  const get = inst.cls.methods.get("__getitem__");
  if (!get || get.body.length !== 1 || get.params.length !== 1) return null;
  const i = get.params[0].name;
  const m = new RegExp(`^return\\s*\\(?\\s*self\\.(\\w+)\\[\\s*${i}\\s*\\]\\s*,\\s*self\\.(\\w+)\\[\\s*${i}\\s*\\]\\s*\\)?$`).exec(get.body[0].text);
  if (!m) return null;
  const [x, y] = [inst.attrs.get(m[1]), inst.attrs.get(m[2])];
  return isND(x) && isND(y) && x.shape.length && y.shape.length && x.shape[0] === y.shape[0] ? [m[1], m[2]] : null;
}

/** The name the code's `import torch` (or `import numpy as np`) is bound to, for its stack(). */
function stackModule(it: Interpreter): string | null {
  for (const [k, v] of it.globals) if (v.k === "mod" && v.path === "torch") return k;
  for (const [k, v] of it.np.vars) if (isObj(v) && v.obj === "module" && v.path === "numpy") return k;
  return null;
}

/** Python statements that bind `x` and `y` to the dataset's stacked samples and targets. */
function stackingStatements(it: Interpreter, inst: NPInstance, name: string, x: string, y: string): string[] {
  const attrs = indexedAttributes(inst);
  if (attrs) return [`${x} = ${name}.${attrs[0]}`, `${y} = ${name}.${attrs[1]}`];
  const len = inst.cls.methods.get("__len__");
  if (!len) throw new Error(`${name}: a Dataset needs __len__ and __getitem__ to be followed`);
  const n = toNumber(it.script.callUser({...len, self: inst}, [], {}), `len(${name})`);
  if (!Number.isInteger(n) || n < 1 || n > MAX_SAMPLES) throw new Error(`${name}: __len__ gives ${n}; a Dataset of 1 to ${MAX_SAMPLES} samples is followed`);
  const mod = stackModule(it);
  if (!mod) throw new Error(`${name}: its samples cannot be stacked (neither torch nor NumPy is imported)`);
  const each = (k: number) => `${mod}.stack([${name}.__getitem__(i)[${k}] for i in range(${name}.__len__())])`;
  return [`${x} = ${each(0)}`, `${y} = ${each(1)}`];
}

/** The dataset a Dataset instance held by the NumPy interpreter stands for, or null when `name` is not one. */
export function datasetOfInstance(it: Interpreter, name: string, line: number): TorchData | null {
  const inst = it.np.vars.get(name);
  if (inst === undefined || !isObj(inst) || inst.obj !== "instance" || !inst.cls.methods.has("__getitem__")) return null;
  const [x, y] = [`${name}__x`, `${name}__y`];
  if (!isND(it.np.vars.get(x))) {
    const stmts: PyStmt[] = stackingStatements(it, inst, name, x, y).map((text) => ({line, text, body: []}));
    it.script.run(stmts);
    it.npStatements.push(...stmts);
  }
  if (!isND(it.np.vars.get(x)) || !isND(it.np.vars.get(y))) throw new Error(`${name}: its samples and targets cannot be followed`);
  return {kind: "tensors", x, y, line};
}
