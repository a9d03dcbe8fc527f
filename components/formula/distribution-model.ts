/**
 * The values a formula about moments is evaluated on: its random symbols drawn from their declared distributions
 * (an indexed name m_i is a vector of independent entries), every other symbol seeded once in its natural range
 * (a Bernoulli probability in (0.05, 0.6), a variance's σ > 0), counts from the text or seeded small integers, a free
 * index (i in E[h̃_i] = h_i) bound to an entry. Uses the chapter's definitions (h̃_i = m_i h_i / (1 − p)) as the
 * evaluator expands them. Pure: no DOM, no tf.
 */
import {symKey, type Node, type NodeOf} from "./ast.js";
import {evaluate, type Def} from "./evaluate.js";
import {findAll, symbolUses} from "./symbols.js";
import {mulberry32} from "../math/random.js";
import type {Value} from "./values.js";
import type {Batch} from "./distribution-batch.js";
import {isHidden, type Declared} from "./distribution-declare.js";
import {draw, validParams, type Family} from "./distribution-family.js";
import type {ChapterContext} from "./distribution-context.js";

type Kind = "prob" | "mean" | "positive" | "scalar";

export interface Model {
  /** Whether a mean or variance the text does not give is seeded (a moments-only declaration). */
  hidden?: boolean;
  /** Random symbols used, by base name: their declaration and entries (0: a scalar). */
  random: Map<string, {decl: Declared; length: number}>;
  /** Counts, sum bounds and free indices (the evaluator's idx). */
  idx: Record<string, number>;
  /** Which keys of idx are counts (n, d), not indices. */
  counts: string[];
  /** Other symbols by key: what kind of value they take and their entries (0: a scalar). */
  fixed: Map<string, {kind: Kind; length: number}>;
}

/** Every symbol use and sum of the nodes and of the definitions they reach. */
function reach(nodes: Node[], defs: Record<string, Def>): {uses: NodeOf<"sym">[]; sums: NodeOf<"sum">[]; defIndices: Set<string>; calls: Set<string>} {
  const uses: NodeOf<"sym">[] = [], sums: NodeOf<"sum">[] = [], defIndices = new Set<string>(), calls = new Set<string>();
  const seen = new Set<string>();
  const visit = (n: Node, depth: number): void => {
    sums.push(...findAll(n, "sum"));
    const names = [...symbolUses(n).map((u) => u.node), ...findAll(n, "call").filter((c) => !c.builtin).map((c) => ({name: c.fn, call: true}))];
    for (const u of names) {
      if ("call" in u) calls.add(u.name);
      else uses.push(u as NodeOf<"sym">);
      const key = "call" in u ? u.name : symKey(u.name, (u as NodeOf<"sym">).subText);
      const d = defs[key] ?? defs[u.name];
      if (!d || seen.has(key) || depth > 8) continue;
      seen.add(key);
      if (d.index) defIndices.add(d.index);
      visit(d.body, depth + 1);
    }
  };
  nodes.forEach((n) => visit(n, 0));
  return {uses, sums, defIndices, calls};
}

const letterOf = (u: NodeOf<"sym">): string | undefined => (u.sub?.type === "sym" && !u.sub.sub && u.sub.name.length === 1 ? u.sub.name : undefined);

/** What a symbol in a distribution's parameter is (a probability, a mean, a scale). */
function paramKinds(decl: Declared, into: Map<string, Kind>): void {
  const kind: Record<Family, Kind[]> = {
    normal: ["mean", "positive"], lognormal: ["mean", "positive"], laplace: ["mean", "positive"], uniform: ["positive", "positive"],
    bernoulli: ["prob"], exponential: ["positive"], poisson: ["positive"]
  };
  decl.params.forEach((p, k) => {
    for (const u of symbolUses(p)) if (!into.has(u.key)) into.set(u.key, kind[decl.family][k]);
  });
}

/** A count the text states, when small enough to draw vectors of (the formula holds for any value of its symbol). */
const MAX_STATED_COUNT = 64;

/**
 * The model of one formula, or why there is none. `pooledArgs`: bare symbols that are the whole argument of a
 * moment (Var(w): the entries' variance, whatever their number).
 */
export function buildModel(nodes: Node[], ctx: ChapterContext, defs: Record<string, Def>, pooledArgs: Set<Node>, seed: number): Model | string {
  const {uses, sums, defIndices, calls} = reach(nodes, defs);
  const nameOf = (u: NodeOf<"sym">) => (letterOf(u) ? u.name : symKey(u.name, u.subText));
  // a letter the chapter defines nearer than it declares it random (z = Σ w_j x_j) is its definition here
  const randomUses = uses.filter((u) => ctx.random.has(nameOf(u)) && !defs[nameOf(u)]);
  if (!randomUses.length) return "no random symbol the text declares a distribution for";
  const rng = mulberry32(seed ^ 0x5eed);
  const idx: Record<string, number> = {};
  const counts = new Set<string>();
  const countOf = (key: string) => {
    counts.add(key);
    const stated = ctx.counts.get(key);
    return (idx[key] ??= stated !== undefined && stated <= MAX_STATED_COUNT ? stated : 3 + Math.floor(rng() * 6));
  };
  for (const s of sums) for (const b of [s.from, s.to]) for (const u of b ? symbolUses(b) : []) countOf(u.key);
  const bounds = new Set(counts);
  // indices: of sums, of indexed definitions, of random entries (m_i) and of entries of defined vectors (h̃_i)
  const entries = uses.filter((u) => letterOf(u) && defs[u.name] && !defs[symKey(u.name, u.subText)]);
  const letters = new Set([...sums.map((s) => s.index), ...defIndices, ...[...randomUses, ...entries].map(letterOf).filter((x): x is string => !!x)]);
  const vectors = vectorNames(uses, nodes, {ctx, defs, calls, letters, pooledArgs, random: new Set(randomUses.map(nameOf))});
  const sizeCounts = new Set<string>();
  for (const name of vectors) {
    const size = ctx.sizes.get(name);
    if (size !== undefined && !/^\d+$/.test(size)) (countOf(size), sizeCounts.add(size));
  }
  let common = 4;
  for (const s of sums) {
    try {
      common = Math.max(common, s.to ? (evaluate(s.to, {}, {idx}) as number) : 0);
    } catch {
      return "a sum bound the engine cannot read";
    }
  }
  const unsized = [...vectors].filter((v) => !ctx.sizes.has(v));
  if (sizeCounts.size === 1) common = idx[[...sizeCounts][0]];
  else if (sizeCounts.size > 1 && unsized.length) return `the size of the vector ${unsized[0]} is not stated`;
  const lengthOf = (name: string) => {
    const size = ctx.sizes.get(name);
    return size === undefined ? common : /^\d+$/.test(size) ? Number(size) : idx[size];
  };
  const random: Model["random"] = new Map();
  const kinds = new Map<string, Kind>();
  for (const u of randomUses) {
    const name = nameOf(u), decl = ctx.random.get(name)!;
    paramKinds(decl, kinds);
    random.set(name, {decl, length: vectors.has(name) ? lengthOf(name) : 0});
  }
  for (const l of letters) if (!(l in idx)) idx[l] = 1;
  const fixed = fixedSymbols(uses, {random, idx, kinds, vectors, defs, calls, lengthOf, countOf});
  // n, d_k standing alone beside a vector of unstated size: which count is its size is unknown
  if (unsized.length && [...counts].some((c) => !bounds.has(c) && !sizeCounts.has(c))) return `the size of the vector ${unsized[0]} is not stated`;
  const hidden = [...random.values()].some((r) => r.decl.params.some((p) => symbolUses(p).some((u) => isHidden(u.key))));
  return {random, idx, counts: [...counts], fixed, hidden};
}

/** Letters that name a count when they stand alone as a scalar (n, d, N, K, n_{in}, d_k): seeded integers. */
const COUNT_LIKE = /^(?:n|N|d|D|K|T)(?:_.+)?$/;

/** The symbols that are neither random nor counts nor defined: fixed values (vectors where vectorNames says so). */
function fixedSymbols(uses: NodeOf<"sym">[], m: {random: Model["random"]; idx: Record<string, number>; kinds: Map<string, Kind>; vectors: Set<string>; defs: Record<string, Def>;
  calls: Set<string>; lengthOf: (name: string) => number; countOf: (key: string) => number}): Model["fixed"] {
  const fixed: Model["fixed"] = new Map();
  for (const u of uses) {
    const key = symKey(u.name, u.subText), vector = m.vectors.has(u.name), name = vector ? u.name : key;
    if (m.random.has(name) || key in m.idx || fixed.has(name) || isHidden(key) || ((key === "e" || key === "\\pi") && !m.kinds.has(key))) continue;
    if (m.defs[key] || (u.sub && m.defs[u.name]) || m.calls.has(u.name)) continue;
    if (!vector && COUNT_LIKE.test(key) && m.kinds.get(key) !== "prob" && m.kinds.get(key) !== "mean") m.countOf(key);
    else fixed.set(name, {kind: m.kinds.get(key) ?? "scalar", length: vector ? m.lengthOf(name) : 0});
  }
  // a parameter's symbols the formula does not use itself (σ_w in N(0, σ_w²)); n in σ²/n is a count
  for (const [key, kind] of m.kinds) {
    if (fixed.has(key) || isHidden(key) || key in m.idx) continue;
    if (COUNT_LIKE.test(key) && kind === "positive") m.countOf(key);
    else fixed.set(key, {kind, length: 0});
  }
  return fixed;
}

/**
 * The base names that are vectors here: written with an index (m_i, h_i), or bare where the chapter writes them
 * bold, indexed or of a stated size, or transposed (not the whole argument of a moment: Var(w) pools the entries).
 */
function vectorNames(uses: NodeOf<"sym">[], nodes: Node[], m: {ctx: ChapterContext; defs: Record<string, Def>; calls: Set<string>; letters: Set<string>; pooledArgs: Set<Node>; random: Set<string>}): Set<string> {
  const transposed = new Set(nodes.flatMap((n) => findAll(n, "transpose").map((t) => (t.arg.type === "sym" ? t.arg.name : ""))));
  const out = new Set<string>();
  for (const u of uses) {
    const key = symKey(u.name, u.subText), l = letterOf(u);
    if (m.defs[key] || m.calls.has(u.name) || isHidden(key) || (u.sub && m.defs[u.name])) continue;
    if (l && (m.letters.has(l) || m.random.has(u.name))) out.add(u.name);
    else if (!u.sub && !m.pooledArgs.has(u) && (m.ctx.sizes.has(key) || m.ctx.indexed.has(u.name) || transposed.has(u.name))) out.add(u.name);
  }
  return out;
}

/** A probability in (0.2, 0.6): both it and 1 − it far enough from 0 and 1 for the draws to tell p from p/(1 − p). */
const RANGES: Record<Kind, [number, number]> = {prob: [0.2, 0.6], mean: [-1, 1], positive: [0.4, 1], scalar: [0.3, 1.5]};

/** x in [lo, hi) moved by `shift` of the range's width, wrapping around (0: not at all): it stays in its range. */
const moved = (x: number, shift: number, lo: number, hi: number) => (shift ? lo + ((((x - lo) / (hi - lo) + shift) % 1) * (hi - lo)) : x);

/** Seeded values of the model's fixed symbols (vector entries with either sign), all moved by `shift` of their range. */
function fixedValues(model: Model, rng: () => number, shift: number): Record<string, Value> {
  const out: Record<string, Value> = {};
  const one = (kind: Kind, signed: boolean) => {
    const [lo, hi] = RANGES[kind];
    const x = Math.round(moved(lo + (hi - lo) * rng(), shift, lo, hi) * 1000) / 1000;
    return signed && rng() < 0.5 ? -x : x;
  };
  for (const [key, f] of model.fixed) out[key] = f.length ? Array.from({length: f.length}, () => one(f.kind, true)) : one(f.kind, false);
  return out;
}

export interface Draws {
  vars: Record<string, Batch>;
  /** The seeded values and the distributions' parameters, for the reason. */
  fixed: Record<string, Value>;
  params: Map<string, number[]>;
}

/**
 * The model's values on `n` draws of stream `stream` (the fixed values and parameters depend on the seed alone, so
 * every stream shares them; `shift` moves them all, `hiddenShift` the means and variances the text does not give); a few seeds are tried until every distribution's parameters
 * are valid.
 */
export function drawModel(model: Model, n: number, seed: number, stream = 0, shift = 0, hiddenShift = shift): Draws | undefined {
  for (let attempt = 0; attempt < 8; attempt++) {
    const rng = mulberry32((seed + attempt * 7919) >>> 0);
    const fixed = fixedValues(model, rng, shift);
    const params = new Map<string, number[]>();
    let ok = true;
    for (const [name, r] of model.random) {
      const values = paramValues(r.decl, fixed, model.idx, rng, hiddenShift);
      if (!values) return undefined;
      if (!validParams(r.decl.family, values)) ok = false;
      params.set(name, values);
    }
    if (!ok) continue;
    const vars: Record<string, Batch> = {};
    for (const [key, v] of Object.entries(fixed)) vars[key] = lift(v, n);
    const draws = mulberry32((Math.imul(seed, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b)) >>> 0);
    for (const [name, r] of model.random) {
      const p = params.get(name)!;
      vars[name] = r.length ? Array.from({length: r.length}, () => draw(r.decl.family, p, n, draws)) : draw(r.decl.family, p, n, draws);
    }
    return {vars, fixed, params};
  }
  return undefined;
}

/** A distribution's parameters at the fixed values (a mean or variance the text does not give: seeded). */
function paramValues(decl: Declared, fixed: Record<string, Value>, idx: Record<string, number>, rng: () => number, shift: number): number[] | undefined {
  const hidden: Record<string, Value> = {};
  for (const p of decl.params) for (const u of symbolUses(p)) if (isHidden(u.key)) hidden[u.key] = u.key.startsWith("mean") ? (rng() < 0.5 ? -1 : 1) * moved(0.3 + 0.7 * rng(), shift, 0.3, 1) : moved(0.4 + 0.6 * rng(), shift, 0.4, 1);
  try {
    const values = decl.params.map((p) => evaluate(p, {...fixed, ...hidden}, {idx}));
    return values.every((v): v is number => typeof v === "number") ? values : undefined;
  } catch {
    return undefined;
  }
}

const lift = (v: Value, n: number): Batch => (typeof v === "number" ? new Float64Array(n).fill(v) : (v as Value[]).map((x) => lift(x, n)));
