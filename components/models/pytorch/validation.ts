/**
 * Two things a PyTorch epoch loop does around the model besides training it: an activation applied to its output
 * (`torch.sigmoid(model(x))` before BCELoss) and a validation loss computed under torch.no_grad()
 * (`val_loss = criterion(model(X_val), y_val).item()`). Pure.
 */
import {dotted, parseExpr, type Expr} from "../keras/expr.js";

export interface OutputActivation {
  activation: "sigmoid" | "softmax";
  line: number;
}

const SIGMOID = /^(?:torch|F|nn\.functional|torch\.nn\.functional)\.sigmoid$/;
const SOFTMAX = /^(?:torch|F|nn\.functional|torch\.nn\.functional)\.softmax$/;

/** `torch.sigmoid(e)`, `F.softmax(e, dim=1)`, `e.sigmoid()`: e and the activation; anything else as it is. */
export function outputActivation(e: Expr): {inner: Expr; activation?: Omit<OutputActivation, "line">} {
  if (e.type !== "call") return {inner: e};
  const fn = dotted(e.fn) ?? "";
  if (SIGMOID.test(fn) && e.args.length === 1) return {inner: e.args[0], activation: {activation: "sigmoid"}};
  if (e.fn.type === "attr" && e.fn.name === "sigmoid" && !e.args.length && !/^(torch|F|nn)\b/.test(dotted(e.fn.obj) ?? "")) return {inner: e.fn.obj, activation: {activation: "sigmoid"}};
  if (SOFTMAX.test(fn) && e.args.length >= 1) {
    const dim = e.kwargs.dim ?? e.args[1];
    const last = dim && dim.type === "num" ? dim.value === 1 || dim.value === -1 : dim?.type === "unary" && dim.op === "-" && dim.arg.type === "num" && dim.arg.value === 1;
    if (last) return {inner: e.args[0], activation: {activation: "softmax"}};
  }
  return {inner: e};
}

/** `.item()`, `.detach()`, `.cpu()` around a value. */
function plain(e: Expr): Expr {
  while (e.type === "call" && e.fn.type === "attr" && ["item", "detach", "cpu", "squeeze", "view", "float", "reshape", "flatten"].includes(e.fn.name)) e = e.fn.obj;
  return e;
}

const strip = (e: Expr) => outputActivation(plain(e)).inner;

/** The scores under a class decision: `s.argmax(dim=1)`, `torch.argmax(s, 1)`, `(s > 0.5)`, `s.round()`; else e itself. */
function predicted(e: Expr): Expr {
  e = plain(e);
  if (e.type === "call" && e.fn.type === "attr" && ["argmax", "round"].includes(e.fn.name)) return e.fn.obj;
  if (e.type === "call" && /^(?:torch\.)?(?:argmax|round)$/.test(dotted(e.fn) ?? "") && e.args.length >= 1) return e.args[0];
  if (e.type === "bin" && [">", ">="].includes(e.op) && e.right.type === "num") return e.left;
  return e;
}

/** `(p == y).float().mean()`, `(p == y).sum().item() / len(y)`, `torch.mean((p == y).float())`: the comparison p == y. */
function correct(e: Expr): {left: Expr; right: Expr} | null {
  e = plain(e);
  if (e.type === "bin" && e.op === "/") e = plain(e.left);
  if (e.type === "call" && e.fn.type === "attr" && ["mean", "sum"].includes(e.fn.name) && !e.args.length) e = plain(e.fn.obj);
  else if (e.type === "call" && /^torch\.(?:mean|sum)$/.test(dotted(e.fn) ?? "") && e.args.length === 1) e = plain(e.args[0]);
  return e.type === "bin" && e.op === "==" ? {left: e.left, right: e.right} : null;
}

/**
 * A statement under torch.no_grad(): `out = model(X_val)` (kept in `outs`: "output"), or `m = loss(out_or_model(X_val), y_val)`
 * (the validation set and the variable m); null for anything else.
 */
export function readValidation(text: string, isModel: (name: string) => boolean, outs: Map<string, Expr>):
  {x: Expr; y: Expr; metric: string; measure?: "accuracy"} | "output" | null {
  const m = /^(\w+)\s*=(?!=)\s*(.+)$/.exec(text);
  if (!m) return null;
  let e: Expr;
  try {
    e = plain(parseExpr(m[2]));
  } catch {
    return null;
  }
  const modelInput = (x: Expr): Expr | null => {
    const v = strip(x);
    if (v.type === "name" && outs.has(v.id)) return outs.get(v.id)!;
    return v.type === "call" && v.args.length === 1 && isModel(dotted(v.fn) ?? "") ? strip(v.args[0]) : null;
  };
  const direct = modelInput(e) ?? modelInput(predicted(e));
  if (direct) {
    outs.set(m[1], direct);
    return "output";
  }
  // acc = (pred == y_val).float().mean(): the share of the validation set the model gets right
  const hit = correct(e);
  if (hit) {
    const x = modelInput(hit.left) ?? modelInput(predicted(hit.left));
    if (x) return {x, y: strip(hit.right), metric: m[1], measure: "accuracy"};
  }
  if (e.type !== "call" || e.args.length !== 2 || isModel(dotted(e.fn) ?? "")) return null;
  const x = modelInput(e.args[0]);
  return x ? {x, y: strip(e.args[1]), metric: m[1]} : null;
}
