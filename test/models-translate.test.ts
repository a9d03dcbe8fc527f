import {describe, expect, test} from "vitest";
import type {CodeBlock, KerasProgram, NumpyGdProgram} from "../components/models/keras/program.js";
import {translateChapterCode, translatePython} from "../components/models/keras/translate.js";
import {parseClaims} from "../components/models/keras/claims.js";
import {findLabelledTables} from "../components/models/keras/table.js";
import {evalND, isArray, type NDArray} from "../components/models/keras/ndarray.js";
import {parseExpr} from "../components/models/keras/expr.js";
import {mulberry32} from "../components/math/random.js";
import {loadAll} from "../src/generate.js";
import {translateCodeSection} from "../src/trainingEnricher.js";

// The chapter's code-practice section, translated exactly as the generator does for the page.
const {chapters} = loadAll(process.cwd());

function translateSection(prefix: string) {
  const chapter = chapters.find((c) => c.part.file.startsWith(prefix));
  const section = chapter?.sections.find((s) => s.kind === "code");
  if (!chapter || !section) throw new Error(`no code-practice section in chapter ${prefix}`);
  return translateCodeSection(chapter, section);
}

function keras(prefix: string): {p: KerasProgram; diagnostics: ReturnType<typeof translateSection>["diagnostics"]} {
  const r = translateSection(prefix);
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  expect(r.program?.kind).toBe("keras");
  return {p: r.program as KerasProgram, diagnostics: r.diagnostics};
}

const layerSummary = (p: KerasProgram) =>
  p.layers.map((l) => {
    switch (l.type) {
      case "dense":
        return `dense ${l.units} ${l.activation}`;
      case "conv2d":
        return `conv2d ${l.filters} ${l.kernelSize.join("x")} ${l.activation}`;
      case "maxPooling2d":
        return `maxpool ${l.poolSize.join("x")}`;
      case "dropout":
        return `dropout ${l.rate}`;
      case "flatten":
        return "flatten";
    }
  });

describe("translateChapterCode on the chapters' own code", () => {
  test("000: MLP, x_train never defined → flattened MNIST, training-log claim", () => {
    const {p, diagnostics} = keras("000");
    expect(p.inputShape).toEqual([784]);
    expect(layerSummary(p)).toEqual(["dense 128 relu", "dropout 0.2", "dense 10 softmax"]);
    expect(p.layers.map((l) => l.line)).toEqual([172, 173, 174]);
    expect(p.compile).toEqual({optimizer: {name: "adam", learningRate: 0.001, learningRateExplicit: false},
      loss: "sparse_categorical_crossentropy", metrics: ["accuracy"], line: 178});
    expect(p.fit).toEqual({epochs: 5, batchSize: 32, validationSplit: 0, line: 183});
    expect(p.dataset).toEqual({id: "mnist", inputShape: [784], origin: "undefined-x_train", scale: 1 / 255});
    expect(p.claims).toContainEqual(expect.objectContaining({metric: "accuracy", split: "train", value: 0.896, line: 204}));
    expect(p.claims.filter((c) => c.split === "test")).toEqual([]);
    expect(diagnostics).toContainEqual(expect.objectContaining({line: 183, severity: "warning", message: expect.stringContaining("x_train is never defined")}));
    expect(p.notes.some((n) => n.text.includes("MNIST"))).toBe(true);
  });

  test("001: functions with keyword defaults, read_csv → the chapter's 4-row table, impossible 0.8462 flagged", () => {
    const {p, diagnostics} = keras("001");
    expect(p.inputShape).toEqual([3]);
    expect(layerSummary(p)).toEqual(["dense 10 relu", "dense 1 sigmoid"]);
    expect(p.compile.loss).toBe("binary_crossentropy");
    expect(p.fit).toMatchObject({epochs: 100, batchSize: 32, validationSplit: 0});
    expect(p.evaluate).not.toBeNull();
    expect(p.dataset).toMatchObject({id: "table", rows: [[200, 50, 10], [220, 55, 12], [190, 45, 8], [210, 52, 11]],
      labels: [1, 1, 0, 1], standardize: true, testSize: 0.2, randomState: 42, line: 149});
    expect(p.claims).toContainEqual(expect.objectContaining({metric: "accuracy", split: "test", value: 0.8462, line: 275}));
    const msgs = diagnostics.map((d) => `${d.line}: ${d.message}`);
    expect(msgs).toContainEqual(expect.stringMatching(/^224: read_csv\("data.csv"\)/));
    expect(msgs).toContainEqual(expect.stringMatching(/^197: preprocess_data\(\) returns processed_data/));
    expect(msgs).toContainEqual(expect.stringMatching(/^229: train_test_split is used but never imported/));
    expect(msgs).toContainEqual(expect.stringMatching(/trained 2 times \(fit called from lines 235, 266\)/));
    expect(p.notes.some((n) => n.text.includes("11/13"))).toBe(true);
  });

  test("002: CNN on keras.datasets.mnist, reshape + /255, claim 97.59% from the result block", () => {
    const {p} = keras("002");
    expect(p.inputShape).toEqual([28, 28, 1]);
    expect(layerSummary(p)).toEqual(["conv2d 32 3x3 relu", "maxpool 2x2", "conv2d 64 3x3 relu", "maxpool 2x2",
      "conv2d 64 3x3 relu", "flatten", "dense 64 relu", "dense 10 softmax"]);
    expect(p.layers.map((l) => l.line)).toEqual([149, 150, 151, 152, 153, 154, 155, 156]);
    expect(p.fit).toEqual({epochs: 5, batchSize: 32, validationSplit: 0, line: 173});
    expect(p.dataset).toEqual({id: "mnist", inputShape: [28, 28, 1], origin: "keras.datasets.mnist", scale: 1 / 255});
    expect(p.evaluate).toEqual({line: 194}); // the result block repeats model.evaluate
    const test = p.claims.filter((c) => c.split === "test" && c.metric === "accuracy");
    expect(test.map((c) => c.value)).toEqual([0.9759]);
    expect(p.claims).toContainEqual(expect.objectContaining({metric: "loss", split: "test", value: 0.0911}));
  });

  test("003: model.add CNN on CIFAR-10 → MNIST padded to 32×32×3, validation_split 0.2", () => {
    const {p, diagnostics} = keras("003");
    expect(p.inputShape).toEqual([32, 32, 3]);
    expect(p.layers).toHaveLength(8);
    expect(p.layers.map((l) => l.line)).toEqual([181, 182, 183, 184, 185, 186, 187, 188]);
    expect(p.fit).toEqual({epochs: 10, batchSize: 32, validationSplit: 0.2, line: 196});
    expect(p.dataset).toEqual({id: "mnist", inputShape: [32, 32, 3], origin: "cifar10-substitute", scale: 1 / 255});
    expect(diagnostics).toContainEqual(expect.objectContaining({line: 173, severity: "warning", message: expect.stringContaining("CIFAR-10")}));
    expect(p.notes.some((n) => n.text.includes("CIFAR-10") && n.text.includes("32×32"))).toBe(true);
  });

  test("004: NumPy data + hand-written GD class; loss without **2 flagged", () => {
    const r = translateSection("004");
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const p = r.program as NumpyGdProgram;
    expect(p.kind).toBe("numpy-gd");
    expect(p).toMatchObject({className: "LinearRegressionModel", x: "X", y: "y", learningRate: 0.01, iterations: 1000, gradient: "sum"});
    expect(p.data.map((d) => [d.name, d.line])).toEqual([["X", 182], ["y", 183]]);
    expect(p.loss).toEqual({formula: "0.5 * (predictions - y).sum()", squared: false, line: 170});
    expect(r.diagnostics).toContainEqual(expect.objectContaining({line: 170, severity: "warning"}));
    expect(p.claims).toEqual([]);
  });

  test("the Program is JSON-serialisable (round-trips unchanged)", () => {
    for (const c of ["000", "001", "002", "003", "004"]) {
      const p = translateSection(c).program;
      expect(JSON.parse(JSON.stringify(p))).toEqual(p);
    }
  });
});

describe("translatePython: the supported subset and its diagnostics", () => {
  const at = {file: "x.md", line: 10};

  test("optimizer object with learning_rate, batch_size, validation_split, input_dim", () => {
    const r = translatePython([
      "import tensorflow as tf",
      "model = tf.keras.Sequential()",
      "model.add(tf.keras.layers.Dense(4, input_dim=784, activation='tanh'))",
      "model.add(tf.keras.layers.Dense(10, activation='softmax'))",
      "model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.05), loss='sparse_categorical_crossentropy')",
      "model.fit(x, y, epochs=3, batch_size=64, validation_split=0.1)"
    ].join("\n"), at);
    const p = r.program as KerasProgram;
    expect(p.compile.optimizer).toEqual({name: "sgd", learningRate: 0.05, learningRateExplicit: true});
    expect(p.fit).toEqual({epochs: 3, batchSize: 64, validationSplit: 0.1, line: 16});
    expect(p.inputShape).toEqual([784]);
    expect(p.layers[0]).toMatchObject({type: "dense", units: 4, activation: "tanh", line: 13});
  });

  test("Keras optimiser settings train as written: SGD momentum/nesterov, RMSprop rho, Adam betas and epsilon; others are named", () => {
    const opt = (call: string) => {
      const r = translatePython(["import numpy as np", "from tensorflow import keras", "x = np.ones((8, 2))", "y = x.sum(axis=1)", "model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])",
        `model.compile(optimizer=keras.optimizers.${call}, loss='mse')`, "model.fit(x, y, epochs=2)"].join("\n"), at);
      return {optimizer: (r.program as KerasProgram).compile.optimizer, warnings: r.diagnostics.filter((d) => d.severity === "warning").map((d) => d.message)};
    };
    expect(opt("SGD(learning_rate=0.05, momentum=0.9, nesterov=True)").optimizer).toEqual({name: "sgd", learningRate: 0.05, learningRateExplicit: true, momentum: 0.9, nesterov: true});
    expect(opt("RMSprop(learning_rate=0.001, rho=0.8)").optimizer).toEqual({name: "rmsprop", learningRate: 0.001, learningRateExplicit: true, rho: 0.8});
    expect(opt("Adam(beta_1=0.8, beta_2=0.99, epsilon=1e-8)").optimizer).toEqual({name: "adam", learningRate: 0.001, learningRateExplicit: false, beta1: 0.8, beta2: 0.99, epsilon: 1e-8});
    const clip = opt("Adam(learning_rate=0.01, clipnorm=1.0)");
    expect(clip.optimizer).toEqual({name: "adam", learningRate: 0.01, learningRateExplicit: true});
    expect(clip.warnings).toContainEqual(expect.stringContaining("clipnorm= is ignored"));
  });

  test("y with several real-valued columns (a two-output regression) trains as two targets per sample", () => {
    const r = translatePython(["import numpy as np", "from tensorflow import keras", "x = np.ones((8, 2))", "y = np.column_stack([x.sum(axis=1), 0.5 * x[:, 0]])",
      "model = keras.Sequential([keras.layers.Dense(2, input_shape=(2,))])", "model.compile(optimizer='adam', loss='mse')", "model.fit(x, y, epochs=2)"].join("\n"), at);
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const ds = (r.program as KerasProgram).dataset;
    expect(ds).toMatchObject({id: "arrays", train: {n: 8, yWidth: 2}});
    expect(ds.id === "arrays" && ds.train.y?.slice(0, 2)).toEqual([2, 0.5]);
  });

  test("a loop that only prints (for e in (0, 9): print(history.history['loss'][e])) is a report: no error, the model trains", () => {
    const r = translatePython(["import numpy as np", "from tensorflow import keras", "x = np.ones((8, 2))", "y = x.sum(axis=1)",
      "model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])", "model.compile(optimizer='adam', loss='mse')",
      "history = model.fit(x, y, epochs=10)", "for e in (0, 9):", "    print(e, history.history['loss'][e])", "while False:", "    print(1)"].join("\n"), at);
    expect(r.program).toBeDefined();
    expect(r.diagnostics.filter((d) => d.severity === "error").map((d) => [d.line, d.message])).toEqual([[20, expect.stringContaining('"while" blocks are not supported')]]);
  });

  test("unsupported layer and activation: errors on their file lines, no program", () => {
    const r = translatePython([
      "from tensorflow import keras",
      "model = keras.Sequential([",
      "    keras.layers.LSTM(32, input_shape=(10, 4)),",
      "    keras.layers.Dense(10, activation='mish_x'),",
      "])",
      "model.compile(optimizer='adam', loss='mse')",
      "model.fit(a, b)"
    ].join("\n"), at);
    expect(r.program).toBeUndefined();
    expect(r.diagnostics).toContainEqual(expect.objectContaining({line: 13, severity: "error", message: expect.stringContaining("layer LSTM is not supported")}));
    expect(r.diagnostics).toContainEqual(expect.objectContaining({line: 14, severity: "error", message: expect.stringContaining("activation mish_x is not supported")}));
  });

  test("syntax errors, loops and unknown optimizers are named with their lines", () => {
    const r = translatePython([
      "import tensorflow as tf",
      "m = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])",
      "for i in range(3):",
      "    pass",
      "m.compile(optimizer='lbfgs', loss='mse')",
      "m.fit(q, r, epochs=0)",
      "x = 1 +"
    ].join("\n"), at);
    const byLine = Object.fromEntries(r.diagnostics.map((d) => [d.line, d.message]));
    expect(byLine[13]).toMatch(/"for" blocks are not supported/);
    expect(byLine[15]).toMatch(/optimizer "lbfgs" is not supported/);
    expect(byLine[16]).toMatch(/epochs must be a positive integer, got 0/);
    expect(byLine[17]).toMatch(/syntax error: unexpected end of line in: x = 1 \+/);
    expect(r.program).toBeUndefined();
  });

  test("no model at all is an error, not a crash", () => {
    const r = translatePython("print('hello')", at);
    expect(r.program).toBeUndefined();
    expect(r.diagnostics).toEqual([{line: 10, severity: "error", message: "no Keras model or gradient-descent class to train was found"}]);
  });

  test("a model that is never fit is reported at its definition", () => {
    const r = translatePython("import keras\nm = keras.Sequential([keras.layers.Dense(1, input_shape=(3,))])", at);
    expect(r.diagnostics).toEqual([{line: 12, severity: "error", message: "the model is never trained (no model.fit call)"}]);
  });
});

describe("pieces", () => {
  test("parseClaims: last epoch of a log is a training figure; prose percentages; code only via comments", () => {
    const claims = parseClaims([
      {text: "Epoch 1/2\n10/10 - loss: 0.9 - accuracy: 0.5\nEpoch 2/2\n10/10 - loss: 0.4 - accuracy: 0.75", line: 1},
      {text: "模型在测试集上的准确率为 97.59%。", line: 10},
      {text: "print(f'Test accuracy: {acc:.4f}')\n# loss: 0.1 - accuracy: 0.9", line: 20, code: true}
    ]);
    expect(claims).toEqual([
      {metric: "loss", split: "train", value: 0.4, text: "10/10 - loss: 0.4 - accuracy: 0.75", line: 4},
      {metric: "accuracy", split: "train", value: 0.75, text: "10/10 - loss: 0.4 - accuracy: 0.75", line: 4},
      {metric: "accuracy", split: "test", value: 0.9759, text: "测试集上的准确率为 97.59%", line: 10},
      {metric: "loss", split: "test", value: 0.1, text: "loss: 0.1 - accuracy: 0.9", line: 21},
      {metric: "accuracy", split: "test", value: 0.9, text: "loss: 0.1 - accuracy: 0.9", line: 21}
    ]);
  });

  test("findLabelledTables skips the index column and needs numeric cells", () => {
    const t = findLabelledTables("x\n\n| 样本索引 | a | b | 标签 |\n|--|--|--|--|\n| 1 | 2 | 3 | 0 |\n| 2 | 4 | 5.5 | 1 |\n\n| k | 标签 |\n|-|-|\n| x | 1 |\n");
    expect(t).toEqual([{columns: ["a", "b"], rows: [[2, 3], [4, 5.5]], labels: [0, 1], line: 3}]);
  });

  test("evalND: 004's data generation with a seeded generator", () => {
    const rng = mulberry32(7);
    const env = {vars: new Map(), numpy: new Set(["np"]), rng};
    const X = evalND(parseExpr("np.random.rand(3, 1)"), env) as NDArray;
    env.vars.set("X", X);
    const check = mulberry32(7);
    expect(Array.from(X.data)).toEqual([check(), check(), check()]);
    const y = evalND(parseExpr("2 * X[:, 0] + 0.5"), env) as NDArray;
    expect(isArray(y) && y.shape).toEqual([3]);
    env.vars.set("y", y);
    expect(Array.from(y.data)).toEqual(Array.from(X.data).map((x) => 2 * x + 0.5));
    const g = evalND(parseExpr("X.T @ (X @ np.ones(1) - y)"), env) as NDArray;
    const xs = Array.from(X.data);
    expect(g.data[0]).toBeCloseTo(xs.reduce((s, x) => s + x * (x - (2 * x + 0.5)), 0), 12);
    expect(() => evalND(parseExpr("np.linalg.inv(X)"), env)).toThrow(/np.linalg.inv is not supported/);
    expect(() => evalND(parseExpr("X + np.ones(2)"), env)).toThrow(/shapes \(3,1\) and \(2\) do not match/);
  });
});





describe("scanCode / stripComment (Python lines)", () => {
  test("comments are cut outside strings only, brackets counted outside strings", async () => {
    const {scanCode, stripComment} = await import("../components/models/keras/lines.js");
    expect(stripComment(`print("# not a comment", 'x#y')  # a comment`)).toBe(`print("# not a comment", 'x#y')  `);
    expect(stripComment(`s = "a\\"#b"`)).toBe(`s = "a\\"#b"`);
    let depthAtEquals = -1;
    scanCode(`f(a=1, b="(")[0] = 2`, (c, _i, depth) => {
      if (c === "=" && depthAtEquals < 0 && depth === 0) depthAtEquals = depth;
    });
    expect(depthAtEquals).toBe(0);
    expect(scanCode(`f(a=1) = 2`, (c, _i, depth) => c === "=" && depth === 0)).toBe(7);
  });
});

describe("proseOf (the prose the generator gives the translator)", () => {
  test("002: code blocks are blanked, the claimed 97.59% stays", async () => {
    const {proseOf} = await import("../src/trainingEnricher.js");
    const c = chapters.find((x) => x.part.file.startsWith("002"))!;
    const s = c.sections.find((x) => x.kind === "code")!;
    const prose = proseOf(s);
    expect(prose.split("\n").length).toBe(s.source.split("\n").length);
    expect(prose).toContain("97.59%");
    expect(prose).not.toContain("Conv2D(32");
    expect(prose).not.toContain("```");
    expect(prose).toContain("### 代码解读与分析");
  });
});
