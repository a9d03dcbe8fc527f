/**
 * Keras models trained by a loop of the code's own around tf.GradientTape: each loop is read as the compile + fit it
 * amounts to, so its program must equal (but for line numbers and the page's note) the program of the same model
 * trained by model.compile(…) + model.fit(…) written out. Loops in the habits authors use: a @tf.function step called
 * inside an expression, tf.data batches, a permutation sliced by hand, full batches, a hand-written MSE, a
 * functional loss under tf.reduce_mean, clipping by the global norm, SGD written with assign_sub, a validation loss in
 * the epoch loop; and a tape step no loop calls, named at its line.
 */
import {describe, expect, test} from "vitest";
import type {KerasProgram} from "../components/models/keras/program.js";
import {translatePython} from "../components/models/keras/translate.js";

const head = (lossLine: string, optLine: string, last = "keras.layers.Dense(3)") => [
  "import numpy as np", "import tensorflow as tf", "from tensorflow import keras",
  "rng = np.random.default_rng(4)",
  "X = rng.normal(size=(500, 2)).astype('float32')",
  "y = (X[:, 0] > 0).astype('int64') + (X[:, 1] > 0.5).astype('int64')",
  "X_train, y_train = X[:400], y[:400]", "X_test, y_test = X[400:], y[400:]",
  `model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(16, activation="relu"), ${last}])`,
  optLine, lossLine];

/** The program of `code`, with no errors. */
function program(code: string[]): KerasProgram {
  const r = translatePython(code.join("\n"), {file: "t.md", line: 1});
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return r.program as KerasProgram;
}

/** What trains: the layers, the optimiser and loss, the epochs, batches and shuffling, the data (no line numbers). */
function training(p: KerasProgram) {
  const strip = (o: object) => JSON.parse(JSON.stringify(o, (k, v) => (k === "line" ? undefined : v)));
  const {metrics: _m, ...compile} = strip(p.compile);
  return {layers: strip(p.layers), compile, fit: strip({...p.fit, shuffle: p.fit.shuffle ?? true}), dataset: strip(p.dataset)};
}

const fitVersion = (loss: string, opt: string, fit: string, last?: string) =>
  program([...head(`loss_fn = ${loss}`, `optimizer = ${opt}`, last), "model.compile(optimizer=optimizer, loss=loss_fn)", fit,
    "results = model.evaluate(X_test, y_test)"]);

describe("a tf.GradientTape loop trains as the compile + fit it amounts to", () => {
  const sparse = "keras.losses.SparseCategoricalCrossentropy(from_logits=True)";

  test("a @tf.function step called inside an expression, batches of a fresh permutation: Adam 0.01, 7 epochs of 32, shuffled", () => {
    const tape = program([...head(`loss_fn = ${sparse}`, "optimizer = keras.optimizers.Adam(learning_rate=0.01)"),
      "@tf.function", "def train_step(xb, yb):", "    with tf.GradientTape() as tape:", "        logits = model(xb, training=True)",
      "        loss = loss_fn(yb, logits)", "    grads = tape.gradient(loss, model.trainable_variables)",
      "    optimizer.apply_gradients(zip(grads, model.trainable_variables))", "    return loss",
      "for epoch in range(7):", "    order = rng.permutation(len(X_train))", "    total = 0.0",
      "    for start in range(0, len(X_train), 32):", "        idx = order[start:start + 32]",
      "        total += float(train_step(X_train[idx], y_train[idx])) * len(idx)", "    print(epoch, total / len(X_train))",
      "pred = model(X_test, training=False)", "acc = float(np.mean(np.argmax(pred, axis=1) == y_test))", "print(acc)"]);
    const fit = fitVersion(sparse, "keras.optimizers.Adam(learning_rate=0.01)", "model.fit(X_train, y_train, epochs=7, batch_size=32, shuffle=True)");
    expect(training(tape)).toEqual(training(fit));
    expect([tape.compile.optimizer.name, tape.compile.optimizer.learningRate, tape.compile.loss, tape.compile.fromLogits, tape.fit.epochs, tape.fit.batchSize])
      .toEqual(["adam", 0.01, "sparse_categorical_crossentropy", true, 7, 32]);
    expect(tape.compile.metrics).toEqual(["accuracy"]);
    // the test set is what the model predicts after training, with the labels named like the training pair
    expect((tape.dataset as {test?: {n: number}}).test?.n).toBe(100);
    expect(tape.notes.some((n) => /tf\.GradientTape/.test(n.text) && /adam/.test(n.text) && /32/.test(n.text))).toBe(true);
  });

  test("a tf.data pipeline in the loop, the tape inline, loss_fn(y_true, y_pred) + sum(model.losses): as fit(ds)", () => {
    const tape = program([...head(`loss_fn = ${sparse}`, "optimizer = keras.optimizers.RMSprop(learning_rate=0.003)"),
      "ds = tf.data.Dataset.from_tensor_slices((X_train, y_train)).shuffle(400).batch(50)",
      "for epoch in range(4):", "    for step, (xb, yb) in enumerate(ds):", "        with tf.GradientTape() as tape:",
      "            out = model(xb, training=True)", "            loss_value = loss_fn(yb, out) + sum(model.losses)",
      "        grads = tape.gradient(loss_value, model.trainable_weights)", "        optimizer.apply_gradients(zip(grads, model.trainable_weights))",
      "results = model.evaluate(X_test, y_test)"]);
    const fit = fitVersion(sparse, "keras.optimizers.RMSprop(learning_rate=0.003)", "ds = tf.data.Dataset.from_tensor_slices((X_train, y_train)).shuffle(400).batch(50)\nmodel.fit(ds, epochs=4)");
    expect(training(tape)).toEqual(training(fit));
    expect([tape.fit.batchSize, tape.fit.epochs, tape.compile.optimizer.name]).toEqual([50, 4, "rmsprop"]);
  });

  test("full batches, a mean squared error written with tf.reduce_mean(tf.square(…)), clipped by the global norm 1.5", () => {
    const tape = program([...head("", "optimizer = keras.optimizers.SGD(learning_rate=0.1)", "keras.layers.Dense(1)"),
      "yr = y_train.astype('float32').reshape(-1, 1)",
      "for epoch in range(30):", "    with tf.GradientTape() as tape:", "        pred = model(X_train)",
      "        loss = tf.reduce_mean(tf.square(pred - yr))", "    grads = tape.gradient(loss, model.trainable_variables)",
      "    grads, _ = tf.clip_by_global_norm(grads, 1.5)", "    optimizer.apply_gradients(zip(grads, model.trainable_variables))"]);
    expect([tape.compile.loss, tape.compile.optimizer.name, tape.compile.optimizer.clipNorm, tape.fit.batchSize, tape.fit.epochs, tape.fit.shuffle])
      .toEqual(["mean_squared_error", "sgd", 1.5, 400, 30, false]);
  });

  test("tape.gradient called inside the tape's block reads the same", () => {
    const tape = program([...head("loss_fn = keras.losses.MeanSquaredError()", "optimizer = keras.optimizers.Adam(0.02)", "keras.layers.Dense(1)"),
      "yr = y_train.astype('float32').reshape(-1, 1)",
      "for epoch in range(5):", "    with tf.GradientTape() as g:", "        out = model(X_train)", "        loss = loss_fn(yr, out)",
      "        grads = g.gradient(loss, model.trainable_variables)", "    optimizer.apply_gradients(zip(grads, model.trainable_variables))"]);
    expect([tape.compile.loss, tape.compile.optimizer.name, tape.fit.epochs, tape.fit.batchSize]).toEqual(["mean_squared_error", "adam", 5, 400]);
  });

  test("a functional loss under tf.reduce_mean and SGD written with assign_sub: binary cross-entropy, SGD at 0.2", () => {
    const tape = program([...head("", "lr = 0.2", 'keras.layers.Dense(1, activation="sigmoid")'),
      "yb01 = (y_train > 0).astype('float32').reshape(-1, 1)",
      "for epoch in range(12):", "    for i in range(0, 400, 40):", "        xb, yb = X_train[i:i + 40], yb01[i:i + 40]",
      "        with tf.GradientTape() as tape:", "            p = model(xb)", "            loss = tf.reduce_mean(keras.losses.binary_crossentropy(yb, p))",
      "        grads = tape.gradient(loss, model.trainable_variables)",
      "        for v, g in zip(model.trainable_variables, grads):", "            v.assign_sub(lr * g)"]);
    expect([tape.compile.loss, tape.compile.optimizer.name, tape.compile.optimizer.learningRate, tape.fit.batchSize, tape.fit.shuffle, tape.fit.epochs])
      .toEqual(["binary_crossentropy", "sgd", 0.2, 40, false, 12]);
  });

  test("a validation loss computed in the epoch loop (outside the tape) is not read as the training step", () => {
    const tape = program([...head("loss_fn = keras.losses.MeanSquaredError()", "optimizer = keras.optimizers.Adam(0.005)", "keras.layers.Dense(1)"),
      "yr = y.astype('float32').reshape(-1, 1)", "y_tr, y_val = yr[:300], yr[300:400]", "X_tr, X_val = X[:300], X[300:400]",
      "for epoch in range(6):", "    for s in range(0, 300, 60):", "        with tf.GradientTape() as tape:",
      "            loss = loss_fn(y_tr[s:s + 60], model(X_tr[s:s + 60], training=True))",
      "        grads = tape.gradient(loss, model.trainable_variables)", "        optimizer.apply_gradients(zip(grads, model.trainable_variables))",
      "    val_loss = loss_fn(y_val, model(X_val, training=False))", "    print(epoch, float(val_loss))"]);
    expect([tape.compile.loss, tape.fit.batchSize, tape.fit.epochs]).toEqual(["mean_squared_error", 60, 6]);
    // trained on the 300 rows of X_tr (2 numbers each), not on the validation rows
    expect((tape.dataset as {train: {x: number[]}}).train.x.length).toBe(600);
  });

  test("a tape step no loop calls is named at the tape's line, and nothing trains", () => {
    const r = translatePython([...head(`loss_fn = ${sparse}`, "optimizer = keras.optimizers.Adam()"),
      "def train_step(xb, yb):", "    with tf.GradientTape() as tape:", "        loss = loss_fn(yb, model(xb))",
      "    grads = tape.gradient(loss, model.trainable_variables)", "    optimizer.apply_gradients(zip(grads, model.trainable_variables))"].join("\n"), {file: "t.md", line: 1});
    expect(r.program).toBeUndefined();
    const e = r.diagnostics.find((d) => d.severity === "error");
    expect(e?.line).toBe(14); // the `with tf.GradientTape()` line: head is 11 lines, def on 13 (line = 1 + index)
    expect(e?.message).toMatch(/train_step\(\) records a tf\.GradientTape/);
  });
});
