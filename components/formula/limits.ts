/**
 * Limits that keep a hostile formula (chapters are untrusted) from hanging or crashing the engine: a formula's
 * length, its nesting depth (parser recursion and expression-tree depth), and one shared work budget counted
 * through every evaluation (each evaluated node, each sum/product term, each value element an operation touches).
 * Every limit raises a FormulaLimitError, a FormulaError that says which limit; analyzeChapter turns it into a
 * not-executable report with that reason and the formula enricher into a file:line warning.
 */
import {FormulaError, children, type Node} from "./ast.js";

/** Longest formula source the parser reads, in characters. */
export const MAX_FORMULA_CHARS = 20_000;
/** Deepest nesting the parser follows (braces, parentheses, \frac, \sqrt, scripts, \sum, prefix minus, …). */
export const MAX_NESTING = 100;
/** Deepest expression tree any stage walks (long operator chains `a b c d …` deepen the tree without nesting). */
export const MAX_TREE_DEPTH = 400;
/** Largest expression tree a derived formula (symbolic derivative, substitution) may grow to before it is printed. */
export const MAX_TREE_SIZE = 10_000;
/** Work units one formula's analysis may spend (all its evaluations together). */
export const WORK_PER_FORMULA = 1_000_000;
/** Work units one chapter's analysis may spend (all its formulas together). */
export const WORK_PER_CHAPTER = 20_000_000;
/** Work units one evaluation may spend when the caller passes no budget (pages, tests, a recurrence step). */
export const WORK_PER_EVALUATION = WORK_PER_FORMULA;
/** Work units one step of a printed update rule may spend when the caller passes no budget (the playground). */
export const WORK_PER_STEP = 100_000;
/** Most entries one value (vector, matrix, tensor) may hold. */
export const MAX_ELEMENTS = 100_000;
/** Most terms one \sum / \prod may have. */
export const MAX_SUM_TERMS = 100_000;
/** Most steps a printed update rule is iterated. */
export const MAX_RECURRENCE_STEPS = 10_000;
/** Largest seeded sample count / dimension. */
export const MAX_SEEDED_SIZE = 1_000;
/** How deep definitions may expand into each other (`\hat{y}_i = … \hat{y}_i …` would never end). */
export const MAX_EXPANSION = 32;

export type LimitKind = "length" | "depth" | "budget" | "size";

/** A formula that hits one of the engine's limits. */
export class FormulaLimitError extends FormulaError {
  readonly limit: LimitKind;
  constructor(limit: LimitKind, reason: string, offset: number, token = "", latex?: string) {
    super(reason, offset, token, latex);
    this.limit = limit;
  }
}

const fmt = (n: number) => (n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}e6` : n.toLocaleString("en-US"));

/**
 * A work counter. `charge(units)` adds work and throws FormulaLimitError("work budget exceeded …") once the total
 * passes the limit; after that every charge throws the same error at once (so fallbacks and retries stop too).
 * A child budget (one formula) also charges its parent (the chapter).
 */
export class WorkBudget {
  used = 0;
  /** Current evaluation recursion depth (evaluate.ts bounds it). */
  depth = 0;
  exceeded?: FormulaLimitError;
  /** The first limit error any stage met while this budget was in use (depth, size, budget). */
  limitHit?: FormulaLimitError;
  constructor(readonly limit: number = WORK_PER_EVALUATION, readonly what = "formula", readonly parent?: WorkBudget) {}

  child(limit: number, what = "formula"): WorkBudget {
    return new WorkBudget(limit, what, this);
  }

  get left(): number {
    return Math.max(0, this.limit - this.used);
  }

  charge(units: number, offset = 0, latex?: string): void {
    if (this.exceeded) throw this.exceeded;
    this.used += units;
    if (this.parent) {
      try {
        this.parent.charge(units, offset, latex);
      } catch (e) {
        this.exceeded = e as FormulaLimitError;
        this.limitHit ??= this.exceeded;
        throw e;
      }
    }
    if (this.used > this.limit) {
      const at = latex === undefined ? 0 : Math.max(0, Math.min(offset, latex.length));
      this.exceeded = new FormulaLimitError("budget", `work budget exceeded (more than ${fmt(this.limit)} units of work for this ${this.what})`, at, "", latex);
      this.limitHit ??= this.exceeded;
      throw this.exceeded;
    }
  }

  /** Records e when it is a limit error met under this budget (for callers that turn errors into messages). */
  note(e: unknown): void {
    if (!(e instanceof FormulaLimitError)) return;
    this.limitHit ??= e;
    if (this.parent) this.parent.limitHit ??= e;
  }

  /** Records a limit error met under this budget (and its parents), then rethrows it. */
  trip(e: FormulaLimitError): never {
    this.limitHit ??= e;
    if (this.parent) this.parent.limitHit ??= e;
    throw e;
  }
}

/** Number of entries a value of this shape holds. */
export function elementsOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Throws when a value of this shape would exceed MAX_ELEMENTS. */
export function checkElements(shape: readonly number[], offset = 0, latex?: string): void {
  const n = elementsOf(shape);
  if (n > MAX_ELEMENTS) throw new FormulaLimitError("size", `a value of ${fmt(n)} entries is larger than the engine's limit of ${fmt(MAX_ELEMENTS)}`, offset, "", latex);
}

/**
 * Depth and size of a tree, walked without recursion; stops early (returning what it saw) once depth passes
 * maxDepth or size passes maxSize.
 */
export function measureTree(root: Node, maxDepth = MAX_TREE_DEPTH, maxSize = Infinity): {depth: number; size: number; deepest?: Node} {
  const stack: [Node, number][] = [[root, 1]];
  let depth = 0, size = 0, deepest: Node | undefined;
  while (stack.length) {
    const [n, d] = stack.pop()!;
    size++;
    if (d > depth) (depth = d), (deepest = n);
    if (depth > maxDepth || size > maxSize) break;
    for (const c of children(n)) stack.push([c, d + 1]);
  }
  return {depth, size, ...(deepest ? {deepest} : {})};
}

/** Throws FormulaLimitError when a tree is deeper than MAX_TREE_DEPTH or larger than maxSize. */
export function checkTree(root: Node, latex?: string, maxSize = Infinity, maxDepth = MAX_TREE_DEPTH): void {
  const m = measureTree(root, maxDepth, maxSize);
  const at = (n: Node | undefined) => (latex === undefined ? 0 : Math.max(0, Math.min(n?.start ?? 0, latex.length)));
  if (m.depth > maxDepth) throw new FormulaLimitError("depth", `formula nested deeper than ${maxDepth} levels of operations`, at(m.deepest), "", latex);
  if (m.size > maxSize) throw new FormulaLimitError("size", `formula grows larger than ${fmt(maxSize)} terms`, at(root), "", latex);
}

/** Charges a budget if there is one. */
export function charge(budget: WorkBudget | undefined, units: number, offset = 0, latex?: string): void {
  if (budget) budget.charge(units, offset, latex);
}
