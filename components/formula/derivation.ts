/**
 * Derivation checks: a stated derivative (`\nabla_w MSE = …`, `\frac{\partial L}{\partial W} = …`) is evaluated
 * as printed and compared with tf.grad of the loss it differentiates, on seeded inputs, under the model link the
 * text gives (ŷ_i = w·x_i when it differentiates ŷ_i; `y_i = \sigma(W \cdot x_i + b)` read as the prediction the
 * prose names). Without a link, the comparison is per sample with ∂J/∂ŷ_i. A disagreement comes with the
 * counterexample and, when one exists, the sign fix (whole expression or one term) that matches autodiff.
 */
import * as tf from "@tensorflow/tfjs";
import {symKey, type Line, type Node, type NodeOf} from "./ast.js";
import {evaluate, evaluateWith, type Def} from "./evaluate.js";
import {MAX_TREE_DEPTH, MAX_TREE_SIZE, WorkBudget, checkTree, measureTree} from "./limits.js";
import {parseExpression} from "./parse.js";
import {inferBindings} from "./plan.js";
import {toLatex} from "./print.js";
import {proseRoles} from "./prose.js";
import {signVariants} from "./rewrite.js";
import {bindingsOf} from "./runPlan.js";
import {readSumOverRest} from "./scope.js";
import {findAll, indexedBy, numbersOnly, symbolUses} from "./symbols.js";
import {tfOps} from "./tfOps.js";
import type {CellPlan, DerivationCheck, MathBlock} from "./types.js";
import {close, maxAbsDiff, round, type Value} from "./values.js";

/** An equation `LHS = RHS` somewhere in the chapter. */
export interface Definition {
  block: MathBlock;
  blockIndex: number;
  lhsLatex: string;
  /** Symbol key (`MSE`, `y_i`, `L`) or function name (`J`). */
  key: string;
  /** Symbol base name or function name. */
  base: string;
  /** The sample index when the left side is indexed (`y_i`). */
  index?: string;
  rhs: Node;
}

export type DerivationResult = {plan: CellPlan; check: DerivationCheck} | {reason: string};

const strip = (b: string) => b.replace(/'+$/, "").replace(/^\\(?:hat|tilde|bar)\{(.*)\}$/, "$1");

function nearest(defs: Definition[], blockIndex: number, section: string): Definition | undefined {
  const score = (d: Definition) => (d.block.sectionTitle === section ? 0 : 1000) + (d.blockIndex <= blockIndex ? blockIndex - d.blockIndex : 500 + d.blockIndex - blockIndex);
  return defs.slice().sort((a, b) => score(a) - score(b))[0];
}

const mentions = (n: Node, key: string) => symbolUses(n).some((u) => u.key === key || u.node.name === key);

export async function checkDerivation(args: {block: MathBlock; blockIndex: number; line: Line; defs: Definition[]; seed: number; budget?: WorkBudget}): Promise<DerivationResult> {
  const {block, blockIndex, line, defs, seed} = args;
  const budget = args.budget ?? new WorkBudget();
  // Finding the loss and the link looks at every definition of the chapter (a few times).
  budget.charge(4 * defs.length, line.start, block.latex);
  // ∂L/∂γ = 0.1(−1.265) − 0.2(−0.6325) + … ≈ 0.6957: a worked value at the text's numbers; seeded inputs cannot judge it.
  if (line.rest.every((r) => numbersOnly(r.node)))
    return {reason: "a worked value of the derivative: its numbers are compared with each other, not on seeded inputs"};
  const grad = line.first as NodeOf<"grad">;
  const lhsLatex = block.latex.slice(line.first.start, line.first.end).trim();
  if (grad.wrt.type !== "sym") return {reason: "the derivative is not with respect to a symbol"};
  const wrtKey = symKey(grad.wrt.name, grad.wrt.subText);
  const of = grad.of;
  const lossName = of.type === "sym" ? symKey(of.name, of.subText) : of.type === "call" ? of.fn : undefined;
  if (!lossName) return {reason: `cannot tell which loss ${toLatex(of)} is`};
  const lossDef = nearest(defs.filter((d) => d.key === lossName || d.base === lossName), blockIndex, block.sectionTitle);
  if (!lossDef) return {reason: `no definition of ${lossName} in this chapter to differentiate`};
  const notes: string[] = [];
  const lossRead = readSumOverRest(lossDef.rhs);
  if (lossRead.note) notes.push(`loss ${lossDef.lhsLatex} (line ${lossDef.block.line}): ${lossRead.note} (the usual form)`);
  const statedRead = readSumOverRest(line.rest[0].node);
  if (statedRead.note) notes.push(`stated derivative: ${statedRead.note}`);

  // Which symbol is the prediction: the prose first, then a hat / prime / p.
  const lossIndexed = [...new Set(symbolUses(lossRead.node).filter((u) => indexedBy(u)).map((u) => u.node.name))];
  const roles = proseRoles(`${block.prose}\n${lossDef.block.prose}`);
  // A symbol of the loss the chapter defines per sample in terms of the variable (p_j = σ(a z_{j1} + …)) is the
  // prediction, whatever its letter; then the prose, then a hat / prime / p.
  // h_i = σ(η_i) with η_i = θ^T x_i: the link through the chapter's other per-sample definitions (at most 3 deep)
  const through = (d: Definition): Node | undefined => {
    let rhs = d.rhs;
    for (let depth = 0; depth < 3 && !mentions(rhs, wrtKey); depth++) {
      const inner = symbolUses(rhs).find((u) => u.node.sub && u.node.name !== d.base && defs.some((e) => e.index && e.base === u.node.name && mentions(e.rhs, wrtKey) !== undefined));
      const e = inner && nearest(defs.filter((x) => x.index && x.base === inner.node.name), blockIndex, block.sectionTitle);
      if (!e) return undefined;
      rhs = substituteIndexed(rhs, e.base, e.index!, e.rhs);
    }
    return mentions(rhs, wrtKey) ? rhs : undefined;
  };
  const definedFrom = (b: string) => defs.some((d) => d.index && (d.base === b || d.base === strip(b)) && through(d) !== undefined);
  const pred =
    (lossIndexed.includes(wrtKey) ? undefined : lossIndexed.filter((b) => !roles.labels.has(b)).find(definedFrom)) ??
    lossIndexed.find((b) => roles.predictions.has(b) && !roles.labels.has(b)) ??
    lossIndexed.find((b) => !roles.labels.has(b) && (/^\\hat\{/.test(b) || /'$/.test(b) || /^[pq]$/.test(b)));
  if (!pred) return {reason: `cannot tell which of ${lossIndexed.join(", ") || "the loss's symbols"} is the prediction`};

  // The link from the weights to the prediction.
  let link: {rhs: Node; index: string; line?: number; assumed: boolean} | undefined;
  if (wrtKey !== pred) {
    const cands = defs.filter((d) => d.index && (d.base === pred || d.base === strip(pred)) && through(d) !== undefined);
    const found = nearest(cands, blockIndex, block.sectionTitle);
    if (found) {
      link = {rhs: through(found)!, index: found.index!, line: found.block.line, assumed: false};
      if (found.base !== pred)
        notes.push(`reads ${found.lhsLatex} = ${toLatex(found.rhs)} (line ${found.block.line}) as the prediction ${pred}_${found.index}: the prose calls ${pred} the prediction and ${found.base} the label`);
    } else if (findAll(statedRead.node, "grad").some((g) => g.of.type === "sym" && g.of.name === pred)) {
      link = {rhs: parseExpression(`${wrtKey} \\cdot x_i`), index: "i", assumed: true};
      notes.push(`assumes the linear model ${pred}_i = ${wrtKey} \\cdot x_i (the text differentiates ${pred}_i with respect to ${wrtKey} without defining it)`);
    }
  }
  const mode = link ? "link" : "prediction";
  const unsum = mode === "prediction" ? findAll(statedRead.node, "sum")[0]?.index : undefined;
  if (mode === "prediction")
    notes.push(`no link between ${wrtKey} and ${pred} is stated: compared per sample with \\partial ${lossName}/\\partial ${pred}_i (the chain factor \\nabla_{${wrtKey}} ${pred}_i is not written)`);

  // Seeded inputs.
  const variable = mode === "link" ? wrtKey : pred;
  const bindNodes = link ? [lossRead.node, link.rhs] : [lossRead.node];
  const exclude = new Set(link ? [pred] : []);
  const b = inferBindings([...bindNodes, statedRead.node], {seed, exclude, predictions: new Set([pred]), ...(link ? {freeIndices: [link.index]} : {})});
  const symbols = b.symbols.filter((s) => s.key !== b.freeIndex);
  const counts = {...b.counts};
  if (link) delete counts[link.index];
  const vars = bindingsOf(symbols);
  if (!(variable in vars)) return {reason: `${variable} does not appear in the loss ${lossDef.lhsLatex}`};
  const jsDefs: Record<string, Def> = link ? {[pred]: {index: link.index, body: link.rhs}} : {};

  // Autodiff of the loss as printed (tf.grad, float32 on the CPU backend).
  let autodiff: Value;
  try {
    await tf.ready();
    const g = tf.tidy(() => {
      const lifted: Record<string, tf.Tensor> = {};
      for (const [k, v] of Object.entries(vars)) if (k !== variable) lifted[k] = tfOps.lift(v);
      const f = (x: tf.Tensor) => {
        const y = evaluateWith(lossRead.node, {ops: tfOps, vars: {...lifted, [variable]: x}, idx: counts, defs: jsDefs, latex: toLatex(lossRead.node), budget});
        if (y.rank !== 0) throw new Error(`the loss ${lossDef.lhsLatex} is not a scalar`);
        return y as tf.Scalar;
      };
      return tf.grad(f)(tfOps.lift(vars[variable]));
    });
    autodiff = g.arraySync() as Value;
    g.dispose();
  } catch (e) {
    budget.note(e);
    return {reason: `cannot differentiate ${lossDef.lhsLatex}: ${(e as Error).message}`};
  }
  // X^T(h − y) beside h_i = σ(θ^T x_i): the plain h is the vector of the h_i over the loss's samples
  const statedVars = {...vars};
  const wholeUse = symbolUses(statedRead.node).some((u) => u.node.name === pred && !u.node.sub);
  const sampleSum = link && findAll(lossRead.node, "sum").find((x) => x.index === link!.index);
  const samples = sampleSum?.to?.type === "sym" ? counts[sampleSum.to.name] : undefined;
  if (link && wholeUse && !(pred in vars) && samples !== undefined)
    try {
      statedVars[pred] = Array.from({length: samples}, (_, k) => evaluate(link!.rhs, vars, {idx: {...counts, [link!.index]: k + 1}, budget, latex: toLatex(link!.rhs)}) as number);
    } catch (e) {
      budget.note(e);
    }
  const evalStated = (n: Node): Value => evaluate(n, statedVars, {idx: counts, defs: jsDefs, numericGradients: true, budget, ...(unsum ? {unsum} : {}), latex: toLatex(n)});
  let stated: Value;
  try {
    stated = evalStated(statedRead.node);
  } catch (e) {
    budget.note(e);
    return {reason: `cannot evaluate the stated derivative: ${(e as Error).message}`};
  }
  const agrees = (v: Value) => close(v, autodiff, 1e-4, 1e-6);
  const linkLatex = link ? `${pred}_${link.index} = ${toLatex(link.rhs)}` : undefined;
  const inputs = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, round(v, 4)]));
  const plan: CellPlan = {
    kind: "derivation",
    latex: block.latex,
    equations: [{lhs: lhsLatex, rhs: toLatex(statedRead.node)}],
    symbols,
    counts,
    seed,
    derivation: {
      wrt: variable,
      loss: toLatex(lossRead.node),
      lossLhs: lossDef.lhsLatex,
      lossLine: lossDef.block.line,
      prediction: pred,
      ...(link ? {link: {symbol: pred, index: link.index, rhs: toLatex(link.rhs), ...(link.line ? {line: link.line} : {}), assumed: link.assumed}} : {}),
      mode,
      ...(unsum ? {unsum} : {})
    },
    notes
  };
  const base = {wrt: wrtKey, loss: {line: lossDef.block.line, latex: `${lossDef.lhsLatex} = ${toLatex(lossRead.node)}`}, mode, ...(linkLatex ? {link: linkLatex} : {}), inputs, stated: round(stated, 6), autodiff: round(autodiff, 6), maxError: maxAbsDiff(stated, autodiff), notes} as const;
  if (agrees(stated)) return {plan, check: {...base, verdict: "ok", message: `agrees with autodiff (tf.grad) of ${lossDef.lhsLatex}${linkLatex ? ` with ${linkLatex}` : ""}`}};
  let corrected: string | undefined, fix: string | undefined;
  for (const v of signVariants(statedRead.node)) {
    let value: Value;
    try {
      value = evalStated(v.node);
    } catch {
      continue;
    }
    if (agrees(value)) {
      let node = v.node;
      if (mode === "prediction" && unsum) {
        // Put the chain factor back: Σ_i (∂J/∂ŷ_i) ∇_w ŷ_i.
        const sum = findAll(node, "sum").find((s) => s.index === unsum)!;
        const factor = parseExpression(`\\nabla_{${wrtKey}} ${pred}_${unsum}`);
        const withChain: NodeOf<"sum"> = {...sum, body: {type: "mul", left: sum.body.type === "add" ? {type: "paren", arg: sum.body, delim: "left()", start: 0, end: 0} : sum.body, right: factor, op: "implicit", start: 0, end: 0}};
        node = replace(node, sum, withChain);
      }
      corrected = `${lhsLatex} = ${toLatex(node)}`;
      fix = v.fix;
      break;
    }
  }
  if (!corrected) {
    // No sign fix: differentiate the loss symbolically (through the link) and keep it if it matches autodiff.
    try {
      if (link) {
        // Substitution copies the link's body into every use of the prediction: bound what that builds.
        const uses = symbolUses(lossRead.node).filter((u) => u.node.name === pred && u.node.sub).length;
        const grown = uses * measureTree(link.rhs, MAX_TREE_DEPTH, MAX_TREE_SIZE).size;
        budget.charge(grown, line.start, block.latex);
        if (grown > MAX_TREE_SIZE) throw new Error("the substituted loss would be too large");
      }
      const expr = link ? substituteIndexed(lossRead.node, pred, link.index, link.rhs) : lossRead.node;
      const matches = link ? (s: NodeOf<"sym">) => symKey(s.name, s.subText) === wrtKey : (s: NodeOf<"sym">) => s.name === pred && !!s.sub;
      let d = differentiate(expr, matches);
      // The derivative shares subtrees (σ' = σ(1 - σ)); printed or evaluated it is a tree: bound its size first.
      checkTree(d, undefined, MAX_TREE_SIZE, 2 * MAX_TREE_DEPTH);
      budget.charge(measureTree(d, 2 * MAX_TREE_DEPTH, MAX_TREE_SIZE).size, line.start, block.latex);
      if (link) d = foldIndexed(d, pred, link.index, link.rhs, findAll(lossRead.node, "sum").map((x) => x.index));
      if (agrees(evalStated(d))) {
        corrected = `${lhsLatex} = ${toLatex(d)}`;
        fix = "the symbolic derivative of the loss (unsimplified), since no single sign fix matches";
      }
    } catch {
      // leave corrected unset: the message says no fix was found
    }
  }
  const message = `stated ${fmt(stated)} but autodiff (tf.grad) gives ${fmt(autodiff)}${fix ? (fix.startsWith("flip") ? `; ${fix} to match` : `; no single sign fix matches, the derivative is given symbolically`) : "; no single sign fix matches"}`;
  return {plan, check: {...base, verdict: "bad", message, ...(corrected ? {corrected} : {}), ...(fix ? {fix} : {})}};
}

import {replaceNode as replace} from "./rewrite.js";
import {differentiate, foldIndexed, substituteIndexed} from "./diff.js";

function fmt(v: Value): string {
  const r = round(v, 4);
  return typeof r === "number" ? String(r) : JSON.stringify(r);
}
