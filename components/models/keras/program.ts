/**
 * The JSON-serialisable description of what a chapter's code trains: produced at generation time by
 * translateChapterCode (translate.ts), consumed in the page by build.ts / train.ts / TrainingPanel.
 */
import type {Expr} from "./expr.js";

export type Activation =
  | "linear" | "relu" | "relu6" | "sigmoid" | "softmax" | "tanh" | "elu" | "selu" | "softplus" | "softsign"
  | "swish" | "gelu" | "hardSigmoid";

export type LayerSpec =
  | {type: "dense"; units: number; activation: Activation; useBias: boolean; line: number}
  | {type: "conv2d"; filters: number; kernelSize: [number, number]; strides: [number, number];
      padding: "valid" | "same"; activation: Activation; useBias: boolean; line: number}
  | {type: "maxPooling2d"; poolSize: [number, number]; strides: [number, number]; padding: "valid" | "same"; line: number}
  | {type: "flatten"; line: number}
  | {type: "dropout"; rate: number; line: number};

export type OptimizerName = "adam" | "sgd" | "rmsprop" | "adagrad" | "adadelta" | "adamax";
export type LossName = "sparse_categorical_crossentropy" | "categorical_crossentropy" | "binary_crossentropy"
  | "mean_squared_error" | "mean_absolute_error";

export interface CompileSpec {
  optimizer: {name: OptimizerName; learningRate: number; learningRateExplicit: boolean};
  loss: LossName;
  metrics: string[];
  line: number;
}

export interface FitSpec {
  epochs: number;
  batchSize: number;
  validationSplit: number;
  line: number;
}

/** Where the training data comes from in the page. */
export type DatasetRef =
  | {
      id: "mnist";
      /** Per-sample input shape the model expects: [784], [28, 28, 1] or [32, 32, 3]. */
      inputShape: number[];
      /** How the chapter's data is mapped onto MNIST, in words (shown on the page). */
      origin: "keras.datasets.mnist" | "undefined-x_train" | "cifar10-substitute";
      /** Pixel scale applied (1/255 → [0, 1]). */
      scale: number;
    }
  | {
      id: "table";
      columns: string[];
      /** Raw feature rows as printed in the chapter. */
      rows: number[][];
      labels: number[];
      /** Source line of the table in the chapter. */
      line: number;
      standardize: boolean;
      testSize: number;
      randomState: number;
    };

export interface Claim {
  metric: "accuracy" | "loss";
  split: "test" | "train";
  value: number;
  /** The text the number was read from. */
  text: string;
  line?: number;
}

/** A sentence for the reader about how the page's run differs from the printed code. */
export interface Note {
  level: "info" | "warning";
  text: string;
  line?: number;
}

export interface KerasProgram {
  kind: "keras";
  file: string;
  /** Line of the model's definition. */
  line: number;
  inputShape: number[];
  layers: LayerSpec[];
  compile: CompileSpec;
  fit: FitSpec;
  evaluate: {line: number} | null;
  dataset: DatasetRef;
  claims: Claim[];
  notes: Note[];
}

export interface NumpyAssignment {
  name: string;
  expr: Expr;
  line: number;
}

/** 004's hand-written batch gradient descent on θ (no bias): θ ← θ − lr · gradient(Xθ − y). */
export interface NumpyGdProgram {
  kind: "numpy-gd";
  file: string;
  line: number;
  className: string;
  /** NumPy data generation, in order (evaluated with a seeded RNG in the page). */
  data: NumpyAssignment[];
  x: string;
  y: string;
  learningRate: number;
  iterations: number;
  /** "sum": Xᵀ(Xθ − y); "mean": Xᵀ(Xθ − y)/n. */
  gradient: "sum" | "mean";
  /** The printed loss formula and whether it is a real squared loss. */
  loss: {formula: string; squared: boolean; line: number};
  claims: Claim[];
  notes: Note[];
}

export type Program = KerasProgram | NumpyGdProgram;

export interface TranslateDiagnostic {
  line: number;
  severity: "error" | "warning";
  message: string;
}

export interface CodeBlock {
  code: string;
  lang: string;
  /** 1-based file line of the block's opening fence; code line i (1-based) is file line `line + i`. */
  line: number;
}
