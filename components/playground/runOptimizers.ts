/**
 * runOptimizers(surface, hyper, rules) → Path[]: every printed update rule (compiled from its LaTeX) and the
 * library's reference optimiser for each, from the same start with the same hyper-parameters. Paths equal within
 * 1e-12 at every step are merged into one path that carries both names; a printed rule's path that differs from its
 * reference is drawn beside it, dashed, labelled as differing from it. Pure: no DOM, no tf.
 */
import {compileRecurrence, type Recurrence} from "../formula/recurrence.js";
import {canonicalHyper} from "../formula/symbols.js";
import {tPlayground} from "../i18n/playground.js";
import {OPTIMIZERS, OPTIMIZER_NAMES, type OptimizerName} from "../math/optimizers/index.js";
import {runOptimizer, type RunOptions, type RunResult} from "../math/optimizers/run.js";
import {runRecurrence} from "../math/optimizers/runRecurrence.js";
import type {Hyper} from "../math/optimizers/types.js";
import type {Surface} from "../math/surfaces/types.js";
import {tPathLabel} from "./pathLabels.js";
import {EXTRA_REFERENCES, type ExtraReference, type ReferenceName} from "./referenceRules.js";
import type {RuleSpec} from "./spec.js";

/** What the sliders hold (OptimizerControls' value); `start` applies to the surface `startOn` (any, when absent). */
export type HyperValue = Hyper & {steps: number; start?: number[]; startOn?: string};

export interface Path {
  /** "gd", "adam", "rule-42" (a printed rule's line); a merged path takes its first member's id */
  id: string;
  /** every name this path is drawn under (a printed rule and the reference it equals) */
  names: string[];
  label: string;
  /** the reference optimiser this path is (or is compared with); null for a printed rule with no reference */
  reference: ReferenceName | null;
  /** the printed rule(s) this path draws */
  lines: number[];
  /** CSS colour (a custom property with a fallback, so dark mode can change it) */
  color: string;
  /** dashed: a printed rule that differs from its reference */
  dash?: string;
  /** the reference (id of its path) this printed rule's path differs from; its label says so */
  differsFrom?: ReferenceName;
  points: number[][];
  losses: number[];
  stopped: RunResult["stopped"];
}

/** The references drawn when the text prints no rule. */
export const DEFAULT_REFERENCES: OptimizerName[] = ["gd", "momentum", "adam"];

/** Path colours: one per reference optimiser, then for printed rules without one (see PlaygroundStyle.ts). */
export const PATH_COLORS = 10;
export const pathColor = (k: number): string => `var(--gb-pg-c${(k % PATH_COLORS) + 1})`;

export const referenceLabel = (name: ReferenceName): string => (name in EXTRA_REFERENCES ? tPathLabel(`ref_${name as ExtraReference}`) : tPlayground(`ref_${name as OptimizerName}`));

const compiled = new Map<string, Recurrence | Error>();
/** compileRecurrence, once per LaTeX string. */
export function compileRule(latex: string): Recurrence | Error {
  let c = compiled.get(latex);
  if (!c) {
    try {
      c = compileRecurrence(latex);
    } catch (e) {
      c = e instanceof Error ? e : new Error(String(e));
    }
    compiled.set(latex, c);
  }
  return c;
}

/** The hyper record a compiled rule reads: its own symbols (\eta, \beta, …) mapped to the sliders' values. */
export function ruleHyper(rule: Pick<RuleSpec, "symbols">, rec: Pick<Recurrence, "hyper">, hyper: Hyper): Record<string, number> {
  const out: Record<string, number> = {...hyper};
  for (const [symbol, name] of Object.entries(rule.symbols ?? {})) out[canonicalHyper(symbol)] = hyper[name];
  for (const k of rec.hyper) if (!(k in out)) delete out[k];
  return out;
}

const limitsCache = new WeakMap<Surface, RunOptions>();
/** Stop a path long before overflow: 100× the loss range sampled on the domain, 100× the domain's extent. */
export function divergenceLimits(surface: Surface): RunOptions {
  let lim = limitsCache.get(surface);
  if (lim) return lim;
  const {x, y} = surface.domain;
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i <= 8; i++) {
    for (let j = 0; j <= (y ? 8 : 0); j++) {
      const w = [x[0] + ((x[1] - x[0]) * i) / 8, ...(y ? [y[0] + ((y[1] - y[0]) * j) / 8] : [])];
      const v = surface.f(w);
      if (Number.isFinite(v)) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    }
  }
  const ext = Math.max(...x.map(Math.abs), ...(y ?? [0]).map(Math.abs));
  lim = {maxLoss: Number.isFinite(hi) ? hi + 100 * Math.max(1, hi - lo) : Infinity, maxAbs: 100 * Math.max(1, ext)};
  limitsCache.set(surface, lim);
  return lim;
}

/** Whether two runs are the same path: same length, same stop, every coordinate within tol. */
export function samePath(a: RunResult, b: RunResult, tol = 1e-12): boolean {
  if (a.path.length !== b.path.length || (a.stopped?.step ?? -1) !== (b.stopped?.step ?? -1)) return false;
  for (let k = 0; k < a.path.length; k++) {
    const p = a.path[k], q = b.path[k];
    for (let i = 0; i < p.length; i++) if (!(Math.abs(p[i] - q[i]) <= tol * Math.max(1, Math.abs(p[i])))) return false;
  }
  return true;
}

/** The references to draw: each drawn rule's, else the defaults; in the library's order. */
export function referencesFor(rules: RuleSpec[]): OptimizerName[] {
  const named = new Set(rules.filter((r) => r.drawn && r.reference).map((r) => r.reference as OptimizerName));
  return OPTIMIZER_NAMES.filter((n) => (named.size ? named.has(n) : DEFAULT_REFERENCES.includes(n)));
}

/**
 * The references this folder adds (Adadelta) that a drawn rule names, each with the hyper-parameters it runs with:
 * the sliders', and a learning rate of 1 (the paper's) unless a printed rule of that name has a learning rate.
 */
export function extraReferencesFor(rules: RuleSpec[], hyper: Hyper): {name: ExtraReference; hyper: Hyper}[] {
  return (Object.keys(EXTRA_REFERENCES) as ExtraReference[])
    .filter((n) => rules.some((r) => r.drawn && r.reference === n))
    .map((name) => ({name, hyper: {...hyper, alpha: rules.some((r) => r.drawn && r.reference === name && Object.values(r.symbols ?? {}).includes("alpha")) ? hyper.alpha : 1}}));
}

export function runOptimizers(surface: Surface, hyper: HyperValue, rules: RuleSpec[] = []): Path[] {
  if (!surface || typeof surface.f !== "function") throw new Error("runOptimizers: expected a surface {f, grad, domain}");
  const steps = Math.max(0, Math.round(hyper.steps));
  const start = startFor(surface, hyper);
  const lim = divergenceLimits(surface);
  const paths: (Path & {run: RunResult})[] = [];
  for (const name of referencesFor(rules)) {
    const run = runOptimizer(surface.f, surface.grad, start, OPTIMIZERS[name].step, hyper, steps, lim);
    const k = OPTIMIZER_NAMES.indexOf(name);
    paths.push({id: name, names: [referenceLabel(name)], label: "", reference: name, lines: [], color: pathColor(k), ...result(run), run});
  }
  let extra = OPTIMIZER_NAMES.length;
  for (const {name, hyper: h} of extraReferencesFor(rules, hyper)) {
    const run = runOptimizer(surface.f, surface.grad, start, EXTRA_REFERENCES[name].step, h, steps, lim);
    paths.push({id: name, names: [referenceLabel(name)], label: "", reference: name, lines: [], color: pathColor(extra++), ...result(run), run});
  }
  for (const rule of rules) {
    if (!rule.drawn) continue;
    const rec = compileRule(rule.latex);
    if (rec instanceof Error) continue; // UpdateRule says why
    const run = runRecurrence(surface.f, surface.grad, start, rec, ruleHyper(rule, rec, hyper), steps, lim);
    const twin = paths.find((p) => samePath(p.run, run));
    if (twin) {
      twin.names.unshift(rule.label);
      twin.lines.push(rule.line);
      continue;
    }
    const ref = rule.reference ? paths.find((p) => p.id === rule.reference) : undefined;
    const color = ref ? ref.color : pathColor(extra++);
    paths.push({id: `rule-${rule.line}`, names: [rule.label], label: "", reference: (rule.reference as ReferenceName | undefined) ?? null, lines: [rule.line], color, dash: "6 4",
      ...(ref ? {differsFrom: ref.id as ReferenceName} : {}), ...result(run), run});
  }
  return paths.map(({run: _run, ...p}) => {
    const names = p.names.join(" = ");
    return {...p, label: p.differsFrom ? tPathLabel("differs", {rule: names, reference: referenceLabel(p.differsFrom)}) : names};
  });
}

/** The start point: the dragged one when it belongs to this surface and has its dimension, else the surface's. */
export function startFor(surface: Pick<Surface, "id" | "start">, hyper: Pick<HyperValue, "start" | "startOn">): number[] {
  const s = hyper.start;
  return s && s.length === surface.start.length && s.every(Number.isFinite) && (!hyper.startOn || hyper.startOn === surface.id) ? s : surface.start;
}

function result(run: RunResult): Pick<Path, "points" | "losses" | "stopped"> {
  return {points: run.path, losses: run.losses, stopped: run.stopped};
}
