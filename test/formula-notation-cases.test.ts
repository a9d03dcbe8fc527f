/** Piecewise definitions (\begin{cases} inside an expression) and the conditions they test: parse, evaluate, autodiff. */
import * as tf from "@tensorflow/tfjs";
import {describe, expect, test} from "vitest";
import type {Node} from "../components/formula/ast.js";
import {evaluate, evaluateWith} from "../components/formula/evaluate.js";
import {parseFormula} from "../components/formula/parse.js";
import {lineToLatex} from "../components/formula/print.js";
import {tfOps} from "../components/formula/tfOps.js";

await tf.setBackend("cpu");

/** The right side of the formula's (first) line. */
const rhs = (latex: string): Node => {
  const line = parseFormula(latex).lines[0];
  return line.rest.length ? line.rest[line.rest.length - 1].node : line.first;
};

describe("\\begin{cases} as a value", () => {
  const huber = String.raw`H_\delta(r) = \begin{cases} \frac12 r^2 & |r| \le \delta \\ \delta(|r| - \frac12\delta) & \text{otherwise} \end{cases}`;

  test("Huber: the first branch whose condition holds, entrywise over a vector", () => {
    // δ = 1: r = 0.5 → 0.125; r = -2 → 1·(2 − 0.5) = 1.5; r = 3 → 2.5; r = 1 (on the boundary, |r| ≤ δ) → 0.5
    expect(evaluate(rhs(huber), {r: [0.5, -2, 3, 1], "\\delta": 1})).toEqual([0.125, 1.5, 2.5, 0.5]);
    expect(evaluate(rhs(huber), {r: 4, "\\delta": 2})).toBe(6); // 2·(4 − 1)
  });

  test("the node: builtin cases over (value, condition) pairs, otherwise as the condition 1", () => {
    const n = rhs(huber);
    expect(n).toMatchObject({type: "call", fn: "cases", builtin: true});
    const args = (n as Extract<Node, {type: "call"}>).args;
    expect(args).toHaveLength(4);
    expect(args[1]).toMatchObject({type: "call", fn: "le", args: [{type: "call", fn: "abs"}, {type: "sym", name: "\\delta"}]});
    expect(args[3]).toMatchObject({type: "num", value: 1});
  });

  test("ReLU with trailing commas after the values, > and \\le", () => {
    const latex = String.raw`\mathrm{ReLU}(x) = \begin{cases} x, & x > 0 \\ 0, & x \le 0 \end{cases}`;
    expect(evaluate(rhs(latex), {x: [-1.5, 0, 2]})).toEqual([0, 0, 2]);
  });

  test("\\text{if } before a condition with =, \\text{otherwise}", () => {
    const latex = String.raw`p_t = \begin{cases} p & \text{if } y = 1 \\ 1 - p & \text{otherwise} \end{cases}`;
    expect(evaluate(rhs(latex), {p: 0.8, y: 1})).toBe(0.8);
    expect(evaluate(rhs(latex), {p: 0.8, y: 0})).toBeCloseTo(0.2, 12);
    // y a vector of labels: p_t per sample
    const v = evaluate(rhs(latex), {p: [0.9, 0.3, 0.6], y: [1, 0, 1]}) as number[];
    expect(v.map((x) => +x.toFixed(12))).toEqual([0.9, 0.7, 0.6]);
  });

  test("every relation a condition may use: <, >, \\le, \\leq, \\ge, \\geq, =, \\neq", () => {
    const at = (cond: string, x: number[]) => evaluate(rhs(String.raw`f = \begin{cases} 1 & ${cond} \\ 0 & \text{else} \end{cases}`), {x});
    const x = [-1, 0, 1];
    expect(at("x < 0", x)).toEqual([1, 0, 0]);
    expect(at("x > 0", x)).toEqual([0, 0, 1]);
    expect(at("x \\le 0", x)).toEqual([1, 1, 0]);
    expect(at("x \\leq 0", x)).toEqual([1, 1, 0]);
    expect(at("x \\ge 0", x)).toEqual([0, 1, 1]);
    expect(at("x \\geq 0", x)).toEqual([0, 1, 1]);
    expect(at("x = 0", x)).toEqual([0, 1, 0]);
    expect(at("x \\neq 0", x)).toEqual([1, 0, 1]);
    // a chain: each link must hold
    expect(at("-1 < x \\le 1", x)).toEqual([0, 1, 1]);
  });

  test("Chinese default branches (其他, 否则), no condition on the last branch, \\quad as the separator, a full stop", () => {
    const zh = (word: string) => String.raw`g(x) = \begin{cases} 2x & x \ge 1 \\ -x & \text{${word}} \end{cases}`;
    expect(evaluate(rhs(zh("其他")), {x: [3, 0.5]})).toEqual([6, -0.5]);
    expect(evaluate(rhs(zh("否则")), {x: [3, 0.5]})).toEqual([6, -0.5]);
    expect(evaluate(rhs(String.raw`s = \begin{cases} a \quad a > b \\ b \end{cases}.`), {a: 2, b: 5})).toBe(5);
    expect(evaluate(rhs(String.raw`s = \begin{cases} a, \quad \text{for } a > b, \\ b, \quad \text{otherwise}. \end{cases}`), {a: 7, b: 5})).toBe(7);
  });

  test("no branch holds: NaN there, not a thrown error", () => {
    const v = evaluate(rhs(String.raw`f = \begin{cases} 1 & x > 0 \\ -1 & x < 0 \end{cases}`), {x: [2, 0]}) as number[];
    expect(v[0]).toBe(1);
    expect(v[1]).toBeNaN();
  });

  test("a branch value that is a vector beside scalar conditions, and a matrix of conditions", () => {
    expect(evaluate(rhs(String.raw`v = \begin{cases} w & c > 0 \\ 0 & \text{otherwise} \end{cases}`), {w: [1, 2], c: 1})).toEqual([1, 2]);
    expect(evaluate(rhs(String.raw`v = \begin{cases} X & X > 0 \\ 0 & \text{otherwise} \end{cases}`), {X: [[1, -2], [-3, 4]]})).toEqual([[1, 0], [0, 4]]);
  });

  test("prints back as a cases environment", () => {
    expect(lineToLatex(parseFormula(String.raw`p_t = \begin{cases} p & \text{if } y = 1 \\ 1 - p & \text{otherwise} \end{cases}`).lines[0])).toBe(
      String.raw`p_t = \begin{cases} p & y = 1 \\ 1 - p & \text{otherwise} \end{cases}`
    );
  });

  test("a formula that is only a cases environment: an expression, or else a system of equations", () => {
    const expr = parseFormula(String.raw`\begin{cases} x & x > 0 \\ 0 & \text{otherwise} \end{cases}`);
    expect(expr.lines).toHaveLength(1);
    expect(evaluate(expr.lines[0].first, {x: [-1, 3]})).toEqual([0, 3]);
    const system = parseFormula(String.raw`\begin{cases} x + y = 3 \\ x - y = 1 \end{cases}`);
    expect(system.environment).toBe("cases");
    expect(system.lines.map((l) => l.rest[0].rel)).toEqual(["=", "="]);
    expect(evaluate(system.lines[1].first, {x: 2, y: 1})).toBe(1);
  });

  test("inside an aligned system: its own \\\\ and & stay with the cases, the system's with the lines", () => {
    const f = parseFormula(String.raw`\begin{aligned} f &= \begin{cases} x & x > 0 \\ 0 & \text{otherwise} \end{cases} \\ g &= 2 f \end{aligned}`);
    expect(f.lines).toHaveLength(2);
    expect(evaluate(f.lines[0].rest[0].node, {x: [-1, 2]})).toEqual([0, 2]);
    expect(evaluate(f.lines[1].rest[0].node, {f: 3})).toBe(6);
  });

  test("errors: a relation that is no condition, an unclosed environment", () => {
    expect(() => parseFormula(String.raw`f = \begin{cases} 1 & x \in A \\ 0 & \text{otherwise} \end{cases}`)).toThrow(/not a condition/);
    expect(() => parseFormula(String.raw`f = \begin{cases} 1 & x > 0`)).toThrow(/missing \\end\{cases\}/);
  });
});

describe("cases on tf tensors (tf.where): autodiff flows through the branch taken", () => {
  const huber = rhs(String.raw`H = \begin{cases} \frac{1}{2} r^2 & |r| \le \delta \\ \delta (|r| - \frac{1}{2}\delta) & \text{otherwise} \end{cases}`);
  const value = (r: number[], delta: number) =>
    tf.tidy(() => evaluateWith(huber, {ops: tfOps, vars: {r: tf.tensor(r), "\\delta": tf.scalar(delta)}}).arraySync());
  const gradient = (r: number[], delta: number) =>
    tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(evaluateWith(huber, {ops: tfOps, vars: {r: x, "\\delta": tf.scalar(delta)}})))(tf.tensor(r)).arraySync());

  test("values agree with the plain-number evaluation", () => {
    expect(value([0.5, -2, 3], 1)).toEqual([0.125, 1.5, 2.5]);
  });

  test("dH/dr is r inside [-δ, δ] and δ·sign(r) outside, entrywise", () => {
    const g = gradient([0.5, -2, 3, -0.25], 1) as number[];
    expect(g.map((x) => +x.toFixed(6))).toEqual([0.5, -1, 1, -0.25]);
  });

  test("no tensors leak", () => {
    const before = tf.memory().numTensors;
    gradient([0.5, -2], 1);
    expect(tf.memory().numTensors).toBe(before);
  });
});
