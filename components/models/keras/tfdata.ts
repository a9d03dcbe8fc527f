/**
 * tf.data pipelines over arrays the code computed: `tf.data.Dataset.from_tensor_slices((X, y)).shuffle(n, seed=…)
 * .batch(b)` (prefetch/cache change nothing), handed to fit() or evaluate() as their x. Pure.
 */
import type {Interpreter} from "./interpreter.js";
import {describe, type Val} from "./values.js";

export type TfData = Extract<Val, {k: "tfdata"}>;

/** `tf.data.Dataset.from_tensor_slices((X, y))`; null for any other path. */
export function tfDataCall(it: Interpreter, path: string, args: () => Val[], line: number): Val | null {
  if (!/^tensorflow\.data\.Dataset\.from_tensor_slices$/.test(path)) return null;
  const a = args()[0];
  if (a?.k !== "seq" || a.items.length !== 2) throw new Error(`Dataset.from_tensor_slices: only a pair (x, y) of arrays is followed, got ${a ? describe(a) : "nothing"}`);
  return {k: "tfdata", x: a.items[0], y: a.items[1], shuffle: false, line};
}

/** A method of a tf.data pipeline: shuffle, batch, prefetch, cache; anything else is named. */
export function tfDataMethod(it: Interpreter, d: TfData, method: string, args: Val[], kw: Record<string, Val>, line: number): Val {
  switch (method) {
    case "shuffle": {
      const buf = kw.buffer_size ?? args[0];
      const n = rows(it, d.x);
      if (buf && n !== null && it.num(buf, line, "buffer_size") < n) it.warn(line, `shuffle(${it.num(buf, line, "buffer_size")}): a buffer smaller than the ${n} samples shuffles only locally; the page shuffles them all`);
      const re = kw.reshuffle_each_iteration;
      if (re?.k === "bool" && !re.v) it.warn(line, "shuffle(reshuffle_each_iteration=False): the page reshuffles every epoch");
      return {...d, shuffle: true};
    }
    case "batch": {
      const b = it.num(kw.batch_size ?? args[0] ?? {k: "none"}, line, "batch_size");
      if (!Number.isInteger(b) || b < 1) throw new Error(`batch(): batch_size must be a positive integer, got ${b}`);
      if (kw.drop_remainder?.k === "bool" && kw.drop_remainder.v) it.warn(line, "batch(drop_remainder=True): the page keeps the last, shorter batch");
      if (d.batch !== undefined) throw new Error("batch() is applied twice: batches of batches are not followed");
      return {...d, batch: b};
    }
    case "prefetch":
    case "cache":
      return d;
    default:
      throw new Error(`tf.data: .${method}() is not followed (supported: shuffle, batch, prefetch, cache)`);
  }
}

function rows(it: Interpreter, v: Val): number | null {
  const a = v.k === "nd" ? it.np.vars.get(v.name) : undefined;
  return a && typeof a === "object" && "shape" in a && Array.isArray(a.shape) ? (a.shape[0] as number) : null;
}

/** fit(ds) / evaluate(ds): the pipeline's arrays, batch size and shuffling. */
export function unpackTfData(d: TfData, line: number): {x: Val; y: Val; batchSize: number; shuffle: boolean} {
  if (d.batch === undefined) throw new Error(`line ${line}: the tf.data pipeline is never batched (.batch(b)); Keras would train on single samples without a batch axis`);
  return {x: d.x, y: d.y, batchSize: d.batch, shuffle: d.shuffle};
}
