/**
 * The usual PyTorch training loop, read from its statements:
 *   for epoch in range(E):                      (optionally: for xb, yb in loader: / for i, (xb, yb) in enumerate(loader):)
 *       optimizer.zero_grad(); out = model(xb); loss = criterion(out, yb); loss.backward(); optimizer.step()
 * Bookkeeping (prints, running sums, model.train()) is skipped; anything that changes training is named. Pure.
 */
import {dotted, parseExpr, show, type Expr} from "../keras/expr.js";
import {scanCode} from "../keras/lines.js";
import type {PyStmt} from "../keras/gd.js";
import type {Unsupported} from "../keras/program.js";
import {readEarlyStop, type HandEarlyStop} from "./earlystop.js";
import {outputActivation, readValidation, type OutputActivation} from "./validation.js";
import {readHandLoss, type HandLoss} from "./handLoss.js";

export interface TorchLoop {
  line: number;
  /** The expression giving the epoch count (`range(E)`'s argument). */
  epochs: Expr;
  model: string;
  criterion: string;
  optimizer: string;
  /** Batches from a DataLoader, or one full batch of two tensors. */
  data: {kind: "loader"; loader: string} | {kind: "tensors"; x: Expr; y: Expr; batch?: HandBatches};
  /** A scheduler or clipping call that the page does not replay. */
  ignored: Unsupported[];
  /**
   * `scheduler.step()` calls: in the epoch loop (once per epoch) or in the batch loop (once per batch); `metric`:
   * step(val_loss); `arg`: any other argument (step(epoch + i / iters)), as written.
   */
  schedulerSteps: {name: string; line: number; perBatch: boolean; metric?: string; arg?: string}[];
  /** The epoch loop's variable (`epoch` of `for epoch in range(E):`). */
  epochVar: string;
  /** The training loss's variable (`loss = criterion(out, y)`). */
  lossVar: string;
  /** `torch.sigmoid(model(x))` / `torch.softmax(model(x), dim=1)`: the activation the loop applies to the model's output. */
  activation?: OutputActivation;
  /** `val_loss = criterion(model(X_val), y_val).item()` under torch.no_grad(): the validation set and its loss's variable. */
  validation?: {x: Expr; y: Expr; metric: string; measure?: "accuracy"; line: number};
  /** `nn.utils.clip_grad_norm_(model.parameters(), max_norm)`. */
  clipNorm?: {maxNorm: Expr; line: number};
  /** The loss written out by hand (criterion is then HAND_LOSS). */
  handLoss?: HandLoss & {line: number};
  /**
   * Gradient accumulation: `optimizer.step()` only when `(i + 1) % every == 0`; `scaled`: the loss is divided by the
   * same number before backward(), so each step follows the mean over every × B samples.
   */
  accumulate?: {every: Expr; scaled: boolean; line: number};
  /**
   * Plain SGD written by hand under torch.no_grad() (`for p in model.parameters(): p -= lr * p.grad`): the rate as
   * written (optimizer is then MANUAL_SGD).
   */
  manualSgd?: {lr: Expr; line: number};
  earlyStop?: HandEarlyStop;
}

/** Batches the loop slices itself: for s in range(0, n, B): idx = perm[s:s + B] (perm a fresh permutation: shuffled). */
export interface HandBatches {
  size: Expr;
  shuffle: boolean;
}

const BOOKKEEPING = /^(print\s*\(|if\s.*:$|elif\s|else\s*:|\w+(\.\w+)?\s*(\+|-)=|\w+\s*=\s*0(\.0)?$|(\w+\.)?(train|eval)\(\)$|\w+\.append\(|(epoch_)?losses?\.append|running_\w+|total\w*\s*[+=]|correct\w*\s*[+=])/;

/** TorchLoop.optimizer when the parameters are updated by hand (TorchLoop.manualSgd). */
export const MANUAL_SGD = "<hand-written SGD step>";

/** The rate of `p -= <rate> * p.grad` (any product or quotient with one factor p.grad): the rest, or null. */
function rateOf(e: Expr, p: string): Expr | null {
  const isGrad = (x: Expr) => x.type === "attr" && x.name === "grad" && x.obj.type === "name" && x.obj.id === p;
  if (isGrad(e)) return {type: "num", value: 1};
  if (e.type !== "bin" || (e.op !== "*" && e.op !== "/")) return null;
  const left = rateOf(e.left, p);
  if (left && !show(e.right).includes(`${p}.grad`)) return e.op === "*" && left.type === "num" && left.value === 1 ? e.right : {...e, left};
  const right = e.op === "*" ? rateOf(e.right, p) : null;
  if (right && !show(e.left).includes(`${p}.grad`)) return right.type === "num" && right.value === 1 ? e.left : {...e, right};
  return null;
}

/** TorchLoop.criterion when the loss is written out by hand (TorchLoop.handLoss). */
export const HAND_LOSS = "<hand-written loss>";

/**
 * `if (i + 1) % K == 0:` / `if i % K == K - 1:`: K; null for any other condition.
 */
function everyK(text: string): Expr | null {
  const m = /^if\s+(.+?)\s*==\s*(.+?)\s*:$/.exec(text);
  if (!m) return null;
  try {
    const lhs = parseExpr(m[1]), rhs = parseExpr(m[2]);
    if (lhs.type !== "bin" || lhs.op !== "%") return null;
    const plusOne = lhs.left.type === "bin" && lhs.left.op === "+" && lhs.left.right.type === "num" && lhs.left.right.value === 1;
    if (plusOne && rhs.type === "num" && rhs.value === 0) return lhs.right;
    const minusOne = rhs.type === "bin" && rhs.op === "-" && rhs.right.type === "num" && rhs.right.value === 1 && show(rhs.left) === show(lhs.right);
    return lhs.left.type === "name" && minusOne ? lhs.right : null;
  } catch {
    return null;
  }
}

function callName(e: Expr): string | null {
  return e.type === "call" ? dotted(e.fn) : null;
}

/** Strips .squeeze(), .view(-1), .float(), .long(), .flatten(), .unsqueeze(1), .reshape(-1, 1) around a tensor expression. */
export function stripShape(e: Expr): Expr {
  while (e.type === "call" && e.fn.type === "attr" && ["squeeze", "view", "float", "long", "flatten", "unsqueeze", "reshape", "to", "type", "double"].includes(e.fn.name)) e = e.fn.obj;
  return e;
}

/** `W.split(B)` or `torch.split(W, B)`: what is split, and the batch size; null for anything else. */
function splitOf(text: string): {whole: Expr; size: Expr} | null {
  let e: Expr;
  try {
    e = parseExpr(text);
  } catch {
    return null;
  }
  if (e.type !== "call") return null;
  if (e.fn.type === "attr" && e.fn.name === "split" && e.args.length === 1 && !dotted(e.fn.obj)?.startsWith("torch")) return {whole: e.fn.obj, size: e.args[0]};
  if (dotted(e.fn) === "torch.split" && e.args.length === 2) return {whole: e.args[0], size: e.args[1]};
  return null;
}

/**
 * `X[perm].split(B)` / `torch.split(X[perm], B)` / `X.split(B)`: the tensor cut into batches of B, shuffled when it
 * is indexed by a fresh permutation (one of `perms`); null for anything else.
 */
function splitCall(text: string, perms: Set<string>): {of: Expr; size: Expr; shuffled: boolean} | null {
  const cut = splitOf(text);
  if (!cut) return null;
  const {whole, size} = cut;
  const shuffled = whole.type === "index" && whole.index.type === "name" && perms.has(whole.index.id);
  const of = shuffled ? (whole as Extract<Expr, {type: "index"}>).obj : whole;
  return of.type === "name" ? {of, size, shuffled} : null;
}

/** `torch.randperm(n).split(B)`, `perm.split(B)`, `torch.split(perm, B)`: index batches of a permutation (its name, or "randperm"). */
function permutationSplit(text: string, perms: Set<string>): {perm: string; size: Expr} | null {
  const cut = splitOf(text);
  if (!cut) return null;
  const {whole, size} = cut;
  if (whole.type === "name" && perms.has(whole.id)) return {perm: whole.id, size};
  if (whole.type === "call" && dotted(whole.fn) === "torch.randperm") return {perm: "randperm", size};
  return null;
}

/** i * B:(i + 1) * B (or B * i:B * (i + 1)): batch i of size B, the counter and the size. */
function countedSlice(e: Extract<Expr, {type: "slice"}>): {v: string; size: Expr} | null {
  const times = (x: Expr | null | undefined, f: (a: Expr) => string | null): {v: string; size: Expr} | null => {
    if (x?.type !== "bin" || x.op !== "*") return null;
    const [a, b] = [x.left, x.right];
    const v = f(a) ?? f(b);
    return v === null ? null : {v, size: f(a) !== null ? b : a};
  };
  const lo = times(e.lo, (a) => (a.type === "name" ? a.id : null));
  const hi = times(e.hi, (a) => (a.type === "bin" && a.op === "+" && a.left.type === "name" && a.right.type === "num" && a.right.value === 1 ? a.left.id : null));
  return lo && hi && !e.step && lo.v === hi.v && show(lo.size) === show(hi.size) ? lo : null;
}

/** A function the code defines: its parameter names and body. */
export type CodeFunction = {params: string[]; body: PyStmt[]; /** each parameter's default, as written */ defaults?: (string | undefined)[]};

const CALL_STMT = /^(?:[\w\s,()]+=\s*)?(\w+)\((.*)\)$/;

/** `param` → `arg`, as whole names (not attributes: `self.model` keeps its `model`). */
function renamed(b: PyStmt[], names: Map<string, string>): PyStmt[] {
  const swap = (t: string) => t.replace(/(?<![\w.])([A-Za-z_]\w*)\b/g, (w) => names.get(w) ?? w);
  return b.map((x) => ({...x, text: swap(x.text), body: renamed(x.body, names), ...(x.phys ? {phys: x.phys.map((p) => ({...p, text: swap(p.text)}))} : {})}));
}

/**
 * The epoch loop with its calls to the code's own functions that hold the training step (`train_one_epoch()`,
 * `loss = run_epoch(model, loader, opt)`) replaced by their bodies, the parameters renamed to the call's arguments
 * and their `return` dropped (what it returns is bookkeeping). A call whose arguments do not name every parameter
 * stays as it is; a function calling itself is not followed.
 */
export function inlineTrainingCalls(s: PyStmt, funcOf: (name: string) => CodeFunction | undefined, seen: string[] = []): PyStmt {
  const expand = (b: PyStmt[]): PyStmt[] => b.flatMap((x) => {
    const body = inlinedCall(x, funcOf, seen);
    return body ? inlineTrainingCalls({...x, body}, funcOf, [...seen, CALL_STMT.exec(x.text)![1]]).body : [{...x, body: expand(x.body)}];
  });
  return {...s, body: expand(s.body)};
}

/**
 * `train(model, train_loader, optimizer, criterion, epochs=60)` (or `h = train(…)`) calling a function of the code's
 * own that trains (its body calls .backward()): that body with the parameters renamed to the arguments (a missing one
 * takes its default) and its `return` dropped; null for any other statement.
 */
export function inlinedCall(x: PyStmt, funcOf: (name: string) => CodeFunction | undefined, seen: string[] = []): PyStmt[] | null {
  const m = CALL_STMT.exec(x.text);
  const f = m && !seen.includes(m[1]) ? funcOf(m[1]) : undefined;
  if (!m || !f || !/\.backward\(\s*\)/.test(JSON.stringify(f.body))) return null;
  const names = new Map<string, string>();
  splitArgs(m[2]).forEach((a, k) => {
    const kw = /^(\w+)\s*=(?!=)\s*(.+)$/.exec(a);
    if (kw) names.set(kw[1], kw[2]);
    else if (k < f.params.length) names.set(f.params[k], a);
  });
  f.params.forEach((p, k) => !names.has(p) && f.defaults?.[k] !== undefined && names.set(p, f.defaults[k]!));
  if (!f.params.every((p) => names.has(p))) return null;
  // (a parameter left at its default None: `if sched is not None: sched.step()` is then dead code)
  const live = (b: PyStmt[]): PyStmt[] => b.filter((y) => !/^if\s+None\s+is\s+not\s+None\s*:$/.test(y.text)).map((y) => ({...y, body: live(y.body)}));
  return live(renamed(f.body.filter((y) => !/^return\b/.test(y.text)), names));
}

/** The comma-separated arguments of a call, brackets and strings kept whole (keras/lines.ts's scanner). */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let from = 0;
  scanCode(text, (c, i, depth) => {
    if (c === "," && depth === 0) {
      out.push(text.slice(from, i));
      from = i + 1;
    }
  });
  out.push(text.slice(from));
  return out.map((a) => a.trim()).filter(Boolean);
}

/** `X[…]` parsed, or null. */
function subscriptOf(name: string, inside: string): Extract<Expr, {type: "index"}> | null {
  try {
    const e = parseExpr(`${name}[${inside}]`);
    return e.type === "index" ? e : null;
  } catch {
    return null;
  }
}

/** Reads a training loop; null when `s` is not one (no .backward() inside). */
export function readLoop(s: PyStmt, isModel: (name: string) => boolean, unsupported: Unsupported[],
  isScheduler: (name: string) => boolean = (n) => /sched/i.test(n)): TorchLoop | null {
  const all: PyStmt[] = [];
  /** Statements inside a loop nested in the epoch loop (the batch loop). */
  const inner = new Set<PyStmt>();
  /** Statements under `with torch.no_grad():` (evaluation, not training). */
  const noGrad = new Set<PyStmt>();
  /** The `if …:` directly around a statement (gradient accumulation gates optimizer.step() with one). */
  const gate = new Map<PyStmt, PyStmt>();
  const walk = (b: PyStmt[], nested: boolean, frozen = false) => b.forEach((x) => {
    // criterion(model(xb), yb).backward(): the loss and its backward pass in one statement
    const oneLine = /^(.+\))\.backward\(\s*\)$/.exec(x.text);
    const parts = oneLine && !/^\w+$/.test(oneLine[1]) ? [{...x, text: `__loss = ${oneLine[1]}`}, {...x, text: "__loss.backward()"}] : [x];
    for (const p of parts) {
      all.push(p);
      if (nested) inner.add(p);
      if (frozen) noGrad.add(p);
      if (/^if\s/.test(x.text)) for (const c of x.body) gate.set(c, x);
    }
    walk(x.body, nested || /^(for|while)\s/.test(x.text), frozen || /^with\s+torch\.(?:no_grad|inference_mode)\(\)\s*:$/.test(x.text));
  });
  walk(s.body, false);
  if (!all.some((x) => /\.backward\(\s*\)$/.test(x.text))) return null;
  const outer = /^for\s+(\w+)\s+in\s+range\((.+)\)\s*:$/.exec(s.text);
  if (!outer) {
    unsupported.push({line: s.line, message: `the training loop must be "for epoch in range(N):", got: ${s.text}`});
    return null;
  }
  // range(E), range(1, E + 1), range(a, b, s): how many times the loop runs
  const [from, to, step] = splitArgs(outer[2]);
  const epochs = parseExpr(to === undefined ? from : step === undefined ? `(${to}) - (${from})` : `-((${from}) - (${to})) // (${step})`);
  let data: TorchLoop["data"] | null = null;
  const batchVars = new Map<string, string>();
  const outs = new Map<string, Expr>();
  let model = "", criterion = "", optimizer = "", lossVar = "";
  const ignored: Unsupported[] = [];
  const schedulerSteps: TorchLoop["schedulerSteps"] = [];
  let stepped = false, backward = false;
  let activation: OutputActivation | undefined, validation: TorchLoop["validation"], clipNorm: TorchLoop["clipNorm"];
  const earlyStop = readEarlyStop(s.body) ?? undefined;
  const valOuts = new Map<string, Expr>();
  /** The loop's assignments so far (name → value): a hand-written loss is read through them. */
  const defs = new Map<string, Expr>();
  let handLoss: TorchLoop["handLoss"], accumulate: TorchLoop["accumulate"], manualSgd: TorchLoop["manualSgd"];
  /** `for p in model.parameters():` under torch.no_grad(): the parameter's name. */
  let paramVar = "";
  /** The divisor of the loss before backward(): (loss / K).backward(), loss = loss / K, loss = criterion(…) / K. */
  let lossDivisor: Expr | null = null;
  // for start in range(0, len(X), B): idx = order[start:start + B]; model(X[idx]) — batches sliced by hand
  let sliceLoop: {v: string; size: Expr} | null = null;
  /** perms: fresh permutations; slices: idx → the permutation it is a batch of; aliases: xb → X[start:start + B]. */
  const perms = new Set<string>(), slices = new Map<string, string>(), aliases = new Map<string, Expr>();
  let batch: HandBatches | undefined, zipped: HandBatches | undefined;
  /** X[idx] / xb (= X[start:start + B]) / X: the tensor itself, noting the hand-made batches it is cut into. */
  const source = (e: Expr): Expr => {
    for (let k = 0; k < 4 && e.type === "name" && aliases.has(e.id); k++) e = aliases.get(e.id)!;
    if (e.type !== "index" || (!sliceLoop && !counters.size)) return e;
    const of = e.index.type === "name" ? slices.get(e.index.id) : undefined;
    if (of === undefined && !sliceOf(e.index)) return e;
    const loop = sliceLoop as {size: Expr} | null; // set by now: by its header, a split, or sliceOf's counter
    if (!loop) return e;
    batch = {size: loop.size, shuffle: of !== undefined && perms.has(of)};
    return e.obj;
  };
  /** Counters of `for i in range(K):` inside the epoch loop: batch numbers when a slice i * B:(i + 1) * B uses them. */
  const counters = new Set<string>();
  /** start:start + B of the slicing loop, or i * B:(i + 1) * B of a counter (which makes it the slicing loop). */
  const sliceOf = (e: Expr): boolean => {
    if (e.type !== "slice") return false;
    if (sliceLoop && e.lo?.type === "name" && e.lo.id === sliceLoop.v && e.hi?.type === "bin" && e.hi.op === "+" && e.hi.left.type === "name" && e.hi.left.id === sliceLoop.v) return true;
    const cut = countedSlice(e);
    if (!cut || !counters.has(cut.v) || (sliceLoop && sliceLoop.v !== cut.v)) return false;
    sliceLoop ??= cut;
    return true;
  };
  /** The loss reads the model's input xIn and the labels yIn: without a DataLoader, those tensors (and their hand-made batches). */
  const trainsOn = (xIn: Expr, yIn: Expr) => {
    if (data?.kind === "loader") return;
    batch = undefined;
    const xs = source(stripShape(xIn)), ys = source(stripShape(yIn));
    batch ??= zipped;
    data = {kind: "tensors", x: stripShape(xs), y: stripShape(ys), ...(batch ? {batch} : {})};
  };
  for (const x of all) {
    const t = x.text;
    let m: RegExpExecArray | null;
    if (earlyStop?.lines.has(x.line)) continue;
    // with torch.no_grad(): for p in model.parameters(): p -= lr * p.grad; p.grad.zero_() — SGD written by hand
    if (noGrad.has(x) && backward) {
      if ((m = /^for\s+(\w+)\s+in\s+(\w+)\.parameters\(\)\s*:$/.exec(t)) && isModel(m[2])) {
        paramVar = m[1];
        continue;
      }
      if (paramVar && (m = new RegExp(`^${paramVar}(?:\\.data)?\\s*-=\\s*(.+)$`).exec(t))) {
        let rhs: Expr | null = null;
        try {
          rhs = rateOf(parseExpr(m[1]), paramVar);
        } catch {
          rhs = null;
        }
        if (rhs) {
          manualSgd ??= {lr: rhs, line: x.line};
          optimizer ||= MANUAL_SGD;
          stepped = true;
          continue;
        }
      }
      if (paramVar && new RegExp(`^${paramVar}\\.grad(?:\\.data)?\\.zero_\\(\\)$|^${paramVar}\\.grad\\s*=\\s*None$`).test(t)) continue;
    }
    if (noGrad.has(x) && model) {
      const v = readValidation(t, isModel, valOuts);
      if (v && v !== "output") validation ??= {...v, line: x.line};
      if (v) continue;
    }
    if ((m = /^for\s+(\w+)\s+in\s+range\(\s*0\s*,\s*(.+?)\s*,\s*([^,]+?)\s*\)\s*:$/.exec(t))) {
      sliceLoop = {v: m[1], size: parseExpr(m[3])};
      continue;
    }
    if ((m = /^for\s+(\w+)\s+in\s+range\(([^,]+)\)\s*:$/.exec(t))) {
      counters.add(m[1]);
      continue;
    }
    // for idx in torch.randperm(n).split(B) (or perm.split(B)): shuffled index batches of B, used as X[idx]
    if ((m = /^for\s+(\w+)\s+in\s+(.+)\s*:$/.exec(t)) && permutationSplit(m[2], perms)) {
      const cut = permutationSplit(m[2], perms)!;
      perms.add(cut.perm);
      sliceLoop = {v: "", size: cut.size};
      slices.set(m[1], cut.perm);
      continue;
    }
    if ((m = /^(\w+)\s*=\s*(?:torch\.randperm|(?:np|numpy)\.random\.permutation|\w+\.permutation)\(/.exec(t))) {
      perms.add(m[1]);
      continue;
    }
    if ((m = /^(\w+)\s*=\s*(\w+)\s*\[(.+)\]$/.exec(t)) && (sliceLoop || counters.size)) {
      const cut = subscriptOf(m[2], m[3]);
      if (cut && sliceOf(cut.index)) {
        // idx = order[start:start + B] (a batch of a permutation) or xb = X[start:start + B] (the batch itself)
        if (perms.has(m[2])) slices.set(m[1], m[2]);
        else aliases.set(m[1], cut);
        continue;
      }
    }
    if ((m = /^(\w+)\s*,\s*(\w+)\s*=\s*(.+)$/.exec(t)) && !batchVars.has(m[3].trim())) {
      try {
        const rhs = parseExpr(m[3]);
        if (rhs.type === "tuple" && rhs.items.length === 2) {
          aliases.set(m[1], rhs.items[0]).set(m[2], rhs.items[1]);
          continue;
        }
      } catch {
        /* not a pair */
      }
    }
    if ((m = /^for\s+\(?\s*(\w+)\s*,\s*(\w+)\s*\)?\s+in\s+zip\((.+)\)\s*:$/.exec(t))) {
      // for xb, yb in zip(X[perm].split(B), y[perm].split(B)): batches of B, shuffled when cut from a permutation
      const cuts = splitArgs(m[3]).map((a) => splitCall(a, perms));
      if (cuts.length === 2 && cuts[0] && cuts[1] && show(cuts[0].size) === show(cuts[1].size)) {
        zipped = {size: cuts[0].size, shuffle: cuts[0].shuffled && cuts[1].shuffled};
        aliases.set(m[1], cuts[0].of).set(m[2], cuts[1].of);
        continue;
      }
    }
    if ((m = /^for\s+(?:\w+\s*,\s*)?\(?\s*(\w+)\s*,\s*(\w+)\s*\)?\s+in\s+(?:enumerate\()?(\w+)\)?\s*:$/.exec(t))) {
      data = {kind: "loader", loader: m[3]};
      batchVars.set(m[1], "x").set(m[2], "y");
      continue;
    }
    if ((m = /^for\s+(\w+)\s+in\s+(\w+)\s*:$/.exec(t))) {
      data = {kind: "loader", loader: m[2]};
      batchVars.set(m[1], "batch");
      continue;
    }
    if ((m = /^(\w+)\s*,\s*(\w+)\s*=\s*(\w+)$/.exec(t)) && batchVars.get(m[3]) === "batch") {
      batchVars.set(m[1], "x").set(m[2], "y");
      continue;
    }
    if ((m = /^(\w+)\.zero_grad\(\)$/.exec(t))) continue;
    if ((m = /^(\w+)\.backward\(\)$/.exec(t))) {
      backward = true;
      const d = defs.get(m[1]);
      if (d?.type === "bin" && d.op === "/" && d.left.type === "name" && d.left.id === lossVar) lossDivisor ??= d.right;
      lossVar ||= m[1];
      continue;
    }
    if ((m = /^(\w+)\.step\((\w+)\)$/.exec(t)) && isScheduler(m[1])) {
      schedulerSteps.push({name: m[1], line: x.line, perBatch: inner.has(x), metric: m[2]});
      continue;
    }
    if ((m = /^(\w+)\.step\((.+)\)$/.exec(t)) && isScheduler(m[1])) {
      schedulerSteps.push({name: m[1], line: x.line, perBatch: inner.has(x), arg: m[2].trim()});
      continue;
    }
    if ((m = /^(\w+)\.step\(\)$/.exec(t))) {
      if (isScheduler(m[1]) || (stepped && m[1] !== optimizer)) schedulerSteps.push({name: m[1], line: x.line, perBatch: inner.has(x)});
      else if (backward) {
        optimizer = m[1];
        stepped = true;
        const g = gate.get(x), every = g && inner.has(x) ? everyK(g.text) : null;
        if (every) accumulate = {every, scaled: !!lossDivisor && show(lossDivisor) === show(every), line: g!.line};
      }
      continue;
    }
    const eq = /^(\w+)\s*=\s*(.+)$/.exec(t);
    if (eq && !/^=/.test(eq[2])) {
      let e: Expr;
      try {
        e = parseExpr(eq[2]);
      } catch {
        continue;
      }
      defs.set(eq[1], e);
      // loss = criterion(out, y) / K (gradient accumulation): the criterion, divided
      if (e.type === "bin" && e.op === "/" && e.left.type === "call" && !criterion) {
        lossDivisor = e.right;
        e = e.left;
      }
      const wrapped = outputActivation(stripShape(e));
      const inner = wrapped.inner;
      const fn = callName(inner);
      if (fn && isModel(fn) && inner.type === "call" && inner.args.length === 1) {
        model = fn;
        outs.set(eq[1], inner.args[0]);
        if (wrapped.activation) activation = {...wrapped.activation, line: x.line};
        continue;
      }
      if (fn && inner.type === "call" && inner.args.length === 2 && !isModel(fn) && (eq[1] === lossVar || /loss/i.test(eq[1]) || outs.has(show(stripShape(inner.args[0]))) || callName(stripShape(inner.args[0])) !== null)) {
        const predWrapped = outputActivation(stripShape(inner.args[0]));
        const pred = predWrapped.inner;
        if (predWrapped.activation) activation = {...predWrapped.activation, line: x.line};
        const predFn = callName(pred);
        if (predFn && isModel(predFn) && pred.type === "call") {
          model = predFn;
          outs.set("__inline", pred.args[0]);
        } else if (!(pred.type === "name" && outs.has(pred.id))) continue;
        criterion = fn;
        lossVar = eq[1];
        const xIn = pred.type === "name" ? outs.get(pred.id)! : (pred as Extract<Expr, {type: "call"}>).args[0];
        const yIn = stripShape(inner.args[1]);
        trainsOn(xIn, yIn);
        continue;
      }
      // (a value computed under torch.no_grad() is an evaluation, never the training loss)
      const hand = !criterion && !noGrad.has(x) ? readHandLoss(e, defs) : null;
      if (hand) {
        let {pred, target} = hand;
        const isOut = (z: Expr): z is Extract<Expr, {type: "call"}> => z.type === "call" && z.args.length === 1 && isModel(callName(z) ?? "");
        if (!isOut(pred) && hand.loss === "mean_squared_error" && isOut(target)) [pred, target] = [target, pred];
        if (isOut(pred)) {
          model = callName(pred)!;
          criterion = HAND_LOSS;
          lossVar = eq[1];
          handLoss = {...hand, pred, target, line: x.line};
          trainsOn(pred.args[0], target);
          continue;
        }
      }
    }
    if ((m = /^(?:torch\.)?(?:nn\.)?(?:utils\.)?clip_grad_norm_?\((.+)\)$/.exec(t))) {
      const a = splitArgs(m[1]);
      const maxNorm = a.find((z) => /^max_norm\s*=/.test(z))?.replace(/^max_norm\s*=\s*/, "") ?? (a[1] && !a[1].includes("=") ? a[1] : undefined);
      const norm = a.find((z) => /^norm_type\s*=/.test(z))?.replace(/^norm_type\s*=\s*/, "") ?? (a[2] && !a[2].includes("=") ? a[2] : "2");
      if (maxNorm && /^2(\.0*)?$/.test(norm.trim())) {
        clipNorm = {maxNorm: parseExpr(maxNorm), line: x.line};
        continue;
      }
    }
    if (/^(torch\.nn\.utils\.clip_grad|nn\.utils\.clip_grad)/.test(t)) {
      ignored.push({line: x.line, message: "gradient clipping is not replayed"});
      continue;
    }
    if (/^with\s+torch\.(?:no_grad|inference_mode)\(\)\s*:$/.test(t) || BOOKKEEPING.test(t)) continue;
    if (/^(\w+)\s*=/.test(t) || /\(.*\)$/.test(t)) continue; // a value computed for a print (accuracy, loss.item())
    ignored.push({line: x.line, message: `statement in the training loop not followed: ${t}`});
  }
  if (!model || !criterion || !stepped || !data) {
    unsupported.push({line: s.line, message: "training loop not recognised: it needs out = model(x), loss = criterion(out, y), loss.backward() and optimizer.step()"});
    return null;
  }
  return {line: s.line, epochs, epochVar: outer[1], model, criterion, optimizer, data, ignored, schedulerSteps, lossVar,
    ...(activation ? {activation} : {}), ...(validation ? {validation} : {}), ...(clipNorm ? {clipNorm} : {}), ...(earlyStop ? {earlyStop} : {}),
    ...(handLoss ? {handLoss} : {}), ...(accumulate ? {accumulate} : {}), ...(manualSgd ? {manualSgd} : {})};
}
