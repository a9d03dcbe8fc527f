/**
 * What one slider move writes into the page (headless Chromium, bench/playground-harness.ts): only the slider that
 * moved gets a new readout and aria-valuetext, the start marker (which did not move) is not rewritten, and the
 * paths and the update rules do change. Every write is recorded by a MutationObserver, so a component that rewrites
 * an unchanged value (which the browser lays out and paints again: issue #11) fails here.
 */
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {startPlaygroundHarness, type PlaygroundHarness} from "../bench/playground-harness.js";

let hz: PlaygroundHarness;
beforeAll(async () => {
  hz = await startPlaygroundHarness();
});
afterAll(async () => {
  await hz?.close();
});

const builtin = (id: string) => ({id, title: id, line: null, builtin: id, params: ["x", "y"], labels: ["x", "y"], bindings: {}, start: []});

describe("a slider move writes only what changed", () => {
  it("α moved: one readout, one aria-valuetext, no start-marker attribute; the paths and the rules' α rewritten", async () => {
    const {page, errors} = await hz.open();
    const r = await page.evaluate(async () => {
      const gb = (window as any).gb;
      const spec = {surfaces: [{id: "quadratic", title: "quadratic", line: null, builtin: "quadratic", params: ["x", "y"], labels: ["x", "y"], bindings: {}, start: []}],
        rules: [], claims: [], defaults: {alpha: 0.01, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-8, gamma: 0.9, rho: 0.9, lambda: 0.01, steps: 50}};
      const el = gb.Playground(spec, {width: 600, view3d: false});
      document.getElementById("root")!.append(el);
      const frame = () => new Promise((ok) => requestAnimationFrame(() => ok(null)));
      await frame();
      await frame();
      const records: MutationRecord[] = [];
      const mo = new MutationObserver((rs) => void records.push(...rs));
      mo.observe(el, {subtree: true, attributes: true, characterData: true, childList: true});
      const alpha = el.querySelector("input[name=alpha]") as HTMLInputElement;
      // log slider: position −1.5 is α = 10^−1.5 = 0.0316228 (6 significant digits), shown as 0.03162
      alpha.value = "-1.5";
      alpha.dispatchEvent(new Event("input", {bubbles: true}));
      await frame();
      await frame();
      records.push(...mo.takeRecords());
      mo.disconnect();
      const where = (n: Node) => (n instanceof Element ? n : n.parentElement)!;
      const texts = records.filter((m) => m.type === "characterData").map((m) => where(m.target));
      const attrs = records.filter((m) => m.type === "attributes").map((m) => ({el: m.target as Element, name: m.attributeName}));
      return {
        sliders: el.querySelectorAll(".gb-pg-controls input[type=range]").length,
        readouts: texts.filter((t) => t.closest("output")).map((t) => [t.closest("output")!.previousElementSibling!.getAttribute("name"), t.textContent]),
        valuetexts: attrs.filter((a) => a.name === "aria-valuetext").map((a) => [a.el.getAttribute("name"), a.el.getAttribute("aria-valuetext")]),
        startWrites: attrs.filter((a) => a.el.closest(".gb-pg-start")).map((a) => a.name),
        pathDs: attrs.filter((a) => a.name === "d" && a.el.closest(".gb-ls-path")).length,
        ruleTexts: texts.filter((t) => t.closest(".gb-pg-rule")).map((t) => t.textContent),
        value: el.value.alpha
      };
    });
    expect(errors).toEqual([]);
    // GD, momentum and Adam (the default references) read α, γ, β₁, β₂, ε; and steps
    expect(r.sliders).toBe(6);
    expect(r.value).toBe(0.0316228);
    expect(r.readouts).toEqual([["alpha", "0.03162"]]);
    expect(r.valuetexts).toEqual([["alpha", "0.03162"]]);
    expect(r.startWrites).toEqual([]);
    // three paths (halo, line, markers each) redrawn
    expect(r.pathDs).toBeGreaterThanOrEqual(3);
    // each of the three rules shows the new α (texNumber: 4 significant digits)
    expect(r.ruleTexts.filter((t) => t === "0.03162").length).toBe(3);
    await page.close();
  });
});
