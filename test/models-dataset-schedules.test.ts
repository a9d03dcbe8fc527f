/**
 * PyTorch habits beyond TensorDataset: a Dataset subclass of the code's own (its tensors, or every sample through its
 * __getitem__), an evaluate(model, X, y) helper, len(loader), torch.empty(…).uniform_() and friends, and the
 * LambdaLR and OneCycleLR schedules (reference rates from PyTorch 1.13, python3-torch).
 */
import {describe, expect, test} from "vitest";
import type {KerasProgram, LrSchedule} from "../components/models/keras/program.js";
import {learningRateAt} from "../components/models/keras/schedule.js";
import {translatePython} from "../components/models/keras/translate.js";
import {parseProgram} from "../components/models/parseProgram.js";
import {printProgram} from "../components/models/printProgram.js";

const translate = (code: string) => translatePython(code, {file: "d.md", line: 0});
const errors = (r: ReturnType<typeof translate>) => r.diagnostics.filter((d) => d.severity === "error");
const arrays = (p: KerasProgram) => {
  if (p.dataset.id !== "arrays") throw new Error(`dataset ${p.dataset.id}`);
  return p.dataset;
};

const loop = (loader: string, epochs: number | string = 3, extra = "") => `
model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 3))
opt = torch.optim.SGD(model.parameters(), lr=0.1)
${extra}
crit = nn.CrossEntropyLoss()
for ep in range(${epochs}):
    for xb, yb in ${loader}:
        opt.zero_grad()
        loss = crit(model(xb), yb)
        loss.backward()
        opt.step()
`;

describe("a Dataset subclass of the code's own", () => {
  test("self.x[i], self.y[i]: its tensors are the data; evaluate(model, ds.x, ds.y) names the test part; len(loader) counts batches", () => {
    const code = `import math
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
torch.manual_seed(2)
class Ring(Dataset):
    def __init__(self, n):
        a = torch.rand(n) * 2 * math.pi
        self.pts = torch.stack([torch.cos(a), torch.sin(a)], dim=1)
        self.lab = (a / (2 * math.pi / 3)).long().clamp(max=2)
    def __len__(self):
        return len(self.lab)
    def __getitem__(self, k):
        return self.pts[k], self.lab[k]
tr = Ring(90)
te = Ring(30)
dl = DataLoader(tr, batch_size=16, shuffle=True)
steps = len(dl)
def evaluate(model, X, y):
    with torch.no_grad():
        pred = model(X).argmax(dim=1)
    return (pred == y).float().mean().item()
${loop("dl", "steps")}
acc = evaluate(model, te.pts, te.lab)
`;
    const r = translate(code);
    expect(errors(r)).toEqual([]);
    const p = r.program as KerasProgram;
    // len(dl) = ceil(90 / 16) = 6 batches: the loop's epoch count
    expect(p.fit).toMatchObject({epochs: 6, batchSize: 16, shuffle: true});
    const d = arrays(p);
    expect([d.train.n, d.test?.n]).toEqual([90, 30]);
    // every point lies on the unit circle and its label is its third of the circle
    for (let i = 0; i < 90; i++) {
      const [x, y] = [d.train.x![2 * i], d.train.x![2 * i + 1]];
      expect(Math.hypot(x, y)).toBeCloseTo(1, 5);
      const a = (Math.atan2(y, x) + 2 * Math.PI) % (2 * Math.PI);
      expect(d.train.y![i]).toBe(Math.min(2, Math.floor(a / ((2 * Math.PI) / 3))));
    }
    expect(p.evaluate).not.toBeNull();
  });

  test("a __getitem__ that computes its sample: every sample through it, stacked as a DataLoader collates them", () => {
    const code = `import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
class Wave(Dataset):
    def __init__(self, n):
        self.t = torch.linspace(-3, 3, n)
    def __len__(self):
        return self.t.shape[0]
    def __getitem__(self, idx):
        x = self.t[idx]
        return torch.stack([x, x * x]), torch.sin(x).unsqueeze(0)
loader = DataLoader(Wave(7), batch_size=4)
net = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
opt = torch.optim.Adam(net.parameters(), lr=0.01)
lossf = nn.MSELoss()
for epoch in range(2):
    for xb, yb in loader:
        opt.zero_grad()
        loss = lossf(net(xb), yb)
        loss.backward()
        opt.step()
`;
    const r = translate(code);
    expect(errors(r)).toEqual([]);
    const d = arrays(r.program as KerasProgram);
    const t = [-3, -2, -1, 0, 1, 2, 3];
    expect(d.train.x).toEqual(t.flatMap((v) => [v, v * v]));
    d.train.y!.forEach((v, i) => expect(v).toBeCloseTo(Math.sin(t[i]), 6));
  });

  test("model code inside a Dataset is refused at the class's line, not run", () => {
    const code = `import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
class Bad(Dataset):
    def __init__(self):
        self.net = nn.Linear(2, 2)
    def __len__(self):
        return 1
    def __getitem__(self, i):
        return self.net.weight, 0
ds = Bad()
`;
    expect(errors(translate(code))).toContainEqual(expect.objectContaining({line: 4, message: expect.stringContaining("only data code")}));
  });
});

describe("torch's in-place fills in data code", () => {
  test("torch.empty(n, 2).uniform_(-1, 1) lies in [−1, 1) with mean ≈ 0; .normal_(2, 0.5) has mean ≈ 2 and sd ≈ 0.5", () => {
    const code = `import torch
import torch.nn as nn
torch.manual_seed(0)
U = torch.empty(4000, 2).uniform_(-1, 1)
Z = torch.empty(4000, 1).normal_(2, 0.5)
X = torch.cat([U, Z], dim=1)
y = (X[:, 0] > 0).long()
model = nn.Sequential(nn.Linear(3, 2))
opt = torch.optim.SGD(model.parameters(), lr=0.1)
crit = nn.CrossEntropyLoss()
for ep in range(2):
    opt.zero_grad()
    loss = crit(model(X), y)
    loss.backward()
    opt.step()
`;
    const r = translate(code);
    expect(errors(r)).toEqual([]);
    const x = arrays(r.program as KerasProgram).train.x!;
    const col = (j: number) => x.filter((_, i) => i % 3 === j);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    for (const j of [0, 1]) {
      expect(Math.min(...col(j))).toBeGreaterThanOrEqual(-1);
      expect(Math.max(...col(j))).toBeLessThan(1);
      expect(Math.abs(mean(col(j)))).toBeLessThan(0.05);
    }
    const z = col(2), m = mean(z);
    expect(m).toBeCloseTo(2, 1);
    expect(Math.sqrt(mean(z.map((v) => (v - m) ** 2)))).toBeCloseTo(0.5, 1);
  });
});

describe("LambdaLR and OneCycleLR", () => {
  const program = (sched: string, perBatch: boolean, epochs = 2) => {
    const code = `import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader
torch.manual_seed(0)
X = torch.randn(32, 2)
y = (X[:, 0] > 0).long()
dl = DataLoader(TensorDataset(X, y), batch_size=8)
model = nn.Sequential(nn.Linear(2, 3))
opt = torch.optim.SGD(model.parameters(), lr=0.1)
def decay(ep):
    return 1.0 / (1.0 + 0.05 * ep)
sched = ${sched}
crit = nn.CrossEntropyLoss()
for ep in range(${epochs}):
    for xb, yb in dl:
        opt.zero_grad()
        loss = crit(model(xb), yb)
        loss.backward()
        opt.step()
        ${perBatch ? "sched.step()" : ""}
    ${perBatch ? "" : "sched.step()"}
`;
    const r = translate(code);
    expect(errors(r)).toEqual([]);
    return r.program as KerasProgram;
  };
  const rates = (s: LrSchedule, n: number, per: "epoch" | "batch") => Array.from({length: n}, (_, k) => learningRateAt(s, 0.1, per === "epoch" ? k : 0, k));

  test("LambdaLR(opt, lambda ep: …) and a def: PyTorch's 0.1, 0.0952381, 0.0909091, 0.0869565", () => {
    for (const fn of ["lambda ep: 1.0 / (1.0 + 0.05 * ep)", "decay"]) {
      const p = program(`torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda=${fn})`, false, 4);
      const s = p.compile.schedule!;
      expect(s).toMatchObject({kind: "lambda", per: "epoch"});
      rates(s, 4, "epoch").forEach((v, k) => expect(v).toBeCloseTo([0.1, 0.09523809523809523, 0.09090909090909091, 0.08695652173913045][k], 6));
    }
  });

  test("OneCycleLR(max_lr=0.5, epochs=2, steps_per_epoch=4, pct_start=0.25, linear, div 10, final 100) per batch: PyTorch's eight rates", () => {
    const p = program(`torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.5, epochs=2, steps_per_epoch=len(dl), pct_start=0.25, anneal_strategy="linear", div_factor=10, final_div_factor=100)`, true);
    const s = p.compile.schedule!;
    expect(s).toMatchObject({kind: "onecycle", per: "batch", totalSteps: 8});
    const torch = [0.05, 0.5, 0.41675, 0.3335, 0.25025, 0.167, 0.08375, 0.0005];
    rates(s, 8, "batch").forEach((v, k) => expect(v).toBeCloseTo(torch[k], 9));
  });

  test("OneCycleLR's defaults (cos, pct 0.3, div 25, final 1e4) on 10 steps: PyTorch's rates, the momentum cycle named as not replayed", () => {
    const torch = [0.0008, 0.0104, 0.02, 0.019009692640269475, 0.016234913078995262, 0.012225240438725785, 0.007774839561274216, 0.00376516692100474,
      0.0009903873597305257, 8e-8];
    const s: LrSchedule = {kind: "onecycle", per: "batch", maxLr: 0.02, totalSteps: 10, pctStart: 0.3, divFactor: 25, finalDivFactor: 1e4, anneal: "cos", line: 1};
    rates(s, 10, "batch").forEach((v, k) => expect(v).toBeCloseTo(torch[k], 12));
    const r = translatePython(`import torch
import torch.nn as nn
X = torch.randn(16, 2)
y = (X[:, 0] > 0).long()
model = nn.Sequential(nn.Linear(2, 2))
opt = torch.optim.Adam(model.parameters(), lr=0.001)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.02, total_steps=10)
crit = nn.CrossEntropyLoss()
for ep in range(10):
    opt.zero_grad()
    loss = crit(model(X), y)
    loss.backward()
    opt.step()
    sched.step()
`, {file: "o.md", line: 0});
    expect(r.diagnostics).toContainEqual(expect.objectContaining({line: 7, severity: "warning", message: expect.stringContaining("cycle_momentum")}));
  });

  test("both print in the code tab and read back the same", () => {
    for (const sched of ["torch.optim.lr_scheduler.LambdaLR(opt, lambda e: 0.9 ** e)", "torch.optim.lr_scheduler.OneCycleLR(opt, 0.3, total_steps=8)"]) {
      const p = program(sched, true);
      const back = parseProgram(printProgram(p), p);
      expect("compile" in back && back.compile.schedule).toEqual(p.compile.schedule);
    }
  });
});
