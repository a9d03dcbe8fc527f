/**
 * Which symbols of a chapter are random and how they are distributed, as the text says it: in its formulas
 * (`x \sim \mathcal{N}(\mu, \sigma^2)`, `m_i \sim \text{Bernoulli}(1-p)`, `P(m_i = 1) = 1 - p`) and in its prose
 * ("m_i 是独立的伯努利变量，保留概率 1−p", "$w_j$、$x_j$ 相互独立、均值为 0", "i.i.d. standard normal entries",
 * "uniform on $[-a, a]$"). An indexed name (m_i) stands for each entry of a vector m. A sentence that states only
 * moments (zero mean, a variance) declares a representative: a normal variable with those moments (`generic`).
 * Pure: no DOM, no tf.
 */
import type {Node} from "./ast.js";
import {parseFormula} from "./parse.js";
import {readSpec, type Spec} from "./distribution-family.js";
import type {MathBlock} from "./types.js";

export interface Declared extends Spec {
  /** Only moments were stated (mean, variance): the normal with them stands for any such distribution. */
  generic?: boolean;
  /** Where the text says it (a line number). */
  line: number;
}

const span = {start: 0, end: 0};
const num = (value: number): Node => ({type: "num", value, ...span});
const oneMinus = (n: Node): Node => ({type: "add", terms: [{sign: 1, node: num(1)}, {sign: -1, node: n}], ...span});
const hidden = (what: "mean" | "variance"): Node => ({type: "sym", name: `${what}[]`, ...span});
/** A mean or variance the text does not give (`variance[x]`): a seeded value of its own, per symbol. */
export const isHidden = (key: string): boolean => /^(?:mean|variance)\[/.test(key);

/** The base name a declaration of this symbol covers: m for m_i (each entry), x_1 for x_1 itself. */
function subjectName(n: Node): string | undefined {
  if (n.type !== "sym") return undefined;
  if (!n.sub) return n.name;
  if (n.sub.type === "sym" && !n.sub.sub && n.sub.name.length === 1) return n.name;
  return undefined;
}

function subjects(n: Node): string[] {
  const items = n.type === "list" || n.type === "tuple" ? n.items : [n];
  const out = items.map(subjectName);
  return out.every((x): x is string => !!x) ? out : [];
}

const tryParse = (latex: string) => {
  try {
    return parseFormula(latex);
  } catch {
    return undefined;
  }
};

/** `x \sim D(…)` and `P(m = 1) = q` / `P(m = 0) = q` in the chapter's formulas. */
function formulaDeclarations(blocks: MathBlock[], out: Map<string, Declared>): void {
  for (const b of blocks) {
    const f = tryParse(b.latex);
    for (const l of f?.lines ?? []) {
      const sim = l.rest.find((r) => r.rel === "\\sim");
      const spec = sim && readSpec(sim.node);
      if (spec) for (const s of subjects(l.first)) out.has(s) || out.set(s, {...spec, line: b.line});
      const p = l.first;
      if (p.type === "call" && p.fn === "P" && p.argNames?.length === 1 && p.args[0].type === "num" && l.rest.length === 1 && l.rest[0].rel === "=") {
        const v = p.args[0].value, name = p.argNames[0].replace(/_(?:\{[a-z]\}|[a-z])$/, "");
        if ((v === 1 || v === 0) && !out.has(name)) out.set(name, {family: "bernoulli", params: [v === 1 ? l.rest[0].node : oneMinus(l.rest[0].node)], line: b.line});
      }
    }
  }
}

/** An expression in a sentence: `$…$`, or a plain one (0.5, p, 1-p, 1 − q). */
const EXPR = String.raw`(?:\$([^$]+)\$|(\d+(?:\.\d+)?(?![\w.])|1\s*-\s*[A-Za-z](?:_\w)?\b|[A-Za-z](?:_\w)?\b))`;
const exprAt = (m: RegExpExecArray | null, k = 1): Node | undefined => {
  const latex = m ? m[k] ?? m[k + 1] : undefined;
  const f = latex ? tryParse(latex) : undefined;
  return f && f.lines.length === 1 && !f.lines[0].rest.length ? f.lines[0].first : undefined;
};
const find = (re: string, text: string, k = 1) => exprAt(new RegExp(re, "i").exec(text), k);

const KEEP = [String.raw`(?:保留|留下|keep(?:ing)?|retain(?:ing|ed)?)[^。；;$]{0,12}?(?:概率|probability)\s*(?:为|是|of|is|=)?\s*${EXPR}`, String.raw`(?:以|with)\s*(?:概率|probability)\s*${EXPR}\s*(?:被)?(?:保留|留下|取\s*1|为\s*1|kept|retained|(?:be|equal(?:s)? to|is)\s*1)`];
const DROP = [String.raw`(?:丢弃|置零|drop(?:ped|ping)?|zero(?:ed)?)[^。；;$]{0,12}?(?:概率|probability|rate)\s*(?:为|是|of|is|=)?\s*${EXPR}`, String.raw`(?:以|with)\s*(?:概率|probability)\s*${EXPR}\s*(?:被)?(?:丢弃|置零|置为\s*0|取\s*0|为\s*0|dropped|zeroed|set to (?:0|zero)|(?:be|equal(?:s)? to|is)\s*0)`];
const MEAN_ZERO = /零均值|均值(?:都|均)?(?:为|是)\s*(?:0|零)(?![.\d])|期望(?:都|均)?(?:为|是)\s*(?:0|零)(?![.\d])|zero[- ]mean|mean (?:of )?(?:0|zero)\b|centered|centred/i;
const MEAN = String.raw`(?:均值|期望|mean)\s*(?:都|均)?(?:为|是|of|is|=)\s*${EXPR}`;
const VARIANCE = String.raw`(?:方差|variance)\s*(?:都|均)?(?:为|是|of|is|=)?\s*${EXPR}`;
const UNIT_VARIANCE = /单位方差|unit variance|方差(?:都|均)?(?:为|是)\s*1(?![.\d])/i;

/** What one clause (with the clauses before it in its sentence) says about a distribution. */
function readClause(text: string): Omit<Declared, "line"> | undefined {
  const t = text.replace(/[−–]/g, "-");
  if (/伯努利|bernoulli/i.test(t)) {
    const keep = KEEP.map((re) => find(re, t)).find(Boolean);
    const drop = keep ? undefined : DROP.map((re) => find(re, t)).find(Boolean);
    return keep ? {family: "bernoulli", params: [keep]} : drop ? {family: "bernoulli", params: [oneMinus(drop)]} : undefined;
  }
  if (/标准正态|标准高斯|standard (?:normal|gaussian)/i.test(t)) return {family: "normal", params: [num(0), num(1)]};
  if (/均匀|uniform/i.test(t)) {
    const iv = [...t.matchAll(/\$([^$]+)\$/g)].map((m) => tryParse(m[1])).map((f) => (f?.lines.length === 1 && !f.lines[0].rest.length ? f.lines[0].first : undefined));
    const box = iv.find((n) => n && (n.type === "vector" || n.type === "tuple") && n.items.length === 2);
    if (box && (box.type === "vector" || box.type === "tuple")) return {family: "uniform", params: box.items};
    return undefined;
  }
  const mean = MEAN_ZERO.test(t) ? num(0) : find(MEAN, t);
  const variance = UNIT_VARIANCE.test(t) ? num(1) : find(VARIANCE, t);
  if (!mean && !variance) return undefined;
  const normal = /正态|高斯|normal|gaussian/i.test(t) && mean && variance;
  return {family: "normal", params: [mean ?? hidden("mean"), variance ?? hidden("variance")], ...(normal ? {} : {generic: true})};
}

/** The symbols a clause is about: its inline formulas that are symbols (or lists of them), else plain m_i tokens. */
function clauseSubjects(clause: string): string[] {
  const fromMath = [...clause.matchAll(/\$([^$]+)\$/g)].flatMap((m) => {
    const l = tryParse(m[1])?.lines;
    return l && l.length === 1 && (!l[0].rest.length || l[0].rest[0].rel === "\\in") ? subjects(l[0].first) : [];
  });
  if (fromMath.length) return fromMath;
  const plain = clause.replace(/\$[^$]*\$/g, " ");
  return [...plain.matchAll(/(?<![A-Za-z\\])([a-zA-Z])_([a-zA-Z])(?![A-Za-z])/g)].map((m) => m[1]);
}

/** Sentences of the chapter's prose (each once), split into clauses. */
function sentences(blocks: MathBlock[]): {clauses: string[]; line: number}[] {
  const seen = new Set<string>();
  const out: {clauses: string[]; line: number}[] = [];
  for (const b of blocks)
    for (const text of [b.prose, b.before ?? ""])
      for (const s of text.split(/[。！？\n]|(?<=[.;!?])\s+(?=[A-Z])/)) {
        if (!s.trim() || seen.has(s)) continue;
        seen.add(s);
        out.push({clauses: s.split(/(?<=[，,；;])(?=(?:[^$]*\$[^$]*\$)*[^$]*$)/), line: b.line});
      }
  return out;
}

function proseDeclarations(blocks: MathBlock[], out: Map<string, Declared>): void {
  for (const {clauses, line} of sentences(blocks)) {
    // the clause that names the distribution (the last one from which the rest of the sentence still declares
    // one), the symbols it is about (in it or the nearest clause before), and what the sentence says from there
    let k = clauses.length - 1;
    while (k >= 0 && !readClause(clauses.slice(k).join(""))) k--;
    if (k < 0) continue;
    let s = k, names: string[] = [];
    for (; s >= 0 && !names.length; s--) names = clauseSubjects(clauses[s]);
    const spec = readClause(clauses.slice(s + 1).join(""));
    if (!spec) continue;
    for (const name of names) {
      if (out.has(name)) continue;
      const params = spec.params.map((p) => (p.type === "sym" && isHidden(p.name) ? {...p, name: p.name.replace("[]", `[${name}]`)} : p));
      out.set(name, {...spec, params, line});
    }
  }
}

/** The chapter's random symbols by base name; a formula's declaration wins over prose. */
export function declaredDistributions(blocks: MathBlock[]): Map<string, Declared> {
  const out = new Map<string, Declared>();
  formulaDeclarations(blocks, out);
  proseDeclarations(blocks, out);
  return out;
}
