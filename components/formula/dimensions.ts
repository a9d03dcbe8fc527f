/**
 * Sizes the text declares (`X \in \mathbb{R}^{n \times d}`, `\mathbf{q}, \mathbf{k} \in \mathbb{R}^{d_k}`) and the
 * products of a formula that do not conform to them: `X^\top \mathbf{w}` with X n×d and w of d, `\mathbf{x}\boldsymbol{\delta}^\top`
 * stated as ∂L/∂W for a k×d W. Symbolic: sizes are the text's letters (n, d, d_k) or numbers; a size the text does
 * not declare is unknown and never judged. Vectors are columns. Pure: no DOM, no tf.
 */
import {children, symKey, type Formula, type Node, type NodeOf} from "./ast.js";

/** A size: a letter or number as written (`n`, `d_k`, `2`), or "?" (any, the all-ones vector's length). */
export type Dim = string;
export type Shape = "scalar" | [Dim, Dim];

export interface Declaration {
  shape: [Dim, Dim];
  /** Where the text declares it (the formula's first line). */
  line: number;
}

export type Declarations = Map<string, Declaration>;

export interface Mismatch {
  /** What does not conform, for a sentence: "X^T (d×n) times w (d×1)". */
  message: string;
}

function dimOf(n: Node): Dim | undefined {
  if (n.type === "num") return Number.isInteger(n.value) && n.value > 0 ? String(n.value) : undefined;
  return n.type === "sym" && (!n.sub || n.sub.type !== "sym" || !n.sub.sub) ? symKey(n.name, n.subText) : undefined;
}

/** ℝ^{n×d} → [n, d]; ℝ^{d} → [d, 1]. */
function sizesOf(exp: Node): [Dim, Dim] | undefined {
  if (exp.type === "mul" && exp.op === "cdot") {
    const a = dimOf(exp.left), b = dimOf(exp.right);
    return a && b ? [a, b] : undefined;
  }
  const d = dimOf(exp);
  return d ? [d, "1"] : undefined;
}

/** The declarations of the chapter's formulas (inline and display), by symbol key; a symbol declared twice differently is dropped. */
export function declaredShapes(formulas: {formula?: Formula; line: number}[]): Declarations {
  const out: Declarations = new Map();
  const dropped = new Set<string>();
  for (const {formula, line} of formulas)
    for (const l of formula?.lines ?? []) {
      const r = l.rest[0];
      if (l.rest.length !== 1 || r.rel !== "\\in" || r.node.type !== "pow" || r.node.base.type !== "sym" || r.node.base.name !== "R") continue;
      const shape = sizesOf(r.node.exp);
      const names = l.first.type === "list" || l.first.type === "tuple" ? l.first.items : [l.first];
      if (!shape || !names.every((x) => x.type === "sym")) continue;
      for (const s of names as NodeOf<"sym">[]) {
        const key = symKey(s.name, s.subText);
        const cur = out.get(key);
        if (cur && cur.shape.join("×") !== shape.join("×")) dropped.add(key);
        else out.set(key, {shape, line});
      }
    }
  for (const k of dropped) out.delete(k);
  inferVectors(formulas, out);
  return out;
}

/** A symbol that may be an undeclared vector: a lower-case letter (bold or not) that is no scalar hyper-parameter. */
const vectorLike = (n: Node, decl: Declarations): n is NodeOf<"sym"> =>
  n.type === "sym" && !decl.has(symKey(n.name, n.subText)) && /^(?:[a-z]|\\(?:theta|beta|mu|delta|omega|phi|psi|xi|zeta|nu))$/.test(n.name) && !SCALAR_GREEK.test(n.name);

/**
 * Sizes of undeclared vectors from the products the chapter writes with declared ones: w in `X w` has X's column
 * count, w in `\mathbf{w}^\top \mathbf{x}_i` has x_i's size. A vector read two ways is left unknown.
 */
function inferVectors(formulas: {formula?: Formula}[], decl: Declarations): void {
  const votes = new Map<string, Map<Dim, number>>();
  const vote = (s: NodeOf<"sym">, d: Dim) => {
    const k = symKey(s.name, s.subText);
    if (!votes.has(k)) votes.set(k, new Map());
    votes.get(k)!.set(d, (votes.get(k)!.get(d) ?? 0) + 1);
  };
  const visit = (n: Node): void => {
    if (n.type === "mul") {
      let known: Shape | undefined;
      try {
        known = shapeOf(n.right, decl, "");
      } catch {
        known = undefined;
      }
      const l = n.left.type === "transpose" ? n.left.arg : undefined;
      // w^T x_i: w has x_i's row count
      if (l && vectorLike(l, decl) && known !== undefined && known !== "scalar") vote(l, known[0]);
      try {
        known = shapeOf(n.left, decl, "");
      } catch {
        known = undefined;
      }
      // X w: w has X's column count
      if (vectorLike(n.right, decl) && known !== undefined && known !== "scalar" && known[1] !== "1" && known[1] !== "?") vote(n.right, known[1]);
    }
    // λw − (1/n) Σ y_i x_i: a vector added to a column of a known size has that size
    if (n.type === "add") {
      const columns = n.terms.map((t) => {
        try {
          return shapeOf(t.node, decl, "");
        } catch {
          return undefined;
        }
      }).filter((s): s is [Dim, Dim] => s !== undefined && s !== "scalar" && s[1] === "1" && s[0] !== "?");
      if (columns.length && columns.every((c) => c[0] === columns[0][0]))
        for (const t of n.terms) {
          const v = t.node.type === "mul" && shapeOf(t.node.left, decl, "") === "scalar" ? t.node.right : t.node;
          if (vectorLike(v, decl)) vote(v, columns[0][0]);
        }
    }
    for (const c of children(n)) visit(c);
  };
  for (const {formula} of formulas) for (const l of formula?.lines ?? []) [l.first, ...l.rest.map((r) => r.node)].forEach(visit);
  // the reading most products agree on (a wrong formula is one vote against the others); a tie is unknown
  for (const [k, dims] of votes) {
    const ranked = [...dims].sort((a, b) => b[1] - a[1]);
    if (!decl.has(k) && (ranked.length === 1 || ranked[0][1] > ranked[1][1])) decl.set(k, {shape: [ranked[0][0], "1"], line: 0});
  }
}


class DimensionError extends Error {}

const SCALAR_GREEK = /^\\(?:lambda|eta|alpha|beta|gamma|epsilon|varepsilon|rho|tau|kappa)$/;
const ELEMENTWISE = new Set(["sigma", "sigmoid", "tanh", "sinh", "cosh", "exp", "log", "ln", "relu", "sqrt", "abs", "sign", "sgn", "softplus", "softmax"]);
const show = (s: Shape) => (s === "scalar" ? "a scalar" : `${s[0]}×${s[1]}`);
const same = (a: Dim, b: Dim) => a === b || a === "?" || b === "?";
const isVector = (s: Shape) => s !== "scalar" && (s[1] === "1" || s[0] === "1");

/** A formula's symbolic sizes: throws DimensionError for a product whose inner sizes differ. */
function shapeOf(n: Node, decl: Declarations, latex: string, bound: ReadonlySet<string> = new Set()): Shape | undefined {
  const text = (x: Node) => latex.slice(x.start, x.end).trim();
  const rec = (x: Node): Shape | undefined => shapeOf(x, decl, latex, bound);
  switch (n.type) {
    case "num":
      return "scalar";
    case "sym": {
      const d = decl.get(symKey(n.name, n.subText));
      if (d) return d.shape;
      // x_j beside a declared x_i: the same kind of vector
      if (n.sub?.type === "sym" && n.sub.name.length === 1)
        for (const [k, v] of decl) if (k.startsWith(`${n.name}_`) && /^.+_[a-z]$/.test(k) && k.slice(0, k.lastIndexOf("_")) === n.name) return v.shape;
      if (n.name === "1" || n.name === "\\mathbf{1}") return ["?", "1"];
      // y_i inside Σ_i, undeclared: an entry, a number
      if (n.sub?.type === "sym" && bound.has(n.sub.name)) return "scalar";
      return SCALAR_GREEK.test(n.name) && !n.sub ? "scalar" : undefined;
    }
    case "paren":
    case "neg":
      return rec(n.arg);
    case "transpose": {
      const s = rec(n.arg);
      return s === undefined || s === "scalar" ? s : [s[1], s[0]];
    }
    case "mul": {
      const a = rec(n.left), b = rec(n.right);
      if (a === undefined || b === undefined) return undefined;
      if (a === "scalar") return b;
      if (b === "scalar") return a;
      if (same(a[1], b[0])) return same(a[0], "1") && same(b[1], "1") ? "scalar" : [a[0], b[1]];
      // x · w between two columns of one size: the dot product
      if (a[1] === "1" && b[1] === "1" && same(a[0], b[0])) return n.op === "cdot" ? "scalar" : undefined;
      // only a product that involves a matrix, or a row times something, is a claim about sizes
      if (isVector(a) && isVector(b) && n.op === "cdot") return undefined;
      if (/^\d+$/.test(a[1]) !== /^\d+$/.test(b[0])) return undefined; // a letter beside a number may be equal
      throw new DimensionError(`${text(n.left)} (${show(a)}) times ${text(n.right)} (${show(b)}): the inner sizes ${a[1]} and ${b[0]} differ`);
    }
    case "div": {
      // a denominator is a number unless declared otherwise (\frac{1}{n}, \frac{\eta}{\sqrt{s}})
      const den = rec(n.den);
      return den === "scalar" || den === undefined ? rec(n.num) : undefined;
    }
    case "add": {
      const shapes = n.terms.map((t) => rec(t.node));
      if (shapes.some((s) => s === undefined)) return undefined;
      const mats = shapes.filter((s): s is [Dim, Dim] => s !== "scalar");
      if (!mats.length) return "scalar";
      return mats.every((s) => same(s[0], mats[0][0]) && same(s[1], mats[0][1])) ? mats.find((s) => !s.includes("?")) ?? mats[0] : undefined;
    }
    case "call": {
      if (n.builtin && (n.fn === "indicator" || n.fn === "det" || n.fn === "tr")) return "scalar";
      if (!n.builtin || n.args.length !== 1) return undefined;
      const s = rec(n.args[0]);
      // diag(v): square, of v's size (any size when v's is unknown)
      if (n.fn === "diag") return s !== undefined && s !== "scalar" && s[1] === "1" ? [s[0], s[0]] : ["?", "?"];
      return ELEMENTWISE.has(n.fn) ? s : undefined;
    }
    case "pow": {
      const b = rec(n.base);
      if (b === "scalar") return "scalar";
      // A^{-1} of a square matrix
      return b !== undefined && n.exp.type === "neg" && n.exp.arg.type === "num" && n.exp.arg.value === 1 && same(b[0], b[1]) ? b : undefined;
    }
    case "grad": {
      // ∂L/∂W for a scalar L has W's shape (the layout of every deep-learning text); ∇²_θ f is d×d for θ of d
      if (n.wrt.type !== "sym") return undefined;
      const w = rec(n.wrt);
      if (w === undefined || w === "scalar") return undefined;
      if (n.of.type === "grad") return w[1] === "1" ? [w[0], w[0]] : undefined;
      const of = rec(n.of);
      return of === undefined || of === "scalar" ? w : undefined;
    }
    case "sum":
      // Σ_i y_i x_i: the body's size (an indexed entry is a number)
      return n.op === "sum" ? shapeOf(n.body, decl, latex, new Set([...bound, n.index])) : undefined;
    default:
      return undefined;
  }
}

/** Every product in n (bounded by the tree's size, which the parser limits). */
function products(n: Node): Node[] {
  const out: Node[] = [];
  const visit = (x: Node) => {
    if (x.type === "mul") out.push(x);
    children(x).forEach(visit);
  };
  visit(n);
  return out;
}

/**
 * The first size mismatch of a formula under the text's declarations: a product whose inner sizes differ, or a
 * side whose size differs from the other's (a derivative stated with the transposed shape). Undefined when every
 * size it can read agrees, or when it can read too little.
 */
export function dimensionMismatch(f: Formula, latex: string, decl: Declarations): Mismatch | undefined {
  if (!decl.size) return undefined;
  for (const l of f.lines) {
    if (l.rest.some((r) => r.rel !== "=" && r.rel !== "\\approx")) continue;
    const parts = [l.first, ...l.rest.map((r) => r.node)];
    const shapes: (Shape | undefined)[] = [];
    for (const p of parts) {
      try {
        shapes.push(shapeOf(p, decl, latex));
        // products inside what the sizes cannot be read through (y ⊙ (X^T w + b), a sum, a call)
        products(p).forEach((m) => shapeOf(m, decl, latex));
      } catch (e) {
        if (e instanceof DimensionError) return {message: e.message};
        throw e;
      }
    }
    // sides of different sizes: only two matrices (not a vector beside its transpose, nor a scalar beside a vector)
    const mats = shapes.map((s, i) => ({s, i})).filter((x): x is {s: [Dim, Dim]; i: number} => x.s !== undefined && x.s !== "scalar" && !isVector(x.s));
    for (let k = 1; k < mats.length; k++) {
      const a = mats[k - 1], b = mats[k];
      if (!(same(a.s[0], b.s[0]) && same(a.s[1], b.s[1])) && [...a.s, ...b.s].every((d) => !/^\d+$/.test(d) || [...a.s, ...b.s].every((e) => /^\d+$/.test(e))))
        return {message: `${latex.slice(parts[a.i].start, parts[a.i].end).trim()} is ${show(a.s)} but ${latex.slice(parts[b.i].start, parts[b.i].end).trim()} is ${show(b.s)}`};
    }
  }
  return undefined;
}
