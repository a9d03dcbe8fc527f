/**
 * What a formula about moments needs from its chapter, read once per chapter: the random symbols and their
 * distributions (distribution-declare.ts), the definitions the evaluator expands (h̃_i = m_i h_i / (1 − p)), the values
 * the text gives its counts (n_{in} = 256), the sizes it declares (q, k ∈ ℝ^{d}) and the names it writes with an
 * index somewhere (q_i). Pure: no DOM, no tf.
 */
import {symKey, type Formula, type Node} from "./ast.js";
import {declaredShapes} from "./dimensions.js";
import {chapterDefinitions} from "./equality.js";
import type {Def} from "./evaluate.js";
import {parseFormula} from "./parse.js";
import {findAll, numbersOnly, symbolUses} from "./symbols.js";
import {declaredDistributions, type Declared} from "./distribution-declare.js";
import {rewriteMoments, type MomentUse} from "./distribution-moments.js";
import type {MathBlock} from "./types.js";

export interface ChapterContext {
  random: Map<string, Declared>;
  /** Definitions by key, per block (the nearest one to that block). */
  defsFor(blockIndex: number, lineIndex: number): Record<string, Def>;
  /** Integers the text gives (n = 256, d_k = 64). */
  counts: Map<string, number>;
  /** ℝ^{d} declarations: symbol → its size's key or number. */
  sizes: Map<string, string>;
  /** Base names the chapter writes with a letter index (q_i) or in bold (\mathbf{q}): vectors. */
  indexed: Set<string>;
}

const cache = new WeakMap<MathBlock[], ChapterContext>();
/** Names that are notation, never a definition to expand: the moments themselves, P(·). */
const NOTATION = new Set(["E", "Var", "Cov", "Std", "SD", "P"]);
/** Formulas after a formula whose definitions it may use ("… where h̃ = …" just below). */
const LATER_REACH = 3;

export function chapterContext(blocks: MathBlock[]): ChapterContext {
  const hit = cache.get(blocks);
  if (hit) return hit;
  const parsed: (Formula | undefined)[] = blocks.map((b) => {
    try {
      return parseFormula(b.latex);
    } catch {
      return undefined;
    }
  });
  const random = declaredDistributions(blocks);
  const all = chapterDefinitions(parsed);
  const counts = new Map<string, number>();
  for (const d of all) if (typeof d.fact === "number" && Number.isInteger(d.fact) && d.fact >= 1 && !d.index) counts.set(d.key, d.fact);
  const sizes = new Map<string, string>();
  for (const [k, v] of declaredShapes(parsed.map((formula, i) => ({formula, line: blocks[i].line})))) if (v.shape[1] === "1") sizes.set(k, v.shape[0]);
  // written with an index somewhere: a sum's index, or i / j (σ_w, W_q name a symbol, they do not index one)
  const indices = new Set(["i", "j"]);
  for (const f of parsed) for (const l of f?.lines ?? []) for (const n of [l.first, ...l.rest.map((r) => r.node)]) for (const s of findAll(n, "sum")) indices.add(s.index);
  const indexed = new Set<string>();
  for (const f of parsed)
    for (const l of f?.lines ?? [])
      for (const n of [l.first, ...l.rest.map((r) => r.node)])
        for (const u of symbolUses(n)) if (u.node.sub?.type === "sym" && !u.node.sub.sub && indices.has(u.node.sub.name)) indexed.add(u.node.name);
  for (const b of blocks) for (const m of b.latex.matchAll(/\\(?:mathbf|boldsymbol|bm|vec)\{\\?([a-zA-Z]+)\}/g)) indexed.add(/^[a-zA-Z]$/.test(m[1]) ? m[1] : `\\${m[1]}`);
  // a worked value (h̃ = (1/0.75)(1, 0, 0.5, 3)) is an example, not the definition
  // a distribution's parameter (σ in N(0, σ²)) is a free value here, whatever the text later sets it to
  const params = new Set([...random.values()].flatMap((d) => d.params.flatMap((p) => symbolUses(p).map((u) => u.key))));
  const usable = all.filter((d) => d.fact === undefined && !d.recurrence && !d.restatement && !NOTATION.has(d.key) && !params.has(d.key) && !hasMoments(d.body) &&
    !numbersOnly(d.body));
  const defsFor = (blockIndex: number, lineIndex: number): Record<string, Def> => {
    const out: Record<string, Def> = {};
    // the nearest earlier definition, else one at most LATER_REACH formulas after
    const dist = (b: number) => (b <= blockIndex ? blockIndex - b : b - blockIndex <= LATER_REACH ? 1e6 + b : Infinity);
    const ranked = usable.filter((d) => (d.blockIndex !== blockIndex || d.lineIndex !== lineIndex) && dist(d.blockIndex) < Infinity).sort((a, b) => dist(a.blockIndex) - dist(b.blockIndex));
    for (const d of ranked) {
      // a letter the text declares random after (or nearer than) this definition is that random variable here
      const decl = random.get(d.key);
      if (decl && Math.abs(decl.line - blocks[blockIndex].line) <= Math.abs(blocks[d.blockIndex].line - blocks[blockIndex].line)) continue;
      const key = d.params && out[d.key] ? `${d.key}#${d.params.length}` : d.key;
      if (!out[key]) out[key] = {...(d.index ? {index: d.index} : {}), ...(d.params ? {params: d.params} : {}), body: d.body};
    }
    return out;
  };
  sumSizes(parsed, sizes);
  const ctx = {random, defsFor, counts, sizes, indexed};
  cache.set(blocks, ctx);
  return ctx;
}

/**
 * Σ_{l=1}^{d_k} q_l k_l: a vector indexed by a sum's index has the sum's bound as its size, when every such sum in
 * the chapter agrees (and no ℝ^{…} declaration says otherwise).
 */
function sumSizes(parsed: (Formula | undefined)[], sizes: Map<string, string>): void {
  const seen = new Map<string, Set<string>>();
  for (const f of parsed)
    for (const l of f?.lines ?? [])
      for (const n of [l.first, ...l.rest.map((r) => r.node)])
        for (const s of findAll(n, "sum")) {
          const to = s.to?.type === "sym" ? symKey(s.to.name, s.to.subText) : s.to?.type === "num" ? String(s.to.value) : undefined;
          if (!to || (s.from && !(s.from.type === "num" && s.from.value === 1))) continue;
          for (const u of symbolUses(s.body)) if (u.node.sub?.type === "sym" && u.node.sub.name === s.index && !u.node.sub.sub) (seen.get(u.node.name) ?? seen.set(u.node.name, new Set()).get(u.node.name)!).add(to);
        }
  for (const [name, tos] of seen) if (tos.size === 1 && !sizes.has(name)) sizes.set(name, [...tos][0]);
}

function hasMoments(n: Node): boolean {
  const uses: MomentUse[] = [];
  rewriteMoments(n, uses, () => false);
  return uses.length > 0;
}
