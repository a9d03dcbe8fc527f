/**
 * UpdateRule(rule, hyper) → Element: an update rule with the sliders' numbers substituted, rendered by KaTeX.
 * `rule` is a printed rule (RuleSpec: the LaTeX as printed, its symbols) or a reference optimiser's name (the
 * library's, or one of referenceRules.ts' extra references: "adadelta").
 * KaTeX renders each rule once (a template with placeholders for the numbers); `el.setHyper(hyper)` then only
 * rewrites the numbers that changed, in place, so a slider move re-lays out a few glyphs, not the formula.
 */
import katex from "katex";
import {tPlayground} from "../i18n/playground.js";
import {DEFAULT_HYPER, type Hyper} from "../math/optimizers/types.js";
import {plainNumber} from "./format.js";
import {injectPlaygroundStyle} from "../widgets/PlaygroundStyle.js";
import {compileRule, referenceLabel} from "./runOptimizers.js";
import {REFERENCE_RULES, type ReferenceName} from "./referenceRules.js";
import type {RuleSpec} from "./spec.js";
import {substituteTex} from "./substitute.js";

/** A system (lines separated by \\) stacked in display mode; a rule with its own environment stays as written. */
export function displayTex(latex: string): string {
  return /\\\\/.test(latex) && !/\\begin\{/.test(latex) ? `\\begin{gathered}${latex}\\end{gathered}` : latex;
}

export function updateRuleTex(rule: RuleSpec | ReferenceName, hyper: Partial<Hyper>, classes = true): string {
  const r = typeof rule === "string" ? REFERENCE_RULES[rule] : rule;
  if (!r) throw new Error(`UpdateRule: unknown optimiser ${JSON.stringify(rule)}`);
  return displayTex(substituteTex(r.latex, r.symbols ?? {}, hyper, classes));
}

/** Rendered rules with "0" where the numbers go: KaTeX runs once per rule, a slider move only writes numbers. */
const templates = new Map<string, HTMLElement>();

function template(latex: string, symbols: RuleSpec["symbols"]): HTMLElement {
  const key = JSON.stringify([latex, symbols]);
  let t = templates.get(key);
  if (!t) {
    t = document.createElement("div");
    t.className = "gb-pg-rule-math";
    t.innerHTML = katex.renderToString(displayTex(substituteTex(latex, symbols, DEFAULT_HYPER, true, true)), {
      throwOnError: false, displayMode: true, strict: false, output: "html", trust: (ctx) => ctx.command === "\\htmlClass"
    });
    templates.set(key, t);
  }
  return t.cloneNode(true) as HTMLElement;
}

/** Writes text into an element that holds one text node by changing that node (no node made or dropped). */
function setText(el: HTMLElement, text: string): void {
  const t = el.firstChild;
  if (t && t === el.lastChild && t.nodeType === Node.TEXT_NODE) (t as Text).data = text;
  else el.textContent = text;
}

export interface UpdateRuleElement extends HTMLElement {
  /** writes these values into the rule (only the numbers that changed) */
  setHyper(hyper: Partial<Hyper>): void;
}

export function UpdateRule(rule: RuleSpec | ReferenceName, hyper: Partial<Hyper>): UpdateRuleElement {
  injectPlaygroundStyle();
  const r = typeof rule === "string" ? REFERENCE_RULES[rule] : rule;
  if (!r) throw new Error(`UpdateRule: unknown optimiser ${JSON.stringify(rule)}`);
  const box = document.createElement("figure") as UpdateRuleElement;
  box.className = "gb-pg-rule";
  const caption = document.createElement("figcaption");
  const printed = typeof rule !== "string";
  caption.textContent = printed ? rule.label : `${referenceLabel(rule)} · ${tPlayground("reference")}`;
  const math = template(r.latex, r.symbols ?? {});
  const spans = new Map<string, {els: HTMLElement[]; text: string}>();
  // KaTeX's HTML output only (the numbers are rewritten in it): the rule as text for assistive technology
  math.setAttribute("role", "img");
  let current: Partial<Hyper> = {};
  box.setHyper = (h) => {
    current = {...current, ...h};
    for (const [name, v] of Object.entries(h)) {
      if (typeof v !== "number") continue;
      let s = spans.get(name);
      if (!s) spans.set(name, (s = {els: [...math.querySelectorAll<HTMLElement>(`.gb-pg-k-${name}`)], text: ""}));
      const text = plainNumber(v);
      if (text === s.text) continue;
      s.text = text;
      for (const span of s.els) setText(span, text);
    }
    const label = updateRuleTex(rule, current, false);
    if (math.getAttribute("aria-label") !== label) math.setAttribute("aria-label", label);
  };
  box.setHyper(hyper);
  box.append(caption, math);
  const failed = printed && rule.drawn ? compileRule(rule.latex) : null;
  if (printed && (!rule.drawn || failed instanceof Error)) {
    const why = document.createElement("p");
    why.className = "gb-pg-note";
    why.textContent = tPlayground("ruleNotDrawn", {reason: failed instanceof Error ? failed.message : rule.reason ?? ""});
    box.append(why);
  }
  return box;
}
