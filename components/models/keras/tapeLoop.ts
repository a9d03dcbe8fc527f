/**
 * A Keras model trained by a loop written by hand around tf.GradientTape, read as the model.compile(…) + model.fit(…)
 * it amounts to:
 *   for epoch in range(E):                                   (batches: tf.data, a permutation sliced by hand, or none)
 *       with tf.GradientTape() as tape: pred = model(xb, training=True); loss = loss_fn(yb, pred)
 *       grads = tape.gradient(loss, model.trainable_variables)
 *       optimizer.apply_gradients(zip(grads, model.trainable_variables))
 * The loop is rewritten into the PyTorch loop reader's vocabulary (pytorch/loop.ts reads the epochs, the batches,
 * the model, the loss and the optimiser of both):
 *   with tf.GradientTape() as tape: body          → body
 *   grads = tape.gradient(loss, variables)         → loss.backward()
 *   opt.apply_gradients(…)                         → opt.step()
 *   opt.minimize(loss, variables, tape=tape)       → loss.backward(); opt.step()
 *   loss_fn(y_true, y_pred)                        → loss_fn(y_pred, y_true)      (Keras' order of arguments)
 *   tf.reduce_mean(keras.losses.mse(y, p))          → keras.losses.mse(p, y)
 *   tf.reduce_mean(tf.square(p - y))                → torch.mean(torch.square(p - y))   (a mean squared error by hand)
 *   loss_fn(y, p) + sum(model.losses)               → loss_fn(p, y)   (fit() adds the layers' regularisation itself)
 *   grads, _ = tf.clip_by_global_norm(grads, c)     → clip_grad_norm_(…, c)
 *   for v, g in zip(model.trainable_variables, grads): v.assign_sub(lr * g)  → SGD by hand
 *   a statement outside every tape that calls the model → under torch.no_grad() (a tape records only what runs in it)
 * Pure.
 */
import {scanCode} from "./lines.js";
import type {PyStmt} from "./gd.js";
import {splitArgs} from "../pytorch/loop.js";

const TAPE = /^with\s+(?:tf|tensorflow)\.GradientTape\((.*)\)\s+as\s+(\w+)\s*:$/;
const NO_GRAD = "with torch.no_grad():";

/** The `with tf.GradientTape() as tape:` statements in `body`, at any depth. */
export function tapesIn(body: PyStmt[]): PyStmt[] {
  const out: PyStmt[] = [];
  const walk = (b: PyStmt[]) => b.forEach((x) => (TAPE.test(x.text) ? out.push(x) : walk(x.body)));
  walk(body);
  return out;
}

/** `name(` … `)` as a whole statement or right-hand side: the callee and its arguments' text (brackets kept whole), or null. */
export function callParts(text: string): {fn: string; args: string[]} | null {
  const m = /^([A-Za-z_][\w.]*)\s*\(/.exec(text);
  if (!m) return null;
  const open = m[0].length - 1;
  const close = open + closingParen(text.slice(open));
  if (close !== text.length - 1) return null;
  return {fn: m[1], args: splitArgs(text.slice(open + 1, close))};
}

/** The names called in `text` (`f(`, not `obj.f(`). */
export function calledNames(text: string): string[] {
  return [...text.matchAll(/(?<![\w.])([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1]);
}

/** The index of the `)` that closes the `(` at the start of `text` (quotes and brackets respected), or −1 when none. */
function closingParen(text: string): number {
  return scanCode(text, (c, i, depth) => c === ")" && depth === 1);
}

/**
 * `total += float(train_step(xb, yb)) * len(xb)`: a call to one of `steps` inside an expression is hoisted to a
 * statement of its own before it (`__step1 = train_step(xb, yb)`), so that the call can be inlined.
 */
export function hoistCalls(s: PyStmt, isStep: (name: string) => boolean): PyStmt {
  let n = 0;
  const walk = (b: PyStmt[]): PyStmt[] => b.flatMap((x) => {
    if (x.body.length) return [{...x, body: walk(x.body)}];
    // (already a statement of its own: `[loss =] train_step(xb, yb)`)
    const whole = callParts(x.text.replace(/^[\w\s,()]+=\s*/, ""));
    if (whole && isStep(whole.fn)) return [x];
    const m = [...x.text.matchAll(/(?<![\w.])([A-Za-z_]\w*)\s*\(/g)].find((c) => isStep(c[1]));
    if (!m) return [x];
    const from = m.index! + m[0].length - 1, to = closingParen(x.text.slice(from));
    if (to < 0) return [x];
    const name = `__step${++n}`, call = x.text.slice(m.index!, from + to + 1);
    return [{...x, text: `${name} = ${call}`}, {...x, text: x.text.slice(0, m.index!) + name + x.text.slice(from + to + 1)}];
  });
  return {...s, body: walk(s.body)};
}

/** What the rewriting saw that the page does not replay, and how the loss was called. */
export interface TapeNotes {
  /** Statements the page trains without (line, why). */
  skipped: {line: number; message: string}[];
  /** The loss was called with from_logits=True (a functional loss: keras.losses.sparse_categorical_crossentropy(…)). */
  fromLogits: boolean;
}

/**
 * `for epoch …` with the model-calling statements outside every tape put under torch.no_grad(), so that an evaluation
 * inside the epoch loop (a validation loss) is never read as the training step.
 */
export function freezeOutsideTapes(s: PyStmt, isModel: (name: string) => boolean): PyStmt {
  const callsModel = (t: string) => calledNames(t).some(isModel);
  const walk = (b: PyStmt[]): PyStmt[] => b.map((x) => {
    if (TAPE.test(x.text)) return x;
    if (x.body.length) return {...x, body: walk(x.body)};
    return callsModel(x.text) && !/^(print|return)\b/.test(x.text) ? {line: x.line, text: NO_GRAD, body: [x]} : x;
  });
  return {...s, body: walk(s.body)};
}

/** The tapes flattened and their statements rewritten (see the module's comment); `isModel` tells the model's names. */
export function rewriteTapes(body: PyStmt[], isModel: (name: string) => boolean, notes: TapeNotes,
  /** The tapes' names and the names assigned the model's output so far (pred = model(xb, training=True)). */
  seen: {tapes: Set<string>; outputs: Set<string>} = {tapes: new Set(tapesIn(body).map((t) => TAPE.exec(t.text)![2])), outputs: new Set()}): PyStmt[] {
  const {tapes, outputs} = seen;
  const isOutput = (a: string) => outputs.has(a) || ((p) => !!p && isModel(p.fn))(callParts(a));
  const one = (x: PyStmt): PyStmt[] => {
    const t = x.text;
    let m: RegExpExecArray | null;
    if ((m = TAPE.exec(t))) return rewriteTapes(x.body, isModel, notes, seen);
    if (x.body.length) {
      const sgd = handSgd(x);
      if (sgd) return [sgd];
      return [{...x, body: x.body.flatMap(one)}];
    }
    // grads = tape.gradient(loss, model.trainable_variables)
    if ((m = /^[\w\s,()]+=\s*(\w+)\.gradient\((.+)\)$/.exec(t)) && tapes.has(m[1])) {
      const [loss] = callParts(`f(${m[2]})`)?.args ?? [];
      return /^\w+$/.test(loss ?? "") ? [{...x, text: `${loss}.backward()`}] : [x];
    }
    if ((m = /^(\w+)\.apply_gradients\(.*\)$/.exec(t))) return [{...x, text: `${m[1]}.step()`}];
    const min = /^(\w+)\.minimize\(/.test(t) ? callParts(t) : null;
    if (min && /^\w+$/.test(min.args[0] ?? "")) return [{...x, text: `${min.args[0]}.backward()`}, {...x, text: `${min.fn.split(".")[0]}.step()`}];
    // grads, _ = tf.clip_by_global_norm(grads, 1.0): clipping by the global norm
    if ((m = /^\w+\s*,\s*\w+\s*=\s*(?:tf|tensorflow)\.clip_by_global_norm\((.+)\)$/.exec(t))) {
      const a = callParts(`f(${m[1]})`)?.args ?? [];
      if (a[1]) return [{...x, text: `nn.utils.clip_grad_norm_(model.parameters(), ${a[1].replace(/^clip_norm\s*=\s*/, "")})`}];
    }
    if (/(?:tf|tensorflow)\.clip_by_(?:norm|value)\(/.test(t)) {
      notes.skipped.push({line: x.line, message: "per-variable gradient clipping (tf.clip_by_norm / clip_by_value) is not replayed: the page trains without it"});
      return [];
    }
    const eq = /^(\w+)\s*=\s*(.+)$/.exec(t);
    if (!eq || /^=/.test(eq[2])) return [x];
    const call = callParts(eq[2].trim());
    if (call && isModel(call.fn)) {
      outputs.add(eq[1]);
      return [x];
    }
    return [{...x, text: `${eq[1]} = ${lossCall(eq[2].trim(), isOutput, notes)}`}];
  };
  return body.flatMap(one);
}

const REDUCE_MEAN = /^(?:tf|tensorflow)\.(?:math\.)?reduce_mean$/;

/**
 * The right-hand side of an assignment in a tape: a loss called in Keras' order (y_true, y_pred) turned round, a
 * tf.reduce_mean around a functional loss dropped, TensorFlow's mean and square written as torch's (the hand-written
 * loss reader's); anything else as it is.
 */
function lossCall(rhs: string, isOutput: (arg: string) => boolean, notes: TapeNotes): string {
  // loss_fn(y, p) + sum(model.losses): the layers' regularisation terms, which fit() adds by itself
  rhs = rhs.replace(/\s*\+\s*(?:sum|tf\.add_n|tf\.math\.add_n)\(\s*\w+\.losses\s*\)$/, "");
  let call = callParts(rhs);
  if (call && REDUCE_MEAN.test(call.fn) && call.args.length === 1) {
    const inner = callParts(call.args[0]);
    if (inner && inner.args.filter((a) => !a.includes("=")).length === 2) call = inner;
  }
  if (call) {
    const pos = call.args.filter((a) => !/^\w+\s*=(?!=)/.test(a));
    const kw = call.args.filter((a) => /^\w+\s*=(?!=)/.test(a));
    if (pos.length === 2 && isOutput(pos[1]) && !isOutput(pos[0])) {
      if (kw.some((a) => /^from_logits\s*=\s*True$/.test(a))) notes.fromLogits = true;
      return `${call.fn}(${[pos[1], pos[0], ...kw.filter((a) => !/^from_logits\s*=/.test(a))].join(", ")})`;
    }
  }
  return rhs.replace(/\b(?:tf|tensorflow)\.(?:math\.)?reduce_mean\(/g, "torch.mean(").replace(/\b(?:tf|tensorflow)\.(?:math\.)?square\(/g, "torch.square(");
}

/**
 * `for v, g in zip(model.trainable_variables, grads): v.assign_sub(lr * g)`: SGD written by hand, as the PyTorch
 * reader knows it (`with torch.no_grad(): for p in model.parameters(): p -= lr * p.grad`); null for any other loop.
 */
function handSgd(x: PyStmt): PyStmt | null {
  const m = /^for\s+\(?\s*(\w+)\s*,\s*(\w+)\s*\)?\s+in\s+zip\(\s*(\w+)\.trainable_(?:variables|weights)\s*,\s*(\w+)\s*\)\s*:$/.exec(x.text);
  const m2 = m ? null : /^for\s+\(?\s*(\w+)\s*,\s*(\w+)\s*\)?\s+in\s+zip\(\s*(\w+)\s*,\s*(\w+)\.trainable_(?:variables|weights)\s*\)\s*:$/.exec(x.text);
  const [v, g, model] = m ? [m[1], m[2], m[3]] : m2 ? [m2[2], m2[1], m2[4]] : [];
  if (!v || x.body.length !== 1) return null;
  const a = new RegExp(`^${v}\\.assign_sub\\((.+)\\)$`).exec(x.body[0].text);
  if (!a || !new RegExp(`\\b${g}\\b`).test(a[1])) return null;
  const step = a[1].replace(new RegExp(`\\b${g}\\b`, "g"), `${v}.grad`);
  return {line: x.line, text: NO_GRAD, body: [{line: x.line, text: `for ${v} in ${model}.parameters():`, body: [{...x.body[0], text: `${v} -= ${step}`}]}]};
}
