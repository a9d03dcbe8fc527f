/**
 * The TypeScript view of the newer Program fields (PyTorch init, BatchNorm, fromLogits, the optimiser's options,
 * AdamW, shuffle): printed, read back deep-equal, compiled with tsc against tfjs and train.ts, and edited.
 */
import {resolve} from "node:path";
import {afterEach, describe, expect, test} from "vitest";
import {setLanguage} from "../components/i18n/index.js";
import type {KerasProgram} from "../components/models/keras/program.js";
import {isParseError, parseProgram} from "../components/models/parseProgram.js";
import {fanIns, printProgram} from "../components/models/printProgram.js";
import {loadAll} from "../src/generate.js";
import {translateCodeSection} from "../src/trainingEnricher.js";
import {printedDiagnostics} from "./compilePrinted.js";

const ROOT = resolve(import.meta.dirname, "..");
afterEach(() => setLanguage("zh-CN"));

/** Every Keras/PyTorch program the code corpus translates to (documents written for the tests, not chapters). */
function corpusPrograms(): KerasProgram[] {
  const {chapters} = loadAll(ROOT, "test/corpus-code");
  return chapters.flatMap((c) => c.sections.filter((s) => s.kind === "code").map((s) => translateCodeSection(c, s).program))
    .filter((p): p is KerasProgram => p?.kind === "keras");
}

/** A hand-written program using every new field. */
const base = (): KerasProgram => ({
  kind: "keras", framework: "pytorch", init: "pytorch", file: "t.md", line: 5, inputShape: [3],
  layers: [
    {type: "dense", units: 16, activation: "relu", useBias: true, line: 7, batchNorm: {momentum: 0.9, epsilon: 1e-5, afterActivation: false, line: 8}},
    {type: "dense", units: 8, activation: "tanh", useBias: true, line: 9, batchNorm: {momentum: 0.9, epsilon: 1e-5, afterActivation: true, line: 10}},
    {type: "dense", units: 4, activation: "linear", useBias: false, line: 11, batchNorm: {momentum: 0.8, epsilon: 0.001, afterActivation: false, line: 12}},
    {type: "dense", units: 1, activation: "linear", useBias: true, line: 13}
  ],
  compile: {optimizer: {name: "adamw", learningRate: 0.01, learningRateExplicit: true, weightDecay: 0.05, beta1: 0.8, beta2: 0.99, epsilon: 1e-8},
    loss: "binary_crossentropy", fromLogits: true, metrics: ["accuracy"], line: 15},
  fit: {epochs: 7, batchSize: 32, validationSplit: 0, line: 17, shuffle: false},
  evaluate: null, dataset: {id: "arrays", inputShape: [3], train: {x: [0, 0, 0], y: [1], n: 1}, line: 2}, claims: [], notes: []
});

describe("the new Program fields round-trip through the TypeScript view", () => {
  test("every corpus program and the hand-written one read back deep-equal (zh-CN and en)", () => {
    const programs = [...corpusPrograms(), base()];
    expect(programs.filter((p) => p.framework === "pytorch").length).toBeGreaterThanOrEqual(4);
    expect(programs.some((p) => p.layers.some((l) => (l.type === "dense" || l.type === "conv2d") && l.batchNorm))).toBe(true);
    for (const lang of ["zh-CN", "en"] as const) {
      setLanguage(lang);
      for (const p of programs) expect(parseProgram(printProgram(p), p), p.file).toEqual(p);
    }
  });

  test("BatchNorm and PyTorch's bounds are printed as tfjs layers and numbers (1/√fan_in: 1/√3, 1/√16, 1/√8, 1/√4)", () => {
    const text = printProgram(base());
    const layers = base().layers;
    const fans = fanIns(layers, [3]);
    expect(layers.map((l) => fans.get(l))).toEqual([3, 16, 8, 4]);
    expect(text).toContain(`tf.layers.dense({inputShape: [3], units: 16, activation: "linear", useBias: true, kernelInitializer: tf.initializers.randomUniform({minval: -${1 / Math.sqrt(3)}, maxval: ${1 / Math.sqrt(3)}, seed: seed + 0}), biasInitializer: tf.initializers.randomUniform({minval: -${1 / Math.sqrt(3)}, maxval: ${1 / Math.sqrt(3)}, seed: seed + 7919})}`);
    const adds = text.split("\n").filter((l) => l.includes("model.add("));
    expect(adds.map((l) => /tf\.layers\.(\w+)/.exec(l)![1])).toEqual(["dense", "batchNormalization", "activation", "dense", "batchNormalization", "dense", "batchNormalization", "dense"]);
    expect(adds[1]).toContain("momentum: 0.9, epsilon: 0.00001");
    expect(adds[1]).toMatch(/第 8 行$/);
    expect(adds[2]).toContain(`activation: "relu"`);
    expect(adds[3]).toContain(`activation: "tanh"`);
    expect(adds[3]).toContain(`maxval: 0.25,`);
    expect(text).toContain(`optimizer: {name: "adamw", learningRate: 0.01, learningRateExplicit: true, weightDecay: 0.05, beta1: 0.8, beta2: 0.99, epsilon: 1e-8}, loss: "binary_crossentropy", fromLogits: true`);
    expect(text).toContain("export const fit = {epochs: 7, batchSize: 32, validationSplit: 0, shuffle: false};");
  });

  test("edits: new units keep PyTorch's init, a removed BatchNorm goes, options change, mixing initialisers is an error", () => {
    const p = base();
    const text = printProgram(p);
    const edited = text.replace("units: 16,", "units: 20,").replace(/\n.*batchNormalization\(\{momentum: 0\.8.*\n/, "\n")
      .replace("weightDecay: 0.05", "weightDecay: 0.1").replace("shuffle: false", "shuffle: true");
    const r = parseProgram(edited, p);
    if (isParseError(r)) throw new Error(`${r.line}: ${r.message}`);
    expect(r.init).toBe("pytorch");
    expect(r.layers[0]).toMatchObject({units: 20, activation: "relu", batchNorm: {afterActivation: false}});
    expect(r.layers[2]).toEqual({type: "dense", units: 4, activation: "linear", useBias: false, line: 11});
    expect(r.compile.optimizer.weightDecay).toBe(0.1);
    expect(r.fit.shuffle).toBe(true);
    const mixed = text.replace(/units: 8, activation: "tanh", useBias: true, kernelInitializer: [^\n]*?seed: seed \+ 7920\}\)/,
      `units: 8, activation: "tanh", useBias: true, kernelInitializer: tf.initializers.glorotUniform({seed: seed + 1}), biasInitializer: "zeros"`);
    expect(mixed).not.toBe(text);
    const e = parseProgram(mixed, p);
    expect(isParseError(e) && e.message).toMatch(/same initialisation/);
    const orphan = parseProgram(text.replace(/(model\.add\(tf\.layers\.dense\(\{inputShape[^\n]*\n)/, "$1  model.add(tf.layers.activation({activation: \"relu\"}));\n"), p);
    expect(isParseError(orphan) && orphan.message).toMatch(/activation: only after a batchNormalization/);
  });

  test("the printed programs compile against @tensorflow/tfjs and train.ts (zero diagnostics)", () => {
    const programs = [...corpusPrograms(), base()];
    expect(printedDiagnostics(programs, "__printed_ir__")).toEqual([]);
  }, 120_000);
});
