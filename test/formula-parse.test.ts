import {readFileSync, readdirSync} from "node:fs";
import {describe, expect, test} from "vitest";
import {FormulaError} from "../components/formula/ast.js";
import {parseExpression, parseFormula} from "../components/formula/parse.js";
import {lineToLatex, toLatex} from "../components/formula/print.js";

const errorOf = (latex: string): FormulaError => {
  try {
    parseFormula(latex);
  } catch (e) {
    if (e instanceof FormulaError) return e;
    throw e;
  }
  throw new Error(`expected ${latex} to fail`);
};

describe("parseFormula(latex)", () => {
  test("sum body binds tighter than +: the printed BCE sum covers only its first term", () => {
    const f = parseFormula(String.raw`J(w_0) = -\frac{1}{n} \sum_{i=1}^{n} y_i \log(\hat{y}_i) + (1 - y_i) \log(1 - \hat{y}_i)`);
    const rhs = f.lines[0].rest[0].node;
    expect(rhs.type).toBe("add");
    if (rhs.type !== "add") return;
    expect(rhs.terms).toHaveLength(2);
    expect(rhs.terms[0].sign).toBe(-1);
    expect(rhs.terms[0].node.type).toBe("mul");
  });
  test("symbols: hats, primes, labels, time subscripts", () => {
    const y = parseExpression(String.raw`y_i'`);
    expect(y).toMatchObject({type: "sym", name: "y'", subText: "i"});
    expect(parseExpression(String.raw`\hat{y}_i`)).toMatchObject({type: "sym", name: "\\hat{y}", subText: "i"});
    expect(parseExpression(String.raw`W^{(l)}_{k}`)).toMatchObject({type: "sym", name: "W^{(l)}", subText: "k"});
    expect(parseExpression(String.raw`m_{t-1}`)).toMatchObject({type: "sym", name: "m", subText: "t-1"});
    expect(parseExpression(String.raw`w^*`)).toMatchObject({type: "sym", name: "w^*"});
    expect(parseExpression(String.raw`\beta_1^t`)).toMatchObject({type: "pow", base: {name: "\\beta", subText: "1"}, exp: {name: "t"}});
    expect(parseExpression("MSE")).toMatchObject({type: "sym", name: "MSE"});
    expect(parseFormula("Cross-Entropy = 1").lines[0].first).toMatchObject({type: "sym", name: "Cross-Entropy"});
  });
  test("gradients: nabla with subscript, partial fraction", () => {
    expect(parseExpression(String.raw`\nabla_w J(w_t)`)).toMatchObject({type: "grad", style: "nabla", wrt: {name: "w"}, of: {type: "call", fn: "J"}});
    expect(parseExpression(String.raw`\frac{\partial L}{\partial W}`)).toMatchObject({type: "grad", style: "partial", wrt: {name: "W"}, of: {name: "L"}});
    expect(parseExpression(String.raw`\nabla_{\theta} L(\theta)`)).toMatchObject({type: "grad", wrt: {name: "\\theta"}});
  });
  test("attention: implicit QK^T, \\text{softmax}\\left(…\\right), \\sqrt", () => {
    const f = parseFormula(String.raw`\text{Attention}(Q, K, V) = \text{softmax}\left(\frac{QK^T}{\sqrt{d_k}}\right)V`);
    expect(f.lines[0].first).toMatchObject({type: "call", fn: "Attention", builtin: true});
    expect(toLatex(f.lines[0].rest[0].node)).toBe(String.raw`\text{softmax}\left(\frac{Q K^T}{\sqrt{d_k}}\right) V`);
  });
  test("aligned environment with &= and multi-line \\\\ systems", () => {
    const f = parseFormula(String.raw`\begin{aligned} y &= \sigma(W \cdot x + b) \\ L &= -\frac{1}{m} \sum_{i=1}^{m} y_i \log(y_i') \end{aligned}`);
    expect(f.environment).toBe("aligned");
    expect(f.lines).toHaveLength(2);
    expect(f.lines[0].first).toMatchObject({name: "y"});
    const adam = parseFormula("m_t = \\beta_1 m_{t-1} \\\\\n v_t = \\beta_2 v_{t-1} \\\\");
    expect(adam.lines).toHaveLength(2);
  });
  test("relation chain with an annotation: \\to w^* \\quad (t \\to \\infty)", () => {
    const line = parseFormula(String.raw`w_{t+1} = w_t - \alpha \nabla_w J(w_t) \to w^* \quad (t \to \infty)`).lines[0];
    expect(line.rest.map((r) => r.rel)).toEqual(["=", "\\to"]);
    expect(line.annotation?.rest[0].rel).toBe("\\to");
    expect(lineToLatex(line)).toBe(String.raw`w_{t+1} = w_t - \alpha \nabla_{w} J(w_t) \to w^* \quad (t \to \infty)`);
  });
  test("sets, tuples with ellipses, vectors", () => {
    expect(parseFormula(String.raw`D = \{(x_i, y_i)\}_{i=1}^{m}`).lines[0].rest[0].node).toMatchObject({type: "set", subText: "i=1", supText: "m"});
    expect(parseExpression(String.raw`(x_1, y_1), ..., (x_n, y_n)`)).toMatchObject({type: "list", items: [{type: "tuple"}, {type: "ellipsis"}, {type: "tuple"}]});
    expect(parseFormula(String.raw`\theta = [1, 1]`).lines[0].rest[0].node).toMatchObject({type: "vector"});
  });
});

describe("notation read as the tutorials write it", () => {
  test("norms and absolute values: \\|x\\|, \\|x\\|_1, ||x||, |x|, \\left|x\\right|, \\lvert x \\rvert", () => {
    expect(parseExpression(String.raw`\frac{1}{2n} \|X\mathbf{w} - \mathbf{y}\|^2`)).toMatchObject({type: "mul", right: {type: "pow", base: {type: "call", fn: "norm", args: [{type: "add"}]}, exp: {value: 2}}});
    expect(parseExpression(String.raw`\|w\|_1`)).toMatchObject({type: "call", fn: "norm1"});
    expect(parseExpression(String.raw`||w||`)).toMatchObject({type: "call", fn: "norm"});
    expect(parseExpression(String.raw`\lambda \sum_{k=1}^{d} |w_k|`)).toMatchObject({type: "mul", right: {type: "sum", body: {type: "call", fn: "abs", args: [{name: "w", subText: "k"}]}}});
    expect(parseExpression(String.raw`\frac{w}{|w|^2}`)).toMatchObject({type: "div", den: {type: "pow", base: {type: "call", fn: "abs"}}});
    expect(parseExpression(String.raw`\left| z \right| + \lvert y \rvert`)).toMatchObject({type: "add", terms: [{node: {fn: "abs"}}, {node: {fn: "abs"}}]});
    expect(toLatex(parseExpression(String.raw`\|w\|^2 + |z|`))).toBe(String.raw`\left\|w\right\|^{2} + \left|z\right|`);
  });
  test("assignments (\\leftarrow, :=, \\gets) are equations whose left side is no claim; `, \\quad` separates equations", () => {
    const a = parseFormula(String.raw`w \leftarrow w - \eta g`).lines[0];
    expect(a).toMatchObject({assign: true, rest: [{rel: "="}]});
    expect(parseFormula(String.raw`\mathbf{w} := \mathbf{w} - \eta \nabla_{\mathbf{w}} \ell`).lines[0]).toMatchObject({assign: true, first: {name: "w"}});
    expect(parseFormula("a = b").lines[0].assign).toBeUndefined();
    const two = parseFormula(String.raw`S_{0.5}(2) = 1.5, \quad S_{0.5}(-0.3) = 0`);
    expect(two.lines).toHaveLength(2);
    expect(two.lines[1]).toMatchObject({rest: [{node: {value: 0}}]});
    expect(parseFormula(String.raw`x = 1, y`).lines[0].rest[0].node.type).toBe("list");
  });
  test("gradients without a subscript, orders above one, operators, powers of functions, \\mathrm{sign}", () => {
    expect(parseExpression(String.raw`\nabla f(x, y)`)).toMatchObject({type: "grad", wrt: {type: "tuple", items: [{name: "x"}, {name: "y"}]}, of: {type: "call", fn: "f"}});
    expect(parseExpression(String.raw`\nabla J_2`)).toMatchObject({type: "grad", wrt: {type: "tuple", items: []}, of: {name: "J", subText: "2"}});
    expect(parseExpression(String.raw`\nabla f(\theta_t + \mu v_t)`)).toMatchObject({type: "grad", wrt: {type: "add"}, of: {type: "call", fn: "f"}});
    expect(parseExpression(String.raw`\nabla_{\theta} \frac{1}{B} \sum_{b=1}^{B} \ell_b`)).toMatchObject({type: "grad", of: {type: "mul", left: {type: "div"}, right: {type: "sum"}}});
    expect(parseExpression(String.raw`\frac{\partial^2 J}{\partial a^2}`)).toMatchObject({type: "grad", wrt: {name: "a"}, of: {type: "grad", wrt: {name: "a"}, of: {name: "J"}}});
    expect(parseExpression(String.raw`\frac{\partial^2 J}{\partial a \partial c}`)).toMatchObject({type: "grad", wrt: {name: "a"}, of: {type: "grad", wrt: {name: "c"}}});
    expect(parseExpression(String.raw`\frac{\partial}{\partial w} L`)).toMatchObject({type: "grad", wrt: {name: "w"}, of: {name: "L"}});
    expect(parseExpression(String.raw`1 - \tanh^2(z)`)).toMatchObject({type: "add", terms: [{}, {sign: -1, node: {type: "pow", base: {type: "call", fn: "tanh"}, exp: {value: 2}}}]});
    expect(parseExpression(String.raw`\mathrm{sign}(z)`)).toMatchObject({type: "call", fn: "sign", builtin: true});
    expect(parseExpression(String.raw`\operatorname{sgn}(z)`)).toMatchObject({type: "call", fn: "sign", builtin: true});
  });
});

describe("parse errors name the token and offset", () => {
  test("unknown command", () => {
    const e = errorOf(String.raw`x = \foo{y}`);
    expect(e.offset).toBe(4);
    expect(e.token).toBe("\\foo");
    expect(e.message).toMatch(/unknown command \\foo/);
  });
  test("unclosed brace and \\left without \\right", () => {
    expect(errorOf(String.raw`\frac{a}{b`).message).toMatch(/unclosed|expected|unexpected/);
    const e = errorOf(String.raw`\left( a + b`);
    expect(e.message).toMatch(/\\left\( at offset 0 is not closed by \\right/);
  });
  test("\\partial outside a fraction; sum without index; stray operator", () => {
    expect(errorOf(String.raw`a + \partial L`)).toMatchObject({offset: 4, token: "\\partial"});
    expect(errorOf(String.raw`\sum x`).message).toMatch(/\\sum needs an index/);
    const e = errorOf("a = * b");
    expect(e.offset).toBe(4);
    expect(e.token).toBe("*");
  });
  test("mismatched environment", () => {
    expect(errorOf(String.raw`\begin{aligned} a = 1 \end{align}`).message).toMatch(/closed by \\end\{align\}/);
    expect(errorOf(String.raw`\begin{pmatrix} 1 \end{pmatrix}`).message).toMatch(/unsupported environment "pmatrix"/);
  });
});

describe("every formula in chapters/*.md", () => {
  const dir = "chapters";
  const all: {file: string; line: number; latex: string}[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".md"))) {
    const text = readFileSync(`${dir}/${file}`, "utf8");
    for (const m of text.matchAll(/\$\$([\s\S]+?)\$\$|\$([^$\n]+?)\$/g)) all.push({file, line: text.slice(0, m.index).split("\n").length, latex: (m[1] ?? m[2]).trim()});
  }
  test("there are formulas to parse", () => expect(all.length).toBeGreaterThan(90));
  test.each(all.map((a) => [`${a.file}:${a.line} ${a.latex.slice(0, 40)}`, a] as const))("%s parses", (_, a) => {
    expect(() => parseFormula(a.latex)).not.toThrow();
  });
});

describe("fuzz: random token soup only ever fails with FormulaError", () => {
  test("2000 seeded strings: parse and evaluate throw nothing but FormulaError", async () => {
    const {mulberry32} = await import("../components/math/random.js");
    const {evaluate} = await import("../components/formula/evaluate.js");
    const rng = mulberry32(99);
    const atoms = ["x", "y_i", "\\hat{y}_i", "y_i'", "2", "\\frac{", "}{", "}", "{", "(", ")", "\\left(", "\\right)", "+", "-", "\\cdot", "^", "_", "^T", "\\sum_{i=1}^{n}", "\\log", "\\sqrt{", "\\sigma(", "\\nabla_w", "\\partial", "=", "\\\\", "&", "\\text{softmax}", "\\begin{aligned}", "\\end{aligned}", "\\quad", "\\to", ",", "[", "]", "\\{", "\\}", "'", "\\foo", "$", "\\", "MSE", "QK^T", "\\beta_1^t", "m_{t-1}"];
    let parsed = 0;
    for (let k = 0; k < 2000; k++) {
      const len = 1 + Math.floor(rng() * 10);
      const latex = Array.from({length: len}, () => atoms[Math.floor(rng() * atoms.length)]).join(" ");
      let f;
      try {
        f = parseFormula(latex);
        parsed++;
      } catch (e) {
        if (!(e instanceof FormulaError)) throw new Error(`${latex} threw ${(e as Error).name}: ${(e as Error).message}`);
        expect(e.offset).toBeGreaterThanOrEqual(0);
        expect(e.offset).toBeLessThanOrEqual(latex.length);
        continue;
      }
      for (const line of f.lines) {
        try {
          evaluate(line.rest.length ? line.rest[0].node : line.first, {x: 1, y: [1, 2], n: 2}, {latex});
        } catch (e) {
          if (!(e instanceof FormulaError)) throw new Error(`evaluating ${latex} threw ${(e as Error).name}: ${(e as Error).message}`);
        }
      }
    }
    expect(parsed).toBeGreaterThan(50); // 93 of 2000 parse with seed 99: the evaluator is exercised too
  });
});
