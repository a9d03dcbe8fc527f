/**
 * The JSON-serialisable description of what a chapter's code trains: produced at generation time by
 * translateChapterCode (translate.ts), consumed in the page by build.ts / train.ts / TrainingPanel.
 */
import type {Expr} from "./expr.js";

export type Activation =
  | "linear" | "relu" | "relu6" | "sigmoid" | "softmax" | "tanh" | "elu" | "selu" | "softplus" | "softsign"
  | "swish" | "gelu" | "hardSigmoid" | "leakyRelu" | "mish"
  /** PyTorch's nn.PReLU: a leaky ReLU whose slope is learnt, starting at `alpha` (one shared slope unless `perChannel`). */
  | "prelu";

/**
 * Batch normalisation applied to a dense/conv layer's output: before its activation (Linear → BatchNorm → ReLU, the
 * usual order) or after it (`afterActivation`). Keras' momentum convention (PyTorch's 0.1 is 0.9 here).
 */
export interface BatchNormSpec {
  momentum: number;
  epsilon: number;
  afterActivation: boolean;
  line: number;
}

/** A Keras kernel_initializer other than the default glorot_uniform, by its tfjs name (he_normal → heNormal). */
/** Keras' kernel_regularizer: l1·Σ|w| + l2·Σw² of the layer's kernel, added to the loss. */
export interface Regularizer {
  l1: number;
  l2: number;
}

export type KernelInit = "glorotNormal" | "heNormal" | "heUniform" | "leCunNormal" | "leCunUniform";
export const KERNEL_INITS: Record<string, KernelInit> = {glorot_normal: "glorotNormal", he_normal: "heNormal", he_uniform: "heUniform",
  lecun_normal: "leCunNormal", lecun_uniform: "leCunUniform"};

/** A weight's initial distribution as the code draws it (torch.randn(a, b) * s: normal with std s; torch.zeros: 0). */
export type ParamInit = {normal: number} | {uniform: [number, number]} | {constant: number};

export type LayerSpec =
  /**
   * `alpha`: the negative slope of a leakyRelu activation (PyTorch 0.01, Keras' layer 0.3). `paramInit`: weights the
   * code creates itself (nn.Parameter(torch.randn(…) * s)), drawn from the same distributions.
   */
  | {type: "dense"; units: number; activation: Activation; useBias: boolean; line: number; batchNorm?: BatchNormSpec; alpha?: number; perChannel?: boolean; kernelInit?: KernelInit; regularizer?: Regularizer;
      paramInit?: {kernel: ParamInit; bias: ParamInit}}
  | {type: "conv2d"; filters: number; kernelSize: [number, number]; strides: [number, number];
      padding: "valid" | "same"; activation: Activation; useBias: boolean; line: number; batchNorm?: BatchNormSpec; alpha?: number; perChannel?: boolean; kernelInit?: KernelInit;
      regularizer?: Regularizer}
  | {type: "maxPooling2d"; poolSize: [number, number]; strides: [number, number]; padding: "valid" | "same"; line: number}
  | {type: "flatten"; line: number}
  | {type: "dropout"; rate: number; line: number}
  /**
   * A Keras functional model's branches: the input goes through each branch (an empty one is the input itself) and
   * the outputs are merged. `columns`: the branches read different keras.Inputs, laid side by side in the model's
   * input (branch j reads columns [a, b)); only as a model's first layer.
   */
  | {type: "branches"; merge: MergeKind; branches: LayerSpec[][]; columns?: [number, number][]; line: number};

/** How Keras' merge layers combine their inputs (Concatenate on the last axis, Add, Subtract, …). */
export type MergeKind = "concatenate" | "add" | "subtract" | "multiply" | "average" | "maximum" | "minimum";
export const MERGE_KINDS: readonly MergeKind[] = ["concatenate", "add", "subtract", "multiply", "average", "maximum", "minimum"];

export type OptimizerName = "adam" | "sgd" | "rmsprop" | "adagrad" | "adadelta" | "adamax" | "adamw" | "nadam";

/** Optimiser settings beyond the learning rate (absent: the framework's defaults as makeOptimizer applies them). */
export interface OptimizerOptions {
  momentum?: number;
  nesterov?: boolean;
  /** L2 added to the gradient (PyTorch's weight_decay on SGD/Adam/RMSprop) or decoupled (AdamW). */
  weightDecay?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** RMSprop's decay (Keras rho, PyTorch alpha). */
  rho?: number;
  /** The gradients rescaled so that their global L2 norm is at most this (PyTorch's clip_grad_norm_). */
  clipNorm?: number;
  /** NAdam's momentum decay ψ (μ_t = β1 · (1 − ½ · 0.96^(tψ)); absent: 0.004). */
  momentumDecay?: number;
  /** Adam / AdamW with AMSGrad: the largest second moment so far in the denominator (amsgrad.ts). */
  amsgrad?: boolean;
}
export type LossName = "sparse_categorical_crossentropy" | "categorical_crossentropy" | "binary_crossentropy"
  | "mean_squared_error" | "mean_absolute_error" | "huber";

/**
 * A learning-rate schedule: the learning rate of each epoch (or batch step) as a function of the initial one.
 * `per: "epoch"` advances once per epoch (scheduler.step() in the epoch loop), "batch" once per optimiser step.
 * step/multistep/exponential/cosine: PyTorch's StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR (closed form);
 * decay: Keras' ExponentialDecay (lr · rate^(step / decaySteps), per batch step); table: the learning rate of each
 * epoch computed at generation time from a LearningRateScheduler function (its last entry holds afterwards).
 */
export type LrSchedule =
  | {kind: "step"; per: "epoch" | "batch"; stepSize: number; gamma: number; line: number}
  | {kind: "multistep"; per: "epoch" | "batch"; milestones: number[]; gamma: number; line: number}
  | {kind: "exponential"; per: "epoch" | "batch"; gamma: number; line: number}
  | {kind: "cosine"; per: "epoch" | "batch"; tMax: number; etaMin: number; line: number}
  | {kind: "decay"; decaySteps: number; decayRate: number; staircase: boolean; line: number}
  | {kind: "table"; lrs: number[]; text: string; line: number}
  /** PyTorch's LambdaLR: the initial rate times the code's factor for each step taken (the last one holds afterwards). */
  | {kind: "lambda"; per: "epoch" | "batch"; factors: number[]; text: string; line: number}
  /** PyTorch's OneCycleLR (two phases): from maxLr/divFactor up to maxLr over pctStart of the steps, then down to maxLr/(divFactor·finalDivFactor). */
  | {kind: "onecycle"; per: "epoch" | "batch"; maxLr: number; totalSteps: number; pctStart: number; divFactor: number; finalDivFactor: number;
    anneal: "cos" | "linear"; line: number}
  /**
   * PyTorch's CosineAnnealingWarmRestarts: cosine from the initial rate down to etaMin over t0 steps, then again over
   * t0·tMult, t0·tMult², …. `fraction`: scheduler.step(epoch + i / fraction) is called after every batch, so after k
   * steps the cycle position is (k − 1) / fraction epochs (absent: step() without an argument, position k).
   */
  | {kind: "restarts"; per: "epoch" | "batch"; t0: number; tMult: number; etaMin: number; fraction?: number; line: number}
  /** PyTorch's LinearLR: the rate times a factor going linearly from startFactor to endFactor over totalIters steps. */
  | {kind: "linear"; per: "epoch" | "batch"; startFactor: number; endFactor: number; totalIters: number; line: number}
  /** PyTorch's ConstantLR: the rate times `factor` for the first totalIters steps. */
  | {kind: "constant"; per: "epoch" | "batch"; factor: number; totalIters: number; line: number}
  /**
   * PyTorch's PolynomialLR and Keras' PolynomialDecay: (base − endLr) · (1 − min(k, totalIters) / totalIters)^power + endLr
   * (endLr absent: 0).
   */
  | {kind: "polynomial"; per: "epoch" | "batch"; totalIters: number; power: number; endLr?: number; line: number}
  /** Keras' CosineDecay: base · ((1 − alpha) · ½(1 + cos(π · min(k, decaySteps) / decaySteps)) + alpha). */
  | {kind: "cosineDecay"; per: "epoch" | "batch"; decaySteps: number; alpha: number; line: number}
  /** Keras' PiecewiseConstantDecay: values[i] for boundaries[i − 1] < k ≤ boundaries[i] (values has one more entry). */
  | {kind: "piecewise"; per: "epoch" | "batch"; boundaries: number[]; values: number[]; line: number}
  /** Keras' InverseTimeDecay: base / (1 + decayRate · k / decaySteps) (k / decaySteps floored when staircase). */
  | {kind: "inverseTime"; per: "epoch" | "batch"; decaySteps: number; decayRate: number; staircase: boolean; line: number}
  /** PyTorch's SequentialLR: parts[i] from milestones[i − 1] on, restarted at its own step 0 from the initial rate. */
  | {kind: "sequential"; per: "epoch" | "batch"; parts: LrSchedule[]; milestones: number[]; line: number}
  /**
   * PyTorch's ReduceLROnPlateau, stepped once per epoch on the monitored value (the validation loss, or the epoch's
   * training loss): the rate times `factor` (not below minLr) after more than `patience` epochs without improvement.
   */
  | {kind: "plateau"; monitor: "val_loss" | "loss"; mode: "min" | "max"; factor: number; patience: number; threshold: number;
    thresholdMode: "rel" | "abs"; cooldown: number; minLr: number; eps: number; line: number};

/**
 * Stop training when the monitored value has not improved by more than minDelta for `patience` epochs in a row
 * (an early-stopping loop written by hand, or Keras' EarlyStopping); restoreBest: the best epoch's weights are
 * loaded back at the end (restoreWhen "stopped": only when early stopping ends training, as Keras does).
 */
export interface EarlyStopSpec {
  monitor: "val_loss" | "loss";
  mode: "min" | "max";
  minDelta: number;
  patience: number;
  restoreBest: boolean;
  restoreWhen?: "stopped";
  line: number;
}

export interface CompileSpec {
  optimizer: {name: OptimizerName; learningRate: number; learningRateExplicit: boolean} & OptimizerOptions;
  /** The learning rate changes during training (absent: constant). */
  schedule?: LrSchedule;
  loss: LossName;
  /** The model outputs logits and the loss applies softmax/sigmoid itself (PyTorch's CrossEntropyLoss, BCEWithLogitsLoss). */
  fromLogits?: boolean;
  /** Binary cross-entropy on logits: the positive class's weight per output (PyTorch's pos_weight). */
  posWeight?: number[];
  /** Cross-entropy: a weight per class, the batch loss their weighted mean (PyTorch's weight=). */
  classWeight?: number[];
  /** What the class-weighted sum is divided by: the weights' sum (absent: PyTorch) or the batch size ("count": Keras). */
  classWeightNorm?: "count";
  /** Huber loss: the threshold δ between the quadratic and the linear part (absent: 1). */
  delta?: number;
  /** Huber loss divided by δ (PyTorch's SmoothL1Loss(beta=δ)). */
  smoothL1?: boolean;
  /** Cross-entropy: the target mixes ε of the uniform distribution into the one-hot label (label_smoothing=). */
  labelSmoothing?: number;
  metrics: string[];
  line: number;
}

/** How the loss is computed: CompileSpec's loss fields. */
export type LossSpec = Pick<CompileSpec, "loss" | "fromLogits" | "posWeight" | "classWeight" | "classWeightNorm" | "delta" | "smoothL1" | "labelSmoothing">;

export interface FitSpec {
  epochs: number;
  batchSize: number;
  validationSplit: number;
  line: number;
  /** Shuffle the training data every epoch (Keras' default; a PyTorch DataLoader only with shuffle=True). Absent: true. */
  shuffle?: boolean;
  earlyStopping?: EarlyStopSpec;
}

/** Data the code computes (NumPy, sklearn, torch tensors): the arrays themselves, or a recipe to recompute them. */
export interface ArraysData {
  /** Row-major samples, n × prod(inputShape); absent when `recipe` is given. */
  x?: number[];
  /** One label per sample (class id, 0/1 or a regression target), or `yWidth` targets per sample, row-major. */
  y?: number[];
  n: number;
  /** Targets per sample when there are several (a multi-output regression, or several 0/1 labels); absent for one. */
  yWidth?: number;
}

/**
 * The statements that compute the data, re-run in the page by components/models/numpy (same seeded generator), for
 * data too large to ship as numbers. `names` are the variables holding train x, train y, test x, test y.
 */
export interface ArraysRecipe {
  statements: {line: number; text: string}[];
  seed: number;
  names: {x: string; y: string; testX?: string; testY?: string; valX?: string; valY?: string};
}

/** Where the training data comes from in the page. */
export type DatasetRef =
  | {
      id: "mnist";
      /** Per-sample input shape the model expects: [784], [28, 28, 1] or [32, 32, 3]. */
      inputShape: number[];
      /** How the chapter's data is mapped onto MNIST, in words (shown on the page). */
      origin: "keras.datasets.mnist" | "undefined-x_train" | "cifar10-substitute" | "torchvision.datasets.MNIST";
      /** Pixel scale applied (1/255 → [0, 1]). */
      scale: number;
      /** The code trains / tests on the first N images only (`x_train[:2000]`, `Subset(…, range(N))`). */
      trainLimit?: number;
      testLimit?: number;
    }
  | {
      id: "arrays";
      /** Shape of one sample. */
      inputShape: number[];
      train: ArraysData;
      /** The evaluation set; absent: the code evaluates on (or never leaves) its training data. */
      test?: ArraysData;
      /** A validation set the code evaluates on every epoch (its own X_val, y_val); absent: none. */
      val?: ArraysData;
      recipe?: ArraysRecipe;
      /** Line of the statement that made the training x. */
      line: number;
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
  /** What the number measures when it is not the loss or plain accuracy ("test MSE" beside a Huber loss, "balanced accuracy"). */
  measure?: "mse" | "balanced-accuracy";
}

/** A sentence for the reader about how the page's run differs from the printed code. */
export interface Note {
  level: "info" | "warning";
  text: string;
  line?: number;
}

/** A part of the code the page cannot follow (shown on the page; the rest still trains). */
export interface Unsupported {
  line: number;
  /** English, as `npm run check` reports it. */
  message: string;
  /** The same for the reader, in the book's language (keras/messages.ts); absent in programs made before it. */
  text?: string;
}

export interface KerasProgram {
  kind: "keras";
  /** Which framework the code was written in (absent: keras). PyTorch models are translated to the same layers. */
  framework?: "keras" | "pytorch";
  /** Weight initialisation: Keras' glorot_uniform/zeros (absent) or PyTorch's U(±1/√fan_in) for weights and biases. */
  init?: "keras" | "pytorch";
  unsupported?: Unsupported[];
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

/**
 * A NumPy program that trains by itself (gradient descent written out in loops): the translator runs it at
 * generation time with components/models/numpy and keeps what it printed; the page can re-run `statements` with
 * the same pure interpreter (same seeded generator) to redraw it.
 */
export interface NumpyScriptProgram {
  kind: "numpy-script";
  framework: "numpy";
  file: string;
  line: number;
  statements: {line: number; text: string; indent: number}[];
  seed: number;
  /** What the code printed, in order (at most 10,000 lines). */
  printed: {line: number; text: string}[];
  /** Results read from the printed text (the last value of each metric). */
  results: Claim[];
  claims: Claim[];
  notes: Note[];
  unsupported: Unsupported[];
}

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
