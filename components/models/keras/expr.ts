/**
 * A parser for the Python expression subset found in the chapters: names, numbers, strings (incl. f-strings),
 * tuples, lists, dicts, calls with keyword arguments, attributes, subscripts with slices, unary and binary
 * operators (+ - * / // % @ **), comparisons and `and`/`or`/`not`, list comprehensions and generator arguments
 * (`[f(a) for a, b in zip(xs, ys) if a]`), `lambda` and starred call arguments (`f(*layers)`). Pure; the AST is
 * JSON-serialisable.
 */

/** One `for target in iter [if cond]…` clause of a comprehension. */
export interface CompClause {
  target: Expr;
  iter: Expr;
  ifs: Expr[];
}

export type Expr =
  | {type: "name"; id: string}
  | {type: "num"; value: number}
  | {type: "str"; value: string; fstring?: boolean}
  | {type: "const"; value: boolean | null}
  | {type: "tuple"; items: Expr[]}
  | {type: "list"; items: Expr[]}
  /** A dict display; with clauses, the comprehension `{key: value for … in …}` of its one entry. */
  | {type: "dict"; entries: [Expr, Expr][]; clauses?: CompClause[]}
  | {type: "attr"; obj: Expr; name: string}
  | {type: "call"; fn: Expr; args: Expr[]; kwargs: Record<string, Expr>; stars?: number[]}
  | {type: "index"; obj: Expr; index: Expr}
  | {type: "slice"; lo: Expr | null; hi: Expr | null; step?: Expr | null}
  | {type: "ifelse"; cond: Expr; then: Expr; orelse: Expr}
  | {type: "unary"; op: string; arg: Expr}
  | {type: "bin"; op: string; left: Expr; right: Expr}
  | {type: "listcomp"; elt: Expr; clauses: CompClause[]}
  | {type: "lambda"; params: string[]; body: Expr};

interface Tok {
  kind: "name" | "num" | "str" | "op" | "end";
  text: string;
  pos: number;
  /** An f-string literal. */
  f?: boolean;
}

const OPS = ["**=", "//=", "...", "**", "//", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "@=", "->", "&=", "|=",
  "+", "-", "*", "/", "%", "@", "(", ")", "[", "]", "{", "}", ",", ":", ".", "=", "<", ">", "&", "|", "^", "~"];

export class SyntaxErrorAt extends Error {
  constructor(message: string, readonly pos: number) {
    super(message);
  }
}

export function tokenize(s: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === " " || c === "\t") {
      i++;
      continue;
    }
    const strStart = /^([rRbBfFuU]{0,2})(['"])/.exec(s.slice(i, i + 3));
    if (strStart && (strStart[1] === "" || /^[a-zA-Z]+$/.test(strStart[1]))) {
      const q = strStart[2];
      const triple = s.startsWith(q.repeat(3), i + strStart[1].length);
      const open = triple ? q.repeat(3) : q;
      let j = i + strStart[1].length + open.length;
      let value = "";
      while (j < s.length && !s.startsWith(open, j)) {
        if (s[j] === "\\" && j + 1 < s.length) {
          const n = s[j + 1];
          value += n === "n" ? "\n" : n === "t" ? "\t" : n;
          j += 2;
        } else value += s[j++];
      }
      if (j >= s.length) throw new SyntaxErrorAt("unterminated string", i);
      toks.push({kind: "str", text: value, pos: i, ...(/f/i.test(strStart[1]) ? {f: true} : {})});
      i = j + open.length;
      continue;
    }
    const num = /^(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?/.exec(s.slice(i));
    if (num) {
      toks.push({kind: "num", text: num[0], pos: i});
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_\u00c0-\uffff][\w\u00c0-\uffff]*/.exec(s.slice(i));
    if (name) {
      toks.push({kind: "name", text: name[0], pos: i});
      i += name[0].length;
      continue;
    }
    const op = OPS.find((o) => s.startsWith(o, i));
    if (!op) throw new SyntaxErrorAt(`unexpected character ${JSON.stringify(c)}`, i);
    toks.push({kind: "op", text: op, pos: i});
    i += op.length;
  }
  toks.push({kind: "end", text: "", pos: s.length});
  return toks;
}

const BINARY: [string[], number][] = [
  [["or"], 1],
  [["and"], 2],
  [["==", "!=", "<", ">", "<=", ">=", "in", "is"], 4],
  [["|"], 5],
  [["^"], 6],
  [["&"], 7],
  [["+", "-"], 8],
  [["*", "/", "//", "%", "@"], 9]
];

export class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  static parse(s: string): Expr {
    const p = new Parser(tokenize(s));
    const e = p.exprList();
    p.expectEnd();
    return e;
  }

  peek(): Tok {
    return this.toks[this.i];
  }
  private next(): Tok {
    return this.toks[this.i++];
  }
  private isOp(text: string): boolean {
    const t = this.peek();
    return (t.kind === "op" || t.kind === "name") && t.text === text;
  }
  private eat(text: string): boolean {
    if (this.isOp(text)) {
      this.i++;
      return true;
    }
    return false;
  }
  private expect(text: string): void {
    if (!this.eat(text)) {
      const t = this.peek();
      throw new SyntaxErrorAt(`expected "${text}" but found ${t.kind === "end" ? "end of line" : JSON.stringify(t.text)}`, t.pos);
    }
  }
  expectEnd(): void {
    const t = this.peek();
    if (t.kind !== "end") throw new SyntaxErrorAt(`unexpected ${JSON.stringify(t.text)}`, t.pos);
  }

  /** `a, b, c` → tuple (a single item without a trailing comma stays itself). */
  exprList(): Expr {
    const first = this.expr();
    if (!this.isOp(",")) return first;
    const items = [first];
    while (this.eat(",")) {
      if (this.atListEnd()) break;
      items.push(this.expr());
    }
    return {type: "tuple", items};
  }
  private atListEnd(): boolean {
    const t = this.peek();
    return t.kind === "end" || (t.kind === "op" && [")", "]", "}", "=", ":"].includes(t.text));
  }

  expr(): Expr {
    if (this.eat("lambda")) return this.lambda();
    if (this.eat("not")) return {type: "unary", op: "not", arg: this.expr()};
    const e = this.binary(0);
    if (!this.eat("if")) return e;
    const cond = this.binary(0);
    this.expect("else");
    return {type: "ifelse", cond, then: e, orelse: this.expr()};
  }

  /** `lambda a, b=1: body` (defaults are read and dropped: a lambda is called with all its arguments). */
  private lambda(): Expr {
    const params: string[] = [];
    while (!this.eat(":")) {
      const t = this.next();
      if (t.kind !== "name") throw new SyntaxErrorAt("expected a parameter name in lambda", t.pos);
      params.push(t.text);
      if (this.eat("=")) this.expr();
      if (!this.eat(",")) {
        this.expect(":");
        break;
      }
    }
    return {type: "lambda", params, body: this.expr()};
  }

  /** The `for … in … if …` clauses after a comprehension's element. */
  private clauses(): CompClause[] {
    const out: CompClause[] = [];
    while (this.eat("for")) {
      const target = this.target();
      this.expect("in");
      const iter = this.binary(0);
      const ifs: Expr[] = [];
      while (this.eat("if")) ifs.push(this.binary(0));
      out.push({target, iter, ifs});
    }
    return out;
  }

  /** A loop target: names, possibly in (nested) tuples, up to `in`. */
  private target(): Expr {
    const one = (): Expr => {
      if (this.eat("(")) {
        const t = this.target();
        this.expect(")");
        return t;
      }
      const t = this.next();
      if (t.kind !== "name") throw new SyntaxErrorAt("expected a name in a for target", t.pos);
      return {type: "name", id: t.text};
    };
    const items = [one()];
    while (this.eat(",")) items.push(one());
    return items.length === 1 ? items[0] : {type: "tuple", items};
  }

  private binary(level: number): Expr {
    if (level >= BINARY.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      if ((t.kind === "op" || t.kind === "name") && BINARY[level][0].includes(t.text)) {
        this.i++;
        const right = this.binary(level + 1);
        left = {type: "bin", op: t.text, left, right};
      } else return left;
    }
  }

  private unary(): Expr {
    if (this.eat("-")) return {type: "unary", op: "-", arg: this.unary()};
    if (this.eat("~")) return {type: "unary", op: "~", arg: this.unary()};
    if (this.eat("+")) return this.unary();
    return this.power();
  }

  private power(): Expr {
    const base = this.postfix();
    if (this.eat("**")) return {type: "bin", op: "**", left: base, right: this.unary()};
    return base;
  }

  private postfix(): Expr {
    let e = this.atom();
    for (;;) {
      if (this.eat(".")) {
        const t = this.next();
        if (t.kind !== "name") throw new SyntaxErrorAt("expected a name after '.'", t.pos);
        e = {type: "attr", obj: e, name: t.text};
      } else if (this.eat("(")) {
        const args: Expr[] = [];
        const kwargs: Record<string, Expr> = {};
        const stars: number[] = [];
        while (!this.eat(")")) {
          const t = this.peek();
          const after = this.toks[this.i + 1];
          if (t.kind === "name" && after.kind === "op" && after.text === "=") {
            this.i += 2;
            kwargs[t.text] = this.expr();
          } else {
            if (this.eat("*")) {
              if (!this.eat("*")) stars.push(args.length);
            } else if (this.eat("**")) {
              /* **kwargs: passed on as a positional dict (rare; reported by whoever calls) */
            }
            const arg = this.expr();
            args.push(this.isOp("for") ? {type: "listcomp", elt: arg, clauses: this.clauses()} : arg);
          }
          if (!this.eat(",")) {
            this.expect(")");
            break;
          }
        }
        e = stars.length ? {type: "call", fn: e, args, kwargs, stars} : {type: "call", fn: e, args, kwargs};
      } else if (this.eat("[")) {
        const items: Expr[] = [];
        do {
          if (this.isOp("]")) break;
          items.push(this.sliceItem());
        } while (this.eat(","));
        this.expect("]");
        e = {type: "index", obj: e, index: items.length === 1 ? items[0] : {type: "tuple", items}};
      } else return e;
    }
  }

  private sliceItem(): Expr {
    const lo = this.isOp(":") ? null : this.expr();
    if (!this.eat(":")) {
      if (lo === null) throw new SyntaxErrorAt("empty subscript", this.peek().pos);
      return lo;
    }
    const hi = this.isOp(",") || this.isOp("]") || this.isOp(":") ? null : this.expr();
    if (!this.eat(":")) return {type: "slice", lo, hi};
    const step = this.isOp(",") || this.isOp("]") ? null : this.expr();
    return {type: "slice", lo, hi, step};
  }

  private atom(): Expr {
    const t = this.next();
    if (t.kind === "num") return {type: "num", value: Number(t.text)};
    if (t.kind === "str") {
      let value = t.text;
      let f = !!t.f;
      while (this.peek().kind === "str") {
        f ||= !!this.peek().f;
        value += this.next().text; // implicit concatenation
      }
      return f ? {type: "str", value, fstring: true} : {type: "str", value};
    }
    if (t.kind === "name") {
      if (t.text === "True" || t.text === "False") return {type: "const", value: t.text === "True"};
      if (t.text === "None") return {type: "const", value: null};
      return {type: "name", id: t.text};
    }
    if (t.kind === "op" && t.text === "...") return {type: "name", id: "Ellipsis"};
    if (t.kind === "op" && t.text === "(") {
      if (this.eat(")")) return {type: "tuple", items: []};
      const first = this.expr();
      if (this.isOp("for")) {
        const comp: Expr = {type: "listcomp", elt: first, clauses: this.clauses()};
        this.expect(")");
        return comp;
      }
      if (this.eat(")")) return first;
      const items = [first];
      while (this.eat(",")) {
        if (this.isOp(")")) break;
        items.push(this.expr());
      }
      this.expect(")");
      return {type: "tuple", items};
    }
    if (t.kind === "op" && t.text === "[") {
      const items: Expr[] = [];
      while (!this.eat("]")) {
        items.push(this.expr());
        if (items.length === 1 && this.isOp("for")) {
          const comp: Expr = {type: "listcomp", elt: items[0], clauses: this.clauses()};
          this.expect("]");
          return comp;
        }
        if (!this.eat(",")) {
          this.expect("]");
          break;
        }
      }
      return {type: "list", items};
    }
    if (t.kind === "op" && t.text === "{") {
      const entries: [Expr, Expr][] = [];
      while (!this.eat("}")) {
        const k = this.expr();
        this.expect(":");
        entries.push([k, this.expr()]);
        if (entries.length === 1 && this.isOp("for")) {
          const comp: Expr = {type: "dict", entries, clauses: this.clauses()};
          this.expect("}");
          return comp;
        }
        if (!this.eat(",")) {
          this.expect("}");
          break;
        }
      }
      return {type: "dict", entries};
    }
    throw new SyntaxErrorAt(t.kind === "end" ? "unexpected end of line" : `unexpected ${JSON.stringify(t.text)}`, t.pos);
  }
}

export function parseExpr(s: string): Expr {
  return Parser.parse(s);
}

/** A dotted name (`tf.keras.layers.Dense`) or null. */
export function dotted(e: Expr): string | null {
  if (e.type === "name") return e.id;
  if (e.type === "attr") {
    const o = dotted(e.obj);
    return o === null ? null : `${o}.${e.name}`;
  }
  return null;
}

/** Python-ish source text of an expression (for messages). */
export function show(e: Expr): string {
  switch (e.type) {
    case "name":
      return e.id;
    case "num":
      return String(e.value);
    case "str":
      return JSON.stringify(e.value);
    case "const":
      return e.value === null ? "None" : e.value ? "True" : "False";
    case "tuple":
      return `(${e.items.map(show).join(", ")}${e.items.length === 1 ? "," : ""})`;
    case "list":
      return `[${e.items.map(show).join(", ")}]`;
    case "dict":
      return `{${e.entries.map(([k, v]) => `${show(k)}: ${show(v)}`).join(", ")}${e.clauses ? ` ${showClauses(e.clauses)}` : ""}}`;
    case "attr":
      return `${show(e.obj)}.${e.name}`;
    case "call":
      return `${show(e.fn)}(${[...e.args.map((a, i) => (e.stars?.includes(i) ? "*" : "") + show(a)), ...Object.entries(e.kwargs).map(([k, v]) => `${k}=${show(v)}`)].join(", ")})`;
    case "index":
      return `${show(e.obj)}[${e.index.type === "tuple" ? e.index.items.map(show).join(", ") : show(e.index)}]`;
    case "slice":
      return `${e.lo ? show(e.lo) : ""}:${e.hi ? show(e.hi) : ""}${e.step ? `:${show(e.step)}` : ""}`;
    case "ifelse":
      return `${show(e.then)} if ${show(e.cond)} else ${show(e.orelse)}`;
    case "unary":
      return e.op === "not" ? `not ${show(e.arg)}` : `${e.op}${show(e.arg)}`;
    case "bin":
      return `${show(e.left)} ${e.op} ${show(e.right)}`;
    case "listcomp":
      return `[${show(e.elt)} ${showClauses(e.clauses)}]`;
    case "lambda":
      return `lambda ${e.params.join(", ")}: ${show(e.body)}`;
  }
}

function showClauses(clauses: CompClause[]): string {
  return clauses.map((c) => `for ${c.target.type === "tuple" ? c.target.items.map(show).join(", ") : show(c.target)} in ${show(c.iter)}${c.ifs.map((x) => ` if ${show(x)}`).join("")}`).join(" ");
}
