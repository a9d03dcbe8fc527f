/**
 * Objectives read from a chapter: definitions whose left side is a loss, cost or objective (L, J, E, C, ℓ, MSE, Loss,
 * with arguments or not) or a named function of its arguments (`f(x, y) = x^2 + 25y^2`), with the chapter's other
 * definitions substituted (ŷ_i = σ(w·x_i + b)), their parameters and their data symbols.
 */
import {symKey, type Node} from "../../components/formula/ast.js";
import {substituteIndexed} from "../../components/formula/diff.js";
import {parseExpression} from "../../components/formula/parse.js";
import {proseRoles} from "../../components/formula/prose.js";
import {mapChildren} from "../../components/formula/rewrite.js";
import {readSumOverRest} from "../../components/formula/scope.js";
import {findAll, indexedBy, symbolUses} from "../../components/formula/symbols.js";
import type {Definition} from "./defs.js";

/** Left-side names of a loss, cost or objective. */
const LOSS_NAME = /^(?:L|J|E|C|Q|R|\\ell|\\mathcal\{[LJE]\}|Loss|loss|MSE|BCE|CE|NLL|SSE|RSS|Cost|cost|Obj)(?:_\{?[A-Za-z0-9]+\}?)?$/;
/** Single letters that name a function a worked example uses. */
// Any single letter (q(x, y), r(u, v), s(x, y): the letter a worked example names) or a Greek one; a surface needs
// two or more arguments that the body uses (readObjective, objectiveSurfaces).
const FUNCTION_NAME = /^(?:[a-zA-Z]|\\[a-zA-Z]+)$/;
/** Base names that are parameters unless the text says otherwise. */
const PARAM_BASE = /^(?:w|W|b|\\theta|\\Theta|\\beta|\\omega|\\phi|a|k|\\mathbf\{w\}|\\boldsymbol\{\\theta\})$/;
/** Counts a sum runs to. */
const COUNT = /^(?:n|m|N|M|K)$/;

export interface Objective {
  def: Definition;
  /** The right side with definitions substituted. */
  node: Node;
  kind: "loss" | "function";
  /** Parameter symbol keys in order (LHS arguments first). */
  params: string[];
  /** Base names of symbols indexed by a sum (data), and which one is the label. */
  data: string[];
  label?: string;
  /** Counts (sum bounds) to bind to the number of rows. */
  counts: string[];
  /** Other free scalars (constants the text may give). */
  constants: string[];
}

const stripPrime = (name: string) => name.replace(/^\\hat\{(.+)\}$/, "$1").replace(/^\\tilde\{(.+)\}$/, "$1").replace(/'+$/, "");

/** Adds index `i` to the data symbols of a non-indexed definition's body used as `name_i`. */
function indexBody(body: Node, index: string, data: Set<string>): Node {
  if (body.type === "sym" && !body.sub && data.has(body.name)) return {...body, sub: {type: "sym", name: index, start: 0, end: 0}, subText: index};
  return mapChildren(body, (c) => indexBody(c, index, data));
}

function replaceSym(node: Node, key: string, body: Node): Node {
  if (node.type === "sym" && symKey(node.name, node.subText) === key) return {type: "paren", arg: body, delim: "()", start: node.start, end: node.end};
  return mapChildren(node, (c) => replaceSym(c, key, body));
}

/** An update written as a definition (θ := θ − η∇E): it defines no value. */
function recursive(d: Definition): boolean {
  return findAll(d.body, "grad").length > 0 || symbolUses(d.body).some((u) => u.node.name === d.name);
}

/** The definition that gives a symbol used in the objective its value, if any (never the objective itself). */
function definitionFor(name: string, defs: Definition[], self: Definition, labels: Set<string>): Definition | undefined {
  const own = defs.filter((d) => d !== self && d.name === name && !d.args && !recursive(d));
  if (own.length) return own.sort((a, b) => Math.abs(a.line - self.line) - Math.abs(b.line - self.line))[0];
  // a prediction y'ᵢ / ŷᵢ the text defines under the label's name (y_i = σ(W·x_i + b)): the author's slip
  const base = stripPrime(name);
  if (base === name) return undefined;
  const slip = defs.filter((d) => d !== self && d.name === base && !d.args && !recursive(d) && symbolUses(d.body).some((u) => PARAM_BASE.test(u.node.name)));
  return slip.sort((a, b) => Math.abs(a.line - self.line) - Math.abs(b.line - self.line))[0];
}

/** Replaces each symbol whose key is a parameter of a function definition by the argument of the call. */
function renameArgs(body: Node, params: string[], args: Node[]): Node {
  if (body.type === "sym") {
    const k = params.indexOf(symKey(body.name, body.subText));
    if (k >= 0) return {type: "paren", arg: args[k], delim: "()", start: body.start, end: body.end};
  }
  return mapChildren(body, (c) => renameArgs(c, params, args));
}

/** Calls of the chapter's functions (`h_\theta(x_i)` with `h_\theta(x) = \theta_0 + \theta_1 x`) replaced by their bodies. */
function substituteCalls(node: Node, defs: Definition[], self: Definition): Node {
  const fnDef = (key: string, n: number) => defs.find((d) => d !== self && d.name === key && d.args?.length === n && !recursive(d));
  if (node.type === "mul" && node.op === "implicit" && node.left.type === "sym" && node.right.type === "paren") {
    const inner = node.right.arg;
    const args = inner.type === "list" || inner.type === "tuple" ? inner.items : [inner];
    const d = fnDef(symKey(node.left.name, node.left.subText), args.length);
    if (d) return {type: "paren", arg: renameArgs(d.body, d.args!, args.map((a) => substituteCalls(a, defs, self))), delim: "()", start: node.start, end: node.end};
  }
  if (node.type === "call" && !node.builtin) {
    const d = fnDef(node.fn, node.args.length);
    if (d) return {type: "paren", arg: renameArgs(d.body, d.args!, node.args.map((a) => substituteCalls(a, defs, self))), delim: "()", start: node.start, end: node.end};
  }
  return mapChildren(node, (c) => substituteCalls(c, defs, self));
}

/** Substitutes the chapter's definitions into the objective's right side (three levels at most). */
function substitute(def: Definition, defs: Definition[], proseLabels: Set<string>): Node {
  let node = substituteCalls(def.body, defs, def);
  // y beside y' (or ŷ) in one loss is the label: never replaced by a definition
  const labels = new Set(proseLabels);
  for (const u of symbolUses(node)) if (stripPrime(u.node.name) !== u.node.name) labels.add(stripPrime(u.node.name));
  const dataNames = new Set(["x", "X", "\\mathbf{x}", "y", "t"]);
  for (let level = 0; level < 3; level++) {
    let changed = false;
    for (const use of symbolUses(node)) {
      const name = use.node.name;
      if (def.args?.includes(symKey(name, use.node.subText)) || def.args?.includes(name) || labels.has(name)) continue;
      const d = definitionFor(name, defs, def, labels);
      if (!d) continue;
      if (use.node.sub && use.indices.length) {
        const body = d.index ? d.body : indexBody(d.body, "__i", dataNames);
        node = substituteIndexed(node, name, d.index ?? "__i", body);
      } else if (!use.node.sub) node = replaceSym(node, name, d.body);
      else continue;
      changed = true;
      break;
    }
    if (!changed) break;
  }
  return readSumOverRest(node).node;
}

/** Parameters the prose names: "$w$ 是权重", "$b$ 为偏置", "θ is the parameter". */
function proseParams(prose: string): Set<string> {
  const out = new Set<string>();
  for (const m of prose.matchAll(/\$([^$]+)\$\s*(?:[，,、]\s*\$([^$]+)\$\s*)*(?:是|为|表示|分别为|denotes?|is|are)?[^$。；;]{0,10}?(?:参数|权重|偏置|weights?|bias|parameters?)/gi)) {
    for (const g of [m[1], m[2]]) {
      if (!g) continue;
      try {
        const n = parseExpression(g);
        if (n.type === "sym") out.add(n.name);
      } catch {
        // not a symbol
      }
    }
  }
  return out;
}

/** Reads one definition as an objective, or undefined when it is none. */
export function readObjective(def: Definition, defs: Definition[]): Objective | undefined {
  const loss = LOSS_NAME.test(def.name);
  const fn = !loss && FUNCTION_NAME.test(def.name) && (def.args?.length ?? 0) >= 1;
  if (!loss && !fn) return undefined;
  if (def.body.type === "grad" || symbolUses(def.body).length === 0) return undefined;
  const roles = proseRoles(def.prose.split("\n").filter((l) => !/^\s*\|/.test(l)).join("\n"));
  const node = substitute(def, defs, roles.labels);
  const uses = symbolUses(node, {skipGradients: true});
  if (uses.some((u) => u.node.name === def.name && !u.node.sub)) return undefined;
  const named = proseParams(def.prose);
  const params: string[] = [...(def.args ?? [])];
  const data: string[] = [], counts: string[] = [], constants: string[] = [];
  const sumBounds = new Set<string>();
  const visitBounds = (n: Node): void => {
    if (n.type === "sum" && n.to?.type === "sym") sumBounds.add(n.to.name);
    for (const c of childrenOf(n)) visitBounds(c);
  };
  visitBounds(node);
  for (const u of uses) {
    const key = u.key, name = u.node.name;
    if (params.includes(key)) continue;
    if (u.node.sub && indexedBy(u)) {
      if (!data.includes(name)) data.push(name);
      continue;
    }
    if (key === "e" || key === "\\pi") continue; // Euler's number and π (the chapter's own e would have been substituted)
    if (fn) {
      if (!params.includes(key) && !constants.includes(key)) constants.push(key);
      continue;
    }
    if (sumBounds.has(key) || (COUNT.test(key) && !named.has(name))) {
      if (!counts.includes(key)) counts.push(key);
    } else if (PARAM_BASE.test(name) || named.has(name)) {
      if (!params.includes(key)) params.push(key);
    } else if (!constants.includes(key)) constants.push(key);
  }
  for (const b of sumBounds) if (!counts.includes(b)) counts.push(b);
  const inBody = new Set(uses.map((u) => u.key));
  const byEntries = vectorArgsAsEntries(params, def.args ?? [], inBody);
  // J(w_0) = … in y and ŷ only: the parameter never enters the body (no definition links them)
  if (!byEntries.some((p) => inBody.has(p))) return undefined;
  params.splice(0, params.length, ...byEntries);
  const label = data.find((d) => /^(?:y|Y|t|\\mathbf\{y\})$/.test(d)) ?? data.find((d) => roles.labels.has(d));
  return {def, node, kind: loss ? "loss" : "function", params, data, ...(label ? {label} : {}), counts, constants};
}

import {children as childrenOf} from "../../components/formula/ast.js";

const looseBase = (k: string) => k.replace(/\\(?:mathbf|boldsymbol|bm|vec)\{([^{}]*)\}/g, "$1").replace(/\\(?:boldsymbol|bm|mathbf)\s*/g, "").replace(/[{}\s]/g, "");
/** `\theta_0`, `w_{12}` → [base, index]; undefined for a key that is no numbered entry. */
function entryKey(key: string): [string, number] | undefined {
  const m = /^(.+?)_(?:\{(\d+)\}|(\d))$/.exec(key);
  return m ? [looseBase(m[1]), Number(m[2] ?? m[3])] : undefined;
}

/**
 * A vector argument the body never uses itself but through its numbered entries (J(θ) = ½m Σ (f_θ(x⁽ⁱ⁾) − y⁽ⁱ⁾)²
 * with f_θ(x) = θ_0 + θ_1 x): the objective is a function of those entries, in index order, in the argument's place.
 */
export function vectorArgsAsEntries(params: string[], args: string[], inBody: Set<string>): string[] {
  let out = [...params];
  for (const a of args) {
    if (inBody.has(a)) continue;
    const entries = out.filter((q) => q !== a && entryKey(q)?.[0] === looseBase(a)).sort((x, y) => entryKey(x)![1] - entryKey(y)![1]);
    if (!entries.length) continue;
    const rest = out.filter((q) => !entries.includes(q));
    rest.splice(rest.indexOf(a), 1, ...entries);
    out = rest;
  }
  return out;
}

/** One objective per left-side name: the fullest statement of it (most symbol uses; ties: the later). */
export function chapterObjectives(defs: Definition[]): Objective[] {
  const byName = new Map<string, Objective>();
  for (const d of defs) {
    const o = readObjective(d, defs);
    if (!o || !o.params.length) continue;
    const key = `${d.name}(${o.params.join(",")})`;
    const prev = byName.get(d.name) ?? byName.get(key);
    const size = (x: Objective) => symbolUses(x.node).length;
    if (!prev || size(o) >= size(prev)) {
      if (prev) byName.delete(prev.def.name);
      byName.set(d.name, o);
    }
  }
  return [...byName.values()].sort((a, b) => a.def.line - b.def.line);
}
