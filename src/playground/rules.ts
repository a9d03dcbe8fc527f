/**
 * The update rules a chapter prints, each classified by its structure (an accumulator of g², decay constants, a
 * first moment, bias correction, a look-ahead gradient, a weight-decay term) and by the name the text around it
 * gives, compiled with the formula engine so the playground can draw it beside the library's reference.
 */
import {symKey, type Node, type NodeOf} from "../../components/formula/ast.js";
import {parseFormula} from "../../components/formula/parse.js";
import {attachGradientArguments, compileRecurrence, normalizeRule} from "../../components/formula/recurrence.js";
import {canonicalHyper, findAll, symbolUses} from "../../components/formula/symbols.js";
import {runRecurrence} from "../../components/math/optimizers/runRecurrence.js";
import {combineWithBlock, completeHats} from "./combine.js";
import type {HyperName, RuleName, RuleSpec} from "../../components/playground/spec.js";
import type {ChapterModel} from "../chapter.js";
import {t} from "./messages.js";

export interface RuleReading {
  spec: RuleSpec;
  /** The name from the structure alone, and the names the text around it uses. */
  structure: RuleName | "other";
  textNames: RuleName[];
}

const GRADIENT_SYMBOL = /^(?:g|\\mathbf\{g\}|\\boldsymbol\{g\})$/;

/** Names in the text, most specific first (AdamW before Adam, Nesterov before momentum). */
const TEXT_NAMES: [RegExp, RuleName][] = [
  [/ada\s*delta/i, "adadelta"],
  [/nesterov|\bNAG\b|涅斯捷罗夫/i, "nesterov"],
  [/adagrad/i, "adagrad"],
  [/rms\s*prop/i, "rmsprop"],
  [/adamw/i, "adamw"],
  [/\badam(?![a-z])/i, "adam"],
  [/动量|momentum|heavy[- ]ball/i, "momentum"],
  [/梯度下降|gradient descent|\bSGD\b|\bGD\b/i, "gd"]
];

interface Eq {
  name: string;
  rhs: Node;
  /** The right side uses the left side's own previous value. */
  self: boolean;
}

const isGradient = (n: Node) => n.type === "grad" || (n.type === "sym" && GRADIENT_SYMBOL.test(n.name));

function hasGradient(n: Node, defined: Set<string>): boolean {
  return findAll(n, "grad").length > 0 || symbolUses(n).some((u) => GRADIENT_SYMBOL.test(u.node.name) || defined.has(u.node.name));
}

/** g², g ⊙ g, (∇L)² anywhere in n. */
function squaredGradient(n: Node, grads: Set<string>): boolean {
  const g = (x: Node): boolean => {
    const inner = x.type === "paren" ? x.arg : x;
    return isGradient(inner) || (inner.type === "sym" && grads.has(inner.name));
  };
  // a product chain ((1 − ρ) g ⊙ g parses as ((1 − ρ) g) ⊙ g) counts its gradient factors together
  const factors = (x: Node): Node[] => (x.type === "mul" ? [...factors(x.left), ...factors(x.right)] : [x]);
  let found = false;
  const visit = (x: Node, inChain = false): void => {
    if (x.type === "pow" && g(x.base) && x.exp.type === "num" && x.exp.value === 2) found = true;
    if (x.type === "mul" && !inChain && factors(x).filter(g).length >= 2) found = true;
    for (const c of childrenOf(x)) visit(c, x.type === "mul" && c.type === "mul");
  };
  visit(n);
  return found;
}

import {children as childrenOf} from "../../components/formula/ast.js";

/** The self term of an accumulator is scaled (ρ s_{t-1}, β m_{t-1}, γ v_{t-1}). */
function decayed(e: Eq): boolean {
  let found = false;
  const visit = (x: Node): void => {
    if (x.type === "mul" && [x.left, x.right].some((c) => c.type === "sym" && c.name === e.name)) found = true;
    for (const c of childrenOf(x)) visit(c);
  };
  visit(e.rhs);
  return found;
}

/** The structure's name: what the rule computes, whatever the text calls it. */
export function classifyRule(latex: string): RuleName | "other" {
  let eqs: Eq[];
  try {
    eqs = parseFormula(normalizeRule(latex)).lines.map((l) => {
      if (l.first.type !== "sym") throw new Error("not an update");
      const name = l.first.name, rhs = attachGradientArguments(l.rest[0].node);
      return {name, rhs, self: symbolUses(rhs).some((u) => u.node.name === name)};
    });
  } catch {
    return "other";
  }
  const gradNames = new Set(eqs.filter((e) => isGradient(e.rhs.type === "paren" ? e.rhs.arg : e.rhs) || findAll(e.rhs, "grad").length).filter((e) => !e.self).map((e) => e.name));
  const sq = eqs.filter((e) => e.self && squaredGradient(e.rhs, gradNames));
  const first = eqs.filter((e) => e.self && !sq.includes(e) && decayed(e) && hasGradient(e.rhs, gradNames));
  const weight = eqs[eqs.length - 1];
  const lookahead = findAll(weight.rhs, "grad").concat(...eqs.map((e) => findAll(e.rhs, "grad"))).some((g) => lookaheadArg(g, eqs));
  if (sq.length && deltaAccumulators(eqs, gradNames, sq).length) return "adadelta";
  if (sq.length && first.length) return decoupledDecay(weight, new Set(eqs.map((e) => e.name))) ? "adamw" : "adam";
  if (sq.length) return sq.some(decayed) ? "rmsprop" : "adagrad";
  if (lookahead) return "nesterov";
  if (first.length === 1) return "momentum";
  if (eqs.length >= 1 && eqs.every((e) => e.self) && eqs.every((e) => hasGradient(e.rhs, gradNames))) return "gd";
  return "other";
}

/**
 * Adadelta's second accumulator: a decayed running average of the square of a state that is not the gradient
 * (E[Δx²]_t = ρ E[Δx²]_{t-1} + (1 − ρ) Δx_t², whatever the letters).
 */
function deltaAccumulators(eqs: Eq[], gradNames: Set<string>, sq: Eq[]): Eq[] {
  const steps = new Set(eqs.filter((e) => !e.self && !gradNames.has(e.name)).map((e) => e.name));
  const usesGradient = (e: Eq) => findAll(e.rhs, "grad").length > 0 || symbolUses(e.rhs).some((u) => GRADIENT_SYMBOL.test(u.node.name) || gradNames.has(u.node.name));
  return eqs.filter((e) => e.self && !sq.includes(e) && decayed(e) && squaredGradient(e.rhs, steps) && !usesGradient(e));
}

/**
 * Decoupled weight decay (AdamW): a term λ·w (a constant times the weight's previous value) in the weight's update
 * outside every fraction whose denominator holds a root (the adaptive scaling). λ inside the gradient or the moments
 * (L2 regularisation) is not.
 */
function decoupledDecay(weight: Eq, states: Set<string>): boolean {
  const constant = (x: Node) => !symbolUses(x).some((u) => states.has(u.node.name)) && !findAll(x, "grad").length;
  const isWeight = (x: Node): boolean => (x.type === "paren" ? isWeight(x.arg) : x.type === "sym" && x.name === weight.name);
  let found = false;
  const visit = (x: Node, adaptive: boolean): void => {
    if (x.type === "div") {
      const rooted = findAll(x.den, "sqrt").length > 0;
      visit(x.num, adaptive || rooted);
      visit(x.den, true);
      return;
    }
    if (!adaptive && x.type === "mul" && ((isWeight(x.right) && constant(x.left)) || (isWeight(x.left) && constant(x.right)))) found = true;
    for (const c of childrenOf(x)) visit(c, adaptive);
  };
  visit(weight.rhs, false);
  return found;
}

/**
 * The gradient is taken at a look-ahead point: a combination of two or more of the rule's states (∇f(θ_t − γv_t)),
 * or a line of the rule that computes one (θ̃_t = θ_t − γv_t, then ∇f(θ̃_t)).
 */
function lookaheadArg(g: NodeOf<"grad">, eqs: Eq[]): boolean {
  const of = g.of;
  const arg = of.type === "call" && of.args.length === 1 ? of.args[0] : of.type === "mul" && of.right.type === "paren" ? of.right.arg : undefined;
  if (!arg) return false;
  const states = new Set(eqs.map((e) => e.name));
  const combines = (x: Node) => symbolUses(x).filter((u) => states.has(u.node.name)).length >= 2 && !findAll(x, "grad").length;
  if (arg.type === "sym") return eqs.some((e) => e.name === arg.name && !e.self && combines(e.rhs));
  return combines(arg);
}

/** Whether a formula is an update rule at all: every line updates a symbol, one updates itself with a gradient. */
export function isUpdateRule(latex: string): boolean {
  if (/\\to\b/.test(latex)) return false;
  let lines;
  try {
    lines = parseFormula(normalizeRule(latex)).lines;
  } catch {
    return false;
  }
  if (!lines.length || lines.some((l) => l.first.type !== "sym" || !l.rest.length || l.rest[0].rel !== "=" || l.rest.length > 1)) return false;
  const defined = new Set<string>();
  for (const l of lines) if (hasGradient(l.rest[0].node, defined)) defined.add((l.first as NodeOf<"sym">).name);
  return lines.some((l) => {
    const first = l.first as NodeOf<"sym">;
    const selfUse = symbolUses(l.rest[0].node).some((u) => u.node.name === first.name);
    const timed = first.sub !== undefined || l.assign;
    return selfUse && (timed || /^(?:\\theta|w|W|b|x|\\mathbf\{w\}|\\Theta)$/.test(first.name)) && (hasGradient(l.rest[0].node, defined) || symbolUses(l.rest[0].node).some((u) => defined.has(u.node.name)));
  });
}

/** Names the text uses for the rule: the lines just before it (its sentence and heading), nearest first. */
function textNames(lines: string[], line: number, sectionStart: number): RuleName[] {
  const out: RuleName[] = [];
  let heading = "";
  for (let k = line - 2; k >= Math.max(0, sectionStart - 1); k--) {
    if (/^#{2,6}\s/.test(lines[k])) {
      heading = lines[k];
      break;
    }
  }
  const window = [...lines.slice(Math.max(sectionStart - 1, line - 5), line - 1).reverse(), heading];
  for (const text of window) {
    const hits = TEXT_NAMES.map(([re, name]) => ({name, at: text.search(re)})).filter((h) => h.at >= 0).sort((a, b) => b.at - a.at);
    for (const h of hits) if (!out.includes(h.name)) out.push(h.name);
  }
  return out;
}

const SLIDERS = ["alpha", "beta_1", "beta_2", "epsilon", "gamma", "rho", "lambda"];

/**
 * The rule's hyper-parameter symbols as slider names. Known letters by name (η, α, γ, ρ, β₁, …); the others by the
 * part they play: a symbol added to a square root (\sqrt{s_t} + \delta) is ε, and the one symbol left (\kappa,
 * \lambda_0, whatever the author calls the step size) is the learning rate.
 */
function sliderSymbols(symbols: Record<string, string>, name: RuleName | "other", latex = ""): Record<string, HyperName> {
  const out: Record<string, HyperName> = {};
  const unknown: string[] = [];
  for (const [sym, canon] of Object.entries(symbols)) {
    let h: string = canon;
    if (canon === "beta" || canon === "mu") h = name === "rmsprop" ? "rho" : name === "momentum" || name === "nesterov" ? "gamma" : canon;
    if (canon === "beta_2" && name === "rmsprop") h = "rho";
    if (canon === "rho" && (name === "adam" || name === "adamw")) h = "beta_2";
    if (name === "adadelta" && ["beta", "mu", "gamma", "beta_2"].includes(canon)) h = "rho";
    if (SLIDERS.includes(h)) out[sym] = h as HyperName;
    else unknown.push(sym);
  }
  const esc = (x: string) => x.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
  const rest = unknown.filter((sym) => {
    const nearRoot = new RegExp(String.raw`\\sqrt\s*\{(?:[^{}]|\{[^{}]*\})*\}\s*\+\s*` + esc(sym) + String.raw`(?![A-Za-z])`);
    if (!Object.values(out).includes("epsilon") && nearRoot.test(latex)) {
      out[sym] = "epsilon";
      return false;
    }
    return true;
  });
  if (rest.length === 1 && !Object.values(out).includes("alpha")) out[rest[0]] = "alpha";
  return out;
}

/** Display formulas this many back in a section can be the block a one-line update is written relative to. */
const BLOCK_WINDOW = 4;

/** Every printed update rule of the chapter, in order, once each. */
export function chapterRules(chapter: ChapterModel): RuleReading[] {
  const lines = chapter.text.split("\n");
  const seen = new Set<string>();
  const out: RuleReading[] = [];
  // an inline formula that restates one line of a printed system is part of that system, not a rule of its own
  const squash = (x: string) => x.replace(/\s+/g, "");
  const systemLines = new Set(chapter.sections.flatMap((s) => s.math.filter((m) => m.display && m.latex.includes("\\\\")).flatMap((m) => m.latex.split("\\\\").map(squash))));
  for (const s of chapter.sections) {
    const blocks: {latex: string; at: number; reading?: RuleReading}[] = [];
    let k = 0; // display formulas so far in the section
    s.math.forEach((m) => {
      if (m.display) k++;
      const key = squash(m.latex);
      if (seen.has(key) || (!m.display && systemLines.has(key))) return;
      const relative = m.display ? relativeRule(m.latex, blocks, k) : undefined;
      const latex = relative?.latex ?? (m.display ? completeHats(m.latex) : undefined) ?? withoutIndexRange(m.latex);
      if (!isUpdateRule(latex)) return;
      seen.add(key);
      const structure = classifyRule(latex);
      // one line that only accumulates a moment (v_t = ρv_{t-1} + (1 − ρ)g_t²) updates no weights
      if (!relative && !systemOf(latex) && structure !== "gd") return;
      const reading = readRuleAt(latex, structure, textNames(lines, m.line, s.start), m.line);
      if (relative?.block.reading && sameRule(reading, relative.block.reading)) return; // a restatement of the block
      out.push(reading);
      if (m.display && systemOf(latex)) blocks.push({latex, at: k, reading});
    });
  }
  return out;
}

/** A formula of two or more equations: lines broken by \\\\, or set side by side (`s_t = …, \qquad θ_t = …`). */
function systemOf(latex: string): boolean {
  if (latex.includes("\\\\")) return true;
  try {
    return parseFormula(normalizeRule(latex)).lines.length > 1;
  } catch {
    return false;
  }
}

/**
 * A component-wise rule without the range of its index (`θ_j := θ_j − α ∂J/∂θ_j, \qquad j = 0, 1`): the range says
 * the update holds for every component, it is not a line of the rule.
 */
export function withoutIndexRange(latex: string): string {
  return latex.replace(/,?\s*(?:\\q?quad|\\[,;]|~)+\s*(?:\\text\{\s*(?:for|对|其中)?\s*(?:all|每个|所有)?\s*\}\s*)?\(?\s*[ijk]\s*=\s*[\d\s,.]*(?:\\[lc]?dots\s*,?\s*[\w{}]*)?\s*\)?[\s.,]*$/, "");
}

/** The combined system when a display formula is written relative to a recent block of the section. */
function relativeRule(latex: string, blocks: {latex: string; at: number; reading?: RuleReading}[], k: number) {
  for (const block of [...blocks].reverse()) {
    if (k - block.at > BLOCK_WINDOW) break;
    const combined = combineWithBlock(latex, block.latex);
    if (combined) return {latex: combined, block};
  }
  return undefined;
}

/** The same rule: the same name and the same path on a test bowl (so drawing it again adds nothing). */
function sameRule(a: RuleReading, b: RuleReading): boolean {
  if (a.spec.name !== b.spec.name || !a.spec.drawn || !b.spec.drawn) return false;
  const f = (w: number[]) => w.reduce((n, x, i) => n + (i + 1) * x * x, 0);
  const grad = (w: number[]) => w.map((x, i) => 2 * (i + 1) * x);
  const run = (r: RuleReading) => {
    const rec = compileRecurrence(r.spec.latex);
    const h: Record<string, number> = {alpha: 0.05, beta_1: 0.9, beta_2: 0.99, epsilon: 1e-8, gamma: 0.9, rho: 0.9, lambda: 0.1};
    for (const [sym, name] of Object.entries(r.spec.symbols)) h[canonicalHyper(sym)] = h[name];
    return runRecurrence(f, grad, [1.5, -1], rec, h, 20).path;
  };
  const p = run(a), q = run(b);
  return p.length === q.length && p.every((w, i) => w.every((x, j) => Math.abs(x - q[i][j]) <= 1e-12 * Math.max(1, Math.abs(x))));
}

/** A rule's reading: its name (the text's where it names the structure or nothing else), label and sliders. */
function readRuleAt(latex: string, structure: RuleName | "other", names: RuleName[], line: number): RuleReading {
  const name: RuleName | "other" = structure !== "other" && (names.includes(structure) || !names.length) ? structure : (names[0] as RuleName | undefined) ?? structure;
  let drawn = true, reason: string | undefined, symbols: Record<string, string> = {};
  try {
    symbols = compileRecurrence(latex).symbols;
  } catch (e) {
    drawn = false;
    reason = t("ruleNotCompiled", {message: (e as Error).message});
  }
  const spec: RuleSpec = {
    line,
    name,
    label: t("ruleLabel", {name: t(name), line}),
    latex,
    ...(name !== "other" ? {reference: name as RuleName} : {}),
    symbols: sliderSymbols(symbols, name, latex),
    drawn,
    ...(reason ? {reason} : {})
  };
  return {spec, structure, textNames: names};
}

export {symKey};
