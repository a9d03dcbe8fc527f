/**
 * Recursive-descent parser for the LaTeX subset of the tutorials: \frac, \sum_{i=1}^{n}, \log, \sqrt, \sigma(…),
 * \hat{y}_i, y_i', sub/superscripts, \nabla_w J, \frac{\partial L}{\partial W}, \cdot, \text{softmax}, QK^T,
 * \left(…\right), \begin{aligned}…\end{aligned}, `\\` systems, `\quad (t \to \infty)`, implicit multiplication.
 * Anything else is a FormulaError with the offending token and its offset.
 */
import {FormulaError, symKey, type Formula, type Line, type Node, type NodeOf, type Relation} from "./ast.js";
import {tokenize, type Token} from "./lex.js";
import {FormulaLimitError, MAX_NESTING, checkTree} from "./limits.js";
import {toLatex} from "./print.js";

export const GREEK = new Set([
  "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota", "kappa",
  "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega",
  "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Phi", "Psi", "Omega", "ell"
]);
/** Functions written as commands. */
export const FUNCTION_CMDS = new Set(["log", "ln", "exp", "sin", "cos", "tan", "tanh", "sinh", "cosh", "max", "min", "arcsin", "arccos", "arctan", "det"]);
/** Words that join two equations in one display (`\text{ and }`, `\text{where}`, `\text{其中}`). */
const CONNECTOR_WORD = "(?:and|or|where|with|for|for all|if|then|while|so|hence|thus|therefore|since|because|i\\.e\\.|e\\.g\\.|s\\.t\\.|且|和|以及|其中|则|即|所以|因此|从而|于是|故)";
/** One connector word, or several (`and hence`, `so that`, `从而得到`), with punctuation between them. */
const CONNECTORS = new RegExp(`^[,，]?\\s*${CONNECTOR_WORD}(?:[\\s,，]*(?:${CONNECTOR_WORD.slice(3, -1)}|that|we get|we have|gives|yields|得到|有|可得))*[,，:：]?$`, "i");
/** Fonts a subscript name may come in: `\mu_\mathcal{B}` (the batch B), `x_\mathbf{t}`. */
const SCRIPT_FONTS = new Set(["mathcal", "mathbb", "mathbf", "boldsymbol", "mathscr", "mathfrak", "bm"]);
const TEXT_CMDS = new Set(["text", "mathrm", "operatorname", "textrm", "textit", "mathit", "mathsf", "textbf"]);
const STYLE_CMDS = new Set(["mathbf", "boldsymbol", "bm", "mathbb", "mathcal", "mathbfit"]);
const ACCENTS = new Set(["hat", "bar", "tilde", "vec", "dot", "widehat", "widetilde", "overline"]);
const RELATION_CMDS: Record<string, Relation> = {
  to: "\\to", rightarrow: "\\to", longrightarrow: "\\to", approx: "\\approx", leq: "\\le", le: "\\le",
  geq: "\\ge", ge: "\\ge", neq: "\\neq", ne: "\\neq", equiv: "=",
  // membership and distribution (x \in \mathbb{R}^d, \epsilon \sim N(0, 1)): stated relations, not values
  in: "\\in", sim: "\\sim",
  // Assignments read as equations: `w \leftarrow w - \eta g`, `w := …`, `\theta \gets …`.
  leftarrow: "=", gets: "=", coloneqq: "=", triangleq: "=", doteq: "="
};
const ASSIGN_CMDS = new Set(["leftarrow", "gets", "coloneqq"]);
const TERMINATOR_CMDS = new Set(["quad", "qquad", "right", "end", "cdot", "times", "ast", "odot", "circledast", "}", "rvert", "rVert", "mid", "rfloor", "rceil", ...Object.keys(RELATION_CMDS)]);
const ELLIPSIS = new Set(["ldots", "dots", "cdots", "vdots"]);
const ENVIRONMENTS = new Set(["aligned", "align", "align*", "gathered", "split", "equation", "equation*", "gather", "gather*"]);

const NO_FUNCTIONS: ReadonlySet<string> = new Set();

const MATRIX_ENVIRONMENTS = new Set(["pmatrix", "bmatrix", "Bmatrix", "matrix", "smallmatrix"]);
/** Piecewise definitions: `\\` separates the branches, `&` a branch's value from its condition. */
const CASES_ENVIRONMENTS = new Set(["cases", "dcases", "rcases"]);
/** Builtin functions written as a Greek capital: `\Phi(x)` is the standard normal CDF unless the chapter defines Φ. */
const GREEK_BUILTINS: Record<string, string> = {Phi: "Phi"};
/** The relation of a condition (cases, indicators) → the builtin comparing its sides. */
const CONDITION_FN: Partial<Record<Relation, string>> = {"=": "eq", "<": "lt", ">": "gt", "\\le": "le", "\\ge": "ge", "\\neq": "neq"};
/** A branch of cases that holds where the others do not (`\text{otherwise}`, `\text{其他}`). */
const OTHERWISE = /^(?:otherwise|else|elsewhere|others?|其他|其它|否则|其余|其他情况|其它情况)$/i;
/** Words that introduce a branch's condition (`\text{if } y = 1`). */
const CONDITION_WORD = /^(?:if|when|for|where|若|如果|当)$/i;

/** `&` separates a matrix row's entries and a branch's value from its condition in cases; anywhere else (aligned) it is
 * only alignment and is dropped. */
function keepMatrixAmpersands(toks: Token[], latex: string): Token[] {
  const out: Token[] = [];
  const envs: boolean[] = [];
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k];
    if (t.kind === "cmd" && (t.text === "begin" || t.text === "end") && toks[k + 1]?.kind === "op" && toks[k + 1].text === "{") {
      const close = toks.findIndex((x, j) => j > k && x.kind === "op" && x.text === "}");
      const name = close > 0 ? latex.slice(toks[k + 1].end, toks[close].start).trim() : "";
      if (t.text === "begin") envs.push(MATRIX_ENVIRONMENTS.has(name) || CASES_ENVIRONMENTS.has(name));
      else envs.pop();
    }
    if (t.kind === "op" && t.text === "&" && !envs[envs.length - 1]) continue;
    out.push(t);
  }
  return out;
}

export interface ParseOptions {
  /**
   * Names the chapter defines as functions (see definedFunctions): `\ell(a, c)`, `\phi(z)`, `\mathcal{L}(w, b)` are
   * calls wherever they are followed by `(`, not products. Single capitals, f/g/h and multi-letter names always are.
   */
  functions?: ReadonlySet<string>;
  /** The chapter writes Φ for the standard normal CDF: φ(x) (\phi, \varphi) applied to an argument is its density. */
  normalDensity?: boolean;
}

/** Parses LaTeX into lines of relation chains. Throws FormulaError (offset, token) on anything it does not know. */
export function parseFormula(latex: string, options: ParseOptions = {}): Formula {
  const f = new Parser(latex, options.functions, options.normalDensity).formula();
  // Long operator chains (`a b c d …`, `a/b/c/…`) deepen the tree without nesting: bound what later stages walk.
  const check = (l: Line): void => {
    checkTree(l.first, latex);
    for (const r of l.rest) checkTree(r.node, latex);
    if (l.annotation) check(l.annotation);
  };
  f.lines.forEach(check);
  return f;
}

/**
 * Names a formula defines as functions: the left side of `=` is a bare symbol applied to a parenthesised list of
 * bare symbols (`\ell(a, c) = …`, `\phi(z) = …`, `\mathcal{L}(w, b) = …`), which the parser first reads as a product.
 */
export function definedFunctions(f: Formula): string[] {
  const out: string[] = [];
  for (const line of f.lines) {
    const lhs = line.first;
    // \Phi(x) = …, \mathrm{softplus}(x) = …: the chapter's own function, not the builtin of that name
    if (line.rest[0]?.rel === "=" && lhs.type === "call" && lhs.builtin && SOFT_BUILTINS.has(lhs.fn) && lhs.args.every((a) => a.type === "sym")) {
      const greek = Object.keys(GREEK_BUILTINS).find((g) => GREEK_BUILTINS[g] === lhs.fn);
      // (φ read as the normal density beside Φ: the chapter's own φ, written \phi or \varphi)
      if (lhs.fn === "phi") out.push("\\phi", "\\varphi");
      else out.push(greek ? `\\${greek}` : lhs.fn);
    }
    if (line.rest[0]?.rel !== "=" || lhs.type !== "mul" || lhs.op !== "implicit") continue;
    const {left, right} = lhs;
    if (left.type !== "sym" || left.sub) continue;
    const args = right.type === "paren" && right.delim === "()" ? [right.arg] : right.type === "tuple" ? right.items : [];
    if (args.length && args.every((a) => a.type === "sym")) out.push(left.name);
  }
  return out;
}

/** Parses a single expression (no relations); throws when there is more. */
export function parseExpression(latex: string): Node {
  const f = parseFormula(latex);
  if (f.lines.length !== 1 || f.lines[0].rest.length) throw new FormulaError("expected one expression, not an equation or system", 0, "", latex);
  return f.lines[0].first;
}

class Parser {
  private pos = 0;
  /** Current nesting depth (primaries, braced scripts, prefix minus, annotations), bounded by MAX_NESTING. */
  private depth = 0;
  /** Open `|…|` (absolute value) and `\|…\|` (norm) bars: inside one, its closing bar ends the factor. */
  private bars = 0;
  private norms = 0;
  /** Set by a line that ends in `, \quad`: the next equation of the same display follows. */
  private split = false;
  /** Tokens that separate a call's arguments like commas: `\|` in D(p \| q), `\mid` / `|` in P(y \mid \lambda). */
  private readonly separators = new Set<Token>();
  private readonly toks: Token[];
  constructor(private readonly latex: string, private readonly functions: ReadonlySet<string> = NO_FUNCTIONS, private readonly normalDensity = false) {
    this.toks = keepMatrixAmpersands(tokenize(latex), latex);
  }

  private peek(k = 0): Token {
    return this.toks[Math.min(this.pos + k, this.toks.length - 1)];
  }
  private next(): Token {
    const t = this.toks[this.pos];
    if (this.pos < this.toks.length - 1) this.pos++;
    return t;
  }
  private fail(reason: string, t: Token = this.peek()): never {
    throw new FormulaError(reason, t.start, t.kind === "cmd" ? `\\${t.text}` : t.text, this.latex);
  }
  /** Runs one nesting level deeper; a formula nested past MAX_NESTING is a FormulaLimitError (not a stack overflow). */
  private nest<T>(parse: () => T): T {
    if (++this.depth > MAX_NESTING) {
      const t = this.peek();
      throw new FormulaLimitError("depth", `formula nested deeper than ${MAX_NESTING} levels`, Math.min(t.start, this.latex.length), t.kind === "cmd" ? `\\${t.text}` : t.text, this.latex);
    }
    const out = parse();
    this.depth--;
    return out;
  }
  private isOp(t: Token, text: string): boolean {
    return t.kind === "op" && t.text === text;
  }
  private isCmd(t: Token, text: string): boolean {
    return t.kind === "cmd" && t.text === text;
  }
  private expectOp(text: string, what: string): Token {
    const t = this.peek();
    if (!this.isOp(t, text)) this.fail(`expected "${text}" ${what}, found ${describe(t)}`);
    return this.next();
  }

  formula(): Formula {
    let environment: string | undefined;
    let lines: Line[];
    if (this.isCmd(this.peek(), "begin") && CASES_ENVIRONMENTS.has(this.envNameAt(this.pos))) {
      ({lines, environment} = this.topLevelCases());
    } else if (this.isCmd(this.peek(), "begin")) {
      const beginTok = this.next();
      environment = this.rawGroup();
      if (!ENVIRONMENTS.has(environment)) this.fail(`unsupported environment "${environment}"`, beginTok);
      lines = this.lines(() => this.isCmd(this.peek(), "end"));
      this.endEnvironment(environment, true);
    } else {
      lines = this.lines(() => this.peek().kind === "eof");
    }
    if (this.peek().kind !== "eof") this.fail(`unexpected ${describe(this.peek())}`);
    return {latex: this.latex, lines, ...(environment ? {environment} : {})};
  }

  /**
   * After `\Delta`: the quantity it is the change of, consumed (`\theta` when a Greek letter follows,
   * ` w` for a one-letter word), else undefined (also before a call: `\Delta \sigma(z)` is Δ times σ(z)).
   */
  private changeOf(): string | undefined {
    const t = this.peek(), after = this.peek(1);
    // not \Delta \sigma(z): Δ times a call
    if (this.isOp(after, "(") || this.isCmd(after, "left")) return undefined;
    if (t.kind === "cmd" && GREEK.has(t.text) && t.text !== "Delta") {
      this.next();
      return `\\${t.text}`;
    }
    if (t.kind === "word" && t.text.length === 1 && /[a-zA-Z]/.test(t.text)) {
      this.next();
      return ` ${t.text}`;
    }
    // \Delta \mathbf{w}, \Delta \boldsymbol{\theta}, \Delta\boldsymbol\theta: the change of a bold quantity (bold drops, as in \mathbf{w} alone)
    if (t.kind === "cmd" && (t.text === "mathbf" || t.text === "boldsymbol" || t.text === "bm")) {
      const [a, b, c] = [this.peek(1), this.peek(2), this.peek(3)];
      const letter = (x: typeof b) => (x.kind === "word" && x.text.length === 1 && /[a-zA-Z]/.test(x.text) ? ` ${x.text}` : x.kind === "cmd" && GREEK.has(x.text) ? `\\${x.text}` : undefined);
      if (this.isOp(a, "{") && letter(b) && this.isOp(c, "}") && !this.isOp(this.peek(4), "(")) {
        for (let k = 0; k < 4; k++) this.next();
        return letter(b);
      }
      if (a.kind === "cmd" && GREEK.has(a.text) && !this.isOp(b, "(")) {
        this.next();
        this.next();
        return `\\${a.text}`;
      }
    }
    return undefined;
  }

  /** The name of the environment `\begin{name}` at token k ("" when there is none). */
  private envNameAt(k: number): string {
    if (!this.isCmd(this.toks[k], "begin") || !this.isOp(this.toks[k + 1] ?? this.toks[k], "{")) return "";
    const close = this.toks.findIndex((x, j) => j > k && this.isOp(x, "}"));
    return close > 0 ? this.latex.slice(this.toks[k + 1].end, this.toks[close].start).trim() : "";
  }

  /**
   * A formula that is one cases environment: a piecewise expression (`\begin{cases} x & x > 0 \\ 0 & \text{otherwise}
   * \end{cases}`), else a system of equations, one per row (`&` only aligns).
   */
  private topLevelCases(): {lines: Line[]; environment?: string} {
    const start = this.pos;
    try {
      return {lines: this.lines(() => this.peek().kind === "eof")};
    } catch (e) {
      if (!(e instanceof FormulaError) || e instanceof FormulaLimitError) throw e;
      this.pos = start;
      this.depth = 0;
      this.bars = this.norms = 0;
      this.split = false;
      this.separators.clear();
      for (let k = this.toks.length - 1; k >= 0; k--) if (this.isOp(this.toks[k], "&")) this.toks.splice(k, 1);
      this.next();
      const environment = this.rawGroup();
      const lines = this.lines(() => this.isCmd(this.peek(), "end"));
      this.endEnvironment(environment);
      return {lines, environment};
    }
  }

  private lines(atEnd: () => boolean): Line[] {
    if (atEnd() || this.peek().kind === "eof") this.fail("empty formula");
    const lines = [this.line()];
    while (this.peek().kind === "newline" || this.split) {
      if (this.split) this.split = false;
      else this.next();
      if (atEnd() || this.peek().kind === "eof") break; // trailing \\
      // `s_t &= A \\ &= B`: a line that starts with a relation continues the chain of the line before.
      const last = lines[lines.length - 1];
      if (this.relationAt(this.peek()) && last.rest.length && !last.annotation) {
        const more = this.nest(() => this.continuation());
        lines[lines.length - 1] = {...last, rest: [...last.rest, ...more], end: this.prevEnd()};
        continue;
      }
      lines.push(this.line());
    }
    return lines;
  }

  private relationAt(t: Token): Relation | undefined {
    if (t.kind === "op" && (t.text === "=" || t.text === "<" || t.text === ">")) return t.text as Relation;
    if (t.kind === "op" && t.text === ":=") return "=";
    if (t.kind === "cmd") return RELATION_CMDS[t.text];
    return undefined;
  }

  /** The relations of a continued chain (`= B = C` on a line of its own), with the line's closing punctuation. */
  private continuation(): Line["rest"] {
    const rest: Line["rest"] = [];
    for (let rel = this.relationAt(this.peek()); rel; rel = this.relationAt(this.peek())) {
      this.next();
      rest.push({rel, node: this.list()});
    }
    if ((this.isOp(this.peek(), ".") || this.isOp(this.peek(), ",") || this.isOp(this.peek(), ";")) && this.endsLine(this.peek(1))) this.next();
    return rest;
  }

  private line(): Line {
    return this.nest(() => this.lineAt());
  }

  private lineAt(): Line {
    const start = this.peek().start;
    const first = this.list();
    const rest: Line["rest"] = [];
    const t0 = this.peek();
    const assign = !!this.relationAt(t0) && (this.isOp(t0, ":=") || (t0.kind === "cmd" && ASSIGN_CMDS.has(t0.text)));
    for (let rel = this.relationAt(this.peek()); rel; rel = this.relationAt(this.peek())) {
      this.next();
      rest.push({rel, node: this.list()});
    }
    let annotation: Line | undefined;
    // `a = 1 \text{ and } b = 2`: two equations joined by a word.
    if (rest.length && this.depth === 1 && (this.connectorAt(this.pos) || (this.isOp(this.peek(), ",") && this.connectorAt(this.pos + 1)))) {
      if (this.isOp(this.peek(), ",")) this.next();
      this.next();
      this.rawGroup();
      if (this.isOp(this.peek(), ",")) this.next();
      if (!this.endsLine(this.peek())) this.split = true;
      return {start, end: this.prevEnd(), first, rest, ...(assign ? {assign} : {})};
    }
    // Sentence punctuation closing the formula or its line (`… + b.`, `… = 0,` before `\\`): no meaning.
    if ((this.isOp(this.peek(), ".") || this.isOp(this.peek(), ",") || this.isOp(this.peek(), ";")) && this.endsLine(this.peek(1))) this.next();
    // `a = 1, \quad b = 2`: two equations side by side.
    // (`\tau = 1:\quad a \approx …`, `a = 1;\quad b = 2`: a colon or semicolon before the space too)
    if ((this.isOp(this.peek(), ",") || this.isOp(this.peek(), ":") || this.isOp(this.peek(), ";")) && this.isQuad(this.peek(1)) && rest.length && this.depth === 1) {
      this.next();
      this.next();
      if (this.peek().kind !== "eof" && this.peek().kind !== "newline" && !this.isCmd(this.peek(), "end")) this.split = true;
      return {start, end: this.prevEnd(), first, rest, ...(assign ? {assign} : {})};
    }
    if (this.isCmd(this.peek(), "quad") || this.isCmd(this.peek(), "qquad")) {
      this.next();
      if (this.isOp(this.peek(), "(")) {
        this.next();
        annotation = this.line();
        this.expectOp(")", "to close the annotation");
      } else if (this.peek().kind !== "eof" && this.peek().kind !== "newline") {
        annotation = this.line();
      }
    }
    return {start, end: this.prevEnd(), first, rest, ...(annotation ? {annotation} : {}), ...(assign ? {assign} : {})};
  }

  /** Whether t ends a line of the formula (the end, `\\`, `\end{…}`). */
  private endsLine(t: Token): boolean {
    return t.kind === "eof" || t.kind === "newline" || this.isCmd(t, "end");
  }

  private isQuad(t: Token): boolean {
    return this.isCmd(t, "quad") || this.isCmd(t, "qquad");
  }

  private prevEnd(): number {
    return this.toks[Math.max(0, this.pos - 1)].end;
  }

  private list(): Node {
    const start = this.peek().start;
    const items = [this.expr()];
    while (this.isOp(this.peek(), ",") && !this.isQuad(this.peek(1)) && !this.endsLine(this.peek(1)) && !this.connectorAt(this.pos + 1)) {
      this.next();
      items.push(this.expr());
    }
    return items.length === 1 ? items[0] : {type: "list", items, start, end: this.prevEnd()};
  }

  private expr(): Node {
    const start = this.peek().start;
    let sign: 1 | -1 = 1;
    if (this.isOp(this.peek(), "-")) {
      this.next();
      sign = -1;
    } else if (this.isOp(this.peek(), "+")) this.next();
    const terms: {sign: 1 | -1; node: Node}[] = [{sign, node: this.term()}];
    while (this.isOp(this.peek(), "+") || this.isOp(this.peek(), "-")) {
      const s = this.next().text === "+" ? 1 : -1;
      terms.push({sign: s, node: this.term()});
    }
    if (terms.length === 1) return sign === 1 ? terms[0].node : {type: "neg", arg: terms[0].node, start, end: this.prevEnd()};
    return {type: "add", terms, start, end: this.prevEnd()};
  }

  private startsFactor(t: Token): boolean {
    if (this.separators.has(t)) return false;
    if (t.kind === "num" || t.kind === "word") return true;
    if (t.kind === "op") return t.text === "(" || t.text === "[" || t.text === "{" || (t.text === "|" && this.bars === 0);
    if (t.kind === "cmd") return t.text === "|" ? this.norms === 0 : !TERMINATOR_CMDS.has(t.text) && !this.connectorAt(this.pos);
    return false;
  }

  /**
   * The next token continues a function's argument written without parentheses: a number, a letter or a Greek
   * letter (with its scripts), or a bold/accented symbol, not followed by "(" (a call), with no explicit space
   * (\, \; \quad ~) before it.
   */
  private continuesBareArgument(): boolean {
    const t = this.peek();
    if (this.separators.has(t) || /\\[,;:!>]|\\q?quad|~/.test(this.latex.slice(this.prevEnd(), t.start))) return false;
    const symbolic = t.kind === "num" || (t.kind === "word" && !isCallableName(t.text) && !this.functions.has(t.text)) ||
      (t.kind === "cmd" && ((GREEK.has(t.text) && !this.functions.has(`\\${t.text}`) && t.text !== "Delta") || STYLE_CMDS.has(t.text) || ACCENTS.has(t.text)));
    if (!symbolic) return false;
    // the token's own group and scripts are part of the factor; a "(" right after the symbol makes it a call
    const after = this.toks[t.kind === "cmd" && !GREEK.has(t.text) ? this.matchingBrace(this.pos + 1) + 1 : this.pos + 1];
    return !(after && this.isOp(after, "(") && t.kind !== "num");
  }

  /** `\text{ and }`, `\textrm{where}`, `\text{且}` at token k: a word between two equations, not a factor. */
  private connectorAt(k: number): boolean {
    const t = this.toks[k];
    if (t?.kind !== "cmd" || !TEXT_CMDS.has(t.text) || !this.isOp(this.toks[k + 1] ?? t, "{")) return false;
    const close = this.matchingBrace(k + 1);
    const text = this.latex.slice(this.toks[k + 1].end, this.toks[close].start).replace(/\\[,;: ]|~/g, " ").trim();
    return CONNECTORS.test(text);
  }

  private term(): Node {
    const start = this.peek().start;
    let left = this.factor();
    for (;;) {
      const t = this.peek();
      if (this.isCmd(t, "odot") || this.isCmd(t, "circledast")) {
        // a ⊙ b: the entrywise (Hadamard) product.
        this.next();
        const right = this.factor();
        left = {type: "call", fn: "hadamard", args: [left, right], builtin: true, parens: "none", start, end: this.prevEnd()};
      } else if (this.isOp(t, "*") || this.isCmd(t, "cdot") || this.isCmd(t, "times") || this.isCmd(t, "ast")) {
        this.next();
        const right = this.factor();
        left = {type: "mul", left, right, op: "cdot", start, end: this.prevEnd()};
      } else if (this.isOp(t, "/")) {
        this.next();
        const den = this.factor();
        left = {type: "div", num: left, den, frac: false, start, end: this.prevEnd()};
      } else if (this.isOp(t, "|") && this.bars === 0 && this.isOp(this.peek(1), "_")) {
        // \frac{\partial L}{\partial w}\Big|_{w=1}: the derivative at a point (\Big is only sizing)
        this.next();
        left = this.atPoint(left);
      } else if (this.startsFactor(t)) {
        const right = this.factor();
        left = {type: "mul", left, right, op: "implicit", start, end: this.prevEnd()};
      } else break;
    }
    return left;
  }

  private factor(): Node {
    const t = this.peek();
    if (this.isOp(t, "-")) {
      this.next();
      const arg = this.nest(() => this.factor());
      return {type: "neg", arg, start: t.start, end: this.prevEnd()};
    }
    const p = this.primary();
    const named = p.type === "sym" && !p.sub ? this.bracketSymbol(p) : undefined;
    const q = this.postfix(named ?? p);
    return (q.type === "sym" && this.separatedCall(q)) || q;
  }

  /**
   * `E[g^2]_t`: a one-letter symbol, a bracket and a subscript are one symbol named by the bracket (`E[g^{2}]`) with
   * that subscript, so a recurrence can run over it. Without a subscript `E[x]` is not read here.
   */
  private bracketSymbol(p: NodeOf<"sym">): Node | undefined {
    if (!/^[A-Za-z]$/.test(p.name) || !this.isOp(this.peek(), "[") || this.peek().spaceBefore) return undefined;
    const close = this.groupEnd(this.pos);
    if (close < 0 || !this.isOp(this.toks[close + 1] ?? this.peek(), "_")) return undefined;
    this.next();
    const inner = this.nest(() => this.expr());
    this.expectOp("]", `to close ${p.name}[…]`);
    return {type: "sym", name: `${p.name}[${toLatex(inner)}]`, start: p.start, end: this.prevEnd()};
  }

  /** `p(x \mid \theta)`, `D_{KL}(p \| q)`: a symbol applied to arguments a separator splits is a call of it. */
  private separatedCall(q: NodeOf<"sym">): Node | undefined {
    const t = this.peek();
    const at = this.isOp(t, "(") ? this.pos : this.isCmd(t, "left") && this.isOp(this.peek(1), "(") ? this.pos + 1 : -1;
    if (at < 0 || !this.markSeparators(at)) return undefined;
    return this.maybeCall(q, symKey(q.name, q.subText), true);
  }

  /** Index of the token closing the bracket opened at token i (-1 when it is not closed). */
  private groupEnd(i: number): number {
    let depth = 0;
    for (let j = i; j < this.toks.length; j++) {
      const t = this.toks[j];
      if ((t.kind === "op" && (t.text === "(" || t.text === "[" || t.text === "{")) || this.isCmd(t, "{")) depth++;
      else if ((t.kind === "op" && (t.text === ")" || t.text === "]" || t.text === "}")) || this.isCmd(t, "}")) {
        if (--depth === 0) return j;
      } else if (t.kind === "eof") break;
    }
    return -1;
  }

  /** The tokens directly inside the bracket opened at token i (not inside nested brackets). */
  private topLevel(i: number): Token[] {
    const close = this.groupEnd(i);
    const out: Token[] = [];
    let depth = 0;
    for (let j = i + 1; j < close; j++) {
      const t = this.toks[j];
      if ((t.kind === "op" && (t.text === "(" || t.text === "[" || t.text === "{")) || this.isCmd(t, "{")) depth++;
      else if ((t.kind === "op" && (t.text === ")" || t.text === "]" || t.text === "}")) || this.isCmd(t, "}")) depth--;
      else if (depth === 0) out.push(t);
    }
    return out;
  }

  /**
   * Marks the separators of the parenthesised arguments opened at token i: every `\mid`, else a single `\|`, else a
   * single `|` (two bars are an absolute value, two `\|` a norm). Says whether there was one.
   */
  private markSeparators(i: number): boolean {
    const top = this.topLevel(i);
    const mids = top.filter((t) => this.isCmd(t, "mid"));
    const norms = top.filter((t) => this.isCmd(t, "|"));
    const bars = top.filter((t) => this.isOp(t, "|"));
    const seps = mids.length ? mids : norms.length === 1 ? norms : bars.length === 1 && !norms.length ? bars : [];
    for (const t of seps) this.separators.add(t);
    return seps.length > 0;
  }

  /** A relation (chain) read as a condition: `|r| \le \delta`, `y = 1`, `0 < x \le 1` (each link must hold). */
  private condition(): Node {
    const start = this.peek().start;
    let left = this.nest(() => this.expr());
    let out: Node | undefined;
    for (let rel = this.relationAt(this.peek()); rel; rel = this.relationAt(this.peek())) {
      const relTok = this.next();
      const fn = CONDITION_FN[rel];
      if (!fn) this.fail(`${describe(relTok)} is not a condition the engine can test`, relTok);
      const right = this.nest(() => this.expr());
      const test: Node = {type: "call", fn, args: [left, right], builtin: true, parens: "none", start: left.start, end: this.prevEnd()};
      out = out ? {type: "call", fn: "and", args: [out, test], builtin: true, parens: "none", start, end: this.prevEnd()} : test;
      left = right;
    }
    if (!out) this.fail(`expected a relation (<, \\le, =, …) in a condition, found ${describe(this.peek())}`);
    return out;
  }

  /**
   * What a derivative operator applies to: the next factor, or, when that factor is a constant coefficient
   * (`\nabla_\theta \frac{1}{B} \sum_b \ell_b`), the whole product that follows (the gradient of a constant means nothing).
   */
  private operand(): Node {
    const start = this.peek().start;
    const f = this.factor();
    const coefficient = f.type === "num" || (f.type === "div" && f.num.type === "num");
    if (!coefficient || !this.startsFactor(this.peek())) return f;
    const right = this.term();
    return {type: "mul", left: f, right, op: "implicit", start, end: this.prevEnd()};
  }

  /** Subscripts, superscripts and primes after a primary. */
  private postfix(p: Node): Node {
    let sampleOf: string | undefined; // x^{(i)} read as x_i, undone when a subscript follows (W^{(l)}_k)
    for (;;) {
      const t = this.peek();
      if (this.isOp(t, "_") && sampleOf !== undefined && p.type === "sym") {
        p = {...p, name: `${p.name}^{(${sampleOf})}`, sub: undefined, subText: undefined};
        delete (p as {sub?: Node}).sub;
        delete (p as {subText?: string}).subText;
        sampleOf = undefined;
      }
      if (this.isOp(t, "_")) {
        if (p.type === "set") {
          this.next();
          const subText = this.peekScriptRaw();
          this.skipScript();
          p = {...p, subText, end: this.prevEnd()};
          continue;
        }
        if (p.type === "call" && p.fn === "norm" && p.parens === "none") {
          // \|x\|_2 (Euclidean), \|x\|_1 (sum of absolute values), \|W\|_F (Frobenius).
          this.next();
          const raw = this.peekScriptRaw();
          if (raw !== "1" && raw !== "2" && raw !== "F") this.fail(`the norm \\|·\\|_{${raw}} is not one the engine knows`);
          this.skipScript();
          // (‖X‖_2 of a matrix is its spectral norm, the largest singular value: norm2; ‖·‖_F and ‖x‖_2 of a vector: norm)
          p = {...p, fn: raw === "1" ? "norm1" : raw === "2" ? "norm2" : "norm", end: this.prevEnd()};
          continue;
        }
        // \mathrm{softmax}(\mathbf{z})_k: the k-th entry of a function's value
        if (p.type === "call" && p.parens !== "none") {
          this.next();
          const {node} = this.scriptNode();
          p = {type: "call", fn: "entry", args: [p, node], builtin: true, parens: "none", start: p.start, end: this.prevEnd()};
          continue;
        }
        // [u]_+, (x)_+, \left[ m - d \right]_{+}: the positive part, max(u, 0)
        if (p.type === "paren" && /^[+]$/.test(this.peekScriptRawAt(this.pos + 1))) {
          this.next();
          this.skipScript();
          p = {type: "call", fn: "max", args: [p.arg, {type: "num", value: 0, start: p.end, end: p.end}], builtin: true, parens: "none", start: p.start, end: this.prevEnd()};
          continue;
        }
        if (p.type !== "sym") this.fail("a subscript on something that is not a symbol");
        if (p.sub) this.fail(`a second subscript on ${p.name}`);
        this.next();
        const {node, text} = this.scriptNode();
        p = {...p, sub: node, subText: text, end: this.prevEnd()};
        continue;
      }
      if (this.isOp(t, "^")) {
        this.next();
        const raw = this.peekScriptRaw();
        if (p.type === "set") {
          this.skipScript();
          p = {...p, supText: raw, end: this.prevEnd()};
          continue;
        }
        // x^{(i)}: the i-th sample, an index like x_i (d2l's and many books' notation), when x has no subscript
        const sample = /^\(\s*([a-z])\s*\)$/.exec(raw);
        if (sample && p.type === "sym" && !p.sub) {
          this.scriptNode(); // consume
          const at = this.prevEnd();
          p = {...p, sub: {type: "sym", name: sample[1], start: at, end: at}, subText: sample[1], end: at};
          sampleOf = sample[1];
          continue;
        }
        // x^\prime, W^{(1)\prime}: primes written as a superscript (the updated value W^{(1)}', a derivative f'')
        const primed = /^((?:\(.*\))?)\s*((?:\\prime\s*){1,3})$/.exec(raw);
        if (primed && p.type === "sym") {
          this.skipScript();
          const primes = "'".repeat(primed[2].match(/\\prime/g)!.length);
          p = {...p, name: primed[1] ? `${p.name}^{${primed[1]}}${primes}` : `${p.name}${primes}`, end: this.prevEnd()};
          continue;
        }
        if (/^\(.*\)$/.test(raw) && p.type === "sym") {
          this.scriptNode(); // consume
          p = {...p, name: `${p.name}^{${raw}}`, end: this.prevEnd()};
          continue;
        }
        if ((raw === "*" || raw === "\\ast" || raw === "\\star" || raw === "+" || raw === "-") && p.type === "sym") {
          this.skipScript();
          p = {...p, name: raw === "+" || raw === "-" ? `${p.name}^{${raw}}` : `${p.name}^*`, end: this.prevEnd()};
          continue;
        }
        // a^o_t, W^{f}_{h}: a letter as a superscript before a subscript names the quantity (the output gate's a^o), no power
        if (/^[A-Za-z]$/.test(raw) && p.type === "sym" && !p.sub) {
          const t0 = this.peek();
          const after = this.isOp(t0, "{") ? this.matchingBrace(this.pos) + 1 : t0.kind === "word" && t0.text.length === 1 ? this.pos + 1 : -1;
          if (after > 0 && this.isOp(this.toks[after] ?? t0, "_")) {
            this.skipScript();
            p = {...p, name: `${p.name}^{${raw}}`, end: this.prevEnd()};
            continue;
          }
        }
        // 53.4^\circ: degrees, π/180 of a radian
        if (raw === "\\circ") {
          this.skipScript();
          const end = this.prevEnd();
          const rad: Node = {type: "div", num: {type: "sym", name: "\\pi", start: end, end}, den: {type: "num", value: 180, start: end, end}, frac: false, start: end, end};
          p = {type: "mul", left: p, right: rad, op: "cdot", start: p.start, end};
          continue;
        }
        // ^T, ^\top, ^{\mathsf T}, ^{\mathrm{T}}: the transpose
        if (raw === "T" || raw === "\\top" || raw === "\\intercal" || /^\\(?:mathsf|mathrm|textsf|text|mathit|rm|sf)\s*(?:\{\s*T\s*\}|T)$/.test(raw)) {
          this.skipScript();
          p = {type: "transpose", arg: p, start: p.start, end: this.prevEnd()};
          continue;
        }
        const exp = this.scriptNode().node;
        p = {type: "pow", base: p, exp, start: p.start, end: this.prevEnd()};
        continue;
      }
      if (this.isOp(t, "!") && !this.isOp(this.peek(1), "=")) {
        // y!, (n+1)!: the factorial (Γ(x + 1) between the integers)
        this.next();
        p = {type: "call", fn: "factorial", args: [p], builtin: true, parens: "none", start: p.start, end: this.prevEnd()};
        continue;
      }
      if (this.isOp(t, "'")) {
        if (p.type !== "sym") this.fail("a prime on something that is not a symbol");
        this.next();
        p = {...p, name: `${p.name}'`, end: this.prevEnd()};
        continue;
      }
      return p;
    }
  }

  /** The raw LaTeX of the next script argument (a braced group or a single token), without consuming it. */
  private peekScriptRaw(): string {
    return this.peekScriptRawAt(this.pos);
  }

  private peekScriptRawAt(pos: number): string {
    const t = this.toks[pos];
    if (!t) return "";
    if (this.isOp(t, "{")) {
      const close = this.matchingBrace(pos);
      return this.latex.slice(t.end, this.toks[close].start).trim();
    }
    if (t.kind === "cmd") return `\\${t.text}`;
    if (t.kind === "word" || t.kind === "num") return t.text[0];
    return t.text;
  }

  private skipScript(): void {
    const t = this.peek();
    if (this.isOp(t, "{")) this.pos = this.matchingBrace(this.pos) + 1;
    else this.splitFirstChar();
  }

  /** Index of the `}` matching the `{` at token index i. */
  private matchingBrace(i: number): number {
    let depth = 0;
    for (let j = i; j < this.toks.length; j++) {
      const t = this.toks[j];
      if (this.isOp(t, "{")) depth++;
      else if (this.isOp(t, "}")) {
        depth--;
        if (depth === 0) return j;
      } else if (t.kind === "eof") break;
    }
    this.fail("unclosed {", this.toks[i]);
  }

  /** LaTeX takes one character as an unbraced script: `x_ij` is x_i j. Consumes that character. */
  private splitFirstChar(): Token {
    const t = this.peek();
    if ((t.kind === "word" || t.kind === "num") && t.text.length > 1) {
      const first: Token = {...t, text: t.text[0], end: t.start + 1};
      const rest: Token = {...t, text: t.text.slice(1), start: t.start + 1, spaceBefore: false};
      this.toks.splice(this.pos, 1, first, rest);
    }
    return this.next();
  }

  /** A script argument parsed as an expression (braced group or one token), with its LaTeX. */
  private scriptNode(): {node: Node; text: string} {
    const t = this.peek();
    const name = this.scriptName();
    if (name) return name;
    // w_{+}, w_-, n_{\pm}: a sign alone names (the positive and the negative class), it is not an operator
    const raw = this.peekScriptRaw();
    // D_{s=1}, x_{<t}, y_{i \ne j}: a subscript that states a condition names the quantity under it
    if (this.isOp(t, "{") && /[=<>]|\\(?:le|ge|leq|geq|ne|neq|mid)\b/.test(raw)) {
      this.skipScript();
      return {node: {type: "sym", name: raw.replace(/\s+/g, ""), start: t.start, end: this.prevEnd()}, text: raw.replace(/\s+/g, "")};
    }
    if (raw === "+" || raw === "-" || raw === "\\pm") {
      this.skipScript();
      return {node: {type: "sym", name: raw, start: t.start, end: this.prevEnd()}, text: raw};
    }
    if (this.isOp(t, "{")) {
      const close = this.matchingBrace(this.pos);
      const text = this.latex.slice(t.end, this.toks[close].start).trim();
      this.next();
      if (this.pos === close) this.fail("an empty script {}");
      const node = this.nest(() => this.list());
      if (!this.isOp(this.peek(), "}")) this.fail(`unexpected ${describe(this.peek())} in a script`);
      this.next();
      return {node, text};
    }
    if (t.kind === "word" || t.kind === "num") {
      const c = this.splitFirstChar();
      const node: Node = c.kind === "num" ? {type: "num", value: Number(c.text), start: c.start, end: c.end} : {type: "sym", name: c.text, start: c.start, end: c.end};
      return {node, text: c.text};
    }
    if (t.kind === "cmd" && (GREEK.has(t.text) || t.text === "infty")) {
      this.next();
      const node: Node = t.text === "infty" ? {type: "infinity", start: t.start, end: t.end} : {type: "sym", name: `\\${t.text}`, start: t.start, end: t.end};
      return {node, text: `\\${t.text}`};
    }
    if (this.isOp(t, "*")) {
      this.next();
      return {node: {type: "sym", name: "*", start: t.start, end: t.end}, text: "*"};
    }
    this.fail(`unexpected ${describe(t)} as a script`);
  }

  /**
   * A subscript that is a name, not an index: `\eta_{\min}`, `\eta_\max`, `\theta_{\text{new}}`, `x_{\mathrm{train}}`
   * give the symbol `min`, `max`, `new`, `train` (consumed); anything else undefined.
   */
  private scriptName(): {node: Node; text: string} | undefined {
    const t = this.peek();
    const braced = this.isOp(t, "{");
    const k = braced ? this.pos + 1 : this.pos;
    const c = this.toks[k];
    if (c?.kind !== "cmd") return undefined;
    let text: string | undefined, last = k;
    if (FUNCTION_CMDS.has(c.text)) text = c.text;
    else if ((TEXT_CMDS.has(c.text) || SCRIPT_FONTS.has(c.text)) && this.isOp(this.toks[k + 1] ?? c, "{")) {
      last = this.matchingBrace(k + 1);
      const raw = this.latex.slice(this.toks[k + 1].end, this.toks[last].start).trim();
      if (/^(?:[A-Za-z][A-Za-z0-9]*|[^\x00-\x7f\s{}\\$]+)$/.test(raw)) text = raw;
    }
    if (text === undefined) return undefined;
    if (braced && !this.isOp(this.toks[last + 1] ?? c, "}")) return undefined;
    const end = braced ? last + 1 : last;
    const node: Node = {type: "sym", name: text, start: c.start, end: this.toks[last].end};
    this.pos = end + 1;
    return {node, text};
  }

  /** `\\end{env}` closing `\\begin{env}`; a mismatch is reported at the \\end when `atEnd`, else after it. */
  private endEnvironment(env: string, atEnd = false): void {
    if (!this.isCmd(this.peek(), "end")) this.fail(`missing \\end{${env}}`);
    const endTok = this.next();
    const endName = this.rawGroup();
    if (endName !== env) this.fail(`\\begin{${env}} closed by \\end{${endName}}`, atEnd ? endTok : undefined);
  }

  /** `{...}` read as raw text (environment names, \text{...}). */
  private rawGroup(): string {
    const open = this.peek();
    if (!this.isOp(open, "{")) this.fail(`expected "{", found ${describe(open)}`);
    const close = this.matchingBrace(this.pos);
    const text = this.latex.slice(open.end, this.toks[close].start).trim();
    this.pos = close + 1;
    return text;
  }

  /** A braced group parsed as one expression (for \frac, \sqrt, accents). */
  private group(what: string): Node {
    const t = this.peek();
    if (!this.isOp(t, "{")) {
      if (this.startsFactor(t) && t.kind !== "op") {
        if (t.kind === "word" || t.kind === "num") {
          const c = this.splitFirstChar();
          return c.kind === "num" ? {type: "num", value: Number(c.text), start: c.start, end: c.end} : {type: "sym", name: c.text, start: c.start, end: c.end};
        }
        return this.primary();
      }
      this.fail(`expected {…} for ${what}, found ${describe(t)}`);
    }
    this.next();
    const node = this.list();
    if (!this.isOp(this.peek(), "}")) this.fail(`unexpected ${describe(this.peek())} in ${what}`);
    this.next();
    return node;
  }

  private primary(): Node {
    return this.nest(() => this.primaryAt());
  }

  private primaryAt(): Node {
    const t = this.peek();
    const start = t.start;
    if (t.kind === "num") {
      this.next();
      return {type: "num", value: Number(t.text), start, end: t.end};
    }
    if (t.kind === "word") {
      if (t.text.length === 2) this.splitFirstChar();
      else this.next();
      const w = this.toks[this.pos - 1];
      const sym: Node = {type: "sym", name: w.text, start, end: w.end};
      return this.maybeCall(sym, w.text, isCallableName(w.text) || this.functions.has(w.text));
    }
    if (t.kind === "op") {
      if (t.text === "(" || t.text === "[") {
        if (t.text === "(") this.markSeparators(this.pos);
        this.next();
        const close = t.text === "(" ? ")" : "]";
        const items = this.itemsUntil(() => this.isOp(this.peek(), close), `"${t.text}" at offset ${t.start} is not closed by "${close}"`);
        this.expectOp(close, `to close the "${t.text}" at offset ${t.start}`);
        const end = this.prevEnd();
        // [y ln p + (1 − y) ln(1 − p)]: one expression in brackets is a group; [1, 2] (or [0.5]) a vector
        const literal = (n: Node): boolean => n.type === "num" || (n.type === "neg" && literal(n.arg));
        if (t.text === "[" && !(items.length === 1 && !literal(items[0]))) return {type: "vector", items, start, end};
        if (t.text === "[") return {type: "paren", arg: items[0], delim: "()", start, end};
        return items.length === 1 ? {type: "paren", arg: items[0], delim: "()", start, end} : {type: "tuple", items, start, end};
      }
      if (t.text === "{") {
        this.next();
        const node = this.list();
        this.expectOp("}", `to close the "{" at offset ${t.start}`);
        return node;
      }
      if (t.text === "|") {
        this.next();
        // ||x|| written with two bars is a norm.
        if (this.isOp(this.peek(), "|")) {
          this.next();
          const arg = this.barred(() => this.isOp(this.peek(), "|") && this.isOp(this.peek(1), "|"), "abs");
          this.next();
          this.next();
          return {type: "call", fn: "norm", args: [arg], builtin: true, parens: "none", start, end: this.prevEnd()};
        }
        const arg = this.barred(() => this.isOp(this.peek(), "|"), "abs");
        this.next();
        return {type: "call", fn: "abs", args: [arg], builtin: true, parens: "none", start, end: this.prevEnd()};
      }
      this.fail(`unexpected ${describe(t)}`);
    }
    if (t.kind !== "cmd") this.fail(`unexpected ${describe(t)}`);
    const name = t.text;
    if (name === "|" || name === "lVert" || name === "lvert") {
      this.next();
      const close = name === "lvert" ? "rvert" : name === "lVert" ? "rVert" : "|";
      const fn = name === "lvert" ? "abs" : "norm";
      const arg = this.barred(() => this.isCmd(this.peek(), close), fn);
      this.next();
      return {type: "call", fn, args: [arg], builtin: true, parens: "none", start, end: this.prevEnd()};
    }
    if (GREEK.has(name)) {
      this.next();
      // \Delta\theta_t, \Delta w: the change of a quantity is one symbol (not Δ times θ)
      const changed = name === "Delta" ? this.changeOf() : undefined;
      if (changed) return {type: "sym", name: `\\Delta${changed}`, start, end: this.prevEnd()};
      const sym: Node = {type: "sym", name: `\\${name}`, start, end: t.end};
      const builtin = GREEK_BUILTINS[name] ?? (this.normalDensity && (name === "phi" || name === "varphi") ? "phi" : undefined);
      if (builtin && !this.functions.has(`\\${name}`) && (this.isOp(this.peek(), "(") || (this.isCmd(this.peek(), "left") && this.isOp(this.peek(1), "(")))) {
        const c = this.maybeCall(sym, builtin, true);
        return c.type === "call" ? {...c, fn: builtin, builtin: true} : c;
      }
      return this.maybeCall(sym, name === "sigma" ? "sigma" : `\\${name}`, name === "sigma" || this.functions.has(`\\${name}`));
    }
    if (ACCENTS.has(name)) {
      this.next();
      const inner = this.group(`\\${name}`);
      if (inner.type !== "sym" || inner.sub) this.fail(`\\${name} must be applied to a single symbol`, t);
      const accent = name === "widehat" ? "hat" : name === "widetilde" ? "tilde" : name === "overline" ? "bar" : name;
      return {type: "sym", name: `\\${accent}{${inner.name}}`, start, end: this.prevEnd()};
    }
    if (TEXT_CMDS.has(name)) {
      this.next();
      const text = this.rawGroup().replace(/\\,|\\ /g, " ").trim();
      // \text{SARSA: } δ = …, \text{情形一：} …: a label before the formula, not a name in it
      if (/[:：]$/.test(text) && this.peek().kind !== "eof") return this.primaryAt();
      if (!/^[A-Za-z][A-Za-z0-9 _-]*$/.test(text)) this.fail(`\\${name}{${text}} is not a name the engine knows`, t);
      const sym: Node = {type: "sym", name: text, start, end: this.prevEnd()};
      const called = this.maybeCall(sym, text, true);
      // \operatorname{tr} \mathbf{H}, \mathrm{det}\, A: operators that, like \log, take the factor after them
      const after = this.peek();
      if (called.type === "sym" && /^(?:tr|Tr|det)$/.test(text) && !this.functions.has(text) && !(after.kind === "eof" || after.kind === "op" && /^[=})+\-,&/]$/.test(after.text) || this.isCmd(after, "right") || this.isCmd(after, "\\"))) {
        const arg = this.factor();
        return {type: "call", fn: canonicalFn(text), args: [arg], builtin: true, parens: "none", start, end: this.prevEnd()};
      }
      return called;
    }
    if (STYLE_CMDS.has(name)) {
      const indicator = this.indicator();
      if (indicator) return indicator;
      this.next();
      const inner = this.group(`\\${name}`);
      if (inner.type === "num" && inner.value === 0 && name !== "mathbb" && name !== "mathcal") return {...inner, bold: true};
      // \mathcal{L}(w, b): a function when the chapter defines one by that name
      return inner.type === "sym" && !inner.sub && this.functions.has(inner.name) ? this.maybeCall(inner, inner.name, true) : inner;
    }
    if (name === "frac" || name === "dfrac" || name === "tfrac") {
      this.next();
      const numTok = this.peek();
      const numPartial = this.isOp(numTok, "{") && this.isCmd(this.peek(1), "partial");
      if (numPartial) {
        this.next();
        this.next();
        // \partial^2 J: a derivative of order 2 (the denominator names the variables: \partial a^2, \partial a \partial c).
        let order = 1;
        // \partial^{+} h_t (BPTT's immediate partial, the other states held fixed): the partial derivative itself
        if (this.isOp(this.peek(), "^") && /^[+*]$|^\\ast$/.test(this.peekScriptRawAt(this.pos + 1))) {
          this.next();
          this.skipScript();
        }
        if (this.isOp(this.peek(), "^")) {
          this.next();
          const o = this.scriptNode().node;
          if (o.type !== "num" || !Number.isInteger(o.value) || o.value < 1 || o.value > 4) this.fail("the order of a derivative must be 1 to 4");
          order = o.value;
        }
        // \frac{\partial}{\partial w} X: the operator applied to what follows.
        const operator = this.isOp(this.peek(), "}");
        const of0 = operator ? undefined : this.list();
        this.expectOp("}", "after the numerator of ∂/∂");
        if (!(this.isOp(this.peek(), "{") && this.isCmd(this.peek(1), "partial"))) this.fail("\\partial in the numerator but not in the denominator");
        this.next();
        let wrts: Node[];
        if (order === 1) {
          this.next();
          wrts = [this.list()];
        } else {
          wrts = [];
          while (this.isCmd(this.peek(), "partial")) {
            this.next();
            const v = this.postfix(this.primary());
            if (v.type === "pow" && v.exp.type === "num" && Number.isInteger(v.exp.value) && v.exp.value >= 1) for (let k = 0; k < v.exp.value; k++) wrts.push(v.base);
            else wrts.push(v);
          }
          if (wrts.length !== order) this.fail(`a derivative of order ${order} needs ${order} variables in its denominator`);
        }
        this.expectOp("}", "after the denominator of ∂/∂");
        let of = of0 ?? this.operand();
        // ∂²J/∂a∂c = ∂/∂a (∂J/∂c): the innermost derivative is the last variable.
        for (let k = wrts.length - 1; k >= 0; k--) of = {type: "grad", wrt: wrts[k], of, style: "partial", start, end: this.prevEnd()};
        return of;
      }
      const num = this.group("\\frac's numerator");
      const den = this.group("\\frac's denominator");
      return {type: "div", num, den, frac: true, start, end: this.prevEnd()};
    }
    if (name === "sqrt") {
      this.next();
      let index: Node | undefined;
      if (this.isOp(this.peek(), "[")) {
        this.next();
        index = this.expr();
        this.expectOp("]", "to close \\sqrt[…]");
      }
      const arg = this.group("\\sqrt");
      const end = this.prevEnd();
      if (!index) return {type: "sqrt", arg, start, end};
      const one: Node = {type: "num", value: 1, start, end: start};
      return {type: "pow", base: arg, exp: {type: "div", num: one, den: index, frac: true, start, end}, start, end};
    }
    if (name === "sum" || name === "prod") {
      this.next();
      let index: string | undefined, from: Node | undefined, to: Node | undefined;
      /** \sum_{i,j}: the further indices, summed inside (Σ_i Σ_j) over their whole ranges. */
      const inner: string[] = [];
      for (let k = 0; k < 2; k++) {
        if (this.isOp(this.peek(), "_")) {
          this.next();
          const scriptTok = this.peek();
          let node: Node;
          if (this.isOp(scriptTok, "{")) {
            this.next();
            node = this.expr();
            if (this.isOp(this.peek(), "=")) {
              this.next();
              from = this.expr();
            } else if (this.isOp(this.peek(), ",") && node.type === "sym" && !node.sub) {
              while (this.isOp(this.peek(), ",")) {
                this.next();
                const more = this.scriptNode().node;
                if (more.type !== "sym" || more.sub) this.fail(`\\${name}_{${node.name}, …}: each index must be one symbol`, scriptTok);
                inner.push(more.name);
              }
            } else if (this.isCmd(this.peek(), "in") && node.type === "sym" && !node.sub) {
              // \sum_{i \in \mathcal{B}}: i runs over the set's members, as many as |B| (a count, like n in \sum_{i=1}^{n})
              this.next();
              const set = this.expr();
              if (set.type !== "sym") this.fail(`\\${name}_{${node.name} \\in …}: the index must run over a named set (\\mathcal{B}, S_j)`, scriptTok);
              from = {type: "num", value: 1, start: set.start, end: set.start};
              to = set;
            }
            this.expectOp("}", `to close \\${name}'s subscript`);
          } else node = this.scriptNode().node;
          if (node.type !== "sym" || node.sub) this.fail(`\\${name} needs one index symbol, as in \\${name}_{i=1}^{n}`, scriptTok);
          index = node.name;
        } else if (this.isOp(this.peek(), "^")) {
          this.next();
          to = this.scriptNode().node;
        }
      }
      if (index === undefined) this.fail(`\\${name} needs an index, as in \\${name}_{i=1}^{n}`, t);
      if (inner.length && (from || to)) this.fail(`\\${name}_{${index}, ${inner.join(", ")}} with bounds: write one \\${name} per index`, t);
      let body = this.term();
      for (const j of inner.reverse()) body = {type: "sum", index: j, body, op: name, start, end: this.prevEnd()};
      return {type: "sum", index, ...(from ? {from} : {}), ...(to ? {to} : {}), body, op: name, start, end: this.prevEnd()};
    }
    if (name === "nabla") {
      this.next();
      let wrt: Node | undefined;
      // \nabla^2_\theta f, \nabla_\theta^2 f: the Hessian, the gradient of the gradient
      let order = 1;
      for (let k = 0; k < 2; k++) {
        if (this.isOp(this.peek(), "_") && !wrt) {
          this.next();
          wrt = this.scriptNode().node;
        } else if (this.isOp(this.peek(), "^") && order === 1) {
          this.next();
          const o = this.scriptNode().node;
          if (o.type !== "num" || o.value !== 2) this.fail("\\nabla^k: only the Hessian \\nabla^2 is read", t);
          order = 2;
        }
      }
      if (order === 2) {
        const of = this.operand();
        // \nabla^2 f(x): the Hessian in f's argument
        // \nabla^2 f(x, y): in both arguments; \nabla^2 f: in f's own parameters (an empty tuple, as for \nabla J)
        if (!wrt && of.type === "call" && of.args.length === 1) wrt = of.args[0];
        else if (!wrt && of.type === "call" && of.args.length > 1) wrt = {type: "tuple", items: of.args, start: of.start, end: of.end};
        else if (!wrt && of.type === "sym") wrt = {type: "tuple", items: [], start: t.end, end: t.end};
        if (!wrt) this.fail("\\nabla^2 needs a subscript naming the variable, as in \\nabla^2_{w} J", t);
        const inner: Node = {type: "grad", wrt: wrt!, of, style: "nabla", start, end: this.prevEnd()};
        return {type: "grad", wrt: wrt!, of: inner, style: "nabla", start, end: this.prevEnd()};
      }
      const of = this.operand();
      if (!wrt) {
        // \nabla f(x) is the gradient in f's argument(s); \nabla f(x, y) the vector of both partials; \nabla f(x + u)
        // the gradient at that point; \nabla J (no argument) the gradient in J's own parameters (an empty tuple).
        if (of.type === "call" && of.args.length === 1) wrt = of.args[0];
        else if (of.type === "call" && of.args.length > 1) wrt = {type: "tuple", items: of.args, start: of.start, end: of.end};
        else if (of.type === "sym") wrt = {type: "tuple", items: [], start: t.end, end: t.end};
        else this.fail("\\nabla needs a subscript naming the variable, as in \\nabla_{w} J", t);
      }
      return {type: "grad", wrt, of, style: "nabla", start, end: this.prevEnd()};
    }
    if (FUNCTION_CMDS.has(name)) {
      this.next();
      // \log_2 z, \log_{10} x: the logarithm in that base, ln z / ln 2
      let base: Node | undefined;
      if (name === "log" && this.isOp(this.peek(), "_")) {
        this.next();
        base = this.scriptNode().node;
      }
      // \tanh^2(z) = (\tanh z)^2
      let power: Node | undefined;
      if (this.isOp(this.peek(), "^") && name !== "max" && name !== "min") {
        this.next();
        power = this.scriptNode().node;
      }
      const sym: Node = {type: "sym", name, start, end: t.end};
      // \frac{d \tanh}{dz}, \partial \cos / \partial u: the function itself, no argument (a symbol the derivative reads)
      const after = this.peek();
      if (!power && (after.kind === "eof" || this.isOp(after, "}") || this.isOp(after, "/") || this.isOp(after, "=") || this.isCmd(after, "right")))
        return {type: "sym", name: `\\${name}`, start, end: t.end};
      let call = this.maybeCall(sym, name, true);
      if (call.type !== "call") {
        let arg = this.factor();
        // \sin 2x, \cos \pi p, \log 2\pi\sigma^2: an argument without parentheses runs over the product of numbers and
        // symbols written after it, up to an operator, a bracket, another function or an explicit space (\sin\theta\, r)
        const delimited = (n: Node): boolean => n.type === "paren" || (n.type === "call" && n.parens !== "none") || (n.type === "pow" && delimited(n.base));
        while (!delimited(arg) && this.continuesBareArgument()) {
          const right = this.factor();
          arg = {type: "mul", left: arg, right, op: "implicit", start: arg.start, end: this.prevEnd()};
        }
        call = {type: "call", fn: name, args: [arg], builtin: true, parens: "none", start, end: this.prevEnd()};
      }
      if (base) call = {type: "div", num: call, den: {type: "call", fn: "ln", args: [base], builtin: true, parens: "paren", start: base.start, end: base.end}, frac: true, start, end: this.prevEnd()};
      return power ? {type: "pow", base: call, exp: power, start, end: this.prevEnd()} : call;
    }
    if (name === "left") {
      this.next();
      const d = this.next();
      const open = d.kind === "op" ? d.text : d.kind === "cmd" ? `\\${d.text}` : d.text;
      if (open === "|" || open === "\\|" || open === "\\lvert" || open === "\\lVert") {
        const fn = open === "|" || open === "\\lvert" ? "abs" : "norm";
        const arg = this.nest(() => this.expr());
        if (!this.isCmd(this.peek(), "right")) this.fail(`\\left${open} at offset ${t.start} is not closed by \\right`);
        this.next();
        this.next(); // the closing bar
        return {type: "call", fn, args: [arg], builtin: true, parens: "none", start, end: this.prevEnd()};
      }
      if (open === "\\lfloor" || open === "\\lceil") {
        const arg = this.nest(() => this.expr());
        if (!this.isCmd(this.peek(), "right")) this.fail(`\\left${open} at offset ${t.start} is not closed by \\right`);
        this.next();
        this.next(); // \rfloor / \rceil
        return {type: "call", fn: open === "\\lfloor" ? "floor" : "ceil", args: [arg], builtin: true, parens: "none", start, end: this.prevEnd()};
      }
      if (open !== "(" && open !== "[" && open !== "\\{" && open !== ".") this.fail(`unsupported \\left${open}`, d);
      if (open === "(") this.markSeparators(this.pos - 1);
      const items = this.itemsUntil(() => this.isCmd(this.peek(), "right"), `\\left${open} at offset ${t.start} is not closed by \\right`);
      if (!this.isCmd(this.peek(), "right")) this.fail(`\\left${open} at offset ${t.start} is not closed by \\right`);
      this.next();
      const closing = this.next(); // the closing delimiter
      // \left. \frac{\partial L}{\partial w} \right|_{w=1}: the derivative at a point
      if (open === "." && this.isOp(closing, "|") && this.isOp(this.peek(), "_") && items.length === 1) return this.atPoint(items[0]);
      const end = this.prevEnd();
      if (open === "\\{") return {type: "set", items, start, end};
      if (open === "[" && items.length > 1) return {type: "vector", items, start, end};
      return items.length === 1 ? {type: "paren", arg: items[0], delim: open === "[" ? "left[]" : "left()", start, end} : {type: "tuple", items, start, end};
    }
    if (name === "{") {
      this.next();
      const items = this.itemsUntil(() => this.isCmd(this.peek(), "}"));
      if (!this.isCmd(this.peek(), "}")) this.fail(`\\{ at offset ${t.start} is not closed by \\}`);
      this.next();
      return {type: "set", items, start, end: this.prevEnd()};
    }
    if (name === "infty") {
      this.next();
      return {type: "infinity", start, end: t.end};
    }
    if (ELLIPSIS.has(name)) {
      this.next();
      return {type: "ellipsis", start, end: t.end};
    }
    // \partial_{w} f: the partial derivative (or gradient) in w, as \nabla_{w} f.
    if (name === "partial" && this.isOp(this.peek(1), "_")) {
      this.next();
      this.next();
      const wrt = this.scriptNode().node;
      const of = this.operand();
      return {type: "grad", wrt, of, style: "partial", start, end: this.prevEnd()};
    }
    if (name === "partial") this.fail("\\partial outside \\frac{\\partial …}{\\partial …} without a subscript (write \\partial_{w} f)");
    if (name === "lfloor" || name === "lceil") {
      this.next();
      const close = name === "lfloor" ? "rfloor" : "rceil";
      const arg = this.nest(() => this.expr());
      if (!this.isCmd(this.peek(), close)) this.fail(`\\${name} at offset ${start} is not closed by \\${close}`);
      this.next();
      return {type: "call", fn: name.slice(1), args: [arg], builtin: true, parens: "none", start, end: this.prevEnd()};
    }
    if (name === "begin") {
      const env = this.latex.slice(this.peek(1).end, this.toks[this.pos + 3]?.start).trim();
      if (this.isOp(this.peek(1), "{") && MATRIX_ENVIRONMENTS.has(env)) return this.matrix(env);
      if (this.isOp(this.peek(1), "{") && CASES_ENVIRONMENTS.has(env)) return this.cases(env);
      this.fail("an environment inside an expression is not supported");
    }
    this.fail(`unknown command \\${name}`);
  }

  /**
   * \begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix} (also bmatrix, Bmatrix, matrix, smallmatrix): rows of entries.
   * One column is a vector; otherwise a matrix (a single row stays a 1×k matrix).
   */
  private matrix(env: string): Node {
    const start = this.next().start;
    this.rawGroup();
    const rows: Node[][] = [];
    const atEnd = () => this.isCmd(this.peek(), "end") || this.peek().kind === "eof";
    while (!atEnd()) {
      const row = [this.expr()];
      while (this.isOp(this.peek(), "&")) {
        this.next();
        row.push(this.expr());
      }
      rows.push(row);
      if (this.peek().kind === "newline") this.next();
      else if (!atEnd()) this.fail(`unexpected ${describe(this.peek())} in \\begin{${env}}`);
    }
    this.endEnvironment(env);
    if (!rows.length) this.fail(`empty \\begin{${env}}`);
    const width = rows[0].length;
    if (rows.some((r) => r.length !== width)) this.fail(`the rows of \\begin{${env}} have different lengths`);
    const end = this.prevEnd();
    if (width === 1) return {type: "vector", items: rows.map((r) => r[0]), start, end};
    return {type: "vector", items: rows.map((r) => ({type: "vector", items: r, start: r[0].start, end: r[r.length - 1].end})), start, end};
  }

  /**
   * \begin{cases} v_1 & c_1 \\ v_2 & c_2 \end{cases} (also dcases, rcases): the builtin `cases` over (value, condition)
   * pairs. A branch's condition follows `&`, a comma or `\quad`, optionally after `\text{if}`; `\text{otherwise}`,
   * `\text{else}`, `\text{其他}`, `\text{否则}` or none at all is the number 1 (always holds).
   */
  private cases(env: string): Node {
    const start = this.next().start;
    this.rawGroup();
    const args: Node[] = [];
    const atEnd = () => this.isCmd(this.peek(), "end") || this.peek().kind === "eof";
    while (!atEnd()) {
      if (this.isOp(this.peek(), "&")) this.next();
      const value = this.nest(() => this.expr());
      while (this.isOp(this.peek(), ",") || this.isOp(this.peek(), "&") || this.isQuad(this.peek())) this.next();
      args.push(value, this.branchCondition());
      const p = this.peek();
      if ((this.isOp(p, ",") || this.isOp(p, ".") || this.isOp(p, ";")) && this.endsLine(this.peek(1))) this.next();
      if (this.peek().kind === "newline") this.next();
      else if (!atEnd()) this.fail(`unexpected ${describe(this.peek())} in \\begin{${env}}`);
    }
    this.endEnvironment(env);
    if (!args.length) this.fail(`empty \\begin{${env}}`);
    return {type: "call", fn: "cases", args, builtin: true, parens: "none", start, end: this.prevEnd()};
  }

  /** The condition of one branch of cases (after its value and separator). */
  private branchCondition(): Node {
    const t = this.peek();
    const always: Node = {type: "num", value: 1, start: t.start, end: t.start};
    if (this.endsLine(t)) return always;
    let word: string | undefined, skip = 1;
    if (t.kind === "cmd" && TEXT_CMDS.has(t.text) && this.isOp(this.peek(1), "{")) {
      const close = this.matchingBrace(this.pos + 1);
      word = this.latex.slice(this.peek(1).end, this.toks[close].start);
      skip = close - this.pos + 1;
    } else if (t.kind === "word") word = t.text;
    const text = word?.replace(/\\[,;: ]|~/g, " ").replace(/^[\s,，]+|[\s,，:：.。]+$/g, "");
    if (text !== undefined && (OTHERWISE.test(text) || CONDITION_WORD.test(text))) {
      this.pos += skip;
      if (OTHERWISE.test(text)) return {...always, end: this.prevEnd()};
    }
    return this.condition();
  }

  /**
   * `\mathbb{1}[m_i < 1]`, `\mathbb{1}\{y_i = k\}`, `\mathbf{1}(z > 0)`, `\mathbb{I}[…]`, `\mathbb{1}_{x > 0}`: the indicator
   * of a condition (1 where it holds, else 0). Undefined (nothing consumed) when the brackets hold no relation.
   */
  private indicator(): Node | undefined {
    const t = this.peek(), inner = this.peek(2);
    if (!this.isOp(this.peek(1), "{") || !this.isOp(this.peek(3), "}")) return undefined;
    if (!((inner.kind === "num" && inner.text === "1") || (inner.kind === "word" && inner.text === "I"))) return undefined;
    const k = this.pos + 4;
    const o = this.toks[k];
    if (!o) return undefined;
    const open = this.isOp(o, "_") || this.isCmd(o, "left") ? k + 1 : k;
    const bracket = this.toks[open];
    if (!bracket || !(this.isOp(bracket, "[") || this.isOp(bracket, "(") || this.isOp(bracket, "{") || this.isCmd(bracket, "{"))) return undefined;
    if (!this.topLevel(open).some((x) => this.relationAt(x))) return undefined;
    this.pos = open + 1;
    const cond = this.condition();
    if (this.isCmd(o, "left")) {
      if (!this.isCmd(this.peek(), "right")) this.fail("\\left… of an indicator is not closed by \\right");
      this.next();
    }
    const closing = this.next();
    if (!(closing.kind === "op" && "])}".includes(closing.text)) && !this.isCmd(closing, "}")) this.fail(`unexpected ${describe(closing)} closing an indicator`, closing);
    return {type: "call", fn: "indicator", args: [cond], builtin: true, parens: "none", start: t.start, end: this.prevEnd()};
  }

  /**
   * `X\Big|_{w=1}`, `\right|_{(w,b)=(1,0)}`, `|_{(1,0)}` after the derivative X (the `|` is consumed): the derivative
   * evaluated at that point. Names bind in order; a point without names binds the variable (one value) or, for a
   * tuple, the parameters of the differentiated function (evaluate.ts).
   */
  private atPoint(x: Node): Node {
    const bar = this.toks[this.pos - 1];
    this.expectOp("_", "after the bar of a derivative at a point");
    const point = this.pointScript();
    const attach = (n: Node): Node => {
      if (n.type === "grad") return {...n, ...point, end: this.prevEnd()};
      if (n.type === "paren") return attach(n.arg);
      if (n.type === "mul" && (n.right.type === "grad" || derivativeOf(n.right))) return {...n, right: attach(n.right), end: this.prevEnd()};
      const d = derivativeOf(n);
      if (d) return attach(d);
      // e^{v/2}\Big|_{v = \log 4}, \mathcal{L}\big|_{\tau = 1}: the expression with the named symbols replaced
      if (point.atNames) return substitute(n, point.atNames as NodeOf<"sym">[], point.atNames.length === 1 ? [point.at] : (point.at as NodeOf<"tuple">).items);
      return this.fail("only a derivative, or an expression at named values, can be evaluated at a point (X\\Big|_{x=a})", bar);
    };
    return attach(x);
  }

  /** `{w=1}`, `{(w, b) = (1, 0)}`, `{w=1, b=0}`, `{(1,0)}`, `0`: the point of a derivative at a point. */
  private pointScript(): {at: Node; atNames?: Node[]} {
    if (!this.isOp(this.peek(), "{")) return {at: this.scriptNode().node};
    this.next();
    const first = this.nest(() => this.expr());
    let out: {at: Node; atNames?: Node[]};
    if (!this.isOp(this.peek(), "=")) out = {at: first};
    else {
      this.next();
      const value = this.nest(() => this.expr());
      if (first.type === "tuple") {
        if (value.type !== "tuple" || value.items.length !== first.items.length) this.fail(`a point for ${first.items.length} names needs ${first.items.length} values`);
        out = {at: value, atNames: first.items};
      } else {
        const names: Node[] = [first], values: Node[] = [value];
        while (this.isOp(this.peek(), ",")) {
          this.next();
          names.push(this.nest(() => this.expr()));
          this.expectOp("=", "in a point (x = a, y = b)");
          values.push(this.nest(() => this.expr()));
        }
        out = {at: values.length === 1 ? value : {type: "tuple", items: values, start: value.start, end: this.prevEnd()}, atNames: names};
      }
      if (out.atNames!.some((n) => n.type !== "sym")) this.fail("a point names symbols (x = a)");
    }
    this.expectOp("}", "to close the point");
    return out;
  }

  /** The expression between an opening bar and its closing one (`|x|`, `\|x\|`); stops before the closing bar. */
  private barred(atClose: () => boolean, what: "abs" | "norm"): Node {
    if (atClose()) this.fail(`an empty ${what === "abs" ? "|…|" : "\\|…\\|"}`);
    const saved = {bars: this.bars, norms: this.norms};
    if (what === "abs") this.bars++;
    else this.norms++;
    const arg = this.nest(() => this.expr());
    this.bars = saved.bars;
    this.norms = saved.norms;
    if (!atClose()) this.fail(what === "abs" ? "|…| is not closed by |" : "\\|…\\| is not closed by \\|");
    return arg;
  }

  /** Comma-separated items up to (not including) the stop token. */
  private itemsUntil(stop: () => boolean, missing?: string, names?: string[]): Node[] {
    if (stop()) this.fail("empty brackets");
    const item = (): Node => {
      const x = this.expr();
      // P(y = 2 \mid \lambda = 3): an argument given by the parameter's name
      if (!names || !this.isOp(this.peek(), "=") || x.type !== "sym") return x;
      this.next();
      names.push(symKey(x.name, x.subText));
      return this.expr();
    };
    const items = [item()];
    while (this.isOp(this.peek(), ",") || this.separators.has(this.peek())) {
      this.next();
      items.push(item());
    }
    if (!stop()) this.fail(missing && this.peek().kind === "eof" ? missing : `unexpected ${describe(this.peek())}`);
    return items;
  }

  /** sym followed by `(` or `\left(` becomes a call when the name is callable. */
  private maybeCall(sym: Node, fn: string, callable: boolean): Node {
    if (!callable) return sym;
    const t = this.peek();
    const leftParen = this.isCmd(t, "left") && this.isOp(this.peek(1), "(");
    if (!this.isOp(t, "(") && !leftParen) return sym;
    this.markSeparators(leftParen ? this.pos + 1 : this.pos);
    this.next();
    if (leftParen) this.next();
    const names: string[] = [];
    const args = this.itemsUntil(() => (leftParen ? this.isCmd(this.peek(), "right") : this.isOp(this.peek(), ")")), undefined, names);
    if (names.length && names.length !== args.length) this.fail("either every argument is named (y = 2, \\lambda = 3) or none");
    this.next();
    if (leftParen) {
      if (!this.isOp(this.peek(), ")")) this.fail("\\left( closed by another delimiter");
      this.next();
    }
    const builtin = (BUILTIN_FUNCTIONS.has(fn.toLowerCase()) && !(SOFT_BUILTINS.has(canonicalFn(fn)) && this.functions.has(canonicalFn(fn)))) || fn === "sigma";
    // diag(1, 10, 100): the diagonal matrix of those entries, diag of the vector (1, 10, 100)
    if (builtin && canonicalFn(fn) === "diag" && args.length > 1 && !names.length)
      args.splice(0, args.length, {type: "vector", items: args.slice(), start: args[0].start, end: args[args.length - 1].end});
    return {type: "call", fn: builtin ? canonicalFn(fn) : fn, args, builtin, parens: leftParen ? "left" : "paren", ...(names.length ? {argNames: names} : {}), start: sym.start, end: this.prevEnd()};
  }
}

/** n with each use of the symbols `names` replaced by the matching value (parenthesised). */
export function substitute(n: Node, names: NodeOf<"sym">[], values: Node[]): Node {
  const keys = names.map((x) => symKey(x.name, x.subText));
  // every field, sum bounds too (Σ_{k=1}^{t} at t = 2), which rewrite.ts's mapChildren leaves alone
  const visit = (x: Node): Node => {
    if (x.type === "sym") {
      const i = keys.indexOf(symKey(x.name, x.subText));
      return i >= 0 ? {type: "paren", arg: values[i], delim: "()", start: x.start, end: x.end} : x;
    }
    const out: Record<string, unknown> = {...x};
    for (const [k, v] of Object.entries(x)) {
      if (v && typeof v === "object" && "type" in v) out[k] = visit(v as Node);
      else if (Array.isArray(v)) out[k] = v.map((e) => (e && typeof e === "object" && "type" in e ? visit(e as Node) : e && typeof e === "object" && "node" in e ? {...e, node: visit((e as {node: Node}).node)} : e));
    }
    return out as unknown as Node;
  };
  return visit(n);
}

/** Functions the evaluator knows (lower-case). */
export const BUILTIN_FUNCTIONS = new Set(["log", "ln", "exp", "sin", "cos", "tan", "tanh", "sinh", "cosh", "arcsin", "arccos", "arctan", "max", "min", "sigma", "sigmoid", "softmax", "relu", "attention", "sqrt", "abs", "sign", "sgn",
  "erf", "diag", "softplus", "floor", "ceil", "det", "tr", "trace"]);
/** Builtins a chapter may define itself (then its definition is used): `\mathrm{softplus}(x) = \ln(1 + e^x)`. */
const SOFT_BUILTINS = new Set(["erf", "diag", "softplus", "floor", "ceil", "Phi", "phi"]);

function canonicalFn(fn: string): string {
  const l = fn.toLowerCase();
  if (l === "attention") return "Attention";
  if (l === "sigmoid") return "sigma";
  if (l === "sgn") return "sign";
  if (l === "trace") return "tr";
  return l;
}

const isD = (n: Node): boolean => n.type === "sym" && n.name === "d" && !n.sub;

/** `\frac{df}{dx}` (and `\frac{d}{dx} f`) as the derivative node it means; undefined for anything else. */
function derivativeOf(n: Node): NodeOf<"grad"> | undefined {
  const dx = (den: Node) => (den.type === "mul" && isD(den.left) && den.right.type === "sym" ? den.right : undefined);
  if (n.type === "div" && n.num.type === "mul" && isD(n.num.left) && dx(n.den)) return {type: "grad", wrt: dx(n.den)!, of: n.num.right, style: "partial", start: n.start, end: n.end};
  if (n.type === "mul" && n.left.type === "div" && isD(n.left.num) && dx(n.left.den)) return {type: "grad", wrt: dx(n.left.den)!, of: n.right, style: "partial", start: n.start, end: n.end};
  return undefined;
}

/** Single upper-case letters, f/g/h and multi-letter names are functions when followed by `(`. */
function isCallableName(word: string): boolean {
  return /^[A-Z]$/.test(word) || /^[fgh]$/.test(word) || word.length >= 3;
}

function describe(t: Token): string {
  if (t.kind === "eof") return "the end of the formula";
  if (t.kind === "newline") return "\\\\";
  if (t.kind === "cmd") return `\\${t.text}`;
  return `"${t.text}"`;
}

export type {NodeOf};
