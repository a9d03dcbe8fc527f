/**
 * The usual PyTorch training loop, read from its statements:
 *   for epoch in range(E):                      (optionally: for xb, yb in loader: / for i, (xb, yb) in enumerate(loader):)
 *       optimizer.zero_grad(); out = model(xb); loss = criterion(out, yb); loss.backward(); optimizer.step()
 * Bookkeeping (prints, running sums, model.train()) is skipped; anything that changes training is named. Pure.
 */
import {dotted, parseExpr, show, type Expr} from "../keras/expr.js";
import type {PyStmt} from "../keras/gd.js";
import type {Unsupported} from "../keras/program.js";

export interface TorchLoop {
  line: number;
  /** The expression giving the epoch count (`range(E)`'s argument). */
  epochs: Expr;
  model: string;
  criterion: string;
  optimizer: string;
  /** Batches from a DataLoader, or one full batch of two tensors. */
  data: {kind: "loader"; loader: string} | {kind: "tensors"; x: Expr; y: Expr};
  /** A scheduler or clipping call that the page does not replay. */
  ignored: Unsupported[];
  /** `scheduler.step()` calls: in the epoch loop (once per epoch) or in the batch loop (once per batch). */
  schedulerSteps: {name: string; line: number; perBatch: boolean}[];
}

const BOOKKEEPING = /^(print\s*\(|if\s.*:$|elif\s|else\s*:|\w+(\.\w+)?\s*(\+|-)=|\w+\s*=\s*0(\.0)?$|(\w+\.)?(train|eval)\(\)$|\w+\.append\(|(epoch_)?losses?\.append|running_\w+|total\w*\s*[+=]|correct\w*\s*[+=])/;

function callName(e: Expr): string | null {
  return e.type === "call" ? dotted(e.fn) : null;
}

/** Strips .squeeze(), .view(-1), .float(), .long(), .flatten(), .unsqueeze(1), .reshape(-1, 1) around a tensor expression. */
export function stripShape(e: Expr): Expr {
  while (e.type === "call" && e.fn.type === "attr" && ["squeeze", "view", "float", "long", "flatten", "unsqueeze", "reshape", "to", "type", "double"].includes(e.fn.name)) e = e.fn.obj;
  return e;
}

/** Reads a training loop; null when `s` is not one (no .backward() inside). */
export function readLoop(s: PyStmt, isModel: (name: string) => boolean, unsupported: Unsupported[],
  isScheduler: (name: string) => boolean = (n) => /sched/i.test(n)): TorchLoop | null {
  const all: PyStmt[] = [];
  /** Statements inside a loop nested in the epoch loop (the batch loop). */
  const inner = new Set<PyStmt>();
  const walk = (b: PyStmt[], nested: boolean) => b.forEach((x) => {
    all.push(x);
    if (nested) inner.add(x);
    walk(x.body, nested || /^(for|while)\s/.test(x.text));
  });
  walk(s.body, false);
  if (!all.some((x) => /\.backward\(\s*\)$/.test(x.text))) return null;
  const outer = /^for\s+(\w+)\s+in\s+range\((.+)\)\s*:$/.exec(s.text);
  if (!outer) {
    unsupported.push({line: s.line, message: `the training loop must be "for epoch in range(N):", got: ${s.text}`});
    return null;
  }
  const epochs = parseExpr(outer[2].includes(",") ? outer[2].split(",")[1] : outer[2]);
  let data: TorchLoop["data"] | null = null;
  const batchVars = new Map<string, string>();
  const outs = new Map<string, Expr>();
  let model = "", criterion = "", optimizer = "", lossVar = "";
  const ignored: Unsupported[] = [];
  const schedulerSteps: TorchLoop["schedulerSteps"] = [];
  let stepped = false, backward = false;
  for (const x of all) {
    const t = x.text;
    let m: RegExpExecArray | null;
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
      lossVar ||= m[1];
      continue;
    }
    if ((m = /^(\w+)\.step\(\)$/.exec(t))) {
      if (isScheduler(m[1]) || (stepped && m[1] !== optimizer)) schedulerSteps.push({name: m[1], line: x.line, perBatch: inner.has(x)});
      else if (backward) {
        optimizer = m[1];
        stepped = true;
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
      const inner = stripShape(e);
      const fn = callName(inner);
      if (fn && isModel(fn) && inner.type === "call" && inner.args.length === 1) {
        model = fn;
        outs.set(eq[1], inner.args[0]);
        continue;
      }
      if (fn && inner.type === "call" && inner.args.length === 2 && !isModel(fn) && (eq[1] === lossVar || /loss/i.test(eq[1]) || outs.has(show(stripShape(inner.args[0]))) || callName(stripShape(inner.args[0])) !== null)) {
        const pred = stripShape(inner.args[0]);
        const predFn = callName(pred);
        if (predFn && isModel(predFn) && pred.type === "call") {
          model = predFn;
          outs.set("__inline", pred.args[0]);
        } else if (!(pred.type === "name" && outs.has(pred.id))) continue;
        criterion = fn;
        lossVar = eq[1];
        const xIn = pred.type === "name" ? outs.get(pred.id)! : (pred as Extract<Expr, {type: "call"}>).args[0];
        const yIn = stripShape(inner.args[1]);
        if (!data || data.kind !== "loader") data = {kind: "tensors", x: stripShape(xIn), y: yIn};
        continue;
      }
    }
    if (/^(torch\.nn\.utils\.clip_grad|nn\.utils\.clip_grad)/.test(t)) {
      ignored.push({line: x.line, message: "gradient clipping is not replayed"});
      continue;
    }
    if (/^with\s+torch\.no_grad\(\)\s*:$/.test(t) || BOOKKEEPING.test(t)) continue;
    if (/^(\w+)\s*=/.test(t) || /\(.*\)$/.test(t)) continue; // a value computed for a print (accuracy, loss.item())
    ignored.push({line: x.line, message: `statement in the training loop not followed: ${t}`});
  }
  if (!model || !criterion || !stepped || !data) {
    unsupported.push({line: s.line, message: "training loop not recognised: it needs out = model(x), loss = criterion(out, y), loss.backward() and optimizer.step()"});
    return null;
  }
  return {line: s.line, epochs, model, criterion, optimizer, data, ignored, schedulerSteps};
}
