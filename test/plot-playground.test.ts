/**
 * The playground's plots and inputs in real headless Chromium (bench/playground-harness.ts, an English page):
 * SVG snapshots of LossSurface / LossCurves, and the behaviour a reader relies on — view() inputs, paths that
 * follow the sliders, hover readout, the loss chart's cursor scrubbing the surface, dragging the start (mouse at
 * once, touch only after a hold), a 3-D view that rotates from the keyboard, widths that follow the container.
 */
import {existsSync, mkdirSync, readFileSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {startPlaygroundHarness, type PlaygroundHarness} from "../bench/playground-harness.js";

let hz: PlaygroundHarness;
beforeAll(async () => {
  hz = await startPlaygroundHarness();
});
afterAll(async () => {
  await hz?.close();
});

/** Rounds every number with more than 2 decimals, so snapshots survive float noise. */
function normalize(svg: string): string {
  return svg.replace(/-?\d+\.\d{3,}/g, (m) => String(Math.round(Number(m) * 100) / 100)).replace(/></g, ">\n<");
}

/** Compares with test/snapshots/<name>.svg; writes it when missing, writes <name>-changed.svg on mismatch. */
function snapshot(name: string, svg: string) {
  const dir = join(import.meta.dirname, "snapshots");
  mkdirSync(dir, {recursive: true});
  const file = join(dir, `${name}.svg`);
  const actual = normalize(svg);
  if (!existsSync(file)) {
    writeFileSync(file, actual);
    return;
  }
  const expected = readFileSync(file, "utf8");
  if (actual !== expected) writeFileSync(join(dir, `${name}-changed.svg`), actual);
  expect(actual === expected, `${name}.svg differs; see ${name}-changed.svg`).toBe(true);
}

const builtin = (id: string) => ({id, title: id, line: null, builtin: id, params: ["x", "y"], labels: ["x", "y"], bindings: {}, start: []});
const SPEC = {
  surfaces: [builtin("quadratic"), builtin("rosenbrock")],
  rules: [{line: 60, name: "gd", label: "GD (line 60)", latex: "w_{t+1} = w_t - \\eta \\nabla_w J(w_t)", reference: "gd", symbols: {"\\eta": "alpha"}, drawn: true},
    {line: 70, name: "momentum", label: "momentum (line 70)", latex: "v_{t+1} = \\beta v_t + (1 - \\beta) \\nabla_w J(w_t) \\\\ w_{t+1} = w_t - \\alpha v_{t+1}", reference: "momentum", symbols: {"\\beta": "gamma", "\\alpha": "alpha"}, drawn: true}],
  defaults: {alpha: 0.04, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-8, gamma: 0.9, rho: 0.9, lambda: 0.01, steps: 40},
  claims: [{line: 80, text: "momentum zig-zags less", preset: {alpha: 0.09, gamma: 0.5, steps: 25}, holds: true},
    {line: 90, text: "GD always converges", preset: {alpha: 0.2}, holds: false, note: "above α = 2/20 it diverges"}]
};

async function renderSurface(page: Page, id: string, opts: {steps: number; alpha: number; n: number; width: number}) {
  return page.evaluate(({id, opts}) => {
    const gb = (window as any).gb;
    // a 1-D spec as a chapter gives it: ½ Σ (y_i − θ x_i)² over five points near y = 2x
    const s = id === "spec-1d"
      ? gb.surfaceFromSpec({id, title: "J(θ)", line: 1, params: ["\\theta"], labels: ["θ"], start: [0],
          expression: "\\frac{1}{2}\\sum_{i=1}^{n}(y_i - \\theta x_i)^2", bindings: {x: [0.1, 0.3, 0.5, 0.7, 0.9], y: [0.25, 0.55, 1.1, 1.35, 1.85], n: 5}})
      : gb.getSurface(id, 4);
    const paths = gb.runOptimizers(s, {alpha: opts.alpha, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-8, gamma: 0.9, rho: 0.9, lambda: 0.01, steps: opts.steps}, []);
    const el = gb.LossSurface(s, {id: "snap", width: opts.width, n: opts.n, thresholds: 12, paths, start: s.start});
    document.body.append(el);
    const svg = el.svg;
    const base = el.querySelector(".gb-ls-base");
    const out = {
      // the contours' SVG (drawn once, underneath) and the SVG on top (axes, marks, paths)
      svg: (base?.outerHTML ?? "") + svg.outerHTML,
      legend: [...el.querySelectorAll(".gb-pg-legend li")].map((li: Element) => li.textContent),
      contours: base?.querySelectorAll(".gb-ls-contours path").length ?? 0,
      contoursOnTop: svg.querySelectorAll(".gb-ls-contours path").length,
      dots: [...svg.querySelectorAll(".gb-ls-path")].map((g: Element) => (g.querySelectorAll("path")[2]?.getAttribute("d") ?? "").split("h0").length - 1),
      stopped: [...svg.querySelectorAll(".gb-ls-stop")].map((t: Element) => t.textContent),
      width: svg.getBoundingClientRect().width
    };
    el.remove();
    return out;
  }, {id, opts});
}

describe("LossSurface(surface, options)", () => {
  it("lossSurfaceQuadratic", async () => {
    const {page, errors} = await hz.open();
    const r = await renderSurface(page, "quadratic", {steps: 20, alpha: 0.04, n: 30, width: 400});
    expect(r.contours).toBe(12);
    expect(r.contoursOnTop).toBe(0);
    expect(r.legend).toEqual(["Gradient descent", "Momentum", "Adam"]);
    expect(r.dots).toEqual([21, 21, 21]);
    expect(r.width).toBe(400);
    snapshot("lossSurfaceQuadratic", r.svg);
    expect(errors).toEqual([]);
    await page.close();
  });
  it("lossSurfaceRosenbrockLog", async () => {
    const {page} = await hz.open();
    const r = await renderSurface(page, "rosenbrock", {steps: 30, alpha: 0.002, n: 30, width: 400});
    expect(r.svg).toContain("contours log-spaced");
    expect(r.svg).toContain('class="gb-ls-minimum"');
    snapshot("lossSurfaceRosenbrockLog", r.svg);
    await page.close();
  });
  it("lossSurfaceDivergent: a too-high α stops GD and momentum with labels that do not overlap", async () => {
    const {page} = await hz.open();
    const r = await renderSurface(page, "quadratic", {steps: 200, alpha: 0.2, n: 20, width: 400});
    // gd: w₁ ×(−3) per step; the loss passes the limit sampled from the domain after a few steps
    expect(r.dots[0]).toBeLessThan(10);
    expect(r.stopped).toEqual(["✕ Gradient descent", "✕ Momentum"]);
    // w₁ = 1.5·(−3)ᵏ: at k = 3 the loss is 22.5·9³ + ½(3.5·0.8³)² = 16404; the limit is the domain's largest sampled
    // loss ½(16 + 20·4) = 48 plus 100 × the range 48: 4848
    expect(r.svg).toContain("<title>Gradient descent ✕ at step 3 the loss 1.64e+4 passed 4.85e+3 (diverged: learning rate too large?)</title>");
    const ys = [...r.svg.matchAll(/class="gb-ls-stop" x="[\d.-]+" y="([\d.-]+)"/g)].map((m) => Number(m[1]));
    expect(Math.abs(ys[0] - ys[1])).toBeGreaterThanOrEqual(16);
    snapshot("lossSurfaceDivergent", r.svg);
    await page.close();
  });
  it("lossSurface1d: a one-parameter least-squares objective read from a spec, as a curve with iterates on it", async () => {
    const {page} = await hz.open();
    const r = await renderSurface(page, "spec-1d", {steps: 10, alpha: 0.01, n: 30, width: 400});
    expect(r.contours).toBe(0);
    expect(r.dots).toEqual([11, 11, 11]);
    snapshot("lossSurface1d", r.svg);
    await page.close();
  });
  it("follows its container's width, with 12 px tick labels at any width", async () => {
    const {page} = await hz.open();
    const r = await page.evaluate(async () => {
      const gb = (window as any).gb;
      const box = document.createElement("div");
      box.style.width = "350px";
      document.body.append(box);
      const el = gb.LossSurface(gb.getSurface("quadratic"), {n: 30});
      box.append(el);
      const frame = () => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
      await frame();
      const narrow = el.querySelector("svg").getBoundingClientRect().width;
      box.style.width = "700px";
      await frame();
      await frame();
      const wide = el.querySelector("svg").getBoundingClientRect().width;
      const sizes = [...el.querySelectorAll(".tick text")].map((t: Element) => parseFloat(getComputedStyle(t).fontSize));
      return {narrow, wide, min: Math.min(...sizes)};
    });
    expect(r.narrow).toBe(350);
    expect(r.wide).toBe(700);
    expect(r.min).toBeGreaterThanOrEqual(12);
    await page.close();
  });
});

describe("LossCurves(series, options)", () => {
  it("lossCurvesLog: a log axis labelled 1e-10 … when the losses span decades", async () => {
    const {page} = await hz.open();
    const r = await page.evaluate(() => {
      const gb = (window as any).gb;
      const el = gb.LossCurves([{id: "a", label: "a", color: "var(--gb-pg-c1)", losses: Array.from({length: 21}, (_, k) => 10 ** (1 - k * 0.55))}], {width: 400});
      document.body.append(el);
      const out = {svg: el.svg.outerHTML, ticks: [...el.querySelectorAll(".gb-lc-axis-y .tick text")].map((t: Element) => t.textContent)};
      el.remove();
      return out;
    });
    // 10 → 10^(1 − 11) = 1e-10
    expect(r.ticks[0]).toBe("1e-10");
    // 192 px of axis: at most 6 ticks, every other decade
    expect(r.ticks).toEqual(["1e-10", "1e-8", "1e-6", "1e-4", "0.01", "1"]);
    expect(r.ticks.join(" ")).not.toMatch(/[pnµm]$/);
    snapshot("lossCurvesLog", r.svg);
    await page.close();
  });
});

describe("the composed playground in Chromium", () => {
  it("has no serious or critical axe-core violations and no errors", async () => {
    const {page, errors, external} = await hz.open();
    await page.evaluate((spec) => document.getElementById("root")!.append((window as any).gb.Playground(spec)), SPEC);
    await page.waitForSelector(".gb-pg-curves svg");
    await page.addScriptTag({url: "/axe.js"});
    const violations = await page.evaluate(async () => {
      const res = await (window as any).axe.run(document.getElementById("root"));
      return res.violations.map((v: any) => ({id: v.id, impact: v.impact, nodes: v.nodes.map((n: any) => n.target.join(" ") + " " + n.failureSummary)}));
    });
    expect(violations.filter((v: {impact: string}) => v.impact === "serious" || v.impact === "critical"), JSON.stringify(violations)).toEqual([]);
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
    await page.close();
  });

  it("a printed rule equal to its reference is one path with both names; one that differs is drawn beside it, dashed", async () => {
    const {page} = await hz.open();
    const r = await page.evaluate((spec) => {
      const el = (window as any).gb.Playground(spec);
      document.getElementById("root")!.append(el);
      return {legend: [...el.querySelectorAll(".gb-pg-surface .gb-pg-legend li")].map((li: Element) => li.textContent), ids: el.paths.map((p: any) => p.id), dash: el.paths.map((p: any) => p.dash ?? null)};
    }, SPEC);
    expect(r.legend).toEqual(["GD (line 60) = Gradient descent", "Momentum", "momentum (line 70): differs from the reference Momentum"]);
    expect(r.ids).toEqual(["gd", "momentum", "rule-70"]);
    expect(r.dash).toEqual([null, null, "6 4"]);
    await page.close();
  });

  it("sliders from the keyboard: one input event per change (view() contract), paths and update rule follow", async () => {
    const {page} = await hz.open();
    await page.evaluate((spec) => {
      const el = (window as any).gb.Playground(spec);
      document.getElementById("root")!.append(el);
      (window as any).events = 0;
      el.querySelector(".gb-pg-controls").addEventListener("input", () => (window as any).events++);
    }, SPEC);
    const before = await page.evaluate(() => ({d: document.querySelector("#ls-path-gd path:nth-of-type(2)")?.getAttribute("d"), rule: document.querySelector(".gb-pg-rule")!.textContent}));
    await page.focus("input[name=alpha]");
    await page.keyboard.press("ArrowRight");
    const after = await page.evaluate(() => ({
      events: (window as any).events,
      alpha: (document.querySelector(".gb-pg-controls") as any).value.alpha,
      d: document.querySelector("#ls-path-gd path:nth-of-type(2)")?.getAttribute("d"),
      rule: document.querySelector(".gb-pg-rule")!.textContent,
      out: document.querySelector(".gb-pg-row output")!.textContent
    }));
    expect(after.events).toBe(1);
    // log10(0.04) = −1.39794 → the next slider step (0.01 from −5) is −1.39 → 10^−1.39 = 0.04074
    expect(after.alpha).toBeCloseTo(10 ** -1.39, 6);
    expect(after.out).toBe("0.04074");
    expect(after.d).not.toBe(before.d);
    expect(before.rule).toContain("0.04");
    expect(after.rule).toContain("0.04074");
    await page.close();
  });

  it("a slider move rewrites the paths and numbers in place: no node made, contours kept; inputs in one frame redraw once now, once at the next frame", async () => {
    const {page, errors} = await hz.open();
    const r = await page.evaluate(async (spec) => {
      const el = (window as any).gb.Playground(spec, {width: 500});
      document.getElementById("root")!.append(el);
      const frame = () => new Promise((ok) => requestAnimationFrame(ok));
      await frame();
      await frame();
      const q = (sel: string) => [...el.querySelectorAll(sel)] as Element[];
      const before = {paths: q(".gb-pg-surface .gb-ls-path path"), contours: q(".gb-ls-contours path"), curves: q(".gb-lc-line"), rules: q(".gb-pg-rule"),
        d: el.querySelector("#ls-path-gd path:nth-of-type(2)").getAttribute("d")};
      // count the elements the redraws add anywhere in the playground
      // the elements the redraws add anywhere in the playground (but the loss axis' ticks, redrawn when its decade changes)
      const added: string[] = [];
      const mo = new MutationObserver((rs) => rs.forEach((m) => {
        if ((m.target as Element).closest(".gb-lc-axis-y, .gb-lc-axis-x")) return;
        for (const n of m.addedNodes) if (n.nodeType === Node.ELEMENT_NODE) added.push((n as Element).outerHTML.slice(0, 80));
      }));
      mo.observe(el, {childList: true, subtree: true});
      const alpha = el.querySelector("input[name=alpha]") as HTMLInputElement;
      const ds: string[] = [];
      await new Promise<void>((ok) => requestAnimationFrame(() => {
        // three inputs within one frame: −1.5, −1.45, −1.42 (log10 α)
        for (const v of ["-1.5", "-1.45", "-1.42"]) {
          alpha.value = v;
          alpha.dispatchEvent(new Event("input", {bubbles: true}));
          ds.push(el.querySelector("#ls-path-gd path:nth-of-type(2)").getAttribute("d"));
        }
        ok();
      }));
      const inFrame = {rule: el.querySelector(".gb-pg-rule").textContent};
      await frame();
      const next = {d: el.querySelector("#ls-path-gd path:nth-of-type(2)").getAttribute("d"), rule: el.querySelector(".gb-pg-rule").textContent};
      await new Promise((ok) => setTimeout(ok, 0));
      mo.disconnect();
      const same = (a: Element[], b: Element[]) => a.length === b.length && a.every((n, k) => n === b[k] && n.isConnected);
      return {
        ds, before: before.d, next: next.d, inFrame, nextRule: next.rule, added, value: el.value.alpha,
        samePaths: same(before.paths, q(".gb-pg-surface .gb-ls-path path")), sameContours: same(before.contours, q(".gb-ls-contours path")),
        sameCurves: same(before.curves, q(".gb-lc-line")), sameRules: same(before.rules, q(".gb-pg-rule"))
      };
    }, SPEC);
    // the first input of the frame redrew at once; the next two waited, then one redraw showed the last value
    expect(r.ds[0]).not.toBe(r.before);
    expect(r.ds[1]).toBe(r.ds[0]);
    expect(r.ds[2]).toBe(r.ds[0]);
    expect(r.inFrame.rule).toContain("0.03162"); // 10^−1.5
    expect(r.next).not.toBe(r.ds[0]);
    expect(r.value).toBeCloseTo(10 ** -1.42, 6);
    expect(r.nextRule).toContain("0.03802"); // 10^−1.42
    // nothing was rebuilt: the same path, contour, loss-line and rule elements, and no element added (only text)
    expect([r.samePaths, r.sameContours, r.sameCurves, r.sameRules]).toEqual([true, true, true, true]);
    expect(r.added).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("a claim's preset button sets the sliders; a false claim says so", async () => {
    const {page} = await hz.open();
    const r = await page.evaluate((spec) => {
      const el = (window as any).gb.Playground(spec);
      document.getElementById("root")!.append(el);
      const buttons = [...el.querySelectorAll(".gb-pg-presets button")] as HTMLButtonElement[];
      buttons[0].click();
      return {value: el.value, texts: buttons.map((b) => b.textContent), steps: el.paths[0].points.length};
    }, SPEC);
    expect(r.value).toMatchObject({alpha: 0.09, gamma: 0.5, steps: 25});
    expect(r.steps).toBe(26);
    expect(r.texts[1]).toBe("“GD always converges”✗ Does not hold at any reasonable setting: above α = 2/20 it diverges");
    await page.close();
  });

  it("hovering a step reads it out; the loss chart's cursor marks the same step on every path", async () => {
    const {page} = await hz.open();
    await page.evaluate((spec) => document.getElementById("root")!.append((window as any).gb.Playground(spec, {width: 500})), SPEC);
    const plot = await page.$(".gb-pg-surface");
    const [px, py, expected] = await page.evaluate(() => {
      const el = document.querySelector(".gb-pg-surface") as any;
      const paths = el.closest(".gb-playground").paths;
      const [x, y] = el.toPixels(paths[0].points[12]);
      // the step nearest the pointer, over every path
      let best = {d: Infinity, label: "", k: -1};
      for (const p of paths) p.points.forEach((w: number[], k: number) => {
        const [a, b] = el.toPixels(w);
        const d = (a - x - 1) ** 2 + (b - y - 1) ** 2;
        if (d < best.d) best = {d, label: p.label, k};
      });
      const r = el.svg.getBoundingClientRect();
      return [r.left + x, r.top + y, `${best.label}: step ${best.k}, loss `];
    });
    await page.mouse.move(px + 1, py + 1);
    const hover = await plot!.$eval(".gb-pg-readout", (e) => e.textContent);
    expect(hover!.startsWith(expected as string), `${hover} starts with ${expected}`).toBe(true);
    const box = await page.$eval(".gb-pg-curves rect", (e) => {
      const r = e.getBoundingClientRect();
      return {x: r.left, y: r.top, w: r.width, h: r.height};
    });
    // 40 steps across the chart: a quarter of the way is step 10
    await page.mouse.move(box.x + box.w / 4, box.y + box.h / 2);
    const r = await page.evaluate(() => ({
      marks: document.querySelectorAll(".gb-pg-surface .gb-ls-cursor circle").length,
      readout: document.querySelector(".gb-pg-surface .gb-pg-readout")!.textContent,
      curves: document.querySelector(".gb-pg-curves .gb-pg-readout")!.textContent
    }));
    expect(r.marks).toBe(3);
    expect(r.readout).toContain("step 10");
    expect(r.curves).toMatch(/^step 10 · /);
    await page.close();
  });

  it("the start point: a mouse drags it at once; a touch swipe does not move it, a hold then drag does", async () => {
    const {page} = await hz.open();
    await page.evaluate((spec) => document.getElementById("root")!.append((window as any).gb.Playground(spec, {width: 500})), SPEC);
    const area = await page.$eval(".gb-ls-overlay", (e) => {
      const r = e.getBoundingClientRect();
      return {x: r.left, y: r.top, w: r.width, h: r.height};
    });
    const value = () => page.evaluate(() => (document.querySelector(".gb-playground") as any).value.start ?? null);
    expect(await value()).toBeNull();
    await page.mouse.move(area.x + area.w / 2, area.y + area.h / 2);
    await page.mouse.down();
    await page.mouse.move(area.x + area.w * 0.75, area.y + area.h / 4);
    await page.mouse.up();
    const dragged = await value();
    // quadratic domain x ∈ [−4, 4], y ∈ [−2, 2]: three quarters across is 2, a quarter down is 1
    expect(dragged[0]).toBeCloseTo(2, 1);
    expect(dragged[1]).toBeCloseTo(1, 1);
    const touch = (type: string, x: number, y: number) => page.$eval(".gb-ls-overlay", (e, a) => e.dispatchEvent(new PointerEvent(a.type, {pointerType: "touch", clientX: a.x, clientY: a.y, button: 0, pointerId: 7, bubbles: true})), {type, x, y});
    await touch("pointerdown", area.x + 50, area.y + 50);
    await touch("pointermove", area.x + 50, area.y + 120);
    await touch("pointerup", area.x + 50, area.y + 120);
    expect(await value()).toEqual(dragged);
    await touch("pointerdown", area.x + 50, area.y + 50);
    await page.waitForTimeout(600);
    await touch("pointermove", area.x + 60, area.y + 60);
    await touch("pointerup", area.x + 60, area.y + 60);
    expect(await value()).not.toEqual(dragged);
    await page.close();
  });

  it("the 3-D view rotates from the keyboard and by dragging", async () => {
    const {page} = await hz.open();
    await page.evaluate((spec) => document.getElementById("root")!.append((window as any).gb.Playground(spec, {width: 500})), SPEC);
    const v0 = await page.evaluate(() => (document.querySelector(".gb-pg-3d-figure") as any).view);
    await page.focus(".gb-pg-3d"); // scrolls it on screen: its paths are drawn only there
    await page.waitForTimeout(100);
    await page.keyboard.press("ArrowRight");
    const v1 = await page.evaluate(() => (document.querySelector(".gb-pg-3d-figure") as any).view);
    expect(v1.azimuth).toBeCloseTo((v0.azimuth + 10 + 360) % 360, 9);
    expect(await page.evaluate(() => document.activeElement?.classList.contains("gb-pg-3d"))).toBe(true);
    const n = await page.evaluate(() => [document.querySelectorAll(".gb-pg-3d path").length, document.querySelectorAll(".gb-pg-3d-figure .gb-3d-overlay path").length]);
    // 27×27 mesh quads; over them, in their own SVG, the halo and line of 3 paths
    expect(n).toEqual([27 * 27, 6]);
    await page.close();
  });
});
