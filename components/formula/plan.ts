/** Default bindings for a formula's free symbols (seeded), and which reference implementation it matches. */
import type {Node, NodeOf} from "./ast.js";
import {arrowedWhole, children, keyBase, symKey} from "./ast.js";
import {MAX_SEEDED_SIZE} from "./limits.js";
import {findAll, indexedBy, isKronecker, symbolUses, twoIndices} from "./symbols.js";
import {mulberry32, randn} from "../math/random.js";
import type {Role, SymbolBinding} from "./types.js";
import type {Value} from "./values.js";

export const HYPER_DEFAULTS: Record<string, number> = {
  "\\alpha": 0.1, "\\eta": 0.1, "\\beta_1": 0.9, "\\beta_2": 0.999, "\\beta": 0.9, "\\epsilon": 1e-8, "\\varepsilon": 1e-8,
  "\\gamma": 0.9, "\\lambda": 0.01, "\\rho": 0.9, "\\mu": 0.9
};
/** Sample indices that may appear free (`p_i = \sigma(\theta \cdot x_i)`). */
export const FREE_INDEX = /^[ij]$/;
/** Constants that are conventionally tiny (numerical safeguards). */
const SMALL_CONSTANTS = new Set(["\\epsilon", "\\varepsilon"]);
/** Letters that name a number of samples / a batch size when they divide (`\frac{1}{n}`, `\frac{1}{2m}`, `1/B`). */
const COUNT_LETTERS = /^[nmNMB]$/;

export interface BindingOptions {
  seed: number;
  n?: number;
  d?: number;
  /** Keys not to bind (left sides of the same system, the differentiated variable…). */
  exclude?: Set<string>;
  /** Base names defined per index (`s_j = …`): their indexed uses are not bound, a plain use (`\mathbf{s}`) is. */
  excludeIndexed?: Set<string>;
  /** Base names the prose calls predictions (values in (0, 1) when a log is around). */
  predictions?: Set<string>;
  /** Extra letters that index samples when free (a link's `q_k = …` makes k one). */
  freeIndices?: string[];
  /** No structural reading: indexed symbols are vectors of samples, every plain symbol a scalar. */
  flat?: boolean;
  /**
   * Values that separate plausible alternatives (checking a stated equality): a constant that is conventionally tiny
   * (ε against division by zero) is seeded comparable to the other values, so that σ²/(σ² + ε) and (σ² + ε)/σ² differ.
   */
  separating?: boolean;
  /** Every dimension the sample count: square matrices, so a missing or extra transpose still evaluates (and differs). */
  square?: boolean;
  /** Letters that index an entry on the left side (Φ_{ik} = x_i^k): integers where they stand alone. */
  indexLetters?: string[];
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

/** A bold lower-case letter (\mathbf{w}, \boldsymbol{\beta}, \vec{v}) is a vector by convention; bold capitals are matrices. */
const BOLD_VECTOR = /^\\(?:mathbf|boldsymbol|bm|vec)\{(?:\\[a-z]+|[a-z])\}$/;

/** A capital: Latin, or Greek (\Lambda, \Sigma) — a matrix when it multiplies. */
const CAPITAL_GREEK = /^\\(?:Gamma|Delta|Theta|Lambda|Xi|Pi|Sigma|Phi|Psi|Omega)$/;
const CAPITAL = /^(?:[A-Z]|\\(?:Gamma|Delta|Theta|Lambda|Xi|Pi|Sigma|Phi|Psi|Omega)$)/;
/** Greek letters that name hyper-parameters (with any subscript: λ_2, η_t, β_1). */
const HYPERISH = /^\\(?:lambda|eta|alpha|gamma|rho|epsilon|varepsilon|tau|kappa)$/;
const LOWER = /^(?:[a-z]|\\(?:alpha|beta|gamma|delta|theta|phi|psi|omega|xi|zeta|eta|mu|nu))$/;

export function inferBindings(nodes: Node[], options: BindingOptions): Bindings {
  // Seeded sizes stay small whatever the caller asks for (every entry is drawn and later evaluated).
  const size = (x: number | undefined, dflt: number) => (x === undefined || !Number.isFinite(x) ? dflt : Math.max(1, Math.min(MAX_SEEDED_SIZE, Math.floor(x))));
  // (I - \Lambda) z: I is the identity, so the matrices beside it are square.
  // I_n, I_p, \mathbf{I}_{d}: the identity of a stated size (every size is n in this square reading).
  const isIdentity = (key: string) => /^I(?:_\{?[a-z]\}?|_\{?\d\}?)?$/.test(key) && !(options.exclude?.has(key));
  const identity = nodes.some((x) => symbolUses(x).some((u) => isIdentity(u.key)));
  const square = !!options.square || identity;
  const n = size(options.n, 4), d = square ? n : size(options.d, 2);
  const rng = mulberry32(options.seed);
  const exclude = options.exclude ?? new Set<string>();
  const sums = nodes.flatMap((x) => findAll(x, "sum"));
  const sumIndices = new Set(sums.map((s) => s.index));
  const counts: Record<string, number> = {};
  // Counts: the symbols of a sum's bounds (`n`, `B` in `B - 1`), and a count's usual letter dividing an average
  // (`\frac{1}{n}`, `\frac{1}{2m}`): integers, so bounds built from them are integers.
  for (const s of sums)
    for (const b of [s.to, s.from]) if (b) for (const u of symbolUses(b)) if (!u.node.sub && !sumIndices.has(u.key) && !(exclude.has(u.key))) counts[u.key] = u.key === "d" ? d : n;
  const countFactor = (x: Node): void => {
    if (x.type === "sym" && !x.sub && COUNT_LETTERS.test(x.name) && !exclude.has(x.name)) counts[x.name] ??= n;
    else if (x.type === "mul") (countFactor(x.left), countFactor(x.right));
    else if (x.type === "paren") countFactor(x.arg);
  };
  for (const x of nodes) for (const dv of findAll(x, "div")) countFactor(dv.den);
  const uses = nodes.flatMap((x) => symbolUses(x));
  let freeIndex: string | undefined;
  const indexed = new Set<string>(), plain = new Set<string>(), order: string[] = [];
  const add = (set: Set<string>, k: string) => {
    if (!set.has(k)) {
      set.add(k);
      order.push(k);
    }
  };
  // x_{ij} (two indices) beside an upper-case X used as a whole: the entries of X, not a symbol of their own.
  const wholes = new Set(uses.filter((u) => !u.node.sub).map((u) => u.key));
  // x_1, x_2 beside x itself used as a whole (f(x) = x_1^2 + 2 x_2^2): the entries of the vector x.
  // (x_1, x_2 beside \vec{x} and no plain x: the entries of \vec{x})
  const wholeOf = (name: string) => (wholes.has(name) ? name : wholes.has(arrowedWhole(name)) && !exclude.has(arrowedWhole(name)) ? arrowedWhole(name) : undefined);
  const entryOfWhole = (u: (typeof uses)[number]) => u.node.sub?.type === "num" && Number.isInteger(u.node.sub.value) && u.node.sub.value >= 1 && wholeOf(u.node.name) !== undefined && !exclude.has(u.node.name);
  const entries = new Map<string, number>();
  // X whose rows are the samples x_i: it has one row per sample
  const dataMatrices = new Set<string>();
  for (const u of uses) if (entryOfWhole(u)) entries.set(wholeOf(u.node.name)!, Math.max(entries.get(wholeOf(u.node.name)!) ?? 0, (u.node.sub as NodeOf<"num">).value));
  for (const u of uses) {
    if (entryOfWhole(u)) continue;
    if (twoIndices(u.node.sub) && /^[a-z]$/.test(u.node.name) && wholes.has(u.node.name.toUpperCase())) continue;
    // x_i beside the data matrix X used as a whole (X^T(Xw − y) and Σ_i (x_i^T w − y_i) x_i): the rows of X.
    // (not p_i beside P = Σ_i p_i, a scalar the chapter defines: its P is no matrix)
    if (u.node.sub?.type === "sym" && /^[a-z]$/.test(u.node.name) && !wholes.has(u.node.name) && wholes.has(u.node.name.toUpperCase()) && !exclude.has(u.node.name) && !exclude.has(u.node.name.toUpperCase())) {
      dataMatrices.add(u.node.name.toUpperCase());
      continue;
    }
    // Euler's number and π: `e^{-z}` means exp(-z), `\sqrt{2/\pi}` is π, unless the chapter defines them (then they are
    // excluded and bound there).
    if (sumIndices.has(u.key) || u.key in counts || exclude.has(u.key) || u.key === "e" || u.key === "\\pi" || isKronecker(u.node)) continue;
    const byIndex = indexedBy(u);
    const sub = u.node.sub;
    const free = !byIndex && sub?.type === "sym" && !sub.sub && (FREE_INDEX.test(sub.name) || options.freeIndices?.includes(sub.name)) ? sub.name : undefined;
    if (byIndex || free) {
      if (free) freeIndex = free;
      if (!exclude.has(u.node.name) && !options.excludeIndexed?.has(u.node.name)) add(indexed, u.node.name);
    } else add(plain, u.key);
  }
  // x_i summed to a count (Σ_{i=1}^{d} x_i²): the vector has that many entries, and an index left free beside it
  // (∂r/∂x_j) runs over them.
  const lengthOf = new Map<string, number>();
  for (const sm of sums)
    if (sm.to?.type === "sym" && !sm.to.sub && sm.to.name in counts)
      for (const u of symbolUses(sm.body)) if (u.node.sub?.type === "sym" && u.node.sub.name === sm.index && !u.node.sub.sub) lengthOf.set(u.node.name, counts[sm.to.name]);
  if (freeIndex) {
    const lengths = new Set(uses.filter((u) => u.node.sub?.type === "sym" && u.node.sub.name === freeIndex && lengthOf.has(u.node.name)).map((u) => lengthOf.get(u.node.name)!));
    if (lengths.size === 1) counts[freeIndex] ??= [...lengths][0];
    counts[freeIndex] ??= n;
  }
  // Products: an indexed symbol times a plain one makes the first an input (rows) and the second a weight vector.
  const transposed = new Set<string>(), innerPartners = new Set<string>();
  const inputs = new Set<string>(), params = new Set<string>(), matrices = new Set<string>(), vec3 = new Set<string>(), probs = new Set<string>();
  let columns = 0;
  const keyOf = (s: Node) => (s.type === "sym" ? (indexed.has(s.name) && s.sub ? s.name : symKey(s.name, s.subText)) : "");
  for (const x of options.flat ? [] : nodes) {
    for (const m of findAll(x, "mul")) {
      const l = factorSym(m.left), r = factorSym(m.right);
      if (!l || !r || l.type !== "sym" || r.type !== "sym") continue;
      const lk = keyOf(l), rk = keyOf(r);
      const li = indexed.has(lk) && !!l.sub, ri = indexed.has(rk) && !!r.sub;
      // a z_{j1}: an entry of the input matrix times a scalar weight (not a row times a weight vector)
      const entry = (x: NodeOf<"sym">) => {
        const two = twoIndices(x.sub);
        if (!two) return false;
        if (two[1].type === "num" && Number.isInteger(two[1].value)) columns = Math.max(columns, two[1].value);
        return true;
      };
      // λ_2 w_j, η_t g_t: a hyper-parameter scales an entry, it is no weight vector
      if ((HYPERISH.test(l.name) && !li) || (HYPERISH.test(r.name) && !ri)) continue;
      if (li && !ri && plain.has(rk) && entry(l)) inputs.add(lk);
      else if (ri && !li && plain.has(lk) && entry(r)) inputs.add(rk);
      else if (li && !ri && plain.has(rk)) (inputs.add(lk), params.add(rk));
      else if (ri && !li && plain.has(lk)) (inputs.add(rk), params.add(lk));
      else if (!li && !ri && plain.has(lk) && plain.has(rk)) {
        const lu = CAPITAL.test(l.name), ru = CAPITAL.test(r.name);
        if (lu && ru) (matrices.add(lk), matrices.add(rk));
        else if (lu && !ru) (matrices.add(lk), vec3.add(rk));
      }
    }
    for (const c of findAll(x, "call")) {
      if (c.fn === "Attention") for (const a of c.args) if (a.type === "sym") matrices.add(symKey(a.name, a.subText));
      if (c.fn === "log" || c.fn === "ln") for (const a of c.args) for (const u of symbolUses(a)) probs.add(indexed.has(u.node.name) ? u.node.name : u.key);
    }
    for (const t of findAll(x, "transpose")) if (t.arg.type === "sym" && plain.has(symKey(t.arg.name, t.arg.subText))) transposed.add(symKey(t.arg.name, t.arg.subText));
    // u^T v between two lower-case letters: an inner product, v a vector like u
    for (const m of findAll(x, "mul"))
      if (m.left.type === "transpose" && m.left.arg.type === "sym" && LOWER.test(m.left.arg.name) && m.right.type === "sym" && !m.right.sub && LOWER.test(m.right.name) && plain.has(m.right.name)) innerPartners.add(m.right.name);
  }
  // Where the matrices are square (an identity stands beside them): a capital added to the identity (K + λI) is a
  // matrix, and a plain lower-case letter a matrix acts on ((K + λI)^{-1} y) or added to a matrix–vector product
  // (y − Kα) is a vector of that size. (Elsewhere a letter's size cannot be told from one product: Xᵀy has X's rows.)
  if (!options.flat && square) {
    const isI = (n: Node): boolean => (n.type === "sym" && isIdentity(symKey(n.name, n.subText))) || (n.type === "mul" && (isI(n.left) || isI(n.right)));
    for (const x of nodes)
      for (const a of findAll(x, "add"))
        if (a.terms.some((t) => isI(t.node))) for (const t of a.terms) if (t.node.type === "sym" && !t.node.sub && CAPITAL.test(t.node.name) && plain.has(t.node.name) && !isI(t.node)) matrices.add(t.node.name);
    const hasMatrix = (n: Node) => symbolUses(n).some((u) => matrices.has(u.key) || isIdentity(u.key));
    const lowerPlain = (n: Node | undefined, hyper = false): n is NodeOf<"sym"> => n?.type === "sym" && !n.sub && LOWER.test(n.name) && plain.has(n.name) && (hyper || !HYPERISH.test(n.name)) && !(n.name in counts);
    const acted = (n: Node) => n.type === "mul" && hasMatrix(n.left) && (vec3.has(keyOf(n.right)) || lowerPlain(n.right, true));
    for (const x of nodes) {
      // (a matrix times a Greek letter, Kα, is a vector too: a hyper-parameter scales from the left, λA)
      for (const m of findAll(x, "mul")) if (hasMatrix(m.left) && lowerPlain(m.right, true) && !matrices.has(m.right.name)) vec3.add(m.right.name);
      for (const a of findAll(x, "add")) if (a.terms.some((t) => acted(t.node))) for (const t of a.terms) if (lowerPlain(t.node)) vec3.add(t.node.name);
    }
  }
  // A transposed symbol is a matrix unless it is the weight vector of a per-sample product (\theta^T x_i).
  // A lower-case letter transposed (w^T w, x^T y) is a vector, as is a bold lower-case one; capitals are matrices.
  // (\vec u_o, \mathbf{x}_t: a bold or arrowed lower-case letter with a subscript is a vector as well)
  for (const k of transposed) if (!params.has(k) && !BOLD_VECTOR.test(k) && !BOLD_VECTOR.test(keyBase(k)) && !LOWER.test(k) && !LOWER.test(keyBase(k))) matrices.add(k);
  // Once some symbols are matrices (QK^T), the other upper-case factors of products are matrices too (…)V.
  if (matrices.size && !vec3.size)
    for (const x of nodes)
      for (const m of findAll(x, "mul"))
        for (const s of [factorSym(m.left), factorSym(m.right)])
          if (s?.type === "sym" && (/^[A-Z]$/.test(s.name) || CAPITAL_GREEK.test(s.name)) && !s.sub && plain.has(s.name)) matrices.add(s.name);
  for (const p of options.predictions ?? []) if (indexed.has(p)) probs.add(p);
  // Symbols that appear as 1 - y (binary labels / probabilities).
  const complemented = new Set<string>();
  for (const x of nodes)
    for (const a of findAll(x, "add"))
      if (a.terms.length === 2 && a.terms[0].node.type === "num" && a.terms[0].node.value === 1 && a.terms[1].sign === -1)
        for (const u of symbolUses(a.terms[1].node)) complemented.add(u.node.name);
  // Symbols that weight a logarithm (y_k in −Σ_k y_k log p_k, y in y log ŷ + (1 − y) log(1 − ŷ)): the labels of a
  // cross-entropy. (Not y_k in ln(2πσ_k²) + (y_k − μ_k)²/σ_k²: a value beside a log, no label.)
  const isLog = (n: Node) => findAll(n, "call").some((c) => c.fn === "log" || c.fn === "ln");
  const logWeighted = new Set<string>();
  for (const x of nodes)
    for (const m of findAll(x, "mul"))
      for (const [a, b] of [[m.left, m.right], [m.right, m.left]]) if (isLog(b) && !isLog(a)) for (const u of symbolUses(a)) logWeighted.add(u.node.name);
  // What sits under a square root is non-negative (an accumulator of squares, a variance): seeded so.
  // Earlier steps of a rooted accumulator (r_{t-1} beside \sqrt{r_t}) are non-negative as well.
  const rooted = new Set<string>(), rootedNames = new Set<string>();
  for (const x of nodes)
    for (const r of [...findAll(x, "sqrt").map((q) => q.arg), ...findAll(x, "call").filter((c) => c.fn === "sqrt").flatMap((c) => c.args)])
      for (const u of symbolUses(r)) rooted.add(indexed.has(u.node.name) ? u.node.name : u.key), rootedNames.add(u.node.name);
  // The argument of a softmax is a vector of scores.
  const softmaxed = new Set<string>();
  for (const x of nodes)
    for (const c of findAll(x, "call"))
      if (c.fn === "softmax") for (const a of c.args) for (const u of symbolUses(a)) if (!u.node.sub && (a.type === "sym" || (a.type === "add" && a.terms[0].node === u.node))) softmaxed.add(u.key);
  const nameOf = new Map(uses.map((u) => [u.key, u.node.name]));
  // r_{nk} inside Σ_n Σ_k: a matrix, one row per value of the first index and one column per value of the second
  const rangeOf = (index: string) => {
    const sm = sums.find((x) => x.index === index);
    return sm?.to?.type === "sym" && !sm.to.sub && sm.to.name in counts ? counts[sm.to.name] : n;
  };
  const tables = new Map<string, [number, number]>();
  for (const u of uses) {
    const two = twoIndices(u.node.sub);
    if (!two || two.some((x) => x.type !== "sym" || x.sub || !/^[a-z]$/.test(x.name))) continue;
    const [a, b] = two as NodeOf<"sym">[];
    if (a.name !== b.name && [a, b].every((x) => sumIndices.has(x.name) || x.name === freeIndex)) tables.set(u.node.name, [rangeOf(a.name), rangeOf(b.name)]);
  }
  const indexLetters = new Set([...(options.indexLetters ?? []), ...uses.flatMap((u) => (twoIndices(u.node.sub) ?? []).flatMap((x) => (x.type === "sym" && !x.sub && /^[a-z]$/.test(x.name) ? [x.name] : [])))]);
  const hasLog = nodes.some((x) => findAll(x, "call").some((c) => c.fn === "log" || c.fn === "ln"));
  const matRows = [...matrices].some((k) => !vec3.size || !vec3.has(k)) ? 3 : 2;
  const symbols: SymbolBinding[] = [];
  const normal = (k: number) => Array.from({length: k}, () => r3(randn(rng)));
  for (const key of order) {
    let value: Value, role: Role, fixed = false;
    if (indexed.has(key)) {
      // w_k (a coordinate) of a w that is also a weight vector (w^T x_j): the weights, of the feature dimension.
      if (tables.has(key) && !inputs.has(key)) (value = Array.from({length: tables.get(key)![0]}, () => normal(tables.get(key)![1]))), (role = "matrix");
      else if (params.has(key) && !inputs.has(key)) (value = normal(d)), (role = "parameter");
      else if (inputs.has(key)) (value = Array.from({length: n}, () => normal(Math.max(d, Math.min(columns, MAX_SEEDED_SIZE)))), (role = "input"));
      else if (probs.has(key)) (value = Array.from({length: n}, () => r3(0.1 + 0.8 * rng())), (role = "prediction"));
      else if (hasLog && logWeighted.has(key) && !complemented.has(key)) {
        // Labels of a categorical cross-entropy (-Σ_k y_k log p_k, no 1 - y_k term): one-hot, a distribution.
        const labels: number[] = Array.from({length: n}, () => 0);
        labels[Math.floor(rng() * n)] = 1;
        value = labels;
        role = "label";
      } else if (hasLog && logWeighted.has(key)) {
        const labels: number[] = Array.from({length: n}, (_, i) => (i % 2 === 0 ? 1 : 0));
        for (let i = n - 1; i > 0; i--) {
          const j = Math.floor(rng() * (i + 1));
          [labels[i], labels[j]] = [labels[j], labels[i]];
        }
        value = labels;
        role = "label";
      } else (value = normal(lengthOf.get(key) ?? n)), (role = "vector");
    } else if (options.separating && SMALL_CONSTANTS.has(key)) (value = 0.5), (role = "hyper");
    else if (key in HYPER_DEFAULTS && !matrices.has(key) && !vec3.has(key) && !params.has(key)) (value = HYPER_DEFAULTS[key]), (role = "hyper");
    else if (key === "d_k" || key === "d") (value = d), (role = "count"), (fixed = true);
    else if (key === "t") (value = 1), (role = "time");
    else if (isIdentity(key) && identity) (value = Array.from({length: n}, (_, r) => Array.from({length: n}, (_, c) => (r === c ? 1 : 0)))), (role = "matrix"), (fixed = true);
    else if (matrices.has(key) && square) (value = Array.from({length: n}, () => normal(n))), (role = "matrix");
    else if (vec3.has(key) && square) (value = normal(n)), (role = "vector");
    else if (matrices.has(key) && dataMatrices.has(key)) (value = Array.from({length: n}, () => normal(vec3.size ? 3 : d))), (role = "matrix");
    else if (matrices.has(key)) (value = vec3.size ? Array.from({length: 2}, () => normal(3)) : Array.from({length: matRows}, () => normal(d))), (role = "matrix");
    else if (vec3.has(key)) (value = normal(3)), (role = "vector");
    else if (params.has(key)) (value = normal(d)), (role = "parameter");
    else if (probs.has(key)) (value = r3(0.1 + 0.8 * rng())), (role = "prediction");
    // q used whole beside its per-index definition (q_k = …): the vector of its entries (positive under a log).
    else if (options.excludeIndexed?.has(key)) (value = Array.from({length: n}, () => (hasLog ? r3(0.1 + 0.8 * rng()) : r3(randn(rng))))), (role = "vector");
    else if (softmaxed.has(key)) (value = normal(n)), (role = "vector");
    else if (rooted.has(key) || rootedNames.has(nameOf.get(key) ?? key)) (value = r3(0.1 + Math.abs(randn(rng)))), (role = "scalar");
    else if (entries.has(key)) (value = normal(Math.min(MAX_SEEDED_SIZE, Math.max(d, entries.get(key)!)))), (role = "vector");
    else if (BOLD_VECTOR.test(key) || (transposed.has(key) && (LOWER.test(keyBase(key)) || BOLD_VECTOR.test(keyBase(key)))) || innerPartners.has(key)) (value = normal(d)), (role = "vector");
    // Φ_{ik} = x_i^k: a letter that indexes an entry (Φ_{ik}) is an index where it stands alone too: an integer
    else if (indexLetters.has(key)) (value = 2), (role = "count"), (fixed = true);
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
