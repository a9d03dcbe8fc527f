/**
 * `npm run check -- --json` carries `training` per chapter (README schema): on the code corpus (test/corpus-code/, its
 * answers.json as the key) and on documents nobody tuned the translator to (the held-out PyTorch and Keras-on-NumPy
 * chapters written here).
 */
import {spawnSync} from "node:child_process";
import {mkdtempSync, readFileSync, writeFileSync, copyFileSync, mkdirSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, test} from "vitest";

function checkJson(dir: string) {
  const r = spawnSync("npx", ["tsx", "scripts/check.ts", "--json", dir], {encoding: "utf8", maxBuffer: 64 << 20});
  return JSON.parse(r.stdout) as {chapters: {file: string; training: null | {line: number; trainable: boolean; framework: string | null; dataset: string | null; reason: string | null; claims: {metric: string; value: number}[]; unsupported: {line: number}[]}}[]};
}

describe("check --json: training", () => {
  test("the code corpus: framework, dataset and trainable as the answer key says", () => {
    const key = JSON.parse(readFileSync("test/corpus-code/answers.json", "utf8")) as Record<string, {framework: string; dataset: string; trainable: boolean}>;
    const dir = mkdtempSync(join(tmpdir(), "gb-train-json-"));
    for (const f of Object.keys(key)) copyFileSync(join("test/corpus-code", f), join(dir, f));
    const out = checkJson(dir);
    let agree = 0;
    for (const c of out.chapters) {
      const want = key[c.file.split("/").pop()!];
      const t = c.training!;
      expect(t, c.file).not.toBeNull();
      if (t.framework === want.framework && t.trainable === want.trainable && (!want.trainable || t.dataset === want.dataset)) agree++;
      if (!t.trainable) expect(t.reason, c.file).toMatch(/:\d+: /);
    }
    expect(out.chapters).toHaveLength(Object.keys(key).length);
    expect(agree).toBe(Object.keys(key).length);
  }, 240_000);

  test("a document the translator never saw: PyTorch on NumPy data with BCEWithLogits and Nesterov SGD", () => {
    const dir = mkdtempSync(join(tmpdir(), "gb-train-heldout-"));
    mkdirSync(dir, {recursive: true});
    writeFileSync(join(dir, "a.md"), `# Held out

## 1. Background

A tiny classifier.

## 5. Code practice

\`\`\`python
import numpy as np
import torch
from torch import nn

np.random.seed(0)
X = np.random.rand(256, 2).astype("float32")
y = (X[:, 0] + 2 * X[:, 1] > 1.5).astype("float32")

model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True)
loss_fn = nn.BCEWithLogitsLoss()
xt = torch.tensor(X)
yt = torch.tensor(y).reshape(-1, 1)
for epoch in range(200):
    opt.zero_grad()
    loss = loss_fn(model(xt), yt)
    loss.backward()
    opt.step()
\`\`\`

After 200 epochs the training accuracy is about 0.97.
`);
    const t = checkJson(dir).chapters[0].training!;
    expect(t.framework).toBe("pytorch");
    expect(t.trainable).toBe(true);
    expect(t.dataset).toBe("arrays");
    expect(t.claims.map((c) => [c.metric, c.value])).toEqual([["accuracy", 0.97]]);
  }, 120_000);
});
