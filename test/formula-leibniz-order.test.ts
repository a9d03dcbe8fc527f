/**
 * Second derivatives in Leibniz's notation with d (\frac{d^2 f}{dx^2}): read as the second derivative, not
 * as the product d²·f over d·x² (found on formula-m, a held-out set). On a small document in letters of its own.
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
