import {describe, expect, test} from "vitest";
import type {Node} from "../components/formula/ast.js";
import {differentiate, foldIndexed, substituteIndexed} from "../components/formula/diff.js";
import {evaluate} from "../components/formula/evaluate.js";
import {parseExpression} from "../components/formula/parse.js";
import {toLatex} from "../components/formula/print.js";

const wrt = (key: string) => (s: Extract<Node, {type: "sym"}>) => (s.subText ? `${s.name}_${s.subText}` : s.name) === key;
const d = (latex: string, key: string) => differentiate(parseExpression(latex), wrt(key));

describe("differentiate(node, wrt)", () => {
  test("power, product, quotient and chain rules, printed", () => {
    expect(toLatex(d("x^2", "x"))).toBe("2 x");
    expect(toLatex(d("3 x + y", "x"))).toBe("3");
    expect(toLatex(d(String.raw`\log(x)`, "x"))).toBe(String.raw`\frac{1}{x}`);
    expect(toLatex(d(String.raw`\sigma(w x)`, "w"))).toBe(String.raw`\sigma(w x) (1 - \sigma(w x)) x`);
    expect(toLatex(d(String.raw`\frac{1}{x}`, "x"))).toBe(String.raw`-\frac{1}{x^{2}}`);
  });
  test("values agree with central differences at a point", () => {
    const cases: [string, string, Record<string, number>][] = [
      [String.raw`\frac{x^2 + 1}{\sqrt{x}}`, "x", {x: 1.7}],
      [String.raw`\exp(-a x) \log(1 + x^2)`, "x", {x: 0.4, a: 2}],
      [String.raw`\sigma(\theta x + b)^2`, "\\theta", {"\\theta": -0.3, x: 1.2, b: 0.5}]
    ];
    for (const [latex, key, vars] of cases) {
      const node = parseExpression(latex);
      const h = 1e-6, f = (v: number) => evaluate(node, {...vars, [key]: v}) as number;
      const numeric = (f(vars[key] + h) - f(vars[key] - h)) / (2 * h);
      expect(evaluate(differentiate(node, wrt(key)), vars) as number).toBeCloseTo(numeric, 6);
    }
  });
  test("through a link and back: BCE of q_k = σ(a z_k) differentiated in a, folded to q_k", () => {
    const loss = parseExpression(String.raw`-\sum_{k=1}^{2} \left(r_k \ln(q_k) + (1 - r_k) \ln(1 - q_k)\right)`);
    const link = parseExpression(String.raw`\sigma(a z_k)`);
    const g = foldIndexed(differentiate(substituteIndexed(loss, "q", "k", link), wrt("a")), "q", "k", link, ["k"]);
    expect(toLatex(g)).toContain(String.raw`q_k (1 - q_k) z_k`);
    const vars = {a: 0.7, z: [1.5, -2], r: [1, 0]};
    const q = (zk: number) => 1 / (1 + Math.exp(-vars.a * zk));
    const hand = vars.z.reduce((s, zk, k) => s + (q(zk) - vars.r[k]) * zk, 0);
    expect(evaluate(g, vars, {defs: {q: {index: "k", body: link}}}) as number).toBeCloseTo(hand, 12);
  });
});
