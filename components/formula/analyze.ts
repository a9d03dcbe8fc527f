/**
 * analyzeChapter(blocks): one FormulaReport per math block of a chapter. Each formula is parsed as printed and
 * classified: an update rule (compiled with compileRecurrence and run on a demo quadratic), a stated derivative
 * (checked against tf.grad, see derivation.ts), a definition (evaluated on seeded inputs and, when it computes a
 * known quantity, compared with the reference implementation in components/math), or something without numeric
 * content (a symbol named in prose, a set, a condition at an unknown optimum) with a plain reason.
 * Runs in Node at generation time (uses tf on the CPU backend). Never throws.
 */
import {FormulaError, children, keyBase, symKey, type Formula, type Line, type Node, type NodeOf} from "./ast.js";
import {checkDerivation, type Definition} from "./derivation.js";
import {declaredShapes, dimensionMismatch, type Declarations} from "./dimensions.js";
import {SETTINGS_NOTE, chapterDefinitions, checkEquality, orthogonalMatrices, symmetricMatrices, type ChapterDef, type IndexCondition} from "./equality.js";
import {FormulaLimitError, WORK_PER_CHAPTER, WORK_PER_FORMULA, WorkBudget} from "./limits.js";
import {definedFunctions, parseExpression, parseFormula, substitute} from "./parse.js";
import {inlineCalls, type FunctionDef} from "./inline.js";
import {HYPER_DEFAULTS, inferBindings} from "./plan.js";
import {toLatex} from "./print.js";
import {proseRoles} from "./prose.js";
import {compileRecurrence} from "./recurrence.js";
import {judgeInRegion} from "./region.js";
import {distributionOutcome} from "./distribution.js";
import {runPlan} from "./runPlan.js";
import {leadSettings, leadUnitVectors} from "./settings.js";
import {allFinite, map, shapeOf} from "./values.js";
import {readSumOverRest} from "./scope.js";
import {mapChildren} from "./rewrite.js";
import {chapterSubscriptedFunctions, subscriptedCalls} from "./subscriptedFunctions.js";
import {GREEK_LETTERS, canonicalHyper, containsType, findAll, indexedBy, isSignedNumber, numbersOnly, symbolUses, twoIndices} from "./symbols.js";
import type {CellEquation, CellPlan, FormulaReport, MathBlock, ReferenceUse, SymbolBinding} from "./types.js";

export type {CellPlan, DerivationCheck, FormulaReport, MathBlock, SectionKind, SymbolBinding} from "./types.js";

type Parsed = {formula: Formula} | {error: FormulaError | Error};

export interface AnalyzeOptions {
  seed?: number;
  /** Work units per formula and per chapter (limits.ts WORK_PER_FORMULA, WORK_PER_CHAPTER). */
  workPerFormula?: number;
  workPerChapter?: number;
}

export async function analyzeChapter(blocks: MathBlock[], opts: AnalyzeOptions = {}): Promise<FormulaReport[]> {
  const seed = opts.seed ?? 1;
  const chapterBudget = new WorkBudget(opts.workPerChapter ?? WORK_PER_CHAPTER, "chapter");
  // \mathbf{w}'\mathbf{x}_i: a bold vector's prime is its transpose (econometrics' notation), when the chapter never
  // writes that vector's prime as a derivative (\mathbf{w}'(t)).
  const primedVectors = new Set(blocks.flatMap((b) => [...b.latex.matchAll(/\\(?:mathbf|boldsymbol|bm|vec)\{\\?([a-zA-Z]+)\}'(?!\s*\()/g)].map((m) => m[1])));
  // Φ(x) for the standard normal CDF: φ(x) is its density (the pair's convention), unless the chapter defines φ
  const normalDensity = blocks.some((b) => /\\Phi\s*(?:\(|\\left|\\big)/.test(b.latex));
  const parseAll = (functions?: ReadonlySet<string>, subscripted: ReadonlySet<string> = new Set()): Parsed[] =>
    blocks.map((b) => {
      try {
        return {formula: subscriptedCalls(primeTransposes(parseFormula(b.latex, {functions, normalDensity}), primedVectors), subscripted)};
      } catch (e) {
        return {error: e as Error};
      }
    });
  let parsed = parseAll();
  // \mu_*(x) = …: a function with a subscripted name, called as \mu_*(2) elsewhere
  const subscripted = chapterSubscriptedFunctions(parsed.flatMap((p) => ("formula" in p ? [p.formula] : [])));
  if (subscripted.size) parsed = parseAll(undefined, subscripted);
  // A function the chapter defines with a letter the parser reads as a factor (\ell(a, c) = …) is a call everywhere.
  const functions = new Set(parsed.flatMap((p) => ("formula" in p ? definedFunctions(p.formula) : [])));
  if (functions.size) parsed = parseAll(functions, subscripted);
  const defs = collectDefinitions(blocks, parsed);
  const fns = functionDefinitions(parsed);
  const chapterDefs = chapterDefinitions(parsed.map((p) => ("formula" in p ? p.formula : undefined)));
  // \bar{g}^{(j)} = \frac{1}{n_j} \sum_{i \in B_j} … (a form the parser does not read): the symbol is still defined, with
  // no value the engine can compute, so it is never seeded as if it were free
  chapterDefs.push(...unreadDefinitions(blocks, parsed));
  // "Equivalently, LSE(z) = m + …": a restatement of a function in the same parameters is a claim, not a definition
  for (const d of chapterDefs)
    if (d.params && RESTATES.test(lastSentence(leadWords(blocks[d.blockIndex]))) &&
      chapterDefs.some((e) => e !== d && e.key === d.key && JSON.stringify(e.params) === JSON.stringify(d.params) && (e.blockIndex < d.blockIndex || (e.blockIndex === d.blockIndex && e.lineIndex < d.lineIndex))))
      d.restatement = true;
  const declared = declaredShapes(parsed.map((p, i) => ({formula: "formula" in p ? p.formula : undefined, line: blocks[i].line})));
  const reports: FormulaReport[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i];
    const p = parsed[i];
    const base = {id: block.id, line: block.line};
    if ("error" in p) {
      const limit = p.error instanceof FormulaLimitError ? {limit: p.error.limit} : {};
      reports.push({...base, status: "not-executable", reason: `cannot parse: ${p.error.message}`, ...limit});
      continue;
    }
    if (chapterBudget.exceeded) {
      reports.push({...base, status: "not-executable", reason: `not analysed: ${chapterBudget.exceeded.reason}`, limit: "budget"});
      continue;
    }
    const budget = chapterBudget.child(opts.workPerFormula ?? WORK_PER_FORMULA);
    let outcome: Outcome;
    try {
      budget.charge(block.latex.length);
      const formulaSeed = (seed * 7919 + i * 104729) >>> 0;
      outcome = await analyzeFormula(block, i, p.formula, defs, formulaSeed, budget, chapterDefs, fns, blocks);
      // a formula with its own region (|x| < β) is judged on seeded inputs inside it
      const inRegion = outcome.status === "flagged" && !outcome.check
        ? await judgeInRegion(outcome, p.formula, block.latex, formulaSeed, (s) => analyzeFormula(block, i, p.formula, defs, s, budget, chapterDefs, fns, blocks))
        : undefined;
      outcome = inRegion ?? conditionBound(regionBound(outcome, block, p.formula), block);
      outcome = dimensionsBound(outcome, p.formula, block, declared);
      // ln(1 − σ(40)) = ln 0, "为 −∞": the text itself says the value is infinite
      // (ρ_∞ is a name: an ∞ in a subscript says nothing about the value)
      if (!outcome.reason && outcome.plan && /\\(?:ln|log)\s*\{?\s*0\s*\}?(?![.\d])|\\infty|∞/.test(`${block.latex} ${(block.prose ?? "").split("\n").find((l) => l.includes(block.latex)) ?? ""}`.replace(/_\{?\s*(?:\\infty|∞)\s*\}?/g, "")))
        outcome = {...outcome, reason: "the text states that this value is infinite (ln 0, ∞); the cell shows it as such"};
    } catch (e) {
      if (e instanceof FormulaLimitError) budget.limitHit ??= e;
      outcome = {status: "not-executable", reason: `the engine failed on this formula: ${(e as Error).message}`};
    }
    // A formula that hit a limit anywhere (nesting, size, work) is not executable for that reason, whatever part
    // of its analysis got through: the page does not re-run it.
    const hit = budget.limitHit;
    if (hit) outcome = {status: "not-executable", reason: hit.reason, limit: hit.limit};
    if (outcome.plan && outcome.plan.kind !== "derivation" && !hit) textValues(outcome.plan, i, blocks, chapterDefs);
    reports.push({...base, ...outcome});
  }
  return reports;
}

const isFinite = (v: unknown): boolean => (typeof v === "number" ? Number.isFinite(v) : Array.isArray(v) && v.every(isFinite));

/**
 * The text's values as the cell's defaults: a symbol the chapter gives a value (`$\kappa = 0.1$`, `$\theta = [1, 1]$`,
 * `$(u, v) = (-2, 4)$`), nearest statement first (earlier before later), replaces the seeded value of the same shape.
 * Kept only when the cell still computes finite values with them.
 */
function textValues(plan: CellPlan, blockIndex: number, blocks: MathBlock[], defs: ChapterDef[]): void {
  const facts = new Map<string, ChapterDef>();
  const dist = (d: ChapterDef) => (d.blockIndex <= blockIndex ? blockIndex - d.blockIndex : 1000 + d.blockIndex - blockIndex);
  for (const d of defs) {
    if (d.fact === undefined || d.blockIndex === blockIndex) continue;
    const cur = facts.get(d.key);
    if (!cur || dist(d) < dist(cur)) facts.set(d.key, d);
  }
  const used: {key: string; display: string; value: unknown; line: number}[] = [];
  const symbols = plan.symbols.map((s) => {
    const f = facts.get(s.key);
    if (!f || s.fixed || s.role === "count" || JSON.stringify(shapeOf(f.fact!)) !== JSON.stringify(shapeOf(s.value))) return s;
    used.push({key: s.key, display: plainSymbol(s.key), value: f.fact, line: blocks[f.blockIndex].line});
    return {...s, value: f.fact!};
  });
  if (!used.length) return;
  const trial = {...plan, symbols};
  try {
    const r = runPlan(trial);
    const values = [...r.equations.map((e) => e.value), ...(r.iterates ?? []).flatMap((it) => [...it.w, it.loss])];
    if (r.equations.some((e) => e.error) || r.iterateError || !values.every(isFinite)) return;
  } catch {
    return;
  }
  plan.symbols = symbols;
  plan.notes = [...plan.notes, `the text's values: ${used.map((u) => `${u.key} = ${JSON.stringify(u.value)} (line ${u.line})`).join(", ")}`];
  plan.textValues = used.map((u) => ({symbol: `${u.display} = ${JSON.stringify(u.value)}`, line: u.line}));
}


/** A symbol key as plain text for a sentence (\\kappa → κ, \\beta_1 → β_1, \\hat{y} → y). */
function plainSymbol(key: string): string {
  return key.replace(/\\(?:hat|bar|tilde|mathbf|boldsymbol)\{([^{}]*)\}/g, "$1").replace(/\\([a-zA-Z]+)/g, (m, n: string) => GREEK_LETTERS[n] ?? n).replace(/[{}]/g, "");
}

/** The chapter's functions with bare-symbol parameters (`\ell(a, c) = …`), the first definition of each name. */
function functionDefinitions(parsed: Parsed[]): Map<string, FunctionDef> {
  const out = new Map<string, FunctionDef>();
  for (const p of parsed) {
    if (!("formula" in p)) continue;
    for (const line of p.formula.lines) {
      const lhs = line.first;
      if (line.rest[0]?.rel !== "=" || lhs.type !== "call" || (lhs.builtin && lhs.args.length < 2) || out.has(lhs.fn)) continue;
      if (!lhs.args.every((a) => a.type === "sym")) continue;
      out.set(lhs.fn, {params: lhs.args.map((a) => (a.type === "sym" ? symKey(a.name, a.subText) : "")), body: line.rest[0].node});
    }
  }
  return out;
}

function collectDefinitions(blocks: MathBlock[], parsed: Parsed[]): Definition[] {
  const out: Definition[] = [];
  parsed.forEach((p, blockIndex) => {
    if (!("formula" in p)) return;
    for (const line of p.formula.lines) {
      if (!line.rest.length || line.rest[0].rel !== "=") continue;
      const lhs = line.first;
      const lhsLatex = blocks[blockIndex].latex.slice(lhs.start, lhs.end).trim();
      const rhs = line.rest[0].node;
      if (lhs.type === "sym") {
        const index = lhs.sub?.type === "sym" && !lhs.sub.sub && lhs.sub.name.length === 1 ? lhs.sub.name : undefined;
        out.push({block: blocks[blockIndex], blockIndex, lhsLatex, key: symKey(lhs.name, lhs.subText), base: lhs.name, ...(index ? {index} : {}), rhs});
      } else if (lhs.type === "call" && !lhs.builtin) out.push({block: blocks[blockIndex], blockIndex, lhsLatex, key: lhs.fn, base: lhs.fn, rhs});
    }
  });
  return out;
}

type Outcome = Omit<FormulaReport, "id" | "line">;

const isRecurrenceLine = (line: Line): boolean => {
  if (!line.rest.length || line.rest[0].rel !== "=" || line.first.type !== "sym") return false;
  if (!containsType(line.rest[0].node, "grad")) return false;
  const lhs = line.first;
  return !!lhs.sub || symbolUses(line.rest[0].node, {skipGradients: true}).some((u) => u.node.name === lhs.name);
};

function describeNames(f: Formula, latex: string): string | undefined {
  if (f.lines.length !== 1 || f.lines[0].rest.length) return undefined;
  const n = f.lines[0].first;
  const all = n.type === "list" ? n.items : [n];
  if (all.some((x) => x.type === "tuple" || x.type === "ellipsis")) return "lists data pairs; no numeric content";
  if (all.every((x) => x.type === "sym")) return all.length === 1 ? `names the symbol ${latex}; no numeric content` : `names the symbols ${latex}; no numeric content`;
  if (all.length === 1 && n.type === "call" && !n.builtin) return `names the function ${latex}; no formula to evaluate here`;
  if (all.length === 1 && n.type === "grad") return `names the gradient ${latex}; no formula to evaluate here`;
  return undefined;
}

async function analyzeFormula(block: MathBlock, blockIndex: number, f: Formula, defs: Definition[], seed: number, budget: WorkBudget, chapterDefs: ChapterDef[] = [],
  fns: ReadonlyMap<string, FunctionDef> = new Map(), blocks: MathBlock[] = [block]): Promise<Outcome> {
  const names = describeNames(f, block.latex.trim());
  if (names) return {status: "not-executable", reason: names};
  // What the text says of the inputs, read once for every comparison of this formula: orthogonal and symmetric
  // matrices, the values its lead-in sets, the vectors it makes unit vectors.
  let seeded: Pick<Parameters<typeof checkEquality>[0], "orthogonal" | "symmetric" | "facts" | "unit" | "zeroComponents"> | undefined;
  const seeding = () => (seeded ??= {orthogonal: orthogonalMatrices(block.prose), symmetric: chapterSymmetric(blocks), facts: leadSettings(block.before ?? ""), unit: leadUnitVectors(block.before ?? ""),
    zeroComponents: zeroComponents(blocks)});
  // f(x + ε) = f(x) + ε f'(x) + O(ε²): an order of growth, true only in the limit.
  const bigO = (n: Node) =>
    findAll(n, "call").some((c) => !c.builtin && c.fn === "O") ||
    findAll(n, "mul").some((m) => m.op === "implicit" && m.left.type === "sym" && m.left.name === "O" && !m.left.sub && m.right.type === "paren");
  if (f.lines.some((l) => bigO(l.first) || l.rest.some((r) => bigO(r.node))))
    return {status: "not-executable", reason: "states an order of growth (O(…)), true only in the limit; nothing to evaluate"};
  // E[y] = Var[y] = λ, Var(q·k) = d_k: properties of a random variable's distribution, not of seeded values.
  // (E[g^2]_t, with a step index, is a running average: a symbol of its own.)
  if (/\\mathbb\{[EV]\}|\\(?:operatorname|mathrm|text|textrm)\{(?:Var|Cov|E|Corr|Std)\}|\\(?:Var|Cov|E)\b|(?<![A-Za-z\\])(?:Var|Cov)\s*[[(]|(?<![A-Za-z\\])E\s*\[[^\]]*\](?!\s*_)/.test(block.latex))
    // judged on seeded draws of the random variables the chapter declares (x ∼ N(0, σ²), "m_i 是独立的伯努利变量")
    return distributionOutcome(namedConstants(f), block, blocks, seed) ?? {status: "not-executable", reason: "states a property of a random variable's distribution (an expectation or a variance); seeded values cannot check it"};
  const equations = f.lines.filter((l) => l.rest.length);
  if (equations.length !== f.lines.length) return {status: "not-executable", reason: "mixes equations and bare expressions; nothing to evaluate as a whole"};
  const up = ascentStep(f, block);
  if (up) return {status: "flagged", reason: up};
  const corrected = biasCorrection(f, chapterDefs);
  if (corrected) return {status: "flagged", reason: corrected};
  // Update rules.
  if (f.lines.some(isRecurrenceLine)) {
    const out = recurrence(block, f, seed, budget);
    if (out.status !== "not-executable") return out;
    // v_t = \gamma v_{t-1} + \eta \nabla_\theta J(\theta_{t-1}) with \theta's own update in another display: read together.
    const joint = withWeightUpdate(f, block.latex, chapterDefs, blockIndex);
    if (joint) {
      const again = recurrence(block, parseFormula(joint), seed, budget, joint);
      if (again.status !== "not-executable") return again;
    }
    return out;
  }
  // An update written with a per-step gradient symbol (\theta_{t+1} = \theta_t - \frac{\eta}{\sqrt{G_t + \epsilon}} g_t),
  // read with the chapter's recurrences for the state it uses (G_t = G_{t-1} + g_t^2).
  const system = gradientSymbolSystem(f, chapterDefs, blockIndex);
  if (system) {
    const out = recurrence(block, parseFormula(system.latex), seed, budget, system.latex);
    if (out.status === "executable") return accumulatorCheck(out, system.latex, budget);
  }
  const first = f.lines[0];
  // Stated derivatives.
  if (first.first.type === "grad") {
    const rhs = first.rest[0].node;
    // ∂L/∂u ≈ −0.0986: a worked value, compared like one given with =
    if (first.rest[0].rel !== "=" && first.rest[0].rel !== "\\approx") return {status: "not-executable", reason: `states a relation (${first.rest[0].rel}), not a value`};
    if (rhs.type === "num" && rhs.value === 0) {
      const at = first.first.of.type === "call" ? first.first.of.args.map(toLatex).join(", ") : "";
      return {status: "not-executable", reason: `states a condition (the gradient vanishes${/\*/.test(at) ? ` at the unknown minimiser ${at}` : ""}); no formula to evaluate`};
    }
    if (rhs.type === "grad") return {status: "not-executable", reason: "defines notation (∇ as the vector of partial derivatives); no numeric content"};
    // the stated derivative (or a rewriting of it) against the gradient of the chapter's definitions
    const derivativeCheck = (line: Line = first, against: ChapterDef[] = chapterDefs) =>
      checkEquality({line, latex: block.latex, blockIndex, lineIndex: 0, defs: against, seed, checkFirst: true, budget, indexCondition: indexConditionOf(block), ...seeding()});
    const r = await checkDerivation({block, blockIndex, line: first, defs, seed, budget});
    if ("reason" in r) {
      // Any symbol the chapter defines: the stated value against the gradient of its definition.
      const eq = derivativeCheck();
      if (eq) return equalityOutcome(eq, block, f, seed);
      // ∂L/∂a = ∂L/∂h ⊙ 𝟙[a > 0]: the chain rule for any loss, through the upstream gradient it names
      const up = upstreamLoss(first, chapterDefs, block.latex);
      if (up) {
        const again = derivativeCheck(up.line, up.defs);
        if (again) return equalityOutcome({...again, message: `${again.message}, for any loss: ${up.note}`}, block, f, seed);
      }
      return {status: "not-executable", reason: r.reason};
    }
    // Σ_i δ_i with δ_i = y_i − t_i defined in the chapter: a seeded δ stands for what the definition fixes, so the
    // comparison is the chapter's definitions' (or none)
    // (one the loss itself uses, ŷ_i in MSE = Σ(y_i − ŷ_i)², is the prediction the check differentiates through)
    const gof = (first.first as NodeOf<"grad">).of;
    const lossKey = gof.type === "sym" ? symKey(gof.name, gof.subText) : gof.type === "call" ? gof.fn : "";
    // (and what the loss reaches through the chapter's definitions: x̂_i in y_i = γ x̂_i + β)
    const inLoss = new Set<string>();
    let frontier = [lossKey];
    for (let depth = 0; depth < 4 && frontier.length; depth++) {
      const next = chapterDefs.filter((d) => d.fact === undefined && frontier.includes(d.key)).flatMap((d) => symbolUses(d.body).map((u) => u.node.name)).filter((n) => !inLoss.has(n));
      next.forEach((n) => inLoss.add(n));
      frontier = next;
    }
    const seededDefined = r.check.verdict === "bad" && r.plan.symbols.some((x) => !inLoss.has(keyBase(x.key)) && !inLoss.has(x.key) &&
      chapterDefs.some((d) => d.fact === undefined && !d.recurrence && d.blockIndex !== blockIndex && (d.key === x.key || (!!d.index && d.key === keyBase(x.key)))));
    if (seededDefined) {
      const eq = derivativeCheck();
      if (eq) return equalityOutcome(eq, block, f, seed);
      return {status: "not-executable", reason: "the stated derivative uses symbols the chapter defines elsewhere, which the per-sample check would seed; not judged"};
    }
    // Without a stated link the comparison assumed one (per sample, no chain factor): a disagreement there is only
    // a verdict when the chapter's own definitions cannot be differentiated instead.
    if (r.check.verdict === "bad" && r.check.mode === "prediction") {
      const eq = derivativeCheck();
      if (eq) return equalityOutcome(eq, block, f, seed);
    }
    return {status: r.check.verdict === "ok" ? "verified" : "flagged", plan: r.plan, check: r.check, ...(r.check.notes.length ? {reason: r.check.notes.join("; ")} : {})};
  }
  let out = definitions(block, f, seed, budget, fns);
  // \hat{m}_t = m_t / (1 − β₁^{t−1}): a formula of the step t that is not finite at the first step, t = 1.
  // (not a formula with branches: there a NaN at t = 1 is a step no branch covers at the seeded bounds, 0 ≤ t ≤ T₁)
  const branched = f.lines.some((l) => [l.first, ...l.rest.map((r) => r.node)].some((n) => findAll(n, "call").some((c) => c.builtin && c.fn === "cases")));
  if (out.plan && out.status === "executable" && (branched ? !out.reason : out.plan.symbols.some((x) => x.role === "time" && x.value === 1))) {
    // (with the other inputs' magnitudes: d^{-0.5} min(t^{-0.5}, t W^{-1.5}) at a seeded d < 0 is no fault of t = 1)
    const magnitudes = branched ? out.plan.symbols : out.plan.symbols.map((x) => (x.role === "time" ? x : {...x, value: map(x.value, Math.abs)}));
    const run = runPlan(out.plan, magnitudes, undefined, {budget});
    const bad = run.equations.findIndex((e) => !e.error && !allFinite(e.value));
    if (bad >= 0 && branched) out = {...out, reason: "at the inputs shown no branch of the cases holds (the cell says so); inside a branch's condition it has a value"};
    else if (bad >= 0) return {...out, status: "flagged", reason: `not finite at the first step t = 1 (${out.plan.equations[bad]?.lhs ?? "the value"} divides by zero there?)`};
  }
  if (out.status === "verified" && !out.reason?.startsWith("agrees with")) return out;
  if (out.status === "verified") return out;
  // Stated equalities: chains of a worked example, identities, restated definitions.
  let bad: ReturnType<typeof checkEquality>, ok: ReturnType<typeof checkEquality>;
  f.lines.forEach((line, lineIndex) => {
    if (bad || !line.rest.length) return;
    const unrolled = closedForm(line, block, blockIndex, lineIndex, chapterDefs, seed, budget);
    if (unrolled) {
      if (unrolled.verdict === "bad") bad = unrolled;
      else ok ??= unrolled;
      return;
    }
    const check = (defs: ChapterDef[]) => checkEquality({line, latex: block.latex, blockIndex, lineIndex, defs, seed, checkFirst: lhsIsClaim(line, blockIndex, lineIndex, chapterDefs) && !componentLead(line, block), budget, ...seeding()});
    let eq = check(chapterDefs);
    // η(5500) = … with η(t) defined twice (the linear schedule, then its cosine variant): a value one of them gives
    if (eq?.verdict === "bad")
      for (const alt of otherReadings(line, chapterDefs, blockIndex)) {
        const again = check(alt.defs);
        if (again?.verdict === "ok") {
          eq = {...again, message: `${again.message}, with another of the chapter's definitions of ${alt.key} (it defines ${alt.key} more than once)`};
          break;
        }
      }
    if (eq?.verdict === "bad") bad = eq;
    else if (eq) ok ??= eq;
  });
  const eq = bad ?? ok;
  if (!eq) return out;
  // (the formula read as definitions does not run, p ≈ (0.5065, …) as a tuple: the comparison is the cell)
  if (out.status === "not-executable") return equalityOutcome(eq, block, f, seed);
  const reason = [eq.message, ...(out.reason ? [out.reason] : [])].join("; ");
  return {...out, status: eq.verdict === "ok" ? "verified" : "flagged", reason};
}

/**
 * A stated derivative written through upstream gradients of the same loss (∂L/∂a = ∂L/∂h ⊙ 𝟙[a > 0],
 * ∇_g L = ∇_w L · v/‖v‖): the chain rule holds for every loss that reaches the variable through those quantities, so
 * it is checked for the loss L = ξᵀh, with a seeded vector ξ per upstream quantity h (so ∂L/∂h = ξ, written in for
 * the upstream gradient), through the chapter's definition of h, whatever the chapter's own L is.
 */
function upstreamLoss(line: Line, defs: ChapterDef[], latex: string): {line: Line; defs: ChapterDef[]; note: string} | undefined {
  const g = line.first;
  if (g.type !== "grad" || g.of.type !== "sym" || g.wrt.type !== "sym") return undefined;
  const loss = symKey(g.of.name, g.of.subText), x = symKey(g.wrt.name, g.wrt.subText);
  // (not for a matrix variable: x δᵀ and δ xᵀ hold the same numbers, and which layout the text means is not checked here)
  if (/^[A-Z]/.test(g.wrt.name)) return undefined;
  const keyOf = (n: Node) => (n.type === "sym" ? symKey(n.name, n.subText) : "");
  const isUp = (n: Node): n is NodeOf<"grad"> => n.type === "grad" && keyOf(n.of) === loss && n.wrt.type === "sym" && keyOf(n.wrt) !== x && !(n as {at?: Node}).at;
  // the upstream quantities by key, each as the text writes it (∇_{\mathbf{w}} L: w)
  const upstream = new Map(line.rest.flatMap((r) => findAll(r.node, "grad")).filter(isUp).map((u) => [keyOf(u.wrt), u.wrt] as const));
  const names = [...upstream.keys()];
  // each upstream quantity must be one the chapter defines (so the loss reaches x through it)
  if (!names.length || !names.every((k) => defs.some((d) => d.fact === undefined && !d.params && !d.index && d.key === k))) return undefined;
  const free = ["xi", "zeta", "nu"].filter((l) => !latex.includes(`\\${l}`)).slice(0, names.length).map((l) => `\\${l}`);
  if (free.length < names.length) return undefined;
  const span = {start: 0, end: 0};
  const xiOf = (k: string): Node => ({...span, type: "sym", name: free[names.indexOf(k)]});
  const terms = names.map((k): Node => ({...span, type: "mul", op: "implicit", left: {...span, type: "transpose", arg: xiOf(k)}, right: upstream.get(k)!} as Node));
  const body: Node = terms.length === 1 ? terms[0] : ({...span, type: "add", terms: terms.map((node) => ({sign: 1, node}))} as Node);
  const replace = (n: Node): Node => (isUp(n) ? xiOf(keyOf(n.wrt)) : mapChildren(n, replace));
  return {
    line: {...line, rest: line.rest.map((r) => ({...r, node: replace(r.node)}))},
    defs: [...defs.filter((d) => d.key !== loss), {blockIndex: -1, lineIndex: 0, key: loss, body}],
    note: `L = ${names.map((k, i) => `${free[i]}^\\top ${k}`).join(" + ")}, seeded`
  };
}

/**
 * E[g] = γ ≈ 0.5772: a bare symbol beside the number that follows it names that number (the Euler–Mascheroni
 * constant), it is not a seeded value; the line is read without it.
 */
function namedConstants(f: Formula): Formula {
  const lines = f.lines.map((l) => {
    const parts = [l.first, ...l.rest.map((r) => r.node)];
    const drop = parts.findIndex((p, i) => i > 0 && p.type === "sym" && i + 1 < parts.length && isSignedNumber(parts[i + 1]));
    return drop > 0 ? {...l, rest: l.rest.filter((_, k) => k !== drop - 1)} : l;
  });
  return {...f, lines};
}

/**
 * The chapter's definitions with one of several definitions of a function the line applies kept (each earlier one
 * in turn, nearest first after the one the line reads by default): η(t) defined as a linear schedule and later as its
 * cosine variant, and a worked value of either.
 */
function otherReadings(line: Line, defs: ChapterDef[], blockIndex: number): {key: string; defs: ChapterDef[]}[] {
  const calls = [line.first, ...line.rest.map((r) => r.node)].flatMap((n) => findAll(n, "call").filter((c) => !c.builtin).map((c) => c.fn));
  const out: {key: string; defs: ChapterDef[]}[] = [];
  for (const key of new Set(calls)) {
    const own = defs.filter((d) => d.key === key && d.params?.length && d.fact === undefined && !d.restatement && d.blockIndex < blockIndex);
    if (own.length < 2) continue;
    own.sort((a, b) => b.blockIndex - a.blockIndex || b.lineIndex - a.lineIndex);
    // (in as many parameters as the one read by default: f(x) and f(x, y) are two functions, not two readings)
    const same = own.filter((d) => d.params!.length === own[0].params!.length);
    for (const keep of same.slice(1, 4)) out.push({key, defs: defs.filter((d) => d === keep || !same.includes(d))});
  }
  return out;
}

/**
 * "动量的第二个分量：$m_2 = …$", "the first component": a numbered subscript the lead-in calls a component (an entry of
 * a vector), not the step of a recurrence that shares the letter. The left side names the worked value.
 */
function componentLead(line: Line, block: MathBlock): boolean {
  if (line.first.type !== "sym" || line.first.sub?.type !== "num") return false;
  return /分量|元素|坐标|(?:component|entry|coordinate)\b/i.test(leadWords(block));
}

/**
 * m_t = (1 − β) Σ_{k=1}^{t} β^{t−k} g_k beside the recurrence m_t = β m_{t−1} + (1 − β) g_t: a closed form, checked by
 * unrolling the recurrence from the value the text gives it at step 0 (m_0 = 0) at the steps t = 1, 2, 3, on seeded
 * inputs (a sequence g_k). A closed form in a constant (s_t = (1 − ρ^t) g² for a constant g) holds only under the text's
 * conditions and is not judged; nor is one whose recurrence has no stated start.
 */
function closedForm(line: Line, block: MathBlock, blockIndex: number, lineIndex: number, defs: ChapterDef[], seed: number, budget: WorkBudget): ReturnType<typeof checkEquality> {
  const lhs = line.first;
  if (lhs.type !== "sym" || lhs.sub?.type !== "sym" || lhs.sub.sub || line.rest.length !== 1 || line.rest[0].rel !== "=") return undefined;
  const t = lhs.sub.name;
  const rec = defs.find((d) => d.recurrence && d.key === lhs.name && d.index === t && (d.blockIndex < blockIndex || (d.blockIndex === blockIndex && d.lineIndex < lineIndex)));
  const start = defs.some((d) => d.fact !== undefined && d.key === symKey(lhs.name, "0"));
  const rhs = line.rest[0].node;
  // the closed form runs over the steps: a sum up to t over an indexed sequence, or a power in t of a start value
  const overSteps = findAll(rhs, "sum").some((x) => x.to?.type === "sym" && x.to.name === t) || symbolUses(rhs).some((u) => u.node.name === lhs.name && u.node.sub?.type === "num");
  if (!rec || !start || !overSteps) return undefined;
  const tSym = {type: "sym", name: t, start: 0, end: 0} as NodeOf<"sym">;
  let last: ReturnType<typeof checkEquality>;
  for (const k of [1, 2, 3]) {
    const at = {type: "num", value: k, start: 0, end: 0} as Node;
    const inst: Line = {...line, first: {...lhs, sub: at, subText: String(k)}, rest: [{rel: "=", node: substitute(rhs, [tSym], [at])}]};
    const eq = checkEquality({line: inst, latex: block.latex, blockIndex, lineIndex, defs, seed, checkFirst: true, budget});
    if (!eq) return undefined;
    if (eq.verdict === "bad") return {...eq, message: `at t = ${k}, unrolling ${lhs.name}_${t}'s recurrence from ${lhs.name}_0: ${eq.message}`};
    last = eq;
  }
  return last && {...last, message: `agrees with the recurrence unrolled from ${lhs.name}_0 at t = 1, 2, 3 on seeded inputs`};
}

/** Whether a line's left side is itself a claim to check (not the name it defines). */
function lhsIsClaim(line: Line, blockIndex: number, lineIndex: number, defs: ChapterDef[]): boolean {
  if (line.assign) return false;
  // e^{0.85} ≈ 2.72, \ln 2 = 0.693: a left side of numbers only is a value to check, never a name
  // (π = (0.5252, 0.4748) in a chapter whose mixture weights are π_k: its own symbol, not the number π)
  const ownPi = line.first.type === "sym" && line.first.name === "\\pi" && defs.some((d) => keyBase(d.key) === "\\pi" || d.key === "\\pi");
  if (numbersOnly(line.first) && !ownPi && !defs.some((d) => d.key === "e" && d.fact === undefined && !d.index)) return true;
  const own = defs.find((d) => d.blockIndex === blockIndex && d.lineIndex === lineIndex);
  let lhs = line.first.type === "pow" ? line.first.base : line.first;
  // \Delta\theta_2, \delta w: a name, not a product.
  if (lhs.type === "mul" && lhs.op === "implicit" && lhs.left.type === "sym" && /^\\(Delta|delta)$/.test(lhs.left.name) && lhs.right.type === "sym") return false;
  const earlier = (d: ChapterDef) => d !== own && (d.blockIndex < blockIndex || (d.blockIndex === blockIndex && d.lineIndex < lineIndex));
  // θ_1 = 1 − 0.025 · (…) after an earlier θ_1 = 1 − 0.1 · (…) with numbers only: another worked example (another
  // method's first step), not a claim about the earlier one.
  if (own && numbersOnly(own.body) && defs.some((d) => earlier(d) && !d.index && d.key === own.key && d.fact === undefined && numbersOnly(d.body))) return false;
  if (lhs.type === "sym") {
    // An instance of a general formula the chapter states (\eta_2 with \eta_t = …), or a restated symbol.
    if (lhs.sub?.type === "num" && defs.some((d) => earlier(d) && d.index && d.key === lhs.name)) return true;
    // (p ≈ (0.5065, …) after p_i = …: "≈" states the worked value of the entries the chapter defines)
    const approx = line.rest.length === 1 && line.rest[0].rel === "\\approx";
    if (!own) return defs.some((d) => earlier(d) && ((!d.index && d.key === symKey(lhs.name, lhs.subText)) || (approx && !lhs.sub && !!d.index && d.key === lhs.name && d.fact === undefined && !d.recurrence)));
  }
  if (!own) return true;
  // A value the text gives again (η = 0.05 after η = 0.2): a new setting, not a claim about the old one. But
  // p ≈ (0.5065, 0.3072, 0.1863) after p_i = …: "≈" gives the worked value of what the chapter defines.
  if (own.fact !== undefined)
    return line.rest.length === 1 && line.rest[0].rel === "\\approx" && lhs.type === "sym" && !lhs.sub &&
      defs.some((d) => earlier(d) && d.fact === undefined && !d.recurrence && (d.key === own.key || (!!d.index && d.key === lhs.name)));
  // A function defined again with the same parameters (f(x) = x cos(cx) for a new example): a new definition,
  // unless the text says it restates the earlier one ("Equivalently", "也可以写成") in the same symbols.
  // (ℓ_w(−1, 1) = …, with numbers for arguments, is the function at a point: a claim)
  // (ρ_{0.5}(u) = ½|u| after the family ρ_τ(u) = …: a member of a function family the chapter defines, a claim)
  const member = line.first.type === "mul" && line.first.left.type === "sym" && line.first.left.sub ? line.first.left.name : undefined;
  if (own.params?.length && member && defs.some((d) => earlier(d) && d.index && d.params?.length && d.key === member && d.fact === undefined)) return true;
  if (own.params?.length) return !!own.restatement || (own.paramNodes ?? []).every(isSignedNumber);
  // A symbol the chapter already defines elsewhere, restated: both sides are claims.
  // A function defined again in other parameters (J(w) then J(\boldsymbol{\beta})) is a new definition, not a restatement.
  const sameParams = (d: ChapterDef) => JSON.stringify(d.params ?? []) === JSON.stringify(own.params ?? []);
  // A closed form of a recurrence (s_t = (1 - \rho^t) g^2 beside s_t = \rho s_{t-1} + …) holds only under the text's
  // conditions (a constant gradient): not checked on seeded inputs.
  // A letter reused for something else (y = \log \text{price} after y = w^T x + b) or for another model (y = w^T x + b
  // + ε, later y = Σ_i x_i w_i + b) uses other symbols: a new definition. A restatement ("the variance can also be
  // written as") uses the same ones.
  // (p_{out} is another quantity than p: a subscript that is not an index counts)
  const names = (n: Node) => new Set(symbolUses(n).map((u) => (u.node.sub && !u.indices.includes(u.node.subText ?? "") && u.node.sub.type === "sym" && u.node.sub.name.length > 1 && !u.node.sub.name.startsWith("\\") ? u.key : u.node.name)));
  const mine = names(own.body);
  const related = (d: ChapterDef) => {
    const theirs = names(d.body);
    const common = [...mine].filter((x) => theirs.has(x)).length;
    // the same quantities (a restatement); an extra one on either side (y = w^T x + b + ε, then y = Σ x_i w_i + b) is another model
    return common > 0 && common === mine.size && common === theirs.size;
  };
  return defs.some((d) => earlier(d) && !d.recurrence && d.key === own.key && !!d.index === !!own.index && sameParams(d) && related(d));
}

function equalityOutcome(eq: NonNullable<ReturnType<typeof checkEquality>>, block: MathBlock, f: Formula, seed: number): Outcome {
  const plan: CellPlan = {
    kind: "expression",
    latex: block.latex,
    equations: f.lines.filter((l) => l.rest.length).map((l) => ({lhs: block.latex.slice(l.first.start, l.first.end).trim(), rhs: toLatex(l.rest[l.rest.length - 1].node)})),
    symbols: Object.entries(eq.inputs).map(([key, value]) => ({key, value, role: Array.isArray(value) ? "vector" : "scalar"})),
    counts: {},
    seed,
    notes: [eq.message]
  };
  const derivative = f.lines.some((l) => containsType(l.first, "grad") || l.rest.some((r) => containsType(r.node, "grad")));
  return {status: eq.verdict === "ok" ? "verified" : "flagged", plan, reason: /is not evaluated/.test(eq.message) || !derivative ? eq.message : `${eq.message} (compared with the numerical gradient of the chapter's definition)`};
}

function recurrence(block: MathBlock, f: Formula, seed: number, budget: WorkBudget, latex = block.latex): Outcome {
  let rec;
  try {
    rec = compileRecurrence(latex, {budget});
  } catch (e) {
    return {status: "not-executable", reason: `an update rule the engine cannot run: ${(e as FormulaError).reason ?? (e as Error).message}`};
  }
  const hyperDefaults: Record<string, number> = {};
  for (const [k, v] of Object.entries(HYPER_DEFAULTS)) hyperDefaults[canonicalHyper(k)] ??= v;
  const hyper: Record<string, number> = {};
  for (const h of rec.hyper) hyper[h] = hyperDefaults[h] ?? 0.1;
  const symbols: SymbolBinding[] = rec.hyper.map((h) => ({key: h, value: hyper[h], role: "hyper"}));
  const notes: string[] = [];
  const plan: CellPlan = {
    kind: "recurrence",
    latex,
    equations: f.lines.map((l) => ({lhs: latex.slice(l.first.start, l.first.end).trim(), rhs: toLatex(l.rest[0].node)})),
    symbols,
    counts: {},
    seed,
    recurrence: {hyper, objective: {a: [1, 4], c: [1, -1]}, w0: [-1.5, 1.5], steps: 5},
    notes
  };
  const claim = f.lines.find((l) => l.rest.length > 1 && l.rest[1].rel === "\\to");
  const run = runPlan(plan, symbols, 500, {budget});
  if (run.iterateError) return {status: "not-executable", reason: `the update rule fails on the demo objective: ${run.iterateError}`, plan};
  if (claim) {
    const last = run.iterates![run.iterates!.length - 1].w;
    const dist = Math.hypot(...last.map((x, j) => x - plan.recurrence!.objective.c[j]));
    notes.push(`claims convergence ${toLatex(claim.rest[1].node)}${claim.annotation ? ` as ${toLatex(claim.annotation.first)} \\to ${toLatex(claim.annotation.rest[0]?.node ?? claim.annotation.first)}` : ""}: on the demo quadratic with α = ${hyper.alpha ?? "?"}, |w_{500} - w^*| = ${dist.toExponential(2)}`);
  }
  const defect = ruleDefect(run.iterates ?? [], block.prose);
  if (defect) return {status: "flagged", plan, reason: defect};
  return {status: "executable", plan};
}

/** Time offset of a subscript `t`, `t+1`, `t-1` against the letter t; undefined for anything else. */
function timeOffset(sub: Node | undefined, t: string): number | undefined {
  if (!sub) return undefined;
  if (sub.type === "sym" && sub.name === t && !sub.sub) return 0;
  if (sub.type === "add" && sub.terms.length === 2 && sub.terms[0].sign === 1 && sub.terms[0].node.type === "sym" && sub.terms[0].node.name === t && sub.terms[1].node.type === "num")
    return sub.terms[1].sign * sub.terms[1].node.value;
  return undefined;
}

/**
 * A one-line update `w_{t+1} = w_t - … g_t` without a ∇: the one symbol with the step's subscript that nothing
 * defines (g_t) is the gradient at the current weights, and the chapter's recurrences for the other step-indexed
 * symbols it uses (G_t = G_{t-1} + g_t^2) run before it. Returns the combined system's LaTeX.
 */
function gradientSymbolSystem(f: Formula, defs: ChapterDef[], blockIndex: number): {latex: string} | undefined {
  if (f.lines.length !== 1) return undefined;
  const line = f.lines[0];
  if (line.rest.length !== 1 || line.rest[0].rel !== "=" || line.first.type !== "sym" || !line.first.sub || line.first.sub.type === "num") return undefined;
  const lhs = line.first, rhs = line.rest[0].node;
  if (containsType(rhs, "grad")) return undefined;
  const times = findAll(lhs.sub!, "sym").filter((x) => x.name.length === 1);
  if (times.length !== 1) return undefined;
  const t = times[0].name;
  const own = timeOffset(lhs.sub, t);
  if (own === undefined || !symbolUses(rhs).some((u) => u.node.name === lhs.name && timeOffset(u.node.sub, t) === own - 1)) return undefined;
  const recs = new Map<string, ChapterDef>();
  for (const d of defs) if (d.recurrence && d.index === t && d.blockIndex !== blockIndex && !recs.has(d.key)) recs.set(d.key, d);
  const stepped = (n: Node) => symbolUses(n).filter((u) => u.node.name !== lhs.name && timeOffset(u.node.sub, t) !== undefined);
  const used = new Set<string>();
  const inputs = new Set<string>();
  const visit = (n: Node, depth: number) => {
    for (const u of stepped(n)) {
      const r = recs.get(u.node.name);
      if (r && !used.has(u.node.name) && depth < 4) (used.add(u.node.name), visit(r.body, depth + 1));
      else if (!r) inputs.add(u.node.name);
    }
  };
  visit(rhs, 0);
  if (inputs.size !== 1) return undefined;
  const g = [...inputs][0];
  // The weights move along the gradient (first order); a state fed its square (G_t = G_{t-1} + g_t^2) is no weight.
  if (findAll(rhs, "pow").some((p) => symbolUses(p.base).some((u) => u.node.name === g))) return undefined;
  const grad = String.raw`\nabla_{${lhs.name}} J(${lhs.name}_{${t}})`;
  const sub = (n: Node): Node => {
    if (n.type === "sym" && n.name === g && timeOffset(n.sub, t) !== undefined) return parseFormula(grad).lines[0].first;
    return mapChildren(n, sub);
  };
  const lines = [...used].map((k) => `${symKey(k, t)} = ${toLatex(sub(recs.get(k)!.body))}`);
  lines.push(`${toLatex(lhs)} = ${toLatex(sub(rhs))}`);
  return {latex: lines.join(" \\\\ ")};
}

/** The system of a rule whose gradient is in weights that no line of it updates, with the chapter's update of them. */
function withWeightUpdate(f: Formula, latex: string, defs: ChapterDef[], blockIndex: number): string | undefined {
  const grads = f.lines.flatMap((l) => l.rest.flatMap((r) => findAll(r.node, "grad")));
  const wrt = grads[0]?.wrt;
  if (!wrt || wrt.type !== "sym" || f.lines.some((l) => l.first.type === "sym" && l.first.name === wrt.name)) return undefined;
  const times = f.lines.flatMap((l) => (l.first.type === "sym" && l.first.sub ? findAll(l.first.sub, "sym").filter((x) => x.name.length === 1) : []));
  const t = times[0]?.name;
  const upd = defs.find((d) => d.recurrence && d.key === wrt.name && d.index === t && d.blockIndex !== blockIndex);
  if (!t || !upd) return undefined;
  const own = f.environment ? latex.replace(/\\begin\{[^}]*\}|\\end\{[^}]*\}/g, "") : latex;
  return `${own.trim()} \\\\ ${symKey(upd.key, t)} = ${toLatex(upd.body)}`;
}

/**
 * The reference optimiser for an accumulator of squared gradients (AdaGrad: G_t = G_{t-1} + g_t^2, w_{t+1} = w_t -
 * \alpha g_t / \sqrt{G_t + \epsilon}): when the system keeps such a state, its first steps are compared with AdaGrad's.
 */
function accumulatorCheck(out: Outcome, latex: string, budget: WorkBudget): Outcome {
  let rec;
  try {
    rec = compileRecurrence(latex, {budget});
  } catch {
    return out;
  }
  const hyper: Record<string, number> = {...(out.plan?.recurrence?.hyper ?? {})};
  const alpha = hyper.alpha;
  if (typeof alpha !== "number") return out;
  const gs = [2, 1, 0.5];
  let state = rec.init([1]);
  let acc = 0, w = 1;
  const ours: number[] = [], reference: number[] = [];
  let accumulator: string | undefined;
  try {
    for (let k = 0; k < gs.length; k++) {
      state = rec.step(state, [gs[k]], k + 1, hyper);
      acc += gs[k] ** 2;
      w -= (alpha * gs[k]) / Math.sqrt(acc + (hyper.epsilon ?? 0));
      const names = Object.keys(state).filter((n) => n !== rec.weight && Math.abs((state as Record<string, number[]>)[n][0] - acc) < 1e-9 * Math.max(1, acc));
      if (k === 0) accumulator = names[0];
      else if (!accumulator || !names.includes(accumulator)) return out;
      ours.push(rec.weights(state)[0]);
      reference.push(w);
    }
  } catch {
    return out;
  }
  if (!accumulator) return out;
  const same = ours.every((x, k) => Math.abs(x - reference[k]) <= 1e-6 * Math.max(1, Math.abs(reference[k])));
  const fmt = (v: number[]) => v.map((x) => +x.toPrecision(6)).join(", ");
  const message = same
    ? `with ${accumulator} accumulating squared gradients (AdaGrad), the first ${gs.length} steps agree with AdaGrad's w - α g / √(${accumulator} + ε)`
    : `with ${accumulator} accumulating squared gradients (AdaGrad), gradients ${gs.join(", ")} from w = 1 give w = ${fmt(ours)}, AdaGrad's w - α g / √(${accumulator} + ε) gives ${fmt(reference)}`;
  return {...out, status: same ? "verified" : "flagged", reason: message};
}

function definitions(block: MathBlock, f: Formula, seed: number, budget: WorkBudget, fns: ReadonlyMap<string, FunctionDef> = new Map()): Outcome {
  const notes: string[] = [];
  const eqs: {lhs: string; lhsKey: string; rhs: Node}[] = [];
  for (const line of f.lines) {
    const rel = line.rest[0].rel;
    if (rel !== "=" && rel !== "\\approx") return {status: "not-executable", reason: `states a relation (${rel}), not a value`};
    const rhs0 = line.rest[line.rest.length - 1].node;
    if (containsType(rhs0, "set")) return {status: "not-executable", reason: "defines a set (the training data); no numeric content"};
    if (containsType(rhs0, "ellipsis") || containsOutsideNames(rhs0, "infinity")) return {status: "not-executable", reason: "contains … or ∞; no finite value to compute"};
    if (containsType(rhs0, "grad")) return {status: "not-executable", reason: "uses a gradient with no formula to differentiate"};
    // (u, v) = (-2, 4): one value per symbol, as a worked example states a point.
    const items = line.first.type === "tuple" && rhs0.type === "tuple" && line.rest.length === 1 ? line.first.items : undefined;
    if (items && rhs0.type === "tuple" && items.length === rhs0.items.length && items.every((x) => x.type === "sym")) {
      items.forEach((x, k) => {
        if (x.type === "sym") eqs.push({lhs: block.latex.slice(x.start, x.end).trim(), lhsKey: symKey(x.name, x.subText), rhs: rhs0.items[k]});
      });
      continue;
    }
    // The chapter's own functions called here are evaluated as defined (not the one this line defines).
    const own = line.first.type === "call" ? line.first.fn : undefined;
    const read = readSumOverRest(inlineCalls(rhs0, own && fns.has(own) ? new Map([...fns].filter(([k]) => k !== own)) : fns));
    if (read.note) notes.push(`${block.latex.slice(line.first.start, line.first.end).trim()}: ${read.note} (the usual form)`);
    const lhsKey = line.first.type === "sym" ? symKey(line.first.name, line.first.subText) : line.first.type === "call" ? line.first.fn : "";
    eqs.push({lhs: block.latex.slice(line.first.start, line.first.end).trim(), lhsKey, rhs: read.node});
  }
  const used = new Set(eqs.flatMap((e) => symbolUses(e.rhs).flatMap((u) => [u.key, u.node.name])));
  // A system is evaluated in order: a symbol an earlier line defines is that line's result in the later ones.
  const assigned = new Set<string>();
  const assigns = eqs.map((e, k) => {
    const later = eqs.slice(k + 1).some((x) => symbolUses(x.rhs).some((u) => u.key === e.lhsKey));
    if (!e.lhsKey || !later || assigned.has(e.lhsKey)) return undefined;
    assigned.add(e.lhsKey);
    return e.lhsKey;
  });
  const exclude = new Set(eqs.map((e) => e.lhsKey).filter((k) => !used.has(k) || assigned.has(k)));
  // Function parameters (J(\theta) = …) are free symbols like any other.
  const roles = proseRoles(block.prose);
  const predictions = new Set(eqs.flatMap((e) => symbolUses(e.rhs).map((u) => u.node.name)).filter((n) => roles.predictions.has(n) || /^\\hat\{|'$/.test(n)));
  // Φ_{ik} = x_i^k: the left side's index letters are indices on the right too
  const lhsIndices = f.lines.flatMap((l) => (l.first.type === "sym" ? twoIndices(l.first.sub) ?? [] : []).flatMap((x) => (x.type === "sym" && !x.sub ? [x.name] : [])));
  const b = inferBindings(eqs.map((e) => e.rhs), {seed, exclude, predictions, indexLetters: lhsIndices});
  const equations: CellEquation[] = eqs.map((e, k) => {
    const usesFree = b.freeIndex && symbolUses(e.rhs).some((u) => !indexedBy(u) && u.node.sub?.type === "sym" && u.node.sub.name === b.freeIndex);
    return {lhs: e.lhs, rhs: toLatex(e.rhs), ...(usesFree ? {mapIndex: b.freeIndex} : {}), ...(assigns[k] ? {assigns: assigns[k]} : {})};
  });
  const symbols = b.symbols.filter((s) => s.key !== b.freeIndex);
  const plan: CellPlan = {kind: "expression", latex: block.latex, equations, symbols, counts: b.counts, seed, notes};
  const run = runPlan(plan, plan.symbols, undefined, {budget});
  const err = run.equations.find((r) => r.error);
  if (err) return {status: "not-executable", reason: err.error!.replace(/ at offset \d+.*$/, ""), plan};
  // Reference implementations that compute the same quantity.
  for (const ref of referenceCandidates(eqs.map((e) => e.rhs), symbols, f)) {
    const r = runPlan({...plan, reference: ref}, plan.symbols, undefined, {budget});
    if (r.reference?.agrees && ref.name !== "sigmoid" && ref.name !== "softmax") {
      plan.reference = ref;
      return {status: "verified", plan, reason: [`agrees with ${ref.latex} on seeded inputs`, ...notes].join("; ")};
    }
    if (ref.name === "sigmoid" || ref.name === "softmax") plan.reference ??= ref;
  }
  return {status: "executable", plan, ...(notes.length ? {reason: notes.join("; ")} : {})};
}

function referenceCandidates(rhs: Node[], symbols: SymbolBinding[], f: Formula): ReferenceUse[] {
  const out: ReferenceUse[] = [];
  rhs.forEach((node, equation) => {
    const first = f.lines[equation]?.first;
    const calls = findAll(node, "call");
    const attentionCall = first?.type === "call" && first.fn === "Attention" ? first : undefined;
    const matrices = symbols.filter((s) => s.role === "matrix").map((s) => s.key);
    if (attentionCall && attentionCall.args.every((a) => a.type === "sym")) {
      const args = attentionCall.args.map((a) => (a.type === "sym" ? symKey(a.name, a.subText) : ""));
      out.push({name: "attention", args, equation, latex: `\\text{attention}(${args.join(", ")})`});
    } else if (matrices.length === 3 && calls.some((c) => c.fn === "softmax")) out.push({name: "attention", args: matrices, equation, latex: `\\text{attention}(${matrices.join(", ")})`});
    const label = symbols.find((s) => s.role === "label" || s.role === "vector");
    const pred = symbols.find((s) => s.role === "prediction" && Array.isArray(s.value));
    const hatOrPrime = symbols.find((s) => s !== label && Array.isArray(s.value) && /^\\hat\{|'$/.test(s.key));
    const p = pred ?? hatOrPrime;
    if (label && p) {
      const args = [label.key, p.key];
      out.push({name: "mse", args, equation, latex: `\\text{mse}(${args.join(", ")})`});
      out.push({name: "binaryCrossEntropy", args, equation, latex: `\\text{binaryCrossEntropy}(${args.join(", ")})`});
      out.push({name: "categoricalCrossEntropy", args, equation, latex: `\\text{categoricalCrossEntropy}([${args[0]}], [${args[1]}])`});
    }
    if (node.type === "call" && node.fn === "sigma" && node.args[0].type === "sym") {
      const k = symKey(node.args[0].name, node.args[0].subText);
      out.push({name: "sigmoid", args: [k], equation, latex: `\\text{sigmoid}(${k})`});
    }
  });
  return out;
}

/**
 * A condition the text puts on two index letters just before (or beside) the formula: `i \neq j`, `i ≠ j`,
 * "当 $i = j$ 时", "for $i = j$". Read from the formula's own annotation first, then the 160 characters of prose
 * before it.
 */
export function indexConditionOf(block: MathBlock): IndexCondition | undefined {
  const before = (block.before ?? "").slice(-160);
  const tail = /(?:\\quad|\\qquad|,|\\text\{[^}]*\})\s*\(?\s*([a-z])\s*(\\neq|\\ne\b|≠|=)\s*([a-z])\s*\)?\s*[.,;]?\s*$/.exec(block.latex.trim());
  // In the prose only as a math span of its own (`$i \neq j$`) or after a word that states a condition.
  const spans = [...before.matchAll(/(?:\$\s*|(?:当|若|如果|对于|when|if|for|where)\s*\$?\s*)([a-z])\s*(\\neq|\\ne\b|≠|=)\s*([a-z])\s*\$/gi)];
  const m = tail ?? spans.pop();
  if (!m || m[1] === m[3]) return undefined;
  return {a: m[1], b: m[3], equal: m[2] === "="};
}

/**
 * "For a dissimilar pair inside the margin ($D < m$) the derivative is …": a derivative the text states on a region
 * only (a piecewise loss: max, |·|, cases). Seeded inputs fall on either side, so a disagreement is no verdict.
 */
/**
 * A formula whose products do not conform to the sizes the text declares (X ∈ ℝ^{n×d}, so X^T w needs w of n), or
 * whose sides have different sizes (∂L/∂W stated d×k for a k×d W): flagged, whatever its seeded values gave.
 */
function dimensionsBound(outcome: Outcome, f: Formula, block: MathBlock, declared: Declarations): Outcome {
  if (outcome.status === "flagged" || outcome.limit) return outcome;
  const m = dimensionMismatch(f, block.latex, declared);
  if (!m) return outcome;
  return {...outcome, status: "flagged", reason: `sizes do not match the ones the text declares: ${m.message}`};
}

/**
 * "当 $\varepsilon = 0$ 时", "when $\mathbf{g} = \mathbf{1}$", "if $\tau = 0.5$": the sentence that introduces the
 * formula (or the run of formulas it belongs to) fixes values, and the formula holds under them. Seeded inputs do
 * not satisfy them, so a disagreement there is no verdict.
 */
function conditionBound(outcome: Outcome, block: MathBlock): Outcome {
  if (outcome.status !== "flagged" || outcome.check || outcome.reason?.includes(SETTINGS_NOTE)) return outcome;
  const lead = block.before ?? "";
  // a worked example (decimals in the formula) is evaluated at the text's values already
  if (/\d\.\d/.test(block.latex)) return outcome;
  // ("With $\beta = 0$", "At $t = 1$ with $\epsilon = 0$", "取 $\epsilon = 0$": a symbol set to a number; not "令 $v_0 = 0$",
  // a start value, nor "not differentiable at $z = 1$")
  const cond = /(?:当|若|如果|假设|假定|when|if|assuming|provided)\s*\$([^$]*=[^$]*)\$(?:[^$。.;；]{0,12}\$([^$]*=[^$]*)\$)?|\$([^$]*=[^$]*)\$\s*(?:时|的时候|的情况下)|(?:\bwith|取)\s*\$(\s*\\?[A-Za-z]+(?:_\{?\w+\}?)?\s*=\s*-?\d+(?:\.\d+)?\s*)\$/i.exec(lead);
  // "Because $\sum_k q_k = 1$": a normalisation the seeded values do not have
  const norm = /\$\s*(\\sum[^$]*=\s*1)\s*\$/.exec(lead);
  if (!cond && !norm) return outcome;
  const what = cond ? [cond[1], cond[2], cond[3], cond[4]].filter(Boolean).map((x) => x!.trim()).join(", ") : norm![1].trim();
  // the condition must fix a symbol of the formula (or one its definitions use: not judged either way)
  return {status: "executable", reason: `holds under the condition the text states (${what}); seeded inputs do not satisfy it, so it is not judged (${outcome.reason ?? ""})`};
}

/** Whether n has a node of the type outside the subscripts of its symbols (ρ_∞ is a name, not ∞). */
function containsOutsideNames(n: Node, type: Node["type"]): boolean {
  if (n.type === type) return true;
  if (n.type === "sym") return false;
  return children(n).some((c) => containsOutsideNames(c, type));
}

/**
 * Vectors the chapter differentiates by their components 0 and 1 (∂ℓ/∂w_0 and ∂ℓ/∂w_1): it counts their entries from 0.
 * (∂c_T/∂c_0 alone is a derivative by a step's value, not by an entry.)
 */
const zeroComponentsOf = new WeakMap<MathBlock[], Set<string>>();
function zeroComponents(blocks: MathBlock[]): Set<string> {
  const known = zeroComponentsOf.get(blocks);
  if (known) return known;
  const at = (k: string) => new Set(blocks.flatMap((b) =>
    [...b.latex.matchAll(new RegExp(String.raw`\\partial\s*(?:\\(?:mathbf|boldsymbol|bm|vec)\s*\{\s*)?(\\?[A-Za-z]+)\s*\}?\s*_\s*(?:\{\s*${k}\s*\}|${k}(?![0-9]))`, "g"))].map((m) => m[1])));
  const one = at("1");
  const out = new Set([...at("0")].filter((x) => one.has(x)));
  zeroComponentsOf.set(blocks, out);
  return out;
}

/** Matrices the chapter calls symmetric or positive definite anywhere ("目标函数（$\mathbf{A}$ 对称正定）"): a declaration for all its formulas. */
const symmetricOf = new WeakMap<MathBlock[], Set<string>>();
function chapterSymmetric(blocks: MathBlock[]): Set<string> {
  let out = symmetricOf.get(blocks);
  if (!out) symmetricOf.set(blocks, (out = symmetricMatrices([...new Set(blocks.map((b) => b.prose))].join("\n"))));
  return out;
}

/** The symbols that display formulas the parser could not read define on their left side (opaque: no value). */
export function unreadDefinitions(blocks: MathBlock[], parsed: ({formula: Formula} | {error: unknown})[]): ChapterDef[] {
  const out: ChapterDef[] = [];
  parsed.forEach((p, i) => {
    if (!("error" in p) || !blocks[i].display) return;
    const lhs = /^\s*([^=<>]{1,80}?)\s*(?::=|=)/.exec(blocks[i].latex)?.[1];
    if (!lhs) return;
    try {
      const n = parseExpression(lhs);
      if (n.type === "sym") out.push({blockIndex: i, lineIndex: 0, key: symKey(n.name, n.subText), body: {type: "ellipsis", start: 0, end: 0} as Node});
    } catch {
      // not a symbol on the left: nothing defined
    }
  });
  return out;
}

/** A lead-in that says the formula restates an earlier one. */
const RESTATES = /equivalently|compactly|piecewise|in cases|分段(?:形式|写法)|写成|more compact|紧凑|can (?:also )?be (?:re)?written|rewrit|in other words|the same as|stable form|等价|也可(?:以)?写(?:成|作)|改写|换一种写法|即|也就是|稳定(?:的)?(?:形式|写法)/i;

/** The words of the lines just above a formula, its inline math left out. */
const leadWords = (block: MathBlock) => nearLines(block.before ?? "").replace(/\$[^$]*\$/g, "");

/** The sentence a lead-in ends with ("In other words, a single step …. Given … $f(x) = \cosh(cx)$": the second). */
const lastSentence = (words: string) => words.split(/(?<=[.!?;。！？；])\s+|(?<=[。！？；])/).filter((x) => x.trim()).pop() ?? "";

/** The last three lines of a lead-in (the lines just above a formula, not those above the formulas before it). */
const nearLines = (before: string) => before.split("\n").slice(-4).join("\n");

function regionBound(outcome: Outcome, block: MathBlock, f: Formula): Outcome {
  // η(t) = η_max · min(t/W, (T − t)/(T − W)), \qquad 0 ≤ t ≤ T: the formula states its own region (a line of inequalities)
  const own = f.lines.length > 1 ? f.lines.find((l) => l.rest.length && l.rest.every((r) => r.rel === "<" || r.rel === ">" || r.rel === "\\le" || r.rel === "\\ge")) : undefined;
  if (outcome.status === "flagged" && own && !outcome.check) {
    const region = block.latex.slice(own.start, own.end).trim();
    return {status: "not-executable", reason: `holds on the region the formula states (${region}); seeded inputs fall on either side, so it is not judged (${outcome.reason ?? ""})`};
  }
  if (outcome.status !== "flagged" || f.lines[0]?.first.type !== "grad") return outcome;
  const region = /\$[^$]*?(?:<|>|\\le\b|\\ge\b|\\leq|\\geq|\\lt|\\gt)[^$]*\$/.exec(nearLines(block.before ?? ""));
  if (!region) return outcome;
  // a region of the formula's own variables (D < m), not the range of a constant (0 < β < 1, ρ ≤ 1)
  const sides = region[0].replace(/\$/g, "").split(/<|>|\\le(?:q)?\b|\\ge(?:q)?\b|\\lt\b|\\gt\b/).map((x) => x.trim());
  const symbolic = sides.filter((x) => /[A-Za-z]/.test(x.replace(/\\[A-Za-z]+/g, (c) => (/^\\(?:alpha|beta|gamma|delta|epsilon|varepsilon|lambda|mu|rho|eta|sigma|theta|tau|omega)$/.test(c) ? "g" : ""))));
  // one symbolic side is enough beside a piecewise formula's own indicator or max (the subgradient −𝟙[z < 1])
  const piecewise = /\\mathbb\{1\}|\\mathbf\{1\}|\\mathbb\{I\}|\\max|\\min|\\begin\{cases\}|\\operatorname\{sign\}|\\mathrm\{sign\}/.test(block.latex);
  if (symbolic.length < (piecewise ? 1 : 2)) return outcome;
  if (!piecewise && !symbolic.every((x) => block.latex.includes(x.replace(/\s+/g, " ").split(" ")[0]))) return outcome;
  return {status: "not-executable", reason: `holds on the region the text names (${region[0].replace(/\$/g, "").trim()}); seeded inputs fall on either side, so it is not judged (${outcome.reason ?? outcome.check?.message ?? ""})`};
}

/**
 * What a printed update rule shows on the demo quadratic at the usual settings (α = 0.1, β's 0.9, ε tiny), where
 * the reference methods all descend: a value that is not finite in the first steps (1 − β₁^{t−1} at t = 1), or a
 * loss that grows tenfold from the first step on (θ ← θ + η∇L: ascent). A text about ascent or maximising is
 * left alone.
 */
function ruleDefect(its: {t: number; w: number[]; loss: number}[], prose: string): string | undefined {
  const bad = its.findIndex((it) => !it.w.every(Number.isFinite) || !Number.isFinite(it.loss));
  if (bad >= 0 && bad <= 3) return `at the usual settings the rule is not finite at step t = ${its[bad].t} (a division by zero?): the reference methods are finite from t = 1`;
  if (/ascent|maximi[sz]|上升|最大化|极大/i.test(prose)) return undefined;
  const k = Math.min(its.length - 1, 50);
  if (k >= 5 && its[1].loss > its[0].loss && its[k].loss > 10 * its[0].loss)
    return `the rule climbs the demo quadratic: its loss grows from ${its[0].loss.toPrecision(3)} to ${its[k].loss.toPrecision(3)} in ${k} steps at α = 0.1, where gradient descent descends (is a sign flipped?)`;
  return undefined;
}

/**
 * `\hat{v}_t = v_t / (1 - \gamma^t)` for a running average `v_t = \beta v_{t-1} + (1 - \beta) x_t` the chapter
 * defines: started from 0 it is (1 − β^t) times a constant input, so only γ = β makes the correction exact. The rate
 * written in the correction is compared with the average's own (by name: β_1 against β_2, ρ against β).
 */
function biasCorrection(f: Formula, defs: ChapterDef[]): string | undefined {
  const name = (n: Node | undefined) => (n?.type === "sym" ? symKey(n.name, n.subText) : undefined);
  for (const l of f.lines) {
    const rhs = l.rest.length === 1 ? l.rest[0].node : undefined;
    if (l.first.type !== "sym" || !/^\\(hat|tilde)\{/.test(l.first.name) || rhs?.type !== "div" || rhs.num.type !== "sym" || !rhs.num.sub) continue;
    const den = rhs.den.type === "paren" ? rhs.den.arg : rhs.den;
    if (den.type !== "add" || den.terms.length !== 2 || den.terms[0].node.type !== "num" || den.terms[0].node.value !== 1 || den.terms[1].sign !== -1) continue;
    const power = den.terms[1].node;
    if (power.type !== "pow" || power.base.type !== "sym") continue;
    const written = name(power.base)!;
    const avg = rhs.num.name;
    // every running average the chapter calls by that name (bold and plain alike): flagged only if none has this rate
    const rates: Node[] = [];
    for (const d of defs) {
      if (d.fact !== undefined || (d.key !== avg && keyBase(d.key) !== avg) || d.body.type !== "add" || d.body.terms.length !== 2) continue;
      // β v_{t-1}: the factor beside the previous value
      const [carry] = d.body.terms;
      if (carry.sign !== 1 || carry.node.type !== "mul") continue;
      const parts = [carry.node.left, carry.node.right];
      const prev = parts.find((x) => x.type === "sym" && x.name === avg && !!x.sub);
      const rate = parts.find((x) => x !== prev);
      if (!prev || !rate || !name(rate)) continue;
      // (1 − β) x_t: the same rate in the other term makes it a running average
      const other = toLatex(d.body.terms[1].node).replace(/\s+/g, "");
      if (other.includes(`1-${toLatex(rate).replace(/\s+/g, "")}`)) rates.push(rate);
    }
    if (!rates.length || rates.some((r) => name(r) === written)) continue;
    const [r, t] = [toLatex(rates[0]), toLatex(power.exp)];
    return `the bias correction divides by 1 − ${toLatex(power.base)}^${t}, but ${avg} averages with rate ${r} (${avg}_0 = 0 makes ${avg}_${t} = (1 − ${r}^${t}) × a constant input): the correction needs the same rate`;
  }
  return undefined;
}

/**
 * `b_2 := b_2 + \eta \delta` after "∂L/∂b_2 = δ", `w \leftarrow w + \alpha \nabla_w L`: a step along the gradient
 * climbs the loss. Flagged unless the text is about ascent or maximising.
 */
function ascentStep(f: Formula, block: MathBlock): string | undefined {
  if (/ascent|maximi[sz]|上升|最大化|极大/i.test(block.prose)) return undefined;
  for (const l of f.lines) {
    if (l.rest.length !== 1 || l.first.type !== "sym" || l.rest[0].node.type !== "add") continue;
    const lhs = symKey(l.first.name, l.first.subText);
    const [keep, step] = l.rest[0].node.terms;
    if (!keep || !step || l.rest[0].node.terms.length !== 2 || keep.sign !== 1 || keep.node.type !== "sym" || symKey(keep.node.name, keep.node.subText) !== lhs) continue;
    if (step.sign !== 1 || step.node.type !== "mul") continue;
    const factors: Node[] = [];
    const flatMul = (n: Node): void => (n.type === "mul" ? (flatMul(n.left), flatMul(n.right)) : void factors.push(n));
    flatMul(step.node);
    const rate = factors.some((x) => x.type === "sym" && /^\\(eta|alpha)$/.test(x.name));
    if (!rate) continue;
    const gradOf = factors.find((x) => x.type === "grad");
    // the symbol the text names as the derivative just before: "由于 $\partial L / \partial b_2 = \delta$"
    const named = factors.find((x): x is NodeOf<"sym"> => x.type === "sym" && !/^\\(eta|alpha)$/.test(x.name));
    const esc = (x: string) => x.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
    const escaped = l.first.subText ? `${esc(l.first.name)}_\\{?${esc(l.first.subText)}\\}?` : esc(l.first.name);
    const stated = named && new RegExp(`\\\\partial\\s*\\w+\\s*\\}?\\s*(?:/|\\}\\{)\\s*\\\\partial\\s*${escaped}\\s*\\}?\\s*=\\s*${esc(named.name)}(?![A-Za-z])`).test(block.before ?? "");
    if ((gradOf && gradOf.type === "grad") || stated)
      return `the step adds the gradient (${toLatex(step.node)}): it climbs the loss; descent subtracts it`;
  }
  return undefined;
}

/** Rewrites `w'` times something into `w^\top` times it for the bold vectors of `primed` (see analyzeChapter). */
function primeTransposes(f: Formula, primed: ReadonlySet<string>): Formula {
  if (!primed.size) return f;
  const rec = (n: Node): Node => {
    if (n.type === "mul" && n.left.type === "sym" && /'$/.test(n.left.name) && primed.has(n.left.name.replace(/^\\/, "").replace(/'$/, "")) && !n.left.sub) {
      const base = {...n.left, name: n.left.name.replace(/'$/, "")};
      return {...n, left: {type: "transpose", arg: base, start: n.left.start, end: n.left.end} as Node, right: rec(n.right)};
    }
    return mapChildren(n, rec);
  };
  return {...f, lines: f.lines.map((l) => ({...l, first: rec(l.first), rest: l.rest.map((r) => ({...r, node: rec(r.node)}))}))};
}
