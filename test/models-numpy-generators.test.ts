/**
 * Generator functions in the NumPy interpreter: a `def` whose body yields is run to its end when called and its
 * values are iterated in order (`for xb, yb in iterate_minibatches(X, y, 32, rng):`), `yield from` included. Values
 * as Python 3.11 prints them for the same code.
 */
import {describe, expect, test} from "vitest";
import {statements} from "../components/models/keras/lines.js";
import {bindImport, newEnv} from "../components/models/numpy/env.js";
import {Script} from "../components/models/numpy/script.js";

function run(code: string) {
  const e = newEnv(0);
  bindImport(e, "numpy", null, "np");
  new Script(e).run(statements(code, 0));
  return e.vars;
}

describe("generators", () => {
  test("batches of a range (Python: ends [4, 8, 10], sizes of X[idx] 4, 4, 2) and yield from", () => {
    const v = run(["import numpy as np", "X = np.arange(20.0).reshape(10, 2)", "def batches(n, b):", "    for s in range(0, n, b):", "        yield s, min(s + b, n)",
      "ends = []", "sizes = []", "for s, e in batches(10, 4):", "    ends.append(e)", "    sizes.append(len(X[s:e]))",
      "def both():", "    yield from batches(4, 2)", "    yield 99, 100", "pairs = [a + b for a, b in both()]", "total = sum(x for x in [1, 2, 3])"].join("\n"));
    expect(v.get("ends")).toEqual([4, 8, 10]);
    expect(v.get("sizes")).toEqual([4, 4, 2]);
    expect(v.get("pairs")).toEqual([2, 6, 199]);
    expect(v.get("total")).toBe(6);
  });
  test("a return ends the generator; an endless one stops at the bound with a clear message", () => {
    const v = run(["def upto(n):", "    k = 0", "    while True:", "        if k >= n:", "            return", "        yield k", "        k += 1", "xs = [k * 2 for k in upto(3)]"].join("\n"));
    expect(v.get("xs")).toEqual([0, 2, 4]);
    expect(() => run(["def forever():", "    while True:", "        yield 1", "n = len(list(forever()))"].join("\n"))).toThrow(/yielded more than 100,000 values|budget|steps/);
  });
});
