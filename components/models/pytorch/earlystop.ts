/**
 * An early-stopping loop written by hand inside the epoch loop, read from its statements:
 *   if val_loss < best - 1e-4:                       (or `< best`, `> best + d` for a metric to maximise, `best - val_loss > d`)
 *       best, best_state, wait = val_loss, copy.deepcopy(model.state_dict()), 0
 *   else:
 *       wait += 1
 *       if wait >= patience: break
 * The monitored variable, the direction, the margin and the patience are returned as the code writes them; the caller
 * evaluates them and decides what the variable stands for. Pure.
 */
import {parseExpr, show, type Expr} from "../keras/expr.js";
import type {PyStmt} from "../keras/gd.js";

export interface HandEarlyStop {
  /** The variable compared with the best value (the validation loss, usually). */
  metric: string;
  mode: "min" | "max";
  /** The margin an improvement must beat (null: none). */
  minDelta: Expr | null;
  /** Epochs without improvement before the loop breaks; `offset` 1 when the code breaks only once the counter exceeds it (`>`). */
  patience: Expr;
  offset: 0 | 1;
  /** The variable holding the copy of the best weights (`model.load_state_dict(best_state)` restores it). */
  state: string;
  model: string;
  line: number;
  /** Lines of the statements that make up the early stopping (not training statements). */
  lines: Set<number>;
}

const DEEPCOPY = /^(?:copy\.)?deepcopy\(\s*(\w+)\.state_dict\(\s*\)\s*\)$/;

function parse(text: string): Expr | null {
  try {
    return parseExpr(text);
  } catch {
    return null;
  }
}

/** `a, b = x, y` / `a = x`: the pairs assigned. */
function assignments(text: string): [string, string][] {
  const m = /^([\w\s,]+?)\s*=(?!=)\s*(.+)$/.exec(text);
  if (!m) return [];
  const names = m[1].split(",").map((x) => x.trim());
  const rhs = parse(m[2]);
  const values = names.length === 1 ? [m[2].trim()] : rhs?.type === "tuple" && rhs.items.length === names.length ? rhs.items.map(show) : null;
  return values ? names.map((n, i) => [n, values[i]]) : [];
}

/** The improvement test: metric, best variable, direction and margin; null for anything else. */
type Test = {metric: string; best: string; mode: "min" | "max"; minDelta: Expr | null};

function improvement(cond: string): Test[] {
  const e = parse(cond);
  if (e?.type !== "bin" || (e.op !== "<" && e.op !== ">")) return [];
  const {op, left, right} = e;
  const name = (x: Expr) => (x.type === "name" ? x.id : null);
  // metric < best (- d) / metric > best (+ d)
  if (name(left)) {
    const metric = name(left)!;
    if (name(right)) return [{metric, best: name(right)!, mode: op === "<" ? "min" : "max", minDelta: null}];
    if (right.type === "bin" && name(right.left) && ((op === "<" && right.op === "-") || (op === ">" && right.op === "+"))) {
      return [{metric, best: name(right.left)!, mode: op === "<" ? "min" : "max", minDelta: right.right}];
    }
  }
  // best - metric > d / metric - best > d
  if (op === ">" && left.type === "bin" && left.op === "-" && name(left.left) && name(left.right)) {
    const a = name(left.left)!, b = name(left.right)!;
    return [{metric: b, best: a, mode: "min", minDelta: right}, {metric: a, best: b, mode: "max", minDelta: right}];
  }
  return [];
}

/** Reads the hand-written early stopping in the epoch loop's body; null when there is none. */
export function readEarlyStop(body: PyStmt[]): HandEarlyStop | null {
  for (let i = 0; i < body.length; i++) {
    const s = body[i];
    const m = /^if\s+(.+):$/.exec(s.text);
    const pairs = s.body.flatMap((x) => assignments(x.text));
    const test = (m ? improvement(m[1]) : []).find((t) => pairs.some(([n, v]) => n === t.best && v === t.metric));
    if (!test) continue;
    const copy = pairs.find(([, v]) => DEEPCOPY.test(v.replace(/\s+/g, "")) || DEEPCOPY.test(v));
    const reset = pairs.find(([n, v]) => v === "0" && n !== test.best);
    if (!copy) continue;
    const wait = reset?.[0];
    const lines = new Set<number>([s.line, ...s.body.map((x) => x.line)]);
    const els = body[i + 1] && /^else\s*:$/.test(body[i + 1].text) ? body[i + 1] : null;
    const rest = [...(els ? els.body : []), ...body.slice(i + (els ? 2 : 1))];
    if (els) lines.add(els.line);
    let stop: {patience: Expr; offset: 0 | 1} | null = null;
    const walk = (b: PyStmt[]) => b.forEach((x) => {
      if (els && els.body.includes(x) && new RegExp(`^${wait}\\s*\\+=\\s*1$`).test(x.text)) lines.add(x.line);
      const c = wait ? new RegExp(`^if\\s+${wait}\\s*(>=|>|==)\\s*(.+):$`).exec(x.text) : null;
      if (c && x.body.some((y) => y.text === "break")) {
        const p = parse(c[2]);
        if (p) stop = {patience: p, offset: c[1] === ">" ? 1 : 0};
        lines.add(x.line);
        x.body.forEach((y) => lines.add(y.line));
      }
    });
    walk(rest);
    if (!stop || !wait) continue;
    const found = stop as {patience: Expr; offset: 0 | 1};
    return {metric: test.metric, mode: test.mode, minDelta: test.minDelta, patience: found.patience, offset: found.offset,
      state: copy[0], model: DEEPCOPY.exec(copy[1].replace(/\s+/g, ""))![1], line: s.line, lines};
  }
  return null;
}
