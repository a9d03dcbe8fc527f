/**
 * The update rules a chapter prints, each classified by its structure (an accumulator of g², decay constants, a
 * first moment, bias correction, a look-ahead gradient, a weight-decay term) and by the name the text around it
 * gives, compiled with the formula engine so the playground can draw it beside the library's reference.
 */
import {symKey, type Node, type NodeOf} from "../../components/formula/ast.js";
import {parseFormula} from "../../components/formula/parse.js";
import {attachGradientArguments, compileRecurrence, normalizeRule} from "../../components/formula/recurrence.js";
import {findAll, symbolUses} from "../../components/formula/symbols.js";
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
  [/nesterov|\bNAG\b|涅斯捷罗夫/i, "nesterov"],
  [/adagrad/i, "adagrad"],
  [/rms\s*prop/i, "rmsprop"],
  [/adamw/i, "adamw"],
  [/\badam(?!w)/i, "adam"],
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
  let found = false;
  const visit = (x: Node): void => {
    if (x.type === "pow" && g(x.base) && x.exp.type === "num" && x.exp.value === 2) found = true;
    if (x.type === "mul" && g(x.left) && g(x.right)) found = true;
    for (const c of childrenOf(x)) visit(c);
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
  const decay = /\\lambda|weight[ _]decay/.test(latex) && sq.length > 0 && first.length > 0;
  if (sq.length && first.length) return decay ? "adamw" : "adam";
  if (sq.length) return sq.some(decayed) ? "rmsprop" : "adagrad";
  if (lookahead) return "nesterov";
  if (first.length) return "momentum";
  if (eqs.length >= 1 && eqs.every((e) => e.self) && eqs.every((e) => hasGradient(e.rhs, gradNames))) return "gd";
  return "other";
}

function lookaheadArg(g: NodeOf<"grad">, eqs: Eq[]): boolean {
  const of = g.of;
  const arg = of.type === "call" && of.args.length === 1 ? of.args[0] : of.type === "mul" && of.right.type === "paren" ? of.right.arg : undefined;
  if (!arg || arg.type === "sym") return false;
  const states = new Set(eqs.map((e) => e.name));
  return symbolUses(arg).filter((u) => states.has(u.node.name)).length >= 2;
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

/** Every printed update rule of the chapter, in order, once each. */
export function chapterRules(chapter: ChapterModel): RuleReading[] {
  const lines = chapter.text.split("\n");
  const seen = new Set<string>();
  const out: RuleReading[] = [];
  // an inline formula that restates one line of a printed system is part of that system, not a rule of its own
  const squash = (x: string) => x.replace(/\s+/g, "");
  const systemLines = new Set(chapter.sections.flatMap((s) => s.math.filter((m) => m.display && m.latex.includes("\\\\")).flatMap((m) => m.latex.split("\\\\").map(squash))));
  for (const s of chapter.sections) {
    for (const m of s.math) {
      const key = squash(m.latex);
      if (seen.has(key) || (!m.display && systemLines.has(key)) || !isUpdateRule(m.latex)) continue;
      seen.add(key);
      const structure = classifyRule(m.latex);
      // one line that only accumulates a moment (v_t = ρv_{t-1} + (1 − ρ)g_t²) updates no weights
      if (!m.latex.includes("\\\\") && structure !== "gd") continue;
      const names = textNames(lines, m.line, s.start);
      const name: RuleName | "other" = structure !== "other" && (names.includes(structure) || !names.length) ? structure : (names[0] as RuleName | undefined) ?? structure;
      let drawn = true, reason: string | undefined, symbols: Record<string, string> = {};
      try {
        symbols = compileRecurrence(m.latex).symbols;
      } catch (e) {
        drawn = false;
        reason = t("ruleNotCompiled", {message: (e as Error).message});
      }
      const spec: RuleSpec = {
        line: m.line,
        name,
        label: t("ruleLabel", {name: t(name), line: m.line}),
        latex: m.latex,
        ...(name !== "other" ? {reference: name as RuleName} : {}),
        symbols: sliderSymbols(symbols, name, m.latex),
        drawn,
        ...(reason ? {reason} : {})
      };
      out.push({spec, structure, textNames: names});
    }
  }
  return out;
}

export {symKey};
