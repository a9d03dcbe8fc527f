/** np.split / np.array_split along the rows, as NumPy 1.24 cuts them (hand-checked: np.split(np.arange(10), [3, 7])). */
import {describe, expect, test} from "vitest";
import {parseClaims} from "../components/models/keras/claims.js";
import {statements} from "../components/models/keras/lines.js";
import {bindImport, newEnv} from "../components/models/numpy/env.js";
import {isND} from "../components/models/numpy/ndarray.js";
import {Script} from "../components/models/numpy/script.js";

function run(code: string) {
  const e = newEnv(0);
  bindImport(e, "numpy", null, "np");
  new Script(e).run(statements(code, 0));
  const rows = (n: string) => {
    const v = e.vars.get(n);
    if (!isND(v)) throw new Error(`${n} is not an array`);
    return {shape: v.shape, data: Array.from(v.data)};
  };
  return rows;
}

describe("np.split", () => {
  test("at cut rows, into equal sections, and unequal ones with array_split; a split that does not divide is refused", () => {
    const r = run("a, b, c = np.split(np.arange(10), [3, 7])\nX = np.arange(12).reshape(6, 2)\np, q, s = np.split(X, 3)\nu, v, w = np.array_split(np.arange(7), 3)");
    expect([r("a").data, r("b").data, r("c").data]).toEqual([[0, 1, 2], [3, 4, 5, 6], [7, 8, 9]]);
    expect([r("p"), r("s")]).toEqual([{shape: [2, 2], data: [0, 1, 2, 3]}, {shape: [2, 2], data: [8, 9, 10, 11]}]);
    expect([r("u").data, r("v").data, r("w").data]).toEqual([[0, 1, 2], [3, 4], [5, 6]]);
    expect(() => run("a, b = np.split(np.arange(5), 2)")).toThrow(/equal division/);
  });
});

describe("printed regression losses in Chinese", () => {
  test("最终训练 MSE: 2.767 is a training loss, 测试集 MSE：0.0043 a test loss", () => {
    const c = parseClaims([{text: "最终训练 MSE: 2.767\n测试集 MSE：0.0043", line: 1, code: false}]);
    expect(c.map((x) => [x.metric, x.split, x.value])).toEqual([["loss", "train", 2.767], ["loss", "test", 0.0043]]);
    // in prose too; a noise variance (方差) is no claim
    const p = parseClaims([{text: "模型的测试集 MSE 约为 0.0043，不到噪声方差 0.0025 的两倍。", line: 1, code: false}]);
    expect(p.map((x) => [x.metric, x.split, x.value])).toEqual([["loss", "test", 0.0043]]);
  });
});
