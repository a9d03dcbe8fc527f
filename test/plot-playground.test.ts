/**
 * LossSurface snapshots and Playground behaviour in real headless Chromium (bench/playground-harness.ts):
 * the components need SVG layout, pointer events, history.replaceState and KaTeX, which no Node DOM here has
 * (happy-dom/jsdom are not installed), and this is the browser the book ships to.
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

async function renderSurface(page: Page, id: string, opts: {steps: number; alpha: number; names: string[]; n: number; width: number}) {
  return page.evaluate(
    ({id, opts}) => {
      const gb = (window as any).gb;
      const s = gb.getSurface(id, 4);
      const colors: Record<string, string> = {gd: "#e41a1c", momentum: "#ff7f00", adam: "#111111", rmsprop: "#f781bf"};
      const hyper = {alpha: opts.alpha, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-8, gamma: 0.9};
      const paths = opts.names.map((name: string) => {
        const r = gb.runOptimizer(s.f, s.grad, s.start, gb.OPTIMIZERS[name].step, hyper, opts.steps, {maxLoss: 1e6});
        return {id: name, label: gb.OPTIMIZERS[name].label, color: colors[name], points: r.path, stopped: r.stopped?.reason ?? null};
      });
      const el = gb.LossSurface(s, {id: "snap", width: opts.width, n: opts.n, thresholds: 12, paths, start: s.start});
      document.body.append(el);
      const out = {
        svg: el.outerHTML,
        contours: el.querySelectorAll(".gb-ls-contours path").length,
        legend: el.querySelectorAll(".gb-ls-legend rect").length,
        paths: el.querySelectorAll(".gb-ls-path").length,
        dots: [...el.querySelectorAll(".gb-ls-path")].map((g: Element) => (g.querySelectorAll("path")[2]?.getAttribute("d") ?? "").split("h0").length - 1),
        stopped: [...el.querySelectorAll(".gb-ls-path text")].map((t: Element) => t.textContent),
        bbox: (() => {
          const b = el.getBoundingClientRect();
          return [b.width, b.height];
        })()
      };
      el.remove();
      return out;
    },
    {id, opts}
  );
}

describe("LossSurface(surface, options)", () => {
  it("lossSurfaceQuadratic", async () => {
    const {page, errors} = await hz.open();
    const r = await renderSurface(page, "quadratic", {steps: 20, alpha: 0.04, names: ["gd", "momentum", "adam"], n: 30, width: 400});
    expect(r.contours).toBe(12);
    expect(r.legend).toBe(12);
    expect(r.paths).toBe(3);
    expect(r.dots).toEqual([21, 21, 21]);
    expect(r.stopped).toEqual([]);
    expect(r.bbox).toEqual([400, 320]);
    snapshot("lossSurfaceQuadratic", r.svg);
    expect(errors).toEqual([]);
    await page.close();
  });
  it("lossSurfaceRosenbrockLog", async () => {
    const {page} = await hz.open();
    const r = await renderSurface(page, "rosenbrock", {steps: 30, alpha: 0.002, names: ["gd", "adam"], n: 30, width: 400});
    expect(r.svg).toContain("log-spaced levels");
    expect(r.svg).toContain('class="gb-ls-minimum"');
    snapshot("lossSurfaceRosenbrockLog", r.svg);
    await page.close();
  });
  it("lossSurfaceDivergent: a too-high learning rate stops the path with a visible label", async () => {
    const {page} = await hz.open();
    const r = await renderSurface(page, "quadratic", {steps: 200, alpha: 0.2, names: ["gd", "adam"], n: 20, width: 400});
    // gd: w₁ ×(−3) per step, ½·20·(1.5·3ᵏ)² = 22.5·9ᵏ > 1e6 at k = 5 (1.33e6) → 6 iterates drawn
    expect(r.dots[0]).toBe(6);
    expect(r.stopped).toEqual(["✕ GD stopped"]);
    expect(r.svg).toMatch(/<title>GD: stopped — loss 1\.33e\+6 exceeded 1\.00e\+6 at step 5/);
    snapshot("lossSurfaceDivergent", r.svg);
    await page.close();
  });
  it("lossSurface1d: the 004 model θ as a curve, iterates on it", async () => {
    const {page} = await hz.open();
    const r = await renderSurface(page, "linear-theta-004", {steps: 10, alpha: 0.01, names: ["gd"], n: 30, width: 400});
    expect(r.contours).toBe(0);
    expect(r.dots).toEqual([11]);
    expect(r.svg).toContain("true slope 2");
    snapshot("lossSurface1d", r.svg);
    await page.close();
  });
});

describe("Playground(spec, options) in Chromium", () => {
  it("has no serious or critical axe-core violations", async () => {
    const {page, errors, external} = await hz.open();
    await page.evaluate(() => {
      const gb = (window as any).gb;
      document.getElementById("root")!.append(gb.Playground({surfaces: ["quadratic", "rosenbrock", "linear-theta-b-004"]}, {urlParam: false}));
    });
    await page.waitForSelector(".gb-pg-curves svg");
    await page.addScriptTag({url: "/axe.js"});
    const violations = await page.evaluate(async () => {
      const res = await (window as any).axe.run(document.getElementById("root"));
      return res.violations.map((v: any) => ({id: v.id, impact: v.impact, nodes: v.nodes.map((n: any) => n.target.join(" ") + " " + n.failureSummary)}));
    });
    expect(violations.filter((v: {impact: string}) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
    await page.close();
  });

  it("sliders work from the keyboard: value updates and one input event per change (view() contract)", async () => {
    const {page} = await hz.open();
    await page.evaluate(() => {
      const gb = (window as any).gb;
      const el = gb.Playground({surfaces: ["quadratic"]}, {urlParam: false});
      (window as any).events = 0;
      el.addEventListener("input", () => (window as any).events++);
      (window as any).pg = el;
      document.getElementById("root")!.append(el);
    });
    const before = await page.evaluate(() => (window as any).pg.value.gamma);
    expect(before).toBe(0.9);
    await page.getByLabel("γ momentum").focus();
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    const after = await page.evaluate(() => ({v: (window as any).pg.value, events: (window as any).events, out: document.querySelector("output[for$='-gamma']")!.textContent}));
    expect(after.v.gamma).toBeCloseTo(0.88, 10);
    expect(after.events).toBe(2);
    expect(after.out).toBe("0.88");
    // the update rule shows the new γ once the (throttled) formula refresh has run
    await page.waitForFunction(() => document.querySelector(".gb-pg-formulas")!.textContent!.includes("0.88"), undefined, {timeout: 2000});
    await page.close();
  });

  it("divergence shows a message and nothing throws", async () => {
    const {page, errors} = await hz.open();
    const msg = await page.evaluate(() => {
      const gb = (window as any).gb;
      const el = gb.Playground({surfaces: ["quadratic"], optimizers: ["gd"]}, {urlParam: false});
      document.getElementById("root")!.append(el);
      const a = el.querySelector("input[name=alpha]") as HTMLInputElement;
      a.value = String(Math.log10(0.2));
      a.dispatchEvent(new Event("input", {bubbles: true}));
      return {text: el.querySelector(".gb-pg-stop")?.textContent, svg: el.querySelector(".gb-ls-path text")?.textContent};
    });
    expect(msg.text).toMatch(/^✕ GD stopped: loss .* exceeded .* at step \d+ \(diverging: learning rate too high\?\)\.$/);
    expect(msg.svg).toBe("✕ GD stopped");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("settings go into the URL (debounced replaceState) and a reload restores them", async () => {
    const {page} = await hz.open("?other=1");
    const mount = () =>
      page.evaluate(() => {
        const gb = (window as any).gb;
        const el = gb.Playground({surfaces: ["quadratic", "rosenbrock"]});
        (window as any).pg = el;
        document.getElementById("root")!.replaceChildren(el);
      });
    await mount();
    const historyLength = await page.evaluate(() => history.length);
    await page.evaluate(() => {
      const el = (window as any).pg as HTMLElement;
      const sel = el.querySelector("select") as HTMLSelectElement;
      sel.value = "rosenbrock";
      sel.dispatchEvent(new Event("input", {bubbles: true}));
      const steps = el.querySelector("input[name=steps]") as HTMLInputElement;
      steps.value = "123";
      steps.dispatchEvent(new Event("input", {bubbles: true}));
    });
    // click the plot at w = (0, 0) to move the start point
    const [px, py] = await page.evaluate(() => {
      const svg = (window as any).pg.querySelector("svg.gb-ls-surface, svg.gb-loss-surface");
      const [x, y] = svg.toPixels([0, 0]);
      const b = svg.getBoundingClientRect();
      return [b.left + (x * b.width) / svg.width.baseVal.value, b.top + (y * b.height) / svg.height.baseVal.value];
    });
    await page.mouse.click(px, py);
    await page.waitForFunction(() => new URL(location.href).searchParams.get("pg")?.includes("steps:123"));
    const url = await page.evaluate(() => location.href);
    const pg = new URL(url).searchParams.get("pg")!;
    expect(new URL(url).searchParams.get("other")).toBe("1");
    expect(pg).toMatch(/^surface:rosenbrock;alpha:0\.001;/);
    expect(pg).toContain("steps:123");
    const start = pg.match(/start:([^;]+)/)![1].split(",").map(Number);
    expect(Math.abs(start[0])).toBeLessThan(0.03);
    expect(Math.abs(start[1])).toBeLessThan(0.03);
    expect(await page.evaluate(() => history.length)).toBe(historyLength);
    await page.reload();
    await page.waitForSelector("html[data-ready]");
    await mount();
    const v = await page.evaluate(() => (window as any).pg.value);
    expect(v.surface).toBe("rosenbrock");
    expect(v.steps).toBe(123);
    expect(v.start).toEqual(start);
    await page.close();
  });

  it("bad URL settings are reported in place, the rest is restored", async () => {
    const {page} = await hz.open("?pg=" + encodeURIComponent("alpha:zzz;steps:50;optimizers:gd,sgd"));
    const r = await page.evaluate(() => {
      const gb = (window as any).gb;
      const el = gb.Playground({surfaces: ["quadratic"]});
      document.getElementById("root")!.append(el);
      return {steps: el.value.steps, alpha: el.value.alpha, errors: [...el.querySelectorAll(".gb-pg-messages .gb-pg-error")].map((p: Element) => p.textContent)};
    });
    expect(r.steps).toBe(50);
    expect(r.alpha).toBe(0.05);
    expect(r.errors).toEqual(["URL setting alpha=zzz ignored: not a number", "URL setting optimizers=gd,sgd ignored: unknown sgd (expected gd, momentum, rmsprop, adam)"]);
    await page.close();
  });

  it("play animates to the last step; step buttons add 1/10/100; the page's signal stops it", async () => {
    const {page} = await hz.open();
    await page.evaluate(() => {
      const gb = (window as any).gb;
      const ctl = new AbortController();
      (window as any).ctl = ctl;
      const el = gb.Playground({surfaces: ["quadratic"], optimizers: ["gd"]}, {urlParam: false, signal: ctl.signal});
      document.getElementById("root")!.append(el);
    });
    const counter = () => page.evaluate(() => document.querySelector(".gb-pg-counter")!.textContent);
    expect(await counter()).toBe("step 300 / 300");
    await page.getByRole("button", {name: "reset to step 0"}).click();
    expect(await counter()).toBe("step 0 / 300");
    await page.getByRole("button", {name: "+10 steps"}).click();
    await page.getByRole("button", {name: "+1 step"}).click();
    expect(await counter()).toBe("step 11 / 300");
    expect(await page.evaluate(() => document.querySelector(".gb-ls-path path:nth-of-type(3)")!.getAttribute("d")!.split("h0").length - 1)).toBe(12);
    await page.getByRole("button", {name: "reset to step 0"}).click();
    await page.getByRole("button", {name: "▶ play"}).click();
    await page.waitForFunction(() => document.querySelector(".gb-pg-counter")!.textContent === "step 300 / 300", undefined, {timeout: 15000});
    expect(await page.getByRole("button", {name: "▶ play"}).count()).toBe(1);
    // abort mid-animation: the counter stops moving
    await page.getByRole("button", {name: "reset to step 0"}).click();
    await page.getByRole("button", {name: "▶ play"}).click();
    await page.waitForTimeout(100);
    await page.evaluate(() => (window as any).ctl.abort());
    const stoppedAt = await counter();
    await page.waitForTimeout(300);
    expect(await counter()).toBe(stoppedAt);
    expect(stoppedAt).not.toBe("step 300 / 300");
    await page.close();
  });

  it("printed rules are drawn via compileRecurrence, and a missing engine degrades to a message", async () => {
    const {page} = await hz.open();
    const r = await page.evaluate(async () => {
      const gb = (window as any).gb;
      // a compileRecurrence that understands one rule: plain gradient descent
      const engine = {
        compileRecurrence(latex: string) {
          if (!latex.includes("\\alpha")) throw new Error(`cannot read ${latex}`);
          return {hyper: ["alpha"], init: (w: number[]) => w, step: (w: number[], g: number[], _t: number, h: any) => w.map((x, i) => x - h.alpha * g[i]), weights: (w: number[]) => w};
        }
      };
      const printed = [
        {label: "GD as printed in 004 §4", latex: "\\theta = \\theta - \\alpha \\cdot \\nabla_{\\theta} J(\\theta)"},
        {label: "garbled", latex: "\\theta = ?"}
      ];
      const ok = gb.Playground({surfaces: ["quadratic"], optimizers: ["gd"], printed}, {urlParam: false, loadRecurrence: async () => engine});
      const missing = gb.Playground({surfaces: ["quadratic"], optimizers: ["gd"], printed}, {urlParam: false, loadRecurrence: async () => {
        throw new Error("no module");
      }});
      document.getElementById("root")!.append(ok, missing);
      await new Promise((r) => setTimeout(r, 50));
      const ds = [...ok.querySelectorAll(".gb-ls-path")].map((g: Element) => g.querySelectorAll("path")[1].getAttribute("d"));
      return {
        ids: [...ok.querySelectorAll(".gb-ls-path")].map((g: Element) => g.id),
        sameAsGd: ds[0] === ds[1],
        okErrors: [...ok.querySelectorAll(".gb-pg-error")].map((p: Element) => p.textContent),
        missingErrors: [...missing.querySelectorAll(".gb-pg-error")].map((p: Element) => p.textContent),
        missingPaths: missing.querySelectorAll(".gb-ls-path").length
      };
    });
    expect(r.ids).toEqual(["pg1-path-gd", "pg1-path-printed0"]);
    expect(r.sameAsGd).toBe(true);
    expect(r.okErrors).toEqual(["garbled: not drawn — could not compile the printed rule: cannot read \\theta = ?"]);
    expect(r.missingErrors).toEqual([
      "GD as printed in 004 §4: not drawn — the formula engine is not available (no module)",
      "garbled: not drawn — the formula engine is not available (no module)"
    ]);
    expect(r.missingPaths).toBe(1);
    await page.close();
  });

  it("a bad spec shows a clear message in place instead of throwing", async () => {
    const {page, errors} = await hz.open();
    const text = await page.evaluate(() => {
      const gb = (window as any).gb;
      const el = gb.Playground({surfaces: ["quadratic", "moon"]});
      document.getElementById("root")!.append(el);
      return el.textContent;
    });
    expect(text).toMatch(/^Loss-surface playground: unknown surface id\(s\) "moon"; known: quadratic, rosenbrock/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
