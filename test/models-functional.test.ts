/**
 * Keras functional models with branches: a merge of tensors from one keras.Input (wide & deep Concatenate, a
 * residual Add whose other branch is the input itself, nested merges), and a merge of several keras.Inputs laid side
 * by side (fit/evaluate/validation_data on lists of arrays). The page builds them as one Branches layer over
 * tf.sequential branches; its outputs and one SGD step are checked against tfjs' own functional model with the same
 * weights (tf.layers.concatenate / add), the printed program reads back to the same layers, and the parser names
 * an edit it cannot follow at its line.
 */
import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, test} from "vitest";
import {buildModel, countParams} from "../components/models/build.js";
import type {KerasProgram, LayerSpec} from "../components/models/keras/program.js";
import {translatePython} from "../components/models/keras/translate.js";
import {flatLayers, layerShapes, printProgram} from "../components/models/printProgram.js";
import {isParseError, parseProgram} from "../components/models/parseProgram.js";
import {regenerateArrays, runImport} from "../components/models/numpy/recipe.js";
import {newEnv} from "../components/models/numpy/env.js";
import {Script} from "../components/models/numpy/script.js";
import type {NDArray} from "../components/models/numpy/ndarray.js";
import {statements} from "../components/models/keras/lines.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const HEAD = ["import numpy as np", "from tensorflow import keras", "from tensorflow.keras import layers", "rng = np.random.default_rng(3)"];
const translate = (lines: string[]) => translatePython([...HEAD, ...lines].join("\n"), {file: "f.md", line: 1});
const errors = (r: ReturnType<typeof translate>) => r.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.line}: ${d.message}`);
const dense = (units: number, activation: "relu" | "tanh" | "linear" | "sigmoid" = "relu"): LayerSpec => ({type: "dense", units, activation, useBias: true, line: 1});

const WIDE_DEEP = [
  "X = rng.normal(size=(200, 6)).astype('float32')", "y = (X[:, 0] * X[:, 1] > 0).astype('float32')",
  "inputs = keras.Input(shape=(6,))",
  "wide = layers.Dense(16, activation='tanh')(inputs)",
  "deep = layers.Dense(32, activation='relu')(inputs)",
  "deep = layers.Dense(32, activation='relu')(deep)",
  "merged = layers.Concatenate()([wide, deep])",
  "outputs = layers.Dense(1, activation='sigmoid')(merged)",
  "model = keras.Model(inputs=inputs, outputs=outputs)",
  "model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])",
  "model.fit(X[:160], y[:160], epochs=2, batch_size=32)",
  "model.evaluate(X[160:], y[160:])"
];

describe("the interpreter reads functional graphs", () => {
  test("wide & deep: one Branches layer (1 and 2 layers) then the head; 1441 parameters as Keras counts them", () => {
    const r = translate(WIDE_DEEP);
    expect(errors(r)).toEqual([]);
    const p = r.program as KerasProgram;
    expect(p.inputShape).toEqual([6]);
    expect(p.layers.map((l) => l.type)).toEqual(["branches", "dense"]);
    const b = p.layers[0] as Extract<LayerSpec, {type: "branches"}>;
    expect(b.merge).toBe("concatenate");
    expect(b.branches.map((x) => x.map((l) => (l.type === "dense" ? `${l.units}${l.activation}` : l.type)))).toEqual([["16tanh"], ["32relu", "32relu"]]);
    expect(layerShapes(p.layers, p.inputShape)).toEqual([[48], [1]]);
    // (6·16 + 16) + (6·32 + 32) + (32·32 + 32) + (48·1 + 1)
    const m = buildModel(p, {seed: 1});
    expect(countParams(m)).toBe(112 + 224 + 1056 + 49);
    m.dispose();
  });

  test("a residual Add whose other branch is the input itself, and a merge inside a branch", () => {
    const r = translate([
      "X = rng.normal(size=(100, 4)).astype('float32')", "y = X.sum(axis=1)",
      "inp = keras.Input(shape=(4,))",
      "x = layers.Dense(8, activation='relu')(inp)",
      "h = layers.Dense(8, activation='relu')(x)",
      "g = layers.Dense(8)(x)",
      "a = layers.add([h, g])",
      "x2 = layers.Add()([x, a])",
      "out = layers.Dense(1)(x2)",
      "model = keras.Model(inp, out)",
      "model.compile(optimizer='sgd', loss='mse')", "model.fit(X, y, epochs=1)"
    ]);
    expect(errors(r)).toEqual([]);
    const p = r.program as KerasProgram;
    expect(p.layers.map((l) => l.type)).toEqual(["dense", "branches", "dense"]);
    const outer = p.layers[1] as Extract<LayerSpec, {type: "branches"}>;
    expect(outer.branches[0]).toEqual([]);
    expect(outer.branches[1].map((l) => l.type)).toEqual(["branches"]);
    const inner = outer.branches[1][0] as Extract<LayerSpec, {type: "branches"}>;
    expect(inner.branches.map((b) => b.length)).toEqual([1, 1]);
    // every layer once, branches' layers before their Branches: the seeds' order
    expect(flatLayers(p.layers).map((l) => l.type)).toEqual(["dense", "dense", "dense", "branches", "branches", "dense"]);
    const text = printProgram(p);
    expect(text).toContain("branches: [null, branch1]");
    expect(text).toContain("branch1.add(new Branches({inputShape: [8], merge: \"add\", branches: [branch2, branch3]}));");
    const back = parseProgram(text, p);
    expect(isParseError(back) ? back : back.layers).toEqual(p.layers);
  });

  test("two keras.Inputs: their arrays joined side by side for fit, validation_data and evaluate; columns per branch", () => {
    const r = translate([
      "a = rng.normal(size=(300, 2)).astype('float32')", "b = rng.normal(size=(300, 3)).astype('float32')",
      "y = (a[:, 0] + b[:, 1] > 0).astype('int64')",
      "a_tr, a_va, a_te = a[:200], a[200:250], a[250:]", "b_tr, b_va, b_te = b[:200], b[200:250], b[250:]", "y_tr, y_va, y_te = y[:200], y[200:250], y[250:]",
      "pa = keras.Input(shape=(2,), name='pos')", "pb = keras.Input(shape=(3,), name='sen')",
      "m = layers.Concatenate(axis=-1)([layers.Dense(4, activation='relu')(pb), layers.Dense(4, activation='relu')(pa)])",
      "out = layers.Dense(2, activation='softmax')(m)",
      "model = keras.Model(inputs=[pa, pb], outputs=out)",
      "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])",
      "model.fit([a_tr, b_tr], y_tr, validation_data=([a_va, b_va], y_va), epochs=2)",
      "model.evaluate([a_te, b_te], y_te)"
    ]);
    expect(errors(r)).toEqual([]);
    const p = r.program as KerasProgram;
    expect(p.inputShape).toEqual([5]);
    const b = p.layers[0] as Extract<LayerSpec, {type: "branches"}>;
    // the first branch reads `pb`, the model's second input: columns 2..5 of [a | b]
    expect(b.columns).toEqual([[2, 5], [0, 2]]);
    const ds = p.dataset as Extract<KerasProgram["dataset"], {id: "arrays"}>;
    expect([ds.train.n, ds.val?.n, ds.test?.n]).toEqual([200, 50, 50]);
    expect(ds.train.x?.length).toBe(200 * 5);
    const back = parseProgram(printProgram(p), p);
    expect(isParseError(back) ? back : back.layers).toEqual(p.layers);
  });

  test("many rows: the page recomputes the joined arrays from the code's statements (the join is one of them)", () => {
    const r = translate([
      "a = rng.normal(size=(6000, 2)).astype('float32')", "b = rng.normal(size=(6000, 3)).astype('float32')", "y = (a[:, 0] > b[:, 2]).astype('int64')",
      "pa = keras.Input(shape=(2,))", "pb = keras.Input(shape=(3,))",
      "out = layers.Dense(2, activation='softmax')(layers.concatenate([layers.Dense(4)(pa), layers.Dense(4)(pb)]))",
      "model = keras.Model([pa, pb], out)", "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')",
      "model.fit([a, b], y, epochs=1)"
    ]);
    expect(errors(r)).toEqual([]);
    const ds = (r.program as KerasProgram).dataset as Extract<KerasProgram["dataset"], {id: "arrays"}>;
    expect(ds.recipe?.statements.at(-1)?.text).toBe("a_b = np.concatenate([a, b], axis=1)");
    const data = regenerateArrays(ds.recipe!);
    expect(data.train.n).toBe(6000);
    // row 7 is a[7] then b[7], as the code's own arrays
    const env = newEnv(ds.recipe!.seed);
    const script = new Script(env);
    for (const st of ds.recipe!.statements.slice(0, -1)) if (!runImport(env, st.text)) script.run(statements(st.text, st.line - 1));
    const row = (name: string, w: number) => Array.from((env.vars.get(name) as NDArray).data.slice(7 * w, 8 * w));
    expect(data.train.x!.slice(7 * 5, 8 * 5)).toEqual([...row("a", 2), ...row("b", 3)].map((v) => expect.closeTo(v, 5)));
  });

  test("what cannot be followed is named at its line", () => {
    const base = ["X = rng.normal(size=(50, 4)).astype('float32')", "inp = keras.Input(shape=(4,))"];
    const shared = translate([...base, "d = layers.Dense(3)", "u = layers.Dense(3)(inp)", "m = layers.add([d(inp), d(u)])", "model = keras.Model(inp, m)"]);
    expect(errors(shared).join()).toMatch(/applied in two branches \(shared weights\)/);
    const twoOut = translate([...base, "h = layers.Dense(3)(inp)", "model = keras.Model(inp, [layers.Dense(1)(h), layers.Dense(2)(h)])"]);
    expect(errors(twoOut).join()).toMatch(/2 outputs; models with several outputs are not supported/);
    const badAdd = translate([...base, "m = layers.Add()([layers.Dense(3)(inp), layers.Dense(2)(inp)])", "model = keras.Model(inp, m)"]);
    expect(errors(badAdd).join()).toMatch(/add: the inputs' shapes differ \(\(3\), \(2\)\)/);
    const axis0 = translate([...base, "m = layers.Concatenate(axis=0)([layers.Dense(3)(inp), layers.Dense(2)(inp)])"]);
    expect(errors(axis0).join()).toMatch(/Concatenate\(axis=0\): only the last axis/);
  });
});

/** The same network in tfjs' own functional API; its dense layers (`built`, in our weights' order) get our weights. */
function reference(ours: tf.LayersModel, build: (x: tf.SymbolicTensor, built: tf.layers.Layer[]) => tf.SymbolicTensor, inputWidth: number): {ref: tf.LayersModel; built: tf.layers.Layer[]} {
  const x = tf.input({shape: [inputWidth]});
  const built: tf.layers.Layer[] = [];
  const ref = tf.model({inputs: x, outputs: build(x, built)});
  const w = ours.getWeights();
  built.forEach((l, i) => l.setWeights([w[2 * i], w[2 * i + 1]]));
  return {ref, built};
}

describe("Branches trains as tfjs' functional model does", () => {
  const program = (): Pick<KerasProgram, "layers" | "inputShape"> => ({inputShape: [3], layers: [
    {type: "branches", merge: "concatenate", branches: [[dense(2, "tanh")], [dense(4), dense(3)]], line: 1}, dense(1, "linear")]});
  const functional = (x: tf.SymbolicTensor, built: tf.layers.Layer[]) => {
    const d = (units: number, activation?: "tanh" | "relu") => {
      const l = tf.layers.dense({units, ...(activation ? {activation} : {})});
      built.push(l);
      return l;
    };
    const wide = d(2, "tanh").apply(x) as tf.SymbolicTensor;
    const deep1 = d(4, "relu").apply(x) as tf.SymbolicTensor;
    const deep = d(3, "relu").apply(deep1) as tf.SymbolicTensor;
    return d(1).apply(tf.layers.concatenate().apply([wide, deep])) as tf.SymbolicTensor;
  };
  const X = tf.tensor2d([[0.5, -1, 2], [1.5, 0.25, -0.75], [-2, 1, 0.5], [0.1, 0.2, 0.3]]);
  const Y = tf.tensor2d([[1], [-1], [0.5], [2]]);

  test("the same outputs and, after one SGD step on the MSE, the same weights", () => {
    const ours = buildModel(program(), {seed: 5});
    const {ref, built} = reference(ours, functional, 3);
    expect(Array.from((ours.predict(X) as tf.Tensor).dataSync())).toEqual(Array.from((ref.predict(X) as tf.Tensor).dataSync()).map((v) => expect.closeTo(v, 6)));
    const before = ours.getWeights().flatMap((w) => Array.from(w.dataSync()));
    for (const m of [ours, ref]) {
      const opt = tf.train.sgd(0.1);
      opt.minimize(() => tf.losses.meanSquaredError(Y, m.apply(X, {training: true}) as tf.Tensor) as tf.Scalar, false, m.trainableWeights.map((w) => w.read() as tf.Variable));
    }
    const a = ours.getWeights().flatMap((w) => Array.from(w.dataSync()));
    const b = built.flatMap((l) => l.getWeights().flatMap((w) => Array.from(w.dataSync())));
    expect(a.length).toBe(b.length);
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 6));
    expect(a.filter((v, i) => Math.abs(v - before[i]) > 1e-4).length).toBeGreaterThan(10);
    ours.dispose();
    ref.dispose();
  });

  test("columns: two inputs side by side, added after their own Dense", () => {
    const ours = buildModel({inputShape: [5], layers: [{type: "branches", merge: "add", columns: [[0, 2], [2, 5]], branches: [[dense(3, "linear")], [dense(3, "linear")]], line: 1}]}, {seed: 2});
    const [k1, b1, k2, b2] = ours.getWeights().map((w) => w.arraySync() as number[][] | number[]);
    const row = [1, -2, 0.5, 3, -1];
    const got = Array.from((ours.predict(tf.tensor2d([row])) as tf.Tensor).dataSync());
    // out_j = Σ_i row[i]·k1[i][j] + b1[j] + Σ_i row[2 + i]·k2[i][j] + b2[j]
    const want = [0, 1, 2].map((j) => [0, 1].reduce((s, i) => s + row[i] * (k1 as number[][])[i][j], 0) + (b1 as number[])[j] +
      [0, 1, 2].reduce((s, i) => s + row[2 + i] * (k2 as number[][])[i][j], 0) + (b2 as number[])[j]);
    got.forEach((v, j) => expect(v).toBeCloseTo(want[j], 5));
    ours.dispose();
  });
});

describe("the printed program", () => {
  const p = () => translate(WIDE_DEEP).program as KerasProgram;

  test("reads back to the same layers; a reader's edit of a branch's units is followed", () => {
    const prog = p();
    const text = printProgram(prog);
    expect(text).toContain(`import {Branches, SeededDropout} from "../components/models/build.js";`);
    expect(text).toContain("model.add(new Branches({inputShape: [6], merge: \"concatenate\", branches: [branch1, branch2]}));");
    const back = parseProgram(text, prog);
    expect(isParseError(back) ? back : back.layers).toEqual(prog.layers);
    const edited = parseProgram(text.replace("units: 16,", "units: 12,"), prog);
    if (isParseError(edited)) throw new Error(edited.message);
    const b = edited.layers[0] as Extract<LayerSpec, {type: "branches"}>;
    expect(b.branches[0][0]).toMatchObject({units: 12});
  });

  test("edits it cannot follow are named at their line", () => {
    const text = printProgram(p());
    const lines = text.split("\n");
    const at = (s: string) => lines.findIndex((l) => l.includes(s)) + 1;
    const err = (t: string) => {
      const r = parseProgram(t, p());
      return isParseError(r) ? `${r.line}: ${r.message}` : "parsed";
    };
    expect(err(text.replace("branches: [branch1, branch2]", "branches: [branch1]"))).toBe(`${at("new Branches")}: Branches: branches must be a list of two or more branches (the names of tf.sequential() models, or null for the input itself)`);
    expect(err(text.replace("branches: [branch1, branch2]", "branches: [branch1, branch1]"))).toMatch(new RegExp(`^${at("new Branches")}: Branches: branch1 is already a branch`));
    expect(err(text.replace("branch1.add(tf.layers.dense({inputShape: [6]", "branch1.add(tf.layers.dense({inputShape: [5]"))).toBe(`${at("new Branches")}: Branches: the first layer of branch1 needs inputShape: [6]`);
    expect(err(text.replace("branches: [branch1, branch2]", "branches: [branch2, branch1]"))).toMatch(/build each branch right before the Branches layer that uses it/);
    expect(err(text.replace("merge: \"concatenate\"", "merge: \"add\""))).toMatch(/add: the inputs' shapes differ \(\(16\), \(32\)\)/);
    expect(err(text.replace("  model.add(new Branches", "  const branch3 = tf.sequential();\n  model.add(new Branches"))).toMatch(/branch3 is never used by a Branches layer/);
  });
});
