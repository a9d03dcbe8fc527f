/**
 * Claims about reaching the minimum within a step count ("within 9 steps", "在 8 步内收敛", "after 5 steps it is still
 * far from the minimum"), any method name (Adadelta too), judged at the text's settings by one stated criterion:
 * within 0.01 of the minimiser from step N on. Documents written for this test; numbers computed by hand.
 */
import {mkdtempSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {convergedBy} from "../components/playground/convergence.js";
import {findClaims} from "../components/playground/claims.js";
import {setLanguage} from "../components/i18n/index.js";
import {loadAll} from "../src/generate.js";
import {readPlayground} from "../src/playground/index.js";

function read(md: string) {
  const dir = mkdtempSync(join(tmpdir(), "gb-pg-within-"));
  writeFileSync(join(dir, "a.md"), md);
  const {chapters} = loadAll(dir, dir);
  return readPlayground(chapters[0]).spec;
}

// GD on x² + y² with α = 0.25 halves the iterate: from (2, 2) its distance to (0, 0) after N steps is 2√2 / 2^N,
// 0.01105 after 8 steps and 0.00552 after 9.
const bowlEn = (claims: string) => `# Bowl

## 3. Algorithm

$$
\\mathbf{x}_{t+1} = \\mathbf{x}_t - \\eta \\nabla f(\\mathbf{x}_t)
$$

## 4. Example

Take $f(x, y) = x^2 + y^2$ starting from (2, 2) with learning rate $\\eta = 0.25$, for 20 steps.

${claims}
`;

describe("reaching the minimum within N steps", () => {
  it("is judged by distance to the minimiser at the text's settings: true within 9 steps, false within 8", () => {
    setLanguage("en");
    const spec = read(bowlEn("Gradient descent converges to the minimum within 9 steps.\n\nGradient descent converges within 8 iterations on this bowl."));
    const [nine, eight] = spec.claims;
    expect(nine).toMatchObject({holds: true, atText: true, check: {converges: "gd", steps: 9, tolerance: 0.01}});
    expect(nine.criterion).toMatch(/from step 9 on.*within 0\.01/);
    expect(nine.preset.alpha).toBe(0.25);
    expect(eight).toMatchObject({holds: false, check: {converges: "gd", steps: 8}});
    // the page says how far it still is: 2√2 / 256 = 0.0110
    expect(eight.note).toMatch(/text's settings \(α = 0\.25\).*still 0\.011 from the minimiser at step 8.*criterion/);
    setLanguage("zh-CN");
  });

  it("a sentence about \"it\" takes the method named before; \"still far from the minimum\" is the negation", () => {
    const spec = read(bowlEn("We run gradient descent on it. After 5 steps it is still far from the minimum.\n\nGradient descent is simple. After 12 steps it is still far from the minimum."));
    const [five, twelve] = spec.claims;
    // 2√2 / 32 = 0.088 > 0.01: still far, the claim holds; 2√2 / 4096 = 0.0007: the claim fails
    expect(five).toMatchObject({holds: true, check: {converges: "gd", negated: 1, steps: 5}});
    expect(twelve).toMatchObject({holds: false, check: {converges: "gd", negated: 1, steps: 12}});
    expect(twelve.note).toBe("at the text's settings (α = 0.25), Gradient descent is within 0.01 of the minimiser from step 12 on");
  });

  it("Chinese: 在 N 步内收敛, with the criterion in Chinese", () => {
    const spec = read(`# 碗

## 核心算法

$$
w_{t+1} = w_t - \\alpha \\nabla f(w_t)
$$

## 数学模型

取 $f(x, y) = x^2 + y^2$，从 (2, 2) 出发，学习率 $\\alpha = 0.25$，迭代 20 步。

梯度下降在 9 步内收敛。梯度下降在 8 步内就能收敛到最小值。
`);
    expect(spec.claims.map((c) => [c.check?.steps, c.holds])).toEqual([[9, true], [8, false]]);
    expect(spec.claims[0].criterion).toBe("判据：从第 9 步起，每一步与最小值点 x* 的距离都小于 0.01");
    expect(spec.claims[1].note).toMatch(/^在原文的设置下（α = 0\.25），梯度下降 GD 第 8 步时离最小值点还有 0\.011（判据/);
  });

  it("Adadelta is a name claims know; it runs at the text's ρ and ε with the paper's learning rate 1", () => {
    const spec = read(`# A

## 3. Algorithm

$$
\\begin{aligned}
E[g^2]_t &= \\rho E[g^2]_{t-1} + (1 - \\rho) g_t^2 \\\\
\\Delta x_t &= -\\frac{\\sqrt{E[\\Delta x^2]_{t-1} + \\epsilon}}{\\sqrt{E[g^2]_t + \\epsilon}} g_t \\\\
E[\\Delta x^2]_t &= \\rho E[\\Delta x^2]_{t-1} + (1 - \\rho) \\Delta x_t^2 \\\\
x_t &= x_{t-1} + \\Delta x_t
\\end{aligned}
$$

## 4. Example

On $f(x, y) = x^2 + y^2$ starting from (2, 2), with $\\rho = 0.95$ and $\\epsilon = 10^{-6}$.

Adadelta converges to the minimum within 100 steps.
`);
    // an independent loop of Zeiler's update at ρ = 0.95, ε = 1e-6 from (2, 2)
    let w = [2, 2], E = [0, 0], D = [0, 0];
    for (let t = 0; t < 100; t++) {
      const g = w.map((v) => 2 * v);
      E = E.map((e, i) => 0.95 * e + 0.05 * g[i] ** 2);
      const dx = g.map((gi, i) => (-Math.sqrt(D[i] + 1e-6) / Math.sqrt(E[i] + 1e-6)) * gi);
      D = D.map((d, i) => 0.95 * d + 0.05 * dx[i] ** 2);
      w = w.map((v, i) => v + dx[i]);
    }
    const dist = Math.hypot(...w);
    expect(dist).toBeGreaterThan(0.5);
    const [c] = spec.claims;
    expect(c).toMatchObject({holds: false, check: {converges: "adadelta", steps: 100}});
    expect(c.note).toContain(`ρ = 0.95, ε = 10⁻⁶`);
    expect(c.note).toContain(`Adadelta is still ${+dist.toPrecision(3)} from the minimiser at step 100`);
  });
});

describe("convergedBy: at step N and every step after it", () => {
  const run = (xs: number[]) => ({path: xs.map((x) => [x]), losses: xs.map((x) => x * x), stopped: null});
  it("a path that passes through the minimum and leaves it has not converged", () => {
    expect(convergedBy(run([1, 0.001, 0.5, 0.001]), [0], 1)).toEqual({converged: false, distance: 0.001, leaves: {step: 2, distance: 0.5}});
    expect(convergedBy(run([1, 0.5, 0.001]), [0], 1)).toEqual({converged: false, distance: 0.5});
    expect(convergedBy(run([1, 0.001, 0.5, 0.001]), [0], 3)).toEqual({converged: true, distance: 0.001});
    expect(convergedBy(run([1, 0.5]), [0], 5).converged).toBe(false);
  });
  it("findClaims reads the step count and the kind in both languages; names are whole names", () => {
    expect(findClaims(["RMSProp 在 50 次迭代内收敛。"])[0]).toMatchObject({kind: "converges", subjects: ["rmsprop"], pinned: {steps: 50}, negated: false});
    expect(findClaims(["Momentum converges within 30 iterations."])[0]).toMatchObject({kind: "converges", subjects: ["momentum"], pinned: {steps: 30}});
    expect(findClaims(["Adam 迭代 100 步后离最小值还很远。"])[0]).toMatchObject({kind: "converges", subjects: ["adam"], negated: true});
    expect(findClaims(["Gradient descent needs more than 200 iterations to converge."])[0]).toMatchObject({kind: "converges", pinned: {steps: 200}, negated: true});
    expect(findClaims(["AdaGrad 需要 300 步以上才能收敛。"])[0]).toMatchObject({kind: "converges", subjects: ["adagrad"], pinned: {steps: 300}, negated: true});
    // a heading names a topic; the reason after "because" names no subject
    expect(findClaims(["# 动量法：在狭长山谷中加速"])).toEqual([]);
    expect(findClaims(["RMSProp reaches the minimum in fewer steps than Adam, because Adam's first moment carries momentum."])[0]).toMatchObject({subjects: ["rmsprop"], than: "adam"});
    // "Nesterov 加速梯度", "Nesterov momentum" are one name: no claim of speed, no second subject
    expect(findClaims(["Nesterov 加速梯度（NAG）在动量法的基础上做了一个小改动。"])).toEqual([]);
    expect(findClaims(["Nesterov accelerated gradient evaluates the gradient at a look-ahead point."])).toEqual([]);
    expect(findClaims(["Nesterov 动量法比 AdaGrad 更快到达最小值。"])[0]).toMatchObject({kind: "faster", subjects: ["nesterov"], than: "adagrad"});
  });
});
