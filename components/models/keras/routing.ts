/**
 * Which statements and expressions the NumPy interpreter computes (they read NumPy / sklearn / torch-tensor
 * values and nothing it cannot hold) and which stay with the translator (models, layers, torch objects). Pure.
 */
import {dotted, parseExpr, type Expr} from "./expr.js";
import type {PyStmt} from "./gd.js";
import type {Interpreter} from "./interpreter.js";
import {MODEL_OUTPUT, canon, topLevelAssign, type Val} from "./values.js";
import {isObj} from "../numpy/values.js";

const TORCH_DATA = /^torch\.(randn|rand|randint|randperm|normal|tensor|empty|as_tensor|from_numpy|Tensor|FloatTensor|LongTensor|zeros|ones|zeros_like|ones_like|arange|linspace|manual_seed|cat|stack|eye|full|where|exp|log|sin|cos|sqrt|abs|float32|float64|long|int64|float)$/;

/** True when an expression reads a NumPy/sklearn name or an array the NumPy interpreter holds. */
export function mentionsND(it: Interpreter, e: Expr): boolean {
  const walk = (x: Expr): boolean => {
    switch (x.type) {
      case "name": {
        if (it.scopeNow.has(x.id) && it.scopeNow.get(x.id)!.k !== "nd" && it.scopeNow !== it.globals) return false;
        const v = it.np.vars.get(x.id);
        return v !== undefined && !(isObj(v) && v.obj === "opaque");
      }
      case "call":
        return isTorchData(it, x, it.scopeNow) || someChild(x, walk);
      default:
        return someChild(x, walk);
    }
  };
  return walk(e);
}

export function refsOpaqueText(it: Interpreter, t: string, scope: Map<string, Val>): boolean {
  try {
    const e = parseExpr(t);
    return refsOpaque(it, e, scope) || (e.type === "call" && e.args.some((a) => a.type === "str" && a.fstring && /\b(model|history|net)\b/.test(a.value)));
  } catch {
    return true;
  }
}

/** An expression the NumPy interpreter computes: it reads NumPy values and nothing it cannot hold. */
export function npRoute(it: Interpreter, e: Expr, scope: Map<string, Val>): boolean {
  return mentionsND(it, e) && !refsOpaque(it, e, scope);
}

/** A name bound to something the NumPy interpreter cannot hold (a model, a layer, a torch object). */
export function refsOpaque(it: Interpreter, e: Expr, scope: Map<string, Val>): boolean {
  const opaque = new Set(["model", "layer", "modifier", "torch", "tensor", "input", "optimizer", "data", "class", "instance"]);
  const walk = (x: Expr): boolean => {
    switch (x.type) {
      case "name": {
        if (it.np.vars.has(x.id) && !scope.has(x.id)) return false;
        const v = it.lookup(x.id, scope);
        return !!v && (opaque.has(v.k) || (v.k === "unknown" && v.why === MODEL_OUTPUT) || (v.k === "mod" && /^(torch\.(nn|optim|utils)|torchvision|keras|tensorflow|tf\b)/.test(canon(v.path)) && !isTorchDataPath(it, v.path)));
      }
      default:
        return someChild(x, walk);
    }
  };
  return walk(e);
}

/** Whether some sub-expression of x satisfies `walk` (names and literals have none): the traversal both checks share. */
function someChild(x: Expr, walk: (y: Expr) => boolean): boolean {
  switch (x.type) {
    case "attr":
      return walk(x.obj);
    case "call":
      return walk(x.fn) || x.args.some(walk) || Object.values(x.kwargs).some(walk);
    case "index":
      return walk(x.obj) || walk(x.index);
    case "bin":
      return walk(x.left) || walk(x.right);
    case "unary":
      return walk(x.arg);
    case "tuple":
    case "list":
      return x.items.some(walk);
    case "dict":
      return x.entries.some(([k, v]) => walk(k) || walk(v)) || (x.clauses ?? []).some((c) => walk(c.iter) || c.ifs.some(walk));
    case "ifelse":
      return walk(x.cond) || walk(x.then) || walk(x.orelse);
    case "slice":
      return [x.lo, x.hi, x.step].some((y) => y && walk(y));
    case "listcomp":
      return walk(x.elt) || x.clauses.some((c) => walk(c.iter) || c.ifs.some(walk));
    case "lambda":
      return walk(x.body);
    default:
      return false;
  }
}

export function isTorchDataPath(it: Interpreter, path: string): boolean {
  return TORCH_DATA.test(path);
}

/** `torch.randn(…)`, `torch.tensor(X, dtype=torch.float32)`: tensors are NumPy arrays to the translator. */
export function isTorchData(it: Interpreter, e: Extract<Expr, {type: "call"}>, scope: Map<string, Val>): boolean {
  const d = dotted(e.fn);
  if (!d) return false;
  const root = it.lookup(d.split(".")[0], scope);
  if (root?.k !== "mod") return false;
  return isTorchDataPath(it, [root.path, ...d.split(".").slice(1)].join("."));
}

/** `a op= b` (the target may index with calls: `d[np.arange(n), y] -= 1`): target, operator, value. */
const AUG_ASSIGN = /^([\w.[\], :()]+?)\s*(\+|-|\*|\/|@|\*\*|\/\/)=(?!=)\s*(.+)$/;

/** A simple statement (assignment, call, print) over NumPy values only. */
export function isNumpyStmt(it: Interpreter, t: string, scope: Map<string, Val>): boolean {
  let exprs: Expr[];
  try {
    const eq = topLevelAssign(t);
    const aug = AUG_ASSIGN.exec(t);
    if (aug) exprs = [parseExpr(aug[1]), parseExpr(aug[3])];
    else if (eq >= 0) exprs = [parseExpr(t.slice(0, eq)), parseExpr(t.slice(eq + 1))];
    else exprs = [parseExpr(t)];
  } catch {
    return false;
  }
  const value = exprs[exprs.length - 1];
  const isData = (x: Expr) => mentionsND(it, x) || (x.type === "call" && isTorchData(it, x, scope));
  if (!exprs.some(isData) && !(value.type === "call" && isData(value))) {
    if (!(exprs.length > 1 && exprs[0].type === "index" && mentionsND(it, exprs[0]))) return false;
  }
  return !exprs.some((x) => refsOpaque(it, x, scope));
}

/** A for/while block whose statements are all NumPy (a hand-written training loop). */
export function isNumpyBlock(it: Interpreter, s: PyStmt, scope: Map<string, Val>): boolean {
  const all: PyStmt[] = [];
  const walk = (b: PyStmt[]) => b.forEach((x) => (all.push(x), walk(x.body)));
  walk([s]);
  // model.fit(…), loss.backward(), optimizer.step(): not NumPy (clf.step(0.5) on an instance of the code's own NumPy class is)
  const own = (name: string) => {
    const v = it.np.vars.get(name);
    return v !== undefined && isObj(v) && v.obj === "instance";
  };
  if (all.some((x) => [...x.text.matchAll(/([\w.]*?)(\w+)\.(fit|backward|step|zero_grad)\(/g)].some((m) => m[1] || !own(m[2])))) return false;
  let touches = false;
  for (const x of all) {
    const head = /^(?:for\s+.+?\s+in|while|if|elif)\s+(.+):$/.exec(x.text)?.[1] ?? (/^(else|try)\s*:$/.test(x.text) ? null : x.text.replace(/^return\s+/, ""));
    if (head === null || /^(pass|break|continue|return)$/.test(head)) continue;
    let e: Expr[];
    try {
      const eq = topLevelAssign(head);
      const aug = AUG_ASSIGN.exec(head);
      e = aug ? [parseExpr(aug[3])] : eq >= 0 ? [parseExpr(head.slice(eq + 1))] : [parseExpr(head)];
    } catch {
      return false;
    }
    if (e.some((y) => refsOpaque(it, y, scope))) return false;
    if (e.some((y) => mentionsND(it, y))) touches = true;
  }
  return touches;
}
