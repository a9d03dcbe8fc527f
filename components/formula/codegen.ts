/**
 * compilePlan(plan) → the TypeScript a formula compiles to: one readable function per equation, e.g.
 *   function MSE({y, yHat, n}: {y: number[]; yHat: number[]; n: number}): number {
 *     return (1 / n) * sum(1, n, (i) => (y[i - 1] - yHat[i - 1]) ** 2);
 *   }
 * calling the typed runtime in tsRuntime.ts (an update rule: its step function, the objective's gradient and the loop
 * of iterates, codegenRecurrence.ts). Pure: no DOM, no tf. It follows the interpreter's reading exactly
 * (evaluate.ts: vars before indices, 1-based entries, products by shape, sums, definitions expanded in place, numeric
 * gradients), with the shapes of the plan's seeded values, so the compiled function and runPlan agree.
 *
 * Security: the chapter is untrusted and this code runs in the page. The output holds only identifiers made by
 * `identifier()` (/^[A-Za-z_][A-Za-z0-9_]*$/, never a reserved word, a global or a runtime name), numeric literals of
 * finite numbers, the runtime's fixed names and fixed punctuation. No chapter text is ever copied into it.
 */
import {arrowedWhole, children, FormulaError, symKey, type Node, type NodeOf} from "./ast.js";
import {parseExpression} from "./parse.js";
import {twoIndices} from "./symbols.js";
import type {CellPlan} from "./types.js";
import {shapeOf, type Value} from "./values.js";
import {RUNTIME, runtimeScript, SPECIAL_NAMES} from "./tsRuntime.js";
import type {Job} from "../homework/harness.js";
import {tFormula} from "../i18n/formula.js";
import {compileRecurrencePlan} from "./codegenRecurrence.js";

type Shape = number[];

/** A formula the code generator does not cover (the page then runs the interpreter alone). */
export class CodegenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "CodegenError";
  }
}

export interface CompiledFormula {
  /** TypeScript: the runtime import, then one function per equation. */
  source: string;
  /** The same functions without types (what the page runs). */
  js: string;
  /**
   * One per compiled equation, in order. A system (lines whose values the later lines use) is one function that
   * returns every line's value: `field` names the equation's.
   */
  functions: {name: string; equation: number; field?: string}[];
  /** The argument object's fields: symbol key → identifier. */
  params: {key: string; name: string}[];
  /** Runtime functions the code calls. */
  runtime: string[];
  /**
   * An update rule's code: `iterates` is the function (listed in `functions`) that returns the iterates
   * [{t, w, loss}], called with the hyper-parameters (params) and the number of steps under the name `steps`.
   */
  recurrence?: {iterates: string; steps: string};
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set(
  ("break case catch class const continue debugger default delete do else enum export extends false finally for function if import in " +
    "instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package " +
    "private protected public await async of get set arguments eval undefined NaN Infinity globalThis window self document top parent frames " +
    "fetch XMLHttpRequest WebSocket Worker importScripts postMessage location navigator localStorage sessionStorage indexedDB setTimeout " +
    "setInterval queueMicrotask require module exports process global Function Object Array Number String Boolean Symbol Math JSON Reflect Proxy " +
    "Promise Error Date RegExp Map Set WeakMap constructor prototype toString valueOf hasOwnProperty isPrototypeOf propertyIsEnumerable " +
    "toLocaleString console alert confirm prompt open close name length caller callee test assert assertEqual assertClose assertAllClose " +
    "assertThrows mulberry32 randn randArray randMatrix numericGrad seed").split(/\s+/)
);
const RUNTIME_NAMES = new Set([...Object.keys(RUNTIME), ...SPECIAL_NAMES]);
const GREEK_SUFFIX: Record<string, string> = {hat: "Hat", bar: "Bar", tilde: "Tilde", dot: "Dot", ddot: "Ddot", check: "Check", widehat: "Hat", overline: "Bar", widetilde: "Tilde"};

/** A symbol key (`\hat{y}`, `\beta_1`, `W^{(l)}`, `y'`) → a safe identifier (yHat, beta_1, W_l, yPrime). */
export function identifier(key: string, taken: Set<string> = new Set()): string {
  let s = key.replace(/\s+/g, "");
  for (let k = 0; k < 8; k++) {
    const before = s;
    s = s.replace(/\\(hat|bar|tilde|dot|ddot|check|widehat|overline|widetilde)\{([^{}]*)\}/g, (_, acc: string, x: string) => `${x}${GREEK_SUFFIX[acc]}`);
    s = s.replace(/\\(?:mathbf|boldsymbol|bm|mathrm|mathit|text|textbf|operatorname|vec|mathcal|mathbb)\{([^{}]*)\}/g, "$1");
    if (s === before) break;
  }
  s = s
    .replace(/'/g, "Prime")
    .replace(/\^\{?\*\}?/g, "Star")
    .replace(/\\([A-Za-z]+)/g, "$1")
    .replace(/[^A-Za-z0-9_]+/g, "_")
    .replace(/_+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (!s || !/^[A-Za-z]/.test(s)) s = `v_${s}`.replace(/_+$/, "");
  if (RESERVED.has(s) || RUNTIME_NAMES.has(s)) s = `${s}_v`;
  let out = s;
  for (let n = 2; taken.has(out); n++) out = `${s}_${n}`;
  if (!IDENT.test(out)) throw new CodegenError("internal: unsafe identifier");
  taken.add(out);
  return out;
}

/** A finite number as a JavaScript literal (negative ones in parentheses). */
function literal(x: number): string {
  if (!Number.isFinite(x)) throw new CodegenError(`a non-finite number (${x}) has no literal`);
  const s = String(x);
  if (!/^-?[0-9.]+(e[+-]?[0-9]+)?$/.test(s)) throw new CodegenError("internal: unexpected number text");
  return x < 0 || Object.is(x, -0) ? `(${s})` : s;
}

interface Expr {
  code: string;
  shape: Shape;
  /** Precedence of its top operator: ATOM (names, calls, literals, entries), UNARY, POW, MUL, ADD. */
  prec: number;
  /** Its value when known before running (literals and counts): sizes a per-sample vector. */
  value?: number;
}

const ATOM = 20, UNARY = 15, POW = 14, MUL = 13, ADD = 12;
const atom = (code: string, shape: Shape, value?: number): Expr => ({code, shape, prec: ATOM, ...(value !== undefined ? {value} : {})});

interface Param {
  name: string;
  shape: Shape;
  /** A value an earlier line of a system computed (a local constant, not an argument). */
  local?: boolean;
}

interface Env {
  vars: Map<string, Param>;
  /** Integer symbols: counts (a param name or a literal) and sum indices (loop variables). */
  idx: Map<string, {code: string; key?: string; value?: number}>;
  defs: Record<string, {index: string; body: Node}>;
  unsum?: string;
  gradients: boolean;
  expanding: string[];
  used: Set<string>;
  params: Set<string>;
  /** Identifiers already given out (params, loop variables). */
  taken: Set<string>;
  typed: boolean;
  /** Products of two vectors are entrywise (an update rule's g ⊙ g, η/√s · g), not dot products. */
  entrywise?: boolean;
  /** How a gradient compiles when the caller supplies it (an update rule's ∇J at the weights or a look-ahead point). */
  gradientOf?: (node: NodeOf<"grad">, env: Env) => Expr;
}

const wrap = (e: Expr): string => (e.prec === ATOM ? e.code : `(${e.code})`);

/** a op b for scalars, parenthesised exactly as the tree is (JavaScript's precedence, left-associative + - * /). */
function binary(op: string, a: Expr, b: Expr): Expr {
  const p = op === "+" || op === "-" ? ADD : op === "**" ? POW : MUL;
  const left = (p === POW ? a.prec === ATOM : a.prec >= p) ? a.code : wrap(a);
  const right = b.prec > p && b.prec !== UNARY && !(p === POW && b.prec !== ATOM) ? b.code : wrap(b);
  return {code: `${left} ${op} ${right}`, shape: [], prec: p};
}
const negate = (a: Expr): Expr => ({code: `-${wrap(a)}`, shape: [], prec: UNARY});
const same = (a: Shape, b: Shape) => a.length === b.length && a.every((d, i) => d === b[i]);
const describe = (s: Shape) => (s.length === 0 ? "a scalar" : s.length === 1 ? `a vector of ${s[0]}` : `a ${s[0]}×${s[1]} matrix`);

function call(env: Env, fn: string, args: string[], shape: Shape): Expr {
  env.used.add(fn);
  return atom(`${fn}(${args.join(", ")})`, shape);
}

/** Shape of an elementwise combination (zip in values.ts). */
function broadcast(a: Shape, b: Shape, what: string): Shape {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  if (same(a, b)) return a;
  if (a.length === 2 && b.length === 1 && a[1] === b[0]) return a;
  if (a.length === 1 && b.length === 2 && b[1] === a[0]) return b;
  throw new CodegenError(`${what}: cannot combine ${describe(a)} with ${describe(b)}`);
}

function elementwise(env: Env, op: "+" | "-" | "*" | "/", a: Expr, b: Expr): Expr {
  const shape = broadcast(a.shape, b.shape, op);
  if (!a.shape.length && !b.shape.length) return binary(op, a, b);
  return call(env, {"+": "add", "-": "sub", "*": "mul", "/": "div"}[op], [a.code, b.code], shape);
}

/** Products as multiply() in values.ts: scalars scale, vector·vector is the dot product, matrices multiply. */
function product(env: Env, a: Expr, b: Expr): Expr {
  const sa = a.shape, sb = b.shape;
  if (!sa.length || !sb.length || (env.entrywise && sa.length === 1 && sb.length === 1)) return elementwise(env, "*", a, b);
  if (sa.length === 1 && sb.length === 1) {
    if (sa[0] !== sb[0]) throw new CodegenError(`product: vectors of ${sa[0]} and ${sb[0]} entries`);
    return call(env, "dot", [a.code, b.code], []);
  }
  if (sa.length === 2 && sb.length === 1) {
    if (sa[1] !== sb[0]) throw new CodegenError(`product: ${describe(sa)} times ${describe(sb)}`);
    return call(env, "matvec", [a.code, b.code], [sa[0]]);
  }
  if (sa.length === 1 && sb.length === 2) {
    if (sa[0] !== sb[0]) throw new CodegenError(`product: ${describe(sa)} times ${describe(sb)}`);
    return call(env, "vecmat", [a.code, b.code], [sb[1]]);
  }
  if (sa[1] !== sb[0]) throw new CodegenError(`product: ${describe(sa)} times ${describe(sb)}`);
  return call(env, "matmul", [a.code, b.code], [sa[0], sb[1]]);
}

/** A count or a sum index by key (a count bound as a symbol is read from the arguments). */
function index(env: Env, key: string): Expr | undefined {
  const i = env.idx.get(key);
  if (!i) return undefined;
  if (i.key) env.params.add(i.key);
  return atom(i.code, [], i.value);
}

function param(env: Env, key: string): Expr | undefined {
  const p = env.vars.get(key);
  if (!p) return undefined;
  if (!p.local) env.params.add(key);
  return atom(p.name, p.shape);
}

/** An integer expression (indices, bounds, `t+1`), as numeric() in evaluate.ts. */
function numeric(node: Node, env: Env): Expr {
  const arith = (op: string, a: Node, b: Node): Expr => {
    const x = numeric(a, env), y = numeric(b, env);
    const e = binary(op, x, y);
    if (x.value !== undefined && y.value !== undefined) e.value = op === "*" ? x.value * y.value : op === "/" ? x.value / y.value : x.value ** y.value;
    return e;
  };
  switch (node.type) {
    case "num":
      return atom(literal(node.value), [], node.value);
    case "sym": {
      const key = symKey(node.name, node.subText);
      const i = index(env, key);
      if (i) return i;
      const p = param(env, key);
      if (p && !p.shape.length) return p;
      throw new CodegenError(`unknown symbol ${key} in an index or bound`);
    }
    case "add": {
      let acc: Expr | undefined;
      for (const t of node.terms) {
        const e = numeric(t.node, env);
        if (!acc) acc = t.sign === 1 ? e : {...negate(e), ...(e.value !== undefined ? {value: -e.value} : {})};
        else {
          const v = acc.value !== undefined && e.value !== undefined ? acc.value + t.sign * e.value : undefined;
          acc = {...binary(t.sign === 1 ? "+" : "-", acc, e), ...(v !== undefined ? {value: v} : {})};
        }
      }
      return acc!;
    }
    case "neg": {
      const e = numeric(node.arg, env);
      return {...negate(e), ...(e.value !== undefined ? {value: -e.value} : {})};
    }
    case "paren":
      return numeric(node.arg, env);
    case "mul":
      return arith("*", node.left, node.right);
    case "div":
      return arith("/", node.num, node.den);
    case "pow":
      return arith("**", node.base, node.exp);
    default:
      throw new CodegenError("an index or bound must be a number");
  }
}

/** `x[k - 1]`: the k-th (1-based) entry or row. */
function entry(base: Expr, k: Expr): Expr {
  if (!base.shape.length) throw new CodegenError("cannot take an entry of a scalar");
  const at = /^[0-9]+$/.test(k.code) ? String(Number(k.code) - 1) : `${k.prec > ADD ? k.code : wrap(k)} - 1`;
  return atom(`${base.code}[${at}]`, base.shape.slice(1));
}

function symbol(node: NodeOf<"sym">, env: Env): Expr {
  const key = symKey(node.name, node.subText);
  const p = param(env, key);
  if (p) return p;
  const i = index(env, key);
  if (i) return i;
  const two = twoIndices(node.sub);
  if (two) {
    const whole = env.vars.has(node.name) ? node.name : /^[a-z]$/.test(node.name) && env.vars.has(node.name.toUpperCase()) ? node.name.toUpperCase() : undefined;
    const m = whole !== undefined ? param(env, whole) : undefined;
    if (m && m.shape.length === 2) return entry(entry(m, numeric(two[0], env)), numeric(two[1], env));
  }
  if (node.sub) {
    const def = env.defs[node.name];
    // x_1 beside \vec{x} and no x of its own: the first entry of \vec{x}
    const base = env.vars.has(node.name) ? param(env, node.name) : !def && env.vars.has(arrowedWhole(node.name)) ? param(env, arrowedWhole(node.name)) : undefined;
    if (base) return entry(base, numeric(node.sub, env));
    if (def) {
      if (env.expanding.includes(node.name)) throw new CodegenError(`the definition of ${node.name} uses itself`);
      const k = numeric(node.sub, env);
      const idx = new Map(env.idx).set(def.index, {code: wrap(k), ...(k.value !== undefined ? {value: k.value} : {})});
      return expr(def.body, {...env, idx, expanding: [...env.expanding, node.name]});
    }
  } else {
    if (key === "e") return atom("Math.E", []);
    if (key === "\\pi") return atom("Math.PI", []);
  }
  throw new CodegenError(`unknown symbol ${key}`);
}

const UNARY_FNS: Record<string, string> = {log: "log", ln: "log", exp: "exp", sqrt: "sqrt", sin: "sin", cos: "cos", tan: "tan", arcsin: "asin", arccos: "acos", arctan: "atan", tanh: "tanh", sinh: "sinh", cosh: "cosh", abs: "abs", sign: "sign", relu: "relu", sigma: "sigmoid",
  floor: "floor", ceil: "ceil", softplus: "softplus", erf: "erfOf", Phi: "Phi", phi: "phi", factorial: "factorialOf"};
/** Relations in conditions: 1 where they hold, else 0, entrywise (values.ts COMPARE). */
const COMPARISONS = new Set(["lt", "le", "gt", "ge", "eq", "neq", "and"]);

function builtin(node: NodeOf<"call">, env: Env): Expr {
  const args = node.args.map((a) => expr(a, env));
  const one = (): Expr => {
    if (args.length !== 1) throw new CodegenError(`${node.fn} takes one argument, got ${args.length}`);
    return args[0];
  };
  const fn = UNARY_FNS[node.fn];
  if (fn) return call(env, fn, [one().code], one().shape);
  if (COMPARISONS.has(node.fn)) {
    if (args.length !== 2) throw new CodegenError(`a comparison takes two operands, got ${args.length}`);
    return call(env, node.fn, [args[0].code, args[1].code], broadcast(args[0].shape, args[1].shape, "comparison"));
  }
  switch (node.fn) {
    case "indicator":
      // 𝟙[c]: the condition's own 0/1 value
      return one();
    case "hadamard":
      if (args.length !== 2) throw new CodegenError(`⊙ takes two operands, got ${args.length}`);
      return call(env, "mul", [args[0].code, args[1].code], broadcast(args[0].shape, args[1].shape, "entrywise product"));
    case "diag": {
      const s = one().shape;
      return call(env, "diag", [one().code], s.length === 2 ? [Math.min(s[0], s[1])] : s.length === 1 ? [s[0], s[0]] : [1, 1]);
    }
    case "cases": {
      if (args.length < 2 || args.length % 2) throw new CodegenError(`cases takes (value, condition) pairs, got ${args.length} arguments`);
      const shape = args.reduce<Shape>((s, a) => broadcast(s, a.shape, "cases"), []);
      return call(env, "cases", args.map((a) => a.code), shape);
    }
    case "norm":
    case "sqnorm":
    case "norm1":
    case "norm2":
      return call(env, node.fn, [one().code], []);
    case "det":
    case "tr": {
      const m = one();
      if (m.shape.length !== 2) throw new CodegenError(`${node.fn} needs a square matrix`);
      return call(env, node.fn === "det" ? "det" : "trace", [m.code], []);
    }
    case "softmax":
      return call(env, "softmax", [one().code], one().shape);
    case "max":
    case "min": {
      const [a, b] = args;
      if (args.length === 2 && (a.shape.length > 0) !== (b.shape.length > 0)) return call(env, node.fn === "max" ? "maximum" : "minimum", [a.code, b.code], a.shape.length ? a.shape : b.shape);
      return call(env, node.fn, args.map((x) => x.code), []);
    }
    case "Attention": {
      if (args.length !== 3 || !args.every((x) => x.shape.length === 2)) throw new CodegenError("Attention takes three matrices (Q, K, V)");
      return call(env, "attention", args.map((x) => x.code), [args[0].shape[0], args[2].shape[1]]);
    }
    default:
      throw new CodegenError(`unknown function ${node.fn}`);
  }
}

/** Length of the first bound array indexed by `index` in body (a sum without an upper bound). */
function indexedLength(body: Node, index: string, env: Env): Expr | undefined {
  let found: Expr | undefined;
  const visit = (n: Node): void => {
    if (found) return;
    if (n.type === "sym" && n.subText === index && env.vars.has(n.name)) {
      const p = param(env, n.name)!;
      if (!p.shape.length) throw new CodegenError(`${n.name} is a scalar`);
      found = atom(`${p.code}.length`, [], p.shape[0]);
    }
    for (const c of children(n)) visit(c);
  };
  visit(body);
  return found;
}

function sum(node: NodeOf<"sum">, env: Env): Expr {
  const from = node.from ? numeric(node.from, env) : atom("1", [], 1);
  let to: Expr | undefined;
  if (node.to) {
    try {
      to = numeric(node.to, env);
    } catch (e) {
      if (node.to.type !== "sym" || node.to.sub) throw e;
      to = indexedLength(node.body, node.index, env);
      if (!to) throw e;
    }
  } else to = indexedLength(node.body, node.index, env);
  if (!to) throw new CodegenError(`\\sum_{${node.index}} has no upper bound and no indexed symbol to take it from`);
  const loop = identifier(node.index, new Set(env.taken));
  const body = expr(node.body, {...env, idx: new Map(env.idx).set(node.index, {code: loop})});
  const head = `${loop}${env.typed ? ": number" : ""}`;
  if (env.unsum === node.index) {
    if (body.shape.length > 1) throw new CodegenError("terms of a per-sample view must be scalars or vectors");
    const n = from.value !== undefined && to.value !== undefined ? Math.max(0, to.value - from.value + 1) : -1;
    return call(env, "terms", [from.code, to.code, `(${head}) => ${body.code}`], [n, ...body.shape]);
  }
  if (node.op === "prod" && body.shape.length) throw new CodegenError("a product over an index of vectors");
  return call(env, node.op === "prod" ? "prod" : "sum", [from.code, to.code, `(${head}) => ${body.code}`], body.shape);
}

/**
 * A derivative at a stated point (`∂L/∂w|_{w=1}`, `|_{(w,b)=(1,0)}`), as evaluate.ts atPoint reads it: the point's
 * names bound to its values, then the derivative. Compiled as a function of the bound names called at the point,
 * `((w: number) => grad((w: number) => …, w))(1)`; a name the derivative does not read is not bound. Without names
 * one value binds the variable; a bare tuple would bind a definition's parameters, which the generator has none of.
 */
function atPoint(node: NodeOf<"grad">, env: Env): Expr {
  const at = node.at!;
  const values = at.type === "tuple" ? at.items : [at];
  let keys = node.atNames?.map((n) => (n.type === "sym" ? symKey(n.name, n.subText) : ""));
  if (!keys && values.length === 1 && node.wrt.type === "sym") keys = [symKey(node.wrt.name, node.wrt.subText)];
  if (!keys || keys.length !== values.length || keys.some((k) => !k)) throw new CodegenError("a point without names binds a definition's parameters (not compiled)");
  const vars = new Map(env.vars), bound: {name: string; value: Expr}[] = [];
  const taken = new Set([...env.taken, ...[...env.vars.values()].map((p) => p.name)]);
  keys.forEach((k, i) => {
    let value: Expr | undefined;
    try {
      value = expr(values[i], env);
    } catch (e) {
      if (!(e instanceof CodegenError || e instanceof FormulaError)) throw e;
    }
    // A value that does not compile leaves its name unbound: the derivative then may not read it (it fails if it does).
    if (!value) return void vars.delete(k);
    const name = env.vars.get(k)?.name ?? identifier(k, taken);
    vars.set(k, {name, shape: value.shape, local: true});
    bound.push({name, value});
  });
  const {at: _at, atNames: _names, ...bare} = node;
  const body = expr(bare as Node, {...env, vars});
  const reads = bound.filter((b) => new RegExp(`(?<![.\\w])${b.name}(?![\\w])`).test(body.code));
  if (!reads.length) return body;
  const head = reads.map((b) => `${b.name}${env.typed ? `: ${typeOf(b.value.shape)}` : ""}`).join(", ");
  return atom(`((${head}) => ${body.code})(${reads.map((b) => b.value.code).join(", ")})`, body.shape);
}

function gradient(node: NodeOf<"grad">, env: Env): Expr {
  if (node.at) return atPoint(node, env);
  if (env.gradientOf) return env.gradientOf(node, env);
  if (!env.gradients) throw new CodegenError("a gradient needs a formula to differentiate");
  if (node.wrt.type !== "sym") throw new CodegenError("can only differentiate with respect to a symbol");
  const key = symKey(node.wrt.name, node.wrt.subText);
  const x = param(env, key);
  if (!x) throw new CodegenError(`cannot differentiate with respect to ${key}: it has no value`);
  const of = expr(node.of, env);
  if (of.shape.length) throw new CodegenError("can only differentiate a scalar");
  return call(env, "grad", [`(${x.code}${env.typed ? `: ${typeOf(x.shape)}` : ""}) => ${of.code}`, x.code], x.shape);
}

function expr(node: Node, env: Env): Expr {
  switch (node.type) {
    case "num":
      return atom(literal(node.value), [], node.value);
    case "sym":
      return symbol(node, env);
    case "neg": {
      const a = expr(node.arg, env);
      return a.shape.length ? call(env, "neg", [a.code], a.shape) : negate(a);
    }
    case "add": {
      let acc: Expr | undefined;
      for (const t of node.terms) {
        const v = expr(t.node, env);
        if (!acc) acc = t.sign === 1 ? v : v.shape.length ? call(env, "neg", [v.code], v.shape) : negate(v);
        else acc = elementwise(env, t.sign === 1 ? "+" : "-", acc, v);
      }
      return acc!;
    }
    case "mul":
      // The only definitions here are indexed ones (a derivation's link), so f(x) is never a call of one (as in evaluate.ts).
      return product(env, expr(node.left, env), expr(node.right, env));
    case "div":
      return elementwise(env, "/", expr(node.num, env), expr(node.den, env));
    case "pow": {
      if (node.base.type === "call" && node.base.builtin && node.base.fn === "norm" && node.base.args.length === 1 && node.exp.type === "num" && node.exp.value === 2)
        return call(env, "sqnorm", [expr(node.base.args[0], env).code], []);
      const a = expr(node.base, env), b = expr(node.exp, env);
      if (b.shape.length) throw new CodegenError(`an exponent must be a scalar, got ${describe(b.shape)}`);
      // (X^T X)^{-1}, A^2: a square matrix to an integer power is a matrix power (evaluate.ts; not in update rules).
      if (a.shape.length === 2 && a.shape[0] === a.shape[1] && !env.entrywise) return call(env, "matpow", [a.code, b.code], a.shape);
      return a.shape.length ? call(env, "pow", [a.code, b.code], a.shape) : binary("**", a, b);
    }
    case "transpose": {
      const a = expr(node.arg, env);
      return a.shape.length === 2 ? call(env, "transpose", [a.code], [a.shape[1], a.shape[0]]) : a;
    }
    case "sqrt": {
      const a = expr(node.arg, env);
      return call(env, "sqrt", [a.code], a.shape);
    }
    case "paren":
      return expr(node.arg, env);
    case "tuple": {
      // (0.6, 0.4, 0): a tuple of numbers is the vector of them
      const items = node.items.map((i) => expr(i, env));
      if (items.length >= 2 && items.every((x) => !x.shape.length)) return atom(`[${items.map((x) => x.code).join(", ")}]`, [items.length]);
      throw new CodegenError("a tuple has no single value");
    }
    case "vector": {
      const items = node.items.map((i) => expr(i, env));
      if (items.every((x) => !x.shape.length)) return atom(`[${items.map((x) => x.code).join(", ")}]`, [items.length]);
      if (items.every((x) => x.shape.length === 1)) return atom(`[${items.map((x) => x.code).join(", ")}]`, [items.length, items[0].shape[0]]);
      throw new CodegenError("can only stack scalars into a vector or vectors into a matrix");
    }
    case "call":
      if (node.builtin) return builtin(node, env);
      if (env.vars.has(node.fn) && node.args.length === 1) return product(env, param(env, node.fn)!, expr(node.args[0], env));
      throw new CodegenError(`unknown function ${node.fn}`);
    case "sum":
      return sum(node, env);
    case "grad":
      return gradient(node, env);
    default:
      throw new CodegenError(`${node.type} has no single value`);
  }
}

/** `{w, x}: {w: number[]; x: number[][]}`: the destructured argument object. */
function signature(ps: Param[], typed: boolean): string {
  if (!ps.length) return "";
  return `{${ps.map((p) => p.name).join(", ")}}${typed ? `: {${ps.map((p) => `${p.name}: ${typeOf(p.shape)}`).join("; ")}}` : ""}`;
}

function typeOf(shape: Shape): string {
  return shape.length === 0 ? "number" : shape.length === 1 ? "number[]" : "number[][]";
}

/** A readable function name for an equation from its left side (`MSE`, `J(w_0)` → J, ∂L/∂w → dL_dw). */
function functionName(lhs: string, taken: Set<string>, mapIndex?: string): string {
  let key = "value";
  try {
    const n = lhs.trim() ? parseExpression(lhs) : undefined;
    const base = (x: Node | undefined): string | undefined =>
      x?.type === "sym" ? x.name : x?.type === "call" ? x.fn : x?.type === "mul" && x.left.type === "sym" ? x.left.name : undefined;
    // y_i over a free index i: the function returns the vector y.
    if (n?.type === "sym") key = mapIndex && n.subText?.trim() === mapIndex ? n.name : symKey(n.name, n.subText);
    else if (n?.type === "grad") key = `d${base(n.of) ?? ""}_d${base(n.wrt) ?? ""}`;
    else key = base(n) ?? key;
  } catch {
    key = "value";
  }
  return identifier(key, taken);
}

export interface CodegenOptions {
  /** The formula's line in the chapter (a comment above the functions). */
  line?: number;
}

/**
 * Compiles a cell plan's equations, one exported function each. An equation it does not cover (shapes that do not
 * combine, symbols without values) is left out and keeps the interpreter's value; CodegenError when none compiles.
 * An update rule compiles to its step function, the objective's gradient and the loop of iterates
 * (codegenRecurrence.ts).
 */
export function compilePlan(plan: CellPlan, options: CodegenOptions = {}): CompiledFormula {
  if (plan.kind === "recurrence") return compileRecurrencePlan(plan, options);
  if (!plan.equations.length) throw new CodegenError("no equation");
  const taken = new Set<string>();
  const vars = new Map<string, Param>();
  // A key bound twice takes its last value (as bindingsOf does).
  for (const s of plan.symbols) vars.set(s.key, {name: vars.get(s.key)?.name ?? identifier(s.key, taken), shape: shapeOf(s.value as Value)});
  const idx: Env["idx"] = new Map();
  for (const [k, v] of Object.entries(plan.counts)) idx.set(k, vars.has(k) ? {code: vars.get(k)!.name, key: k, value: v} : {code: literal(v), value: v});
  const defs: Env["defs"] = {};
  const d = plan.derivation;
  if (d?.link) defs[d.prediction] = {index: d.link.index, body: parseExpression(d.link.rhs)};
  const base: Omit<Env, "used" | "params" | "typed"> = {vars, idx, defs, gradients: plan.kind === "derivation", expanding: [], taken, ...(d?.unsum ? {unsum: d.unsum} : {})};
  const build = (typed: boolean) => {
    const used = new Set<string>(), names = new Set(taken);
    const functions: {name: string; equation: number; field?: string; code: string}[] = [];
    if (plan.equations.some((eq) => eq.assigns)) {
      const f = compileSystem(plan, {...base, vars: new Map(vars), used, params: new Set(), typed}, names);
      if (f) functions.push(...f);
      return {functions, used};
    }
    plan.equations.forEach((eq, k) => {
      const f = compileEquation(eq, plan.counts, {...base, used: new Set(), params: new Set(), typed});
      if (!f) return;
      f.used.forEach((u) => used.add(u));
      const name = identifier(functionName(eq.lhs, new Set(), eq.mapIndex), names);
      const code = `${typed ? "export " : ""}function ${name}(${signature(f.params, typed)})${typed ? `: ${typeOf(f.body.shape)}` : ""} {\n  return ${f.body.code};\n}`;
      assertSafe(code);
      functions.push({name, equation: k, code});
    });
    return {functions, used};
  };
  const ts = build(true), js = build(false);
  if (!ts.functions.length) throw new CodegenError("no equation of this formula compiles");
  const runtime = [...ts.used].sort();
  // The only words in the code: where the formula is, in the book's language (a number, no chapter text).
  const header = options.line ? `// ${tFormula("codeLine", {line: Math.floor(options.line)})}\n` : "";
  const importLine = runtime.length ? `import {${runtime.join(", ")}} from "./tsRuntime.js";\n\n` : "";
  return {
    source: `${importLine}${header}${unique(ts.functions).join("\n\n")}\n`,
    js: `${unique(js.functions).join("\n")}\n`,
    functions: ts.functions.map(({name, equation, field}) => ({name, equation, ...(field ? {field} : {})})),
    params: [...vars].map(([key, p]) => ({key, name: p.name})),
    runtime
  };
}

/** Each function's code once (a system's equations share one). */
const unique = (fs: {code: string}[]) => [...new Set(fs.map((f) => f.code))];

/**
 * A system (`z_1 = w_1 x + b_1`, `h = \sigma(z_1)`, …): one function computing the lines in order, each line a
 * constant the later lines use, returning all of them. A line the generator does not cover is left out (the later
 * lines then read the argument of the same name, as the interpreter does when that line fails).
 */
function compileSystem(plan: CellPlan, env: Env, names: Set<string>): {name: string; equation: number; field: string; code: string}[] | undefined {
  const lines: string[] = [], fields: {equation: number; field: string; shape: Shape}[] = [];
  const locals = new Set([...names, ...[...env.vars.values()].map((p) => p.name)]);
  plan.equations.forEach((eq, k) => {
    const f = compileEquation(eq, plan.counts, {...env, used: new Set()});
    if (!f) return;
    f.used.forEach((u) => env.used.add(u));
    const field = identifier(eq.assigns ?? functionName(eq.lhs, new Set(), eq.mapIndex), locals);
    lines.push(`  const ${field} = ${f.body.code};`);
    fields.push({equation: k, field, shape: f.body.shape});
    if (eq.assigns) env.vars.set(eq.assigns, {name: field, shape: f.body.shape, local: true});
  });
  if (!fields.length) return undefined;
  const name = identifier("system", names);
  const ps = [...env.vars].filter(([key, p]) => !p.local && env.params.has(key)).map(([, p]) => p);
  const sig = signature(ps, env.typed);
  const ret = env.typed ? `: {${fields.map((f) => `${f.field}: ${typeOf(f.shape)}`).join("; ")}}` : "";
  const code = `${env.typed ? "export " : ""}function ${name}(${sig})${ret} {\n${lines.join("\n")}\n  return {${fields.map((f) => f.field).join(", ")}};\n}`;
  assertSafe(code);
  return fields.map((f) => ({name, equation: f.equation, field: f.field, code}));
}

/**
 * One equation's body, the parameters it reads and the runtime it calls; undefined when the generator does not
 * cover it (shapes that do not combine, symbols without values): it then keeps the interpreter's value.
 */
function compileEquation(eq: CellPlan["equations"][number], counts: Record<string, number>, env: Env): {body: Expr; params: Param[]; used: Set<string>} | undefined {
  try {
    let body: Expr;
    if (eq.mapIndex) {
      const n = counts[eq.mapIndex];
      if (!n) throw new CodegenError(`no range for the free index ${eq.mapIndex}`);
      const loop = identifier(eq.mapIndex, new Set(env.taken));
      const inner = expr(parseExpression(eq.rhs), {...env, idx: new Map(env.idx).set(eq.mapIndex, {code: loop})});
      if (inner.shape.length > 1) throw new CodegenError("a free index over matrices");
      body = call(env, "terms", ["1", literal(n), `(${loop}${env.typed ? ": number" : ""}) => ${inner.code}`], [n, ...inner.shape]);
    } else body = expr(parseExpression(eq.rhs), env);
    return {body, params: [...env.vars].filter(([key, p]) => !p.local && env.params.has(key)).map(([, p]) => p), used: env.used};
  } catch (e) {
    if (e instanceof CodegenError || e instanceof FormulaError) return undefined;
    throw e;
  }
}

/** The argument object for the compiled functions from the cell's current bindings. */
export function argumentsOf(compiled: Pick<CompiledFormula, "params">, values: Record<string, Value>): Record<string, Value> {
  const out: Record<string, Value> = Object.create(null);
  for (const p of compiled.params) if (p.key in values) out[p.name] = values[p.key];
  return out;
}

/** Only identifiers, numbers and fixed punctuation: nothing that could quote, template or comment chapter text. */
const SAFE_CODE = /^[A-Za-z0-9_\s.,:;(){}[\]=>+\-*/]*$/;
/** The same with `<` and `!` (a loop's bound, a test), never as `</` or `<!` (which could close or open markup). */
const SAFE_LOOP_CODE = /^[A-Za-z0-9_\s.,:;(){}[\]=<>!+\-*/]*$/;

export function assertSafe(code: string, loops = false): void {
  if (!(loops ? SAFE_LOOP_CODE : SAFE_CODE).test(code) || /<[/!]|\/\/|\/\*/.test(code)) throw new CodegenError("internal: the generated code holds a character outside its alphabet");
}

/** For codegenRecurrence.ts: the expression compiler and its pieces. */
export {expr as compileExpression, atom as atomExpression, type Env as ExpressionEnv, type Expr as CompiledExpression, type Param as ExpressionParam};

/** Marks a line of the sandbox's output as a returned value. */
export const VALUE_MARK = "__gbValue__";

/**
 * The sandbox job that runs a reader's edited code (the compiled source, changed or not) with the cell's arguments:
 * the runtime import is blanked (line numbers stay the reader's), the runtime follows the code as plain functions,
 * and one test per function prints its value.
 */
export function codeJob(edited: string, compiled: Pick<CompiledFormula, "functions" | "params">, args: Record<string, Value>): Job {
  const code = edited
    .split("\n")
    .map((l) => (/^\s*import\s*\{[A-Za-z0-9_,\s]*\}\s*from\s*["']\.\/tsRuntime(\.js)?["'];?\s*$/.test(l) ? "" : l.replace(/^(\s*)export\s+(?=function\b|const\b|let\b|interface\b|type\b)/, "$1")))
    .join("\n");
  const argText = JSON.stringify(args);
  const tests = [...new Map(compiled.functions.map((f) => [f.name, f])).values()]
    .map((f) => `test(${JSON.stringify(f.name)}, function () { console.log(${JSON.stringify(VALUE_MARK)} + JSON.stringify([${JSON.stringify(f.name)}, ${f.name}(${argText})])); });`)
    .join("\n");
  return {code: `${code}\n${runtimeScript()}\n`, exports: [...new Set(compiled.functions.map((f) => f.name))], seed: 1, suites: [{hidden: false, code: tests}]};
}

/** The values the job's tests printed, by function name. */
export function jobValues(output: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const line of output.split("\n")) {
    if (!line.startsWith(VALUE_MARK)) continue;
    try {
      const [name, value] = JSON.parse(line.slice(VALUE_MARK.length)) as [string, unknown];
      if (typeof name === "string") out[name] = value;
    } catch {
      /* not ours */
    }
  }
  return out;
}

/** Each compiled equation's value from what the functions returned (by name; a system's by field). */
export function equationValues(compiled: Pick<CompiledFormula, "functions">, returned: Record<string, unknown>): {equation: number; value: unknown}[] {
  return compiled.functions.map((f) => {
    const r = returned[f.name];
    return {equation: f.equation, value: f.field ? (r && typeof r === "object" && !Array.isArray(r) ? (r as Record<string, unknown>)[f.field] : undefined) : r};
  });
}
