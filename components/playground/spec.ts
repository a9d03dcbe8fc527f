/**
 * The playground a chapter gets, as the generator reads it from the chapter's text: plain JSON data (no functions),
 * written into the page by the generator and turned into surfaces and paths by the page runtime. Pure: no DOM, no tf.
 *
 * Producers: src/playground/ (reads the chapter). Consumers: components/playground/surface.ts (SurfaceSpec → Surface),
 * the notebook cells (OptimizerControls, runOptimizers, LossSurface, LossCurves) and `npm run check -- --json`.
 * Fields are only ever added, never renamed (the --json report exposes them).
 */

/** Hyper-parameters a slider can set. Canonical names, the same as components/math/optimizers/types.ts. */
export type HyperName = "alpha" | "beta_1" | "beta_2" | "epsilon" | "gamma" | "rho" | "lambda";

export type Hyperparameters = Record<HyperName, number>;

/** The update rules the playground knows by name (the library has a reference optimiser for each). */
export type RuleName = "gd" | "momentum" | "nesterov" | "adagrad" | "rmsprop" | "adam" | "adamw" | "adadelta";

export interface SurfaceSpec {
  /** Stable within the page, e.g. "L@42" or a built-in's id. */
  id: string;
  /** Reader-facing title, in the book's language, e.g. "原文第 42 行的 L(w, b)". */
  title: string;
  /** The source formula's first LaTeX line; null for built-ins. */
  line: number | null;
  /** The objective as printed (absent for built-ins). */
  latex?: string;
  /**
   * The objective to evaluate, as LaTeX the formula engine parses, with the chapter's definitions the objective uses
   * substituted (ŷ_i replaced by its definition). Absent for built-ins.
   */
  expression?: string;
  /** Built-in surface id (components/math/surfaces/registry.ts) when this is one. */
  builtin?: string;
  /** The two parameters on the axes (formula-engine symbol keys, e.g. "w", "b", "w_1", "theta_2"). */
  params: string[];
  /** Axis labels as the reader sees them (e.g. ["w", "b"], ["θ₁", "θ₂"]). */
  labels: string[];
  /** Every other symbol of the expression, bound to the chapter's data or values (scalars, vectors, matrices). */
  bindings: Record<string, number | number[] | number[][]>;
  /** Parameters not on the axes and where they are held (their optimum or the text's value), with why. */
  held?: {param: string; value: number; why: string}[];
  /** Start point from the text (e.g. "从 (−3, 2) 出发"), else a default. */
  start: number[];
  /** Where the start point came from: the text's line, or null when chosen by the library. */
  startLine?: number | null;
  /** Box to draw; absent: the consumer picks one around start and the minimum. */
  domain?: {x: [number, number]; y: [number, number]};
  /** Where the data came from, for the reader, e.g. "原文第 30–35 行的表格" or "代码生成的数据（第 80 行）". */
  dataSource?: string;
}

export interface RuleSpec {
  /** The printed rule's first LaTeX line. */
  line: number;
  /** The name the text gives it (or the library's classification when the text gives none). */
  name: RuleName | "other";
  /** Legend label in the book's language, e.g. "动量（原文第 60 行）". */
  label: string;
  /** The rule as printed (a system: lines separated by \\). */
  latex: string;
  /** The library's reference optimiser with the same meaning, drawn beside it (absent for "other"). */
  reference?: RuleName;
  /** Hyper-parameter symbols of the printed rule mapped to canonical names, e.g. {"\\eta": "alpha", "\\rho": "rho"}. */
  symbols: Record<string, HyperName>;
  /** Whether the playground can run it (false: `reason` says why, in the book's language). */
  drawn: boolean;
  reason?: string;
}

/** Something the text claims about the paths, as a preset that demonstrates it. */
export interface ClaimSpec {
  line: number;
  /** The sentence, as written. */
  text: string;
  /** Settings that show it (hyper-parameters, surface, start, which rules). */
  preset: Partial<Hyperparameters> & {surface?: string; start?: number[]; rules?: string[]; steps?: number};
  /** What to compare, e.g. {faster: "momentum", than: "gd"} or {oscillates: "gd", axis: 1}. */
  check?: Record<string, string | number>;
  /** Whether the claim holds at its preset (null: not decided at generation time). */
  holds: boolean | null;
  /** When it does not hold at any reasonable setting: what the page says. */
  note?: string;
  /** Decided at the text's own settings only (a claim that states its step count: "within 50 steps"). */
  atText?: boolean;
  /** The criterion the claim was decided by, as the page states it (e.g. within 0.01 of the minimiser from step N on). */
  criterion?: string;
}

export interface PlaygroundSpec {
  surfaces: SurfaceSpec[];
  rules: RuleSpec[];
  /** Slider defaults: the text's values where it states them, else the library's. */
  defaults: Hyperparameters & {steps: number};
  /** For each default the text's line, when it came from the text. */
  defaultLines?: Partial<Record<HyperName | "steps", number>>;
  claims: ClaimSpec[];
}
