/**
 * Functions the chapter names with a subscript: `\mu_*(x) = \mathbf{m}^\top \boldsymbol\phi(x)`, `h_\theta(x) = \theta^\top x`.
 * The parser reads `\mu_*(2)` as the product μ_* · (2); once a formula defines μ_* on a parenthesised list of plain
 * symbols, every such product in the chapter is a call of that function (fn: the symbol's key, `\mu_{*}`).
 */
import {symKey, type Formula, type Node} from "./ast.js";
import {mapChildren} from "./rewrite.js";

/**
 * Keys of the subscripted symbols a formula defines as functions (left side `f_*(x, y) = …`). Not a family indexed
 * by a letter (f_i(x), ρ_τ(u): equality.ts reads those per index), nor a member of one the chapter defines
 * (ρ_{0.5}(u), ρ_{1−τ}(u) beside ρ_τ(u)): see chapterSubscriptedFunctions.
 */
export function subscriptedFunctionNames(f: Formula): {key: string; name: string; family: boolean}[] {
  const out: {key: string; name: string; family: boolean}[] = [];
  for (const line of f.lines) {
    const lhs = line.first;
    if (line.rest[0]?.rel !== "=" || lhs.type !== "mul" || lhs.op !== "implicit" || lhs.left.type !== "sym" || !lhs.left.sub) continue;
    const args = argsOf(lhs.right);
    if (!args?.length || !args.every((a) => a.type === "sym")) continue;
    const sub = lhs.left.sub;
    const family = sub.type !== "num" && !(sub.type === "sym" && (sub.name === "*" || (!sub.sub && sub.name.length > 1 && !sub.name.startsWith("\\"))));
    out.push({key: symKey(lhs.left.name, lhs.left.subText), name: lhs.left.name, family});
  }
  return out;
}

/** The chapter's subscripted function names, less any whose letter also names a family (f_i, ρ_τ, ρ_{1−τ}). */
export function chapterSubscriptedFunctions(formulas: Formula[]): Set<string> {
  const all = formulas.flatMap(subscriptedFunctionNames);
  // (swish_1'(y) beside swish_β(x): the family's derivative, not a function of its own)
  const bare = (name: string) => name.replace(/'+$/, "");
  const families = new Set(all.filter((x) => x.family).map((x) => bare(x.name)));
  return new Set(all.filter((x) => !x.family && !families.has(bare(x.name))).map((x) => x.key));
}

const argsOf = (n: Node): Node[] | undefined => (n.type === "paren" && n.delim === "()" ? [n.arg] : n.type === "tuple" ? n.items : undefined);

/** f with each product `name_sub (args)` of a name in `names` made a call. */
export function subscriptedCalls(f: Formula, names: ReadonlySet<string>): Formula {
  if (!names.size) return f;
  const visit = (n: Node): Node => {
    if (n.type === "mul" && n.op === "implicit" && n.left.type === "sym" && n.left.sub && names.has(symKey(n.left.name, n.left.subText))) {
      const args = argsOf(n.right);
      if (args) return {type: "call", fn: symKey(n.left.name, n.left.subText), args: args.map(visit), builtin: false, parens: "paren", start: n.start, end: n.end};
    }
    return mapChildren(n, visit);
  };
  return {...f, lines: f.lines.map((l) => ({...l, first: visit(l.first), rest: l.rest.map((r) => ({...r, node: visit(r.node)}))}))};
}
