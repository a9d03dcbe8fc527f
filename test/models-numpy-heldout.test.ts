/**
 * NumPy calls a held-out code section used (test/corpus-heldout/code/10): normal with an array of means, repeat;
 * and a regression's printed "final training MSE" read as its training loss (…/08).
 */
import {describe, expect, test} from "vitest";
import {statements} from "../components/models/keras/lines.js";
import {parseClaims} from "../components/models/keras/claims.js";
import {bindImport, newEnv} from "../components/models/numpy/env.js";
import {isND} from "../components/models/numpy/ndarray.js";
import {Script} from "../components/models/numpy/script.js";

function run(code: string) {
  const e = newEnv(0);
  bindImport(e, "numpy", null, "np");
  new Script(e).run(statements(code, 0));
  return e.vars;
}
const arr = (v: unknown) => {
  if (!isND(v)) throw new Error("not an array");
  return {shape: v.shape, data: Array.from(v.data)};
};

describe("NumPy calls of held-out code", () => {
  test("rng.normal(loc=c, scale=1.0, size=(n, 2)) with an array c: n rows around c", () => {
    const v = run(`
rng = np.random.default_rng(0)
c = np.array([10.0, -10.0])
X = rng.normal(loc=c, scale=1.0, size=(400, 2))
m = X.mean(axis=0)
`);
    const X = arr(v.get("X")), m = arr(v.get("m"));
    expect(X.shape).toEqual([400, 2]);
    // the sample means of 400 draws are within 4 standard errors (4 · 1/√400 = 0.2) of the means asked for
    expect(Math.abs(m.data[0] - 10)).toBeLessThan(0.2);
    expect(Math.abs(m.data[1] + 10)).toBeLessThan(0.2);
  });
  test("np.repeat(np.arange(3), 2) and along axis 0", () => {
    const v = run(`
a = np.repeat(np.arange(3), 2)
b = np.repeat(np.array([[1, 2], [3, 4]]), 2, axis=0)
`);
    expect(arr(v.get("a"))).toEqual({shape: [6], data: [0, 0, 1, 1, 2, 2]});
    expect(arr(v.get("b"))).toEqual({shape: [4, 2], data: [1, 2, 1, 2, 3, 4, 3, 4]});
  });
  test("a printed 'final training MSE: 0.00974' is the training loss; 'test MSE: 0.0154' the test loss", () => {
    const c = parseClaims([{text: "print(f'final training MSE: {mse:.5f}')\n# final training MSE: 0.00974\n# test MSE: 0.0154", line: 1, code: true}]);
    expect(c).toEqual(expect.arrayContaining([expect.objectContaining({metric: "loss", split: "train", value: 0.00974}), expect.objectContaining({metric: "loss", split: "test", value: 0.0154})]));
  });
});
