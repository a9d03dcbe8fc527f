/** JSON-serialisable results of the formula engine (shared by analyze.ts in Node and FormulaCell in pages). */
import type {Value} from "./values.js";

export type SectionKind = "intro" | "background" | "concepts" | "algorithm" | "math" | "code" | "applications" | "outlook" | "tools" | "summary" | "faq" | "references" | "other";

export interface MathBlock {
  id: string;
  latex: string;
  display: boolean;
  file: string;
  line: number;
  sectionKind: SectionKind;
  sectionTitle: string;
  /** Plain text of the paragraphs around it in the same section, incl. "其中，$y_i'$ 是预测概率" lines. */
  prose: string;
  /** The text just before the formula: up to three lines above it (and, inline, its own line up to it). */
  before?: string;
}

export type Role = "label" | "prediction" | "input" | "parameter" | "matrix" | "hyper" | "count" | "time" | "scalar" | "vector";

export interface SymbolBinding {
  /** Lookup key as the evaluator sees it: `y`, `\hat{y}`, `y'`, `\beta_1`, `W^{(l)}`. */
  key: string;
  value: Value;
  role: Role;
  /** Counts and dimensions are fixed (editing them would resize the vectors). */
  fixed?: boolean;
}

export type ReferenceName = "mse" | "binaryCrossEntropy" | "categoricalCrossEntropy" | "attention" | "sigmoid" | "softmax";

export interface ReferenceUse {
  name: ReferenceName;
  /** Symbol keys passed in order (label, prediction) / (Q, K, V) / (z). */
  args: string[];
  /** Index of the equation it computes. */
  equation: number;
  /** How the call is written, for display: `mse(y, \hat{y})`. */
  latex: string;
}

export interface CellEquation {
  /** LaTeX of the left side as printed (empty for a bare expression). */
  lhs: string;
  /** LaTeX of the right side as the engine reads it (sum scope widened where noted). */
  rhs: string;
  /** Evaluate once per value of this free index (1..n) and show the vector. */
  mapIndex?: string;
  /** A line of a system: its value is this symbol's in the lines after it (evaluated in order). */
  assigns?: string;
}

export interface CellPlan {
  kind: "expression" | "recurrence" | "derivation";
  /** The formula as printed. */
  latex: string;
  equations: CellEquation[];
  symbols: SymbolBinding[];
  /** Integer-valued symbols (sum bounds n, m) and their fixed values. */
  counts: Record<string, number>;
  seed: number;
  reference?: ReferenceUse;
  recurrence?: {
    hyper: Record<string, number>;
    /** J(w) = ½ Σ_j a_j (w_j - c_j)², the demo objective the iterates run on. */
    objective: {a: number[]; c: number[]};
    w0: number[];
    steps: number;
  };
  derivation?: {
    wrt: string;
    /** Loss body as read (LaTeX), its printed left side, and where it is. */
    loss: string;
    lossLhs: string;
    lossLine: number;
    prediction: string;
    link?: {symbol: string; index: string; rhs: string; line?: number; assumed: boolean};
    mode: "link" | "prediction";
    /** Index of the sum the per-sample view unsums (prediction mode). */
    unsum?: string;
  };
  notes: string[];
  /** Symbols whose default is a value the text states, with the line it states it on (shown to readers). */
  textValues?: {symbol: string; line: number}[];
}

export interface DerivationCheck {
  verdict: "ok" | "bad";
  wrt: string;
  loss: {line: number; latex: string};
  mode: "link" | "prediction";
  link?: string;
  /** Seeded inputs of the counterexample. */
  inputs: Record<string, Value>;
  stated: Value;
  autodiff: Value;
  maxError: number;
  /** Corrected formula as LaTeX, when a fix matches autodiff. */
  corrected?: string;
  fix?: string;
  message: string;
  notes: string[];
}

export interface FormulaReport {
  id: string;
  line: number;
  status: "verified" | "flagged" | "executable" | "not-executable";
  reason?: string;
  /** Set when the formula hit one of the engine's limits (limits.ts): too long, nested too deep, too large, too much work. */
  limit?: "length" | "depth" | "budget" | "size";
  plan?: CellPlan;
  check?: DerivationCheck;
}
