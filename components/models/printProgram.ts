/**
 * Program IR → the TypeScript (tfjs) program the page trains, readable and editable: one `model.add(tf.layers…)` per
 * layer with Keras' initialisers (glorot_uniform seeded `seed + layer index`, zero biases), the compile and fit
 * settings as constants, and the run that hands them to train.ts. parseProgram.ts reads exactly this subset back.
 * Pure: no tf, no DOM. Comments are in the book's language.
 */
import {messages} from "../i18n/index.js";
import type {KerasProgram, LayerSpec} from "./keras/program.js";

const c = messages({
  "zh-CN": {
    header: "// 第 {line} 行的 Keras 模型（{file}）翻译成 TensorFlow.js：这就是页面训练的程序。",
    header2: "// 页面读入这段程序（不执行它）：可改层、单元数、激活函数、轮数、批大小、学习率、优化器。",
    wasm: "// 在 wasm 后端上，卷积与池化换成梯度只用前向算子的等价层（components/models/composed.ts、im2col.ts），数学上相同。",
    build: "/** 模型：与 Keras 默认相同，权重 glorot_uniform（第 i 层种子 seed + i），偏置为 0。 */",
    compile: "/** 优化器与损失（train.ts 用 makeOptimizer / lossFunction 构造，Adam 的 ε = 1e-7 与 Keras 相同）。 */",
    run: "/** 训练：每轮用种子 seed + 轮次打乱样本，按 batchSize 分批，边训练边给出损失与准确率。 */",
    line: "// 第 {n} 行"
  },
  en: {
    header: "// The Keras model at line {line} ({file}) in TensorFlow.js: this is the program the page trains.",
    header2: "// The page reads this program (it does not execute it): edit layers, units, activations, epochs, batch size, learning rate, optimizer.",
    wasm: "// On the wasm backend, convolution and pooling use equivalent layers whose gradients need only forward ops (components/models/composed.ts, im2col.ts).",
    build: "/** The model: Keras' defaults, glorot_uniform kernels (layer i seeded seed + i), zero biases. */",
    compile: "/** Optimizer and loss (train.ts builds them with makeOptimizer / lossFunction; Adam's ε = 1e-7 as in Keras). */",
    run: "/** Training: each epoch shuffles the samples with seed + epoch, batches of batchSize, loss and accuracy as it goes. */",
    line: "// line {n}"
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

const list = (xs: number[]) => `[${xs.join(", ")}]`;
const str = (s: string) => JSON.stringify(s);

function init(i: number): string {
  return `kernelInitializer: tf.initializers.glorotUniform({seed: seed + ${i}}), biasInitializer: "zeros"`;
}

/** The expression for one layer (the argument of model.add). */
export function layerExpr(l: LayerSpec, i: number, inputShape: number[] | null): string {
  const input = inputShape ? `inputShape: ${list(inputShape)}, ` : "";
  switch (l.type) {
    case "dense":
      return `tf.layers.dense({${input}units: ${l.units}, activation: ${str(l.activation)}, useBias: ${l.useBias}, ${init(i)}})`;
    case "conv2d":
      return `tf.layers.conv2d({${input}filters: ${l.filters}, kernelSize: ${list(l.kernelSize)}, strides: ${list(l.strides)}, ` +
        `padding: ${str(l.padding)}, activation: ${str(l.activation)}, useBias: ${l.useBias}, ${init(i)}})`;
    case "maxPooling2d":
      return `tf.layers.maxPooling2d({${input}poolSize: ${list(l.poolSize)}, strides: ${list(l.strides)}, padding: ${str(l.padding)}})`;
    case "flatten":
      return inputShape ? `tf.layers.flatten({inputShape: ${list(inputShape)}})` : "tf.layers.flatten()";
    case "dropout":
      return `new SeededDropout({${input}rate: ${l.rate}, seed: seed + ${i}})`;
  }
}

export function printProgram(p: KerasProgram): string {
  const hasConv = p.layers.some((l) => l.type === "conv2d" || l.type === "maxPooling2d");
  const o = p.compile.optimizer;
  const out: string[] = [c("header", {line: p.line, file: p.file}), c("header2"), ...(hasConv ? [c("wasm")] : [])];
  for (const s of SKELETON) {
    if (s === "LAYERS") {
      p.layers.forEach((l, i) => out.push(`  model.add(${layerExpr(l, i, i === 0 ? p.inputShape : null)}); ${c("line", {n: l.line})}`));
    } else if (s === "COMPILE") {
      out.push("", c("compile"),
        `export const compile = {optimizer: {name: ${str(o.name)}, learningRate: ${o.learningRate}, learningRateExplicit: ${o.learningRateExplicit}}, ` +
        `loss: ${str(p.compile.loss)}, metrics: [${p.compile.metrics.map(str).join(", ")}]} as const; ${c("line", {n: p.compile.line})}`);
    } else if (s === "FIT") {
      out.push(`export const fit = {epochs: ${p.fit.epochs}, batchSize: ${p.fit.batchSize}, validationSplit: ${p.fit.validationSplit}}; ${c("line", {n: p.fit.line})}`, "", c("run"));
    } else if (s.startsWith("import")) {
      out.push(s);
      if (s.includes("train.js")) out.push("");
    } else if (s.startsWith("export function")) {
      out.push(c("build"), s);
    } else {
      out.push(s);
    }
  }
  return out.join("\n") + "\n";
}
