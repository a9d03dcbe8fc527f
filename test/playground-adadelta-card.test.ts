/**
 * An Adadelta page (a document written for this test): the reference's own rule card is shown beside the printed
 * rule, with ρ and ε sliders and no α slider (Adadelta has no learning rate), in the generated cells and in the
 * page's pieces drawn in headless Chromium; the reference's first step is Zeiler's, computed by hand.
 */
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {startPlaygroundHarness, type PlaygroundHarness} from "../bench/playground-harness.js";
import {slidersFor} from "../components/playground/sliders.js";
import {updateRuleTex} from "../components/playground/UpdateRule.js";
import type {PlaygroundSpec} from "../components/playground/spec.js";
import {specOf} from "./playgroundTestDoc.js";

let hz: PlaygroundHarness;
beforeAll(async () => {
  hz = await startPlaygroundHarness();
});
afterAll(async () => {
  await hz?.close();
});

const DOC = [
  "# Adadelta", "", "## 3. Core Algorithm", "", "Adadelta keeps two running averages (no learning rate):", "",
  "$$", "\\begin{aligned}",
  "E[g^2]_t &= \\rho E[g^2]_{t-1} + (1 - \\rho) g_t^2 \\\\",
  "\\Delta \\theta_t &= -\\frac{\\sqrt{E[\\Delta \\theta^2]_{t-1} + \\epsilon}}{\\sqrt{E[g^2]_t + \\epsilon}} g_t \\\\",
  "E[\\Delta \\theta^2]_t &= \\rho E[\\Delta \\theta^2]_{t-1} + (1 - \\rho) \\Delta \\theta_t^2 \\\\",
  "\\theta_t &= \\theta_{t-1} + \\Delta \\theta_t",
  "\\end{aligned}", "$$", "",
  "with $g_t$ the gradient of $f(x, y) = x^2 + 4y^2$ at $\\theta_{t-1}$, starting from (1, 1), $\\rho = 0.9$ and $\\epsilon = 10^{-2}$, for 100 steps.", "",
  "Adadelta converges to the minimum within 60 steps.", ""
];

/** Zeiler's Adadelta at ρ = 0.9, ε = 0.01 from (1, 1) on x² + 4y², a plain loop: the distance to (0, 0) at each step. */
function adadeltaDistances(steps: number): number[] {
  let w = [1, 1], E = [0, 0], D = [0, 0];
  const out = [Math.hypot(...w)];
  for (let t = 0; t < steps; t++) {
    const g = [2 * w[0], 8 * w[1]];
    E = E.map((e, i) => 0.9 * e + 0.1 * g[i] ** 2);
    const dx = g.map((gi, i) => (-Math.sqrt(D[i] + 0.01) / Math.sqrt(E[i] + 0.01)) * gi);
    D = D.map((d, i) => 0.9 * d + 0.1 * dx[i] ** 2);
    w = w.map((v, i) => v + dx[i]);
    out.push(Math.hypot(...w));
  }
  return out;
}


describe("the Adadelta reference's own card", () => {
  it("sliders: ρ, ε and steps, no α; the reference card substitutes ρ and ε", async () => {
    const {spec, code} = await specOf(DOC);
    expect(spec.rules.map((r) => [r.name, r.reference, r.drawn])).toEqual([["adadelta", "adadelta", true]]);
    expect(slidersFor(spec.rules).map((s) => s.key)).toEqual(["rho", "epsilon", "steps"]);
    expect(code.find((c) => c.startsWith("const pg1References"))).toContain("extraReferencesFor(pg1Spec.rules, pg1Spec.defaults)");
    expect(code).toContain("const pg1Rules = [...pg1Spec.rules, ...pg1References].map((r) => UpdateRule(r, pg1Spec.defaults));\nfor (const r of pg1Rules) display(r);");
    const tex = updateRuleTex("adadelta", {rho: 0.9, epsilon: 0.01}, false);
    expect(tex).toContain("{0.9}\\,E[g^2]_{t-1}");
    expect(tex).toContain("E[g^2]_t + {0.01}");
  });

  it("in Chromium: the printed card and the reference's card, ρ and ε sliders and no α; Zeiler's first step", async () => {
    const {spec} = await specOf(DOC);
    const {page, errors} = await hz.open();
    const r = await page.evaluate((spec) => {
      document.documentElement.lang = "en";
      const el = (window as any).gb.Playground(spec, {width: 500, view3d: false});
      document.getElementById("root")!.append(el);
      return {
        rules: [...el.querySelectorAll(".gb-pg-rule figcaption")].map((c: Element) => c.textContent),
        sliders: [...el.querySelectorAll(".gb-pg-controls input[type=range]")].map((i: Element) => (i as HTMLInputElement).name),
        verdicts: [...el.querySelectorAll(".gb-pg-verdict")].map((v: Element) => v.textContent),
        paths: el.paths.map((p: any) => ({id: p.id as string, names: p.names as string[], p1: p.points[1] as number[]}))
      };
    }, spec);
    await page.close();
    expect(errors).toEqual([]);
    expect(r.rules).toHaveLength(2);
    expect(r.rules[1]).toMatch(/Adadelta · /);
    expect(r.sliders).toEqual(["rho", "epsilon", "steps"]);
    // first step from (1, 1): g = (2, 8); E = 0.1 g²; Δ = −√0.01 / √(0.1 g² + 0.01) · g
    const d = (g: number) => 1 - (Math.sqrt(0.01) / Math.sqrt(0.1 * g * g + 0.01)) * g;
    const ref = r.paths.find((p: {id: string}) => p.id === "adadelta")!;
    expect(ref.p1[0]).toBeCloseTo(d(2), 12);
    expect(ref.p1[1]).toBeCloseTo(d(8), 12);
    // the printed rule is the same path: drawn once, under both names
    expect(ref.names).toHaveLength(2);
    // the claim, judged at the text's settings by distance < 0.01 from step 60 on through the text's 100 steps (an
    // independent loop decides it): Adadelta is at the minimum by step 60 and leaves it again (0.19 at step 82)
    const dist = adadeltaDistances(100);
    expect(dist[60]).toBeLessThan(0.01);
    expect(dist[82]).toBeGreaterThan(0.1);
    const holds = dist.slice(60).every((x) => x < 0.01);
    expect(holds).toBe(false);
    expect(spec.claims[0]).toMatchObject({holds, atText: true, check: {converges: "adadelta", steps: 60}});
    expect(r.verdicts).toHaveLength(1);
    if (holds) expect(r.verdicts[0]).toMatch(/^✓ holds at this setting \(.+0\.01.*\)$/);
    else expect(r.verdicts[0]).toBe(`✗ Does not hold: ${spec.claims[0].note}`);
    // the note says where it left: the first step from 60 on that is 0.01 or more away
    const k = dist.findIndex((x, i) => i >= 60 && x >= 0.01);
    expect(spec.claims[0].note).toMatch(new RegExp(`AdaDelta 第 60 步时已在最小值点附近，但第 ${k} 步又离开到 ${+dist[k].toPrecision(3)} 远处（判据`));
  });
});
