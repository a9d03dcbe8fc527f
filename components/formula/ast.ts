/** The formula AST: what parse.ts produces and evaluate.ts / print.ts consume. Pure data, JSON-serialisable. */

interface Span {
  /** Offsets into the LaTeX source, [start, end). */
  start: number;
  end: number;
}

export type Node =
  | (Span & {type: "num"; value: number; /** \mathbf{0}, \boldsymbol{0}: the zero vector, of a size the text does not give */ bold?: true})
  /**
   * A symbol. `name` is its canonical base without the index subscript: `y`, `\hat{y}`, `y'`, `\beta`, `W^{(l)}`,
   * `MSE`. `sub` is the subscript, `subText` its LaTeX (`i`, `t+1`, `1`, `new`).
   */
  | (Span & {type: "sym"; name: string; sub?: Node; subText?: string})
  | (Span & {type: "neg"; arg: Node})
  | (Span & {type: "add"; terms: {sign: 1 | -1; node: Node}[]})
  /** op: `cdot` (\cdot, \times, *) or `implicit` (juxtaposition). */
  | (Span & {type: "mul"; left: Node; right: Node; op: "cdot" | "implicit"})
  | (Span & {type: "div"; num: Node; den: Node; frac: boolean})
  | (Span & {type: "pow"; base: Node; exp: Node})
  | (Span & {type: "transpose"; arg: Node})
  | (Span & {type: "sqrt"; arg: Node})
  /**
   * Built-in (`\log`, `\sigma`, `\text{softmax}`) or user function (`J(w_t)`). Notation the engine reads as builtins:
   * `\lfloor x \rfloor` (floor), `\lceil x \rceil` (ceil), `y!` (factorial), relations in conditions (lt, le, gt, ge,
   * eq, neq: 1 where they hold, else 0; and: both), `\mathbb{1}[c]` (indicator of the condition c) and
   * `\begin{cases} v_1 & c_1 \\ v_2 & c_2 \end{cases}` (cases: args v_1, c_1, v_2, c_2, …; an `otherwise` condition is the
   * number 1): the first branch whose condition holds, entrywise. `argNames`: the arguments were given by name
   * (`P(y = 2 \mid \lambda = 3)`), one key per argument; they bind the definition's parameters of those names.
   */
  | (Span & {type: "call"; fn: string; args: Node[]; builtin: boolean; parens: "paren" | "left" | "none"; argNames?: string[]})
  | (Span & {type: "sum"; index: string; from?: Node; to?: Node; body: Node; op: "sum" | "prod"})
  /**
   * `\nabla_{w} X` (style nabla) or `\frac{\partial X}{\partial w}` (style partial). `at`: the derivative evaluated at
   * a point (`\Big|_{w=1}`, `\right|_{(w,b)=(1,0)}`): one value, or a tuple of values; `atNames` the symbols they bind
   * (absent: a single value binds the variable, a tuple the differentiated function's parameters in order).
   */
  | (Span & {type: "grad"; wrt: Node; of: Node; style: "nabla" | "partial"; at?: Node; atNames?: Node[]})
  | (Span & {type: "paren"; arg: Node; delim: "()" | "[]" | "{}" | "left()" | "left[]"})
  | (Span & {type: "vector"; items: Node[]})
  | (Span & {type: "tuple"; items: Node[]})
  | (Span & {type: "set"; items: Node[]; subText?: string; supText?: string})
  | (Span & {type: "list"; items: Node[]})
  | (Span & {type: "ellipsis"})
  | (Span & {type: "infinity"});

export type NodeOf<T extends Node["type"]> = Extract<Node, {type: T}>;

export type Relation = "=" | "\\to" | "\\approx" | "<" | ">" | "\\le" | "\\ge" | "\\neq" | "\\in" | "\\sim";

/** One printed line: `a = b = c`, optionally followed by `\quad (annotation)`. */
export interface Line extends Span {
  /** The first operand, then one {rel, node} per relation. */
  first: Node;
  rest: {rel: Relation; node: Node}[];
  annotation?: Line;
  /** The first relation gives the left side a value (`\leftarrow`, `:=`, `\gets`): the left side is no claim. */
  assign?: boolean;
}

export interface Formula {
  latex: string;
  lines: Line[];
  /** True when the lines came from \begin{aligned}…\end{aligned} (or another environment). */
  environment?: string;
}

/** A formula that cannot be parsed or evaluated: says what and where (offset into the LaTeX). */
export class FormulaError extends Error {
  readonly offset: number;
  readonly token: string;
  readonly reason: string;
  constructor(reason: string, offset: number, token = "", latex?: string) {
    const where = latex !== undefined ? ` in "${excerpt(latex, offset)}"` : "";
    super(`${reason}${token ? ` (token ${JSON.stringify(token)})` : ""} at offset ${offset}${where}`);
    this.name = "FormulaError";
    this.reason = reason;
    this.offset = offset;
    this.token = token;
  }
}

function excerpt(latex: string, offset: number): string {
  const a = Math.max(0, offset - 15), b = Math.min(latex.length, offset + 15);
  return `${a > 0 ? "…" : ""}${latex.slice(a, offset)}⟨here⟩${latex.slice(offset, b)}${b < latex.length ? "…" : ""}`.replace(/\s+/g, " ");
}

/** Calls `visit` on node and every descendant (pre-order). */
export function walk(node: Node, visit: (n: Node, parent?: Node) => void, parent?: Node): void {
  visit(node, parent);
  for (const c of children(node)) walk(c, visit, node);
}

export function children(n: Node): Node[] {
  switch (n.type) {
    case "num":
    case "ellipsis":
    case "infinity":
      return [];
    case "sym":
      return n.sub ? [n.sub] : [];
    case "neg":
    case "transpose":
    case "sqrt":
    case "paren":
      return [n.arg];
    case "add":
      return n.terms.map((t) => t.node);
    case "mul":
      return [n.left, n.right];
    case "div":
      return [n.num, n.den];
    case "pow":
      return [n.base, n.exp];
    case "call":
      return n.args;
    case "sum":
      return [...(n.from ? [n.from] : []), ...(n.to ? [n.to] : []), n.body];
    case "grad":
      // not `at`: the point is given, not a use of its symbols (equality.ts's f'(a) relies on this)
      return [n.wrt, n.of];
    case "vector":
    case "tuple":
    case "list":
      return n.items;
    case "set":
      return n.items;
  }
}

/** The lookup key of a symbol with its subscript as printed: `\beta_1`, `d_k`, `W_{new}`, `y'_i`. */
/** A symbol key without its subscript (`w_2` → `w`, `x_{ij}` → `x`): the inverse of symKey's suffix. */
export function keyBase(key: string): string {
  return key.replace(/_(?:\{[^{}]*\}|[^{}])$/, "");
}

/** x_1, x_2 beside an arrowed \vec x (and no plain x): the entries of that vector. The key of the whole. */
export const arrowedWhole = (name: string): string => `\\vec{${name}}`;

export function symKey(name: string, subText?: string): string {
  if (subText === undefined) return name;
  const s = subText.trim();
  return s.length === 1 ? `${name}_${s}` : `${name}_{${s}}`;
}
