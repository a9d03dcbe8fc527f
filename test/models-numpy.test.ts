import {describe, expect, test} from "vitest";
import {parseExpr} from "../components/models/keras/expr.js";
import {statements} from "../components/models/keras/lines.js";
import {translatePython} from "../components/models/keras/translate.js";
import {bindImport, newEnv} from "../components/models/numpy/env.js";
import {evalNP} from "../components/models/numpy/eval.js";
import {Budget, isND, type NDArray} from "../components/models/numpy/ndarray.js";
import {regenerateArrays} from "../components/models/numpy/recipe.js";
import {Script, formatSpec} from "../components/models/numpy/script.js";
import type {KerasProgram} from "../components/models/keras/program.js";
import {arr} from "./ndarrayOf.js";

function env() {
  const e = newEnv(0);
  bindImport(e, "numpy", null, "np");
  for (const f of ["make_moons", "make_blobs", "make_circles", "make_classification", "make_regression"]) bindImport(e, "sklearn.datasets", f, null);
  bindImport(e, "sklearn.model_selection", "train_test_split", null);
  bindImport(e, "sklearn.preprocessing", "StandardScaler", null);
  return e;
}
function run(code: string) {
  const e = env();
  const s = new Script(e);
  s.run(statements(code, 0));
  return {vars: e.vars, printed: s.printed.map((p) => p.text)};
}

describe("NumPy subset", () => {
  test("np.meshgrid: 'xy' indexing gives (len(y), len(x)) grids, 'ij' the transpose (NumPy's values)", () => {
    const {vars} = run(`
gx, gy = np.meshgrid(np.array([1, 2, 3]), np.array([10, 20]))
ix, iy = np.meshgrid(np.array([1, 2, 3]), np.array([10, 20]), indexing="ij")
P = np.c_[gx.ravel(), gy.ravel()]`);
    expect(arr(vars.get("gx"))).toMatchObject({shape: [2, 3], data: [1, 2, 3, 1, 2, 3]});
    expect(arr(vars.get("gy"))).toMatchObject({shape: [2, 3], data: [10, 10, 10, 20, 20, 20]});
    expect(arr(vars.get("ix"))).toMatchObject({shape: [3, 2], data: [1, 1, 2, 2, 3, 3]});
    expect(arr(vars.get("iy"))).toMatchObject({shape: [3, 2], data: [10, 20, 10, 20, 10, 20]});
    expect(arr(vars.get("P")).data.slice(0, 6)).toEqual([1, 10, 2, 10, 3, 10]);
  });

  test("broadcasting, comparisons, masks, astype", () => {
    const {vars} = run(`
a = np.array([[1, 2, 3], [4, 5, 6]])
b = np.array([10, 20, 30])
c = a + b
d = a * np.array([[2], [3]])
m = (a > 2) & (a < 6)
e = a[m]
f = (a[:, 0] + 2 * a[:, 1] > 6).astype("float32")
g = ~(a > 3)
`);
    expect(arr(vars.get("c"))).toEqual({shape: [2, 3], data: [11, 22, 33, 14, 25, 36], dtype: "int"});
    expect(arr(vars.get("d")).data).toEqual([2, 4, 6, 12, 15, 18]);
    expect(arr(vars.get("m"))).toEqual({shape: [2, 3], data: [0, 0, 1, 1, 1, 0], dtype: "bool"});
    expect(arr(vars.get("e"))).toEqual({shape: [3], data: [3, 4, 5], dtype: "int"});
    expect(arr(vars.get("f"))).toEqual({shape: [2], data: [0, 1], dtype: "float"});
    expect(arr(vars.get("g")).data).toEqual([1, 1, 1, 0, 0, 0]);
  });

  test("reductions along axes, reshape, joins, slicing with steps, np.c_", () => {
    const {vars} = run(`
x = np.arange(12).reshape(3, 4)
s0 = x.sum(axis=0)
m1 = np.mean(x, axis=1)
mx = x.max()
am = np.argmax(x, axis=1)
h = np.hstack([x[:, :1], x[:, -1:]])
v = np.vstack([np.zeros(4), np.ones(4)])
cs = np.column_stack([np.arange(3), np.arange(3) * 2])
st = x[::2, 1::2]
cb = np.c_[np.ones((3, 1)), x[:, 0]]
r = x[np.array([2, 0])]
col = x[:, 1]
nx = x[:, 0][:, None]
`);
    expect(arr(vars.get("s0")).data).toEqual([12, 15, 18, 21]);
    expect(arr(vars.get("m1")).data).toEqual([1.5, 5.5, 9.5]);
    expect(vars.get("mx")).toBe(11);
    expect(arr(vars.get("am")).data).toEqual([3, 3, 3]);
    expect(arr(vars.get("h"))).toMatchObject({shape: [3, 2], data: [0, 3, 4, 7, 8, 11]});
    expect(arr(vars.get("v"))).toMatchObject({shape: [2, 4], data: [0, 0, 0, 0, 1, 1, 1, 1]});
    expect(arr(vars.get("cs"))).toMatchObject({shape: [3, 2], data: [0, 0, 1, 2, 2, 4]});
    expect(arr(vars.get("st"))).toMatchObject({shape: [2, 2], data: [1, 3, 9, 11]});
    expect(arr(vars.get("cb"))).toMatchObject({shape: [3, 2], data: [1, 0, 1, 4, 1, 8]});
    expect(arr(vars.get("r"))).toMatchObject({shape: [2, 4], data: [8, 9, 10, 11, 0, 1, 2, 3]});
    expect(arr(vars.get("col"))).toMatchObject({shape: [3], data: [1, 5, 9]});
    expect(arr(vars.get("nx")).shape).toEqual([3, 1]);
  });

  test("seeded random: same seed same numbers, the right distributions", () => {
    const a = run("np.random.seed(3)\nx = np.random.randn(20000)\nu = np.random.uniform(2, 4, size=(100, 50))");
    const b = run("np.random.seed(3)\nx = np.random.randn(20000)");
    expect(arr(a.vars.get("x")).data).toEqual(arr(b.vars.get("x")).data);
    const x = arr(a.vars.get("x")).data;
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const sd = Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
    const u = arr(a.vars.get("u"));
    expect(u.shape).toEqual([100, 50]);
    expect(Math.min(...u.data)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...u.data)).toBeLessThan(4);
    const r = run("rng = np.random.default_rng(5)\nn = rng.normal(10, 2, size=5000)\ni = rng.integers(0, 3, size=1000)");
    const n = arr(r.vars.get("n")).data;
    expect(Math.abs(n.reduce((s, v) => s + v, 0) / n.length - 10)).toBeLessThan(0.1);
    expect(new Set(arr(r.vars.get("i")).data)).toEqual(new Set([0, 1, 2]));
  });

  test("a hand-written gradient-descent loop runs, and its f-string print is kept", () => {
    const {vars, printed} = run(`
np.random.seed(0)
X = np.random.rand(100, 1)
y = 4 * X[:, 0] + 1
w, b = 0.0, 0.0
for i in range(3000):
    err = w * X[:, 0] + b - y
    w -= 0.5 * np.mean(err * X[:, 0])
    b -= 0.5 * np.mean(err)
print(f"w={w:.3f} b={b:.2f} loss: {np.mean(err ** 2):.1e}")
`);
    expect(vars.get("w") as number).toBeCloseTo(4, 3);
    expect(vars.get("b") as number).toBeCloseTo(1, 3);
    expect(printed[0]).toMatch(/^w=4\.000 b=1\.00 loss: \d\.\de-\d\d$/);
    expect(formatSpec(0.98765, ".2%")).toBe("98.77%");
    expect(formatSpec(3, ">4d")).toBe("   3");
  });

  test("sklearn: generators with their shapes and labels, split sizes, StandardScaler", () => {
    const {vars} = run(`
X, y = make_moons(n_samples=101, noise=0.1, random_state=0)
Xb, yb = make_blobs(n_samples=300, centers=3, cluster_std=0.5, random_state=1)
Xc, yc = make_classification(n_samples=200, n_features=6, random_state=2)
Xr, yr = make_regression(n_samples=50, n_features=4, noise=0.0, random_state=3)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=4)
sc = StandardScaler()
Z = sc.fit_transform(Xb)
`);
    expect(arr(vars.get("X")).shape).toEqual([101, 2]);
    expect(arr(vars.get("y")).data.filter((v) => v === 1).length).toBe(51);
    expect(arr(vars.get("Xb")).shape).toEqual([300, 2]);
    expect([0, 1, 2].map((k) => arr(vars.get("yb")).data.filter((v) => v === k).length)).toEqual([100, 100, 100]);
    expect(arr(vars.get("Xc")).shape).toEqual([200, 6]);
    expect(arr(vars.get("Xr")).shape).toEqual([50, 4]);
    expect(arr(vars.get("X_test")).shape).toEqual([21, 2]);
    expect(arr(vars.get("X_train")).shape).toEqual([80, 2]);
    const z = arr(vars.get("Z")).data;
    const col0 = z.filter((_, i) => i % 2 === 0);
    expect(col0.reduce((s, v) => s + v, 0) / col0.length).toBeCloseTo(0, 10);
    expect(Math.sqrt(col0.reduce((s, v) => s + v * v, 0) / col0.length)).toBeCloseTo(1, 10);
    // noise-free make_regression: y is exactly X @ coef, so least squares recovers it with zero residual
    const Xr = vars.get("Xr") as NDArray, yr = vars.get("yr") as NDArray;
    const e = env();
    e.vars.set("Xr", Xr).set("yr", yr);
    const w = evalNP(parseExpr("np.linalg.solve(Xr.T @ Xr, Xr.T @ yr)"), e) as NDArray;
    const res = evalNP(parseExpr("np.abs(Xr @ w - yr).max()"), (e.vars.set("w", w), e)) as number;
    expect(res).toBeLessThan(1e-8);
  });

  test("hostile sizes and loops fail fast with a line, never hang", () => {
    const t0 = performance.now();
    expect(() => run("x = np.zeros((10**9,))")).toThrow(/too large/);
    const e = env();
    e.budget = new Budget(1e6, 1e5);
    const s = new Script(e);
    let line = 0;
    try {
      s.run(statements("i = 0\nwhile True:\n    i = i + 1\n", 10));
    } catch (err) {
      line = (err as {line: number}).line;
      expect((err as Error).message).toMatch(/too many statements/);
    }
    expect(line).toBe(12); // the while loop
    expect(() => run("for i in range(10**9):\n    pass")).toThrow(/range of 1000000000 items is too long/);
    expect(() => run("a = np.ones((2000, 2000))\nfor i in range(100):\n    a = a @ a")).toThrow(/too much work/);
    expect(performance.now() - t0).toBeLessThan(20_000);
  });

  test("translator: hostile NumPy in a chapter is an error at its file line, and the rest is not run", () => {
    const r = translatePython("import numpy as np\nX = np.zeros((10**9, 10))\n", {file: "x.md", line: 100});
    expect(r.diagnostics).toContainEqual(expect.objectContaining({line: 102, severity: "error", message: expect.stringMatching(/too large/)}));
    expect(r.program).toBeUndefined();
  });

  test("large data ships as a recipe the page re-runs to the same numbers", () => {
    const code = `import numpy as np
from tensorflow import keras
np.random.seed(1)
X = np.random.randn(12000, 2)
y = (X[:, 0] > X[:, 1]).astype("float32")
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid", input_shape=(2,))])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=1)
`;
    const p = translatePython(code, {file: "r.md", line: 0}).program as KerasProgram;
    expect(p.dataset.id).toBe("arrays");
    if (p.dataset.id !== "arrays") return;
    expect(p.dataset.recipe?.names).toEqual({x: "X", y: "y"});
    expect(p.dataset.train.x).toBeUndefined();
    expect(JSON.stringify(p).length).toBeLessThan(5000);
    const again = regenerateArrays(p.dataset.recipe!);
    expect(again.train.n).toBe(12000);
    const {vars} = run("np.random.seed(1)\nX = np.random.randn(12000, 2)");
    expect(again.train.x!.slice(0, 6)).toEqual(arr(vars.get("X")).data.slice(0, 6));
    expect(again.train.y!.slice(0, 3)).toEqual([0, 1, 2].map((i) => Number(again.train.x![2 * i] > again.train.x![2 * i + 1])));
  });
});

describe("NumPy subset: bounds on user functions", () => {
  test("recursion stops at depth 50 with the function's name", () => {
    expect(() => run("def f(n):\n    return f(n + 1)\nx = f(0)")).toThrow(/f\(\): calls nested more than 50 deep/);
  });
});

describe("np.eye(N, M, k)", () => {
  test("rectangular and off the diagonal, as NumPy: eye(2, 3) and eye(3, k=1)", () => {
    const {vars} = run("a = np.eye(2, 3)\nb = np.eye(3, k=1)\nc = np.eye(2, 4, -1)");
    expect(arr(vars.get("a"))).toEqual({shape: [2, 3], data: [1, 0, 0, 0, 1, 0], dtype: "float"});
    expect(arr(vars.get("b")).data).toEqual([0, 1, 0, 0, 0, 1, 0, 0, 0]);
    expect(arr(vars.get("c"))).toMatchObject({shape: [2, 4], data: [0, 0, 0, 0, 1, 0, 0, 0]});
  });
});
