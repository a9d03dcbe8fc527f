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
import type {ClaimSpec, Hyperparameters, RuleName} from "./spec.js";

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

/** Optimiser names in prose, most specific first. */
export const NAME_PATTERNS: [RegExp, RuleName][] = [
  [/nesterov|\bNAG\b/i, "nesterov"],
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
  ["converges", /收敛到|到达最小|到达极小|converges? to|reach(?:es)? the minimum/i]
];
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
function readClause(clause: string, line: number, previous: RuleName[]): ClaimText | undefined {
  const names = namesIn(clause);
  if (!names.length) return undefined;
  const kind = KIND_WORDS.find(([, re]) => re.test(clause))?.[0];
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
  const pinned = pinnedSettings(clause);
  return {line, text: clause.trim(), kind, subjects, ...(than ? {than} : {}), ...(ax ? {axisName: ax[1]} : {}), negated: NEGATION.test(clause), ...(pinned ? {pinned} : {})};
}

/** Claims in the text's prose (code and formulas skipped), sentence by sentence. */
export function findClaims(lines: string[]): ClaimText[] {
  const out: ClaimText[] = [];
  let code = false;
  lines.forEach((raw, i) => {
    if (/^\s*```/.test(raw)) code = !code;
    if (code || /^\s*(?:\$\$|\|)/.test(raw)) return;
    for (const sentence of raw.split(/(?<=[。！？!?])|(?<=\.)\s+/)) {
      let previous: RuleName[] = [];
      for (const clause of sentence.split(/[；;]|，(?=而|但|并且|而且|且|同时)|,\s*(?=while|whereas|but|and\b)/)) {
        const c = readClause(clause, i + 1, previous);
        previous = namesIn(clause).map((n) => n.name);
        if (c) out.push(c);
      }
    }
  });
  return out;
}

type Settings = Hyper & {steps: number};

function run(surface: Surface, name: RuleName, h: Settings, start: number[]): RunResult {
  const opt = OPTIMIZERS[name as OptimizerName];
  return runOptimizer(surface.f, surface.grad, start, opt.step, h, h.steps, {maxAbs: 1e6, maxLoss: 1e12});
}

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
function statement(c: ClaimText, surface: Surface, h: Settings, start: number[]): boolean | undefined {
  const runs = new Map<RuleName, RunResult>();
  const get = (n: RuleName) => runs.get(n) ?? (runs.set(n, run(surface, n, h, start)), runs.get(n)!);
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
      return c.subjects.every((n) => Number.isFinite(stepsToMinimum(get(n), fStar)));
  }
}

/** Reasonable settings around the text's: α scaled by 1, ⅓, 3, ⅒, 10 (and γ 0.5, 0.9, 0.99 for momentum). */
function settingsAround(h: Settings, c: ClaimText): Settings[] {
  // a claim that states its own setting is about that setting
  if (c.pinned?.alpha !== undefined) return [{...h, ...c.pinned}];
  if (c.pinned) h = {...h, ...c.pinned};
  const out: Settings[] = [h];
  const gammas = [...c.subjects, c.than].some((n) => n === "momentum" || n === "nesterov") ? [h.gamma, 0.5, 0.9, 0.99] : [h.gamma];
  for (const g of gammas) for (const k of [1, 1 / 3, 3, 0.1, 10]) out.push({...h, alpha: +(h.alpha * k).toPrecision(3), gamma: g});
  return out;
}

/** The claim decided on a surface: holds (and the preset that shows it), or false at every reasonable setting. */
export function decideClaim(c: ClaimText, surface: Surface, defaults: Settings, surfaceId: string, start = surface.start): ClaimSpec {
  const known = (n: RuleName) => n in OPTIMIZERS;
  const axis = c.kind === "oscillates" ? axisIndex(c.axisName, surface.labels) : undefined;
  const check: Record<string, string | number> = {[c.kind]: c.subjects.join(","), ...(c.than ? {than: c.than} : {}), ...(axis !== undefined ? {axis} : {}), ...(c.negated ? {negated: 1} : {})};
  const base = {line: c.line, text: c.text, check};
  if (!c.subjects.every(known) || (c.than && !known(c.than))) return {...base, preset: {surface: surfaceId}, holds: null};
  const rules = [...c.subjects, ...(c.than ? [c.than] : [])];
  for (const h of settingsAround(defaults, c)) {
    let ok: boolean;
    try {
      const v = statement(c, surface, h, start);
      ok = v !== undefined && v !== c.negated;
    } catch {
      ok = false;
    }
    if (ok) return {...base, preset: {...presetOf(h, defaults), surface: surfaceId, start, rules, steps: h.steps}, holds: true};
  }
  const a = c.subjects.join(", "), b = c.than ?? "";
  const note = c.negated ? tClaims("falseNot") : c.kind === "faster" ? tClaims("falseFaster", {a, b}) : c.kind === "oscillates" ? tClaims("falseOscillates", {a, axis: (axis ?? 1) + 1}) : c.kind === "diverges" ? tClaims("falseDiverges", {a}) : tClaims("falseConverges", {a, steps: defaults.steps});
  return {...base, preset: {...presetOf(defaults, defaults), surface: surfaceId, start, rules, steps: defaults.steps}, holds: false, note};
}

function presetOf(h: Settings, _defaults: Settings): Partial<Hyperparameters> {
  return {alpha: h.alpha, gamma: h.gamma, beta_1: h.beta_1, beta_2: h.beta_2, rho: h.rho, epsilon: h.epsilon, lambda: h.lambda};
}
