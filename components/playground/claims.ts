/**
 * Claims a text makes about optimiser paths ("GD 在 y 方向上来回震荡；动量和 RMSProp 更快到达最小值", "Adam converges
 * faster than SGD") read from its sentences, and decided by running the library's optimisers on the surface: at the
 * text's settings first, then over a small grid of reasonable ones. Pure: no DOM, no tf.
 */
import {messages} from "../i18n/index.js";
import {OPTIMIZERS, type OptimizerName} from "../math/optimizers/index.js";
import {runOptimizer, type RunResult} from "../math/optimizers/run.js";
import type {Hyper} from "../math/optimizers/types.js";
import type {Surface} from "../math/surfaces/types.js";
import {plainNumber} from "./format.js";
import {CONVERGED_TOLERANCE, convergedBy, settingsText, tConverge} from "./convergence.js";
import {EXTRA_REFERENCES, type ExtraReference} from "./referenceRules.js";
import {extraReferencesFor, referenceLabel} from "./runOptimizers.js";
import type {ClaimSpec, Hyperparameters, RuleName, RuleSpec} from "./spec.js";

const tClaims = messages({
  "zh-CN": {
    falseFaster: "在 α、γ 的合理取值下，{a} 都没有比 {b} 更快到达最小值",
    falseOscillates: "在 α 的合理取值下，{a} 都没有在第 {axis} 个坐标上来回震荡",
    falseDiverges: "在 α 的合理取值下，{a} 都没有发散",
    falseConverges: "在 α 的合理取值下，{a} 都没有在 {steps} 步内到达最小值附近",
    falseNot: "在合理的设置下，这一说法的反面总是成立"
  },
  en: {
    falseFaster: "at no reasonable α, γ does {a} reach the minimum sooner than {b}",
    falseOscillates: "at no reasonable α does {a} oscillate along coordinate {axis}",
    falseDiverges: "at no reasonable α does {a} diverge",
    falseConverges: "at no reasonable α does {a} get near the minimum within {steps} steps",
    falseNot: "at every reasonable setting the opposite holds"
  }
});

/** Nesterov's method under its full names ("Nesterov 加速梯度", "Nesterov momentum", "NAG"): one name, no claim of speed. */
const NESTEROV = /nesterov(?:'s)?(?:\s*(?:加速梯度(?:法|下降)?|动量法?|momentum|accelerated gradient(?: descent)?|method))?|\bNAG\b/i;

/** Optimiser names in prose, most specific first. */
export const NAME_PATTERNS: [RegExp, RuleName][] = [
  [NESTEROV, "nesterov"],
  [/adadelta/i, "adadelta"],
  [/adagrad/i, "adagrad"],
  [/rms\s*prop/i, "rmsprop"],
  [/adamw/i, "adamw"],
  [/\badam(?!w)/i, "adam"],
  [/动量|momentum/i, "momentum"],
  [/梯度下降|gradient descent|\bSGD\b|\bGD\b/i, "gd"]
];

export type ClaimKind = "faster" | "oscillates" | "diverges" | "converges";

export interface ClaimText {
  line: number;
  text: string;
  kind: ClaimKind;
  /** The optimisers the claim is about (subjects) and what they are compared with. */
  subjects: RuleName[];
  than?: RuleName;
  /** The coordinate named ("y", "b", "θ₂"): resolved against the surface's labels when decided. */
  axisName?: string;
  negated: boolean;
  /** Settings the claim itself states ("with learning rate 0.3", "学习率 0.2 时", "在 100 步内"): judged there only. */
  pinned?: {alpha?: number; steps?: number; gamma?: number};
}

const NUMBER = "(-?\\d*\\.?\\d+(?:e-?\\d+)?)";
/** The learning rate, step budget and momentum a claim states in its own words. */
export function pinnedSettings(clause: string): ClaimText["pinned"] | undefined {
  const plain = clause.replace(/\$/g, " ");
  const alpha = new RegExp(`(?:学习率|步长|learning[- ]rate|step[- ]size|\\blr\\b|\\\\eta|\\\\alpha|η|α)\\s*(?:同为|都为|均为|为|是|取|of|=|:|is|equal to)?\\s*${NUMBER}`, "i").exec(plain);
  const steps = /(\d+)\s*(?:步|次迭代|次更新|steps?|iterations?|updates?)/i.exec(plain);
  const gamma = new RegExp(`(?:动量系数|momentum(?: coefficient)?|\\\\gamma|\\\\beta|γ|β)\\s*(?:为|是|取|of|=|:|is)?\\s*${NUMBER}`, "i").exec(plain);
  const out = {...(alpha && +alpha[1] > 0 ? {alpha: +alpha[1]} : {}), ...(steps ? {steps: +steps[1]} : {}), ...(gamma && +gamma[1] > 0 && +gamma[1] < 1 ? {gamma: +gamma[1]} : {})};
  return Object.keys(out).length ? out : undefined;
}

const KIND_WORDS: [ClaimKind, RegExp][] = [
  ["faster", /更快|快于|加速|faster|quicker|more quickly|fewer (?:steps|iterations)|sooner/i],
  ["oscillates", /震荡|振荡|来回|摆动|之字|锯齿|oscillat|zig-?zag|bounc/i],
  ["diverges", /发散|diverg|blows? up/i],
  ["converges", /收敛到|到达最小|到达极小|converges? to|reach(?:es|ed)? the minimum|(?:far|away) from the minimum|远离最小|离最小值?[^，。,.；;]{0,6}远/i]
];
/** "still far from the minimum", "离最小值还很远": a claim that the path has not converged. */
const FAR = /(?:far|away) from the minimum|远离最小|离最小值?[^，。,.；;]{0,6}远/i;
/** "needs more than 100 steps to converge", "超过 100 步才收敛": not converged within that many. */
const MORE_THAN = /more than\s*\d|at least\s*\d|over\s*\d+\s*(?:steps|iterations)|超过\s*\d|多于\s*\d|至少\s*\d|\d+\s*(?:步|次迭代|次)以上/i;
/** A bare "收敛" / "converges" is a claim about reaching the minimum when it names a step count ("在 50 步内收敛"). */
const CONVERGE_WORD = /收敛|converge/i;
/** A clause about "it" (the method the sentence before named). */
const PRONOUN = /\bit\b|\bit's|\bthis method\b|\bthe method\b|它|该方法|这种方法|此方法/i;
/** The reason given for a claim ("because Adam's first moment carries momentum"): names there are no subjects. */
const REASON = /\bbecause\b|\bsince\b|因为|由于/i;
const DAMPING = /抑制|减少|减小|减弱|缓解|避免|damp|reduc|suppress|avoid|mitigat/i;
const NEGATION = /不会|不再|没有|并不|不\s*(?:震荡|振荡|发散|收敛)|\bnot\b|\bnever\b|n't|doesn't|does not|无法/i;

function namesIn(s: string): {name: RuleName; at: number}[] {
  const out: {name: RuleName; at: number}[] = [];
  let rest = s;
  for (const [re, name] of NAME_PATTERNS) {
    const m = new RegExp(re.source, re.flags.includes("g") ? re.flags : re.flags + "g");
    for (const hit of rest.matchAll(m)) if (!out.some((o) => o.name === name)) out.push({name, at: hit.index ?? 0});
    rest = rest.replace(m, (x) => " ".repeat(x.length));
  }
  return out.sort((a, b) => a.at - b.at);
}

/** One clause of a sentence → a claim, when it names an optimiser and says something checkable. */
function readClause(whole: string, line: number, previous: RuleName[], recent: RuleName[] = []): ClaimText | undefined {
  const cut = REASON.exec(whole);
  const clause = cut && namesIn(whole.slice(0, cut.index)).length ? whole.slice(0, cut.index) : whole;
  const pinned = pinnedSettings(clause);
  // "加速" in "Nesterov 加速梯度" is the method's name, not a claim that it is faster
  const words = clause.replace(new RegExp(NESTEROV.source, "gi"), " NAG ");
  const kind = KIND_WORDS.find(([, re]) => re.test(words))?.[0] ?? (pinned?.steps !== undefined && CONVERGE_WORD.test(words) ? "converges" : undefined);
  // "after 100 steps it is still far from the minimum" (a run's step count): the method the text named last
  const names = namesIn(clause).length ? namesIn(clause) : kind === "converges" && pinned?.steps !== undefined && PRONOUN.test(clause) ? recent.map((name) => ({name, at: 0})) : [];
  if (!names.length) return undefined;
  // "动量用过去的梯度抑制震荡", "damps the oscillation": what a method is for, not a path to check
  if (!kind || DAMPING.test(clause)) return undefined;
  const thanMatch = /(?:比|than|相比|compared (?:to|with))\s*([^，,。；;]*)/i.exec(clause);
  let than: RuleName | undefined;
  let subjects = names.map((n) => n.name);
  if (thanMatch) {
    const after = namesIn(thanMatch[1])[0]?.name;
    if (after) {
      than = after;
      subjects = subjects.filter((n) => n !== after);
    }
  }
  if (kind === "faster" && !than) than = previous.find((p) => !subjects.includes(p)) ?? (subjects.includes("gd") ? undefined : "gd");
  if (kind === "faster" && (!than || !subjects.length)) return undefined;
  const ax = /(?:在|沿着?|\balong|\bin)\s*(?:the\s*)?\$?\s*([A-Za-zα-ωθ](?:_?\{?\d\}?|[₀-₉])?|\\[a-z]+(?:_\{?\d\}?)?)\s*\$?\s*(?:方向|轴|-?axis|direction|coordinate|(?=[\s.,;，。；]|$))/.exec(clause);
  const negated = NEGATION.test(clause) !== (kind === "converges" && (FAR.test(clause) || (pinned?.steps !== undefined && MORE_THAN.test(clause))));
  return {line, text: whole.trim(), kind, subjects, ...(than ? {than} : {}), ...(ax ? {axisName: ax[1]} : {}), negated, ...(pinned ? {pinned} : {})};
}

/** Claims in the text's prose (code and formulas skipped), sentence by sentence. */
export function findClaims(lines: string[]): ClaimText[] {
  const out: ClaimText[] = [];
  let code = false;
  // the methods the paragraph named last, for a clause about "it"
  let recent: RuleName[] = [];
  lines.forEach((raw, i) => {
    if (/^\s*```/.test(raw)) code = !code;
    // headings name a topic ("# 动量法：在狭长山谷中加速"), they claim nothing about a path
    if (!raw.trim() || /^\s*#/.test(raw)) recent = [];
    if (code || /^\s*(?:\$\$|\||#)/.test(raw)) return;
    for (const sentence of raw.split(/(?<=[。！？!?])|(?<=\.)\s+/)) {
      // a question (an FAQ's "Why does RMSProp not blow up …?") asks, it claims nothing
      if (/[?？]\s*(?:\*\*|__)?\s*$/.test(sentence)) continue;
      let previous: RuleName[] = [];
      for (const clause of sentence.split(/[；;]|，(?=而|但|并且|而且|且|同时)|,\s*(?=while|whereas|but|and\b)/)) {
        const c = readClause(clause, i + 1, previous, recent);
        previous = namesIn(clause).map((n) => n.name);
        if (previous.length) recent = previous;
        if (c) out.push(c);
      }
    }
  });
  return out;
}

type Settings = Hyper & {steps: number};

const isExtra = (name: string): name is ExtraReference => name in EXTRA_REFERENCES;
const referenceOf = (name: RuleName) => (isExtra(name) ? EXTRA_REFERENCES[name] : OPTIMIZERS[name as OptimizerName]);

/** The reference optimiser's run; Adadelta with the learning rate the page gives it (1 unless the printed rule has one). */
function run(surface: Surface, name: RuleName, h: Settings, start: number[], rules: RuleSpec[]): RunResult {
  const hyper = isExtra(name) ? extraReferencesFor([...rules, {line: 0, name, label: "", latex: "", symbols: {}, reference: name, drawn: true}], h).find((x) => x.name === name)!.hyper : h;
  return runOptimizer(surface.f, surface.grad, start, referenceOf(name).step, hyper, h.steps, {maxAbs: 1e6, maxLoss: 1e12});
}

/** A claim about reaching the minimum within a step count it states: decided by distance (convergence.ts). */
const withinSteps = (c: ClaimText) => c.kind === "converges" && c.pinned?.steps !== undefined;

/** Steps until f − f* ≤ 1e-3 (f₀ − f*), Infinity when never. */
function stepsToMinimum(r: RunResult, fStar: number): number {
  const f0 = r.losses[0];
  const k = r.losses.findIndex((f) => f - fStar <= 1e-3 * Math.max(f0 - fStar, 1e-12));
  return r.stopped || k < 0 ? Infinity : k;
}

/** Direction reversals along one coordinate in the first 60 steps. */
function reversals(r: RunResult, axis: number): number {
  let count = 0, last = 0;
  for (let k = 1; k < Math.min(r.path.length, 61); k++) {
    const d = r.path[k][axis] - r.path[k - 1][axis];
    if (Math.abs(d) < 1e-12) continue;
    const s = Math.sign(d);
    if (last && s !== last) count++;
    last = s;
  }
  return count;
}

/** The coordinate a claim names, by the surface's axis labels (x, y, or the parameters' names), else the second. */
export function axisIndex(name: string | undefined, labels: string[]): number {
  if (!name) return labels.length - 1;
  const norm = (s: string) => s.replace(/\\theta/g, "θ").replace(/[_{}\\\s]/g, "").replace(/[₀-₉]/g, (d) => String(d.charCodeAt(0) - 0x2080));
  const k = labels.findIndex((l) => norm(l) === norm(name));
  if (k >= 0) return k;
  return /^[xX]$/.test(name) ? 0 : Math.min(1, labels.length - 1);
}

/**
 * Whether the claim's statement (before negation) is true at these settings; undefined when it cannot say (a
 * diverged path for "does not oscillate").
 */
function statement(c: ClaimText, surface: Surface, h: Settings, start: number[], rules: RuleSpec[]): boolean | undefined {
  const runs = new Map<RuleName, RunResult>();
  const get = (n: RuleName) => runs.get(n) ?? (runs.set(n, run(surface, n, h, start, rules)), runs.get(n)!);
  // a path that blows up while flipping sign does oscillate; one that blows up is no evidence that it does not
  if (c.kind === "oscillates" && c.negated && c.subjects.some((n) => get(n).stopped)) return undefined;
  const fStar = surface.minimum ? surface.f(surface.minimum) : Math.min(...[...c.subjects, ...(c.than ? [c.than] : [])].flatMap((n) => get(n).losses));
  switch (c.kind) {
    case "faster": {
      const base = stepsToMinimum(get(c.than!), fStar);
      return c.subjects.every((n) => {
        const s = stepsToMinimum(get(n), fStar);
        return Number.isFinite(s) && s < base;
      });
    }
    case "oscillates":
      return c.subjects.every((n) => reversals(get(n), axisIndex(c.axisName, surface.labels)) >= 3);
    case "diverges":
      return c.subjects.every((n) => {
        const r = get(n);
        return r.stopped !== null || r.losses[r.losses.length - 1] > r.losses[0];
      });
    case "converges":
      // no minimum (a saddle, separable data): nothing to converge to
      if (!surface.minimum) return false;
      if (withinSteps(c)) return c.subjects.every((n) => convergedBy(get(n), surface.minimum!, c.pinned!.steps!).converged);
      return c.subjects.every((n) => Number.isFinite(stepsToMinimum(get(n), fStar)));
  }
}

/** Reasonable settings around the text's: α scaled by 1, ⅓, 3, ⅒, 10 (and γ 0.5, 0.9, 0.99 for momentum). */
function settingsAround(h: Settings, c: ClaimText): Settings[] {
  // a claim that states its own setting is about that setting
  if (c.pinned?.alpha !== undefined) return [{...h, ...c.pinned}];
  // "within 50 steps": at the text's settings, run to the step count or the text's, whichever is longer
  if (withinSteps(c)) return [{...h, ...c.pinned, steps: Math.max(h.steps, c.pinned!.steps!)}];
  if (c.pinned) h = {...h, ...c.pinned};
  const out: Settings[] = [h];
  const gammas = [...c.subjects, c.than].some((n) => n === "momentum" || n === "nesterov") ? [h.gamma, 0.5, 0.9, 0.99] : [h.gamma];
  for (const g of gammas) for (const k of [1, 1 / 3, 3, 0.1, 10]) out.push({...h, alpha: +(h.alpha * k).toPrecision(3), gamma: g});
  return out;
}

/** The claim decided on a surface: holds (and the preset that shows it), or false at every reasonable setting. */
export function decideClaim(c: ClaimText, surface: Surface, defaults: Settings, surfaceId: string, start = surface.start, printed: RuleSpec[] = []): ClaimSpec {
  const known = (n: RuleName) => n in OPTIMIZERS || isExtra(n);
  const axis = c.kind === "oscillates" ? axisIndex(c.axisName, surface.labels) : undefined;
  const within: Record<string, number> = withinSteps(c) ? {steps: c.pinned!.steps!, tolerance: CONVERGED_TOLERANCE} : {};
  const check: Record<string, string | number> = {[c.kind]: c.subjects.join(","), ...(c.than ? {than: c.than} : {}), ...(axis !== undefined ? {axis} : {}), ...(c.negated ? {negated: 1} : {}), ...within};
  const base = {line: c.line, text: c.text, check, ...(withinSteps(c) ? {atText: true, criterion: tConverge("criterion", {steps: c.pinned!.steps!, tol: CONVERGED_TOLERANCE})} : {})};
  if (!c.subjects.every(known) || (c.than && !known(c.than))) return {...base, preset: {surface: surfaceId}, holds: null};
  const rules = [...c.subjects, ...(c.than ? [c.than] : [])];
  const tried = settingsAround(defaults, c);
  for (const h of tried) {
    let ok: boolean;
    try {
      const v = statement(c, surface, h, start, printed);
      ok = v !== undefined && v !== c.negated;
    } catch {
      ok = false;
    }
    if (ok) return {...base, preset: {...presetOf(h, defaults), surface: surfaceId, start, rules, steps: h.steps}, holds: true};
  }
  const a = c.subjects.map(referenceLabel).join(", "), b = c.than ? referenceLabel(c.than) : "";
  const note = withinSteps(c) ? withinNote(c, surface, tried[0], start, printed)
    : c.negated ? tClaims("falseNot") : c.kind === "faster" ? tClaims("falseFaster", {a, b}) : c.kind === "oscillates" ? tClaims("falseOscillates", {a, axis: (axis ?? 1) + 1}) : c.kind === "diverges" ? tClaims("falseDiverges", {a}) : tClaims("falseConverges", {a, steps: defaults.steps});
  const shown = withinSteps(c) ? tried[0] : defaults;
  return {...base, preset: {...presetOf(shown, defaults), surface: surfaceId, start, rules, steps: shown.steps}, holds: false, note};
}

/** Why "converges within N steps" (or "is still far from it after N") fails at the text's settings, with the numbers. */
function withinNote(c: ClaimText, surface: Surface, h: Settings, start: number[], printed: RuleSpec[]): string {
  const steps = c.pinned!.steps!;
  const settings = settingsText(c.subjects.flatMap((n) => referenceOf(n).hyper), h as unknown as Record<string, number>);
  const tol = CONVERGED_TOLERANCE;
  const a = c.subjects.map(referenceLabel).join(", ");
  if (!surface.minimum) return tConverge("falseAt", {settings, a, steps, dist: "∞", tol});
  if (c.negated) return tConverge("falseNotAt", {settings, a, steps, tol});
  for (const n of c.subjects) {
    const r = run(surface, n, h, start, printed);
    const {converged, distance, leaves} = convergedBy(r, surface.minimum, steps);
    if (converged) continue;
    if (leaves) return tConverge("falseLeaves", {settings, a: referenceLabel(n), steps, k: leaves.step, dist: plainNumber(+leaves.distance.toPrecision(3)), tol});
    return r.stopped || !Number.isFinite(distance) ? tConverge("stopped", {settings, a: referenceLabel(n), steps, tol}) : tConverge("falseAt", {settings, a: referenceLabel(n), steps, dist: plainNumber(+distance.toPrecision(3)), tol});
  }
  return tConverge("falseAt", {settings, a, steps, dist: "?", tol});
}

function presetOf(h: Settings, _defaults: Settings): Partial<Hyperparameters> {
  return {alpha: h.alpha, gamma: h.gamma, beta_1: h.beta_1, beta_2: h.beta_2, rho: h.rho, epsilon: h.epsilon, lambda: h.lambda};
}
