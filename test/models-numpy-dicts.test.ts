/**
 * Python dicts, NumPy's ufunc methods (outer / reduce / accumulate), np.logaddexp, np.linalg.cholesky, and torch's
 * (values, indices) reductions and clamp in the NumPy interpreter; the PyTorch translator's re-initialisation loops.
 * Expected numbers are NumPy 2.4's (run by hand) or worked out by hand for torch's.
 */
import {describe, expect, test} from "vitest";
import {statements} from "../components/models/keras/lines.js";
import {translatePython} from "../components/models/keras/translate.js";
import {bindImport, newEnv} from "../components/models/numpy/env.js";
import {isND} from "../components/models/numpy/ndarray.js";
import {Script} from "../components/models/numpy/script.js";
import type {NPEnv} from "../components/models/numpy/values.js";
import {arr} from "./ndarrayOf.js";

function run(code: string, setup?: (e: NPEnv) => void) {
  const e = newEnv(0);
  bindImport(e, "numpy", null, "np");
  setup?.(e);
  const s = new Script(e);
  s.run(statements(code, 0));
  return {vars: e.vars, printed: s.printed.map((p) => p.text)};
}
const close = (xs: number[], ys: number[]) => {
  expect(xs.length).toBe(ys.length);
  xs.forEach((x, i) => (Number.isFinite(ys[i]) ? expect(x).toBeCloseTo(ys[i], 12) : expect(x).toBe(ys[i])));
};
const fails = (code: string) => {
  try {
    run(code);
  } catch (e) {
    return {message: (e as Error).message, line: (e as {line?: number}).line};
  }
  throw new Error("expected an error");
};

describe("Python dicts", () => {
  test("literals, d[k] reads and writes, len, in, get with a default, keys / values / items in insertion order", () => {
    const {vars, printed} = run(`
cfg = {"lr": 0.5, "steps": 3}
cfg["decay"] = 0.9
cfg["lr"] = cfg["lr"] * 2
n = len(cfg)
has = "decay" in cfg
miss = "beta" in cfg
beta = cfg.get("beta", 0.99)
steps = cfg.get("steps")
none = cfg.get("nothing")
ks = list(cfg.keys())
vs = list(cfg.values())
pairs = cfg.items()
total = 0
for k in cfg:
    total = total + cfg[k]
print(cfg)`);
    expect(vars.get("n")).toBe(3);
    expect(vars.get("has")).toBe(true);
    expect(vars.get("miss")).toBe(false);
    expect(vars.get("beta")).toBe(0.99);
    expect(vars.get("steps")).toBe(3);
    expect(vars.get("none")).toBe(null);
    expect(vars.get("ks")).toEqual(["lr", "steps", "decay"]);
    expect(vars.get("vs")).toEqual([1, 3, 0.9]);
    expect(vars.get("pairs")).toEqual([["lr", 1], ["steps", 3], ["decay", 0.9]]);
    expect(vars.get("total")).toBeCloseTo(4.9, 12);
    expect(printed).toEqual(["{'lr': 1, 'steps': 3, 'decay': 0.9}"]);
  });

  test("momentum kept in a dict of arrays (NumPy: w = [0.062, -0.124] after three steps)", () => {
    const {vars} = run(`
w = np.array([1.0, -2.0])
vel = {"w": np.zeros(2)}
for _ in range(3):
    vel["w"] = 0.9 * vel["w"] - 0.1 * (2 * w)
    w = w + vel["w"]`);
    close(arr(vars.get("w")).data, [0.06199999999999983, -0.12399999999999967]);
  });

  test("d[k] -= … over a dict's keys writes into the array it holds, as NumPy does (an alias sees it)", () => {
    const {vars} = run(`
params = {"w": np.array([1.5, 2.5]), "b": 0.5}
grads = {"w": np.array([0.5, -1.0]), "b": 0.25}
alias = params["w"]
for k in params:
    params[k] -= 0.1 * grads[k]
for name, g in grads.items():
    grads[name] = g * 0`);
    close(arr(vars.get("alias")).data, [1.45, 2.6]);
    const p = vars.get("params") as {entries: Map<string, [unknown, unknown]>};
    expect(p.entries.get("s:b")![1]).toBeCloseTo(0.475, 12);
    expect(arr((vars.get("grads") as {entries: Map<string, [unknown, unknown]>}).entries.get("s:w")![1]).data).toEqual([0, -0]);
  });

  test("keys: 1, 1.0 and True are one key; tuples are keys; dict(), update, pop, setdefault, del, comprehension over keys", () => {
    const {vars} = run(`
d = {1: "one", (0, 1): "pair"}
d[1.0] = "uno"
a = d[True]
b = d[(0, 1)]
e = dict(x=1, y=2)
e.update({"z": 3})
z = e.pop("z")
zz = e.pop("z", -1)
s = e.setdefault("w", 7)
del e["x"]
keys = [k for k in e]
f = dict(zip(["p", "q"], [10, 20]))
size = len(f)
empty = not {}`);
    expect(vars.get("a")).toBe("uno");
    expect(vars.get("b")).toBe("pair");
    expect(vars.get("z")).toBe(3);
    expect(vars.get("zz")).toBe(-1);
    expect(vars.get("s")).toBe(7);
    expect(vars.get("keys")).toEqual(["y", "w"]);
    expect(vars.get("size")).toBe(2);
    expect(vars.get("empty")).toBe(true);
  });

  test("dict comprehensions: {k: v for k, v in d.items() if …} and over zip, printed as Python prints them", () => {
    const {vars, printed} = run(`
grads = {"w": np.array([3.0, -4.0]), "b": 0.5}
sq = {k: np.sum(g ** 2) for k, g in grads.items()}
big = {k: v for k, v in sq.items() if v > 1}
idx = {name: i for i, name in enumerate(["a", "b"])}
print(idx)`);
    const entries = (v: unknown) => [...(v as {entries: Map<string, [unknown, unknown]>}).entries.values()];
    expect(entries(vars.get("sq"))).toEqual([["w", 25], ["b", 0.25]]);
    expect(entries(vars.get("big"))).toEqual([["w", 25]]);
    expect(printed).toEqual(["{'a': 0, 'b': 1}"]);
  });

  test("errors: a missing key, an array as a key, at the statement's line", () => {
    expect(fails(`d = {"a": 1}\nx = d["b"]`)).toEqual({message: "KeyError: 'b' is not a key of the dict", line: 2});
    expect(fails(`d = {}\nd[np.zeros(2)] = 1`).message).toMatch(/unhashable type: 'numpy.ndarray'/);
    expect(fails(`d = {}\nd.sort()`).message).toBe("dict method .sort() is not supported");
  });
});

describe("ufuncs: outer, reduce, accumulate, logaddexp", () => {
  test("np.subtract.outer / np.add.outer / np.multiply.outer: shape a.shape + b.shape (NumPy's tables)", () => {
    const {vars} = run(`
s = np.subtract.outer(np.arange(3), np.array([10, 20]))
a = np.add.outer(np.array([[1, 2], [3, 4]]), np.array([10, 20, 30]))
m = np.multiply.outer([1.5, 2], [2, 3, 4])
cov = 0.5 ** np.abs(np.subtract.outer(np.arange(3), np.arange(3)))`);
    expect(arr(vars.get("s"))).toEqual({shape: [3, 2], data: [-10, -20, -9, -19, -8, -18], dtype: "int"});
    expect(arr(vars.get("a"))).toEqual({shape: [2, 2, 3], data: [11, 21, 31, 12, 22, 32, 13, 23, 33, 14, 24, 34], dtype: "int"});
    expect(arr(vars.get("m"))).toMatchObject({shape: [2, 3], data: [3, 4.5, 6, 4, 6, 8]});
    expect(arr(vars.get("cov")).data).toEqual([1, 0.5, 0.25, 0.5, 1, 0.5, 0.25, 0.5, 1]);
  });

  test("np.add.reduce, np.multiply.accumulate, np.add.accumulate(axis=1), np.subtract(a, b)", () => {
    const {vars} = run(`
r = np.add.reduce(np.array([[1, 2, 3], [4, 5, 6]]))
c = np.multiply.accumulate(np.array([1, 2, 3, 4]))
c1 = np.add.accumulate(np.array([[1, 2], [3, 4]]), axis=1)
d = np.subtract(np.array([5, 7]), 2)`);
    expect(arr(vars.get("r"))).toMatchObject({shape: [3], data: [5, 7, 9]});
    expect(arr(vars.get("c"))).toMatchObject({shape: [4], data: [1, 2, 6, 24], dtype: "int"});
    expect(arr(vars.get("c1"))).toMatchObject({shape: [2, 2], data: [1, 3, 3, 7]});
    expect(arr(vars.get("d"))).toMatchObject({data: [3, 5], dtype: "int"});
  });

  test("np.logaddexp: stable for large |z|, broadcasting, infinities as NumPy", () => {
    const {vars} = run(`
z = np.logaddexp(0, np.array([-800.0, -1.0, 0.0, 2.0, 800.0]))
g = np.logaddexp(np.array([[0.0], [1.0]]), np.array([1.0, 2.0, 3.0]))
lo = np.logaddexp(-np.inf, -np.inf)
hi = np.logaddexp(np.inf, np.inf)
one = np.logaddexp(-np.inf, 3.0)
two = np.logaddexp2(1.0, 3.0)`);
    close(arr(vars.get("z")).data, [0, 0.31326168751822286, 0.6931471805599453, 2.1269280110429727, 800]);
    expect(arr(vars.get("g")).shape).toEqual([2, 3]);
    close(arr(vars.get("g")).data, [1.3132616875182228, 2.1269280110429727, 3.048587351573742, 1.6931471805599454, 2.313261687518223, 3.1269280110429727]);
    expect(vars.get("lo")).toBe(-Infinity);
    expect(vars.get("hi")).toBe(Infinity);
    expect(vars.get("one")).toBe(3);
    expect(vars.get("two")).toBeCloseTo(3.321928094887362, 12);
  });
});

describe("np.einsum", () => {
  test("explicit and implicit outputs, sums over axes, traces and diagonals (NumPy's values)", () => {
    const {vars} = run(`
A = np.array([[1, 2, 3], [4, 5, 6]]).astype(float)
B = np.array([[1, 0], [2, 1], [0, 3]])
mm = np.einsum("ij,jk->ik", A, B)
cols = np.einsum("ij->j", A)
tr = np.einsum("ii", np.array([[1, 2], [3, 4]]))
rows = np.einsum("ij,ij->i", A, A)
out = np.einsum("i,j", np.array([1, 2]), np.array([3, 4, 5]))
tt = np.einsum("ji", A)
dg = np.einsum("ii->i", np.array([[1, 2], [3, 4]]))`);
    expect(arr(vars.get("mm"))).toMatchObject({shape: [2, 2], data: [5, 11, 14, 23], dtype: "float"});
    expect(arr(vars.get("cols")).data).toEqual([5, 7, 9]);
    expect(vars.get("tr")).toBe(5);
    expect(arr(vars.get("rows")).data).toEqual([14, 77]);
    expect(arr(vars.get("out"))).toMatchObject({shape: [2, 3], data: [3, 4, 5, 6, 8, 10], dtype: "int"});
    expect(arr(vars.get("tt"))).toMatchObject({shape: [3, 2], data: [1, 4, 2, 5, 3, 6]});
    expect(arr(vars.get("dg")).data).toEqual([1, 4]);
  });

  test("mismatched sizes, wrong operand counts and ellipses are errors naming np.einsum", () => {
    expect(fails(`C = np.einsum("ij,jk->ik", np.ones((2, 3)), np.ones((2, 2)))`).message).toBe("np.einsum: subscript j has size 3 and 2");
    expect(fails(`C = np.einsum("ij,jk", np.ones((2, 3)))`).message).toMatch(/names 2 operands, 1 given/);
    expect(fails(`C = np.einsum("...i->i", np.ones((2, 3)))`).message).toMatch(/ellipsis/);
  });
});

describe("np.linalg.cholesky", () => {
  test("lower-triangular L with L Lᵀ = A (NumPy's factor); stacked matrices each on their own", () => {
    const {vars} = run(`
A = np.array([[4.0, 2.0, 0.4], [2.0, 5.0, 1.0], [0.4, 1.0, 3.0]])
L = np.linalg.cholesky(A)
back = L @ L.T
S = np.linalg.cholesky(np.array([[[4.0, 0.0], [0.0, 9.0]], [[1.0, 0.5], [0.5, 1.0]]]))`);
    close(arr(vars.get("L")).data, [2, 0, 0, 1, 2, 0, 0.2, 0.4, 1.6733200530681511]);
    close(arr(vars.get("back")).data, [4, 2, 0.4, 2, 5, 1, 0.4, 1, 3]);
    expect(arr(vars.get("S")).shape).toEqual([2, 2, 2]);
    close(arr(vars.get("S")).data, [2, 0, 0, 3, 1, 0, 0.5, Math.sqrt(0.75)]);
  });

  test("a matrix that is not positive definite, or not square, is an error naming np.linalg.cholesky", () => {
    expect(fails(`L = np.linalg.cholesky(np.array([[1.0, 2.0], [2.0, 1.0]]))`)).toEqual({message: "np.linalg.cholesky: Matrix is not positive definite", line: 1});
    expect(fails(`L = np.linalg.cholesky(np.ones((2, 3)))`).message).toMatch(/expects a square matrix/);
  });
});

describe("torch reductions with dim and clamp (tensors read as arrays)", () => {
  const torch = (e: NPEnv) => e.vars.set("torch", {obj: "module", path: "torch"});

  test("torch.max(x, dim=1) and x.min(dim=0): (values, indices), unpacked or read by name; keepdim keeps the axis", () => {
    const {vars} = run(`
x = torch.tensor([[1.0, 5.0, 3.0], [7.0, 2.0, 6.0]])
v, i = torch.max(x, dim=1)
r = x.min(dim=0)
mv = r.values
mi = r.indices
k = x.max(dim=1, keepdim=True).values
p = torch.max(x, 1)[1]
top = torch.max(x)
cap = torch.max(x, torch.tensor(4.0))
npstyle = np.array([[1, 5], [7, 2]]).max(axis=1)`, torch);
    expect(arr(vars.get("v"))).toMatchObject({shape: [2], data: [5, 7]});
    expect(arr(vars.get("i"))).toMatchObject({shape: [2], data: [1, 0], dtype: "int"});
    expect(arr(vars.get("mv")).data).toEqual([1, 2, 3]);
    expect(arr(vars.get("mi")).data).toEqual([0, 1, 0]);
    expect(arr(vars.get("k")).shape).toEqual([2, 1]);
    expect(arr(vars.get("p")).data).toEqual([1, 0]);
    expect(vars.get("top")).toBe(7);
    expect(arr(vars.get("cap")).data).toEqual([4, 5, 4, 7, 4, 6]);
    expect(arr(vars.get("npstyle")).data).toEqual([5, 7]);
  });

  test("torch.clamp(x, max=…) keeps integer labels integers; x.clamp(min=…) on floats", () => {
    const {vars} = run(`
labels = torch.clamp(torch.tensor([-2, 0, 3, 9]), max=3)
pos = torch.tensor([-1.5, 0.2, 4.0]).clamp(min=0)
half = np.clip(np.array([-2, 0, 3, 9]), 0, 2.5)`, torch);
    expect(arr(vars.get("labels"))).toEqual({shape: [4], data: [-2, 0, 3, 3], dtype: "int"});
    expect(arr(vars.get("pos")).data).toEqual([0, 0.2, 4]);
    expect(arr(vars.get("half"))).toMatchObject({data: [0, 0, 2.5, 2.5], dtype: "float"});
  });
});

describe("PyTorch translation: weight re-initialisation loops", () => {
  test("for m in model.modules(): if isinstance(m, nn.Linear): nn.init.…: a warning, and the model still trains", () => {
    const r = translatePython(`import torch
import torch.nn as nn
torch.manual_seed(0)
X = torch.rand(40, 2)
y = torch.clamp((X.abs().max(dim=1).values / 0.5).long(), max=1)
model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
for m in model.modules():
    if isinstance(m, nn.Linear):
        nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
        nn.init.zeros_(m.bias)
nn.init.xavier_uniform_(model[2].weight)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
for epoch in range(3):
    optimizer.zero_grad()
    loss = criterion(model(X), y)
    loss.backward()
    optimizer.step()
`, {file: "t.md", line: 0});
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(r.diagnostics).toContainEqual(expect.objectContaining({line: 7, severity: "warning", message: expect.stringContaining("re-initialises the weights")}));
    expect(r.diagnostics).toContainEqual(expect.objectContaining({line: 11, severity: "warning", message: expect.stringContaining("nn.init.xavier_uniform_() is not replayed")}));
    expect(r.program).toMatchObject({kind: "keras", framework: "pytorch", dataset: {id: "arrays", train: {n: 40}}});
  });
});
