/**
 * numpy/mt19937.ts: np.random's legacy stream bit for bit. The expected numbers are NumPy 1.24's own output
 * (/usr/bin/python3, printed with repr): np.random.seed(0); rand(3) and randn(5); seed(7): randint, permutation,
 * normal, uniform in one stream; RandomState(123): rand and both kinds of choice; the largest seed. And NumPy's
 * in-place augmented assignment: p -= lr * v through an alias updates the array every holder sees.
 */
import {describe, expect, test} from "vitest";
import {statements} from "../components/models/keras/lines.js";
import {bindImport, newEnv} from "../components/models/numpy/env.js";
import {isND} from "../components/models/numpy/ndarray.js";
import {Script} from "../components/models/numpy/script.js";
import type {NPValue} from "../components/models/numpy/values.js";

function run(code: string): Map<string, NPValue> {
  const e = newEnv(0);
  bindImport(e, "numpy", null, "np");
  new Script(e).run(statements(code, 0));
  return e.vars;
}
const list = (v: NPValue | undefined): number[] => (isND(v) ? Array.from(v.data) : typeof v === "number" ? [v] : Array.isArray(v) ? v.flatMap((x) => list(x)) : []);

describe("np.random's legacy stream is NumPy's", () => {
  test("seed(0): rand and randn (the polar Gaussian keeps its second value)", () => {
    const v = run("np.random.seed(0)\na = np.random.rand(3)\nnp.random.seed(0)\nz = np.random.randn(5)");
    expect(list(v.get("a"))).toEqual([0.5488135039273248, 0.7151893663724195, 0.6027633760716439]);
    expect(list(v.get("z"))).toEqual([1.764052345967664, 0.4001572083672233, 0.9787379841057392, 2.240893199201458, 1.8675579901499675]);
  });
  test("seed(7): randint by masked rejection, permutation by NumPy's shuffle, normal and uniform, in one stream", () => {
    const v = run("np.random.seed(7)\nk = np.random.randint(0, 10, 8)\np = np.random.permutation(6)\ng = np.random.normal(2.0, 0.5)\nu = np.random.uniform(-1, 3)");
    expect(list(v.get("k"))).toEqual([4, 9, 6, 3, 3, 7, 7, 9]);
    expect(list(v.get("p"))).toEqual([4, 5, 3, 2, 1, 0]);
    expect(list(v.get("g"))[0]).toBeCloseTo(2.010032193490961, 14);
    expect(list(v.get("u"))[0]).toBeCloseTo(2.4752058328312345, 14);
  });
  test("RandomState(123): rand, choice without and with replacement; the largest seed", () => {
    const v = run("r = np.random.RandomState(123)\na = r.rand(2)\nc = r.choice(5, 3, replace=False)\nd = r.choice(4, 3)\nnp.random.seed(2**32 - 1)\nx = np.random.rand()");
    expect(list(v.get("a"))).toEqual([0.6964691855978616, 0.28613933495037946]);
    expect(list(v.get("c"))).toEqual([0, 1, 3]);
    expect(list(v.get("d"))).toEqual([3, 2, 3]);
    expect(list(v.get("x"))).toEqual([0.0976320289940138]);
  });
});

describe("augmented assignment on an array is in place, as in NumPy", () => {
  test("p -= lr * v through a list and zip updates the weights; astype and flatten copy, reshape is a view", () => {
    const v = run([
      "W = np.ones((2, 2))", "b = np.zeros(2)", "params = [W, b]", "vel = [np.ones_like(W), np.full(2, 2.0)]",
      "for p, g in zip(params, vel):", "    p -= 0.5 * g",
      "c = W.astype(float)", "c += 10", "f = W.flatten()", "f *= 3", "r = W.reshape(4)", "r += 1", "s = b", "s -= 1"
    ].join("\n"));
    expect(list(v.get("W"))).toEqual([1.5, 1.5, 1.5, 1.5]); // 1 − 0.5, then +1 through the reshape view
    expect(list(v.get("b"))).toEqual([-2, -2]); // 0 − 0.5·2, then −1 through the alias s
    expect(list(v.get("c"))).toEqual([10.5, 10.5, 10.5, 10.5]);
    expect(list(v.get("f"))).toEqual([1.5, 1.5, 1.5, 1.5]);
  });
});
