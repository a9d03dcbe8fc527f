/**
 * Losses a PyTorch training loop writes out by hand instead of calling nn.*Loss: the mean squared error
 * `((out - y) ** 2).mean()`, cross-entropy on one-hot targets `-(F.one_hot(y, K) * F.log_softmax(out, dim=1)).sum(dim=1).mean()`,
 * and binary cross-entropy `-(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()` with p = torch.sigmoid(out).
 * Names the loop assigned before the loss (`target = F.one_hot(yb, 4).float()`) are read through. Pure.
 */
import {dotted, show, type Expr} from "../keras/expr.js";
import type {LossName} from "../keras/program.js";

export interface HandLoss {
  loss: LossName;
  fromLogits: boolean;
  /** What the model produced (model(xb), or the name it was assigned to). */
  pred: Expr;
  /** The labels: class indices for sparse cross-entropy (y of F.one_hot(y, K)), else the targets as written. */
  target: Expr;
  /** How the page describes it (the formula's family). */
  what: "mean squared error" | "cross-entropy" | "binary cross-entropy";
}

/** Names read through, at most this deep (a chain of assignments). */
const MAX_DEPTH = 6;

const TORCH = "(?:torch|F|nn\\.functional|torch\\.nn\\.functional)";
const LOG_SOFTMAX = new RegExp(`^${TORCH}\\.log_softmax$`);
const SOFTMAX = new RegExp(`^${TORCH}\\.softmax$`);
const SIGMOID = new RegExp(`^${TORCH}\\.sigmoid$`);
const LOG = /^torch\.log$/;
const ONE_HOT = new RegExp(`^${TORCH}\\.one_hot$`);

/** Casts and shape changes that do not change values: .float(), .double(), .view(-1, 1), .squeeze(), .item(). */
function bare(e: Expr): Expr {
  while (e.type === "call" && e.fn.type === "attr" && ["float", "double", "item", "squeeze", "view", "reshape", "flatten", "unsqueeze", "to", "type"].includes(e.fn.name)) e = e.fn.obj;
  return e;
}

/** The hand-written loss `e` (defs: the loop's earlier assignments), or null when it is not one of the three. */
export function readHandLoss(e: Expr, defs: Map<string, Expr>): HandLoss | null {
  const look = (x: Expr, depth = 0): Expr => {
    x = bare(x);
    while (x.type === "name" && defs.has(x.id) && depth++ < MAX_DEPTH) x = bare(defs.get(x.id)!);
    return x;
  };
  const neg = (x: Expr): Expr | null => {
    x = look(x);
    return x.type === "unary" && x.op === "-" ? look(x.arg) : null;
  };
  // mean: x.mean() or torch.mean(x)
  const meanOf = (x: Expr): Expr | null => {
    x = look(x);
    if (x.type === "call" && x.fn.type === "attr" && x.fn.name === "mean" && !x.args.length && !Object.keys(x.kwargs).length) return look(x.fn.obj);
    if (x.type === "call" && dotted(x.fn) === "torch.mean" && x.args.length === 1 && !Object.keys(x.kwargs).length) return look(x.args[0]);
    return null;
  };
  // mean((out − y)²), mean(−Σ t log p): the mean of the per-sample terms
  const direct = meanOf(e);
  if (direct) {
    const sq = squared(direct, look);
    if (sq) return mse(sq, look);
    const n = neg(direct);
    return n ? crossEntropy(n, look) ?? binaryCrossEntropy(n, look) : null;
  }
  // −mean(Σ t log p)
  const n = neg(e);
  const body = n ? meanOf(n) : null;
  return body ? crossEntropy(body, look) ?? binaryCrossEntropy(body, look) : null;
}

type Look = (x: Expr) => Expr;

/** x ** 2, x.pow(2), torch.pow(x, 2), torch.square(x), x.square(), x * x: x. */
function squared(e: Expr, look: Look): Expr | null {
  const two = (x: Expr | undefined) => x?.type === "num" && x.value === 2;
  if (e.type === "bin" && e.op === "**" && two(e.right)) return look(e.left);
  if (e.type === "bin" && e.op === "*" && show(look(e.left)) === show(look(e.right))) return look(e.left);
  if (e.type === "call" && e.fn.type === "attr" && e.fn.name === "pow" && two(e.args[0])) return look(e.fn.obj);
  if (e.type === "call" && e.fn.type === "attr" && e.fn.name === "square" && !e.args.length) return look(e.fn.obj);
  if (e.type === "call" && dotted(e.fn) === "torch.pow" && two(e.args[1])) return look(e.args[0]);
  if (e.type === "call" && dotted(e.fn) === "torch.square" && e.args.length === 1) return look(e.args[0]);
  return null;
}

/** (pred − y)² (or (y − pred)²): the mean squared error. */
function mse(diff: Expr, look: Look): HandLoss | null {
  if (diff.type !== "bin" || diff.op !== "-") return null;
  return {loss: "mean_squared_error", fromLogits: false, pred: look(diff.left), target: look(diff.right), what: "mean squared error"};
}

/** Σ over the class axis: x.sum(dim=1), x.sum(1), x.sum(-1), torch.sum(x, dim=1): x. */
function classSum(e: Expr, look: Look): Expr | null {
  const lastAxis = (d: Expr | undefined) => d !== undefined && ((d.type === "num" && (d.value === 1 || d.value === -1)) || (d.type === "unary" && d.op === "-" && d.arg.type === "num" && d.arg.value === 1));
  if (e.type === "call" && e.fn.type === "attr" && e.fn.name === "sum" && dotted(e.fn.obj) !== "torch" && lastAxis(e.kwargs.dim ?? e.kwargs.axis ?? e.args[0])) return look(e.fn.obj);
  if (e.type === "call" && dotted(e.fn) === "torch.sum" && e.args.length >= 1 && lastAxis(e.kwargs.dim ?? e.args[1])) return look(e.args[0]);
  return null;
}

/** Σ_k t_k log p_k with t one-hot: cross-entropy (on logits when the log-probabilities are log_softmax of the output). */
function crossEntropy(e: Expr, look: Look): HandLoss | null {
  const prod = classSum(e, look);
  if (!prod || prod.type !== "bin" || prod.op !== "*") return null;
  for (const [t, l] of [[prod.left, prod.right], [prod.right, prod.left]]) {
    const logp = logProbs(look(l), look);
    if (!logp) continue;
    const target = look(t);
    const hot = target.type === "call" && ONE_HOT.test(dotted(target.fn) ?? "") ? look(target.args[0]) : null;
    return {loss: hot ? "sparse_categorical_crossentropy" : "categorical_crossentropy", fromLogits: logp.logits, pred: logp.of, target: hot ?? target, what: "cross-entropy"};
  }
  return null;
}

/** F.log_softmax(z, dim=1) / z.log_softmax(1): logits z; torch.log(F.softmax(z, 1)): logits z; torch.log(p): probabilities p. */
function logProbs(e: Expr, look: Look): {of: Expr; logits: boolean} | null {
  if (e.type !== "call") return null;
  const fn = dotted(e.fn) ?? "";
  if (LOG_SOFTMAX.test(fn) && e.args.length >= 1) return {of: look(e.args[0]), logits: true};
  if (e.fn.type === "attr" && e.fn.name === "log_softmax" && !/^(torch|F)$/.test(dotted(e.fn.obj) ?? "")) return {of: look(e.fn.obj), logits: true};
  if ((LOG.test(fn) && e.args.length === 1) || (e.fn.type === "attr" && e.fn.name === "log" && !e.args.length && dotted(e.fn.obj) !== "torch")) {
    const p = look(LOG.test(fn) ? e.args[0] : (e.fn as Extract<Expr, {type: "attr"}>).obj);
    if (p.type === "call" && SOFTMAX.test(dotted(p.fn) ?? "") && p.args.length >= 1) return {of: look(p.args[0]), logits: true};
    return {of: p, logits: false};
  }
  return null;
}

/** y log p + (1 − y) log(1 − p): binary cross-entropy (on logits when p = torch.sigmoid(z)). */
function binaryCrossEntropy(e: Expr, look: Look): HandLoss | null {
  if (e.type !== "bin" || e.op !== "+") return null;
  const term = (x: Expr): {w: Expr; arg: Expr} | null => {
    x = look(x);
    if (x.type !== "bin" || x.op !== "*") return null;
    for (const [w, l] of [[x.left, x.right], [x.right, x.left]]) {
      const lg = look(l);
      if (lg.type === "call" && LOG.test(dotted(lg.fn) ?? "") && lg.args.length === 1) return {w: look(w), arg: look(lg.args[0])};
    }
    return null;
  };
  const a = term(e.left), b = term(e.right);
  if (!a || !b) return null;
  const oneMinus = (x: Expr, of: Expr) => x.type === "bin" && x.op === "-" && x.left.type === "num" && x.left.value === 1 && show(look(x.right)) === show(of);
  for (const [pos, negT] of [[a, b], [b, a]]) {
    if (oneMinus(negT.w, pos.w) && oneMinus(negT.arg, pos.arg)) {
      const p = pos.arg;
      const logits = p.type === "call" && SIGMOID.test(dotted(p.fn) ?? "") && p.args.length === 1;
      return {loss: "binary_crossentropy", fromLogits: logits, pred: logits ? look((p as Extract<Expr, {type: "call"}>).args[0]) : p, target: pos.w, what: "binary cross-entropy"};
    }
  }
  return null;
}
