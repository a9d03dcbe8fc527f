/**
 * The redraw measured on a generated page (Framework's runtime running the notebook cells), when dist/ has one,
 * with the protocol of playground-frames.ts: the input at the start of a frame, then the first frame in which every
 * cell shows the change, timed from that frame's begin to after its paint (and from the input to then). The page
 * is scrolled as a reader moving the slider has it: the slider in the middle of a 1200×1000 viewport.
 */
import {existsSync, readdirSync, readFileSync} from "node:fs";
import {join} from "node:path";
import type {Page} from "playwright-core";
import {startBook} from "../test/browser/harness.js";
import {measureMoves, type MoveTimes} from "./playground-frames.js";

export interface BookRedraw extends MoveTimes {
  page: string;
  errors: string[];
  /** whether the 3-D view was on screen during the sweep (its paths are drawn only there) */
  view3dOnScreen: boolean;
  /** tfjs files the page loaded (none: tf.memory() does not apply) */
  tfFiles: number;
  /** contour paths replaced during the sweep (0: the contours were never recomputed) */
  contoursReplaced: number;
}

/** The first generated page of dist/'s book with a playground (its OptimizerControls cell), or null. */
export function playgroundPage(dist: string): string | null {
  const book = join(dist, "..", "book");
  if (!existsSync(book)) return null;
  for (const d of readdirSync(book, {withFileTypes: true}).filter((d) => d.isDirectory() && !/^[_.]/.test(d.name))) {
    for (const f of readdirSync(join(book, d.name)).filter((f) => f.endsWith(".md")).sort()) {
      if (readFileSync(join(book, d.name, f), "utf-8").includes("OptimizerControls(")) return `/${d.name}/${f.replace(/\.md$/, "")}`;
    }
  }
  return null;
}

/** A playground page as the reader moves its slider: 1200×1000, 500 steps, the α slider in the middle of the view. */
export async function readyPlayground(page: Page): Promise<void> {
  await page.setViewportSize({width: 1200, height: 1000});
  await page.waitForSelector(".gb-pg-surface svg .gb-ls-path");
  await page.evaluate(async () => {
    const steps = document.querySelector(".gb-pg-controls input[name=steps]") as HTMLInputElement;
    steps.value = "500";
    steps.dispatchEvent(new Event("input", {bubbles: true}));
    document.querySelector(".gb-pg-controls input[name=alpha]")!.scrollIntoView({block: "center"});
    for (let i = 0; i < 5; i++) await new Promise((ok) => requestAnimationFrame(ok));
  });
}

export async function measureBookRedraw(dist = "dist", moves = 200): Promise<BookRedraw | null> {
  const path = existsSync(join(dist, "index.html")) ? playgroundPage(dist) : null;
  if (!path) return null;
  const book = await startBook(dist);
  try {
    const {page, report} = await book.open(path);
    await readyPlayground(page);
    await page.evaluate(async () => {
      // contour paths that leave the page during the sweep
      const w = window as unknown as {gbReplaced: number};
      w.gbReplaced = 0;
      new MutationObserver((rs) => {
        for (const r of rs) for (const n of r.removedNodes) w.gbReplaced += n instanceof Element ? n.querySelectorAll(".gb-ls-contours path").length : 0;
      }).observe(document.body, {childList: true, subtree: true});
    });
    const times = await measureMoves(page, {root: "body", moves});
    const after = await page.evaluate(() => {
      const r3 = document.querySelector(".gb-pg-3d-figure")?.getBoundingClientRect();
      return {
        view3dOnScreen: !!r3 && r3.top < innerHeight && r3.bottom > 0,
        tfFiles: performance.getEntriesByType("resource").filter((e) => /tfjs/.test(e.name)).length,
        contoursReplaced: (window as unknown as {gbReplaced: number}).gbReplaced
      };
    });
    await page.close();
    return {page: path, ...times, ...after, errors: [...report.consoleErrors, ...report.pageErrors]};
  } finally {
    await book.close();
  }
}
