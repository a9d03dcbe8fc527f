/**
 * Printed rules against the library's references, end to end on documents written for this test: the generator
 * reads each document (src/playground/ via playgroundEnricher), its cells carry the spec, and the page's pieces
 * wired as those cells wire them (Playground: runOptimizers → LossSurface, LossCurves, UpdateRule) draw it in
 * headless Chromium. A printed rule that differs from its reference (GD printed with the wrong sign; momentum
 * printed as an average) is drawn separately, dashed, under a label that says it differs; a printed rule equal to
 * its reference is drawn once, under both names.
 */
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {startPlaygroundHarness, type PlaygroundHarness} from "../bench/playground-harness.js";
import type {PlaygroundSpec} from "../components/playground/spec.js";
import {specOf} from "./playgroundTestDoc.js";

let hz: PlaygroundHarness;
beforeAll(async () => {
  hz = await startPlaygroundHarness();
});
afterAll(async () => {
  await hz?.close();
});

/** The spec the generator writes into the page's first playground cell for this document. */

/** Draws the spec in the harness page (in the book's language) and reads what the reader sees. */
async function draw(spec: PlaygroundSpec) {
  const {page, errors} = await hz.open();
  const r = await page.evaluate((spec) => {
    document.documentElement.lang = "zh-CN";
    const el = (window as any).gb.Playground(spec, {width: 500});
    document.getElementById("root")!.append(el);
    const legend = (sel: string) => [...el.querySelectorAll(`${sel} .gb-pg-legend li`)].map((li: Element) => ({
      text: li.textContent, dash: li.querySelector("line")!.getAttribute("stroke-dasharray"), color: li.querySelector("line")!.getAttribute("style")
    }));
    return {
      surface: legend(".gb-pg-surface"),
      curves: legend(".gb-pg-curves").map((e) => e.text),
      groups: [...el.querySelectorAll(".gb-pg-surface .gb-ls-path")].map((g: Element) => ({id: g.id, title: g.querySelector("title")!.textContent})),
      paths: el.paths.map((p: any) => ({id: p.id, p1: p.points[1], losses: [p.losses[0], p.losses.at(-1)]})),
      rules: [...el.querySelectorAll(".gb-pg-rule figcaption")].map((c: Element) => c.textContent)
    };
  }, spec);
  expect(errors).toEqual([]);
  await page.close();
  return r;
}

describe("printed rules drawn beside their references (documents written for this test)", () => {
  it("GD printed with a wrong sign and momentum printed as an average (Chinese headings, θ and η): each drawn apart, labelled as differing", async () => {
    const {spec, code} = await specOf([
      "# 两种优化器", "", "## 1. 背景介绍", "", "训练模型需要梯度下降和动量法。", "", "## 3. 核心算法原理", "",
      "梯度下降的更新规则如下：", "", "$$\\theta_{t+1} = \\theta_t + \\eta \\nabla f(\\theta_t)$$", "",
      "动量法先累积速度：", "", "$$v_{t+1} = \\beta v_t + (1 - \\beta) \\nabla f(\\theta_t) \\\\ \\theta_{t+1} = \\theta_t - \\eta v_{t+1}$$", "",
      "学习率 $\\eta$ 取 0.05。", ""
    ]);
    // the generator read both rules, with their references, and the text's learning rate
    expect(spec.rules.map((r) => [r.line, r.name, r.reference, r.drawn])).toEqual([[11, "gd", "gd", true], [15, "momentum", "momentum", true]]);
    expect(spec.defaults.alpha).toBe(0.05);
    // the page's cells run these rules through runOptimizers into the plots
    expect(code).toContain("const pg1Paths = runOptimizers(pg1Surface, pg1Hyper, pg1Spec.rules);");
    expect(code.some((c) => c.startsWith("pg1Plot.setPaths(pg1Paths"))).toBe(true);

    const r = await draw(spec);
    expect(r.surface.map((e) => e.text)).toEqual([
      "梯度下降 GD", "动量 Momentum",
      "梯度下降（原文第 11 行）：与参考实现（梯度下降 GD）的路径不同",
      "动量（原文第 15 行）：与参考实现（动量 Momentum）的路径不同"
    ]);
    // dashed, in its reference's colour
    expect(r.surface.map((e) => e.dash)).toEqual([null, null, "6 4", "6 4"]);
    expect(r.surface[2].color).toBe(r.surface[0].color);
    expect(r.surface[3].color).toBe(r.surface[1].color);
    expect(r.curves).toEqual(r.surface.map((e) => e.text));
    expect(r.groups.map((g) => g.id)).toEqual(["ls-path-gd", "ls-path-momentum", "ls-path-rule-11", "ls-path-rule-15"]);
    expect(r.groups[2].title).toContain("与参考实现（梯度下降 GD）的路径不同");
    // quadratic ½(w₁² + 20 w₂²) from (−3.5, 1.5), α = 0.05: GD steps to (−3.5·0.95, 1.5·(1 − 20·0.05)) = (−3.325, 0);
    // the printed sign climbs: (−3.5·1.05, 1.5·(1 + 1)) = (−3.675, 3)
    const [gd, , wrong, avg] = r.paths;
    expect(gd.p1[0]).toBeCloseTo(-3.325, 12);
    expect(gd.p1[1]).toBeCloseTo(0, 12);
    expect(wrong.p1[0]).toBeCloseTo(-3.675, 12);
    expect(wrong.p1[1]).toBeCloseTo(3, 12);
    expect(wrong.losses[1]).toBeGreaterThan(wrong.losses[0]);
    expect(gd.losses[1]).toBeLessThan(gd.losses[0]);
    // the averaged momentum's first step: v₁ = (1 − 0.9)·g₀ = 0.1·(−3.5, 30), θ₁ = θ₀ − 0.05·v₁
    expect(avg.p1[0]).toBeCloseTo(-3.5 + 0.05 * 0.35, 12);
    expect(avg.p1[1]).toBeCloseTo(1.5 - 0.05 * 3, 12);
    // the rules are shown as printed, each beside its reference
    expect(r.rules).toEqual(["梯度下降（原文第 11 行）", "动量（原文第 15 行）", "梯度下降 GD · 参考实现", "动量 Momentum · 参考实现"]);
  });

  it("GD and heavy-ball momentum printed as the library runs them (English headings, w and α): one path each, with both names", async () => {
    const {spec} = await specOf([
      "# Plain descent", "", "## 1. Background", "", "Why training needs gradient descent.", "", "## 3. Core algorithm", "",
      "Gradient descent with learning rate $\\alpha$:", "", "$$w_{t+1} = w_t - \\alpha \\nabla L(w_t)$$", "",
      "Momentum (heavy ball) keeps a velocity:", "", "$$z_{t+1} = \\gamma z_t + \\nabla L(w_t) \\\\ w_{t+1} = w_t - \\alpha z_{t+1}$$", ""
    ]);
    expect(spec.rules.map((r) => [r.line, r.reference])).toEqual([[11, "gd"], [15, "momentum"]]);
    const r = await draw(spec);
    expect(r.surface.map((e) => e.text)).toEqual(["梯度下降（原文第 11 行） = 梯度下降 GD", "动量（原文第 15 行） = 动量 Momentum"]);
    expect(r.surface.map((e) => e.dash)).toEqual([null, null]);
    expect(r.groups.map((g) => g.id)).toEqual(["ls-path-gd", "ls-path-momentum"]);
    expect(r.paths.map((p: {id: string}) => p.id)).toEqual(["gd", "momentum"]);
  });
});
