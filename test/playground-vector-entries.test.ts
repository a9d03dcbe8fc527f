/**
 * A loss written in a vector parameter (J(θ), E(𝐰), L(𝛟)) whose body reaches only the vector's numbered entries
 * through the chapter's prediction (h_𝐰(x) = w_0 + w_1 x) is a surface in those entries. Documents written for this
 * test; values computed by hand.
 */
import {mkdtempSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {surfaceFromSpec} from "../components/playground/surface.js";
import {vectorArgsAsEntries} from "../src/playground/objectives.js";
import {loadAll} from "../src/generate.js";
import {readPlayground} from "../src/playground/index.js";

function read(md: string) {
  const dir = mkdtempSync(join(tmpdir(), "gb-pg-entries-"));
  writeFileSync(join(dir, "a.md"), md);
  const {chapters} = loadAll(dir, dir);
  return readPlayground(chapters[0]);
}

describe("a loss in a vector parameter through the prediction", () => {
  it("English, table laid out across: E(𝐰) over w_0, w_1; exact fit (1, 2), E(0, 0) = 84 / 4", () => {
    const r = read(`# Fit

## 4. Mathematical Model

We predict with $h_{\\mathbf{w}}(x) = w_0 + w_1 x$ on

| $x_i$ | 0 | 1 | 2 | 3 |
|---|---|---|---|---|
| $y_i$ | 1 | 3 | 5 | 7 |

and minimise

$$
E(\\mathbf{w}) = \\frac{1}{n}\\sum_{i=1}^{n} \\left(h_{\\mathbf{w}}(x_i) - y_i\\right)^2
$$

by gradient descent $\\mathbf{w}_{t+1} = \\mathbf{w}_t - \\eta \\nabla E(\\mathbf{w}_t)$.
`);
    const [s] = r.surfaces;
    expect(s).toMatchObject({drawn: true, params: ["w_0", "w_1"]});
    const surface = surfaceFromSpec(s.surfaces[0]);
    expect(surface.f([1, 2])).toBeCloseTo(0, 12);
    expect(surface.f([0, 0])).toBeCloseTo(21, 12);
    expect(surface.minimum![0]).toBeCloseTo(1, 3);
    expect(surface.minimum![1]).toBeCloseTo(2, 3);
  });

  it("Chinese, column table, bold φ: L(𝛟) over φ_1, φ_2; least squares (1.5, 0) with L = 0.75", () => {
    const r = read(`# 拟合

## 数学模型和公式

预测为 $p_{\\boldsymbol\\phi}(s) = \\phi_1 s + \\phi_2$，数据如下：

| $s_k$ | $t_k$ |
|---|---|
| 1 | 2 |
| 2 | 2 |
| 3 | 5 |

损失函数为

$$
L(\\boldsymbol\\phi) = \\frac{1}{2}\\sum_{k=1}^{3} \\left(p_{\\boldsymbol\\phi}(s_k) - t_k\\right)^2
$$

用梯度下降 $\\boldsymbol\\phi_{t+1} = \\boldsymbol\\phi_t - \\alpha \\nabla L(\\boldsymbol\\phi_t)$ 最小化。
`);
    const [s] = r.surfaces;
    expect(s.reason).toBeUndefined();
    expect(s).toMatchObject({drawn: true, params: ["\\phi_1", "\\phi_2"]});
    const surface = surfaceFromSpec(s.surfaces[0]);
    expect(surface.f([1.5, 0])).toBeCloseTo(0.75, 12);
    expect(surface.minimum![0]).toBeCloseTo(1.5, 3);
    expect(surface.minimum![1]).toBeCloseTo(0, 3);
  });

  it("only arguments the body never uses themselves are replaced, entries in index order", () => {
    expect(vectorArgsAsEntries(["\\theta", "\\theta_1", "\\theta_0"], ["\\theta"], new Set(["\\theta_1", "\\theta_0"]))).toEqual(["\\theta_0", "\\theta_1"]);
    expect(vectorArgsAsEntries(["w", "w_1", "b"], ["w", "b"], new Set(["w", "w_1", "b"]))).toEqual(["w", "w_1", "b"]);
    expect(vectorArgsAsEntries(["\\mathbf{w}", "b", "w_2", "w_1"], ["\\mathbf{w}", "b"], new Set(["b", "w_1", "w_2"]))).toEqual(["w_1", "w_2", "b"]);
    expect(vectorArgsAsEntries(["a", "b"], ["a", "b"], new Set(["a", "b"]))).toEqual(["a", "b"]);
  });
});
