/**
 * Judges a formula that states an expectation, a variance or a covariance (`\mathbb{E}[\tilde{h}_i] = h_i`,
 * `\mathrm{Var}(\sum_j w_j x_j) = n \mathrm{Var}(w)\mathrm{Var}(x)`, `\mathbb{E}[\max(0, z)] = \sigma/\sqrt{2\pi}`) by
 * sampling: the random symbols the chapter declares (distribution-declare.ts) are drawn N times (seeded), each side
 * is evaluated on all draws at once by the engine's evaluator over batches (distribution-batch.ts), moments are the
 * draws' sample moments, and the sides are compared within a statistical tolerance from the standard error of
 * their difference (batch means over K groups of draws). Undefined when it cannot judge: no declared distribution,
 * a moment of something that is not random, a side that stays random, or a difference between the tolerances.
 * Pure: no DOM, no tf.
 */
import {symKey, type Formula, type Node, type NodeOf} from "./ast.js";
import {evaluateWith, numeric, type Def, type Scope} from "./evaluate.js";
import {WORK_PER_FORMULA, WorkBudget} from "./limits.js";
import {batchOps, groupValues, type Batch} from "./distribution-batch.js";
import {chapterContext, type ChapterContext} from "./distribution-context.js";
import {FAMILY_LABEL, readSpec} from "./distribution-family.js";
import type {Declared} from "./distribution-declare.js";
import {mapChildren} from "./rewrite.js";
import {symbolUses} from "./symbols.js";
import {rewriteMoments, type MomentUse} from "./distribution-moments.js";
import {buildModel, drawModel, type Draws, type Model} from "./distribution-model.js";
import {compareSides, movement, type Comparison} from "./distribution-verdict.js";
import type {FormulaReport, MathBlock} from "./types.js";

type Outcome = Omit<FormulaReport, "id" | "line">;

/** Groups of draws the standard error is estimated from (batch means). */
export const GROUPS = 40;
/** Most draws per formula, and the work (evaluator units per draw × draws) they may cost. */
export const MAX_DRAWS = 80_000;
const MIN_DRAWS = 4_000;
/** How far (a fraction of their range) the seeded values move to tell an identity in them from a condition on them. */
const SHIFT = 0.37;
/** Entries drawn (random vectors' entries × draws) per formula. */
const MAX_DRAWN = 250_000;
/** Draws a builtin may be applied to one at a time (a softmax of a vector), over all its uses. */
const MAX_SLOW_DRAWS = 20_000;
const WORK_PER_JUDGEMENT = 3_000_000;

export function distributionOutcome(f: Formula, block: MathBlock, blocks: MathBlock[], seed: number): Outcome | undefined {
  const chapter = chapterContext(blocks);
  // Var(\mathcal{U}(-a, a)): a distribution written in place is a random variable of its own
  const random = new Map(chapter.random);
  const lines = f.lines.map((l) => ({...l, first: inPlace(l.first, random, block), rest: l.rest.map((r) => ({...r, node: inPlace(r.node, random, block)}))}));
  const ctx = {...chapter, random};
  if (!ctx.random.size) return undefined;
  const blockIndex = Math.max(blocks.indexOf(block), blocks.findIndex((b) => b.id === block.id));
  const judged: {comparison: Comparison; lhs: string; rhs: string; draws: Draws; n: number; model: Model}[] = [];
  for (let lineIndex = 0; lineIndex < lines.length; lineIndex++) {
    const line = lines[lineIndex];
    const parts = [line.first, ...line.rest.map((r) => r.node)];
    const uses: MomentUse[] = [];
    const pooledArgs = new Set<Node>();
    const pool = (arg: Node) => arg.type === "sym" && !arg.sub && ctx.random.has(arg.name) && !!pooledArgs.add(arg);
    const rewritten = parts.map((p) => rewriteMoments(p, uses, pool));
    if (!uses.length) continue;
    const defs = ctx.defsFor(blockIndex, lineIndex);
    // the parameters of a distribution written in place are free values, as the chapter's declared ones are
    for (const [name, d] of random) if (!chapter.random.has(name)) for (const p of d.params) for (const u of symbolUses(p)) delete defs[u.key];
    const model = buildModel(rewritten, ctx, defs, pooledArgs, seed);
    if (typeof model === "string" || !uses.every((u) => randomInside(u.args, ctx, defs, model))) return undefined;
    const run = sample(rewritten, model, defs, block.latex, seed);
    if (!run) return undefined;
    const checks = new Checks(rewritten, model, defs, block.latex, seed);
    for (let k = 0; k < line.rest.length; k++) {
      if (line.rest[k].rel !== "=") continue;
      const comparison = checks.judge(run, k);
      if (!comparison) return undefined;
      const text = (n: Node) => block.latex.slice(n.start, n.end).trim();
      judged.push({comparison, lhs: text(parts[k]), rhs: text(parts[k + 1]), draws: run.draws, n: run.n, model});
    }
  }
  if (!judged.length) return undefined;
  const bad = judged.find((j) => j.comparison.verdict === "bad");
  if (bad) return {status: "flagged", reason: sentence(bad)};
  if (judged.some((j) => j.comparison.verdict !== "ok")) return undefined;
  return {status: "verified", reason: sentence(judged[judged.length - 1])};
}

type Run = NonNullable<ReturnType<typeof sample>>;

/** The second looks a verdict takes before it stands (each run once per line, when needed). */
class Checks {
  private moved?: Run | null;
  private hiddenMoved?: Run | null;
  private alternative?: Run | null;
  constructor(private parts: Node[], private model: Model, private defs: Record<string, Def>, private latex: string, private seed: number) {}

  judge(run: Run, k: number): Comparison | undefined {
    const c = compareSides(run.values[k], run.values[k + 1], run.n);
    if (!c || c.verdict === "unsure") return c;
    const unsure = {...c, verdict: "unsure" as const};
    // Var(w) = 2/n_in, n Var(w) = 1, E‖h̃‖² = 19: a side that stays put while the other follows the seeded values
    // (all moved by SHIFT of their range) is a choice of them or a worked example with the text's values, no identity
    if (this.model.fixed.size) {
      this.moved ??= sample(this.parts, this.model, this.defs, this.latex, this.seed, 4, SHIFT) ?? null;
      if (followsOneSide(run, this.moved, k)) return unsure;
    }
    // E[θ̂] = θ when the text gives θ̂ a variance only: a side that follows a mean the text does not give
    if (this.model.hidden) {
      this.hiddenMoved ??= sample(this.parts, this.model, this.defs, this.latex, this.seed, 4, 0, SHIFT) ?? null;
      if (followsOneSide(run, this.hiddenMoved, k)) return unsure;
    }
    // only moments stated ("zero-mean, independent"): the verdict must not depend on the normal standing for them
    if (![...this.model.random.values()].some((r) => r.decl.generic)) return c;
    this.alternative ??= sample(this.parts, uniformInstead(this.model), this.defs, this.latex, this.seed, 4) ?? null;
    const alt = this.alternative && compareSides(this.alternative.values[k], this.alternative.values[k + 1], this.alternative.n);
    return (c.verdict === "bad" ? alt?.verdict === "bad" : alt && alt.verdict !== "bad") ? c : unsure;
  }
}

/**
 * Whether one side of pair k stays put while the other moves between the runs (or the second run failed): still
 * within its standard errors, and by less than a quarter of the other's relative change.
 */
function followsOneSide(run: Run, other: Run | null, k: number): boolean {
  if (!other) return true;
  const a = movement(run.values[k], other.values[k]), b = movement(run.values[k + 1], other.values[k + 1]);
  if (!a || !b) return true;
  const stays = (x: typeof a, y: typeof a) => x.still && y.moved && x.change < y.change / 4;
  return stays(a, b) || stays(b, a);
}

/** The model with every moments-only variable uniform instead of normal, with the same mean and variance. */
function uniformInstead(model: Model): Model {
  const random: Model["random"] = new Map();
  for (const [name, r] of model.random) {
    if (!r.decl.generic) {
      random.set(name, r);
      continue;
    }
    const [mean, variance] = r.decl.params;
    const half: Node = {type: "sqrt", arg: {type: "mul", left: {type: "num", value: 3, start: 0, end: 0}, right: variance, op: "cdot", start: 0, end: 0}, start: 0, end: 0};
    const bound = (sign: 1 | -1): Node => ({type: "add", terms: [{sign: 1, node: mean}, {sign, node: half}], start: 0, end: 0});
    random.set(name, {...r, decl: {...r.decl, family: "uniform", params: [bound(-1), bound(1)]}});
  }
  return {...model, random};
}

/** The formula with each distribution it writes in place (U(−a, a)) as a random symbol declared in `random`. */
function inPlace(n: Node, random: Map<string, Declared>, block: MathBlock): Node {
  const spec = n.type === "call" || n.type === "mul" ? readSpec(n) : undefined;
  if (spec) {
    const name = block.latex.slice(n.start, n.end).replace(/\s+/g, "");
    random.set(name, {...spec, line: block.line});
    return {type: "sym", name, start: n.start, end: n.end};
  }
  return mapChildren(n, (c) => inPlace(c, random, block));
}

/** Whether every moment is of something random (E(w) of a fixed w would be a function E, not an expectation). */
function randomInside(args: Node[], ctx: ChapterContext, defs: Record<string, Def>, model: Model): boolean {
  const seen = new Set<string>();
  const random = (n: Node, depth: number): boolean => {
    if (n.type === "sym") {
      const base = n.sub?.type === "sym" && n.sub.name.length === 1 ? n.name : symKey(n.name, n.subText);
      if (model.random.has(base) || model.random.has(n.name)) return true;
      const key = symKey(n.name, n.subText), d = defs[key] ?? (n.sub ? defs[n.name] : undefined);
      if (!d || seen.has(key) || depth > 8) return false;
      seen.add(key);
      return random(d.body, depth + 1);
    }
    if (n.type === "call" && !n.builtin && defs[n.fn] && !seen.has(n.fn)) return seen.add(n.fn), random(defs[n.fn].body, depth + 1) || n.args.some((a) => random(a, depth));
    return childrenOf(n).some((c) => random(c, depth));
  };
  return ctx.random.size > 0 && args.every((a) => random(a, 0));
}

/**
 * Each part's value (entries × groups) on GROUPS groups of draws, as many as the work bound allows: every group is
 * evaluated on its own draws (its moments are its sample moments), so the spread of a part over the groups is the
 * standard error of its estimate.
 */
function sample(parts: Node[], model: Model, defs: Record<string, Def>, latex: string, seed: number, fewer = 1, shift = 0, hiddenShift = shift): {values: number[][][]; draws: Draws; n: number} | undefined {
  const run = (n: number, stream: number) => {
    const draws = drawModel(model, n, seed, stream, shift, hiddenShift);
    if (!draws) return undefined;
    const budget = new WorkBudget(WORK_PER_FORMULA, "moment");
    const slow = {draws: 0};
    const scope: Scope<Batch> = {ops: batchOps(n, 1, slow), vars: draws.vars, idx: model.idx, defs, latex, budget, resolve: entryOfDefined};
    try {
      const values = parts.map((p) => groupValues(evaluateWith(p, scope), 1));
      return values.every((v): v is number[][] => !!v) ? {values, draws, work: budget.used, slow: slow.draws / n} : undefined;
    } catch {
      return undefined;
    }
  };
  // a run on two draws prices a draw (the evaluator charges by the shape of one draw)
  const probe = run(2, 0);
  if (!probe) return undefined;
  // builtins applied draw by draw (probe.slow per draw) cost far more than the evaluator's units say
  // and every entry of every random vector is drawn, every fixed vector lifted, per draw
  let entries = 0;
  for (const r of model.random.values()) entries += Math.max(1, r.length);
  for (const f of model.fixed.values()) entries += f.length;
  const size = Math.floor(Math.min(MAX_DRAWS, WORK_PER_JUDGEMENT / Math.max(1, probe.work), MAX_DRAWN / entries, probe.slow ? MAX_SLOW_DRAWS / probe.slow : Infinity) / GROUPS / fewer);
  if (size * GROUPS * fewer < MIN_DRAWS) return undefined;
  const values: number[][][] = probe.values.map((p) => p.map(() => []));
  for (let g = 0; g < GROUPS; g++) {
    const r = run(size, g + 1);
    if (!r) return undefined;
    r.values.forEach((p, k) => p.forEach((entry, e) => values[k][e]?.push(entry[0])));
  }
  return {values, draws: probe.draws, n: size * GROUPS};
}

/** h̃_i with h̃ = (m ⊙ h)/(1 − p) defined whole: the i-th entry of the definition's value. */
function entryOfDefined(n: NodeOf<"sym">, scope: Scope<Batch>): Batch | undefined {
  const d = n.sub?.type === "sym" && n.sub.name.length === 1 ? scope.defs?.[n.name] : undefined;
  if (!d || d.index || d.params || symKey(n.name, n.subText) in scope.vars || n.name in scope.vars) return undefined;
  const whole = evaluateWith(d.body, {...scope, expansion: (scope.expansion ?? 0) + 1});
  return scope.ops.index(whole, numeric(n.sub!, scope));
}

const fmt = (x: number) => (Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : String(Math.round(x * 1e4) / 1e4));

/** What the draws were: `m ~ Bernoulli(0.675), p = 0.325`. */
function drawsText(model: Model, draws: Draws): string {
  const dists = [...model.random].map(([name, r]) => `${r.length ? `${r.length} entries of ${name}` : name} ~ ${FAMILY_LABEL[r.decl.family]}(${(draws.params.get(name) ?? []).map(fmt).join(", ")})${r.decl.generic ? " standing for any distribution with these moments" : ""}`);
  const fixed = Object.entries(draws.fixed).filter(([, v]) => typeof v === "number").map(([k, v]) => `${k} = ${fmt(v as number)}`);
  const counts = model.counts.map((k) => `${k} = ${model.idx[k]}`);
  return [...dists, ...fixed, ...counts].join(", ");
}

function sentence(j: {comparison: Comparison; lhs: string; rhs: string; draws: Draws; n: number; model: Model}): string {
  const c = j.comparison;
  const side = (v: number, se: number) => (se > 0 ? `${fmt(v)} ± ${fmt(se)}` : fmt(v));
  const where = `${String(j.n).replace(/\B(?=(\d{3})+$)/g, ",")} seeded draws (${drawsText(j.model, j.draws)})`;
  if (c.verdict === "ok") return `agrees with ${where}: ${j.lhs} ≈ ${side(c.left, c.leftSe)}, ${j.rhs} ≈ ${side(c.right, c.rightSe)}`;
  return `disagrees with ${where}: ${j.lhs} ≈ ${side(c.left, c.leftSe)} but ${j.rhs} ≈ ${side(c.right, c.rightSe)} (a difference of ${Math.round(c.sigmas)} standard errors)`;
}

import {children as childrenOf} from "./ast.js";
