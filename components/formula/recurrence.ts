/**
 * compileRecurrence(latex): a printed update rule or system (`w_{t+1} = w_t - \alpha \nabla_w J(w_t)`,
 * `\theta = \theta - \alpha \cdot \nabla_{\theta} J(\theta)`, the Adam system with m_t, v_t, \hat{m}_t, …) becomes
 * a runnable Recurrence. The gradient term (\nabla_w J(…) or \frac{\partial L}{\partial W}) is the gradient the
 * caller passes at the current weights; other free symbols are hyper-parameters with canonical names.
 * Time: `step(state, grad, t)` is update number t, starting at 1 (so Adam's \beta_1^t bias correction is 1 - β₁ on
 * the first step, as in tf.train.adam).
 */
import {FormulaError, symKey, type Formula, type Node, type NodeOf} from "./ast.js";
import {evaluateWith, jsOps, type Scope} from "./evaluate.js";
import {WORK_PER_STEP, WorkBudget} from "./limits.js";
import {parseFormula} from "./parse.js";
import {canonicalHyper, findAll, symbolUses} from "./symbols.js";
import {describeShape, type Value} from "./values.js";

export type State = Record<string, number[]>;

export interface Recurrence {
  /** Canonical hyper-parameter names the rule needs (alpha, beta_1, beta_2, epsilon, gamma, …). */
  hyper: string[];
  init(w: number[]): State;
  step(state: State, grad: number[], t: number, hyper: Record<string, number>): State;
  weights(state: State): number[];
  /** The weight symbol (`w`, `\theta`, `W`) and the state symbols in update order. */
  weight: string;
  updates: string[];
}

type Time = {kind: "rel"; c: number} | {kind: "abs"; c: number} | {kind: "new"} | {kind: "none"};

interface Equation {
  name: string;
  lhsTime: Time;
  rhs: Node;
}

export interface RecurrenceOptions {
  /**
   * Work counter every step charges (see limits.ts). Without one, each step gets a fresh WORK_PER_STEP budget,
   * so a single step can never hang (a page iterating a printed rule stays responsive).
   */
  budget?: WorkBudget;
}

export function compileRecurrence(latex: string, options: RecurrenceOptions = {}): Recurrence {
  const formula: Formula = parseFormula(latex);
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
  const equations: Equation[] = formula.lines.map((line, k) => {
    if (!line.rest.length || line.rest[0].rel !== "=") return fail(`line ${k + 1} is not an update (no "=")`, line.start);
    const lhs = line.first;
    if (lhs.type !== "sym") return fail(`line ${k + 1}: the left side must be the updated symbol, not ${lhs.type}`, lhs.start);
    const lhsTime = timeOf(lhs.sub);
    if (!lhsTime) return fail(`line ${k + 1}: cannot read ${symKey(lhs.name, lhs.subText)} as a step of a recurrence`, lhs.start);
    return {name: lhs.name, lhsTime, rhs: line.rest[0].node};
  });
  const stateNames = new Set(equations.map((e) => e.name));
  const grads = equations.flatMap((e) => findAll(e.rhs, "grad"));
  if (!grads.length) fail("the update rule has no gradient (\\nabla_w J or \\frac{\\partial L}{\\partial w})");
  const wrt = grads[0].wrt;
  if (wrt.type !== "sym") return fail("the gradient must be with respect to a symbol", wrt.start);
  const weight = wrt.name;
  if (!stateNames.has(weight)) fail(`the gradient is with respect to ${weight}, which no line updates`, wrt.start);
  // Several weights updated side by side (w ← w - η ∂L/∂w, b ← b - η ∂L/∂b): the weight vector is their
  // concatenation, in order of appearance, each taking an equal share of it and of the gradient.
  const weightNames: string[] = [];
  for (const g of grads) {
    if (g.wrt.type !== "sym") return fail("the gradient must be with respect to a symbol", g.wrt.start);
    if (!stateNames.has(g.wrt.name)) return fail(`the gradient is with respect to ${g.wrt.name}, which no line updates`, g.wrt.start);
    if (!weightNames.includes(g.wrt.name)) weightNames.push(g.wrt.name);
  }
  const lhsTime = new Map(equations.map((e) => [e.name, e.lhsTime]));
  // Hyper-parameters: free symbols that are neither state nor time.
  const hyperKeys = new Map<string, string>();
  for (const e of equations) {
    for (const use of symbolUses(e.rhs, {skipGradients: true})) {
      if (stateNames.has(use.node.name) || use.node.name === timeVar) continue;
      hyperKeys.set(use.key, canonicalHyper(use.key));
    }
  }
  const hyper = [...new Set(hyperKeys.values())];

  const share = (name: string, v: number[]): number[] => {
    const k = weightNames.indexOf(name), part = v.length / weightNames.length;
    return v.slice(k * part, (k + 1) * part);
  };
  /** Which weights a state symbol goes with (its own share for a weight, all for a shared state). */
  const sizeOf = (state: State, name: string) => state[name]?.length;
  const step = (state: State, grad: number[], t: number, h: Record<string, number>): State => {
    const d = weightNames.reduce((n, w) => n + (state[w]?.length ?? 0), 0);
    if (!d || weightNames.some((w) => !state[w]?.length)) throw new Error(`the state has no weights ${weightNames.join(", ")}`);
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
      if (timeVar && n.name === timeVar && !n.sub) return t;
      const key = symKey(n.name, n.subText);
      const hk = hyperKeys.get(key);
      if (hk !== undefined) return h[hk];
      void scope;
      return undefined;
    };
    const budget = options.budget ?? new WorkBudget(WORK_PER_STEP, "step");
    budget.charge(d * equations.length);
    const gradient = (g: NodeOf<"grad">): Value => (weightNames.length === 1 ? grad.slice() : share((g.wrt as NodeOf<"sym">).name, grad));
    const scope: Scope<Value> = {ops: jsOps, vars: {}, idx: {}, resolve, gradient, latex, budget};
    for (const e of equations) {
      const v = evaluateWith(e.rhs, scope);
      fresh[e.name] = toVector(v, sizeOf(state, e.name) ?? d, e.name);
    }
    return {...state, ...fresh};
  };

  return {
    hyper,
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

function toVector(v: Value, d: number, name: string): number[] {
  if (typeof v === "number") return Array.from({length: d}, () => v);
  if (v.length === d && v.every((x) => typeof x === "number")) return v as number[];
  throw new Error(`the update of ${name} gives ${describeShape(v)}, the weights have ${d} entries`);
}
