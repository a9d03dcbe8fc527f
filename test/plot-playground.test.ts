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
    expect(r.svg).toContain("等高线按对数间隔");
    expect(r.svg).toContain('class="gb-ls-minimum"');
    snapshot("lossSurfaceRosenbrockLog", r.svg);
    await page.close();
  });
  it("lossSurfaceDivergent: a too-high learning rate stops the path with a visible label", async () => {
    const {page} = await hz.open();
    const r = await renderSurface(page, "quadratic", {steps: 200, alpha: 0.2, names: ["gd", "adam"], n: 20, width: 400});
    // gd: w₁ ×(−3) per step, ½·20·(1.5·3ᵏ)² = 22.5·9ᵏ > 1e6 at k = 5 (1.33e6) → 6 iterates drawn
    expect(r.dots[0]).toBe(6);
    expect(r.stopped).toEqual(["✕ 梯度下降 GD 已停止"]);
    expect(r.svg).toContain("<title>梯度下降 GD：已停止，第 5 步损失 1.33e+6 超过 1.00e+6（发散：学习率太大？）</title>");
    snapshot("lossSurfaceDivergent", r.svg);
    await page.close();
  });
  it("lossSurface1d: the 004 model θ as a curve, iterates on it", async () => {
    const {page} = await hz.open();
    const r = await renderSurface(page, "linear-theta-004", {steps: 10, alpha: 0.01, names: ["gd"], n: 30, width: 400});
    expect(r.contours).toBe(0);
    expect(r.dots).toEqual([11]);
    expect(r.svg).toContain("真实斜率 2");
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
    await page.getByLabel("动量 γ (momentum)").focus();
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
    expect(msg.text).toMatch(/^✕ 梯度下降 GD 已停止：第 \d+ 步损失 .* 超过 .*（发散：学习率太大？）。$/);
    expect(msg.svg).toBe("✕ 梯度下降 GD 已停止");
    // Readable in dark mode too: the stop message turns a lighter red.
    expect(await page.evaluate(() => getComputedStyle(document.querySelector(".gb-pg-stop")!).color)).toBe("rgb(176, 42, 55)");
    await page.emulateMedia({colorScheme: "dark"});
    expect(await page.evaluate(() => getComputedStyle(document.querySelector(".gb-pg-stop")!).color)).toBe("rgb(255, 155, 155)");
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
    expect(r.errors).toEqual(["已忽略 URL 设置 alpha=zzz：不是数字", "已忽略 URL 设置 optimizers=gd,sgd：未知的 sgd（应为 gd, momentum, rmsprop, adam）"]);
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
    expect(await counter()).toBe("第 300 / 300 步");
    await page.getByRole("button", {name: "回到第 0 步"}).click();
    expect(await counter()).toBe("第 0 / 300 步");
    await page.getByRole("button", {name: "前进 10 步"}).click();
    await page.getByRole("button", {name: "前进 1 步"}).click();
    expect(await counter()).toBe("第 11 / 300 步");
    expect(await page.evaluate(() => document.querySelector(".gb-ls-path path:nth-of-type(3)")!.getAttribute("d")!.split("h0").length - 1)).toBe(12);
    await page.getByRole("button", {name: "回到第 0 步"}).click();
    await page.getByRole("button", {name: "▶ 播放"}).click();
    await page.waitForFunction(() => document.querySelector(".gb-pg-counter")!.textContent === "第 300 / 300 步", undefined, {timeout: 15000});
    expect(await page.getByRole("button", {name: "▶ 播放"}).count()).toBe(1);
    // abort mid-animation: the counter stops moving
    await page.getByRole("button", {name: "回到第 0 步"}).click();
    await page.getByRole("button", {name: "▶ 播放"}).click();
    await page.waitForTimeout(100);
    await page.evaluate(() => (window as any).ctl.abort());
    const stoppedAt = await counter();
    await page.waitForTimeout(300);
    expect(await counter()).toBe(stoppedAt);
    expect(stoppedAt).not.toBe("第 300 / 300 步");
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
    expect(r.okErrors).toEqual(["garbled：未绘制，无法编译原文的更新规则：cannot read \\theta = ?"]);
    expect(r.missingErrors).toEqual([
      "GD as printed in 004 §4：未绘制，公式引擎不可用（no module）",
      "garbled：未绘制，公式引擎不可用（no module）"
    ]);
    expect(r.missingPaths).toBe(1);
    await page.close();
  });

  it("printed gradient (001 §4.2, sign −1): a dotted GD path that climbs next to correct GD, explained; axe stays clean", async () => {
    const {page, errors, external} = await hz.open();
    const r = await page.evaluate(async () => {
      const gb = (window as any).gb;
      const spec = {
        surfaces: ["logistic-001-w1b", "quadratic"],
        optimizers: ["gd"],
        printedGradients: [{label: "GD，用原文 §4.2 的梯度", loss: "binaryCrossEntropy", sign: -1, latex: "\\frac{\\partial L}{\\partial W} = \\frac{1}{m} \\sum_{i=1}^{m} (y_i - y_i') \\cdot x_i"}]
      };
      const el = gb.Playground(spec, {urlParam: false});
      (window as any).pg = el;
      document.getElementById("root")!.append(el);
      const s = gb.getSurface("logistic-001-w1b");
      const g0 = s.grad(s.start);
      const alpha = el.value.alpha;
      const svg = el.querySelector("svg.gb-loss-surface");
      // the stated path's second point is w₀ + α∇L(w₀), in pixels
      const expect1 = svg.toPixels([s.start[0] + alpha * g0[0], s.start[1] + alpha * g0[1]]).map((v: number) => Math.round((v - 52) * 100) / 100);
      const d = el.querySelector("#pg1-path-stated0 path:nth-of-type(2)").getAttribute("d");
      const second = d.split("L")[1].split(",").map(Number);
      const expect1y = Math.round((svg.toPixels([0, s.start[1] + alpha * g0[1]])[1] - 16) * 100) / 100;
      const box = el.querySelector(".gb-pg-stated");
      const out = {
        ids: [...el.querySelectorAll(".gb-ls-path")].map((g: Element) => g.id),
        dash: el.querySelector("#pg1-path-stated0 path:nth-of-type(2)").getAttribute("stroke-dasharray"),
        second,
        expected: [expect1[0], expect1y],
        explain: box.hidden ? null : box.textContent,
        live: el.querySelector(".gb-pg-stated-live").textContent,
        toggle: (el.querySelector(".gb-pg-stated-toggle") as HTMLElement).hidden,
        katex: box.querySelectorAll(".katex").length
      };
      return out;
    });
    expect(r.ids).toEqual(["pg1-path-gd", "pg1-path-stated0"]);
    expect(r.dash).toBe("1.5 3");
    expect(r.second[0]).toBeCloseTo(r.expected[0], 1);
    expect(r.second[1]).toBeCloseTo(r.expected[1], 1);
    expect(r.explain).toContain("GD，用原文 §4.2 的梯度：原文写的是");
    expect(r.explain).toContain("把整个表达式的符号取反");
    expect(r.explain).toContain("沿梯度方向上坡");
    expect(r.katex).toBe(2);
    expect(r.toggle).toBe(false);
    // 300 steps at α = 0.5 from (−4, −4): correct GD goes down, the printed gradient goes up
    const m = r.live.match(/^正确的梯度下降：损失从 ([\d.]+) 降到 ([\d.e-]+)（第 300 步）；GD，用原文 §4\.2 的梯度：损失从 ([\d.]+) 升到 ([\d.]+)（第 300 步）。$/);
    expect(m, r.live).not.toBeNull();
    const [down0, down1, up0, up1] = m!.slice(1).map(Number);
    expect(down0).toBe(up0);
    expect(down1).toBeLessThan(down0);
    expect(up1).toBeGreaterThan(up0);

    await page.addScriptTag({url: "/axe.js"});
    const violations = await page.evaluate(async () => {
      const res = await (window as any).axe.run(document.getElementById("root"));
      return res.violations.filter((v: any) => v.impact === "serious" || v.impact === "critical").map((v: any) => v.id);
    });
    expect(violations).toEqual([]);

    // unticking hides the path; the quadratic is not a BCE surface: no path, no toggle, no explanation
    const after = await page.evaluate(() => {
      const el = (window as any).pg as HTMLElement & {value: any};
      const c = el.querySelector("input[id$='-stated']") as HTMLInputElement;
      c.checked = false;
      c.dispatchEvent(new Event("input", {bubbles: true}));
      const unticked = {ids: [...el.querySelectorAll(".gb-ls-path")].map((g) => g.id), value: el.value.printedGradients, live: el.querySelector(".gb-pg-stated-live")!.textContent};
      c.checked = true;
      c.dispatchEvent(new Event("input", {bubbles: true}));
      const sel = el.querySelector("select") as HTMLSelectElement;
      sel.value = "quadratic";
      sel.dispatchEvent(new Event("input", {bubbles: true}));
      return {
        unticked,
        ids: [...el.querySelectorAll(".gb-ls-path")].map((g) => g.id),
        toggle: (el.querySelector(".gb-pg-stated-toggle") as HTMLElement).hidden,
        explain: (el.querySelector(".gb-pg-stated") as HTMLElement).hidden
      };
    });
    expect(after.unticked.ids).toEqual(["pg1-path-gd"]);
    expect(after.unticked.value).toBe(false);
    expect(after.unticked.live).toMatch(/^正确的梯度下降：损失从 .* 降到 .*（第 300 步）。$/);
    expect(after.ids).toEqual(["pg1-path-gd"]);
    expect(after.toggle).toBe(true);
    expect(after.explain).toBe(true);
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
    await page.close();
  });

  it("printed gradient (000 §4.2 ∇MSE, sign −1) on the quadratic diverges and says it is the sign, not α; bad entries are reported in place", async () => {
    const {page, errors} = await hz.open();
    const r = await page.evaluate(() => {
      const gb = (window as any).gb;
      const el = gb.Playground(
        {
          surfaces: ["quadratic"],
          optimizers: ["gd"],
          printedGradients: [
            {label: "GD，用原文 §4.2 的 ∇MSE", loss: "mse", sign: -1},
            {label: "bad", loss: "mse", sign: 2},
            {label: "bad2", loss: "hinge", sign: -1}
          ]
        },
        {urlParam: false}
      );
      document.getElementById("root")!.append(el);
      return {
        stops: [...el.querySelectorAll(".gb-pg-stop")].map((p: Element) => p.textContent),
        errors: [...el.querySelectorAll(".gb-pg-messages .gb-pg-error")].map((p: Element) => p.textContent),
        ids: [...el.querySelectorAll(".gb-ls-path")].map((g: Element) => g.id)
      };
    });
    expect(r.ids).toEqual(["pg1-path-gd", "pg1-path-stated0"]);
    expect(r.stops).toHaveLength(1);
    expect(r.stops[0]).toMatch(/^✕ GD，用原文 §4\.2 的 ∇MSE 已停止：第 \d+ 步损失 .* 超过 .*（发散：梯度符号反了，每一步都在上坡，调小学习率也没用）。$/);
    expect(r.errors).toEqual(["spec.printedGradients[1].sign 应为 1 或 -1，得到 2", 'spec.printedGradients[2].loss 应为 mse 或 binaryCrossEntropy，得到 "hinge"']);
    expect(errors).toEqual([]);
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
    expect(text).toMatch(/^损失曲面演示区：未知的曲面 id "moon"；已知：quadratic, rosenbrock/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
