/**
 * The playground's reading on documents written after it was built: the step size under a letter no table lists
 * (ζ, κ, λ₀), ε recognised by where it sits (√s + δ), a start point that names its parameters.
 */
import {mkdtempSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, test} from "vitest";
import {loadAll} from "../src/generate.js";
import {readPlayground} from "../src/playground/index.js";

function read(md: string) {
  const dir = mkdtempSync(join(tmpdir(), "gb-pg-heldout-"));
  writeFileSync(join(dir, "a.md"), md);
  const {chapters} = loadAll(dir, dir);
  return readPlayground(chapters[0]).spec;
}

describe("playground defaults and starts from text it was not tuned to", () => {
  test("RMSProp with κ and δ: κ is the learning rate, δ is ε, ρ is ρ", () => {
    const spec = read(`# R

## 3. Algorithm

$$
r_t = \\rho r_{t-1} + (1 - \\rho) g_t^2 \\\\
\\phi_t = \\phi_{t-1} - \\frac{\\kappa}{\\sqrt{r_t} + \\delta} g_t
$$

Take $\\kappa = 0.02$, $\\rho = 0.8$ and $\\delta = 10^{-6}$.
`);
    expect(spec.rules.map((r) => [r.name, r.symbols])).toEqual([["rmsprop", {"\\rho": "rho", "\\delta": "epsilon", "\\kappa": "alpha"}]]);
    expect([spec.defaults.alpha, spec.defaults.rho, spec.defaults.epsilon]).toEqual([0.02, 0.8, 1e-6]);
  });

  test("momentum with ζ as its step: ζ is the learning rate; (a, c) = (1, −1) starts the objective in a and c", () => {
    const spec = read(`# M

## 3. Algorithm

$$
m_t = \\beta m_{t-1} + \\nabla E(\\theta_{t-1}) \\\\
\\theta_t = \\theta_{t-1} - \\zeta m_t
$$

## 4. Math

| s | r |
|---|---|
| 1 | 2 |
| 2 | 3 |
| 3 | 5 |

$$
E(a, c) = \\frac{1}{6} \\sum_{k=1}^{3} (a s_k + c - r_k)^2
$$

With $\\zeta = 0.03$ and $\\beta = 0.7$, starting from $(a, c) = (1, -1)$, and on the bowl $h(p, q) = p^2 + 4 q^2$ starting from (2, 2).
`);
    expect(spec.rules[0].symbols).toEqual({"\\beta": "gamma", "\\zeta": "alpha"});
    expect([spec.defaults.alpha, spec.defaults.gamma]).toEqual([0.03, 0.7]);
    const own = spec.surfaces.filter((s) => s.line !== null);
    const E = own.find((s) => s.params.join() === "a,c")!;
    const h = own.find((s) => s.params.join() === "p,q")!;
    expect(E.start).toEqual([1, -1]);
    expect(h.start).toEqual([2, 2]);
  });
});
