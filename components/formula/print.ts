/** AST → LaTeX (for corrected formulas and cell labels). Adds only the parentheses precedence needs. */
import type {Line, Node} from "./ast.js";

const PREC = {add: 1, mul: 2, neg: 2, atom: 5, pow: 4};

function prec(n: Node): number {
  switch (n.type) {
    case "add":
    case "list":
      return PREC.add;
    case "neg":
      return PREC.neg;
    case "mul":
      return PREC.mul;
    case "div":
      return n.frac ? PREC.atom : PREC.mul;
    case "sum":
      return PREC.mul;
    case "grad":
      return n.style === "partial" ? PREC.atom : PREC.mul;
    case "pow":
    case "transpose":
      return PREC.pow;
    case "num":
      return n.value < 0 ? PREC.neg : PREC.atom;
    default:
      return PREC.atom;
  }
}

function wrap(n: Node, min: number): string {
  const s = toLatex(n);
  return prec(n) < min ? `\\left(${s}\\right)` : s;
}

const BUILTIN_LATEX: Record<string, string> = {sign: "\\operatorname{sign}", log: "\\log", ln: "\\ln", exp: "\\exp", sin: "\\sin", cos: "\\cos", tan: "\\tan", arcsin: "\\arcsin", arccos: "\\arccos", arctan: "\\arctan", tanh: "\\tanh", sinh: "\\sinh", cosh: "\\cosh", max: "\\max", min: "\\min", sigma: "\\sigma",
  erf: "\\operatorname{erf}", diag: "\\operatorname{diag}", softplus: "\\operatorname{softplus}", Phi: "\\Phi"};
const RELATION_LATEX: Record<string, string> = {lt: "<", le: "\\le", gt: ">", ge: "\\ge", eq: "=", neq: "\\neq"};

/** The notation builtins (cases, conditions, indicator, floor, ceil, factorial) as printed; undefined for the others. */
function notation(n: Extract<Node, {type: "call"}>): string | undefined {
  if (!n.builtin) return undefined;
  const [a, b] = n.args;
  if (RELATION_LATEX[n.fn] && n.args.length === 2) return `${toLatex(a)} ${RELATION_LATEX[n.fn]} ${toLatex(b)}`;
  switch (n.fn) {
    case "and": {
      // 0 ≤ t ≤ T (a chain read as two links) is printed as the chain, so that it reads back the same
      const lastOf = (x: Node): Node | undefined => (x.type === "call" && x.builtin && x.fn === "and" ? lastOf(x.args[1]) : x.type === "call" && x.builtin && RELATION_LATEX[x.fn] ? x.args[1] : undefined);
      const end = lastOf(a);
      if (end && b.type === "call" && b.builtin && RELATION_LATEX[b.fn] && toLatex(end) === toLatex(b.args[0])) return `${toLatex(a)} ${RELATION_LATEX[b.fn]} ${toLatex(b.args[1])}`;
      return `${toLatex(a)},\\ ${toLatex(b)}`;
    }
    case "indicator":
      return `\\mathbb{1}[${toLatex(a)}]`;
    case "floor":
      return n.parens === "none" ? `\\lfloor ${toLatex(a)} \\rfloor` : undefined;
    case "ceil":
      return n.parens === "none" ? `\\lceil ${toLatex(a)} \\rceil` : undefined;
    case "factorial":
      return `${wrap(a, PREC.atom)}!`;
    case "cases": {
      const rows: string[] = [];
      for (let k = 0; k + 1 < n.args.length; k += 2) {
        const c = n.args[k + 1];
        const last = k + 2 >= n.args.length;
        rows.push(`${toLatex(n.args[k])} & ${last && c.type === "num" && c.value === 1 ? "\\text{otherwise}" : toLatex(c)}`);
      }
      return `\\begin{cases} ${rows.join(" \\\\ ")} \\end{cases}`;
    }
  }
  return undefined;
}

/** A subscript that is a name (`\eta_{min}`, `\theta_{new}`: sub is that word as a symbol) prints upright. */
function subscript(n: Extract<Node, {type: "sym"}>): string {
  const s = n.subText!;
  if (s.length === 1) return `_${s}`;
  const word = n.sub?.type === "sym" && n.sub.name === s && /^[A-Za-z]{2,}$/.test(s);
  return word ? `_{\\mathrm{${s}}}` : `_{${s}}`;
}

export function toLatex(n: Node): string {
  switch (n.type) {
    case "num":
      return String(n.value);
    case "sym":
      return n.subText === undefined ? n.name : `${n.name}${subscript(n)}`;
    case "neg":
      return `-${wrap(n.arg, PREC.mul)}`;
    case "add":
      return n.terms
        .map((t, i) => {
          const s = wrap(t.node, t.sign === -1 ? PREC.mul : PREC.add + 1);
          return i === 0 ? (t.sign === -1 ? `-${s}` : s) : `${t.sign === -1 ? " - " : " + "}${s}`;
        })
        .join("");
    case "mul": {
      const l = wrap(n.left, PREC.mul);
      const r = wrap(n.right, n.right.type === "sum" || n.right.type === "grad" ? PREC.mul : PREC.mul + 1);
      return n.op === "cdot" ? `${l} \\cdot ${r}` : `${l} ${r}`;
    }
    case "div":
      return n.frac ? `\\frac{${toLatex(n.num)}}{${toLatex(n.den)}}` : `${wrap(n.num, PREC.mul)} / ${wrap(n.den, PREC.mul + 1)}`;
    case "pow":
      return `${wrap(n.base, PREC.atom)}^{${toLatex(n.exp)}}`;
    case "transpose":
      return `${wrap(n.arg, PREC.atom)}^T`;
    case "sqrt":
      return `\\sqrt{${toLatex(n.arg)}}`;
    case "call": {
      const special = notation(n);
      if (special !== undefined) return special;
      if (n.builtin && n.parens === "none" && n.args.length === 1) {
        if (n.fn === "abs") return `\\left|${toLatex(n.args[0])}\\right|`;
        if (n.fn === "norm") return `\\left\\|${toLatex(n.args[0])}\\right\\|`;
        if (n.fn === "norm1") return `\\left\\|${toLatex(n.args[0])}\\right\\|_1`;
        if (n.fn === "norm2") return `\\left\\|${toLatex(n.args[0])}\\right\\|_2`;
      }
      if (n.builtin && n.fn === "entry" && n.args.length === 2) return `${toLatex(n.args[0])}_{${toLatex(n.args[1])}}`;
      if (n.builtin && n.fn === "hadamard" && n.parens === "none" && n.args.length === 2) return `${wrap(n.args[0], PREC.mul)} \\odot ${wrap(n.args[1], PREC.mul)}`;
      const name = n.builtin ? BUILTIN_LATEX[n.fn] ?? `\\text{${n.fn}}` : n.fn;
      const args = n.args.map((a, i) => (n.argNames ? `${n.argNames[i]} = ${toLatex(a)}` : toLatex(a))).join(", ");
      return n.parens === "left" ? `${name}\\left(${args}\\right)` : `${name}(${args})`;
    }
    case "sum": {
      const op = n.op === "prod" ? "\\prod" : "\\sum";
      const sub = n.from ? `_{${n.index}=${toLatex(n.from)}}` : `_{${n.index}}`;
      const sup = n.to ? `^{${toLatex(n.to)}}` : "";
      return `${op}${sub}${sup} ${wrap(n.body, PREC.mul)}`;
    }
    case "grad":
      if (n.at) {
        const names = n.atNames ? `${n.atNames.length === 1 ? toLatex(n.atNames[0]) : `(${n.atNames.map(toLatex).join(", ")})`}=` : "";
        return `\\left.${toLatex({...n, at: undefined, atNames: undefined})}\\right|_{${names}${toLatex(n.at)}}`;
      }
      if (n.wrt.type === "tuple" && n.wrt.items.length === 0) return `\\nabla ${wrap(n.of, PREC.mul + 1)}`;
      if (n.style === "nabla" && n.wrt.type !== "sym" && n.of.type === "call") return `\\nabla ${toLatex(n.of)}`;
      return n.style === "partial" ? `\\frac{\\partial ${toLatex(n.of)}}{\\partial ${toLatex(n.wrt)}}` : `\\nabla_{${toLatex(n.wrt)}} ${wrap(n.of, PREC.mul + 1)}`;
    case "paren":
      return n.delim === "left()" ? `\\left(${toLatex(n.arg)}\\right)` : n.delim === "left[]" ? `\\left[${toLatex(n.arg)}\\right]` : n.delim === "[]" ? `[${toLatex(n.arg)}]` : `(${toLatex(n.arg)})`;
    case "vector":
      return `[${n.items.map(toLatex).join(", ")}]`;
    case "tuple":
      return `(${n.items.map(toLatex).join(", ")})`;
    case "set":
      return `\\{${n.items.map(toLatex).join(", ")}\\}${n.subText ? `_{${n.subText}}` : ""}${n.supText ? `^{${n.supText}}` : ""}`;
    case "list":
      return n.items.map(toLatex).join(", ");
    case "ellipsis":
      return "\\ldots";
    case "infinity":
      return "\\infty";
  }
}

export function lineToLatex(line: Line): string {
  let s = toLatex(line.first);
  for (const r of line.rest) s += ` ${r.rel} ${toLatex(r.node)}`;
  if (line.annotation) s += ` \\quad (${lineToLatex(line.annotation)})`;
  return s;
}
