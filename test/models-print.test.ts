import {resolve} from "node:path";
import {afterEach, describe, expect, test} from "vitest";
import {setLanguage} from "../components/i18n/index.js";
import type {KerasProgram} from "../components/models/keras/program.js";
import {translatePython} from "../components/models/keras/translate.js";
import {isParseError, parseProgram} from "../components/models/parseProgram.js";
import {printProgram} from "../components/models/printProgram.js";
import {loadAll} from "../src/generate.js";
import {translateCodeSection} from "../src/trainingEnricher.js";
import {printedDiagnostics} from "./compilePrinted.js";

const ROOT = resolve(import.meta.dirname, "..");

afterEach(() => setLanguage("zh-CN"));

/** Every Keras program the seed chapters produce. */
function seedPrograms(): KerasProgram[] {
  const {chapters} = loadAll(ROOT);
  const out: KerasProgram[] = [];
  for (const c of chapters) for (const s of c.sections.filter((x) => x.kind === "code")) {
    const p = translateCodeSection(c, s).program;
    if (p?.kind === "keras") out.push(p);
  }
  return out;
}

/** Programs from Python written for these tests: varied notation, options, layers. */
const PYTHON = [
  [
    "import tensorflow as tf",
    "model = tf.keras.Sequential()",
    "model.add(tf.keras.layers.Dense(4, input_dim=784, activation='tanh'))",
    "model.add(tf.keras.layers.Dense(10, activation='softmax'))",
    "model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.05), loss='sparse_categorical_crossentropy')",
    "model.fit(x, y, epochs=3, batch_size=64, validation_split=0.1)"
  ],
  [
    "from tensorflow import keras",
    "from tensorflow.keras import layers",
    "(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()",
    "model = keras.Sequential([",
    "    layers.Conv2D(8, (5, 5), strides=(2, 2), padding='same', activation='elu', input_shape=(28, 28, 1)),",
    "    layers.MaxPooling2D(pool_size=(2, 2)),",
    "    layers.Dropout(0.25),",
    "    layers.Flatten(),",
    "    layers.Dense(32, activation='selu', use_bias=False),",
    "    layers.Dense(10, activation='softmax'),",
    "])",
    "model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.0005), loss='sparse_categorical_crossentropy', metrics=['accuracy'])",
    "model.fit(x_train, y_train, epochs=2, batch_size=128)"
  ],
  [
    "import tensorflow as tf",
    "(x_train, y_train), _ = tf.keras.datasets.mnist.load_data()",
    "x_train = x_train.reshape(-1, 784) / 255.0",
    "model = tf.keras.models.Sequential()",
    "model.add(tf.keras.layers.Dense(16, activation='sigmoid', input_shape=(784,)))",
    "model.add(tf.keras.layers.Dense(1))",
    "model.compile(optimizer='adagrad', loss='mean_squared_error')",
    "model.fit(x_train, y_train, epochs=7, batch_size=4)"
  ]
];

function testPrograms(): KerasProgram[] {
  return PYTHON.map((lines) => {
    const r = translatePython(lines.join("\n"), {file: "t.md", line: 10});
    expect(r.program?.kind, JSON.stringify(r.diagnostics)).toBe("keras");
    return r.program as KerasProgram;
  });
}

const all = () => [...seedPrograms(), ...testPrograms()];

describe("printProgram → parseProgram round trip", () => {
  test("every seed and test program reads back deep-equal (zh-CN and en comments)", () => {
    const programs = all();
    expect(programs.length).toBeGreaterThanOrEqual(7);
    for (const lang of ["zh-CN", "en"] as const) {
      setLanguage(lang);
      for (const p of programs) expect(parseProgram(printProgram(p), p)).toEqual(p);
    }
  });

  test("the printed MLP is the tfjs a reader would write: the seeded layers, compile and fit as printed", () => {
    const p = testPrograms()[0];
    const text = printProgram(p);
    expect(text).toContain(`model.add(tf.layers.dense({inputShape: [784], units: 4, activation: "tanh", useBias: true, kernelInitializer: tf.initializers.glorotUniform({seed: seed + 0}), biasInitializer: "zeros"})); // 第 13 行`);
    expect(text).toContain(`export const compile = {optimizer: {name: "sgd", learningRate: 0.05, learningRateExplicit: true}, loss: "sparse_categorical_crossentropy", metrics: []} as const; // 第 15 行`);
    expect(text).toContain(`export const fit = {epochs: 3, batchSize: 64, validationSplit: 0.1}; // 第 16 行`);
  });

  test("a reader's edit becomes the program: units, a new layer, epochs, learning rate, optimizer", () => {
    const p = testPrograms()[0];
    const edited = printProgram(p)
      .replace("units: 4,", "units: 256,")
      .replace(/(  model\.add\(tf\.layers\.dense\(\{units: 10)/, `  model.add(new SeededDropout({rate: 0.5, seed: seed + 1}));\n$1`)
      .replace("seed: seed + 1}), biasInitializer", "seed: seed + 2}), biasInitializer")
      .replace(`name: "sgd", learningRate: 0.05`, `name: "adam", learningRate: 0.002`)
      .replace("epochs: 3", "epochs: 9");
    const q = parseProgram(edited, p);
    if (isParseError(q)) throw new Error(`${q.line}: ${q.message}`);
    expect(q.layers.map((l) => l.type)).toEqual(["dense", "dropout", "dense"]);
    expect(q.layers[0]).toMatchObject({units: 256, activation: "tanh"});
    expect(q.layers[1]).toEqual({type: "dropout", rate: 0.5, line: p.line}); // no line comment: the model's line
    expect(q.compile.optimizer).toEqual({name: "adam", learningRate: 0.002, learningRateExplicit: true});
    expect(q.fit.epochs).toBe(9);
    expect(q.inputShape).toEqual(p.inputShape);
  });

  test("anything outside the subset is an error at its line", () => {
    const p = testPrograms()[0];
    const text = printProgram(p);
    const lines = text.split("\n");
    const lineOf = (s: string) => lines.findIndex((l) => l.includes(s)) + 1;
    const err = (edited: string) => {
      const r = parseProgram(edited, p);
      if (!isParseError(r)) throw new Error("expected an error");
      return r;
    };
    const dense0 = lineOf("units: 4,");
    expect(err(text.replace("units: 4,", "units: 4.5,"))).toEqual({line: dense0, message: "dense: units = 4.5 must be an integer ≥ 1"});
    expect(err(text.replace(`activation: "tanh"`, `activation: "leaky"`))).toMatchObject({line: dense0, message: expect.stringMatching(/activation must be one of/)});
    expect(err(text.replace("units: 4,", "units: 4, kernelRegularizer: 'l2',"))).toEqual({line: dense0, message: "dense: kernelRegularizer must be tf.regularizers.l1l2({l1, l2}), l1({l1}) or l2({l2})"});
    expect(err(text.replace("units: 4,", "units: 4, kernelRegularizer: tf.regularizers.l2({l2: 0.01, l3: 1}),"))).toEqual({line: dense0, message: `dense: kernelRegularizer: "l3" is not supported here`});
    expect(err(text.replace("seed: seed + 0}", "seed: seed + 3}"))).toEqual({line: dense0, message: "dense: layer 1 is seeded seed + 0, not seed + 3"});
    expect(err(text.replace("inputShape: [784]", "inputShape: [28, 28, 1]"))).toMatchObject({line: dense0, message: expect.stringMatching(/inputShape: \[784\] \(set by the data\)/)});
    expect(err(text.replace("tf.layers.dense({inputShape", "tf.layers.lstm({inputShape"))).toMatchObject({line: dense0, message: expect.stringMatching(/tf\.layers\.lstm is not a supported layer/)});
    const run = lineOf("yield* train");
    expect(err(text.replace("yield* train(model, data,", "fetch('http://x'); yield* train(model, data,"))).toMatchObject({line: run, message: expect.stringMatching(/only the layers, compile and fit can change/)});
    const fit = lineOf("export const fit");
    expect(err(text.replace("epochs: 3", "epochs: 0"))).toEqual({line: fit, message: "fit: epochs = 0 must be an integer ≥ 1"});
    expect(err(text.replace("validationSplit: 0.1", "validationSplit: 1"))).toEqual({line: fit, message: "fit: validationSplit = 1 must be in [0, 1)"});
    expect(err(text.replace(`name: "sgd"`, `name: "lion"`))).toMatchObject({line: lineOf("export const compile"), message: expect.stringMatching(/compile\.optimizer: name must be one of "adam"/)});
    expect(err(text + "console.log(1);\n")).toEqual({line: lines.length, message: "nothing may follow the run function"});
    expect(err(text.replace(/ {2}model\.add[^\n]*\n/g, ""))).toMatchObject({message: "the model needs at least one model.add(…) layer"});
    // comments and blank lines are free
    expect(parseProgram(text.replace("export const fit", "// a note\n\n/* block\n comment */ export const fit"), p)).toEqual(p);
  });
});

describe("the printed TypeScript compiles against @tensorflow/tfjs and the book's own train.ts", () => {
  test("zero diagnostics for every seed and test program", () => {
    const programs = all();
    expect(printedDiagnostics(programs, "__printed__")).toEqual([]);
    expect(programs.length).toBeGreaterThan(0);
  }, 120_000);
});
