/**
 * Program IR → the TypeScript (tfjs) program the page trains, readable and editable: one `model.add(tf.layers…)` per
 * layer with Keras' initialisers (glorot_uniform seeded `seed + layer index`, zero biases), the compile and fit
 * settings as constants, and the run that hands them to train.ts. parseProgram.ts reads exactly this subset back.
 * Pure: no tf, no DOM. Comments are in the book's language.
 */
import {messages} from "../i18n/index.js";
import type {EarlyStopSpec, KerasProgram, KernelInit, LayerSpec, LrSchedule, ParamInit} from "./keras/program.js";

const c = messages({
  "zh-CN": {
    header: "// 第 {line} 行的 Keras 模型（{file}）翻译成 TensorFlow.js：这就是页面训练的程序。",
    header2: "// 页面读入这段程序（不执行它）：可改层、单元数、激活函数、轮数、批大小、学习率、优化器。",
    headerTorch: "// 第 {line} 行的 PyTorch 模型（{file}）翻译成 TensorFlow.js：这就是页面训练的程序。",
    torchInit: "// 权重与偏置按 PyTorch 的默认初始化 U(−1/√fan_in, 1/√fan_in)；改了层的大小，页面按新的 fan_in 重新计算。",
    wasm: "// 在 wasm 后端上，卷积的偏置与激活分开计算（components/models/wasm/conv-layer.ts），卷积与池化的梯度由 components/models/wasm/kernels.ts 提供，数学上相同。",
    build: "/** 模型：与 Keras 默认相同，权重 glorot_uniform（第 i 层种子 seed + i），偏置为 0。 */",
    compile: "/** 优化器与损失（train.ts 用 makeOptimizer / lossFunction 构造，Adam 的 ε = 1e-7 与 Keras 相同）。 */",
    run: "/** 训练：每轮用种子 seed + 轮次打乱样本，按 batchSize 分批，边训练边给出损失与准确率。 */",
    line: "// 第 {n} 行",
    branches: "// 第 {line} 行的函数式模型：输入分别经过下面 {n} 个分支（null 表示输入本身），再按 {merge} 合并。"
  },
  en: {
    header: "// The Keras model at line {line} ({file}) in TensorFlow.js: this is the program the page trains.",
    header2: "// The page reads this program (it does not execute it): edit layers, units, activations, epochs, batch size, learning rate, optimizer.",
    headerTorch: "// The PyTorch model at line {line} ({file}) in TensorFlow.js: this is the program the page trains.",
    torchInit: "// Weights and biases use PyTorch's default U(−1/√fan_in, 1/√fan_in); after an edit the page recomputes fan_in from the new shapes.",
    wasm: "// On the wasm backend, the convolution's bias and activation are separate ops (components/models/wasm/conv-layer.ts) and the conv/pool gradients come from components/models/wasm/kernels.ts; the math is the same.",
    build: "/** The model: Keras' defaults, glorot_uniform kernels (layer i seeded seed + i), zero biases. */",
    compile: "/** Optimizer and loss (train.ts builds them with makeOptimizer / lossFunction; Adam's ε = 1e-7 as in Keras). */",
    run: "/** Training: each epoch shuffles the samples with seed + epoch, batches of batchSize, loss and accuracy as it goes. */",
    line: "// line {n}",
    branches: "// The functional model at line {line}: the input goes through the {n} branches below (null: the input itself), merged by {merge}."
  }
});

/** The fixed lines of the program, in order (the parser compares them trimmed); LAYERS, COMPILE and FIT are the editable parts. */
export const SKELETON = [
  `import * as tf from "@tensorflow/tfjs";`,
  `import {SeededDropout} from "../components/models/build.js";`,
  `import type {Dataset} from "../components/models/datasets.js";`,
  `import {train} from "../components/models/train.js";`,
  `export function buildModel(seed: number): tf.Sequential {`,
  `  const model = tf.sequential();`,
  "LAYERS",
  `  return model;`,
  `}`,
  "COMPILE",
  "FIT",
  `export async function* run(data: Dataset, seed = 42, signal?: AbortSignal) {`,
  `  const model = buildModel(seed);`,
  `  try {`,
  `    yield* train(model, data, {...fit, seed, signal, compile});`,
  `  } finally {`,
  `    model.dispose();`,
  `  }`,
  `}`
];

/** SKELETON's second line when the model has branches. */
export const BRANCHES_IMPORT = `import {Branches, SeededDropout} from "../components/models/build.js";`;

const list = (xs: number[]) => `[${xs.join(", ")}]`;
const str = (s: string) => JSON.stringify(s);

/** build.ts seeds a PyTorch-initialised bias with the layer's seed + this. The bound 1/√fan_in is printed as a number; the parser recomputes it from the shapes, so an edit never leaves it stale. */
export const PYTORCH_BIAS_SEED = 7919;

function init(i: number, fanIn: number | null, kernel: KernelInit = "glorotUniform" as KernelInit): string {
  if (fanIn === null) return `kernelInitializer: tf.initializers.${kernel}({seed: seed + ${i}}), biasInitializer: "zeros"`;
  const b = 1 / Math.sqrt(fanIn);
  return `kernelInitializer: tf.initializers.randomUniform({minval: ${-b}, maxval: ${b}, seed: seed + ${i}}), ` +
    `biasInitializer: tf.initializers.randomUniform({minval: ${-b}, maxval: ${b}, seed: seed + ${i + PYTORCH_BIAS_SEED}})`;
}

/** Initialisers of weights the code draws itself (nn.Parameter(torch.randn(…) * s)): the same distributions. */
function ownInit(i: number, p: {kernel: ParamInit; bias: ParamInit}): string {
  const one = (x: ParamInit, seed: string) => ("normal" in x ? `tf.initializers.randomNormal({mean: 0, stddev: ${x.normal}, seed: ${seed}})`
    : "uniform" in x ? `tf.initializers.randomUniform({minval: ${x.uniform[0]}, maxval: ${x.uniform[1]}, seed: ${seed}})` : `tf.initializers.constant({value: ${x.constant}})`);
  return `kernelInitializer: ${one(p.kernel, `seed + ${i}`)}, biasInitializer: ${one(p.bias, `seed + ${i + PYTORCH_BIAS_SEED}`)}`;
}

/** The shape of one sample after each layer (pure shape arithmetic, as tf computes it). */
export function layerShapes(layers: LayerSpec[], inputShape: number[]): number[][] {
  const out: number[][] = [];
  let s = inputShape;
  const dim = (n: number, k: number, st: number, pad: "valid" | "same") => (pad === "same" ? Math.ceil(n / st) : Math.floor((n - k) / st) + 1);
  for (const l of layers) {
    if (l.type === "dense") s = [...s.slice(0, -1), l.units];
    else if (l.type === "conv2d") s = [dim(s[0], l.kernelSize[0], l.strides[0], l.padding), dim(s[1], l.kernelSize[1], l.strides[1], l.padding), l.filters];
    else if (l.type === "maxPooling2d") s = [dim(s[0], l.poolSize[0], l.strides[0], l.padding), dim(s[1], l.poolSize[1], l.strides[1], l.padding), s[2]];
    else if (l.type === "flatten") s = [s.reduce((a, b) => a * b, 1)];
    else if (l.type === "branches") {
      const outs = l.branches.map((b, j) => {
        const at = branchInput(l, j, s);
        return outputShape(b, at);
      });
      s = l.merge === "concatenate" ? [...outs[0].slice(0, -1), outs.reduce((a, o) => a + o[o.length - 1], 0)] : outs[0];
    }
    out.push(s);
  }
  return out;
}

/** The shape of one sample after `layers` (the input's when there are none). */
export function outputShape(layers: LayerSpec[], inputShape: number[]): number[] {
  return layerShapes(layers, inputShape).at(-1) ?? inputShape;
}

/** The shape branch j of a branches layer reads: its columns of the input, or the whole input. */
export function branchInput(l: Extract<LayerSpec, {type: "branches"}>, j: number, inputShape: number[]): number[] {
  const c = l.columns?.[j];
  return c ? [c[1] - c[0]] : inputShape;
}

/**
 * Every layer in the order the program adds it (a branches layer's own layers, branch by branch, before it): the
 * position is the layer's seed offset, in the printed program and in build.ts.
 */
export function flatLayers(layers: LayerSpec[]): LayerSpec[] {
  return layers.flatMap((l) => (l.type === "branches" ? [...l.branches.flatMap(flatLayers), l] : [l]));
}

/** fan_in of each layer (dense: input features; conv: kh·kw·channels), branches' layers included, by layer. */
export function fanIns(layers: LayerSpec[], inputShape: number[], out = new Map<LayerSpec, number>()): Map<LayerSpec, number> {
  const shapes = layerShapes(layers, inputShape);
  layers.forEach((l, i) => {
    const prev = i === 0 ? inputShape : shapes[i - 1];
    const c = prev[prev.length - 1] ?? 1;
    out.set(l, l.type === "conv2d" ? l.kernelSize[0] * l.kernelSize[1] * c : c);
    if (l.type === "branches") l.branches.forEach((b, j) => fanIns(b, branchInput(l, j, prev), out));
  });
  return out;
}

/**
 * The statements for one layer (arguments of model.add): the layer, then for a batchNorm its
 * tf.layers.batchNormalization and — when the norm comes before the activation — the activation as its own layer.
 */
export function layerExprs(l: LayerSpec, i: number, inputShape: number[] | null, fanIn: number | null = null): {expr: string; line: number}[] {
  // a leaky ReLU is its own tf layer after the linear one (tfjs has no activation of that name)
  if ((l.type === "dense" || l.type === "conv2d") && l.activation === "leakyRelu")
    return [...layerExprs({...l, activation: "linear", alpha: undefined}, i, inputShape, fanIn), {expr: `tf.layers.leakyReLU({alpha: ${l.alpha ?? 0.01}})`, line: l.line}];
  // PyTorch's PReLU: its own tf layer with a learnt slope (shared over the units unless per channel)
  if ((l.type === "dense" || l.type === "conv2d") && l.activation === "prelu") {
    const shared = preluSharedAxes(l);
    return [...layerExprs({...l, activation: "linear", alpha: undefined, perChannel: undefined}, i, inputShape, fanIn),
      {expr: `tf.layers.prelu({alphaInitializer: tf.initializers.constant({value: ${l.alpha ?? 0.25}})${shared ? `, sharedAxes: ${list(shared)}` : ""}})`, line: l.line}];
  }
  if (l.type !== "dense" && l.type !== "conv2d") return [{expr: layerExpr(l, i, inputShape, fanIn), line: l.line}];
  const bn = l.batchNorm;
  if (!bn) return [{expr: layerExpr(l, i, inputShape, fanIn), line: l.line}];
  const before = !bn.afterActivation;
  const core = layerExpr({...l, batchNorm: undefined, activation: before ? "linear" : l.activation}, i, inputShape, fanIn);
  const norm = {expr: `tf.layers.batchNormalization({momentum: ${bn.momentum}, epsilon: ${bn.epsilon}})`, line: bn.line};
  const act = {expr: `tf.layers.activation({activation: ${str(l.activation)}})`, line: l.line};
  return before && l.activation !== "linear" ? [{expr: core, line: l.line}, norm, act] : [{expr: core, line: l.line}, norm];
}

/**
 * The axes tf's PReLU shares its slope over (build.ts builds it, the printed program states it): every axis but the
 * batch's for one slope (PyTorch's nn.PReLU()), height and width for one per channel; none for one per unit.
 */
export function preluSharedAxes(l: {type: string; perChannel?: boolean}): number[] | undefined {
  if (l.type === "conv2d") return l.perChannel ? [1, 2] : [1, 2, 3];
  return l.perChannel ? undefined : [1];
}

/** Keras' kernel_regularizer, as tf's (train.ts adds the penalty to the loss). */
function penalty(l: {regularizer?: {l1: number; l2: number}}): string {
  return l.regularizer ? `, kernelRegularizer: tf.regularizers.l1l2({l1: ${l.regularizer.l1}, l2: ${l.regularizer.l2}})` : "";
}

/** The expression for one layer without its batchNorm (the argument of model.add). */
export function layerExpr(l: LayerSpec, i: number, inputShape: number[] | null, fanIn: number | null = null): string {
  const input = inputShape ? `inputShape: ${list(inputShape)}, ` : "";
  switch (l.type) {
    case "dense":
      return `tf.layers.dense({${input}units: ${l.units}, activation: ${str(l.activation)}, useBias: ${l.useBias}, ${l.paramInit ? ownInit(i, l.paramInit) : init(i, fanIn, l.kernelInit)}${penalty(l)}})`;
    case "conv2d":
      return `tf.layers.conv2d({${input}filters: ${l.filters}, kernelSize: ${list(l.kernelSize)}, strides: ${list(l.strides)}, ` +
        `padding: ${str(l.padding)}, activation: ${str(l.activation)}, useBias: ${l.useBias}, ${init(i, fanIn, l.kernelInit)}${penalty(l)}})`;
    case "maxPooling2d":
      return `tf.layers.maxPooling2d({${input}poolSize: ${list(l.poolSize)}, strides: ${list(l.strides)}, padding: ${str(l.padding)}})`;
    case "flatten":
      return inputShape ? `tf.layers.flatten({inputShape: ${list(inputShape)}})` : "tf.layers.flatten()";
    case "dropout":
      return `new SeededDropout({${input}rate: ${l.rate}, seed: seed + ${i}})`;
    case "branches":
      throw new Error("a branches layer is printed by printLayers");
  }
}

/**
 * The statements that add `layers` to the model named `target` (the first one with the input's shape). A branches
 * layer first builds each non-empty branch as its own tf.sequential (branch1, branch2, …, numbered through the
 * program), then adds `new Branches({merge, branches})`, where null is the input itself.
 */
function printLayers(target: string, layers: LayerSpec[], inputShape: number[], at: {seed: number; branch: number}, fans: Map<LayerSpec, number> | null, out: string[]): void {
  const shapes = layerShapes(layers, inputShape);
  layers.forEach((l, i) => {
    const first = i === 0 ? inputShape : null;
    if (l.type === "branches") {
      const names = l.branches.map((b, j) => {
        if (!b.length) return "null";
        const name = `branch${++at.branch}`;
        if (j === 0 || !l.branches.slice(0, j).some((x) => x.length)) out.push(`  ${c("branches", {line: l.line, merge: l.merge, n: l.branches.length})}`);
        out.push(`  const ${name} = tf.sequential();`);
        printLayers(name, b, branchInput(l, j, i === 0 ? inputShape : shapes[i - 1]), at, fans, out);
        return name;
      });
      const cols = l.columns ? `, columns: [${l.columns.map(list).join(", ")}]` : "";
      out.push(`  ${target}.add(new Branches({${first ? `inputShape: ${list(first)}, ` : ""}merge: ${str(l.merge)}${cols}, branches: [${names.join(", ")}]})); ${c("line", {n: l.line})}`);
      at.seed++;
      return;
    }
    for (const e of layerExprs(l, at.seed, first, fans ? fans.get(l) ?? null : null)) out.push(`  ${target}.add(${e.expr}); ${c("line", {n: e.line})}`);
    at.seed++;
  });
}

/** The optimiser options beyond the learning rate that the program sets, in OptimizerOptions' order. */
export const OPTIMIZER_OPTIONS = ["momentum", "nesterov", "weightDecay", "beta1", "beta2", "epsilon", "rho", "clipNorm", "momentumDecay", "amsgrad"] as const;

/** The loss options the program sets (pos_weight, class weights, Huber's δ, label smoothing), as compile fields. */
function lossOptions(p: KerasProgram): string {
  const {posWeight, classWeight, classWeightNorm, delta, smoothL1, labelSmoothing} = p.compile;
  return (posWeight ? `, posWeight: [${posWeight.join(", ")}]` : "") + (classWeight ? `, classWeight: [${classWeight.join(", ")}]` : "") +
    (classWeightNorm ? `, classWeightNorm: ${str(classWeightNorm)}` : "") + (delta !== undefined ? `, delta: ${delta}` : "") +
    (smoothL1 ? ", smoothL1: true" : "") + (labelSmoothing ? `, labelSmoothing: ${labelSmoothing}` : "");
}

function compileLine(p: KerasProgram): string {
  const o = p.compile.optimizer;
  const extra = OPTIMIZER_OPTIONS.filter((k) => o[k] !== undefined).map((k) => `, ${k}: ${o[k]}`).join("");
  return `export const compile = {optimizer: {name: ${str(o.name)}, learningRate: ${o.learningRate}, learningRateExplicit: ${o.learningRateExplicit}${extra}}, ` +
    `loss: ${str(p.compile.loss)}${p.compile.fromLogits === undefined ? "" : `, fromLogits: ${p.compile.fromLogits}`}${lossOptions(p)}, metrics: [${p.compile.metrics.map(str).join(", ")}]` +
    `${p.compile.schedule ? `, schedule: ${scheduleText(p.compile.schedule)}` : ""}} as const; ${c("line", {n: p.compile.line})}`;
}

/** A schedule as an object literal (its fields in declaration order, the source line left to the comment). */
export function scheduleText(s: LrSchedule | EarlyStopSpec): string {
  const item = (v: unknown): string => (v && typeof v === "object" ? scheduleText(v as LrSchedule) : typeof v === "string" ? str(v) : String(v));
  const parts = Object.entries(s).filter(([k]) => k !== "line").map(([k, v]) => `${k}: ${Array.isArray(v) ? `[${v.map(item).join(", ")}]` : item(v)}`);
  return `{${parts.join(", ")}}`;
}

export function printProgram(p: KerasProgram): string {
  const hasConv = flatLayers(p.layers).some((l) => l.type === "conv2d" || l.type === "maxPooling2d");
  const torch = p.init === "pytorch";
  const fans = torch ? fanIns(p.layers, p.inputShape) : null;
  const out: string[] = [c(p.framework === "pytorch" ? "headerTorch" : "header", {line: p.line, file: p.file}), c("header2"),
    ...(torch ? [c("torchInit")] : []), ...(hasConv ? [c("wasm")] : [])];
  for (const s of SKELETON) {
    if (s === "LAYERS") {
      printLayers("model", p.layers, p.inputShape, {seed: 0, branch: 0}, fans, out);
    } else if (s === "COMPILE") {
      out.push("", c("compile"), compileLine(p));
    } else if (s === "FIT") {
      const shuffle = p.fit.shuffle === undefined ? "" : `, shuffle: ${p.fit.shuffle}`;
      const early = p.fit.earlyStopping ? `, earlyStopping: ${scheduleText(p.fit.earlyStopping)}` : "";
      out.push(`export const fit = {epochs: ${p.fit.epochs}, batchSize: ${p.fit.batchSize}, validationSplit: ${p.fit.validationSplit}${shuffle}${early}}; ${c("line", {n: p.fit.line})}`, "", c("run"));
    } else if (s.startsWith("import")) {
      out.push(s === SKELETON[1] && flatLayers(p.layers).some((l) => l.type === "branches") ? BRANCHES_IMPORT : s);
      if (s.includes("train.js")) out.push("");
    } else if (s.startsWith("export function")) {
      out.push(c("build"), s);
    } else {
      out.push(s);
    }
  }
  return out.join("\n") + "\n";
}
