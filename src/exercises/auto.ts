/**
 * Exercises generated from a chapter's own formulas, with no teacher input: for each formula the engine can run
 * (a loss, an activation, a definition) an "implement it" exercise; for each stated derivative it flagged, "the
 * printed formula is wrong: implement the correct one". The expected values come from the formula engine (the
 * formula as printed when it is right; the numerical gradient of the chapter's own definition when it is not), on
 * the cell's seeded inputs for the visible tests and on inputs drawn from each student's variant seed for the hidden
 * ones, so the grader re-derives them per student. Hand-written exercises on the same formula take precedence.
 */
import type {FormulaReport} from "../../components/formula/analyze.js";
import {reseed} from "../../components/formula/plan.js";
import {runPlan} from "../../components/formula/runPlan.js";
import type {CellPlan, SymbolBinding} from "../../components/formula/types.js";
import {tHomework} from "../../components/i18n/homework.js";
import type {Value} from "../../components/formula/values.js";
import type {ChapterModel} from "../chapter.js";
import type {ExerciseSpec} from "../exercises.js";
import type {ExerciseSection} from "./format.js";

export interface AutoExercise {
  id: string;
  title: string;
  kind: "implement" | "fix";
  /** The formula's first LaTeX line in the chapter. */
  line: number;
  latex: string;
  section: ExerciseSection;
  /** The function's name and its parameters, in order, with the symbol each stands for. */
  fn: string;
  params: {name: string; key: string; shape: string}[];
  plan: CellPlan;
}

/** A JavaScript identifier for a LaTeX symbol key: \hat{y} → yHat, y' → yPrime, \beta_1 → beta1, W^{(l)} → W_l. */
export function paramName(key: string, taken: Set<string>): string {
  let s = key
    .replace(/\\(?:text|mathrm|operatorname|mathit)\{([^}]*)\}/g, "$1")
    .replace(/\\hat\{([^}]*)\}/g, "$1Hat").replace(/\\bar\{([^}]*)\}/g, "$1Bar").replace(/\\tilde\{([^}]*)\}/g, "$1Tilde")
    .replace(/'/g, "Prime").replace(/\\mathbf\{([^}]*)\}|\\boldsymbol\{([^}]*)\}/g, "$1$2").replace(/\\/g, "")
    .replace(/\^\{?\(?([A-Za-z0-9]+)\)?\}?/g, "_$1").replace(/_\{([^}]*)\}/g, "$1").replace(/[{}()]/g, "").replace(/[^A-Za-z0-9_$]/g, "");
  if (!/^[A-Za-z_$]/.test(s)) s = `v${s}`;
  if (["in", "do", "if", "for", "new", "var", "let", "case", "this", "with", "function", "return"].includes(s)) s = `${s}_`;
  let name = s, k = 2;
  while (taken.has(name)) name = `${s}${k++}`;
  taken.add(name);
  return name;
}

function shapeOf(v: Value): string {
  if (typeof v === "number") return tHomework("autoNumber");
  if (Array.isArray(v[0])) return tHomework("autoMatrix", {rows: v.length, cols: (v[0] as number[]).length});
  return tHomework("autoArray", {n: v.length});
}

/** The value the exercise's function must return on these inputs, or undefined when the engine cannot give one. */
export function expectedValue(ex: Pick<AutoExercise, "plan" | "kind">, symbols: SymbolBinding[]): Value | undefined {
  try {
    const r = runPlan(ex.plan, symbols);
    const v = ex.plan.kind === "derivation" ? r.derivation?.numeric : r.equations[r.equations.length - 1]?.value;
    const finite = (x: Value): boolean => (typeof x === "number" ? Number.isFinite(x) : x.every((e) => finite(e as Value)));
    return v !== undefined && finite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

const norm = (s: string) => s.replace(/\s+/g, "");

/** The auto exercises of a chapter; `covered` holds the LaTeX (whitespace removed) hand-written exercises already ask for. */
export function autoExercises(chapter: ChapterModel, reports: FormulaReport[], covered: Set<string> = new Set(), max = 8): AutoExercise[] {
  const out: AutoExercise[] = [];
  const seen = new Set<string>();
  // The section holding the formula: the one whose lines contain it.
  const sectionOf = (line: number) => chapter.sections.find((s) => s.math.some((m) => m.line === line)) ?? chapter.sections.find((s) => s.start <= line && line <= s.end);
  for (const r of reports) {
    if (out.length >= max) break;
    const plan = r.plan;
    if (!plan || (plan.kind !== "expression" && plan.kind !== "derivation")) continue;
    const derivation = plan.kind === "derivation";
    if (derivation ? !(r.status === "flagged" || r.status === "verified") : !(r.status === "verified" || r.status === "executable")) continue;
    const inputs = plan.symbols.filter((s) => s.role !== "hyper" && s.role !== "time");
    if (!inputs.some((s) => !s.fixed)) continue; // a constant: nothing to implement
    const key = norm(plan.latex);
    if (seen.has(key) || [...covered].some((c) => c.includes(key) || key.includes(c))) continue;
    const section = sectionOf(r.line);
    if (!section) continue;
    const kind: AutoExercise["kind"] = derivation && r.status === "flagged" ? "fix" : "implement";
    const ex: Omit<AutoExercise, "params" | "fn"> = {id: `${chapter.part.slug}-L${r.line}`, title: "", kind, line: r.line, latex: plan.latex,
      section: section.kind as ExerciseSection, plan};
    if (expectedValue(ex, plan.symbols) === undefined) continue;
    const taken = new Set<string>();
    const params = inputs.map((s) => ({name: paramName(s.key, taken), key: s.key, shape: shapeOf(s.value)}));
    // The function is named after the left side when that is a plain symbol (L, J, \sigma, p_k); otherwise f.
    const lhs = (plan.equations[plan.equations.length - 1]?.lhs ?? "").split("(")[0].trim();
    const plain = /^(\\?[A-Za-z]+|\\(?:text|mathrm|operatorname)\{[A-Za-z]+\})(_\{?[A-Za-z0-9]+\}?)?$/.test(lhs);
    const fn = paramName(derivation ? "gradient" : plain ? lhs : "f", new Set(params.map((p) => p.name)));
    seen.add(key);
    out.push({...ex, fn: /^[A-Za-z_$][\w$]*$/.test(fn) && fn.length <= 24 ? fn : "f", params,
      title: tHomework(kind === "fix" ? "autoTitleFix" : "autoTitleImplement", {line: r.line})});
  }
  return out;
}

const literal = (v: Value) => JSON.stringify(v);

/** Test code for one case: the function called on literal inputs, its value compared with the engine's. */
function caseTest(ex: AutoExercise, name: string, symbols: SymbolBinding[], expected: Value): string {
  const byKey = new Map(symbols.map((s) => [s.key, s.value]));
  const args = ex.params.map((p) => literal(byKey.get(p.key)!)).join(", ");
  const check = typeof expected === "number" ? `assertClose(${ex.fn}(${args}), ${literal(expected)}, 1e-4)` : `assertAllClose(${ex.fn}(${args}), ${literal(expected)}, 1e-4)`;
  return `test(${JSON.stringify(name)}, () => ${check});`;
}

/** `n` named cases drawn from `seed` (a draw the engine cannot evaluate is replaced by the next one). */
function drawnCases(ex: AutoExercise, seed: number, names: string[]): string[] {
  const cases: string[] = [];
  for (let attempt = 0; cases.length < names.length && attempt < names.length * 5; attempt++) {
    const symbols = reseed(ex.plan.symbols, (Math.imul(seed, 31) + (attempt + 1) * 104729) >>> 0);
    const v = expectedValue(ex, symbols);
    if (v !== undefined) cases.push(caseTest(ex, names[cases.length], symbols, v));
  }
  return cases;
}

/** The visible tests' names (the page's inputs, two random draws) and the hidden ones', in the book's language. */
export const visibleNames = () => [tHomework("autoPageInputs"), tHomework("autoRandom", {k: 1}), tHomework("autoRandom", {k: 2})];
export const hiddenNames = () => [1, 2, 3, 4, 5].map((k) => tHomework("autoHidden", {k}));

/** Visible tests: the seeded inputs the page's formula cell shows, and two draws from the exercise's own seed. */
export function visibleTests(ex: AutoExercise, seed: number): string {
  const names = visibleNames();
  const first = caseTest(ex, names[0], ex.plan.symbols, expectedValue(ex, ex.plan.symbols)!);
  return [first, ...drawnCases(ex, seed, names.slice(1))].join("\n");
}

/** Hidden tests: five draws from the seed (the student's variant seed at grading time). */
export function hiddenTests(ex: AutoExercise, seed: number): string {
  return drawnCases(ex, (seed ^ 0x5bd1e995) >>> 0, hiddenNames()).join("\n");
}

/** The prompt (markdown with KaTeX), the starter code. */
export function promptOf(ex: AutoExercise): {prompt: string; starter: string} {
  const sig = `${ex.fn}(${ex.params.map((p) => p.name).join(", ")})`;
  const args = ex.params.map((p) => tHomework("autoParam", {name: `\`${p.name}\``, symbol: `$${p.key}$`, shape: p.shape})).join("\n");
  const formula = `\n\n$$${ex.latex}$$\n\n`;
  const lead = tHomework(ex.kind === "fix" ? "autoLeadFix" : "autoLeadImplement", {line: ex.line, formula});
  const link = ex.plan.derivation?.link;
  const model = link ? tHomework("autoModel", {model: `$${link.symbol}_{${link.index}} = ${link.rhs}$`, assumed: link.assumed ? tHomework("autoAssumed") : ""}) : "";
  const starter = `function ${sig} {\n  // ${tHomework("autoYourCode")}\n  return 0;\n}`;
  return {prompt: tHomework("autoPrompt", {lead, sig: `\`${sig}\``, args: `\n\n${args}`, model, tolerance: "$10^{-4}$"}), starter};
}

/** The ExerciseSpec of an auto exercise (its tests named up front; trivially passed ones marked by the caller). */
export function autoSpec(ex: AutoExercise, chapter: ChapterModel, baseSeed: number): ExerciseSpec {
  const {prompt, starter} = promptOf(ex);
  const seed = baseSeed >>> 0;
  return {
    id: ex.id, title: ex.title, points: 2, section: ex.section, exports: [ex.fn], seed, timeoutMs: 2000,
    chapter: chapter.part.file.replace(/\.md$/, ""), file: chapter.file, line: ex.line, prompt, starter,
    tests: visibleTests(ex, seed), hidden: hiddenTests(ex, seed), hiddenFor: (s) => hiddenTests(ex, s), reference: "", solution: "",
    hints: [tHomework(ex.kind === "fix" ? "autoHintFix" : "autoHintImplement")],
    testNames: {visible: visibleNames(), hidden: hiddenNames()},
    testList: [...visibleNames().map((name) => ({name, hidden: false, weight: 1})), ...hiddenNames().map((name) => ({name, hidden: true, weight: 1}))],
    unscored: [], auto: {kind: ex.kind, formulaLine: ex.line}
  };
}
