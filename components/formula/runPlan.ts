/**
 * Runs a CellPlan with plain numbers (pure; used by FormulaCell in the page and by analyze.ts): the value of each
 * equation as printed, the reference implementation's value, a recurrence's first iterates, a derivation's stated
 * value beside the numerical gradient of the loss. Never throws: errors come back as strings.
 */
import type {Node} from "./ast.js";
import {evaluate, type Def} from "./evaluate.js";
import {FormulaLimitError, MAX_RECURRENCE_STEPS, MAX_SUM_TERMS, WORK_PER_EVALUATION, WorkBudget} from "./limits.js";
import {parseExpression} from "./parse.js";
import {compileRecurrence} from "./recurrence.js";
import type {CellPlan, SymbolBinding} from "./types.js";
import {close, type Value} from "./values.js";
import {attention} from "../math/attention.js";
import {binaryCrossEntropy} from "../math/binaryCrossEntropy.js";
import {categoricalCrossEntropy} from "../math/categoricalCrossEntropy.js";
import {mse} from "../math/mse.js";
import {sigmoid} from "../math/sigmoid.js";
import {softmax} from "../math/softmax.js";

export interface PlanResult {
  equations: {value?: Value; error?: string}[];
  reference?: {value?: Value; error?: string; agrees?: boolean};
  iterates?: {t: number; w: number[]; loss: number}[];
  iterateError?: string;
  derivation?: {stated?: Value; numeric?: Value; agrees?: boolean; error?: string};
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function bindingsOf(symbols: SymbolBinding[]): Record<string, Value> {
  return Object.fromEntries(symbols.map((s) => [s.key, s.value]));
}

export function evaluateEquation(rhs: Node, vars: Record<string, Value>, counts: Record<string, number>, mapIndex?: string, defs?: Record<string, Def>, latex?: string, budget: WorkBudget = new WorkBudget()): Value {
  const idx = {...counts};
  if (!mapIndex) return evaluate(rhs, vars, {idx, budget, ...(defs ? {defs} : {}), ...(latex ? {latex} : {})});
  const n = counts[mapIndex];
  if (!n) throw new Error(`no range for the free index ${mapIndex}`);
  if (!Number.isSafeInteger(n) || n > MAX_SUM_TERMS) budget.trip(new FormulaLimitError("budget", `work budget exceeded (the free index ${mapIndex} runs over ${n} values; at most ${MAX_SUM_TERMS})`, 0));
  const out: Value[] = [];
  for (let i = 1; i <= n; i++) out.push(evaluate(rhs, vars, {idx: {...idx, [mapIndex]: i}, budget, ...(defs ? {defs} : {}), ...(latex ? {latex} : {})}));
  if (out.every((v) => typeof v === "number")) return out as number[];
  return out as number[][];
}

export function referenceValue(name: string, args: Value[]): Value {
  const vec = (v: Value, what: string): number[] => {
    if (!Array.isArray(v) || !v.every((x) => typeof x === "number")) throw new Error(`${what} must be a vector`);
    return v as number[];
  };
  const mat = (v: Value, what: string): number[][] => {
    if (!Array.isArray(v) || !v.every((x) => Array.isArray(x))) throw new Error(`${what} must be a matrix`);
    return v as number[][];
  };
  switch (name) {
    case "mse":
      return mse(vec(args[0], "labels"), vec(args[1], "predictions"));
    case "binaryCrossEntropy":
      return binaryCrossEntropy(vec(args[0], "labels"), vec(args[1], "probabilities"), 0);
    case "categoricalCrossEntropy":
      return categoricalCrossEntropy([vec(args[0], "targets")], [vec(args[1], "probabilities")]);
    case "attention":
      return attention(mat(args[0], "Q"), mat(args[1], "K"), mat(args[2], "V"));
    case "sigmoid": {
      const z = args[0];
      return typeof z === "number" ? sigmoid(z) : (z as (number | number[])[]).map((e) => (typeof e === "number" ? sigmoid(e) : e.map(sigmoid))) as Value;
    }
    case "softmax":
      return softmax(vec(args[0], "z"));
    default:
      throw new Error(`unknown reference ${name}`);
  }
}

export interface PlanRunOptions {
  /** Work counter for everything this run evaluates (default: a fresh WORK_PER_EVALUATION one). */
  budget?: WorkBudget;
}

export function runPlan(plan: CellPlan, symbols: SymbolBinding[] = plan.symbols, steps?: number, options: PlanRunOptions = {}): PlanResult {
  const budget = options.budget ?? new WorkBudget(WORK_PER_EVALUATION, "cell");
  const vars = bindingsOf(symbols);
  const result: PlanResult = {equations: []};
  if (plan.kind === "recurrence" && plan.recurrence) {
    try {
      const rec = compileRecurrence(plan.latex, {budget});
      const want = steps ?? plan.recurrence.steps;
      if (!(want <= MAX_RECURRENCE_STEPS)) budget.trip(new FormulaLimitError("budget", `work budget exceeded (${want} steps of the update rule; at most ${MAX_RECURRENCE_STEPS})`, 0));
      const {a, c} = plan.recurrence.objective;
      const hyper = {...plan.recurrence.hyper};
      for (const s of symbols) if (s.role === "hyper" && typeof s.value === "number") hyper[s.key] = s.value;
      const f = (w: number[]) => 0.5 * w.reduce((sum, x, j) => sum + a[j] * (x - c[j]) ** 2, 0);
      const g = (w: number[]) => w.map((x, j) => a[j] * (x - c[j]));
      let state = rec.init(plan.recurrence.w0);
      const its = [{t: 0, w: rec.weights(state), loss: f(rec.weights(state))}];
      for (let t = 1; t <= want; t++) {
        // a look-ahead gradient (Nesterov) is taken where the rule says, not at the weights
        state = rec.lookahead ? rec.stepWith(state, g, t, hyper) : rec.step(state, g(rec.weights(state)), t, hyper);
        const w = rec.weights(state);
        its.push({t, w, loss: f(w)});
        if (!w.every(Number.isFinite)) break;
      }
      result.iterates = its;
    } catch (e) {
      budget.note(e);
      result.iterateError = message(e);
    }
    return result;
  }
  const defs: Record<string, Def> = {};
  const d = plan.derivation;
  if (d?.link) {
    try {
      defs[d.prediction] = {index: d.link.index, body: parseExpression(d.link.rhs)};
    } catch (e) {
      budget.note(e);
      result.derivation = {error: `cannot read the link ${d.link.rhs}: ${message(e)}`};
      return result;
    }
  }
  for (const eq of plan.equations) {
    try {
      const rhs = parseExpression(eq.rhs);
      const value = plan.kind === "derivation" ? evaluate(rhs, vars, {idx: {...plan.counts}, defs, numericGradients: true, budget, ...(d?.unsum ? {unsum: d.unsum} : {}), latex: eq.rhs}) : evaluateEquation(rhs, vars, plan.counts, eq.mapIndex, undefined, eq.rhs, budget);
      result.equations.push({value});
      if (eq.assigns) vars[eq.assigns] = value;
    } catch (e) {
      budget.note(e);
      result.equations.push({error: message(e)});
    }
  }
  if (plan.reference) {
    try {
      const value = referenceValue(plan.reference.name, plan.reference.args.map((k) => {
        if (!(k in vars)) throw new Error(`no value for ${k}`);
        return vars[k];
      }));
      const own = result.equations[plan.reference.equation]?.value;
      result.reference = {value, ...(own !== undefined ? {agrees: close(own, value, 1e-9, 1e-12)} : {})};
    } catch (e) {
      budget.note(e);
      result.reference = {error: message(e)};
    }
  }
  if (d) {
    const stated = result.equations[0]?.value;
    try {
      const loss = parseExpression(d.loss);
      const wrtNode: Node = {type: "sym", name: d.wrt, start: 0, end: 0};
      const numeric = evaluate({type: "grad", wrt: wrtNode, of: loss, style: "nabla", start: 0, end: 0}, vars, {idx: {...plan.counts}, defs, numericGradients: true, budget, latex: d.loss});
      result.derivation = {numeric, ...(stated !== undefined ? {stated, agrees: close(stated, numeric, 1e-5, 1e-7)} : {error: result.equations[0]?.error ?? "no stated value"})};
    } catch (e) {
      budget.note(e);
      result.derivation = {error: message(e), ...(stated !== undefined ? {stated} : {})};
    }
  }
  return result;
}
