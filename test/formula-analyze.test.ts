import {readFileSync, readdirSync} from "node:fs";
import {beforeAll, describe, expect, test} from "vitest";
import {analyzeChapter, type FormulaReport, type MathBlock} from "../components/formula/analyze.js";
import {extractMathBlocks} from "../components/formula/extract.js";
import {summarize} from "../components/formula/report.js";
import {sigmoid} from "../components/math/sigmoid.js";

const chapters = readdirSync("chapters").filter((f) => f.endsWith(".md")).sort();
const results = new Map<string, {blocks: MathBlock[]; reports: FormulaReport[]}>();

beforeAll(async () => {
  for (const f of chapters) {
    const blocks = extractMathBlocks(readFileSync(`chapters/${f}`, "utf8"), f);
    results.set(f.slice(0, 3), {blocks, reports: await analyzeChapter(blocks, {seed: 1})});
  }
});

const get = (ch: string) => results.get(ch)!;
const at = (ch: string, line: number, startsWith = "") => {
  const {blocks, reports} = get(ch);
  const i = blocks.findIndex((b) => b.line === line && b.latex.startsWith(startsWith) && (startsWith || b.display || reports[blocks.indexOf(b)].status !== "not-executable"));
  if (i < 0) throw new Error(`no formula at ${ch}:${line}`);
  return {block: blocks[i], report: reports[i]};
};
const flaggedLines = (ch: string) => get(ch).reports.filter((r) => r.status === "flagged").map((r) => r.line);

describe("analyzeChapter on the seed chapters", () => {
  test("exactly the wrong derivatives are flagged", () => {
    expect(flaggedLines("000")).toEqual([105, 141]);
    expect(flaggedLines("001")).toEqual([133, 135]);
    expect(flaggedLines("002")).toEqual([]);
    expect(flaggedLines("003")).toEqual([]);
    expect(flaggedLines("004")).toEqual([]);
  });

  test("000 §4.2 ∇MSE: sign of the whole expression, autodiff = -(2/n) Σ (y_i - w·x_i) x_i recomputed by hand", () => {
    const {report} = at("000", 105);
    const c = report.check!;
    expect(c.verdict).toBe("bad");
    expect(c.fix).toBe("flip the sign of the whole expression");
    expect(c.corrected).toBe(String.raw`\nabla_{w} MSE = -\frac{1}{n} \sum_{i=1}^{n} 2 (y_i - \hat{y}_i) \nabla_{w} \hat{y}_i`);
    expect(c.link).toBe(String.raw`\hat{y}_i = w \cdot x_i`);
    const x = c.inputs.x as number[][], y = c.inputs.y as number[], w = c.inputs.w as number[];
    const n = y.length;
    const hand = w.map((_, j) => (-2 / n) * x.reduce((s, xi, i) => s + (y[i] - (w[0] * xi[0] + w[1] * xi[1])) * xi[j], 0));
    (c.autodiff as number[]).forEach((g, j) => expect(g).toBeCloseTo(hand[j], 3));
    (c.stated as number[]).forEach((g, j) => expect(g).toBeCloseTo(-hand[j], 3));
  });

  test("000 §4.3 CE gradient: the second term's sign, per sample; the sum reading is noted", () => {
    const {report} = at("000", 141);
    const c = report.check!;
    expect(c.mode).toBe("prediction");
    expect(c.fix).toBe(String.raw`flip the sign of the term \frac{1 - y_i}{1 - \hat{y}_i}`);
    expect(c.corrected).toBe(String.raw`\nabla_w J(w_0) = -\frac{1}{n} \sum_{i=1}^{n} \left(\frac{y_i}{\hat{y}_i} - \frac{1 - y_i}{1 - \hat{y}_i}\right) \nabla_{w} \hat{y}_i`);
    expect(report.reason).toMatch(/covers only its first term/);
    const y = c.inputs.y as number[], p = c.inputs["\\hat{y}"] as number[], n = y.length;
    const hand = y.map((yi, i) => (-1 / n) * (yi / p[i] - (1 - yi) / (1 - p[i])));
    (c.autodiff as number[]).forEach((g, i) => expect(g).toBeCloseTo(hand[i], 3));
    // J(w_0) itself is read as the usual BCE and agrees with binaryCrossEntropy.
    const j = at("000", 135).report;
    expect(j.status).toBe("verified");
    expect(j.reason).toMatch(/binaryCrossEntropy.*covers only its first term/);
  });

  test("001 §4.2 ∂L/∂W and ∂L/∂b: whole-sign flips under y'_i = σ(W·x_i + b)", () => {
    const w = at("001", 133).report.check!;
    expect(w.link).toBe(String.raw`y'_i = \sigma(W \cdot x_i + b)`);
    expect(w.corrected).toBe(String.raw`\frac{\partial L}{\partial W} = -\frac{1}{m} \sum_{i=1}^{m} (y_i - y'_i) \cdot x_i`);
    expect(w.notes.join(" ")).toMatch(/prose calls y' the prediction and y the label/);
    const x = w.inputs.x as number[][], y = w.inputs.y as number[], W = w.inputs.W as number[], b = w.inputs.b as number;
    const m = y.length;
    const p = x.map((xi) => sigmoid(xi[0] * W[0] + xi[1] * W[1] + b));
    const hand = W.map((_, j) => x.reduce((s, xi, i) => s + (p[i] - y[i]) * xi[j], 0) / m);
    (w.autodiff as number[]).forEach((g, j) => expect(g).toBeCloseTo(hand[j], 4));
    const bb = at("001", 135).report.check!;
    expect(bb.corrected).toBe(String.raw`\frac{\partial L}{\partial b} = -\frac{1}{m} \sum_{i=1}^{m} (y_i - y'_i)`);
    const xb = bb.inputs.x as number[][], yb = bb.inputs.y as number[], Wb = bb.inputs.W as number[], b2 = bb.inputs.b as number;
    const pb = xb.map((xi) => sigmoid(xi[0] * Wb[0] + xi[1] * Wb[1] + b2));
    expect(bb.autodiff as number).toBeCloseTo(pb.reduce((s, pi, i) => s + pi - yb[i], 0) / yb.length, 4);
    expect(bb.stated as number).toBeCloseTo(-(bb.autodiff as number), 4);
  });

  test("no false alarms: GD, Adam, attention, 002's definitions, 003's forward pass, 004's GD/J(θ)", () => {
    expect(at("000", 81).report).toMatchObject({status: "executable", plan: {kind: "recurrence"}});
    expect(at("000", 85).report).toMatchObject({status: "executable", plan: {kind: "recurrence"}});
    expect(at("000", 69).report.status).toBe("verified");
    expect(at("004", 127).report).toMatchObject({status: "verified", plan: {reference: {name: "attention"}}});
    expect(at("002", 97).report).toMatchObject({status: "verified", plan: {reference: {name: "categoricalCrossEntropy"}}});
    expect(at("002", 107).report.status).toBe("executable");
    expect(at("003", 125).report.status).toBe("executable");
    expect(at("003", 129).report).toMatchObject({status: "executable", plan: {reference: {name: "sigmoid"}}});
    expect(at("004", 107).report.status).toBe("executable");
    expect(at("004", 135, "J(").report.status).toBe("executable");
    expect(at("004", 117).report).toMatchObject({status: "not-executable", reason: expect.stringMatching(/defines notation/)});
    expect(at("000", 119).report.reason).toMatch(/unknown minimiser w\^\*/);
    expect(at("001", 115, "D =").report.reason).toMatch(/defines a set/);
  });

  test("000 §4.2 convergence claim runs and is reported", () => {
    const r = at("000", 125).report;
    expect(r.status).toBe("executable");
    expect(r.plan!.notes.join(" ")).toMatch(/\|w_\{500\} - w\^\*\| = \d\.\d\de-\d+/);
  });

  test("every report is JSON-serialisable and every not-executable one says why", () => {
    for (const ch of results.keys()) {
      for (const r of get(ch).reports) {
        expect(JSON.parse(JSON.stringify(r))).toEqual(r);
        if (r.status === "not-executable") expect(r.reason).toBeTruthy();
      }
    }
  });

  test("summarize per chapter", () => {
    const s = summarize(get("000").reports);
    expect(s.found).toBe(get("000").blocks.length);
    expect(s.flagged).toBe(2);
    expect(s.verified).toBe(3);
    expect(s.executed).toBe(s.found - s.notExecutable.length);
    expect(s.notExecutable.every((x) => x.reason.length > 0 && x.line > 0)).toBe(true);
  });

  test("bad input never throws: unparseable and unknown symbols come back as reasons", async () => {
    const mk = (latex: string, line: number): MathBlock => ({id: `b${line}`, latex, display: true, file: "x.md", line, sectionKind: "math", sectionTitle: "m", prose: ""});
    const reps = await analyzeChapter([mk(String.raw`L = \frac{1}{n`, 1), mk(String.raw`E = \oops{x}`, 2), mk(String.raw`\nabla_w Q = 2w`, 3), mk(String.raw`z = F(x) + 1`, 4)]);
    expect(reps.map((r) => r.status)).toEqual(["not-executable", "not-executable", "not-executable", "not-executable"]);
    expect(reps[0].reason).toMatch(/cannot parse/);
    expect(reps[1].reason).toMatch(/unknown command \\oops.*offset 4/);
    expect(reps[2].reason).toMatch(/no definition of Q/);
    expect(reps[3].reason).toMatch(/unknown function F/);
  });
});
