/** The readers under the playground spec: numbers in prose, tables, code arrays, rule structure, claims. */
import {describe, expect, it} from "vitest";
import {findClaims} from "../components/playground/claims.js";
import {readCodeData, readProseData, readTables} from "../src/playground/data.js";
import {classifyRule, isUpdateRule} from "../src/playground/rules.js";
import {readHyper, readNumber, readProseFunctions, readStarts, readSteps} from "../src/playground/text.js";

describe("readHyper / readSteps / readStarts", () => {
  it("Unicode exponents: ε = 10⁻⁸ is 1e-8, not 10", () => {
    expect(readNumber("10⁻⁸")).toBe(1e-8);
    expect(readNumber("10³")).toBe(1000);
    expect(readHyper(["use ρ = 0.9 and ε = 10⁻⁶ for Adadelta"]).epsilon?.value).toBeCloseTo(1e-6, 12);
  });
  it("symbols, words and code kwargs, first occurrence per name, with lines", () => {
    const lines = ["其中 $\\gamma = 0.9$，学习率为0.01。", "ρ = 0.95 and a learning rate of 0.1", "$\\epsilon = 10^{-8}$, β₂ = 0.99", "model = SGD(lr=0.5, momentum=0.8)", "迭代 200 次"];
    const h = readHyper(lines);
    expect(Object.fromEntries(Object.entries(h).map(([k, v]) => [k, [v!.value, v!.line]]))).toEqual({gamma: [0.9, 1], alpha: [0.01, 1], rho: [0.95, 2], epsilon: [1e-8, 3], beta_2: [0.99, 3]});
    expect(readSteps(lines)).toMatchObject({value: 200, line: 5});
  });
  it("a symbol between the word and the value: 学习率 $\\alpha$，例如 0.05", () => {
    expect(readHyper(["选择一个学习率 $\\alpha$，例如 0.05，则有："]).alpha?.value).toBe(0.05);
  });
  it("a rule's own symbol: β of an averaged momentum is γ", () => {
    expect(readHyper(["with $\\beta = 0.8$"], {"\\beta": "gamma"}).gamma?.value).toBe(0.8);
  });
  it("no values where the text gives none (a year, a decay of 1.5)", () => {
    expect(readHyper(["发表于 2017 年，引用 300 次。", "γ = 1.5 is not a decay"])).toEqual({});
  });
  it("start points in Chinese and English, Unicode minus", () => {
    const s = readStarts(["从 (−3, 2) 出发", "starting from (1, 1)", "初始值 θ = [1, -0.5]", "the initial point (4, -1)", "取 (2, 3) 两个点"]);
    expect(s.map((x) => [x.value, x.line])).toEqual([[[-3, 2], 1], [[1, 1], 2], [[1, -0.5], 3], [[4, -1], 4]]);
  });
  it("numbers: 10^{-8}, 1e-3, −2, 1/2", () => {
    expect([readNumber("10^{-8}"), readNumber("1e-3"), readNumber("−2"), readNumber("1/2"), readNumber("abc")]).toEqual([1e-8, 1e-3, -2, 0.5, undefined]);
  });
  it("functions written in prose, outside math and code", () => {
    const f = readProseFunctions(["在条件数很大的二次函数 f(x, y) = x² + 25y² 上，从 (−3, 2) 出发", "$$", "g(u, v) = u^2", "$$", "```", "h(a, b) = a*b", "```"]);
    expect(f.map((x) => [x.value, x.line])).toEqual([["f(x, y) = x^2 + 25y^2", 1]]);
  });
});

describe("data readers", () => {
  it("a markdown table: numeric columns only, with its line", () => {
    const t = readTables(["text", "| 样本 | 名称 | x | y |", "|---|---|---|---|", "| 1 | a | 0.5 | 2 |", "| 2 | b | -1 | 3 |"]);
    expect(t).toEqual([{names: ["样本", "x", "y"], values: [[1, 2], [0.5, -1], [2, 3]], line: 2, kind: "table"}]);
  });
  it("tables laid out across: one variable per row, the heading row included", () => {
    const t = readTables(["| $x^{(i)}$ | -2 | 0 | 1.5 |", "|---|---|---|---|", "| $y^{(i)}$ | −3.1 | 1.0 | 4.9 |", "| note | a | b | c |"]);
    expect(t).toEqual([{names: ["x^{(i)}", "y^{(i)}"], values: [[-2, 0, 1.5], [-3.1, 1, 4.9]], line: 1, kind: "table"}]);
    // an ordinary table whose heading is a word and whose first column counts samples stays column-wise
    expect(readTables(["| i | x | y |", "|---|---|---|", "| 1 | 0.5 | 2 |", "| 2 | -1 | 3 |"])[0].names).toEqual(["i", "x", "y"]);
  });
  it("prose lists and point lists", () => {
    const d = readProseData(["with x = [0, 1, 2] and $y = (1, 3, 5)$", "the points (1, 2), (2, 4), (3, 5)"]);
    expect(d.map((x) => [x.names, x.values])).toEqual([[["x"], [[0, 1, 2]]], [["y"], [[1, 3, 5]]], [["x", "y"], [[1, 2, 3], [2, 4, 5]]]]);
  });
  it("code arrays: np.array literals, columns, arithmetic, seeded random draws flagged", () => {
    const d = readCodeData(["```python", "X = np.array([[1, 2], [3, 4]])", "y = 2 * X[:, 0] + X[:, 1] ** 2", "z = np.random.rand(5, 1)", "w = z * 2", "```"]);
    expect(d.slice(0, 2).map((x) => x.values[0])).toEqual([[[1, 2], [3, 4]], [6, 22]]);
    expect(d[2].random).toBe(true);
    expect(d[3].random).toBe(true);
    expect((d[2].values[0] as number[][]).every((r) => r[0] >= 0 && r[0] < 1)).toBe(true);
    expect(readCodeData(["```js", "x = [1, 2]", "```"])).toEqual([]);
  });
});

describe("update rules by structure", () => {
  const cases: [string, string][] = [
    [String.raw`\theta_{t+1} = \theta_t - \eta \nabla_\theta J(\theta_t)`, "gd"],
    [String.raw`w \leftarrow w - \eta \frac{\partial L}{\partial w}`, "gd"],
    [String.raw`v_t = \gamma v_{t-1} + \eta \nabla_\theta L(\theta_{t-1}) \\ \theta_t = \theta_{t-1} - v_t`, "momentum"],
    [String.raw`v_t = \beta v_{t-1} + (1 - \beta) g_t \\ \theta_t = \theta_{t-1} - \alpha v_t`, "momentum"],
    [String.raw`v_t = \gamma v_{t-1} + \eta \nabla_\theta J(\theta_{t-1} - \gamma v_{t-1}) \\ \theta_t = \theta_{t-1} - v_t`, "nesterov"],
    [String.raw`G_t = G_{t-1} + g_t \odot g_t \\ \theta_{t+1} = \theta_t - \frac{\eta}{\sqrt{G_t + \epsilon}} \odot g_t`, "adagrad"],
    [String.raw`E[g^2]_t = \rho E[g^2]_{t-1} + (1 - \rho) g_t^2 \\ \theta_t = \theta_{t-1} - \frac{\eta}{\sqrt{E[g^2]_t + \epsilon}} g_t`, "rmsprop"],
    [String.raw`m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t \\ v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\ \theta_t = \theta_{t-1} - \eta \frac{m_t}{\sqrt{v_t} + \epsilon}`, "adam"],
    [String.raw`m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t \\ v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\ \theta_t = \theta_{t-1} - \eta (\frac{m_t}{\sqrt{v_t} + \epsilon} + \lambda \theta_{t-1})`, "adamw"]
  ];
  for (const [latex, name] of cases) it(`${name}: ${latex.slice(0, 30)}`, () => {
    expect(isUpdateRule(latex)).toBe(true);
    expect(classifyRule(latex)).toBe(name);
  });
  it("definitions, gradients and limits are not update rules", () => {
    for (const latex of [String.raw`\nabla_{\theta} E = \frac{\partial E}{\partial \theta}`, String.raw`g_t = \nabla_\theta L(\theta_{t-1})`, String.raw`L(w, b) = (w - 1)^2 + b^2`, String.raw`w_{t+1} = w_t - \alpha \nabla_w J(w_t) \to w^*`, String.raw`\hat{y}_i = w x_i + b`])
      expect(isUpdateRule(latex)).toBe(false);
  });
});

describe("claims in prose", () => {
  it("oscillation with its axis, faster-than with the compared one (implied GD), negation", () => {
    const c = findClaims(["GD 在 y 方向上来回震荡；动量和 RMSProp 更快到达最小值。", "Adam converges faster than SGD.", "Momentum does not oscillate along x."]);
    expect(c.map((x) => [x.line, x.kind, x.subjects, x.than ?? null, x.axisName ?? null, x.negated])).toEqual([
      [1, "oscillates", ["gd"], null, "y", false],
      [1, "faster", ["momentum", "rmsprop"], "gd", null, false],
      [2, "faster", ["adam"], "gd", null, false],
      [3, "oscillates", ["momentum"], null, "x", true]
    ]);
  });
  it("what a method is for, code and tables are no claims", () => {
    expect(findClaims(["动量法用过去的梯度抑制震荡。", "```", "# momentum converges faster", "```", "| Adam | faster |"])).toEqual([]);
  });
});
