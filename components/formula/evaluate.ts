/**
 * Evaluates a formula AST. The arithmetic is pluggable (Ops): plain numbers for pages and reference checks
 * (jsOps, pure), tf tensors for autodiff in the derivation checker (tfOps.ts).
 *
 * Conventions: `x_i` inside `\sum_{i=…}` is the i-th entry (row) of `x` (1-based); a product of two vectors is
 * their dot product, matrix·vector and matrix·matrix are matrix products, scalars broadcast; `QK^T` multiplies
 * implicitly; `\sigma(·)` is the logistic sigmoid, `\text{softmax}` works on the last axis.
 */
import {FormulaError, arrowedWhole, symKey, walk, type Node, type NodeOf} from "./ast.js";
import {FormulaLimitError, MAX_ELEMENTS, MAX_EXPANSION, MAX_SUM_TERMS, WorkBudget, elementsOf} from "./limits.js";
import {grad, matpow} from "./tsRuntime.js";
import {applyBuiltin, describeShape, map, multiply, shapeOf, transpose, zip, type Value} from "./values.js";

/** Deepest evaluation recursion (nodes inside nodes, definitions inside definitions) before it is a limit error. */
export const MAX_EVAL_DEPTH = 1500;

export interface Ops<T> {
  lift(v: Value): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  div(a: T, b: T): T;
  neg(a: T): T;
  pow(a: T, b: T): T;
  transpose(a: T): T;
  call(fn: string, args: T[]): T;
  /** 1-based entry / row. */
  index(a: T, k: number): T;
  length(a: T): number;
  stack(items: T[]): T;
  toNumber(a: T): number | undefined;
  /** Shape of a value ([] for a scalar), to price an operation before it runs. */
  shape(a: T): readonly number[];
  /** Work units each arithmetic operation costs on top of the entries it touches (tf ops are slower than JS). */
  opCost?: number;
}

/** A definition the evaluator expands on use: `J(w) = …` (params) or `\hat{y}_i = w \cdot x_i` (index). */
export interface Def {
  params?: string[];
  index?: string;
  body: Node;
  /** Where the text defines it (larger is later): of two arities a call could mean, the later one. */
  order?: number;
}

export interface Scope<T> {
  ops: Ops<T>;
  /** Bound symbols by key (`y`, `\hat{y}`, `\beta_1`, `W^{(l)}`). */
  vars: Record<string, T>;
  /** Integer-valued symbols: sum indices, counts (`n`), time `t`. */
  idx?: Record<string, number>;
  defs?: Record<string, Def>;
  /** Called first for every symbol; return undefined to fall through. */
  resolve?: (n: NodeOf<"sym">, scope: Scope<T>) => T | undefined;
  /** How `\nabla_w X` / `\frac{\partial X}{\partial w}` evaluate. */
  gradient?: (n: NodeOf<"grad">, scope: Scope<T>) => T;
  /** Sums over this index return the vector of their terms instead of the total (per-sample view). */
  unsum?: string;
  latex?: string;
  /** The work counter every evaluated node, sum term and touched entry is charged to (see limits.ts). */
  budget?: WorkBudget;
  /** How many definitions are being expanded around this evaluation. */
  expansion?: number;
  /** Indexed definitions being expanded: inside `\eta_t = \eta_0 / (1 + kt)`, `\eta_0` is a given value, not the rule at 0. */
  expanding?: {name: string; at: number}[];
  /** Indices that count from 0 here (`\sum_{c=0}^{C-1} w_c`): an entry they index is the (k+1)-th of its vector. */
  zeroBased?: ReadonlySet<string>;
  /** How many entries a bold numeral (\mathbf{0}, \mathbf{1}) has: the length of the vectors beside it. */
  boldLength?: number;
}

/** Whether a subscript uses an index that counts from 0 in this scope (w_c inside \sum_{c=0}). */
function countsFromZero<T>(sub: Node, scope: Scope<T>): boolean {
  if (!scope.zeroBased?.size) return false;
  const visit = (n: Node): boolean => (n.type === "sym" && !n.sub && scope.zeroBased!.has(n.name)) || childNodes(n).some(visit);
  return visit(sub);
}

export const jsOps: Ops<Value> = {
  lift: (v) => v,
  add: (a, b) => zip(a, b, (x, y) => x + y, "sum"),
  sub: (a, b) => zip(a, b, (x, y) => x - y, "difference"),
  mul: multiply,
  div: (a, b) => zip(a, b, (x, y) => x / y, "quotient"),
  neg: (a) => map(a, (x) => -x),
  pow: (a, b) => {
    if (typeof b !== "number") throw new Error(`an exponent must be a scalar, got ${describeShape(b)}`);
    return map(a, (x) => x ** b);
  },
  transpose,
  call: applyBuiltin,
  index: (a, k) => {
    if (typeof a === "number") throw new Error("cannot take an entry of a scalar");
    if (!Number.isInteger(k) || k < 1 || k > a.length) throw new Error(`index ${k} is outside 1..${a.length}`);
    return a[k - 1] as Value;
  },
  length: (a) => (typeof a === "number" ? 1 : a.length),
  stack: (items) => {
    if (items.every((x) => typeof x === "number")) return items as number[];
    if (items.every((x) => shapeOf(x).length === 1)) return items as number[][];
    throw new Error("can only stack scalars into a vector or vectors into a matrix");
  },
  toNumber: (a) => (typeof a === "number" ? a : undefined),
  shape: (a) => shapeOf(a)
};

export function evaluateWith<T>(node: Node, scope: Scope<T>): T {
  let s: Scope<T> = scope.budget ? scope : {...scope, budget: new WorkBudget()};
  if (s.boldLength === undefined) {
    const n = boldLengthOf(node, s);
    if (n) s = {...s, boldLength: n};
  }
  try {
    return ev(node, s);
  } catch (e) {
    if (e instanceof FormulaError) throw e;
    if (e instanceof RangeError) limit(s, node, "depth", `formula nested too deeply to evaluate (${e.message})`);
    throw new FormulaError((e as Error).message, node.start, "", s.latex);
  }
}

/**
 * softmax(\mathbf{0}) − P: a bold numeral is the vector of that number with as many entries as the vectors the
 * formula uses (all of one length); undefined when it has no bold numeral or no such vector.
 */
function boldLengthOf<T>(node: Node, scope: Scope<T>): number | undefined {
  if (!hasBold(node)) return undefined;
  const lengths = new Set<number>();
  walk(node, (x) => {
    if (x.type === "sym") {
      const v = scope.vars[symKey(x.name, x.subText)];
      const shape = v === undefined ? [] : scope.ops.shape(v);
      if (shape.length === 1) lengths.add(shape[0]);
    }
  });
  return lengths.size === 1 ? [...lengths][0] : undefined;
}

/** Whether a tree holds a bold numeral, walked once per tree (evaluateWith runs on the same trees many times). */
const boldTrees = new WeakMap<Node, boolean>();
function hasBold(node: Node): boolean {
  let known = boldTrees.get(node);
  if (known === undefined) {
    known = false;
    walk(node, (x) => {
      if (x.type === "num" && x.bold) known = true;
    });
    boldTrees.set(node, known);
  }
  return known;
}

/** What the pricing helpers need of a scope. */
type Priced = {latex?: string; budget?: WorkBudget; ops: {opCost?: number}};

/** Throws a FormulaLimitError for node and records it on the scope's budget. */
function limit(scope: Priced, node: Node, kind: "depth" | "budget" | "size", reason: string): never {
  const at = scope.latex === undefined ? 0 : Math.max(0, Math.min(node.start, scope.latex.length));
  const e = new FormulaLimitError(kind, reason, at, "", scope.latex);
  if (scope.budget) return scope.budget.trip(e);
  throw e;
}

/** Charges units of work to the scope's budget. */
function work(scope: Priced, node: Node, units: number): void {
  scope.budget?.charge(units, node.start, scope.latex);
}

/** Prices an operation on operands of these shapes: its work and its result's entries (checked against MAX_ELEMENTS). */
function price(scope: Priced, node: Node, units: number, outEntries: number): void {
  if (outEntries > MAX_ELEMENTS) limit(scope, node, "size", `a value of ${outEntries.toLocaleString("en-US")} entries is larger than the engine's limit of ${MAX_ELEMENTS.toLocaleString("en-US")}`);
  work(scope, node, units + (scope.ops.opCost ?? 0));
}

function elementwise<T>(scope: Scope<T>, node: Node, ...vals: T[]): void {
  const n = Math.max(...vals.map((v) => elementsOf(scope.ops.shape(v))));
  price(scope, node, n, n);
}

/** Work and result size of a product, as `multiply` / tfOps.mul compute it. */
function product<T>(scope: Scope<T>, node: Node, a: T, b: T): void {
  const sa = scope.ops.shape(a), sb = scope.ops.shape(b);
  if (sa.length === 0 || sb.length === 0) return elementwise(scope, node, a, b);
  if (sa.length === 1 && sb.length === 1) return price(scope, node, sa[0], 1);
  if (sa.length === 2 && sb.length === 1) return price(scope, node, sa[0] * sa[1], sa[0]);
  if (sa.length === 1 && sb.length === 2) return price(scope, node, sb[0] * sb[1], sb[1]);
  return price(scope, node, sa[0] * sa[1] * (sb[1] ?? 1), sa[0] * (sb[1] ?? 1));
}

function fail(reason: string, node: Node, scope: {latex?: string}): never {
  throw new FormulaError(reason, node.start, scope.latex?.slice(node.start, node.end) ?? "", scope.latex);
}

/** Evaluates an integer-valued expression (indices, bounds, `t+1`). */
export function numeric<T>(node: Node, scope: Scope<T>): number {
  switch (node.type) {
    case "num":
      return node.value;
    case "sym": {
      const key = symKey(node.name, node.subText);
      if (scope.idx && key in scope.idx) return scope.idx[key];
      if (key in scope.vars) {
        const v = scope.ops.toNumber(scope.vars[key]);
        if (v !== undefined) return v;
      }
      return fail(`unknown symbol ${key} in an index or bound`, node, scope);
    }
    case "add":
      return node.terms.reduce((s, t) => s + t.sign * numeric(t.node, scope), 0);
    case "neg":
      return -numeric(node.arg, scope);
    case "paren":
      return numeric(node.arg, scope);
    case "mul":
      return numeric(node.left, scope) * numeric(node.right, scope);
    case "div":
      return numeric(node.num, scope) / numeric(node.den, scope);
    case "pow":
      return numeric(node.base, scope) ** numeric(node.exp, scope);
    default:
      return fail("an index or bound must be a number", node, scope);
  }
}

function ev<T>(node: Node, scope: Scope<T>): T {
  const {ops} = scope;
  const budget = scope.budget!;
  work(scope, node, 1);
  if (++budget.depth > MAX_EVAL_DEPTH) {
    budget.depth--;
    limit(scope, node, "depth", `formula nested deeper than ${MAX_EVAL_DEPTH} levels while evaluating (does a definition use itself?)`);
  }
  try {
    switch (node.type) {
      case "num":
        // \mathbf{0} beside vectors of n entries: n zeros
        if (node.bold && scope.boldLength) return ops.stack(Array.from({length: scope.boldLength}, () => ops.lift(node.value)));
        return ops.lift(node.value);
      case "sym":
        return symbol(node, scope);
      case "neg": {
        const a = ev(node.arg, scope);
        elementwise(scope, node, a);
        return ops.neg(a);
      }
      case "add": {
        let acc: T | undefined;
        for (const t of node.terms) {
          const v = ev(t.node, scope);
          if (acc === undefined) {
            if (t.sign === 1) acc = v;
            else {
              elementwise(scope, t.node, v);
              acc = ops.neg(v);
            }
            continue;
          }
          elementwise(scope, t.node, acc, v);
          acc = t.sign === 1 ? ops.add(acc, v) : ops.sub(acc, v);
        }
        return acc as T;
      }
      case "mul": {
        // f(x) where f is a defined function written as a plain symbol (`\ell(\mathbf{w})`, `J_2(\beta)`): a call.
        // (a tuple of arguments that equality.ts' normalize has made a vector: ℓ_w(−1, 1))
        if (node.op === "implicit" && node.left.type === "sym" && (node.right.type === "paren" || node.right.type === "tuple" || node.right.type === "vector")) {
          const args = node.right.type === "tuple" || node.right.type === "vector" ? node.right.items : node.right.arg.type === "list" ? node.right.arg.items : [node.right.arg];
          const def = scope.defs?.[symKey(node.left.name, node.left.subText)];
          if (def?.params?.length && !def.index) return call({type: "call", fn: symKey(node.left.name, node.left.subText), args, builtin: false, parens: "paren", start: node.start, end: node.end}, scope);
          // S_{0.5}(2) with S_\lambda(z) = …: the subscript's value for \lambda, the argument for z.
          const idef = node.left.sub ? scope.defs?.[node.left.name] : undefined;
          if (idef?.params?.length && idef.index && !(symKey(node.left.name, node.left.subText) in scope.vars)) {
            let k: number | undefined;
            try {
              k = numeric(node.left.sub!, scope);
            } catch {
              k = undefined;
            }
            if (k !== undefined) {
              if (idef.params.length !== args.length) return fail(`${node.left.name} takes ${idef.params.length} arguments, got ${args.length}`, node, scope);
              const vars = {...scope.vars, [idef.index]: ops.lift(k)};
              idef.params.forEach((p, i) => (vars[p] = ev(args[i], scope)));
              return expand(idef.body, node, {...scope, vars, idx: {...scope.idx, [idef.index]: k}});
            }
          }
        }
        // a f(x) parses as (a f)(x): re-associate when f is a defined function.
        if (node.op === "implicit" && node.left.type === "mul" && node.left.right.type === "sym" && (node.right.type === "paren" || node.right.type === "tuple")) {
          const def = scope.defs?.[symKey(node.left.right.name, node.left.right.subText)];
          if (def?.params?.length && !def.index) return ev({...node, left: node.left.left, right: {...node, left: node.left.right, right: node.right}, op: node.left.op}, scope);
        }
        const a = ev(node.left, scope), b = ev(node.right, scope);
        product(scope, node, a, b);
        return ops.mul(a, b);
      }
      case "div": {
        const a = ev(node.num, scope), b = ev(node.den, scope);
        elementwise(scope, node, a, b);
        return ops.div(a, b);
      }
      case "pow": {
        // \|x\|^2: the sum of squares (differentiable at 0, unlike the norm).
        if (node.base.type === "call" && node.base.builtin && node.base.fn === "norm" && node.base.args.length === 1 && node.exp.type === "num" && node.exp.value === 2) {
          const x = ev(node.base.args[0], scope);
          elementwise(scope, node, x);
          return ops.call("sqnorm", [x]);
        }
        const a = ev(node.base, scope), b = ev(node.exp, scope);
        // (X^T X)^{-1}, A^2: a square matrix to an integer power is a matrix power, not entrywise.
        const sa = ops.shape(a);
        if (sa.length === 2 && sa[0] === sa[1] && ops.shape(b).length === 0 && ops === (jsOps as unknown as Ops<T>)) {
          const k = b as unknown as number;
          if (Number.isInteger(k) && Math.abs(k) <= 64) {
            price(scope, node, sa[0] ** 3 * (1 + Math.ceil(Math.log2(Math.abs(k) + 1))), sa[0] * sa[0]);
            try {
              return matpow(a as unknown as number[][], k) as unknown as T;
            } catch (e) {
              return fail((e as Error).message, node, scope);
            }
          }
        }
        elementwise(scope, node, a, b);
        return ops.pow(a, b);
      }
      case "transpose": {
        const a = ev(node.arg, scope);
        elementwise(scope, node, a);
        return ops.transpose(a);
      }
      case "sqrt": {
        const a = ev(node.arg, scope);
        elementwise(scope, node, a);
        return ops.call("sqrt", [a]);
      }
      case "paren":
        return ev(node.arg, scope);
      case "vector":
        return stack(node.items.map((i) => ev(i, scope)), node, scope);
      case "call":
        return call(node, scope);
      case "sum":
        return sum(node, scope);
      case "grad":
        if (node.at) return atPoint(node, scope);
        if (!scope.gradient) return fail(`a gradient (${scope.latex?.slice(node.start, node.end) ?? "∇"}) needs a formula to differentiate or a value`, node, scope);
        return scope.gradient(node, scope);
      case "tuple": {
        // p − q ≈ (−0.2743, 0.2091, 0.0652): a tuple of numbers beside a vector is that vector
        const items = node.items.map((i) => ev(i, scope));
        if (items.length >= 2 && items.every((v) => ops.shape(v).length === 0)) return stack(items, node, scope);
        return fail("a tuple has no single value", node, scope);
      }
      case "list":
        return fail("a list of symbols has no single value", node, scope);
      case "set":
        return fail("a set has no numeric value", node, scope);
      case "ellipsis":
        return fail("an ellipsis (…) has no value", node, scope);
      case "infinity":
        return fail("∞ has no finite value", node, scope);
    }
  } catch (e) {
    if (e instanceof FormulaError) throw e;
    if (e instanceof RangeError) return limit(scope, node, "depth", `formula nested too deeply to evaluate (${e.message})`);
    return fail((e as Error).message, node, scope);
  } finally {
    budget.depth--;
  }
}

/**
 * A derivative at a point (`\frac{\partial L}{\partial w}\Big|_{(w,b)=(1,0)}`): the named symbols bound to the point's
 * values, then the derivative itself. Without names one value binds the variable, a tuple the parameters of the
 * differentiated function (`L` with `L(w, b) = …` among the definitions) in order.
 */
function atPoint<T>(node: NodeOf<"grad">, scope: Scope<T>): T {
  const at = node.at!;
  const values = at.type === "tuple" ? at.items : [at];
  let keys: string[] | undefined = node.atNames?.map((n) => (n.type === "sym" ? symKey(n.name, n.subText) : ""));
  if (!keys && values.length === 1 && node.wrt.type === "sym") keys = [symKey(node.wrt.name, node.wrt.subText)];
  if (!keys) {
    const of = node.of;
    const fn = of.type === "sym" ? symKey(of.name, of.subText) : of.type === "call" && !of.builtin ? of.fn : undefined;
    keys = fn !== undefined ? scope.defs?.[fn]?.params : undefined;
    if (!keys) return fail("a point without names needs the differentiated function's parameters (write (w, b) = (1, 0))", at, scope);
  }
  if (keys.length !== values.length || keys.some((k) => !k)) return fail(`a point of ${values.length} values for ${keys.length} names`, at, scope);
  const vars = {...scope.vars};
  keys.forEach((k, i) => (vars[k] = ev(values[i], scope)));
  const {at: _at, atNames: _names, ...bare} = node;
  // ∂L/∂w with L(w, b) = …: L at the bound parameters
  const of = node.of, params = of.type === "sym" ? scope.defs?.[symKey(of.name, of.subText)]?.params : undefined;
  if (of.type === "sym" && params?.length) {
    const args: Node[] = params.map((p) => ({type: "sym", name: p, start: of.start, end: of.start}));
    bare.of = {type: "call", fn: symKey(of.name, of.subText), args, builtin: false, parens: "paren", start: of.start, end: of.end};
  }
  return ev(bare as Node, {...scope, vars});
}

/** ops.stack, priced by the entries it gathers. */
function stack<T>(items: T[], node: Node, scope: Scope<T>): T {
  let n = 0;
  for (const x of items) n += elementsOf(scope.ops.shape(x));
  price(scope, node, n, n);
  return scope.ops.stack(items);
}

/** Evaluates a definition's body in place of a use, at most MAX_EXPANSION definitions deep. */
function expand<T>(body: Node, at: Node, scope: Scope<T>): T {
  const expansion = (scope.expansion ?? 0) + 1;
  if (expansion > MAX_EXPANSION) limit(scope, at, "depth", `definitions expand deeper than ${MAX_EXPANSION} levels (does a definition use itself?)`);
  return evaluateWith(body, {...scope, expansion});
}

function symbol<T>(node: NodeOf<"sym">, scope: Scope<T>): T {
  const hooked = scope.resolve?.(node, scope);
  if (hooked !== undefined) return hooked;
  const key = symKey(node.name, node.subText);
  if (key in scope.vars) return scope.vars[key];
  if (scope.idx && key in scope.idx) return scope.ops.lift(scope.idx[key]);
  const two = twoIndices(node.sub);
  if (two) {
    // x_{ij}: row i, column j of x, or of the matrix X when x is not a value of its own.
    const m = scope.vars[node.name] ?? (/^[a-z]$/.test(node.name) ? scope.vars[node.name.toUpperCase()] : undefined);
    const matrix = m !== undefined && scope.ops.shape(m).length === 2;
    // \delta_{ij} with both indices bound and no value of its own: Kronecker's delta.
    if (matrix || isKronecker(node, scope.vars)) {
      let r: number, c: number;
      try {
        r = numeric(two[0], scope);
        c = numeric(two[1], scope);
      } catch {
        return fail(`unknown symbol ${key}`, node, scope);
      }
      if (matrix && countsFromZero(two[0], scope)) r += 1;
      if (matrix && countsFromZero(two[1], scope)) c += 1;
      return matrix ? scope.ops.index(scope.ops.index(m!, r), c) : scope.ops.lift(r === c ? 1 : 0);
    }
  }
  if (node.sub) {
    // x_i beside a data matrix X and no x of its own: the i-th row of X.
    const upper = /^[a-z]$/.test(node.name) && scope.vars[node.name] === undefined ? scope.vars[node.name.toUpperCase()] : undefined;
    // x_1 beside \vec{x} and no x of its own: the first entry of \vec{x}.
    const arrowed = scope.vars[node.name] === undefined && !scope.defs?.[node.name] ? scope.vars[arrowedWhole(node.name)] : undefined;
    const base = scope.vars[node.name] ?? arrowed ?? (upper !== undefined && scope.ops.shape(upper).length === 2 && !scope.defs?.[node.name] ? upper : undefined);
    const def = scope.defs?.[node.name];
    if (base !== undefined || def?.index) {
      let k: number;
      try {
        k = numeric(node.sub, scope);
      } catch {
        return fail(`unknown symbol ${key}`, node, scope);
      }
      if (base !== undefined) return scope.ops.index(base, countsFromZero(node.sub, scope) ? k + 1 : k);
      // Inside \eta_t at t = 2, \eta_0 is a given value (another index of the rule being expanded); the same index
      // again (\hat{y}_i = … + \hat{y}_i) is a definition that uses itself and ends at the expansion limit.
      const other = scope.expanding?.some((x) => x.name === node.name && x.at !== k);
      // η_0 inside η_t = η_0 e^{−kt}: the start the definition is written in, a given value, never the definition at 0
      const start = def!.body && symbolUses(def!.body).some((u) => u.node.name === node.name && u.node.sub?.type === "num" && u.node.sub.value === k);
      if (start) return fail(`unknown symbol ${key} (the value ${node.name}_{${k}} the definition starts from)`, node, scope);
      // (s_i at i = 0 of \sum_{i=0}: inside its definition the index counts from 0 too)
      const zero = countsFromZero(node.sub, scope) ? new Set([...(scope.zeroBased ?? []), def!.index!]) : scope.zeroBased;
      // (the body's t is the index, k, whatever value a t of the text's has: η_{100} of η_t = η_max t/T_w beside t = 0)
      const vars = def!.index! in scope.vars ? Object.fromEntries(Object.entries(scope.vars).filter(([v]) => v !== def!.index)) : scope.vars;
      if (!other) return expand(def!.body, node, {...scope, vars, idx: {...scope.idx, [def!.index!]: k}, expanding: [...(scope.expanding ?? []), {name: node.name, at: k}], zeroBased: zero});
    }
  } else {
    const def = scope.defs?.[node.name];
    if (def && !def.params?.length && !def.index) return expand(def.body, node, scope);
    // e and \pi mean what they mean unless bound or defined.
    if (key === "e") return scope.ops.lift(Math.E);
    if (key === "\\pi") return scope.ops.lift(Math.PI);
  }
  return fail(`unknown symbol ${key}`, node, scope);
}

function call<T>(node: NodeOf<"call">, scope: Scope<T>): T {
  const args = node.args.map((a) => ev(a, scope));
  // \cos(u, v) that the chapter defines in two arguments: its definition, not the builtin
  const own = node.builtin && args.length > 1 ? scope.defs?.[`${node.fn}#${args.length}`] ?? scope.defs?.[node.fn] : undefined;
  if (own?.params?.length === args.length) return call({...node, builtin: false}, scope);
  if (node.builtin) {
    const shapes = args.map((a) => scope.ops.shape(a));
    const entries = shapes.map(elementsOf);
    if (node.fn === "Attention" && shapes.length === 3 && shapes.every((s) => s.length === 2)) {
      const [q, k, v] = shapes;
      price(scope, node, q[0] * k[0] * (q[1] + v[1]), q[0] * v[1]);
    } else price(scope, node, entries.reduce((a, b) => a + b, 0), Math.max(1, ...entries));
    return scope.ops.call(node.fn, args);
  }
  let def = scope.defs?.[`${node.fn}#${args.length}`] ?? scope.defs?.[node.fn];
  // f(θ_0) with a point θ_0 ∈ ℝ²: f(x) = … or f(x, y) = …, whichever the text defined last
  if (args.length === 1 && scope.ops.shape(args[0]).length === 1) {
    const k = scope.ops.length(args[0]);
    const spread = [scope.defs?.[`${node.fn}#${k}`], scope.defs?.[node.fn]].find((d) => d?.params?.length === k);
    if (spread && def && def !== spread && (spread.order ?? -1) > (def.order ?? -1)) def = spread;
  }
  if (def?.params) {
    // f(θ_0) with f(x, y) = … and θ_0 = (1, 1): a point's coordinates are the arguments, in order
    if (def.params.length > 1 && args.length === 1 && !node.argNames && scope.ops.length(args[0]) === def.params.length && scope.ops.shape(args[0]).length === 1) {
      const point = args[0];
      const vars = {...scope.vars};
      def.params.forEach((p, i) => (vars[p] = scope.ops.index(point, i + 1)));
      return expand(def.body, node, {...scope, vars});
    }
    if (def.params.length !== args.length) {
      // H(p) beside the chapter's H(p, q) = −Σ p ln q: the entropy, in the arity the chapter does not define
      return informationMeasure(node, args, scope) ?? fail(`${node.fn} takes ${def.params.length} arguments, got ${args.length}`, node, scope);
    }
    const vars = {...scope.vars};
    const named = node.argNames;
    if (named && def.params.some((p) => !named.includes(p))) return fail(`${node.fn}'s parameters are ${def.params.join(", ")}, not ${named.join(", ")}`, node, scope);
    def.params.forEach((p, i) => (vars[p] = args[named ? named.indexOf(p) : i]));
    return expand(def.body, node, {...scope, vars});
  }
  // X(Xw - y) with X a value, not a function: a product.
  const value = scope.vars[node.fn] ?? (scope.resolve ? scope.resolve({type: "sym", name: node.fn, start: node.start, end: node.start}, scope) : undefined);
  if (value !== undefined && args.length === 1) {
    product(scope, node, value, args[0]);
    return scope.ops.mul(value, args[0]);
  }
  return informationMeasure(node, args, scope) ?? fail(`unknown function ${node.fn}`, node, scope);
}

/** KL(p ‖ q), D_KL(p ‖ q), H(p), H(p, q) in an arity the chapter does not define: relative entropy, entropy, cross-entropy (in nats). */
function informationMeasure<T>(node: NodeOf<"call">, args: T[], scope: Scope<T>): T | undefined {
  const info = INFORMATION[node.fn]?.[args.length];
  if (!info) return undefined;
  price(scope, node, args.reduce((n, a) => n + elementsOf(scope.ops.shape(a)), 0), 1);
  return scope.ops.call(info, args);
}

/** Information measures by name and number of arguments, when the chapter does not define them itself. */
const INFORMATION: Record<string, Record<number, string>> = {
  KL: {2: "kl"}, "D_{KL}": {2: "kl"}, "D_{\\mathrm{KL}}": {2: "kl"}, "D_{\\text{KL}}": {2: "kl"}, "D_{\\operatorname{KL}}": {2: "kl"},
  H: {1: "entropy", 2: "crossEntropy"}
};

function sum<T>(node: NodeOf<"sum">, scope: Scope<T>): T {
  const from = node.from ? numeric(node.from, scope) : 1;
  let to: number | undefined;
  if (node.to) {
    try {
      to = numeric(node.to, scope);
    } catch (e) {
      // \sum_{k=1}^{K} over a vector given as an argument ([0.8, 0.2]): K is its length.
      if (node.to.type !== "sym" || node.to.sub) throw e;
      to = indexedLength(node.body, node.index, scope);
      if (to === undefined) throw e;
    }
  } else {
    const len = indexedLength(node.body, node.index, scope);
    if (len === undefined) return fail(`\\sum_{${node.index}} has no upper bound and no indexed symbol to take it from`, node, scope);
    to = len;
  }
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) return fail(`sum bounds must be integers, got ${from}..${to}`, node, scope);
  const count = Math.max(0, to - from + 1);
  const op = node.op === "prod" ? "\\prod" : "\\sum";
  if (count > MAX_SUM_TERMS) return limit(scope, node, "budget", `work budget exceeded (${op} over ${count.toLocaleString("en-US")} terms; at most ${MAX_SUM_TERMS.toLocaleString("en-US")})`);
  // Fail before the first term when the terms alone would spend more than is left.
  if (scope.budget && count > scope.budget.left) work(scope, node, count);
  const terms: T[] = [];
  // \sum_{c=0}^{C-1} w_c: inside, c counts from 0 (w_0 is the vector's first entry); a sum from 1 counts from 1
  const zeroBased = new Set(scope.zeroBased ?? []);
  if (from === 0) zeroBased.add(node.index);
  else zeroBased.delete(node.index);
  for (let i = from; i <= to; i++) terms.push(ev(node.body, {...scope, idx: {...scope.idx, [node.index]: i}, zeroBased}));
  if (scope.unsum === node.index) return stack(terms, node, scope);
  if (!terms.length) return scope.ops.lift(node.op === "prod" ? 1 : 0);
  return terms.reduce((a, b) => {
    if (node.op === "prod") product(scope, node, a, b);
    else elementwise(scope, node, a, b);
    return node.op === "prod" ? scope.ops.mul(a, b) : scope.ops.add(a, b);
  });
}

/** Length of the first bound array indexed by `index` in body (for `\sum_{i}` without bounds). */
function indexedLength<T>(body: Node, index: string, scope: Scope<T>): number | undefined {
  let found: number | undefined;
  const visit = (n: Node): void => {
    if (found !== undefined) return;
    if (n.type === "sym" && n.subText === index && n.name in scope.vars) found = scope.ops.length(scope.vars[n.name]);
    for (const c of childNodes(n)) visit(c);
  };
  visit(body);
  return found;
}

import {children as childNodes} from "./ast.js";
import {isKronecker, symbolUses, twoIndices} from "./symbols.js";

export interface EvaluateOptions {
  defs?: Record<string, Def>;
  idx?: Record<string, number>;
  /** Gradients by central differences of the differentiated expression (needs it to be defined). */
  numericGradients?: boolean;
  unsum?: string;
  latex?: string;
  /** Work counter to charge (default: a fresh one of WORK_PER_EVALUATION units for this call). */
  budget?: WorkBudget;
}

/** Evaluates with plain numbers. Throws FormulaError (what and where) for unknown symbols and shape errors. */
export function evaluate(node: Node, bindings: Record<string, Value>, options: EvaluateOptions = {}): Value {
  const scope: Scope<Value> = {
    ops: jsOps,
    vars: bindings,
    idx: options.idx ?? {},
    defs: options.defs ?? {},
    ...(options.numericGradients ? {gradient: numericGradient} : {}),
    ...(options.unsum ? {unsum: options.unsum} : {}),
    ...(options.latex !== undefined ? {latex: options.latex} : {}),
    budget: options.budget ?? new WorkBudget()
  };
  return evaluateWith(node, scope);
}

/** ∂(of)/∂(wrt) by central differences; `of` must be scalar. The result has the shape of wrt's value. */
export function numericGradient(node: NodeOf<"grad">, scope: Scope<Value>): Value {
  if (node.wrt.type !== "sym") return fail("can only differentiate with respect to a symbol", node.wrt, scope);
  const key = symKey(node.wrt.name, node.wrt.subText);
  const x = scope.vars[key];
  if (x === undefined) return fail(`cannot differentiate with respect to ${key}: it has no value`, node.wrt, scope);
  const at = (v: Value): Value => evaluateWith(node.of, {...scope, vars: {...scope.vars, [key]: v}});
  // ∇²f(θ) = ∇(∇f(θ)): the derivative of a vector (a gradient) is its Jacobian, one row per entry
  if (node.of.type === "grad" && (typeof x === "number" || !Array.isArray(x[0]))) {
    const y0 = at(x);
    if (Array.isArray(y0) && !Array.isArray(y0[0])) {
      if (typeof x !== "number") return jacobian(at, x as number[], y0.length, node, scope);
      const column = jacobian((v) => at((v as number[])[0]), [x], y0.length, node, scope);
      return column.map((row) => row[0]);
    }
  }
  const f = (v: Value): number => {
    const y = at(v);
    if (typeof y !== "number") return fail(`can only differentiate a scalar, ${scope.latex?.slice(node.of.start, node.of.end) ?? "it"} is ${describeShape(y)}`, node.of, scope);
    return y;
  };
  // the same central differences the compiled formulas run (tsRuntime.grad), so both read a gradient alike
  return grad(f, x);
}

/** J[i][j] = ∂y_i/∂x_j by central differences, with a step (1e-4 · max(1, |x_j|)) for a y that is itself a difference quotient. */
function jacobian(y: (v: Value) => Value, x: number[], m: number, node: Node, scope: Scope<Value>): number[][] {
  const cols = x.map((v, j) => {
    const h = 1e-4 * Math.max(1, Math.abs(v));
    const up = x.slice(), down = x.slice();
    up[j] += h;
    down[j] -= h;
    const a = y(up), b = y(down);
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== m || b.length !== m) return fail("the Jacobian needs a vector of the same length at every point", node, scope);
    return (a as number[]).map((ai, i) => (ai - (b as number[])[i]) / (2 * h));
  });
  return Array.from({length: m}, (_, i) => cols.map((c) => c[i]));
}
