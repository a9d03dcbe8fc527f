import * as tf from "@tensorflow/tfjs";
import {readFileSync} from "node:fs";
import {beforeAll, describe, expect, test} from "vitest";
import {analyzeChapter, type FormulaReport, type MathBlock} from "../components/formula/analyze.js";
import {extractMathBlocks} from "../components/formula/extract.js";
import {compileRecurrence} from "../components/formula/recurrence.js";
import {sigmoid} from "../components/math/sigmoid.js";

/** Documents the engine was not written against: other symbol names, other indices, other losses. */
const load = async (name: string) => {
  const blocks = extractMathBlocks(readFileSync(`test/input/formulas/${name}`, "utf8"), name);
  return {blocks, reports: await analyzeChapter(blocks, {seed: 3})};
};
let energy: {blocks: MathBlock[]; reports: FormulaReport[]}, logistic: typeof energy;

beforeAll(async () => {
  await tf.setBackend("cpu");
  energy = await load("energy-regression.md");
  logistic = await load("logistic-ell.md");
});

const statusAt = (c: typeof energy, line: number) => c.reports.filter((r) => r.line === line).map((r) => r.status);
const reportAt = (c: typeof energy, line: number) => c.reports.find((r) => r.line === line && r.status !== "not-executable")!;

describe("energy-regression.md: E(\\phi), p_j = \\phi \\cdot u_j, sums over j to N", () => {
  test("correct gradient ✓, wrong sign ✗ with the whole-sign fix, E(φ) agrees with mse(t, p)", () => {
    expect(energy.reports.filter((r) => r.status === "flagged").map((r) => r.line)).toEqual([52]);
    expect(statusAt(energy, 46)).toEqual(["verified"]);
    expect(statusAt(energy, 38)).toEqual(["verified"]);
    expect(reportAt(energy, 38).plan?.reference?.name).toBe("mse");
    const bad = reportAt(energy, 52).check!;
    expect(bad.corrected).toBe(String.raw`\frac{\partial E}{\partial \phi} = -\frac{2}{N} \sum_{j=1}^{N} (t_j - p_j) \cdot u_j`);
    // autodiff by hand: -(2/N) Σ (t_j - φ·u_j) u_j
    const u = bad.inputs.u as number[][], t = bad.inputs.t as number[], phi = bad.inputs["\\phi"] as number[];
    const hand = phi.map((_, d) => (-2 / t.length) * u.reduce((s, uj, j) => s + (t[j] - (phi[0] * uj[0] + phi[1] * uj[1])) * uj[d], 0));
    (bad.autodiff as number[]).forEach((g, d) => expect(g).toBeCloseTo(hand[d], 3));
  });
  test("update rules in k: GD with \\eta and an RMSProp system with \\rho, \\varepsilon", () => {
    expect(reportAt(energy, 15).plan?.kind).toBe("recurrence");
    const rms = compileRecurrence(energy.blocks.find((b) => b.line === 21)!.latex);
    expect(rms.hyper.sort()).toEqual(["alpha", "epsilon", "rho"]);
    const s = rms.step(rms.init([1]), [2], 1, {alpha: 0.1, rho: 0.9, epsilon: 0});
    // s_1 = 0.1·4 = 0.4; φ_2 = 1 - 0.1/√0.4 · 2
    expect(rms.weights(s)[0]).toBeCloseTo(1 - (0.1 / Math.sqrt(0.4)) * 2, 12);
  });
  test("unknown command and unknown function are reasons, not crashes", () => {
    const r = energy.reports.filter((x) => x.line === 58);
    expect(r.map((x) => x.status)).toEqual(["not-executable", "not-executable"]);
    expect(r[0].reason).toMatch(/unknown command \\mathfrak.*offset 4/);
    expect(r[1].reason).toMatch(/unknown function G/);
  });
});

describe("logistic-ell.md: \\ell, q_k = \\sigma(a \\cdot z_k + c), labels r_k, K samples", () => {
  test("∂ℓ/∂c ✓; ∂ℓ/∂a with q_k + r_k ✗ fixed by flipping one term; missing factor ✗ without a sign fix", () => {
    expect(logistic.reports.filter((r) => r.status === "flagged").map((r) => r.line)).toEqual([44, 50]);
    expect(statusAt(logistic, 38)).toEqual(["verified"]);
    const term = reportAt(logistic, 44).check!;
    expect(term.fix).toBe("flip the sign of the term r_k");
    expect(term.corrected).toBe(String.raw`\frac{\partial \ell}{\partial a} = \frac{1}{K} \sum_{k=1}^{K} (q_k - r_k) \cdot z_k`);
    const z = term.inputs.z as number[][], r = term.inputs.r as number[], a = term.inputs.a as number[], c = term.inputs.c as number;
    const q = z.map((zk) => sigmoid(a[0] * zk[0] + a[1] * zk[1] + c));
    const hand = a.map((_, d) => z.reduce((s, zk, k) => s + (q[k] - r[k]) * zk[d], 0) / r.length);
    (term.autodiff as number[]).forEach((g, d) => expect(g).toBeCloseTo(hand[d], 4));
    const none = reportAt(logistic, 50).check!;
    expect(none.message).toMatch(/no single sign fix matches, the derivative is given symbolically/);
    expect(none.corrected).toBe(String.raw`\nabla_{a} \ell = -\frac{1}{K} \sum_{k=1}^{K} \left(r_k \frac{q_k (1 - q_k) z_k}{q_k} - (1 - r_k) \frac{q_k (1 - q_k) z_k}{1 - q_k}\right)`);
    expect(typeof none.stated).toBe("number");
    expect(Array.isArray(none.autodiff)).toBe(true);
  });
  test("BCE with \\ln over K samples agrees with binaryCrossEntropy; Attn(A, B, C) with attention", () => {
    expect(reportAt(logistic, 30).plan?.reference?.name).toBe("binaryCrossEntropy");
    expect(reportAt(logistic, 56)).toMatchObject({status: "verified", plan: {reference: {name: "attention", args: ["A", "B", "C"]}}});
  });
  test("momentum in n with \\gamma and \\alpha", () => {
    expect(reportAt(logistic, 15).status).toBe("executable");
    expect(compileRecurrence(logistic.blocks.find((b) => b.line === 15)!.latex).hyper.sort()).toEqual(["alpha", "gamma"]);
  });
});
