/**
 * Notation found on formula-m (a held-out set), each on a small document in letters of its own. Second derivatives
 * in Leibniz's notation with d (\frac{d^2 f}{dx^2}): read as the second derivative, not
 * as the product d²·f over d·x². A bold numeral (\mathbf{0}) beside vectors of n entries: the vector of n zeros.
 */
import {describe, expect, test} from "vitest";
import {analyzeChapter} from "../components/formula/analyze.js";
import {extractMathBlocks} from "../components/formula/extract.js";

async function statuses(body: string) {
  const blocks = extractMathBlocks(`# T\n\n## 4. Math\n\n${body}\n`, "t.md");
  const reports = await analyzeChapter(blocks, {seed: 1});
  return blocks.map((b, i) => ({latex: b.latex, display: b.display, status: reports[i].status, reason: reports[i].reason ?? ""})).filter((x) => x.display);
}

describe("\\frac{d^k f}{dx^k}", () => {
  const doc = (second: string) => `The energy is $E(u) = a u^3 + \\ln(1 + u^2)$.\n\n$$\n\\frac{dE}{du} = 3 a u^2 + \\frac{2u}{1 + u^2}\n$$\n\n` +
    `$$\n\\frac{d^2 E}{du^2} = ${second}\n$$\n`;
  test("a correct second derivative is verified, one with a sign slip flagged", async () => {
    const ok = await statuses(doc("6 a u + \\frac{2(1 - u^2)}{(1 + u^2)^2}"));
    expect(ok.map((x) => x.status)).toEqual(["verified", "verified"]);
    const bad = await statuses(doc("6 a u - \\frac{2(1 - u^2)}{(1 + u^2)^2}"));
    expect(bad[1].status).toBe("flagged");
  });
});

describe("bold numerals", () => {
  test("softmax(\\mathbf{0}) − q over 4 outcomes is 1/4 − q (verified); a wrong entry is flagged", async () => {
    const doc = (v: string) => `Let $q = (0.4, 0.3, 0.2, 0.1)$.\n\n$$\n\\operatorname{softmax}(\\mathbf{0}) - q = (${v})\n$$\n`;
    expect((await statuses(doc("-0.15, -0.05, 0.05, 0.15")))[0].status).toBe("verified");
    expect((await statuses(doc("-0.15, -0.05, 0.05, 0.25")))[0].status).toBe("flagged");
  });
});

describe("bias corrections", () => {
  const doc = (rate: string) => "$$\ns_k = \\rho s_{k-1} + (1 - \\rho) d_k^2\n$$\n\n$$\nu_k = \\mu u_{k-1} + (1 - \\mu) d_k\n$$\n\n" +
    `$$\n\\hat{s}_k = \\frac{s_k}{1 - ${rate}^k}\n$$\n`;
  test("the correction of an average at rate ρ divides by 1 − ρ^k; 1 − μ^k (the other average's rate) is flagged", async () => {
    const ok = await statuses(doc("\\rho"));
    expect(ok[2].status).not.toBe("flagged");
    const bad = await statuses(doc("\\mu"));
    expect(bad[2].status).toBe("flagged");
    expect(bad[2].reason).toMatch(/bias correction divides by 1 − \\mu\^k, but s averages with rate \\rho/);
  });
  test("a chapter that also averages a bold s at rate μ is not flagged for 1 − μ^k (either average may be meant)", async () => {
    const both = doc("\\mu").replace("$$\nu_k", "$$\n\\mathbf{s}_k = \\mu \\mathbf{s}_{k-1} + (1 - \\mu) \\mathbf{d}_k\n$$\n\n$$\nu_k");
    expect((await statuses(both)).map((x) => x.status)).not.toContain("flagged");
  });
});
