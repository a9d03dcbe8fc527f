/**
 * substituteTex(latex, symbols, hyper): the rule with each hyper-parameter symbol replaced by the slider's value
 * (\eta → 0.05, \beta_1 and \beta_{1} → 0.9), wrapped in \htmlClass so it can be styled. Pure.
 */
import type {Hyper} from "../math/optimizers/types.js";
import {texNumber} from "./format.js";
import type {HyperName} from "./spec.js";

/** A regular expression matching one symbol key as written in LaTeX: `\beta_1` also matches `\beta_{1}`. */
function symbolPattern(key: string): RegExp {
  const m = /^(\\?[A-Za-z]+)(?:_\{?([A-Za-z0-9]+)\}?)?$/.exec(key.replace(/\s+/g, ""));
  if (!m) return new RegExp(key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "g");
  const base = m[1].replace(/\\/g, "\\\\");
  // a command must not run on into letters (\eta vs \etaX); a bare letter must stand alone (not inside \alpha)
  const head = m[1].startsWith("\\") ? base : `(?<![A-Za-z\\\\])${base}`;
  const sub = m[2] ? `_(?:\\{\\s*${m[2]}\\s*\\}|${m[2]})` : "(?!_)";
  return new RegExp(`${head}(?![A-Za-z])${sub}`, "g");
}

/**
 * classes: wrap each number in \htmlClass{gb-pg-num gb-pg-k-<name>} (so a rendered rule's numbers can be
 * restyled and rewritten in place); placeholder: write "0" instead of the value (a template for that).
 */
export function substituteTex(latex: string, symbols: Record<string, HyperName>, hyper: Partial<Hyper>, classes = true, placeholder = false): string {
  let out = latex;
  // longer keys first, so \beta_1 is replaced before \beta
  const keys = Object.keys(symbols).sort((a, b) => b.length - a.length);
  for (const key of keys) {
    const v = hyper[symbols[key]];
    if (typeof v !== "number") continue;
    const num = placeholder ? "0" : texNumber(v);
    const wrapped = classes ? `\\htmlClass{gb-pg-num gb-pg-k-${symbols[key]}}{${num}}` : num;
    // a number raised to a power or followed by a symbol needs braces to stay one token
    out = out.replace(symbolPattern(key), `{${wrapped}}`);
  }
  return out;
}
