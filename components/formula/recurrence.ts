/**
 * compileRecurrence(latex): a printed update rule or system (`w_{t+1} = w_t - \alpha \nabla_w J(w_t)`,
 * `\theta = \theta - \alpha \cdot \nabla_{\theta} J(\theta)`, the Adam system with m_t, v_t, \hat{m}_t, …) becomes
 * a runnable Recurrence. The gradient term (\nabla_w J(…) or \frac{\partial L}{\partial W}) is the gradient the
 * caller passes at the current weights; other free symbols are hyper-parameters with canonical names.
 * Time: `step(state, grad, k)` is update number k, starting at 1. The rule's own time variable is k minus its
 * newest index's offset (RuleReading.timeOffset): the first update computes index 1 from index 0, so in
 * `θ_t = θ_{t-1} − …` t is 1 on it, and in `θ_{t+1} = θ_t − …` t is 0 and t + 1 is 1. Either way Adam's bias
 * correction printed as \beta_1^t or \beta_1^{t+1} is 1 − β₁ on the first update, as in tf.train.adam.
 */
import {FormulaError, symKey, type Formula, type Node, type NodeOf} from "./ast.js";
import {evaluateWith, jsOps, type Ops, type Scope} from "./evaluate.js";
import {WORK_PER_STEP, WorkBudget} from "./limits.js";
import {parseFormula} from "./parse.js";
import {mapChildren} from "./rewrite.js";
import {canonicalHyper, findAll, symbolUses} from "./symbols.js";
import {describeShape, shapeOf, zip, type Value} from "./values.js";

export type State = Record<string, number[]>;

export interface Recurrence {
  /** Canonical hyper-parameter names the rule needs (alpha, beta_1, beta_2, epsilon, gamma, …). */
  hyper: string[];
  init(w: number[]): State;
  step(state: State, grad: number[], t: number, hyper: Record<string, number>): State;
  /**
   * The same step with the gradient as a function: a rule that evaluates its gradient somewhere else than at the
   * current weights (Nesterov's ∇L(θ_{t-1} − γ v_{t-1})) gets it there; `step` can only use the current one.
   */
  stepWith(state: State, gradAt: (w: number[]) => number[], t: number, hyper: Record<string, number>): State;
  /** True when the rule's gradient is taken at a look-ahead point (then only stepWith is exact). */
  lookahead: boolean;
  /** The rule's own hyper-parameter symbols and their canonical names (`\eta` → alpha, `\rho` → rho). */
  symbols: Record<string, string>;
  weights(state: State): number[];
  /** The weight symbol (`w`, `\theta`, `W`) and the state symbols in update order. */
  weight: string;
  updates: string[];
}

export type Time = {kind: "rel"; c: number} | {kind: "abs"; c: number} | {kind: "new"} | {kind: "none"};

/** One printed line of a rule: the updated symbol, which step its left side is, and its right side. */
export interface RuleLine {
  name: string;
  time: Time;
  rhs: Node;
}

/** An update rule as the recurrence interpreter reads it (readRule); codegenRecurrence.ts compiles the same reading. */
export interface RuleReading {
  /** The LaTeX as parsed (normalizeRule's). */
  latex: string;
  lines: RuleLine[];
  /** The time variable (t in w_{t+1}), if a left side has one. */
  timeVar?: string;
  /**
   * Update number k (from 1) minus the time variable's value in it: the smallest offset a left side has from the
   * time variable (1 for a rule written θ_{t+1} = f(θ_t), 0 for θ_t = f(θ_{t-1}) and for m_t, v_t with θ_{t+1}).
   */
  timeOffset: number;
  /** The updated symbols. */
  states: Set<string>;
  /** The weights the gradient is taken for, in order (several share the weight vector). */
  weights: string[];
  /** The ∇ / ∂ nodes of the right sides. */
  grads: NodeOf<"grad">[];
  /** Symbols that stand for the gradient when the rule prints no ∇ or ∂ (g_t). */
  gradientSymbols: Set<string>;
  /** Hyper-parameter keys as printed → canonical names. */
  hyper: Map<string, string>;
  /** Which step a subscript means (undefined: none the rule can read). */
  timeOf(sub: Node | undefined): Time | undefined;
  /** Where a gradient is taken when not at the weights (Nesterov's look-ahead point), else undefined. */
  lookaheadOf(g: NodeOf<"grad">): Node | undefined;
  /** True when some gradient is taken at a look-ahead point. */
  lookahead: boolean;
}

export interface RecurrenceOptions {
  /**
   * Work counter every step charges (see limits.ts). Without one, each step gets a fresh WORK_PER_STEP budget,
   * so a single step can never hang (a page iterating a printed rule stays responsive).
   */
  budget?: WorkBudget;
}

/** Symbols that stand for the gradient at the current weights when a rule prints no ∇ or ∂ (`g_t`, `\mathbf{g}_t`). */
const GRADIENT_SYMBOL = /^(?:g|\\mathbf\{g\}|\\boldsymbol\{g\})$/;
/** Updated symbols that are the weights when the gradient is a symbol (`θ_t = θ_{t-1} - η g_t`). */
const WEIGHT_SYMBOL = /^(?:\\theta|w|W|x|\\mathbf\{w\}|\\boldsymbol\{\\theta\}|\\mathbf\{x\}|\\Theta|\\beta)$/;

/**
 * The LaTeX as the parser reads it: `\odot` is a product and `\oslash` a quotient (products and quotients in an update
 * rule are entrywise), `E[g^2]_t` (RMSProp's running average) a symbol `E^{(g^2)}_t`, Adadelta's `\mathrm{RMS}[x]_t`
 * its definition √(E[x²]_t + ε), and a step written as a parenthesised superscript (`θ^{(t+1)}`) a subscript.
 */
export function normalizeRule(latex: string): string {
  latex = stepSuperscripts(latex).replace(/\\(?:mathrm|operatorname|text)\{RMS\}\s*\[\s*([^\[\]]+?)\s*\]\s*_(\{[^{}]*\}|\w)/g,
    (_m, x: string, sub: string) => `\\sqrt{E[${x}^2]_${sub} + \\epsilon}`);
  // θ_j := θ_j − α ∂J/∂θ_j, component by component, is the vector update θ := θ − α∇J
  const component = /^\s*(\\?[A-Za-z]+)_\{?([ij])\}?\s*(?::=|\\leftarrow|\\gets|=)/.exec(latex);
  if (component && !/_\{?t/.test(latex)) latex = latex.replace(new RegExp(`${component[1].replace(/\\/g, "\\\\")}_(?:\\{${component[2]}\\}|${component[2]}(?![A-Za-z0-9]))`, "g"), component[1]);
  return latex
    .replace(/\\odot/g, "\\cdot")
    .replace(/\\oslash/g, "/")
    .replace(/\\circ(?![a-z])/g, "\\cdot")
    .replace(/E\s*\[\s*([^\[\]]+?)\s*\](?=\s*_)/g, (_m, inner: string) => `E^{(${squashSpaces(inner)})}`);
}

/**
 * `θ^{(t+1)}`, `z^{(t)}`, `x^{(k-1)}` → `θ_{t+1}`, `z_{t}`, `x_{k-1}`: the step of a symbol that has no subscript of its
 * own (a superscript on a subscripted symbol is left as it is).
 */
function stepSuperscripts(latex: string): string {
  return latex.replace(/\^\{\(\s*([a-z](?:\s*[+-]\s*\d+)?|\d+)\s*\)\}/g, (m, step: string, at: number) =>
    /(?:_\{[^{}]*\}|_\w)\s*$/.test(latex.slice(0, at)) || !/(?:[A-Za-z]|\})\s*$/.test(latex.slice(0, at)) ? m : `_{${step.replace(/\s+/g, "")}}`);
}

/** Spaces removed, except one that ends a command before a letter (`\Delta x^2` stays `\Delta x^2`, not `\Deltax^2`). */
function squashSpaces(s: string): string {
  const x = s.trim();
  return x.replace(/\s+/g, (m, at: number) => (/\\[A-Za-z]+$/.test(x.slice(0, at)) && /[A-Za-z]/.test(x[at + m.length] ?? "") ? " " : ""));
}

/**
 * Reads a printed update rule: its lines, time variable, state, weights, gradients, hyper-parameters and look-ahead
 * points (what compileRecurrence runs). FormulaError where it is not a rule this engine can follow.
 */
export function readRule(printed: string): RuleReading {
  const latex = normalizeRule(printed);
  const formula: Formula = gradientCalls(parseFormula(latex));
  const fail = (reason: string, at = 0): never => {
    throw new FormulaError(reason, at, "", latex);
  };
  // Time variable: a symbol in the subscript of an LHS (t in w_{t+1}).
  let timeVar: string | undefined;
  for (const line of formula.lines) {
    if (line.first.type === "sym" && line.first.sub) {
      const syms = findAll(line.first.sub, "sym").filter((s) => s.name !== "new" && s.name !== "next");
      if (syms.length === 1 && !timeVar) timeVar = syms[0].name;
    }
  }
  const timeOf = (sub: Node | undefined): Time | undefined => {
    if (!sub) return {kind: "none"};
    if (sub.type === "num") return {kind: "abs", c: sub.value};
    if (sub.type === "sym" && (sub.name === "new" || sub.name === "next")) return {kind: "new"};
    if (sub.type === "sym" && sub.name === timeVar && !sub.sub) return {kind: "rel", c: 0};
    if (sub.type === "add" && sub.terms.length === 2 && sub.terms[0].sign === 1 && sub.terms[0].node.type === "sym" && sub.terms[0].node.name === timeVar && sub.terms[1].node.type === "num")
      return {kind: "rel", c: sub.terms[1].sign * sub.terms[1].node.value};
    return undefined;
  };
  const lines: RuleLine[] = formula.lines.map((line, k) => {
    if (!line.rest.length || line.rest[0].rel !== "=") return fail(`line ${k + 1} is not an update (no "=")`, line.start);
    const lhs = line.first;
    if (lhs.type !== "sym") return fail(`line ${k + 1}: the left side must be the updated symbol, not ${lhs.type}`, lhs.start);
    const time = timeOf(lhs.sub);
    if (!time) return fail(`line ${k + 1}: cannot read ${symKey(lhs.name, lhs.subText)} as a step of a recurrence`, lhs.start);
    return {name: lhs.name, time, rhs: attachGradientArguments(line.rest[0].node)};
  });
  const states = new Set(lines.map((e) => e.name));
  const {grads, gradientSymbols, weightNames: weights} = readGradients(lines, states, fail);
  // Hyper-parameters: free symbols that are neither state nor time nor the gradient.
  const hyper = new Map<string, string>();
  for (const e of lines) {
    for (const use of symbolUses(e.rhs, {skipGradients: true})) {
      if (states.has(use.node.name) || use.node.name === timeVar || gradientSymbols.has(use.node.name)) continue;
      if (timeVar && use.node.sub && findAll(use.node.sub, "sym").some((x) => x.name === timeVar)) fail(`${use.key} changes with ${timeVar} but no line of the rule defines it`, use.node.start);
      hyper.set(use.key, canonicalHyper(use.key));
    }
  }
  const lookaheadOf = (g: NodeOf<"grad">) => lookaheadPoint(g, weights, states);
  const lookahead = grads.some((g) => lookaheadOf(g) !== undefined);
  const offsets = lines.flatMap((l) => (l.time.kind === "rel" ? [l.time.c] : []));
  const timeOffset = offsets.length ? Math.min(...offsets) : 0;
  return {latex, lines, ...(timeVar !== undefined ? {timeVar} : {}), timeOffset, states, weights, grads, gradientSymbols, hyper, timeOf, lookaheadOf, lookahead};
}

export function compileRecurrence(printed: string, options: RecurrenceOptions = {}): Recurrence {
  const rule = readRule(printed);
  const {latex, timeVar, timeOf, gradientSymbols, lookahead} = rule;
  const fail = (reason: string, at = 0): never => {
    throw new FormulaError(reason, at, "", latex);
  };
  const equations = rule.lines, stateNames = rule.states, weightNames = rule.weights, hyperKeys = rule.hyper;
  const weight = weightNames[0];
  const lhsTime = new Map(equations.map((e) => [e.name, e.time]));
  const pointOf = rule.lookaheadOf;
  const hyper = [...new Set(hyperKeys.values())];

  const share = (name: string, v: number[]): number[] => {
    const k = weightNames.indexOf(name), part = v.length / weightNames.length;
    return v.slice(k * part, (k + 1) * part);
  };
  /** Which weights a state symbol goes with (its own share for a weight, all for a shared state). */
  const sizeOf = (state: State, name: string) => state[name]?.length;
  const core = (state: State, gradAt: (w: number[] | null) => number[], t: number, h: Record<string, number>): State => {
    const d = weightNames.reduce((n, w) => n + (state[w]?.length ?? 0), 0);
    if (!d || weightNames.some((w) => !state[w]?.length)) throw new Error(`the state has no weights ${weightNames.join(", ")}`);
    const grad = gradAt(null);
    if (grad.length !== d) throw new Error(`the gradient has ${grad.length} entries, the weights ${d}`);
    for (const name of hyper) if (typeof h[name] !== "number" || !Number.isFinite(h[name])) throw new Error(`missing hyper-parameter ${name}`);
    const fresh: State = {};
    const resolve = (n: NodeOf<"sym">, scope: Scope<Value>): Value | undefined => {
      if (stateNames.has(n.name)) {
        const own = lhsTime.get(n.name)!;
        const ref = timeOf(n.sub);
        const key = symKey(n.name, n.subText);
        const current = () => fresh[n.name] ?? state[n.name];
        if (!ref) throw new FormulaError(`cannot read ${key} as a step of ${n.name}`, n.start, key, latex);
        if (ref.kind === "none") return own.kind === "none" || own.kind === "new" ? current() : fresh[n.name] ?? state[n.name];
        if (ref.kind === "new") return fresh[n.name] ?? fail(`${key} is used before it is computed`, n.start);
        if ((ref.kind === "rel" && own.kind === "rel") || (ref.kind === "abs" && own.kind === "abs")) {
          if (ref.c === own.c) return fresh[n.name] ?? fail(`${key} is used before it is computed`, n.start);
          if (ref.c === own.c - 1) return state[n.name];
        }
        if (own.kind === "none" || own.kind === "new") return state[n.name];
        return fail(`${key} is neither the previous nor the new value of ${n.name}`, n.start);
      }
      if (timeVar && n.name === timeVar && !n.sub) return t - rule.timeOffset;
      if (gradientSymbols.has(n.name)) return grad.slice();
      const key = symKey(n.name, n.subText);
      const hk = hyperKeys.get(key);
      if (hk !== undefined) return h[hk];
      void scope;
      return undefined;
    };
    const budget = options.budget ?? new WorkBudget(WORK_PER_STEP, "step");
    budget.charge(d * equations.length);
    const gradient = (g: NodeOf<"grad">, sc: Scope<Value>): Value => {
      const at = pointOf(g);
      if (at && weightNames.length === 1) return gradAt(toVector(evaluateWith(at, sc), d, "the look-ahead point"));
      return weightNames.length === 1 ? grad.slice() : share((g.wrt as NodeOf<"sym">).name, grad);
    };
    const scope: Scope<Value> = {ops: ruleOps, vars: {}, idx: {}, resolve, gradient, latex, budget};
    for (const e of equations) {
      const v = evaluateWith(e.rhs, scope);
      fresh[e.name] = toVector(v, sizeOf(state, e.name) ?? d, e.name);
    }
    return {...state, ...fresh};
  };

  const step = (state: State, grad: number[], t: number, h: Record<string, number>): State => core(state, () => grad, t, h);
  const stepWith = (state: State, gradAt: (w: number[]) => number[], t: number, h: Record<string, number>): State => {
    let here: number[] | undefined;
    return core(state, (w) => (w ? gradAt(w) : (here ??= gradAt(weightNames.flatMap((n) => state[n].slice())))), t, h);
  };
  return {
    hyper,
    symbols: Object.fromEntries(hyperKeys),
    lookahead,
    stepWith,
    weight,
    updates: equations.map((e) => e.name),
    init(w: number[]): State {
      if (!Array.isArray(w) || !w.length || !w.every(Number.isFinite)) throw new Error("init needs a non-empty vector of finite weights");
      if (w.length % weightNames.length) throw new Error(`${w.length} weights cannot be shared by ${weightNames.join(", ")}`);
      const s: State = {};
      for (const name of stateNames) s[name] = weightNames.includes(name) ? share(name, w) : w.map(() => 0);
      return s;
    },
    step,
    weights: (state) => weightNames.flatMap((n) => state[n].slice())
  };
}

/**
 * The gradients of a rule and the weights they are taken for: ∇/∂ nodes with respect to updated symbols, or, when
 * the rule prints none, a symbol g_t standing for the gradient and the updated weight symbol (θ, w, …, else the
 * last line's). Several weights side by side (w ← w − η ∂L/∂w, b ← b − η ∂L/∂b) share the weight vector.
 */
function readGradients(equations: RuleLine[], stateNames: Set<string>, fail: (reason: string, at?: number) => never) {
  const grads = equations.flatMap((e) => findAll(e.rhs, "grad"));
  const gradientSymbols = new Set<string>();
  if (!grads.length) {
    for (const e of equations) for (const u of symbolUses(e.rhs)) if (GRADIENT_SYMBOL.test(u.node.name) && !stateNames.has(u.node.name)) gradientSymbols.add(u.node.name);
  }
  if (!grads.length && !gradientSymbols.size) fail("the update rule has no gradient (\\nabla_w J, \\frac{\\partial L}{\\partial w} or g_t)");
  const weightNames: string[] = [];
  for (const g of grads) {
    // \nabla f(\theta_t + \mu v_t): no subscript, so the parser took the point for the variable; the variable is the
    // updated weight the point is built from (θ, w, …, else the last line's symbol).
    if (g.wrt.type !== "sym" && g.of.type === "call" && g.of.args.length === 1 && g.of.args[0].start === g.wrt.start && g.of.args[0].end === g.wrt.end) {
      const inPoint = symbolUses(g.wrt).map((u) => u.node).filter((n) => stateNames.has(n.name));
      const w = inPoint.find((n) => WEIGHT_SYMBOL.test(n.name)) ?? inPoint.find((n) => n.name === equations[equations.length - 1].name);
      if (w) (g as {wrt: Node}).wrt = {type: "sym", name: w.name, start: g.wrt.start, end: g.wrt.end};
    }
    if (g.wrt.type !== "sym") return fail("the gradient must be with respect to a symbol", g.wrt.start);
    if (!stateNames.has(g.wrt.name)) return fail(`the gradient is with respect to ${g.wrt.name}, which no line updates`, g.wrt.start);
    if (!weightNames.includes(g.wrt.name)) weightNames.push(g.wrt.name);
  }
  if (!grads.length) weightNames.push(equations.map((e) => e.name).find((n) => WEIGHT_SYMBOL.test(n)) ?? equations[equations.length - 1].name);
  return {grads, gradientSymbols, weightNames};
}

/** Where a gradient is taken when not at the weights: ∇L(θ_{t-1} − γ v_{t-1}) (Nesterov's look-ahead). */
function lookaheadPoint(g: NodeOf<"grad">, weightNames: string[], stateNames: Set<string>): Node | undefined {
  const of = g.of;
  const arg = of.type === "call" && of.args.length === 1 ? of.args[0] : of.type === "mul" && of.left.type === "sym" && of.right.type === "paren" ? of.right.arg : undefined;
  if (!arg || (arg.type === "sym" && weightNames.includes(arg.name))) return undefined;
  return symbolUses(arg).some((u) => stateNames.has(u.node.name)) ? arg : undefined;
}

/**
 * `\\nabla_w \\mathcal{L}(w)` parses as (∇_w ℒ)·(w), the argument multiplying the gradient: read it as the gradient of
 * ℒ at w, as every author means (`J(w)` already parses as a call).
 */
export function attachGradientArguments(node: Node): Node {
  if (node.type === "mul" && node.op === "implicit" && node.right.type === "paren") {
    const arg = node.right;
    // (a · b · ∇ℒ)(w) parses left-associated: the gradient ends the left side's right spine
    const attach = (n: Node): Node | undefined => {
      if (n.type === "grad" && n.of.type === "sym") {
        const of: Node = {type: "call", fn: symKey(n.of.name, n.of.subText), args: [attachGradientArguments(arg.arg)], builtin: false, parens: "paren", start: n.of.start, end: arg.end};
        return {...n, of, end: arg.end};
      }
      if (n.type === "mul") {
        const r = attach(n.right);
        return r && {...n, right: r, end: arg.end};
      }
      return undefined;
    };
    const joined = attach(node.left);
    if (joined) return joined;
  }
  return mapChildren(node, attachGradientArguments);
}

/** Products in an update rule are entrywise (g ⊙ g, η/√s · g); matrices still multiply as matrices. */
const ruleOps: Ops<Value> = {
  ...jsOps,
  mul: (a, b) => (Array.isArray(a) && Array.isArray(b) && shapeOf(a).length === 1 && shapeOf(b).length === 1 ? zip(a, b, (x, y) => x * y, "product") : jsOps.mul(a, b))
};

function toVector(v: Value, d: number, name: string): number[] {
  if (typeof v === "number") return Array.from({length: d}, () => v);
  if (v.length === d && v.every((x) => typeof x === "number")) return v as number[];
  throw new Error(`the update of ${name} gives ${describeShape(v)}, the weights have ${d} entries`);
}

/**
 * `\nabla q(\mathbf{x}_t + \mu \mathbf{v}_t)` parses as ∇q times a bracket when q is not known to be a function:
 * read it as the gradient of q at that point, the form `\nabla f(θ_t + μ v_t)` takes (see gradientsOf).
 */
function gradientCalls(f: Formula): Formula {
  const bare = (g: Node): g is NodeOf<"grad"> => g.type === "grad" && g.wrt.type === "tuple" && g.wrt.items.length === 0 && g.of.type === "sym" && !g.of.sub;
  const atPoint = (g: NodeOf<"grad">, paren: NodeOf<"paren">): Node => {
    const point = rec(paren.arg);
    const of = g.of as NodeOf<"sym">;
    return {...g, wrt: point, of: {type: "call", fn: of.name, args: [point], builtin: false, parens: "paren", start: of.start, end: paren.end}, end: paren.end} as Node;
  };
  // the gradient may be the last factor of a product: η ∇q (…)
  const lastFactor = (n: Node, paren: NodeOf<"paren">): Node | undefined => {
    if (bare(n)) return atPoint(n, paren);
    if (n.type === "mul" && n.op === "implicit") {
      const right = lastFactor(n.right, paren);
      return right ? {...n, left: rec(n.left), right, end: paren.end} : undefined;
    }
    return undefined;
  };
  const rec = (n: Node): Node => {
    if (n.type === "mul" && n.op === "implicit" && n.right.type === "paren") {
      const joined = lastFactor(n.left, n.right);
      if (joined) return joined;
    }
    return mapChildren(n, rec);
  };
  return {...f, lines: f.lines.map((l) => ({...l, first: rec(l.first), rest: l.rest.map((r) => ({...r, node: rec(r.node)}))}))};
}
