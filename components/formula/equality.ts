/**
 * Stated equalities checked on both sides: `a = b = c` chains of a worked example, identities such as
 * `\sigma'(z) = \sigma(z)(1 - \sigma(z))`, restatements of a symbol the chapter defines elsewhere, and stated
 * derivatives of any symbol the chapter defines (compared with the central-difference gradient of that definition,
 * whatever the letters and whether or not a prediction symbol appears).
 * Every part is evaluated in one seeded environment: symbols the chapter defines (`\hat{y}_i = …`, `L(w, b) = …`,
 * earlier lines of the same system) are expanded from their definitions, the remaining leaves get seeded values,
 * builtins (`e`, `\exp`, `\ln`, `\log`, `\sigma`, `\tanh`) mean what they mean. A part that cannot be evaluated is
 * left out; the verdict needs at least two evaluated parts. Pure JS (no tf), never throws.
 */
import {children, keyBase, symKey, type Formula, type Line, type Node, type NodeOf} from "./ast.js";
import {evaluateWith, jsOps, numeric, numericGradient, type Def, type Scope} from "./evaluate.js";
import {foldDefinition} from "./fold.js";
import {WorkBudget} from "./limits.js";
import {inferBindings} from "./plan.js";
import {findAll, isSignedNumber, numbersOnly, symbolUses, twoIndices} from "./symbols.js";
import {mapChildren, replaceNode} from "./rewrite.js";
import {map, shapeOf, type Value} from "./values.js";

/** One definition `lhs = rhs` of the chapter, as the evaluator expands it. */
export interface ChapterDef {
  blockIndex: number;
  lineIndex: number;
  /** Keyed definitions (`\sigma_B`, `L`, `J` with params) or indexed ones (base `\hat{y}` with index `i`). */
  key: string;
  index?: string;
  params?: string[];
  /** The parameters as printed (for `\nabla J` without a subscript: the gradient in J's own parameters). */
  paramNodes?: Node[];
  body: Node;
  /** A recurrence (`\theta_t = \theta_{t-1} - v_t`): evaluated only at a printed step (`\theta_2`), from earlier steps. */
  recurrence?: boolean;
  /** A value the text gives (`$\eta = 0.05$`, `$\theta = [1, 1]$`): used as the symbol's default, never expanded. */
  fact?: Value;
  /** A function written again in the same parameters as a restatement ("Equivalently, f(x) = …"): a claim, never the definition. */
  restatement?: boolean;
}

/** Builtins of one argument: written with more, the name is the chapter's own function. */
const UNARY_BUILTINS = new Set(["sin", "cos", "tan", "exp", "log", "ln", "tanh", "sinh", "cosh", "sigma", "sqrt", "abs"]);
const BUILTIN = new Set(["sigma", "tanh", "sinh", "cosh", "exp", "log", "ln", "relu", "softmax", "sin", "cos", "tan", "sqrt", "abs"]);
const span = {start: 0, end: 0};

/**
 * `\frac{d^2 X}{dw^2}` (d² X over d w², the parser's product of the symbol d): the order, the variable and X; null
 * for any other fraction (the first order is read by the `\frac{dJ}{dw}` rule; a third derivative by nested central
 * differences is too noisy to judge, so it is left alone).
 */
function leibnizOrder(n: NodeOf<"div">): {k: number; wrt: Node; of: Node} | null {
  const dPow = (x: Node): number | null => (x.type === "pow" && x.base.type === "sym" && x.base.name === "d" && !x.base.sub && x.exp.type === "num" && Number.isInteger(x.exp.value) ? x.exp.value : null);
  const num = n.num, den = n.den;
  if (num.type !== "mul" || den.type !== "mul" || den.left.type !== "sym" || den.left.name !== "d" || den.left.sub) return null;
  const k = dPow(num.left);
  if (k !== 2 || den.right.type !== "pow" || den.right.base.type !== "sym" || den.right.exp.type !== "num" || den.right.exp.value !== k) return null;
  return {k, wrt: den.right.base, of: num.right};
}

/** `f'(a)`, `\frac{d}{dz} X`, `\frac{dJ}{dw}` and tuples as vectors, rewritten into nodes the evaluator knows. */
export function normalize(n: Node): Node {
  const rec = (x: Node): Node => normalize(x);
  switch (n.type) {
    case "tuple":
      return {...n, type: "vector", items: n.items.map(rec)} as Node;
    case "mul": {
      // a f'(b) parses as (a f')(b): re-associate so the derivative applies to its argument.
      if (n.op === "implicit" && n.right.type === "paren" && n.right.delim === "()" && n.left.type === "mul" && n.left.right.type === "sym" && /'$/.test(n.left.right.name) && !n.left.right.sub)
        return rec({...n, left: n.left.left, right: {...n, left: n.left.right, right: n.right}, op: n.left.op});
      // f'(a): the derivative of f at a; swish_1'(0), a member of a family (swish_β), at a number (a worked value:
      // swish_1'(x) in a symbol is left to the definitions).
      if (n.op === "implicit" && n.left.type === "sym" && /'$/.test(n.left.name) && n.right.type === "paren" && n.right.delim === "()" && (!n.left.sub || isSignedNumber(n.right.arg))) {
        // (f''(a), f'''(a): the derivative of the derivative, at most three deep)
        const primes = /'+$/.exec(n.left.name)![0].length;
        const base = n.left.name.replace(/'+$/, "");
        const fn = base.replace(/^\\/, "");
        if (primes > 3) return {...n, left: rec(n.left), right: rec(n.right)};
        const u: Node = {...span, type: "sym", name: "\\_u"};
        let of: Node = n.left.sub
          ? {...span, type: "mul", op: "implicit", left: {...n.left, name: base}, right: {...span, type: "paren", arg: u, delim: "()"}}
          : {...span, type: "call", fn: BUILTIN.has(fn) ? fn : base, args: [u], builtin: BUILTIN.has(fn), parens: "paren"};
        for (let k = 1; k < primes; k++) of = {...span, type: "grad", wrt: u, of, style: "partial"} as unknown as Node;
        return {...n, type: "grad", wrt: u, of, style: "partial", at: rec(n.right.arg)} as unknown as Node;
      }
      // \frac{d}{dx}, read as d/dx (the operator, no operand of its own)
      const ddx = (x: Node): x is NodeOf<"div"> => x.type === "div" && x.num.type === "sym" && x.num.name === "d" && x.den.type === "mul" && x.den.left.type === "sym" && x.den.left.name === "d" && x.den.right.type === "sym";
      // \frac{d}{dx} f(x) parses as (d/dx · f)(x): the operator applies to f(x)
      if (n.op === "implicit" && n.left.type === "mul" && n.left.op === "implicit" && ddx(n.left.left) && n.left.right.type === "sym" && n.right.type === "paren")
        return rec({...n, left: n.left.left, right: {...n, left: n.left.right, right: n.right}});
      // \frac{d}{dz} X
      if (ddx(n.left))
        return {...n, type: "grad", wrt: (n.left.den as NodeOf<"mul">).right, of: rec(n.right), style: "partial"} as Node;
      return {...n, left: rec(n.left), right: rec(n.right)};
    }
    case "div": {
      // \frac{d^2 J}{dw^2}: the second derivative
      const order = leibnizOrder(n);
      if (order) {
        let of = rec(order.of);
        for (let k = 0; k < order.k; k++) of = {...span, type: "grad", wrt: order.wrt, of, style: "partial"} as unknown as Node;
        return {...of, start: n.start, end: n.end} as Node;
      }
      // \frac{dJ}{dw}
      if (n.num.type === "mul" && n.num.left.type === "sym" && n.num.left.name === "d" && n.den.type === "mul" && n.den.left.type === "sym" && n.den.left.name === "d" && n.den.right.type === "sym")
        return {...n, type: "grad", wrt: n.den.right, of: rec(n.num.right), style: "partial"} as Node;
      return {...n, num: rec(n.num), den: rec(n.den)};
    }
    case "neg":
    case "transpose":
    case "sqrt":
    case "paren":
      return {...n, arg: rec(n.arg)} as Node;
    case "add":
      return {...n, terms: n.terms.map((t) => ({sign: t.sign, node: rec(t.node)}))};
    case "pow":
      return {...n, base: rec(n.base), exp: rec(n.exp)};
    case "call":
      return {...n, args: n.args.map(rec)};
    case "sum":
      return {...n, body: rec(n.body)};
    case "grad":
      return {...n, of: rec(n.of)};
    case "vector":
    case "list":
      return {...n, items: n.items.map(rec)} as Node;
    default:
      return n;
  }
}

/** A recurrence (`v_t = \gamma v_{t-1} + …`, `G_t = G_{t-1} + …`), not a definition: the rhs uses the lhs symbol itself
 * or at another value of its index (`\eta_t = \eta_0 / (1 + kt)` is a definition: \eta_0 is a given value). */
function selfReferential(lhs: NodeOf<"sym">, rhs: Node): boolean {
  const key = symKey(lhs.name, lhs.subText);
  const letters = (lhs.subText ?? "").match(/[a-zA-Z]/g) ?? [];
  // (η_{\min}, η_{max}: a subscript that is a word names another symbol; n in t − n is a use of the index)
  const indexLetters = (sub: string) => sub.replace(/\\(?:text|mathrm|operatorname)\{[^}]*\}|\\[a-zA-Z]+/g, " ").replace(/[a-zA-Z]{2,}/g, " ");
  return symbolUses(rhs).some((u) => u.node.name === lhs.name && (u.key === key || (!!u.node.subText && letters.some((c) => indexLetters(u.node.subText!).includes(c)))));
}

/** What a line defines, if its left side is a definable form. */
function defOf(line: Line, blockIndex: number, lineIndex: number): ChapterDef | undefined {
  if (!line.rest.length || line.rest[0].rel !== "=") return undefined;
  let lhs = line.first;
  // δ = ∂L/∂z = (ŷ − y) v ⊙ (1 − h ⊙ h): the symbol names the closed form the chain ends in, not the derivative.
  const hasGrad = (n: Node): boolean => n.type === "grad" || childrenOf(n).some(hasGrad);
  const closedForm = line.rest.length > 1 && hasGrad(line.rest[0].node) ? line.rest.slice(1).find((r) => r.rel === "=" && !hasGrad(r.node)) : undefined;
  let body = normalize((closedForm ?? line.rest[0]).node);
  // \sigma^2 = … defines \sigma as the square root.
  if (lhs.type === "pow" && lhs.base.type === "sym" && lhs.exp.type === "num" && lhs.exp.value === 2) {
    body = {...span, type: "sqrt", arg: body};
    lhs = lhs.base;
  }
  const at = {blockIndex, lineIndex};
  // p = (p_1, …, p_K), y = [y_1, \dots, y_n]: notation for the entries, not a value. But S = diag(p_1(1 − p_1), …,
  // p_n(1 − p_n)) defines S by a pattern the engine cannot expand: S is defined (never seeded) and has no value.
  if (hasEllipsis(body)) {
    const entriesOnly = (n: Node): boolean => n.type === "sym" || n.type === "ellipsis" || ((n.type === "tuple" || n.type === "vector" || n.type === "transpose" || n.type === "paren") && childrenOf(n).every(entriesOnly));
    return lhs.type === "sym" && !entriesOnly(body) ? {...at, key: symKey(lhs.name, lhs.subText), body: {...span, type: "ellipsis"} as Node} : undefined;
  }
  if (lhs.type === "sym") {
    if (selfReferential(lhs, body)) {
      // v_t = \gamma v_{t-1} + …: a recurrence, only ever instantiated at a printed step (v_2) from earlier values.
      if (lhs.sub?.type === "sym" && !lhs.sub.sub && lhs.sub.name.length === 1) return {...at, key: lhs.name, index: lhs.sub.name, body, recurrence: true};
      return undefined;
    }
    if (lhs.sub?.type === "sym" && !lhs.sub.sub && lhs.sub.name.length === 1) return {...at, key: lhs.name, index: lhs.sub.name, body};
    return {...at, key: symKey(lhs.name, lhs.subText), body};
  }
  // J(w, b) = … and J_2(\beta) = … (a symbol applied to symbols)
  let fn: string | undefined, args: Node[] = [], index: string | undefined;
  if (lhs.type === "call" && !lhs.builtin) (fn = lhs.fn), (args = lhs.args);
  // \cos(\mathbf{u}, \mathbf{v}) = …: a one-argument builtin's name in more arguments is the chapter's own function
  else if (lhs.type === "call" && lhs.builtin && lhs.args.length > 1 && UNARY_BUILTINS.has(lhs.fn)) (fn = lhs.fn), (args = lhs.args);
  else if (lhs.type === "mul" && lhs.op === "implicit" && lhs.left.type === "sym" && !/'$/.test(lhs.left.name) && ((lhs.right.type === "paren" && lhs.right.delim === "()") || lhs.right.type === "tuple")) {
    // \ell_{\mathrm{CE}}(p, y): the arguments may come as a tuple
    const inner = lhs.right.type === "tuple" ? lhs.right : lhs.right.arg;
    args = inner.type === "list" || inner.type === "tuple" ? inner.items : [inner];
    const s = lhs.left;
    // f_i(x) (per sample) and S_\lambda(z) (a parameter written as a subscript): indexed by that symbol.
    if (s.sub?.type === "sym" && !s.sub.sub && (s.sub.name.length === 1 || /^\\[a-zA-Z]+$/.test(s.sub.name))) (fn = s.name), (index = s.sub.name);
    else fn = symKey(s.name, s.subText);
  }
  if (!fn || !args.length || !args.every((a) => a.type === "sym")) return undefined;
  // ρ_{1−τ}(u) = ρ_τ(−u): one family on both sides, under two subscripts: an identity about it, not a definition
  if (lhs.type === "mul" && lhs.left.type === "sym" && lhs.left.sub && otherMember(body, lhs.left.name, lhs.left.subText)) return undefined;
  // H(p, q) = H(p) + D_KL(p ‖ q): a function written in terms of itself is an identity about it, not its definition.
  if (callsItself(body, fn, index !== undefined && lhs.type === "mul" && lhs.left.type === "sym" ? lhs.left.subText : undefined)) return undefined;
  // L(\mathbf{w}^*) = \frac{1}{6}(0.1667^2 + …): the value at a point, not the function's definition.
  if (numbersOnly(body)) return undefined;
  const params = args.map((a) => (a.type === "sym" ? symKey(a.name, a.subText) : ""));
  return {...at, key: fn, params, paramNodes: args, body, ...(index ? {index} : {})};
}

const hasEllipsis = (n: Node): boolean => n.type === "ellipsis" || childrenOf(n).some(hasEllipsis);

/** Whether n applies name under a subscript other than sub (ρ_τ(−u) beside ρ_{1−τ}). */
function otherMember(n: Node, name: string, sub?: string): boolean {
  if (n.type === "mul" && n.op === "implicit" && n.left.type === "sym" && n.left.name === name && n.left.sub && n.left.subText !== sub && (n.right.type === "paren" || n.right.type === "tuple")) return true;
  if (n.type === "call" && !n.builtin && n.fn.startsWith(`${name}_`) && n.fn !== symKey(name, sub)) return true;
  return childrenOf(n).some((c) => otherMember(c, name, sub));
}

/** Whether n applies the function fn (as a call, or as fn(…) read as a product). */
function callsItself(n: Node, fn: string, sub?: string): boolean {
  // ℓ_λ(w) = ℓ(w) + λ‖w‖²/2: with a subscript (S_λ, f_i) only the same subscript is the same function.
  if (n.type === "call" && (!n.builtin || n.args.length > 1) && n.fn === fn && sub === undefined) return true;
  if (n.type === "mul" && n.op === "implicit" && n.left.type === "sym" && (n.right.type === "paren" || n.right.type === "tuple") &&
    (sub === undefined ? symKey(n.left.name, n.left.subText) === fn : n.left.name === fn && n.left.subText === sub)) return true;
  return childrenOf(n).some((c) => callsItself(c, fn, sub));
}

/** A printed number, a negated one, or a vector of them. */
function literal(n: Node): Value | undefined {
  if (n.type === "num") return n.value;
  if (n.type === "neg") {
    const v = literal(n.arg);
    return typeof v === "number" ? -v : undefined;
  }
  if (n.type === "paren") return literal(n.arg);
  // 10^{-8}, 1 \times 10^{-8}, \frac{1}{2}: a number written with powers, products or a fraction of numbers
  const scalar = (x: Node): number | undefined => {
    const v = literal(x);
    return typeof v === "number" ? v : undefined;
  };
  if (n.type === "pow" || n.type === "mul" || n.type === "div") {
    const [a, b] = n.type === "pow" ? [scalar(n.base), scalar(n.exp)] : n.type === "mul" ? [scalar(n.left), scalar(n.right)] : [scalar(n.num), scalar(n.den)];
    if (a === undefined || b === undefined) return undefined;
    const v = n.type === "pow" ? a ** b : n.type === "mul" ? a * b : a / b;
    return Number.isFinite(v) ? v : undefined;
  }
  // (1, 2)^T: a column of numbers.
  if (n.type === "transpose" && (n.arg.type === "vector" || n.arg.type === "tuple")) return literal(n.arg);
  if (n.type === "vector" || n.type === "tuple") {
    const items = n.items.map(literal);
    if (items.every((x) => typeof x === "number")) return items as number[];
    // a matrix of numbers (\begin{pmatrix} … \end{pmatrix}): rows of the same length
    const rows = items.filter((x): x is number[] => Array.isArray(x) && x.every((y) => typeof y === "number"));
    if (n.type === "vector" && rows.length === items.length && rows.every((r) => r.length === rows[0].length)) return rows;
    return undefined;
  }
  return undefined;
}

export function chapterDefinitions(parsed: (Formula | undefined)[]): ChapterDef[] {
  const out: ChapterDef[] = [];
  parsed.forEach((f, b) => f?.lines.forEach((l, i) => {
    // `w = 0, b = 0` / `\gamma = 0.9, \eta = 0.05`: the text's values, one per symbol.
    const facts: {lhs: Node; value: Value}[] = [];
    let lhs: Node = l.first;
    for (const r of l.rest) {
      if (r.rel !== "=") break;
      const items = r.node.type === "list" ? r.node.items : [r.node];
      // (x_0 = \mathbf{0}: the zero vector of a size the text does not give, not the number 0)
      const v = items[0].type === "num" && items[0].bold ? undefined : literal(items[0]);
      if (v === undefined || lhs.type !== "sym") break;
      facts.push({lhs, value: v});
      if (items.length === 2 && items[1].type === "sym") lhs = items[1];
      else break;
    }
    if (facts.length > 1 || (facts.length === 1 && l.rest.length === 1)) {
      for (const x of facts) if (x.lhs.type === "sym") out.push({blockIndex: b, lineIndex: i, key: symKey(x.lhs.name, x.lhs.subText), body: x.lhs, fact: x.value});
      return;
    }
    // s_1 = s_2 = \frac{e^{0.5}}{2e^{0.5} + e^{1}} ≈ 0.274: several names given one worked value, the chain's last number
    const names = leadingNames(l);
    const value = l.rest.length ? literal(l.rest[l.rest.length - 1].node) : undefined;
    if (!facts.length && names.length >= 2 && names.length <= l.rest.length && typeof value === "number" && l.rest.every((r) => r.rel === "=" || r.rel === "\\approx")) {
      for (const x of names) out.push({blockIndex: b, lineIndex: i, key: symKey(x.name, x.subText), body: x, fact: value});
      return;
    }
    const d = defOf(l, b, i);
    // F = \frac{0.25}{4} X^T X = \begin{pmatrix} … \end{pmatrix}: a worked step (numbers of the example in it) ending in
    // the matrix it comes to: that matrix is the text's value of F from here on (F^{-1} = … is checked with it), not a
    // definition of F (a vector stays a definition: p = (7.389/11.21, …) = (0.659, …) is still p's own formula)
    const last = l.rest.length ? literal(l.rest[l.rest.length - 1].node) : undefined;
    if (d && !d.params && !d.index && Array.isArray(last) && Array.isArray(last[0]) && l.rest.length >= 2 && l.rest.every((r) => r.rel === "=" || r.rel === "\\approx") &&
        l.rest.slice(0, -1).some((r) => findAllNums(r.node).some((n) => !Number.isInteger(n.value))))
      out.push({blockIndex: b, lineIndex: i, key: d.key, body: l.first, fact: last});
    else if (d && !(d.body.type === "num" && d.body.bold)) out.push(d);
  }));
  // ℓ_λ(w) = ℓ(w) + λ‖w‖²/2 beside ℓ(w) = …: the subscripted name is a function of its own (ℓ_λ), not the family
  // S_λ of one function indexed by its parameter.
  // So is ℓ_w(z, y) (the weighted loss): a subscript that indexes nothing in the body is part of the name.
  const indexesBody = (d: ChapterDef) => symbolUses(d.body).some((u) => (u.node.subText ?? "").split(/[^A-Za-z\\]+/).includes(d.index!));
  // And smooth_{L_1}(x): a subscript the body never mentions names the function, it indexes no family.
  const mentioned = (d: ChapterDef) => indexesBody(d) || symbolUses(d.body).some((u) => u.key === d.index || u.node.name === d.index);
  const named = out.map((d) =>
    d.index && d.params && ((d.index.startsWith("\\") || !indexesBody(d)) && out.some((o) => o !== d && o.key === d.key && !o.index && o.params) || !mentioned(d)) ? {...d, key: symKey(d.key, d.index), index: undefined} : d
  );
  // s = ln σ², later σ² = e^s: the second inverts the first (a cycle); the first stays the definition
  // (η_max is not a use of η(t): a base name only stands for its entries when the definition is indexed, s_i)
  // (nor η_0 in both η_t = η_0 γ^{⌊t/s⌋} and η_t = η_0 e^{−kt}: the start constant both are written from)
  // (nor η_{max}, η_{min}: names of their own, not entries)
  const entry = (u: ReturnType<typeof symbolUses>[number]) => !(u.node.sub?.type === "sym" && (u.node.sub.name.length > 1 || !!u.node.subText?.startsWith("\\")));
  const uses = (d: ChapterDef, o: ChapterDef) => symbolUses(d.body).some((u) => u.key === o.key || (!!o.index && u.node.name === o.key && entry(u) && !symbolUses(o.body).some((v) => v.key === u.key)));
  return named.filter((d) => d.fact !== undefined || d.recurrence || !named.some((o) => o !== d && o.fact === undefined && !o.recurrence && precedes(o, d) && uses(d, o) && uses(o, d)));
}

/** The bare symbols a chain begins with (d_k, d_v in d_k = d_v = d_{model}/h). */
function leadingNames(line: Line): NodeOf<"sym">[] {
  const out: NodeOf<"sym">[] = [];
  for (const n of [line.first, ...line.rest.map((r) => r.node)]) {
    if (n.type !== "sym") break;
    out.push(n);
  }
  return out;
}

/** Whether a stands before b in the chapter (an earlier block, or an earlier line of the same block). */
const precedes = (a: {blockIndex: number; lineIndex: number}, b: {blockIndex: number; lineIndex: number}) =>
  a.blockIndex < b.blockIndex || (a.blockIndex === b.blockIndex && a.lineIndex < b.lineIndex);

/** Drops from facts the worked values whose definition's inputs the text set again after them (before the line). */
function staleFacts(facts: Record<string, Value>, all: ChapterDef[], blockIndex: number, lineIndex: number): void {
  const at = (d: ChapterDef) => d.blockIndex * 1000 + d.lineIndex, here = blockIndex * 1000 + lineIndex;
  const factAt = new Map<string, number>();
  for (const d of all) if (d.fact !== undefined && at(d) < here) factAt.set(d.key, Math.max(factAt.get(d.key) ?? -1, at(d)));
  const symbolic = all.filter((d) => d.fact === undefined && !d.params && !d.recurrence && !numbersOnly(d.body));
  const defOfKey = (k: string) => symbolic.find((d) => (!d.index && d.key === k) || (!!d.index && d.key === keyBase(k) && k !== keyBase(k)));
  for (const [k, when] of factAt) {
    const def = defOfKey(k);
    // (b_0 in b_k = b_0 γ^k: a start the family's definition reads is an input of it, not a value it computed)
    if (!def || symbolUses(def.body).some((u) => u.key === k)) continue;
    // the definition's inputs, through the chapter's other definitions (a few levels)
    const inputs = new Set<string>();
    let frontier = [def];
    for (let depth = 0; depth < 4 && frontier.length; depth++) {
      const next: ChapterDef[] = [];
      for (const d of frontier)
        for (const u of symbolUses(d.body)) {
          if (inputs.has(u.key)) continue;
          inputs.add(u.key);
          const e = defOfKey(u.key) ?? symbolic.find((x) => x.index && x.key === u.node.name);
          if (e && e !== def) next.push(e);
        }
      frontier = next;
    }
    if ([...inputs].some((i) => i !== k && (factAt.get(i) ?? -1) > when)) delete facts[k];
  }
}

/** Later formulas whose definitions a formula may use (`… where ŷ = σ(z)` just after it); farther ones define anew. */
const LATER_REACH = 3;

/** A definition without parameters of a name the chapter defines as a function, in that function's parameters. */
function withoutArgument(d: ChapterDef, defs: ChapterDef[]): boolean {
  if (d.params || d.index || d.fact !== undefined) return false;
  const fn = defs.find((e) => e.key === d.key && !e.index && e.params?.length);
  return !!fn && fn.params!.every((p) => symbolUses(d.body).some((u) => !u.node.sub && u.node.name === p));
}

/**
 * The definitions visible from line (block, line): the nearest one per key, earlier ones first, a later one only
 * within LATER_REACH formulas, never the line itself.
 */
function visible(defs: ChapterDef[], blockIndex: number, lineIndex: number): ChapterDef[] {
  const dist = (d: ChapterDef) => (precedes(d, {blockIndex, lineIndex}) ? (blockIndex - d.blockIndex) * 100 - d.lineIndex : 1e6 + (d.blockIndex - blockIndex) * 100 + d.lineIndex);
  // \mathcal{L} = -z_y + \log Σ_j e^{z_j} beside \mathcal{L}(z, y) = -Σ_k y_k \log p_k: z_y indexes by the label y,
  // which is a vector elsewhere (y_k); such a form is only used when it is the symbol's one definition.
  const vectors = new Set(defs.flatMap((d) => symbolUses(d.body).filter((u) => u.node.sub?.type === "sym").map((u) => u.node.name)));
  const byLabel = (d: ChapterDef) => symbolUses(d.body).some((u) => u.node.sub?.type === "sym" && !u.node.sub.sub && vectors.has(u.node.sub.name) && !u.indices.includes(u.node.sub.name));
  const best = new Map<string, ChapterDef>();
  const before = (x: ChapterDef) => precedes(x, {blockIndex, lineIndex});
  // (Euler's e is no name of the chapter's: e^{s/τ} and \exp(s/τ) use the same symbols)
  const euler = !defs.some((d) => d.key === "e" && d.fact === undefined && !d.index);
  const names = (x: ChapterDef) => [...new Set(symbolUses(x.body).map((u) => u.node.name))].filter((n) => !(euler && n === "e")).sort().join(",");
  // ρ_∞ = 2/(1 − β₂) + 1 = 2001 after ρ_∞ = 2/(1 − β₂) − 1 (and a worked ρ_∞ = 2/0.001 − 1 between them): the earlier
  // definition in the same symbols stays the definition, wherever a worked value stands
  // (not "at $t = W$", a symbol set to another: a condition of the sentence, the nearest counts)
  const restates = (d: ChapterDef) => d.fact === undefined && !d.params && symbolUses(d.body).length > 0 && d.body.type !== "sym" &&
    defs.some((x) => x !== d && x.key === d.key && !!x.index === !!d.index && !!x.recurrence === !!d.recurrence && x.fact === undefined && !x.params && !x.restatement &&
      precedes(x, d) && names(x) === names(d));
  // H(p) and H(p, q): a function of the same name in another number of arguments is visible as well.
  const arities = new Map<string, ChapterDef>();
  for (const d of defs) {
    if (d.blockIndex === blockIndex && d.lineIndex === lineIndex) continue;
    if (d.blockIndex > blockIndex + LATER_REACH || d.restatement) continue;
    const k = `${d.key}|${d.index ? "i" : ""}${d.recurrence ? "r" : ""}`;
    if (d.params) {
      const a = `${k}/${d.params.length}`, cur = arities.get(a);
      if (!cur || dist(d) < dist(cur)) arities.set(a, d);
    }
    const cur = best.get(k);
    const rank = (x: ChapterDef) => dist(x) + (byLabel(x) ? 1e7 : 0);
    // σ² = (1/m)Σ(x_i − μ)², later σ² = (1/m)Σx_i² − μ² (a restatement in the same symbols): the first is the
    // definition, the later a claim about it (checked on its own line) — a wrong restatement must not spread.
    // (a value the text gives again, τ = 1 then τ = 2 for the worked example, is a new setting: the nearest counts)
    // (and ρ_∞ = 2/(1 − β₂) + 1 = 2001 after ρ_∞ = 2/(1 − β₂) − 1 and a worked ρ_∞ = 2/0.001 − 1 in between: the
    // earlier definition in the same symbols, wherever the worked value stands)
    if (before(d) && restates(d)) continue;
    // φ(x) = (1, x)ᵀ, later "for φ = (1, x)ᵀ": the function written without its argument, not a value that replaces it
    if (withoutArgument(d, defs)) continue;
    // (two worked values, ρ_∞ = 2/0.001 − 1 then ρ_∞ = 2/0.01 − 1 for another example: the nearest counts)
    const closed = (x: ChapterDef) => x.fact !== undefined || numbersOnly(x.body);
    if (cur && before(cur) && before(d) && !cur.params && !d.params && !(closed(cur) && closed(d)) && names(cur) === names(d)) {
      if (precedes(d, cur)) best.set(k, d);
      continue;
    }
    if (!cur || rank(d) < rank(cur)) best.set(k, d);
  }
  // D = 3.2/3.9 ≈ 0.8205 (a worked value) after D = (2Σ_i p_i y_i + s)/(…): the definition stays what D is made of,
  // the worked number is the text's value of it (for the text's example; a derivative still goes through the definition)
  const workedValues: ChapterDef[] = [];
  for (const [k, d] of best) {
    if (d.params || d.index || d.recurrence || d.fact !== undefined || !numbersOnly(d.body) || !before(d)) continue;
    // (q_2 = 0.3333 − 2·0.0625/0.9375 ≈ 0.2 beside q_n = …: the worked value of an entry of the definition)
    const entryOf = d.key !== keyBase(d.key) && /_\{?\d+\}?$/.test(d.key) ? defs.find((x) => x.index && !x.params && !x.recurrence && x.fact === undefined && x.key === keyBase(d.key) && before(x)) : undefined;
    const made = entryOf ?? defs.filter((x) => x !== d && x.key === d.key && !x.index && !x.params && !x.recurrence && x.fact === undefined && !x.restatement && before(x) && !numbersOnly(x.body) && !restates(x)).sort((a, b) => dist(a) - dist(b))[0];
    if (!made) continue;
    let value: Value | undefined;
    try {
      value = evaluateWith(d.body, {ops: jsOps, vars: {}, idx: {}});
    } catch {
      value = undefined;
    }
    if (typeof value !== "number" || !Number.isFinite(value)) continue;
    if (entryOf) best.delete(k);
    else best.set(k, made);
    workedValues.push({...d, fact: value});
  }
  // D = J/(1 + J) after D = (2Σ_i p_i y_i + s)/(…) and J = D/(2 − D): two symbols written through each other relate
  // them (a claim); D keeps its earlier definition in the chapter's own quantities
  const circular = (x: ChapterDef) => symbolUses(x.body).some((u) => {
    const e = best.get(`${u.key}|`);
    return !!e && e !== x && e.fact === undefined && !e.params && symbolUses(e.body).some((v) => v.key === x.key);
  });
  for (const [k, d] of best) {
    if (d.params || d.index || d.recurrence || d.fact !== undefined || !circular(d)) continue;
    const alt = defs.filter((x) => x !== d && x.key === d.key && !x.index && !x.params && !x.recurrence && x.fact === undefined && !x.restatement && before(x) && !circular(x)).sort((a, b) => dist(a) - dist(b))[0];
    if (alt) best.set(k, alt);
  }
  const out = [...best.values(), ...workedValues];
  for (const [a, d] of arities) {
    const chosen = best.get(a.slice(0, a.lastIndexOf("/")));
    if (chosen?.params && chosen.params.length !== d.params!.length) out.push(d);
  }
  return out;
}

export interface IndexCondition {
  a: string;
  b: string;
  equal: boolean;
}

export interface EqualityResult {
  verdict: "ok" | "bad";
  /** Evaluated parts, in order (undefined where a part could not be evaluated). */
  values: (Value | undefined)[];
  message: string;
  inputs: Record<string, Value>;
}

/** Decimal places of a printed number literal part (0.670 → 3), for `≈`/rounded comparisons. */
function decimalsOf(n: Node, latex: string): number | undefined {
  if (n.type === "neg") return decimalsOf(n.arg, latex);
  if (n.type === "paren") return decimalsOf(n.arg, latex);
  if (n.type === "num") {
    const m = /\.(\d+)/.exec(latex.slice(n.start, n.end));
    return m ? m[1].length : 0;
  }
  if (n.type === "vector" || n.type === "tuple") {
    // (1.333, 0, 0.6667, 4): each entry rounded to its own digits; the coarsest rounded entry sets the tolerance
    const ds = n.items.map((x) => decimalsOf(x, latex));
    if (!ds.every((d) => d !== undefined)) return undefined;
    const rounded = (ds as number[]).filter((d) => d > 0);
    return rounded.length ? Math.min(...rounded) : 0;
  }
  if (n.type === "transpose") return decimalsOf(n.arg, latex);
  // 6.0 \times 10^{-6}, 10^{-8}: the mantissa's digits shifted by the power of ten
  const power = (x: Node): number | undefined => {
    if (x.type !== "pow" || x.base.type !== "num" || x.base.value !== 10) return undefined;
    const e = x.exp.type === "num" ? x.exp.value : x.exp.type === "neg" && x.exp.arg.type === "num" ? -x.exp.arg.value : undefined;
    return e !== undefined && Number.isInteger(e) ? e : undefined;
  };
  const alone = power(n);
  if (alone !== undefined) return Math.max(0, -alone);
  if (n.type === "mul" && n.left.type === "num") {
    const e = power(n.right), d = decimalsOf(n.left, latex);
    if (e !== undefined && d !== undefined) return Math.max(0, d - e);
  }
  return undefined;
}

const flat = (v: Value): number[] => (typeof v === "number" ? [v] : (v as (number | number[])[]).flat());

function agree(a: Value, b: Value, tol: number): boolean {
  const fa = flat(a), fb = flat(b);
  const sa = shapeOf(a), sb = shapeOf(b);
  // a column vector written as a transposed row, a 1-entry vector and a scalar
  if (fa.length !== fb.length) return false;
  if (sa.length === 2 && sb.length === 2 && (sa[0] !== sb[0] || sa[1] !== sb[1])) return false;
  // relative to the values (6.0e-6 is not 6e-5), with a floor at the numerical gradient's noise
  return fa.every((x, i) => Number.isFinite(x) && Number.isFinite(fb[i]) && Math.abs(x - fb[i]) <= tol + 1e-4 * Math.max(Math.abs(x), Math.abs(fb[i])) + 1e-6);
}

/**
 * Checks the parts of a stated equality. `checkFirst`: whether the left side is a claim (an expression, a derivative,
 * a restated symbol) rather than the name being defined. Returns undefined when fewer than two parts evaluate.
 */
/** How a comparison made at the values a lead-in sets says so (a verdict there is one, not a condition left unmet). */
export const SETTINGS_NOTE = "the value the text sets for this formula";

type EqualityArgs = Parameters<typeof checkEqualityAt>[0];

/** Builtins whose value switches between pieces: a comparison on one seeded input may see only one of them. */
const PIECEWISE = new Set(["max", "min", "abs", "indicator", "cases", "sign", "relu", "lt", "le", "gt", "ge", "eq", "neq"]);
const piecewise = (n: Node): boolean => (n.type === "call" && PIECEWISE.has(n.fn)) || childrenOf(n).some(piecewise);

/**
 * The comparison of the parts of `line` (checkEqualityAt). A formula with pieces (max(0, m − D), |r|, 𝟙[z > 0],
 * cases) that agrees on the seeded input is compared again at three more: agreement where one piece is zero says
 * nothing about the others ((1 − Y)D + Y max(0, m − D) beside its sign slip, with the seeded D past the margin).
 */
export function checkEquality(args: EqualityArgs): EqualityResult | undefined {
  const r = checkEqualityAt(args);
  if (r?.verdict !== "ok" || ![args.line.first, ...args.line.rest.map((x) => x.node)].some(piecewise)) return r;
  for (const k of [1, 2, 3]) {
    const again = checkEqualityAt({...args, seed: args.seed + 7919 * k});
    if (again?.verdict === "bad") return {...again, message: `${again.message} (at another seeded input: the formula has pieces, and the first input left one of them out)`};
  }
  // t ≤ W / t > W with the text's W = 4000: seeded steps never reach the second piece, so the variable a condition
  // tests is set along a ladder of magnitudes, each sign
  // (not a formula that states its own region, \qquad 0 \le t \le T: it is judged on seeded inputs inside it)
  if (!statesRegion(args.latex)) for (const name of conditionVariables([args.line.first, ...args.line.rest.map((x) => x.node)]))
    for (const v of CONDITION_LADDER) {
      const again = checkEqualityAt({...args, force: {[name]: v}});
      if (again?.verdict === "bad") return {...again, message: `${again.message} (at ${name} = ${v}: the formula has pieces, and the seeded inputs left one of them out)`};
    }
  return r;
}

/** Whether a formula states a region of its own outside any cases (\qquad 0 \le t \le T, x \in [0, 1]): seeded inside it. */
const statesRegion = (latex: string): boolean => /\\(?:le|ge|leq|geq|in)\b|[<>]/.test(latex.replace(/\\begin\{cases\}[^]*?\\end\{cases\}/g, ""));

const CONDITION_LADDER = [-1000, -10, -0.5, 0.5, 3, 30, 300, 3000, 30000, 3e5];
const COMPARISONS = new Set(["lt", "le", "gt", "ge"]);

/** Plain symbols a piece's condition compares (the t of `t \le W` inside cases), at most two. */
function conditionVariables(parts: Node[]): string[] {
  const out = new Set<string>();
  const visit = (n: Node) => {
    if (n.type === "call" && n.builtin && n.fn === "cases")
      for (const c of n.args.filter((a) => a.type === "call" && a.builtin && COMPARISONS.has(a.fn)) as NodeOf<"call">[])
        for (const a of c.args) if (a.type === "sym" && !a.sub) out.add(a.name);
    childrenOf(n).forEach(visit);
  };
  parts.forEach(visit);
  return [...out].slice(0, 2);
}

function checkEqualityAt(args: {line: Line; latex: string; blockIndex: number; lineIndex: number; defs: ChapterDef[]; seed: number; checkFirst: boolean; budget?: WorkBudget; facts?: Record<string, number>;
  /** The text restricts two indices (`i \neq j`, `当 i = j 时`): only the pairs that satisfy it are compared. */
  indexCondition?: IndexCondition;
  /** Matrices the text calls orthogonal: seeded so. */
  orthogonal?: ReadonlySet<string>;
  /** Matrices the text calls symmetric or positive definite: seeded so. */
  symmetric?: ReadonlySet<string>;
  /** Vectors the lead-in makes unit vectors ("on the unit sphere wᵀw = 1"): seeded with norm 1. */
  unit?: ReadonlySet<string>;
  /** Vectors whose components the chapter counts from 0 (it differentiates by w_0): ∂L/∂w_1 is the second entry. */
  zeroComponents?: ReadonlySet<string>;
  /** Seeded inputs at their magnitudes (a second try when a part was not finite at signed ones). */
  positive?: boolean;
  /** Values set whatever the chapter defines the symbol as (a piece's condition variable, along a ladder). */
  force?: Record<string, number>}): EqualityResult | undefined {
  const {line, latex, seed} = args;
  const budget = args.budget ?? new WorkBudget();
  const rels = line.rest.map((r) => r.rel);
  if (rels.some((r) => r !== "=" && r !== "\\approx")) return undefined;
  const all = visible(args.defs, args.blockIndex, args.lineIndex);
  const facts: Record<string, Value> = {};
  for (const d of all) if (d.fact !== undefined) facts[d.key] = d.fact;
  const recurrences = new Map(all.filter((d) => d.recurrence).map((d) => [d.key, d]));
  // r_5 = 0.05447 from an example at β₂ = 0.99, then "β₂ = 0.999" for the next: a worked value of what a definition
  // computes (r_t = …, ρ_∞ = 2/(1 − β₂) − 1) is stale once one of the definition's inputs is given a value after it
  staleFacts(facts, all, args.blockIndex, args.lineIndex);
  // ρ_5 = 4.9598 for a second example after ρ_5 = 4.9960 for the first, with ρ_t = … defined: the claim is about ρ_5
  // as the definition gives it now, not the value the text gave it before
  // (nor an entry of a worked vector y = (0, 7, −4.5) beside y_i = Σ_k w_k x_{i+k} + b: y_1 is what the definition gives)
  const numbered = args.checkFirst && line.first.type === "sym" && line.first.sub?.type === "num" ? line.first : undefined;
  const instance = numbered && all.some((d) => d.fact === undefined && d.index && d.key === numbered.name && !d.params) ? numbered : undefined;
  if (instance) {
    delete facts[symKey(instance.name, instance.subText)];
    if (Array.isArray(facts[instance.name])) delete facts[instance.name];
  }
  const defs = all.filter((d) => d.fact === undefined && !d.recurrence);
  const keyed = new Map<string, ChapterDef>(), indexed = new Map<string, ChapterDef>();
  for (const d of defs) {
    // H(p) and H(p, q): one name, two arities — the second is kept as H#2 (evaluate's call looks there first).
    const other = !d.index && d.params ? keyed.get(d.key) : undefined;
    if (other?.params && other.params.length !== d.params!.length) keyed.set(`${d.key}#${d.params!.length}`, d);
    else (d.index ? indexed : keyed).set(d.key, d);
  }
  // ∂\mathcal{L}/∂p_1 with only \mathcal{L}_{Dice} defined: the chapter's one loss of that name
  for (const g of [line.first, ...line.rest.map((r) => r.node)].flatMap(findAllGrads))
    if (g.of.type === "sym" && !g.of.sub && !keyed.has(g.of.name) && !indexed.has(g.of.name) && !(g.of.name in facts)) {
      const name = g.of.name, named = [...keyed.values()].filter((d) => keyBase(d.key) === name && d.key !== name && !d.params);
      if (named.length === 1 && ![...indexed.values()].some((d) => d.key === name)) keyed.set(name, {...named[0], key: name});
    }
  // (nor a worked value of it elsewhere: q_2 ≈ 0.2 for another example)
  const own = numbered && indexed.has(numbered.name) ? keyed.get(symKey(numbered.name, numbered.subText)) : undefined;
  if (numbered && own && numbersOnly(own.body)) keyed.delete(symKey(numbered.name, numbered.subText));
  const fnDef = (c: NodeOf<"call">) => keyed.get(`${c.fn}#${c.args.length}`) ?? keyed.get(c.fn);
  const parts = [line.first, ...line.rest.map((r) => r.node)].map((p) => functionDerivatives(resolveGradients(normalize(p), keyed), keyed));
  // J(w^{(1)}) beside p_i = 0.5 worked out at w = 0, with p_i = σ(x_i^T w): inside a call at another point the
  // chapter's p_i follows its definition, not the value the text gave it at the first point
  const elsewhere = (params: string[] | undefined, at: Node[]) => (params && at.some((a, i) => a.type !== "sym" || symKey(a.name, a.subText) !== params[i]) ? params : []);
  const atPointOf = (p: Node): string[] => [
    ...findAll(p, "call").filter((c) => !c.builtin).flatMap((c) => elsewhere(fnDef(c)?.params, c.args)),
    ...findAll(p, "mul").filter((m) => m.op === "implicit" && m.left.type === "sym" && m.right.type === "paren")
      .flatMap((m) => elsewhere(keyed.get(symKey((m.left as NodeOf<"sym">).name, (m.left as NodeOf<"sym">).subText))?.params, [(m.right as NodeOf<"paren">).arg]))
  ];
  const called = new Set(parts.flatMap(atPointOf));
  if (called.size)
    for (const k of Object.keys(facts)) {
      const d = keyed.get(k) ?? indexed.get(k) ?? indexed.get(keyBase(k));
      if (d && !d.params && symbolUses(d.body).some((u) => called.has(u.key) || called.has(u.node.name))) delete facts[k];
    }
  // d_k = d_v = d_{model}/h: a chain of names the chapter gives no other value is a definition of all of them, no claim
  const names0 = leadingNames(line);
  if (names0.length >= 2 && names0.length <= line.rest.length && names0.slice(1).every((n) => !keyed.has(symKey(n.name, n.subText)) && !(n.sub?.type === "num" && indexed.has(n.name)) && !(symKey(n.name, n.subText) in facts))) return undefined;
  // ∇L = 2X^T(Xw − y) = 0: the closing `= 0` of a derivative states the condition of the optimum, not a value.
  if (parts.length > 2 && findAllGrads(parts[0]).length && parts[parts.length - 1].type === "num" && (parts[parts.length - 1] as NodeOf<"num">).value === 0) parts.pop();
  // ∂c_t/∂g_t, ∂h_t/∂h_{t−1} with the recurrence c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t: the step's own derivative, the
  // earlier state c_{t−1} an input like any other (a step of the rule, not the rule unrolled)
  for (const p of parts)
    for (const g of findAllGrads(p)) {
      const of = g.of, r = of.type === "sym" && of.sub?.type === "sym" && !of.sub.sub ? recurrences.get(of.name) : undefined;
      if (r && of.type === "sym" && r.index === (of.sub as NodeOf<"sym">).name && !keyed.has(symKey(of.name, r.index)))
        keyed.set(symKey(of.name, r.index), {...r, key: symKey(of.name, r.index), index: undefined, recurrence: false});
    }
  // ∂y_i/∂x_j with x_i = log π_i + g_i and y_i written out in log π_i + g_i: y read in x, and x the variable
  for (const p of parts)
    for (const g of findAllGrads(p)) {
      const x = g.wrt.type === "sym" && g.wrt.sub ? indexed.get(g.wrt.name) : undefined;
      const y = g.of.type === "sym" ? indexed.get(g.of.name) : undefined;
      if (!x || !y || x === y || x.params || y.params || (g as {at?: Node}).at || symbolUses(y.body).some((u) => u.node.name === x.key)) continue;
      const folded = foldDefinition(y.body, x.key, x.index!, x.body, y.index);
      if (folded) (indexed.set(y.key, {...y, body: folded}), indexed.delete(x.key));
    }
  const chained = new Map<string, {via: NodeOf<"sym">; body: Node}>();
  // A derivative with respect to a symbol the chapter defines (∂ℓ/∂ŷ with ŷ = σ(z)) treats it as the variable.
  for (const p of parts)
    for (const g of findAllGrads(p)) if (g.wrt.type === "sym" && !(g as unknown as {at?: Node}).at) {
      const k = symKey(g.wrt.name, g.wrt.subText);
      const def = keyed.get(k);
      if (def && !def.params) {
        // ∂ℓ/∂v with v = σ² and ℓ written in σ: the chain rule through the one symbol v is made of, (∂ℓ/∂σ)/(dv/dσ)
        const made = [...new Map(symbolUses(def.body).filter((u) => u.key !== "e" && u.key !== "\\pi").map((u) => [u.key, u.node as NodeOf<"sym">])).values()];
        // only when what is differentiated, expanded through the definitions, never reaches v itself
        const reaches = (n: Node, depth: number): boolean =>
          symbolUses(n).some((u) => u.key === k || (depth < 12 && u.key !== k && ((): boolean => {
            const d = keyed.get(u.key) ?? indexed.get(u.node.name);
            return !!d && d !== def && reaches(d.body, depth + 1);
          })()));
        if (made.length === 1 && !made[0].sub && !reaches(g.of, 0)) chained.set(k, {via: made[0] as NodeOf<"sym">, body: def.body});
        else keyed.delete(k);
      }
      // ∂H(p, q)/∂q_k with q = softmax(z) defined whole: the entries of the argument q are the variables, q is seeded
      const argument = g.of.type === "call" && g.of.args.some((a) => a.type === "sym" && !a.sub && a.name === (g.wrt as NodeOf<"sym">).name);
      const whole = !def && g.wrt.sub && argument ? keyed.get(g.wrt.name) : undefined;
      if (whole && !whole.params && !whole.index) keyed.delete(g.wrt.name);
      // d/dp_t with p_t = (cases …) defined per t: p_t is the variable here too
      const per = g.wrt.sub && g.wrt.sub.type === "sym" ? indexed.get(g.wrt.name) : undefined;
      if (per && per.index === (g.wrt.sub as NodeOf<"sym">).name && !per.params) indexed.delete(g.wrt.name);
    }
  // Φ^TΦ w* = Φ^T y: w* is the optimum the equation characterises, not a value to seed (unless the text gives one)
  // (its closed form stated after the equation is what the equation leads to, not its definition)
  const optimum = (u: ReturnType<typeof symbolUses>[number]) => /\^\*$/.test(u.node.name) && !((keyed.get(u.key)?.blockIndex ?? Infinity) < args.blockIndex) && !(u.key in facts);
  if (parts.some((p) => symbolUses(p).some(optimum)) && !parts.some((p) => decimalsOf(p, latex) !== undefined)) return undefined;
  // Definitions reachable from the parts.
  const reach: Node[] = [];
  const seen = new Set<ChapterDef>();
  const visit = (n: Node) => {
    for (const u of symbolUses(n)) {
      for (const d of [keyed.get(u.key), indexed.get(u.node.name), keyed.get(u.node.name)]) if (d && !seen.has(d)) (seen.add(d), reach.push(d.body), visit(d.body));
    }
    const calls: Node[] = [];
    const walkCalls = (x: Node) => {
      if (x.type === "call" && !x.builtin) calls.push(x);
      for (const c of childrenOf(x)) walkCalls(c);
    };
    walkCalls(n);
    for (const c of calls) {
      const d = fnDef(c as NodeOf<"call">);
      if (d && !seen.has(d)) (seen.add(d), reach.push(d.body), visit(d.body));
    }
  };
  // The left side at a point (`f(1, 1)`, `L(0, 0)`) binds nothing of its own: what it needs must come from the
  // definitions or the other parts, never from seeded values.
  const first = line.first;
  const atPoint = args.checkFirst && ((first.type === "call" && !first.builtin && first.args.some((a) => a.type !== "sym")) || (first.type === "mul" && first.left.type === "sym" && first.right.type === "paren" && first.right.arg.type !== "sym"));
  parts.slice(atPoint ? 1 : 0).forEach(visit);
  const seedFrom = [...parts.slice(atPoint ? 1 : 0), ...reach];
  if (atPoint) visit(parts[0]);
  const definedKeys = new Set([...keyed.keys(), ...indexed.keys()]);
  const seedExclude = new Set(keyed.keys());
  // p_k = softmax(z)_k = …: the index of a definition the parts reach is that definition's index, never a seeded value
  // (unless the parts use the letter themselves)
  const partLetters = new Set(parts.flatMap((p) => symbolUses(p).filter((u) => !u.node.sub).map((u) => u.key)));
  for (const d of seen) if (d.index && !d.params && !partLetters.has(d.index)) seedExclude.add(d.index);
  // s_1 beside s_i = e^{z_i}/Σ_j e^{z_j}: an entry the definition computes, never a seeded value
  // (and c_{y-1} in p_y = c_y − c_{y−1} beside c_k = σ(θ_k − s): the entry at a shifted index, computed too)
  const shifted = (sub: Node | undefined) => sub?.type === "add" && sub.terms.length === 2 && sub.terms[0].node.type === "sym" && sub.terms[1].node.type === "num";
  for (const p of [...parts, ...reach])
    for (const u of symbolUses(p)) {
      const per = indexed.get(u.node.name);
      if (shifted(u.node.sub) && per && !per.params && !per.recurrence) seedExclude.add(u.key);
    }
  for (const p of parts)
    for (const u of symbolUses(p)) {
      const per = u.node.sub?.type === "num" ? indexed.get(u.node.name) : undefined;
      // (not T_0 of T_i = T_0 T_{mult}^i: the start the definition is written from)
      if (per && !per.params && !symbolUses(per.body).some((x) => x.key === u.key)) seedExclude.add(u.key);
      // PH_δ(r), Huber_1(x) with PH_δ(r) = … defined: a member of a family of functions, never a seeded number
      const fam = u.node.sub ? indexed.get(u.node.name) : undefined;
      if (fam?.params) seedExclude.add(u.key);
    }
  // m_2 of a recurrence m_t = β m_{t−1} + …: computed from the recurrence, never a seeded value
  // (when the text gives its start, m_0 = 0: else the steps have no value to unroll from)
  for (const p of parts)
    for (const u of symbolUses(p))
      if (u.node.sub?.type === "num" && recurrences.has(u.node.name) && !(u.key in facts) && (symKey(u.node.name, "0") in facts || keyed.has(symKey(u.node.name, "0")))) seedExclude.add(u.key);
  // A derivative is only checked against a definition: the differentiated quantity must be one the chapter defines
  // (or a builtin applied to the variable), and the variable must appear in it once expanded.
  const grads: NodeOf<"grad">[] = [];
  const findGrads = (x: Node) => {
    if (x.type === "grad") grads.push(x);
    for (const c of childrenOf(x)) findGrads(c);
  };
  parts.forEach(findGrads);
  // A derivative of something the chapter does not define (or not in that variable) is not evaluated; the other
  // parts (a worked example's numbers) are still compared with each other.
  const unchecked = new Set<NodeOf<"grad">>();
  for (const g of grads) {
    if ((g as unknown as {at?: Node}).at) continue;
    const wrts = g.wrt.type === "sym" ? [g.wrt] : g.wrt.type === "tuple" && g.wrt.items.length && g.wrt.items.every((x) => x.type === "sym") ? (g.wrt.items as NodeOf<"sym">[]) : undefined;
    if (!wrts) {
      unchecked.add(g);
      continue;
    }
    const names = new Set<string>(), plainNames = new Set<string>();
    const collect = (x: Node, depth: number) => {
      for (const u of symbolUses(x)) {
        names.add(u.key);
        if (u.node.sub) names.add(u.node.name);
        else plainNames.add(u.key);
        const d = keyed.get(u.key) ?? indexed.get(u.node.name);
        if (d && depth < 12) collect(d.body, depth + 1);
      }
      const walkCalls = (y: Node) => {
        if (y.type === "call" && !y.builtin) {
          const d = fnDef(y);
          if (d && depth < 12) collect(d.body, depth + 1);
        }
        for (const c of childrenOf(y)) walkCalls(c);
      };
      walkCalls(x);
    };
    collect(g.of, 0);
    const ofUses = symbolUses(g.of);
    // An expression written out in the variable (∂_w ‖y − Xw‖²) is its own definition.
    // (∂/∂z_k of −Σ_j y_j ln(e^{z_j}/Σ_m e^{z_m}): an entry of the vector the expression sums over)
    const written = g.of.type !== "sym" && g.of.type !== "call" && wrts.some((w) => ofUses.some((u) => u.key === symKey(w.name, w.subText) || (!!w.sub && !!u.node.sub && u.node.name === w.name)));
    const definesOf = written || ofUses.some((u) => definedKeys.has(u.key) || definedKeys.has(u.node.name)) || (g.of.type === "call" && (g.of.builtin || keyed.has(g.of.fn)));
    const through = (w: NodeOf<"sym">) => {
      const c = chained.get(symKey(w.name, w.subText));
      return !!c && names.has(symKey(c.via.name, c.via.subText));
    };
    if (!definesOf || !wrts.some((w) => names.has(symKey(w.name, w.subText)) || (!!w.sub && names.has(w.name)) || through(w))) unchecked.add(g);
    // d MAE/dŷ = −(1/N) Σ_n sign(y_n − ŷ) beside MAE = (1/N) Σ_n |y_n − ŷ_n|: the text differentiates in one value ŷ
    // shared by all samples, the definition has one per sample: two readings, no verdict
    const shared = (w: NodeOf<"sym">) => !w.sub && !plainNames.has(w.name) && names.has(w.name) &&
      parts.some((p) => !findAllGrads(p).includes(g) && findAllSums(p).some((sm) => symbolUses(sm.body).some((u) => u.node.name === w.name && !u.node.sub)));
    if (wrts.some(shared)) unchecked.add(g);
  }
  // \text{Huber}_\delta(r_i), ψ_δ(r_i): a name applied to an argument is a function; one the chapter does not
  // define (its definition did not parse) has no value, and a seeded number times the argument would be a guess.
  const applied = (p: Node): boolean => {
    let found = false;
    const visit = (x: Node) => {
      if (found) return;
      if (x.type === "mul" && x.op === "implicit" && x.left.type === "sym" && (x.right.type === "paren" || x.right.type === "tuple")) {
        const f = x.left, key = symKey(f.name, f.subText);
        const arg = x.right.type === "paren" ? x.right.arg : x.right;
        const simpleArg = arg.type === "sym" || arg.type === "tuple" || arg.type === "list";
        // (swish_1(2) with swish_β(x) = x σ(βx): a member of a family the chapter defines)
        // (or PH_δ(r) itself, or ρ_{1−τ}(u): under any subscript)
        const fam = indexed.get(f.name);
        const family = !!fam?.params && !!f.sub;
        // (and a primed name left applied, swish_1'(y): a derivative the rewriting above did not resolve, never a seeded value)
        const named = ((/^[A-Za-z]{2,}$/.test(f.name) || (!!f.sub && f.sub.type !== "num" && simpleArg)) && !keyed.has(key) && !keyed.has(f.name) && !family && !(key in facts)) ||
          (/'$/.test(f.name) && !keyed.has(key) && !(key in facts));
        if (named) found = true;
      }
      for (const c of childrenOf(x)) visit(c);
    };
    visit(p);
    return found;
  };
  // PE_{pos} beside PE_{(pos, 2i)} = sin(…): the chapter defines that name under another subscript (its entries);
  // a seeded value would stand for what the definition fixes
  const shaped = new Set(defs.filter((d) => !d.index && d.key.includes("_{")).map((d) => d.key.slice(0, d.key.indexOf("_{"))));
  const otherShape = (p: Node) => symbolUses(p).some((u) => !!u.node.sub && shaped.has(u.node.name) && !keyed.has(u.key) && !indexed.has(u.node.name) && !(u.key in facts) && !(u.node.name in facts));
  const skipped = new Set(parts.map((p, i) => (findAllGrads(p).some((g) => unchecked.has(g)) || applied(p) || otherShape(p) ? i : -1)).filter((i) => i >= 0));
  if (skipped.size && parts.length - skipped.size < 2) return undefined;
  // An index on the right that nothing binds, beside the left side's own (∂L/∂z_j = p_j - y_k): a wrong index.
  // A letter that is also a variable of the formula (k in q \cdot k_j / \sqrt{d_k}) names that variable, not an index.
  const bases = new Set(parts.flatMap((p) => symbolUses(p).map((u) => u.node.name)));
  const letters = (p: Node) => new Set([...freeIndexLetters(p)].filter((x) => !bases.has(x)));
  const lhsIdx = letters(parts[0]);
  if (lhsIdx.size)
    for (let i = 1; i < parts.length; i++) {
      const idx = letters(parts[i]);
      const stray = [...idx].filter((x) => !lhsIdx.has(x));
      if (stray.length && [...idx].some((x) => lhsIdx.has(x)))
        return {verdict: "bad", values: [], inputs: {}, message: `part ${i + 1} uses the index ${stray.join(", ")}, which neither the left side (indexed by ${[...lhsIdx].join(", ")}) nor a sum binds`};
    }
  // Seeded inputs: first the structural reading (indexed inputs times a weight vector, upper-case matrices); when
  // fewer than two parts evaluate under it, every plain symbol a scalar (one feature: `w x_i`, `w^2`).
  let out: EqualityResult | undefined;
  // Between the two, the same structure with every dimension equal (square matrices): shapes that fail for n × d
  // (a product missing its transpose) evaluate and are compared.
  let settled: string[] = [];
  for (const reading of ["structural", "square", "flat"] as const) {
    out = attempt(reading);
    if (out) break;
  }
  // "For the unsmoothed loss ($s = 0$)": compared at the value the lead-in sets
  if (out && settled.length) out = {...out, message: `${out.message}, at ${settled.join(", ")} (${SETTINGS_NOTE})`};
  return out;
  function attempt(reading: "structural" | "square" | "flat"): EqualityResult | undefined {
  // The variable of ∂L/∂w_j is a coordinate: w is a vector and j runs over it.
  // (not ∂J/∂\vec u_o, ∂L/∂\mathbf{h}_t: a bold or arrowed letter's subscript names one of several vectors)
  const wrtCoords = grads.flatMap((g) => (g.wrt.type === "sym" && g.wrt.sub?.type === "sym" && !g.wrt.sub.sub && g.wrt.sub.name.length === 1 && !(symKey(g.wrt.name, g.wrt.subText) in facts) &&
    !/^\\(?:mathbf|boldsymbol|bm|vec)\{/.test(g.wrt.name) ? [g.wrt] : []));
  // dσ/dz of σ(z) = … beside z_i = w^T x_i + b: the function's own argument, a number, not the vector of the z_i
  const fnArgs = new Set(grads.flatMap((g) => {
    const fn = g.of.type === "sym" ? keyed.get(symKey(g.of.name, g.of.subText)) ?? (FUNCTION_SYMBOLS[g.of.name] ? keyed.get(FUNCTION_SYMBOLS[g.of.name]) : undefined) : g.of.type === "call" ? fnDef(g.of) : undefined;
    // (σ, tanh, …: a builtin the derivative applies to its variable)
    const builtin = (g.of.type === "sym" && !!FUNCTION_SYMBOLS[g.of.name] && !keyed.has(g.of.name)) ||
      (g.of.type === "call" && g.of.builtin && g.of.args.length === 1 && g.of.args[0].type === "sym" && g.wrt.type === "sym" && g.of.args[0].name === g.wrt.name);
    // σ'(z): the point a derivative is taken at is that argument too
    const at = (g as {at?: Node}).at;
    if (at?.type === "sym" && !at.sub) return [at.name];
    // d/dr (½ r²), d/dr [δ(|r| − δ/2)]: an expression written out in a plain variable is a function of a number
    if (g.of.type !== "sym" && g.of.type !== "call" && g.wrt.type === "sym" && !g.wrt.sub && symbolUses(g.of).some((u) => !u.node.sub && u.node.name === (g.wrt as NodeOf<"sym">).name)) return [g.wrt.name];
    return g.wrt.type === "sym" && !g.wrt.sub && (builtin || fn?.params?.includes(g.wrt.name)) ? [g.wrt.name] : [];
  }));
  const bindings = inferBindings([...seedFrom, ...wrtCoords], {seed, exclude: seedExclude, excludeIndexed: new Set([...indexed.keys()].filter((k) => !fnArgs.has(k))), freeIndices: [...[...indexed.values()].map((d) => d.index!).filter((x) => x.length === 1), ...wrtCoords.map((w) => (w.sub as NodeOf<"sym">).name)], separating: true, ...(reading === "flat" ? {flat: true} : reading === "square" ? {square: true} : {})});
  const vars: Record<string, Value> = {};
  for (const s of bindings.symbols) if (s.key !== bindings.freeIndex) vars[s.key] = s.value;
  if (args.positive) for (const k of Object.keys(vars)) vars[k] = map(vars[k], Math.abs);
  // "for an orthogonal matrix U", "U 是正交矩阵": seeded orthogonal (QᵀQ = I), as the text says it is
  for (const k of args.orthogonal ?? []) {
    const m = vars[k];
    if (Array.isArray(m) && Array.isArray(m[0])) vars[k] = orthogonalLike(m as number[][]);
  }
  for (const k of args.symmetric ?? []) {
    const m = vars[k];
    if (Array.isArray(m) && Array.isArray(m[0]) && m.length === (m[0] as number[]).length) vars[k] = spdLike(m as number[][]);
  }
  for (const k of args.unit ?? []) {
    const v = vars[k];
    const norm = Array.isArray(v) && v.every((x) => typeof x === "number") ? Math.hypot(...(v as number[])) : 0;
    if (norm > 0) vars[k] = (v as number[]).map((x) => x / norm);
  }
  // A coordinate index runs over its vector (∂L/∂w_k, k = 1..dim w).
  for (const w of wrtCoords) {
    const v = vars[w.name], k = (w.sub as NodeOf<"sym">).name;
    if (k === bindings.freeIndex && Array.isArray(v)) bindings.counts[k] = v.length;
  }
  // Seeded inputs, not the text's values: a worked example's special point (x = 1, w = 0) would hide a wrong factor.
  settled = [];
  for (const [k, v] of Object.entries(args.facts ?? {}))
    if (k in vars && JSON.stringify(shapeOf(vars[k])) === JSON.stringify(shapeOf(v))) (vars[k] = v, settled.push(`${k} = ${JSON.stringify(v)}`));
  for (const [k, v] of Object.entries(args.force ?? {})) vars[k] = v;
  const idx: Record<string, number> = {};
  for (const [k, v] of Object.entries(bindings.counts)) if (k !== bindings.freeIndex) idx[k] = v;
  // \sum_{i=0}^{N-K} with N and K both seeded 4: one term, and a factor 1/(N − K + 1) would be 1. The subtracted
  // count is one less (N = 4, K = 3), so such a factor shows.
  for (const [a, b] of countDifferences([...parts, ...reach])) {
    if (idx[a] === undefined || idx[b] === undefined || idx[a] !== idx[b] || idx[b] < 2) continue;
    idx[b] -= 1;
    if (typeof vars[b] === "number") vars[b] = idx[b];
  }
  // λ used whole beside λ_i = e^{η_i}: the vector of the defined entries (its seeded length), computed on use
  const wholeOfIndexed = new Map<string, number>();
  // (not a step's value g_t, nor a variable the formula differentiates in)
  const wrtNames = new Set(grads.flatMap((g) => (g.wrt.type === "sym" ? [g.wrt.name] : g.wrt.type === "tuple" ? g.wrt.items.flatMap((x) => (x.type === "sym" ? [x.name] : [])) : [])));
  for (const [name, d] of indexed)
    if (!d.params && d.index !== "t" && !wrtNames.has(name) && Array.isArray(vars[name]) && !Array.isArray((vars[name] as Value[])[0])) (wholeOfIndexed.set(name, (vars[name] as number[]).length), delete vars[name]);
  const evalDefs: Record<string, Def> = {};
  for (const d of indexed.values()) evalDefs[d.key] = {index: d.index, body: d.body, ...(d.params ? {params: d.params} : {})};
  for (const [k, d] of keyed) if (d.params) evalDefs[k] = {params: d.params, body: d.body, order: d.blockIndex * 1000 + (d.lineIndex ?? 0)};
  let depth = 0;
  let stepping = 0;
  let seeded = false;
  const resolve = (n: NodeOf<"sym">, scope: Scope<Value>): Value | undefined => {
    const key = symKey(n.name, n.subText);
    // Σ_{t=1}^{W} η_max t/W beside "at $t = W$": inside the sum t is its index, not the chapter's t
    if (!n.sub && scope.idx && key in scope.idx && !(key in idx)) return undefined;
    if (key in scope.vars) return undefined;
    // A printed step of a recurrence (\theta_2), and inside it the earlier steps it names (\theta_{t-1} at t = 2).
    const rec = n.sub && !keyed.get(key) && (n.sub.type === "num" || stepping > 0) ? recurrences.get(n.name) : undefined;
    if (rec && depth <= 12) {
      let k: number;
      try {
        k = numeric(n.sub!, scope);
      } catch {
        return undefined;
      }
      if (!Number.isInteger(k) || k < 0) return undefined;
      const at = symKey(n.name, String(k));
      if (at in scope.vars) return scope.vars[at];
      const given = keyed.get(at);
      depth++;
      stepping++;
      try {
        if (given) return evaluateWith(given.body, scope);
        if (k === 0) return undefined;
        return evaluateWith(rec.body, {...scope, idx: {...scope.idx, [rec.index!]: k}});
      } finally {
        depth--;
        stepping--;
      }
    }
    let length = !n.sub ? wholeOfIndexed.get(n.name) : undefined;
    if (length !== undefined && depth <= 12) {
      const per = indexed.get(n.name)!;
      // p with p_i = e^{v_i/τ}/Σ_j e^{v_j/τ} and the text's v = (2, 1, 0): as many entries as v has
      const entryOf = symbolUses(per.body).find((u) => u.node.subText === per.index && Array.isArray(scope.vars[u.node.name]) && !Array.isArray((scope.vars[u.node.name] as Value[])[0]));
      if (entryOf) length = (scope.vars[entryOf.node.name] as number[]).length;
      depth++;
      try {
        return Array.from({length}, (_, k) => evaluateWith(per.body, {...scope, idx: {...scope.idx, [per.index!]: k + 1}}) as number);
      } finally {
        depth--;
      }
    }
    // s_3 = e^{1}/(2e^{0.5} + e^{1}) ≈ 0.452 beside s_i = e^{z_i}/Σ_j e^{z_j}: the worked value at the text's z; on
    // seeded inputs the entry is what the definition gives
    const worked = keyed.get(key);
    const d = seeded && worked && n.sub?.type === "num" && indexed.has(n.name) && !indexed.get(n.name)!.params && numbersOnly(worked.body) ? undefined : worked;
    // \hat{y}_i with \hat{y} = X\mathbf{w}: the i-th entry of the defined vector.
    const whole = !d && n.sub && !(n.name in scope.vars) ? keyed.get(n.name) : undefined;
    if (whole && !whole.params && depth <= 12) {
      let k: number;
      try {
        k = numeric(n.sub!, scope);
      } catch {
        return undefined;
      }
      depth++;
      try {
        return jsOps.index(evaluateWith(whole.body, scope), k);
      } finally {
        depth--;
      }
    }
    if (!d) return undefined;
    if (depth > 12) throw new Error(`definitions expand too deep at ${key}`);
    depth++;
    try {
      return evaluateWith(d.body, scope);
    } finally {
      depth--;
    }
  };
  const gradient = (g: NodeOf<"grad">, given: Scope<Value>): Value => {
    // ∂t_1/∂a_2 at the text's a = (0, 0, 1) beside its worked t_1 ≈ 0.2119: the entry moves with a through its definition
    // t_i = e^{a_i}/Σ_l e^{a_l}, the worked value does not
    // (and D ≈ 0.8205 beside D's definition: the worked value is D at the text's inputs, not a constant)
    const moving = Object.keys(given.vars).filter((k) => k in facts && ((k !== keyBase(k) && indexed.has(keyBase(k)) && !indexed.get(keyBase(k))!.params) || (keyed.has(k) && !keyed.get(k)!.params)));
    const scope = moving.length ? {...given, vars: Object.fromEntries(Object.entries(given.vars).filter(([k]) => !moving.includes(k)))} : given;
    // dη_t/dt with η_t = η_0 e^{−kt} defined per step: the definition as a function of a continuous t
    if (g.wrt.type === "sym" && !g.wrt.sub && g.of.type === "sym" && g.of.sub?.type === "sym" && g.of.sub.name === g.wrt.name && !(g as {at?: Node}).at) {
      const per = indexed.get(g.of.name), t = g.wrt.name;
      const t0 = scope.vars[t] ?? scope.idx?.[t];
      if (per && per.index === t && !per.params && typeof t0 === "number") {
        const idx = {...scope.idx};
        delete idx[t];
        const f = (x: number) => evaluateWith(per.body, {...scope, vars: {...scope.vars, [t]: x}, idx});
        const h = 1e-5 * Math.max(1, Math.abs(t0));
        const a = f(t0 + h), b = f(t0 - h);
        if (typeof a === "number" && typeof b === "number") return (a - b) / (2 * h);
      }
    }
    const at = (g as unknown as {at?: Node}).at;
    if (at) {
      const a = evaluateWith(at, scope);
      if (typeof a !== "number") throw new Error("a derivative at a point needs a scalar point");
      return numericGradient(g, {...scope, vars: {...scope.vars, "\\_u": a}});
    }
    if (g.wrt.type === "tuple") {
      // ∇f(x, y): the vector of the partial derivatives.
      const items = g.wrt.items.map((w) => gradient({...g, wrt: w}, scope));
      if (items.every((v) => typeof v === "number")) return items;
      // ∇²f(x, y): each variable's derivative of the gradient is a column of the Hessian
      const m = Array.isArray(items[0]) ? items[0].length : 0;
      if (m && items.every((v) => Array.isArray(v) && v.length === m && v.every((x) => typeof x === "number")))
        return Array.from({length: m}, (_, i) => items.map((col) => (col as number[])[i]));
      throw new Error("a gradient in several variables needs each to be a scalar");
    }
    // ∂L/∂w_j: the j-th entry of the gradient in the vector w.
    if (g.wrt.type === "sym" && g.wrt.sub && !(symKey(g.wrt.name, g.wrt.subText) in scope.vars) && Array.isArray(scope.vars[g.wrt.name])) {
      const whole = numericGradient({...g, wrt: {...g.wrt, sub: undefined, subText: undefined}}, scope);
      return jsOps.index(whole, numeric(g.wrt.sub, scope) + (args.zeroComponents?.has(g.wrt.name) ? 1 : 0));
    }
    const wrtKey = g.wrt.type === "sym" ? symKey(g.wrt.name, g.wrt.subText) : undefined;
    const chain = wrtKey !== undefined ? chained.get(wrtKey) : undefined;
    if (chain && !(wrtKey! in scope.vars)) {
      const outer = numericGradient({...g, wrt: chain.via}, scope);
      const viaKey = symKey(chain.via.name, chain.via.subText), at = scope.vars[viaKey];
      // v = σ² of a vector σ, entry by entry: ∂ℓ/∂v_k = (∂ℓ/∂σ_k)/(dv_k/dσ_k)
      if (Array.isArray(outer) && Array.isArray(at) && outer.length === at.length && at.every((x) => typeof x === "number")) {
        const entry = (x: number[], k: number) => {
          const v = evaluateWith(chain.body, {...scope, vars: {...scope.vars, [viaKey]: x}});
          if (!Array.isArray(v) || v.length !== x.length || typeof v[k] !== "number") throw new Error("the chain rule through a definition needs it entry by entry");
          return v[k] as number;
        };
        return (outer as number[]).map((o, k) => {
          const x = at as number[], h = 1e-5 * Math.max(1, Math.abs(x[k]));
          const inner = (entry(x.map((e, j) => (j === k ? e + h : e)), k) - entry(x.map((e, j) => (j === k ? e - h : e)), k)) / (2 * h);
          if (inner === 0) throw new Error("the chain rule through a definition needs a non-zero inner derivative");
          return o / inner;
        });
      }
      const inner = numericGradient({...g, wrt: chain.via, of: chain.body}, scope);
      if (typeof outer !== "number" || typeof inner !== "number" || inner === 0) throw new Error("the chain rule through a definition needs scalars");
      return outer / inner;
    }
    if (g.wrt.type === "sym" && !(symKey(g.wrt.name, g.wrt.subText) in scope.vars)) throw new Error(`${symKey(g.wrt.name, g.wrt.subText)} has no value to differentiate at`);
    return numericGradient(g, scope);
  };
  // A second free index on the left (∂p_i/∂z_j, the Jacobian): it runs over the same range, the parts are matrices.
  const second = bindings.freeIndex ? [...lhsIdx].find((x) => x !== bindings.freeIndex && !(x in idx) && !(x in vars)) : undefined;
  const evalPart = (n: Node, free: number | undefined, closed = false, bare = false, free2?: number): Value | undefined => {
    try {
      const at = free === undefined ? idx : {...idx, [bindings.freeIndex!]: free, ...(second && free2 !== undefined ? {[second]: free2} : {})};
      const scope: Scope<Value> = closed
        ? {ops: jsOps, vars: bare ? {} : {...facts}, idx: {}, defs: evalDefs, resolve, gradient, budget, latex}
        : {ops: jsOps, vars, idx: at, defs: evalDefs, resolve, gradient, budget, latex};
      seeded = !closed;
      return evaluateWith(n, scope);
    } catch {
      return undefined;
    }
  };
  const freeN = bindings.freeIndex ? bindings.counts[bindings.freeIndex] : undefined;
  // ∂C_ij/∂s_i of a pairwise C_ij, whose definition uses s at both indices: a pair is of two items, so only i ≠ j
  // (at i = j both s_i and s_j move and the pair's term is constant)
  function pairCondition(): IndexCondition | undefined {
    if (!second || !bindings.freeIndex) return undefined;
    const pairwise = grads.some((g) => {
      if (g.of.type !== "sym" || !twoIndices(g.of.sub) || g.wrt.type !== "sym" || g.wrt.sub?.type !== "sym") return false;
      const family = g.wrt.name, at = new Set<string>(), seen = new Set<ChapterDef>();
      // through the definitions it is written in (C_ij in P_ij, P_ij in s_i − s_j), a few levels deep
      const walk = (d: ChapterDef | undefined, depth: number): void => {
        if (!d || seen.has(d) || depth > 4) return;
        seen.add(d);
        for (const u of symbolUses(d.body)) {
          if (u.node.name === family && u.node.sub?.type === "sym") at.add(u.node.sub.name);
          else walk(keyed.get(u.key) ?? indexed.get(u.node.name), depth + 1);
        }
      };
      walk(keyed.get(symKey(g.of.name, g.of.subText)) ?? indexed.get(g.of.name), 0);
      return at.size >= 2;
    });
    return pairwise ? {a: bindings.freeIndex, b: second, equal: false} : undefined;
  }
  // ln μ_i = η_i = x_iᵀβ: a middle part that is a bare symbol the chapter does not define and no other part uses is
  // the name the chain gives its value (η_i), not a claim about a seeded number
  const naming = (p: Node, i: number) => i > 0 && i < parts.length - 1 && p.type === "sym" && !keyed.has(symKey(p.name, p.subText)) && !keyed.has(p.name) && !indexed.has(p.name) &&
    !(symKey(p.name, p.subText) in facts) && !(p.name in facts) && !parts.some((q, j) => j !== i && symbolUses(q).some((u) => u.node.name === p.name));
  const values = parts.map((p, i) => {
    if ((i === 0 && !args.checkFirst) || skipped.has(i) || naming(p, i)) return undefined;
    if (freeN === undefined) return evalPart(p, undefined);
    const out: Value[] = [];
    const cond = args.indexCondition ?? pairCondition();
    const applies = !!second && !!cond && new Set([cond?.a, cond?.b]).size === 2 && [cond!.a, cond!.b].every((x) => x === second || x === bindings.freeIndex);
    for (let k = 1; k <= freeN; k++) {
      if (second) {
        const row: number[] = [];
        for (let l = 1; l <= freeN; l++) {
          // A condition the text puts on the indices (i ≠ j: the off-diagonal entries): only those pairs.
          if (applies && (k === l) !== cond!.equal) continue;
          const v = evalPart(p, k, false, false, l);
          if (typeof v !== "number") return undefined;
          row.push(v);
        }
        out.push(row);
        continue;
      }
      const v = evalPart(p, k);
      if (v === undefined) return undefined;
      out.push(v);
    }
    return (out.every((x) => typeof x === "number") ? out : out.every((x) => shapeOf(x).length === 1) ? out : undefined) as Value | undefined;
  });
  // A worked example: when some part needs no seeded value, only such closed parts are compared (a part that
  // needs seeded inputs says nothing about the example's numbers).
  // A worked example has a part that is a number by itself (`= 0.125`); its other parts are evaluated with the
  // text's values. Without one, the parts are symbolic and are compared on seeded inputs.
  const worked = parts.some((p, i) => !(i === 0 && !args.checkFirst) && !skipped.has(i) && evalPart(p, undefined, true, true) !== undefined);
  const closedValues = parts.map((p, i) => (!worked || (i === 0 && !args.checkFirst) || skipped.has(i) ? undefined : evalPart(p, undefined, true)));
  // A literal beside symbolic parts that the text's values cannot evaluate (\sum_k p_k = 1, the mean of \hat{x}_i is 0)
  // is a claim for every input: compared on seeded inputs, when those are only counts, constants and vectors of samples
  // (a seeded scalar or an instance such as \theta_0 would stand for a value the text fixes elsewhere).
  // The claim must be a property of a quantity the chapter defines per index, over all its entries (\sum_k p_k with p_k
  // defined): a statistic of raw data (\sum_i x_i = 10) or an instance (\hat{y}_1 = 0.5) depends on the text's values.
  const ofDefined = (p: Node) => findAllSums(p).some((sm) => symbolUses(sm.body).some((u) => indexed.has(u.node.name) && u.node.subText === sm.index));
  // sin²x + cos²x = 1, σ(z) + σ(−z) = 1: every symbol only ever the argument of a builtin function, and one the
  // chapter neither defines nor gives a value: an identity of functions, for every input
  const onlyArguments = (n: Node, inside = false): boolean =>
    n.type === "sym" ? inside && !n.sub && !(symKey(n.name, n.subText) in facts) && !keyed.has(n.name) && !indexed.has(n.name) :
    n.type === "call" ? n.builtin && n.args.every((a) => onlyArguments(a, true)) : childrenOf(n).every((c) => onlyArguments(c, inside));
  const functionIdentity = parts.every((p, i) => decimalsOf(i === 0 ? line.first : line.rest[i - 1].node, latex) !== undefined || (symbolUses(p).length > 0 && onlyArguments(p)));
  const general = functionIdentity ||
    bindings.symbols.every((s) => (s.role === "count" || s.role === "hyper" || s.role === "time" || Array.isArray(s.value)) && !/_\{?\d/.test(s.key) && s.role !== "matrix" && s.role !== "parameter") &&
    parts.every((p, i) => decimalsOf(i === 0 ? line.first : line.rest[i - 1].node, latex) !== undefined || (ofDefined(p) && !symbolUses(p).some((u) => u.node.sub?.type === "num")));
  const closedCount = closedValues.filter((v) => v !== undefined).length;
  const closed = closedCount >= 2 || (closedCount === 1 && !general);
  // Beside a derivative that is not evaluated, only a worked example's numbers are compared: symbolic parts on
  // seeded inputs may name what the text only describes (x̄_0, "the minimiser").
  if (skipped.size && !closed) return undefined;
  // A part that is not a finite number there (a division by zero, a log of a negative seeded value) says nothing.
  const finite = (v: Value): boolean => (typeof v === "number" ? Number.isFinite(v) : flat(v).every(Number.isFinite));
  const got = (closed ? closedValues : values).map((v, i) => ({v, i})).filter((x) => x.v !== undefined && finite(x.v)) as {v: Value; i: number}[];
  // (t^{-0.5} at a seeded t < 0: the parts are compared again at the seeded inputs' magnitudes)
  if (got.length < 2 && !args.positive && !statesRegion(latex) && (closed ? closedValues : values).some((v) => v !== undefined && !finite(v))) return checkEqualityAt({...args, positive: true});
  if (got.length < 2) return undefined;
  const tolOf = (i: number) => {
    const d = decimalsOf(line.rest[i - 1]?.node ?? line.first, latex);
    // `= 1` is exact (an integer is not a rounded value); `≈ 1`, `= 0.767` allow the rounding of their last digit.
    if (d === 0 && rels[Math.max(0, i - 1)] === "=") return 0;
    return d === undefined ? 0 : 0.5 * 10 ** -d * 1.02 + 1e-12;
  };
  const isLiteral = (i: number) => decimalsOf(i === 0 ? line.first : line.rest[i - 1].node, latex) !== undefined;
  // A worked step computed from rounded numbers (0.5 − 0.378 − 0.269 with 0.378 ≈ 0.3775…) carries their rounding:
  // each printed number of three or more significant digits moved by half its last digit, the changes added up.
  const givenValues = new Set(Object.values(facts).flatMap((v) => flat(v).map(Math.abs)));
  const carried = (i: number): number => {
    if (!closed || isLiteral(i)) return 0;
    const p = parts[i], base = closedValues[i];
    if (base === undefined) return 0;
    let sum = 0;
    for (const n of findAllNums(p).slice(0, 40)) {
      const text = latex.slice(n.start, n.end).replace(/^-/, "");
      const m = /\.(\d+)$/.exec(text);
      // a short number (0.9, 0.25) or one the text sets (β₂ = 0.999) is exact, not a rounded result
      if (!m || text.replace(/^[0.]+/, "").replace(".", "").length < 3 || givenValues.has(Math.abs(n.value))) continue;
      const moved = evalPart(replaceNode(p, n, {...n, value: n.value + 0.5 * 10 ** -m[1].length}), undefined, true);
      if (moved === undefined || flat(moved).length !== flat(base).length) continue;
      sum += Math.max(...flat(moved).map((x, k) => Math.abs(x - flat(base)[k])));
    }
    // at most 1 % of the value: a step that amplifies its inputs' rounding that much is not a rounding question
    const cap = 0.01 * Math.max(...flat(base).map(Math.abs));
    return Number.isFinite(sum) ? Math.min(sum, cap) : 0;
  };
  // ∂s_1/∂z_2 = s_1 s_2 ≈ 0.0751: a worked derivative whose first step is symbolic; the numbers are compared with the
  // text's values, and the derivative, which those values do not reach (z is not given), with that step on seeded inputs
  // (not −0.4775 v⃗_c: a step with a worked number of the example in it holds only at the text's values)
  const hasWorkedNumber = (p: Node) => findAllNums(p).some((n) => {
    const text = latex.slice(n.start, n.end).replace(/^-/, "");
    return /\./.test(text) && text.replace(/^[0.]+/, "").replace(".", "").length >= 3 && !givenValues.has(Math.abs(n.value));
  });
  const symbolicStep = closed && args.checkFirst && closedValues[0] === undefined && !skipped.has(0) && findAllGrads(parts[0]).length > 0 && !isLiteral(1) && symbolUses(parts[1]).length > 0 && !hasWorkedNumber(parts[1]) ? [values[0], values[1]] : undefined;
  if (symbolicStep && symbolicStep.every((v) => v !== undefined && finite(v) && flat(v).length === flat(symbolicStep[0]!).length && flat(v).some((x) => x !== 0)) && !agree(symbolicStep[0]!, symbolicStep[1]!, 0)) {
    const show = (v: Value) => JSON.stringify(typeof v === "number" ? +v.toPrecision(6) : flat(v).map((x) => +x.toPrecision(6)));
    return {verdict: "bad", values, inputs: vars, message: `the derivative in part 1 evaluates to ${show(symbolicStep[0]!)} but part 2 to ${show(symbolicStep[1]!)} on seeded inputs`};
  }
  for (let j = 1; j < got.length; j++) {
    const a = got[j - 1], b = got[j];
    // A worked step that uses the text's earlier results (δ_1 x_2 with δ_1 ≈ −0.488 computed three lines up) is
    // reproduced from their unrounded values: the author's rounding of them is allowed for, 0.2 % of the value.
    const viaText = closed && [a.i, b.i].some((i) => !isLiteral(i) && symbolUses(parts[i]).length > 0);
    const scale = Math.max(...flat(a.v).map(Math.abs), ...flat(b.v).map(Math.abs));
    // GELU(x) ≈ 0.5x(1 + tanh(…)): ≈ between two expressions states an approximation, close to 1 % of the value
    const approx = !isLiteral(a.i) && !isLiteral(b.i) && rels.slice(a.i, b.i).includes("\\approx");
    const tol = Math.max(isLiteral(a.i) ? tolOf(a.i) : 0, isLiteral(b.i) ? tolOf(b.i) : 0) + carried(a.i) + carried(b.i) + (viaText ? 0.002 * scale : 0) + (approx ? 0.01 * scale : 0);
    // Parts of different sizes on seeded inputs (a scalar beside a vector, 2 entries beside 4) say the shapes were
    // guessed wrongly (x a number here, a vector in the definition), not that the text is wrong: no verdict.
    if (flat(a.v).length !== flat(b.v).length) return undefined;
    // A derivative that is exactly zero on seeded inputs beside a stated non-zero one: the chapter's definitions did
    // not connect the variable to what is differentiated (h_2 through h_1 at printed steps), no verdict.
    const zeroGradient = (x: {v: Value; i: number}) => findAllGrads(parts[x.i]).length > 0 && flat(x.v).every((e) => e === 0);
    if ((zeroGradient(a) && !zeroGradient(b)) || (zeroGradient(b) && !zeroGradient(a))) return undefined;
    if (!agree(a.v, b.v, tol)) {
      // ‖ĝ‖ = min(‖g‖, c): a norm set against a threshold in a min or max holds for the threshold the text means (c > 0),
      // so the parts are compared again at the seeded inputs' magnitudes
      const calls = (fns: string[]) => parts.some((p) => findAll(p, "call").some((c) => fns.includes(String(c.fn))));
      if (!args.positive && !closed && calls(["norm", "abs"]) && calls(["min", "max"])) {
        const again = checkEqualityAt({...args, positive: true});
        if (again) return again;
      }
      const show = (v: Value) => JSON.stringify(typeof v === "number" ? +v.toPrecision(6) : flat(v).map((x) => +x.toPrecision(6)));
      return {verdict: "bad", values, inputs: vars, message: `part ${a.i + 1} evaluates to ${show(a.v)} but part ${b.i + 1} to ${show(b.v)} on the same inputs${skipped.size ? ` (the derivative in part ${[...skipped].map((i) => i + 1).join(", ")} is not evaluated)` : ""}`};
    }
  }
  const unread = skipped.size ? `; the derivative in part ${[...skipped].map((i) => i + 1).join(", ")} is not evaluated (nothing the chapter defines to differentiate)` :
    symbolicStep?.every((v) => v !== undefined) ? "; the derivative in part 1 agrees with part 2 on seeded inputs" : "";
  return {verdict: "ok", values, inputs: vars, message: `all ${got.length} evaluated parts agree on seeded inputs${unread}`};
  }
}

/**
 * Gradients written without a subscript, read against the definition of the differentiated function:
 * `\nabla J` (J defined as J(\beta) = …) is ∇_β J(β); `\nabla f(x, y)` the vector of ∂f/∂x, ∂f/∂y; `\nabla f(u + v)`
 * the gradient of f in its parameter, at the point u + v.
 */
/** Symbols that name a builtin function when nothing defines them (dσ/dz, d tanh/dz, ∂ReLU/∂z). */
const FUNCTION_SYMBOLS: Record<string, string> = {"\\sigma": "sigma", "\\tanh": "tanh", tanh: "tanh", ReLU: "relu", relu: "relu", softplus: "softplus", "\\exp": "exp", "\\sin": "sin", "\\cos": "cos"};

/** dσ/dz with σ no symbol of the chapter: the derivative of the function σ at z, d/dz σ(z). */
function functionDerivatives(n: Node, keyed: Map<string, ChapterDef>): Node {
  if (n.type === "grad" && n.of.type === "sym" && !n.of.sub && n.wrt.type === "sym" && !(n as {at?: Node}).at) {
    // the builtin, when the chapter defines no symbol or function of that name
    if (FUNCTION_SYMBOLS[n.of.name] && !keyed.has(n.of.name)) return {...n, of: {...span, type: "call", fn: FUNCTION_SYMBOLS[n.of.name], args: [n.wrt], builtin: true, parens: "paren"}};
  }
  switch (n.type) {
    case "add":
      return {...n, terms: n.terms.map((t) => ({sign: t.sign, node: functionDerivatives(t.node, keyed)}))};
    case "mul":
      return {...n, left: functionDerivatives(n.left, keyed), right: functionDerivatives(n.right, keyed)};
    case "neg":
    case "paren":
      return {...n, arg: functionDerivatives(n.arg, keyed)} as Node;
    default:
      return n;
  }
}

export function resolveGradients(n: Node, keyed: Map<string, ChapterDef>): Node {
  const rec = (x: Node) => resolveGradients(x, keyed);
  if (n.type === "grad" && n.wrt.type !== "sym") {
    // (∇²f: the function the inner gradient differentiates)
    const inner = n.of.type === "grad" && n.wrt.type === "tuple" && n.wrt.items.length === 0 ? n.of.of : n.of;
    const fnOf = inner.type === "call" && !inner.builtin ? inner.fn : inner.type === "sym" ? symKey(inner.name, inner.subText) : undefined;
    const def = fnOf !== undefined ? keyed.get(fnOf) : undefined;
    const params = def?.paramNodes;
    if (def && params?.length) {
      const call = (args: Node[]): Node => ({...span, type: "call", fn: def.key, args, builtin: false, parens: "paren"});
      const wrtOf = (ps: Node[]): Node => (ps.length === 1 ? ps[0] : {...span, type: "tuple", items: ps});
      // ∇J, ∇²f: in the function's own parameters (the inner derivative of a Hessian resolved the same way)
      if (n.wrt.type === "tuple" && n.wrt.items.length === 0) return {...n, wrt: wrtOf(params), of: n.of.type === "grad" ? rec(n.of) : call(params)};
      if (n.wrt.type === "tuple" && n.wrt.items.every((a) => a.type === "sym") && n.wrt.items.length === params.length) return {...n, of: rec(n.of)};
      if (params.length === 1 && n.of.type === "call" && n.of.args.length === 1) {
        const u: Node = {...span, type: "sym", name: "\\_u"};
        return {...n, wrt: u, of: call([u]), at: rec(n.of.args[0])} as unknown as Node;
      }
      // ∇f(1, 2) with f(x, y) = …: the gradient in f's parameters at that point (fresh names for the parameters)
      // (normalize has made the tuple of coordinates a vector)
      const coords = n.wrt.type === "tuple" || (n.wrt as Node).type === "vector" ? (n.wrt as NodeOf<"tuple">).items : undefined;
      if (params.length > 1 && coords?.length === params.length && coords.some((c) => c.type !== "sym") && n.of.type === "call" && n.of.args.length === params.length) {
        const us: Node[] = params.map((_, k) => ({...span, type: "sym", name: `\\_u${k + 1}`}));
        return {...n, wrt: wrtOf(us), of: call(us), at: {...span, type: "tuple", items: n.of.args.map(rec)}, atNames: us} as unknown as Node;
      }
    }
    return n;
  }
  return mapChildren(n, rec);
}

/** Index letters (i, j, k, l) in subscripts that no enclosing sum binds, including a derivative's variable (∂/∂z_j). */
function freeIndexLetters(n: Node): Set<string> {
  const out = new Set<string>();
  const fromSub = (sub: Node | undefined, bound: string[]) => {
    if (!sub) return;
    for (const u of symbolUses(sub)) if (/^[ijkl]$/.test(u.key) && !bound.includes(u.key)) out.add(u.key);
  };
  for (const u of symbolUses(n)) fromSub(u.node.sub, u.indices);
  for (const g of findAllGrads(n)) if (g.wrt.type === "sym") fromSub(g.wrt.sub, []);
  return out;
}

function findAllNums(n: Node): NodeOf<"num">[] {
  const out: NodeOf<"num">[] = [];
  const visit = (x: Node) => {
    if (x.type === "num") out.push(x);
    for (const c of childrenOf(x)) visit(c);
  };
  visit(n);
  return out;
}

function findAllSums(n: Node): NodeOf<"sum">[] {
  const out: NodeOf<"sum">[] = [];
  const visit = (x: Node) => {
    if (x.type === "sum") out.push(x);
    for (const c of childrenOf(x)) visit(c);
  };
  visit(n);
  return out;
}

function findAllGrads(n: Node): NodeOf<"grad">[] {
  const out: NodeOf<"grad">[] = [];
  const visit = (x: Node) => {
    if (x.type === "grad") out.push(x);
    for (const c of childrenOf(x)) visit(c);
  };
  visit(n);
  return out;
}

/** The children that carry values: not a symbol's subscript, a sum's bounds, a gradient's variable or a set's items. */
function childrenOf(n: Node): Node[] {
  if (n.type === "sym" || n.type === "set") return [];
  if (n.type === "sum") return [n.body];
  if (n.type === "grad") return [n.of];
  return children(n);
}

/** A square orthogonal matrix from a seeded one (Gram–Schmidt on its columns, sized by its column count). */
function orthogonalLike(m: number[][]): number[][] {
  const n = m[0].length;
  const cols: number[][] = [];
  for (let j = 0; j < n; j++) {
    let v = Array.from({length: n}, (_, i) => m[i % m.length][(j + Math.floor(i / m.length)) % n] + (i === j ? 1 : 0));
    for (const q of cols) {
      const d = v.reduce((a, x, i) => a + x * q[i], 0);
      v = v.map((x, i) => x - d * q[i]);
    }
    const norm = Math.hypot(...v);
    if (!(norm > 1e-9)) return m;
    cols.push(v.map((x) => x / norm));
  }
  return Array.from({length: n}, (_, i) => cols.map((c) => c[i]));
}

/** Matrices the text calls symmetric or positive definite ("$\mathbf{Q} \succ 0$", "对称正定矩阵 $A$"): seeded symmetric positive definite. */
export function symmetricMatrices(prose: string): Set<string> {
  const out = new Set<string>();
  const sym = String.raw`\$\s*(?:\\(?:mathbf|boldsymbol|bm)\{)?([A-Z])\}?\s*(?:\\succ(?:eq)?\s*0\s*)?\$`;
  const words = String.raw`(?:symmetric|positive[- ]definite|positive[- ]semi-?definite|对称|正定|半正定)`;
  for (const m of prose.matchAll(new RegExp(words + String.raw`[^$。.;]{0,40}?` + sym, "gi"))) out.add(m[1]);
  for (const m of prose.matchAll(new RegExp(sym + String.raw`[^$。.;]{0,30}?` + words, "gi"))) out.add(m[1]);
  for (const m of prose.matchAll(/\$\s*(?:\\(?:mathbf|boldsymbol|bm)\{)?([A-Z])\}?\s*\\succ(?:eq)?\s*0\s*\$/g)) out.add(m[1]);
  return out;
}

/** A symmetric positive definite matrix from a seeded square one: (M Mᵀ)/n + I/2. */
function spdLike(m: number[][]): number[][] {
  const n = m.length;
  return m.map((_, i) => m.map((_, j) => m[i].reduce((s, x, k) => s + x * m[j][k], 0) / n + (i === j ? 0.5 : 0)));
}

/** Capital letters the text calls orthogonal: "orthogonal matrix $\mathbf{U}$", "$U$ is orthogonal", "正交矩阵 $U$". */
export function orthogonalMatrices(prose: string): Set<string> {
  const out = new Set<string>();
  const sym = String.raw`\$\s*(?:\\(?:mathbf|boldsymbol|bm)\{)?([A-Z])\}?\s*\$`;
  for (const m of prose.matchAll(new RegExp(String.raw`(?:orthogonal|orthonormal|rotation|正交)[^$。.;]{0,40}?` + sym, "gi"))) out.add(m[1]);
  for (const m of prose.matchAll(new RegExp(sym + String.raw`[^$。.;]{0,30}?(?:orthogonal|orthonormal|正交)`, "gi"))) out.add(m[1]);
  return out;
}

/** Pairs (A, B) of plain symbols written as a difference A − B in a sum's bound (\sum_{i=0}^{N-K}, \frac{1}{N-K+1}). */
function countDifferences(nodes: Node[]): [string, string][] {
  const out: [string, string][] = [];
  const visit = (n: Node) => {
    if (n.type === "add") {
      const pos = n.terms.filter((t) => t.sign === 1 && t.node.type === "sym" && !t.node.sub).map((t) => (t.node as NodeOf<"sym">).name);
      const neg = n.terms.filter((t) => t.sign === -1 && t.node.type === "sym" && !t.node.sub).map((t) => (t.node as NodeOf<"sym">).name);
      for (const a of pos) for (const b of neg) if (a !== b) out.push([a, b]);
    }
    if (n.type === "sum") [n.from, n.to].forEach((x) => x && visit(x));
    for (const c of childrenOf(n)) visit(c);
  };
  nodes.forEach(visit);
  return out;
}
