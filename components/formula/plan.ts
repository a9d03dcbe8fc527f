/** Default bindings for a formula's free symbols (seeded), and which reference implementation it matches. */
import type {Node} from "./ast.js";
import {children, symKey} from "./ast.js";
import {MAX_SEEDED_SIZE} from "./limits.js";
import {findAll, indexedBy, symbolUses} from "./symbols.js";
import {mulberry32, randn} from "../math/random.js";
import type {Role, SymbolBinding} from "./types.js";
import type {Value} from "./values.js";

export const HYPER_DEFAULTS: Record<string, number> = {
  "\\alpha": 0.1, "\\eta": 0.1, "\\beta_1": 0.9, "\\beta_2": 0.999, "\\beta": 0.9, "\\epsilon": 1e-8, "\\varepsilon": 1e-8,
  "\\gamma": 0.9, "\\lambda": 0.01, "\\rho": 0.9, "\\mu": 0.9
};
/** Sample indices that may appear free (`p_i = \sigma(\theta \cdot x_i)`). */
export const FREE_INDEX = /^[ij]$/;

export interface BindingOptions {
  seed: number;
  n?: number;
  d?: number;
  /** Keys not to bind (left sides of the same system, the differentiated variable…). */
  exclude?: Set<string>;
  /** Base names the prose calls predictions (values in (0, 1) when a log is around). */
  predictions?: Set<string>;
  /** Extra letters that index samples when free (a link's `q_k = …` makes k one). */
  freeIndices?: string[];
}

export interface Bindings {
  symbols: SymbolBinding[];
  counts: Record<string, number>;
  /** Free sample index (evaluate once per i). */
  freeIndex?: string;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

function factorSym(n: Node): Node | undefined {
  if (n.type === "sym") return n;
  if (n.type === "transpose" && n.arg.type === "sym") return n.arg;
  if (n.type === "paren") return factorSym(n.arg);
  return undefined;
}

export function inferBindings(nodes: Node[], options: BindingOptions): Bindings {
  // Seeded sizes stay small whatever the caller asks for (every entry is drawn and later evaluated).
  const size = (x: number | undefined, dflt: number) => (x === undefined || !Number.isFinite(x) ? dflt : Math.max(1, Math.min(MAX_SEEDED_SIZE, Math.floor(x))));
  const n = size(options.n, 4), d = size(options.d, 2);
  const rng = mulberry32(options.seed);
  const exclude = options.exclude ?? new Set<string>();
  const sums = nodes.flatMap((x) => findAll(x, "sum"));
  const sumIndices = new Set(sums.map((s) => s.index));
  const counts: Record<string, number> = {};
  for (const s of sums) if (s.to?.type === "sym" && !s.to.sub) counts[s.to.name] = n;
  const uses = nodes.flatMap((x) => symbolUses(x));
  let freeIndex: string | undefined;
  const indexed = new Set<string>(), plain = new Set<string>(), order: string[] = [];
  const add = (set: Set<string>, k: string) => {
    if (!set.has(k)) {
      set.add(k);
      order.push(k);
    }
  };
  for (const u of uses) {
    // Euler's number: `e^{-z}` means exp(-z) unless the chapter defines e (then it is excluded and bound there).
    if (sumIndices.has(u.key) || u.key in counts || exclude.has(u.key) || u.key === "e") continue;
    const byIndex = indexedBy(u);
    const sub = u.node.sub;
    const free = !byIndex && sub?.type === "sym" && !sub.sub && (FREE_INDEX.test(sub.name) || options.freeIndices?.includes(sub.name)) ? sub.name : undefined;
    if (byIndex || free) {
      if (free) freeIndex = free;
      if (!exclude.has(u.node.name)) add(indexed, u.node.name);
    } else add(plain, u.key);
  }
  if (freeIndex) counts[freeIndex] ??= n;
  // Products: an indexed symbol times a plain one makes the first an input (rows) and the second a weight vector.
  const inputs = new Set<string>(), params = new Set<string>(), matrices = new Set<string>(), vec3 = new Set<string>(), probs = new Set<string>();
  const keyOf = (s: Node) => (s.type === "sym" ? (indexed.has(s.name) && s.sub ? s.name : symKey(s.name, s.subText)) : "");
  for (const x of nodes) {
    for (const m of findAll(x, "mul")) {
      const l = factorSym(m.left), r = factorSym(m.right);
      if (!l || !r || l.type !== "sym" || r.type !== "sym") continue;
      const lk = keyOf(l), rk = keyOf(r);
      const li = indexed.has(lk) && !!l.sub, ri = indexed.has(rk) && !!r.sub;
      if (li && !ri && plain.has(rk)) (inputs.add(lk), params.add(rk));
      else if (ri && !li && plain.has(lk)) (inputs.add(rk), params.add(lk));
      else if (!li && !ri && plain.has(lk) && plain.has(rk)) {
        const lu = /^[A-Z]/.test(l.name), ru = /^[A-Z]/.test(r.name);
        if (lu && ru) (matrices.add(lk), matrices.add(rk));
        else if (lu && !ru) (matrices.add(lk), vec3.add(rk));
      }
    }
    for (const c of findAll(x, "call")) {
      if (c.fn === "Attention") for (const a of c.args) if (a.type === "sym") matrices.add(symKey(a.name, a.subText));
      if (c.fn === "log" || c.fn === "ln") for (const a of c.args) for (const u of symbolUses(a)) probs.add(indexed.has(u.node.name) ? u.node.name : u.key);
    }
    for (const t of findAll(x, "transpose")) if (t.arg.type === "sym" && plain.has(symKey(t.arg.name, t.arg.subText))) matrices.add(symKey(t.arg.name, t.arg.subText));
  }
  // Once some symbols are matrices (QK^T), the other upper-case factors of products are matrices too (…)V.
  if (matrices.size && !vec3.size)
    for (const x of nodes)
      for (const m of findAll(x, "mul"))
        for (const s of [factorSym(m.left), factorSym(m.right)])
          if (s?.type === "sym" && /^[A-Z]$/.test(s.name) && !s.sub && plain.has(s.name)) matrices.add(s.name);
  for (const p of options.predictions ?? []) if (indexed.has(p)) probs.add(p);
  const hasLog = nodes.some((x) => findAll(x, "call").some((c) => c.fn === "log" || c.fn === "ln"));
  const matRows = [...matrices].some((k) => !vec3.size || !vec3.has(k)) ? 3 : 2;
  const symbols: SymbolBinding[] = [];
  const normal = (k: number) => Array.from({length: k}, () => r3(randn(rng)));
  for (const key of order) {
    let value: Value, role: Role, fixed = false;
    if (indexed.has(key)) {
      if (inputs.has(key)) (value = Array.from({length: n}, () => normal(d)), (role = "input"));
      else if (probs.has(key)) (value = Array.from({length: n}, () => r3(0.1 + 0.8 * rng())), (role = "prediction"));
      else if (hasLog) {
        const labels: number[] = Array.from({length: n}, (_, i) => (i % 2 === 0 ? 1 : 0));
        for (let i = n - 1; i > 0; i--) {
          const j = Math.floor(rng() * (i + 1));
          [labels[i], labels[j]] = [labels[j], labels[i]];
        }
        value = labels;
        role = "label";
      } else (value = normal(n)), (role = "vector");
    } else if (key in HYPER_DEFAULTS) (value = HYPER_DEFAULTS[key]), (role = "hyper");
    else if (key === "d_k" || key === "d") (value = d), (role = "count"), (fixed = true);
    else if (key === "t") (value = 1), (role = "time");
    else if (matrices.has(key)) (value = vec3.size ? Array.from({length: 2}, () => normal(3)) : Array.from({length: matRows}, () => normal(d))), (role = "matrix");
    else if (vec3.has(key)) (value = normal(3)), (role = "vector");
    else if (params.has(key)) (value = normal(d)), (role = "parameter");
    else if (probs.has(key)) (value = r3(0.1 + 0.8 * rng())), (role = "prediction");
    else (value = r3(randn(rng))), (role = "scalar");
    symbols.push({key, value, role, ...(fixed ? {fixed} : {})});
  }
  for (const [k, v] of Object.entries(counts)) if (k !== freeIndex) symbols.push({key: k, value: v, role: "count", fixed: true});
  return {symbols, counts, ...(freeIndex ? {freeIndex} : {})};
}

/** Same bindings with every non-count value re-drawn from a new seed (the cell's "randomise" button). */
export function reseed(symbols: SymbolBinding[], seed: number): SymbolBinding[] {
  const rng = mulberry32(seed);
  return symbols.map((s) => {
    if (s.fixed || s.role === "hyper" || s.role === "time") return s;
    const draw = (x: number): number => {
      if (s.role === "label") return x;
      if (s.role === "prediction") return r3(0.1 + 0.8 * rng());
      return r3(randn(rng));
    };
    const value = (typeof s.value === "number" ? draw(s.value) : (s.value as (number | number[])[]).map((e) => (typeof e === "number" ? draw(e) : e.map(draw)))) as Value;
    if (s.role === "label" && Array.isArray(value)) {
      const v = (value as number[]).slice();
      for (let i = v.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [v[i], v[j]] = [v[j], v[i]];
      }
      return {...s, value: v};
    }
    return {...s, value};
  });
}

export {children};
