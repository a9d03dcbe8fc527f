/**
 * What the third held-out playground set (test/corpus-heldout/playground-c; first run: starts 1/5, rules 11/16,
 * surfaces 8/10, claims judged right 8/12) needed, each on a small document of its own letters: start points written
 * `(a_0, c_0) = (…)`, one parameter at a time or "starts from"; a worked example's settings in another section; a
 * constant stated in prose as its Unicode letter; Euler's e in a named function; steps written as parenthesised
 * superscripts; two equations side by side; `\oslash`; Adadelta's RMS[·]; Δ of a bold quantity; Nesterov's look-ahead
 * point computed on a line of its own; and an FAQ question that claims nothing.
 */
import {mkdtempSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {loadChapter} from "../src/chapter.js";
import {readPlayground} from "../src/playground/index.js";
import {compileRecurrence} from "../components/formula/recurrence.js";
import {parseFormula} from "../components/formula/parse.js";
import {findClaims} from "../components/playground/claims.js";

function reading(lines: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "gb-pgc-"));
  writeFileSync(join(dir, "doc.md"), lines.join("\n"));
  return readPlayground(loadChapter(dir, {file: "doc.md", slug: "doc"}, 0), []);
}
const doc = (body: string[], settings: string[] = []) => ["# Doc", "", "## Background", "", ...body, "", "## Worked example", "", ...settings, ""];

describe("start points and constants as texts state them", () => {
  it("(a_0, c_0) = (1.5, −2) names the start of f(a, c); the settings' own section may hold it", () => {
    const r = reading(doc(["$$", "f(a, c) = (a - 1)^2 + 4c^2", "$$"], ["The run uses a learning rate of 0.1, and the initial point $(a_0, c_0) = (1.5, -2)$."]));
    expect(r.surfaces.find((s) => s.drawn)?.start).toEqual([1.5, -2]);
  });
  it("one parameter at a time (初始化 p = 2，q = −1) and \"starts from (p, q) = …\"", () => {
    const zh = reading(doc(["$$", "g(p, q) = p^2 + 3q^2 + pq", "$$"], ["学习率取 0.05，初始化 p = 2，q = −1，迭代 100 步。"]));
    expect(zh.surfaces.find((s) => s.drawn)?.start).toEqual([2, -1]);
    const en = reading(doc(["$$", "g(p, q) = p^2 + 3q^2", "$$"], ["- the iteration starts from $(p, q) = (0.5, 1)$"]));
    expect(en.surfaces.find((s) => s.drawn)?.start).toEqual([0.5, 1]);
  });
  it("\\boldsymbol\\theta_0 = (…) in a later section starts the only objective", () => {
    const r = reading(doc(["$$", "E(\\boldsymbol\\theta) = (\\theta_1 - 2)^2 + (\\theta_2 + 1)^2", "$$"], ["We run 50 steps, starting at $\\boldsymbol\\theta_0 = (-1, 2.5)$."]));
    expect(r.surfaces.find((s) => s.drawn)?.start).toEqual([-1, 2.5]);
  });
  it("a constant given in prose by its Unicode letter (κ = 4) and Euler's e in a named function are known", () => {
    const k = reading(doc(["$$", "J(u, v) = (u - 1)^2 + \\kappa v^2", "$$", "", "其中系数 κ = 4。"]));
    const s = k.surfaces.find((x) => x.params.join() === "u,v");
    expect([s?.drawn, s?.reason]).toEqual([true, undefined]);
    const e = reading(doc(["On the function", "", "$$", "h(s, r) = \\ln\\left(1 + e^{s - r}\\right) + s^2 + r^2", "$$"]));
    expect(e.surfaces.find((x) => x.params.join() === "s,r")?.drawn).toBe(true);
  });
});

describe("rules in other notations", () => {
  const rulesOf = (latex: string) => reading(doc(["Update:", "", "$$", latex, "$$"])).rules.map((x) => [x.spec.name, x.spec.drawn]);

  it("w^{(k+1)} = w^{(k)} − η∇h(w^{(k)}) is gradient descent, and its one step is w − ηw on h = w²/2", () => {
    expect(rulesOf("w^{(k+1)} = w^{(k)} - \\eta \\nabla h(w^{(k)})")).toEqual([["gd", true]]);
    const rec = compileRecurrence("w^{(k+1)} = w^{(k)} - \\eta \\nabla h(w^{(k)})");
    const s = rec.stepWith(rec.init([2]), (w: number[]) => w, 1, {eta: 0.25, alpha: 0.25});
    expect(rec.weights(s)[0]).toBeCloseTo(1.5, 12);
  });

  it("RMSProp as two equations side by side, the quotient written ⊘: one step 1 − 0.1/(√0.1 + ε)", () => {
    expect(rulesOf("q_t = \\rho\\, q_{t-1} + (1 - \\rho)\\, g_t \\odot g_t, \\qquad \\mathbf{u}_t = \\mathbf{u}_{t-1} - \\eta\\, g_t \\oslash \\left(\\sqrt{q_t} + \\epsilon\\right)"))
      .toEqual([["rmsprop", true]]);
    const rec = compileRecurrence("\\begin{aligned} q_t &= \\rho\\, q_{t-1} + (1 - \\rho)\\, g_t \\odot g_t \\\\ \\mathbf{u}_t &= \\mathbf{u}_{t-1} - \\eta\\, g_t \\oslash \\left(\\sqrt{q_t} + \\epsilon\\right) \\end{aligned}");
    const s = rec.stepWith(rec.init([1]), () => [1], 1, {rho: 0.9, eta: 0.1, alpha: 0.1, epsilon: 1e-8});
    expect(rec.weights(s)[0]).toBeCloseTo(1 - 0.1 / (Math.sqrt(0.1) + 1e-8), 10);
  });

  it("Adadelta with RMS[·] and Δ of a bold quantity: its first step is −√ε/√(0.1 g² + ε)·g", () => {
    const latex = "\\begin{aligned} E[g^2]_k &= \\rho\\, E[g^2]_{k-1} + (1 - \\rho)\\, g_k^2 \\\\ \\Delta \\mathbf{q}_k &= -\\frac{\\mathrm{RMS}[\\Delta q]_{k-1}}{\\mathrm{RMS}[g]_k}\\, g_k \\\\ E[\\Delta q^2]_k &= \\rho\\, E[\\Delta q^2]_{k-1} + (1 - \\rho)\\, \\Delta \\mathbf{q}_k^2 \\\\ \\mathbf{q}_k &= \\mathbf{q}_{k-1} + \\Delta \\mathbf{q}_k \\end{aligned}";
    expect(rulesOf(latex)).toEqual([["adadelta", true]]);
    const rec = compileRecurrence(latex);
    const s = rec.stepWith(rec.init([1]), (w: number[]) => w, 1, {rho: 0.9, epsilon: 1e-6});
    expect(rec.weights(s)[0]).toBeCloseTo(1 - Math.sqrt(1e-6) / Math.sqrt(0.1 + 1e-6), 10);
    // Δ of a bold letter is one symbol, as Δw is
    expect(parseFormula("\\Delta \\mathbf{q}_k = 1").lines[0].first).toMatchObject({type: "sym", name: "\\Delta q"});
    expect(parseFormula("\\Delta\\boldsymbol\\theta_t = 1").lines[0].first).toMatchObject({type: "sym", name: "\\Delta\\theta"});
  });

  it("a look-ahead point on a line of its own (ỹ_t = y_t − γ m_t, then ∇φ(ỹ_t)) is Nesterov's", () => {
    expect(rulesOf("\\begin{aligned} \\tilde{\\mathbf{y}}_t &= \\mathbf{y}_t - \\gamma \\mathbf{m}_t \\\\ \\mathbf{m}_{t+1} &= \\gamma \\mathbf{m}_t + \\eta \\nabla \\phi(\\tilde{\\mathbf{y}}_t) \\\\ \\mathbf{y}_{t+1} &= \\mathbf{y}_t - \\mathbf{m}_{t+1} \\end{aligned}"))
      .toEqual([["nesterov", true]]);
    // a line that computes something else before the gradient (no combination of states) is not a look-ahead
    expect(rulesOf("\\begin{aligned} \\mathbf{m}_{t+1} &= \\gamma \\mathbf{m}_t + \\eta \\nabla \\phi(\\mathbf{y}_t) \\\\ \\mathbf{y}_{t+1} &= \\mathbf{y}_t - \\mathbf{m}_{t+1} \\end{aligned}"))
      .toEqual([["momentum", true]]);
  });
});

describe("questions", () => {
  it("an FAQ question claims nothing; the answer's sentence does", () => {
    expect(findClaims(["**Why does RMSProp not diverge at the same step size?**"])).toEqual([]);
    expect(findClaims(["为什么梯度下降在 y 方向上来回震荡？"])).toEqual([]);
    expect(findClaims(["Gradient descent oscillates along y."]).map((c) => c.kind)).toEqual(["oscillates"]);
  });
});
