/**
 * What formula-n (a held-out set) needed, each on a small document in letters of its own: a norm set against a
 * threshold in a min (the identity holds for the threshold's sign the text means), and a chain that names its value in
 * the middle (ln λ_n = a_n = w·u_n); π as a chapter's own symbol (mixture weights π_k) on the left of a new value. (The third fix, a restatement with e^{…} beside \exp being in the same symbols,
 * is held by formula-n's false-alarm bound in test/formula-heldout.test.ts: it removed 04:66.)
 */
import {describe, expect, test} from "vitest";
import {analyzeChapter} from "../components/formula/analyze.js";
import {extractMathBlocks} from "../components/formula/extract.js";

async function statuses(body: string) {
  const blocks = extractMathBlocks(`# T\n\n## 4. Math\n\n${body}\n`, "t.md");
  const reports = await analyzeChapter(blocks, {seed: 1});
  return blocks.map((b, i) => ({latex: b.latex, display: b.display, status: reports[i].status, reason: reports[i].reason ?? ""})).filter((x) => x.display);
}

describe("a norm against a threshold", () => {
  const doc = (rhs: string) => "$$\n\\hat{\\mathbf{d}} = \\min\\left( 1,\\ \\frac{m}{\\lVert \\mathbf{d} \\rVert} \\right) \\mathbf{d}\n$$\n\n" +
    `$$\n\\lVert \\hat{\\mathbf{d}} \\rVert = ${rhs}\n$$\n`;
  test("‖d̂‖ = min(‖d‖, m) is verified (at positive m); max(‖d‖, m) is flagged", async () => {
    expect((await statuses(doc("\\min\\big( \\lVert \\mathbf{d} \\rVert,\\ m \\big)")))[1].status).toBe("verified");
    expect((await statuses(doc("\\max\\big( \\lVert \\mathbf{d} \\rVert,\\ m \\big)")))[1].status).toBe("flagged");
  });
});

describe("a chain that names its value", () => {
  const doc = (rhs: string) => "The rate of observation $n$ is $\\lambda_n$.\n\n$$\n\\lambda_n = \\exp(\\mathbf{w}^\\top \\mathbf{u}_n)\n$$\n\n" +
    `$$\n\\ln \\lambda_n = a_n = ${rhs}\n$$\n`;
  test("ln λ_n = a_n = wᵀu_n is not flagged for the new name a_n; ln λ_n = a_n = 2wᵀu_n is", async () => {
    expect((await statuses(doc("\\mathbf{w}^\\top \\mathbf{u}_n")))[1].status).not.toBe("flagged");
    expect((await statuses(doc("2 \\mathbf{w}^\\top \\mathbf{u}_n")))[1].status).toBe("flagged");
  });
});

describe("π as the chapter's own symbol", () => {
  const doc = (v: string) => "Start from $\\pi = (0.7, 0.3)$ and counts $M_1 = 3$, $M_2 = 1$.\n\n$$\n\\pi_k \\leftarrow \\frac{M_k}{4}\n$$\n\n" +
    `$$\n\\pi = \\left( \\frac{3}{4},\\ \\frac{1}{4} \\right) = ${v}\n$$\n`;
  test("π = (3/4, 1/4) = (0.75, 0.25) after π = (0.7, 0.3) and an update is the new value (not flagged); = (0.65, 0.25) is", async () => {
    expect((await statuses(doc("(0.75,\\ 0.25)"))).at(-1)?.status).not.toBe("flagged");
    expect((await statuses(doc("(0.65,\\ 0.25)"))).at(-1)?.status).toBe("flagged");
  });
});
