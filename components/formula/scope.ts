/**
 * Sum scope: `-\frac{1}{n} \sum_{i} y_i \log(\hat{y}_i) + (1 - y_i) \log(1 - \hat{y}_i)` parses (as printed) with
 * the sum covering only its first term, leaving i free in the second. readSumOverRest extends the sum over the
 * following terms that use its index, the reading every author means (the usual BCE), and says so.
 */
import type {Node, NodeOf} from "./ast.js";
import {symbolUses} from "./symbols.js";

/** The sum at the end of a term's right spine (`c \sum …`, `-\frac{1}{n}\sum …`), if any. */
function trailingSum(n: Node): NodeOf<"sum"> | undefined {
  if (n.type === "sum") return n;
  if (n.type === "mul") return trailingSum(n.right);
  if (n.type === "neg") return trailingSum(n.arg);
  return undefined;
}

function replaceTrailingSum(n: Node, sum: NodeOf<"sum">): Node {
  if (n.type === "sum") return sum;
  if (n.type === "mul") return {...n, right: replaceTrailingSum(n.right, sum)};
  if (n.type === "neg") return {...n, arg: replaceTrailingSum(n.arg, sum)};
  return n;
}

function usesIndex(n: Node, index: string): boolean {
  return symbolUses(n).some((u) => u.node.sub !== undefined && symbolUses(u.node.sub).some((s) => s.key === index) && !u.indices.includes(index));
}

export interface ScopeReading {
  node: Node;
  /** Set when the reading changed the printed structure. */
  note?: string;
}

export function readSumOverRest(node: Node): ScopeReading {
  if (node.type !== "add") return {node};
  const [first, ...rest] = node.terms;
  const sum = trailingSum(first.node);
  if (!sum || !rest.length || !rest.some((t) => usesIndex(t.node, sum.index))) return {node};
  const body: Node = {type: "add", terms: [{sign: 1, node: sum.body}, ...rest], start: sum.body.start, end: node.end};
  const widened: NodeOf<"sum"> = {...sum, body, end: node.end};
  const term = replaceTrailingSum(first.node, widened);
  const out: Node = first.sign === -1 ? {type: "neg", arg: term, start: node.start, end: node.end} : term;
  return {node: out, note: `as printed, \\sum_{${sum.index}} covers only its first term and leaves ${sum.index} free in the rest; read as the sum of all ${rest.length + 1} terms`};
}
