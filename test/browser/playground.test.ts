/**
 * The playground notebook as a reader meets it in the built book (dist/): the first generated page with playground
 * cells (found in book/, whichever chapter it is). A slider re-runs the paths and the update rule; no horizontal
 * scroll at 390 px; tick labels ≥ 11 px; in dark mode every path colour is ≥ 3:1 against the page's background;
 * no console errors.
 */
import {existsSync, readdirSync, readFileSync} from "node:fs";
import {join} from "node:path";
import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {type BookSession, startBook} from "./harness.js";

/** The first page (book/<part>/<page>.md, in directory order) whose cells build a playground. */
function playgroundPage(): string {
  for (const part of readdirSync("book", {withFileTypes: true}).filter((d) => d.isDirectory() && !d.name.startsWith("_") && !d.name.startsWith("."))) {
    for (const f of readdirSync(join("book", part.name)).filter((f) => f.endsWith(".md")).sort()) {
      if (readFileSync(join("book", part.name, f), "utf-8").includes("OptimizerControls(")) return `/${part.name}/${f.replace(/\.md$/, "")}`;
    }
  }
  throw new Error("no generated page has a playground");
}

let book: BookSession;
let path: string;
beforeAll(async () => {
  if (!existsSync("dist/index.html")) throw new Error("dist/ is missing: run npm run build first (npm test does)");
  // PLAYGROUND_PAGE=/part/page runs the same checks on another page (an Adadelta page has ρ and ε but no α)
  path = process.env.PLAYGROUND_PAGE ?? playgroundPage();
  book = await startBook("dist");
});
afterAll(async () => book?.close());

/** The first slider (α where the rules have a learning rate; ρ on an Adadelta page, which has none), never steps. */
const FIRST = ".gb-pg-controls .gb-pg-row:first-child";

const ready = (page: Page) => page.waitForSelector(".gb-pg-surface svg .gb-ls-path", {timeout: 30_000});

/** WCAG contrast of two CSS colours as the browser computes them (rgb()/rgba() strings). */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = (c.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

describe("the playground notebook in the book", () => {
  test("a slider re-runs the paths and the update rule; nothing logs an error", async () => {
    const {page, report} = await book.open(path);
    await ready(page);
    const read = () => page.evaluate(() => ({
      d: [...document.querySelectorAll(".gb-pg-surface .gb-ls-path path:nth-of-type(2)")].map((p) => p.getAttribute("d")).join("|"),
      rule: [...document.querySelectorAll(".gb-pg-rule")].map((r) => r.textContent).join("|"),
      out: document.querySelector(".gb-pg-controls .gb-pg-row:first-child output")?.textContent
    }));
    const before = await read();
    expect(before.rule).not.toBe("");
    await page.focus(`${FIRST} input`);
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    // the cells re-run (Framework recomputes on the next frame): the paths change and the rules show the slider's value
    await page.waitForFunction((d) => {
      const now = [...document.querySelectorAll(".gb-pg-surface .gb-ls-path path:nth-of-type(2)")].map((p) => p.getAttribute("d")).join("|");
      const out = document.querySelector(".gb-pg-controls .gb-pg-row:first-child output")?.textContent ?? "";
      return now !== d && [...document.querySelectorAll(".gb-pg-rule")].some((r) => r.textContent!.includes(out));
    }, before.d, {timeout: 10_000});
    const after = await read();
    expect(after.out).not.toBe(before.out);
    expect(after.rule).not.toBe(before.rule);
    // the folded code is the cells' source
    expect(await page.locator("details.gb-pg-code code").textContent()).toContain("view(pg1Controls)");
    expect(report.consoleErrors).toEqual([]);
    expect(report.pageErrors).toEqual([]);
    expect(report.externalRequests).toEqual([]);
    await page.close();
  });

  test("a slider move redraws in place: the contours, plots and rules stay the same elements, only their numbers change", async () => {
    const {page, report} = await book.open(path);
    await ready(page);
    await page.evaluate(() => {
      const w = window as unknown as {gbKeep: Element[]; gbAdded: string[]};
      w.gbKeep = [...document.querySelectorAll(".gb-ls-contours path, .gb-pg-surface .gb-ls-path path, .gb-lc-line, .gb-pg-rule, svg.gb-loss-surface")];
      w.gbAdded = [];
      new MutationObserver((rs) => rs.forEach((m) => {
        const t = m.target as Element;
        // the loss axis' ticks are redrawn when its range changes; the controls' outputs hold text
        if (t.closest(".gb-lc-axis-y, .gb-lc-axis-x")) return;
        for (const n of m.addedNodes) if (n.nodeType === Node.ELEMENT_NODE) w.gbAdded.push(`${(n as Element).tagName}.${(n as Element).getAttribute("class")} in ${t.tagName}.${t.getAttribute("class")}`);
      })).observe(document.body, {childList: true, subtree: true});
    });
    const rule = () => page.evaluate(() => [...document.querySelectorAll(".gb-pg-rule")].map((r) => r.textContent).join("|"));
    const before = await rule();
    await page.focus(`${FIRST} input`);
    await page.keyboard.press("ArrowRight");
    await page.waitForFunction((b) => [...document.querySelectorAll(".gb-pg-rule")].map((r) => r.textContent).join("|") !== b, before, {timeout: 10_000});
    const r = await page.evaluate(() => {
      const w = window as unknown as {gbKeep: Element[]; gbAdded: string[]};
      return {kept: w.gbKeep.filter((n) => n.isConnected).length, of: w.gbKeep.length, added: w.gbAdded, contours: document.querySelectorAll(".gb-ls-contours path").length};
    });
    expect(r.contours).toBeGreaterThan(0);
    expect(r.kept).toBe(r.of);
    expect(r.added).toEqual([]);
    expect(report.pageErrors).toEqual([]);
    await page.close();
  });

  test("at 390 px: no horizontal scroll, the plots fit, tick labels are at least 11 px", async () => {
    const {page, report} = await book.open(path);
    await page.setViewportSize({width: 390, height: 844});
    await ready(page);
    await page.waitForFunction(() => {
      const svg = document.querySelector(".gb-pg-surface svg.gb-loss-surface");
      return svg && svg.getBoundingClientRect().width <= 390;
    });
    const r = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      widest: Math.max(...[...document.querySelectorAll(".gb-pg-figure svg, .gb-pg-controls")].map((e) => e.getBoundingClientRect().right)),
      ticks: [...document.querySelectorAll(".gb-pg-figure .tick text")].map((t) => parseFloat(getComputedStyle(t).fontSize))
    }));
    expect(r.scroll).toBeLessThanOrEqual(390);
    expect(r.widest).toBeLessThanOrEqual(390);
    expect(r.ticks.length).toBeGreaterThan(4);
    expect(Math.min(...r.ticks)).toBeGreaterThanOrEqual(11);
    expect(report.pageErrors).toEqual([]);
    await page.close();
  });

  test("dark mode: every path colour is at least 3:1 against the page background", async () => {
    const {page, report} = await book.open(path);
    await page.emulateMedia({colorScheme: "dark"});
    await ready(page);
    const r = await page.evaluate(() => {
      let el: Element | null = document.querySelector(".gb-pg-surface");
      let bg = "rgba(0, 0, 0, 0)";
      while (el && /rgba\(0, 0, 0, 0\)|transparent/.test(bg)) {
        bg = getComputedStyle(el).backgroundColor;
        el = el.parentElement;
      }
      const strokes = [...document.querySelectorAll(".gb-pg-surface .gb-ls-path path:nth-of-type(2), .gb-pg-curves .gb-lc-line")].map((p) => getComputedStyle(p).stroke);
      return {bg, strokes};
    });
    expect(r.strokes.length).toBeGreaterThan(1);
    const worst = Math.min(...r.strokes.map((s) => contrast(s, r.bg)));
    expect(worst, `${r.strokes.join(", ")} on ${r.bg}`).toBeGreaterThanOrEqual(3);
    // the background really is dark (the theme switched)
    expect(contrast(r.bg, "rgb(0, 0, 0)")).toBeLessThan(2);
    expect(report.consoleErrors).toEqual([]);
    await page.close();
  });
});
