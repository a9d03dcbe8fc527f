/**
 * The redraw measured on a generated page (Framework's runtime running the notebook cells), when dist/ has one,
 * with the protocol of playground-frames.ts: the input at the start of a frame, then the first frame in which every
 * cell shows the change, timed from that frame's begin to after its paint (and from the input to then). The page
 * is scrolled as a reader moving the slider has it: the slider in the middle of a 1200×1000 viewport.
 *
 * Two browser set-ups (`flags`): "book", the browser tests' (test/browser/harness.ts: new headless, GPU
 * emulated by SwiftShader through ANGLE, WebGPU on), and "widget", the composed widget's
 * (bench/playground-harness.ts: no emulated GPU), so the book page can be compared like for like with the
 * composed widget. Each run also reads, from /proc, the CPU time per move of that browser's renderer and GPU
 * processes (the GPU process is where SwiftShader rasterises).
 */
import {existsSync, readdirSync, readFileSync} from "node:fs";
import {join} from "node:path";
import {chromium, type Page} from "playwright-core";
import {CHROMIUM, startBook} from "../test/browser/harness.js";
import {serveStatic} from "../test/browser/server.js";
import {measureMoves, type MoveTimes} from "./playground-frames.js";
import {CHROMIUM_ARGS as WIDGET_ARGS} from "./playground-harness.js";

export type BrowserFlags = "book" | "widget";

export interface BookRedraw extends MoveTimes {
  page: string;
  errors: string[];
  /** whether the 3-D view was on screen during the sweep (its paths are drawn only there) */
  view3dOnScreen: boolean;
  /** tfjs files the page loaded (none: tf.memory() does not apply) */
  tfFiles: number;
  /** contour paths replaced during the sweep (0: the contours were never recomputed) */
  contoursReplaced: number;
  /** CPU time per move (ms) of the browser's processes by kind ("renderer", "gpu-process", …); empty without /proc */
  cpu: Record<string, number>;
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

/**
 * CPU time (ms) by process kind of the Chromium processes this Node process started (playwright launches them as
 * its children), read from /proc (Linux); empty elsewhere. Other sessions' browsers are not counted.
 */
export function processCpu(root = process.pid): Record<string, number> {
  const out: Record<string, number> = {};
  if (!root || !existsSync("/proc/self/stat")) return out;
  const procs = new Map<number, {ppid: number; ms: number; kind: string}>();
  for (const d of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const cmd = readFileSync(`/proc/${d}/cmdline`, "utf8");
      if (!/chrom/i.test(cmd)) continue;
      const kind = /--type=([\w-]+)/.exec(cmd)?.[1] ?? "browser";
      // utime + stime, in clock ticks (100 per second on Linux)
      procs.set(Number(d), {ppid: Number(f[1]), ms: (Number(f[11]) + Number(f[12])) * 10, kind});
    } catch {
      // the process ended while we read it
    }
  }
  const parent = (pid: number): number => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
      return 0;
    }
  };
  const inTree = (pid: number): boolean => {
    for (let p = pid, k = 0; p > 1 && k < 16; p = procs.get(p)?.ppid ?? parent(p), k++) if (p === root) return true;
    return false;
  };
  for (const [pid, p] of procs) if (inTree(pid)) out[p.kind] = (out[p.kind] ?? 0) + p.ms;
  return out;
}

/** A browser with the composed widget's flags on dist/ (the "widget" set-up), with its errors recorded. */
export async function openWithWidgetFlags(dist: string, path: string): Promise<{page: Page; errors: string[]; close(): Promise<void>}> {
  const server = await serveStatic(dist);
  const browser = await chromium.launch({executablePath: CHROMIUM, args: WIDGET_ARGS, headless: true});
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
  page.on("pageerror", (e) => void errors.push(String(e)));
  await page.route((u) => !u.href.startsWith(server.url), (route) => route.abort("blockedbyclient"));
  await page.goto(server.url + path, {waitUntil: "load"});
  return {page, errors, close: async () => (await browser.close(), await server.close())};
}

export async function measureBookRedraw(dist = "dist", moves = 200, flags: BrowserFlags = "book"): Promise<BookRedraw | null> {
  const path = existsSync(join(dist, "index.html")) ? playgroundPage(dist) : null;
  if (!path) return null;
  let opened: {page: Page; errors: string[]; close(): Promise<void>};
  if (flags === "book") {
    const book = await startBook(dist);
    const {page, report} = await book.open(path);
    opened = {page, get errors() {
      return [...report.consoleErrors, ...report.pageErrors];
    }, close: () => book.close()};
  } else opened = await openWithWidgetFlags(dist, path);
  try {
    const {page} = opened;
    await readyPlayground(page);
    await page.evaluate(async () => {
      // contour paths that leave the page during the sweep
      const w = window as unknown as {gbReplaced: number};
      w.gbReplaced = 0;
      new MutationObserver((rs) => {
        for (const r of rs) for (const n of r.removedNodes) w.gbReplaced += n instanceof Element ? n.querySelectorAll(".gb-ls-contours path").length : 0;
      }).observe(document.body, {childList: true, subtree: true});
    });
    const cpu0 = processCpu();
    const times = await measureMoves(page, {root: "body", moves});
    const cpu1 = processCpu();
    // measureMoves makes 20 warm-up moves before the measured ones
    const cpu = Object.fromEntries(Object.entries(cpu1).map(([k, v]) => [k, (v - (cpu0[k] ?? 0)) / (moves + 20)]));
    const after = await page.evaluate(() => {
      const r3 = document.querySelector(".gb-pg-3d-figure")?.getBoundingClientRect();
      return {
        view3dOnScreen: !!r3 && r3.top < innerHeight && r3.bottom > 0,
        tfFiles: performance.getEntriesByType("resource").filter((e) => /tfjs/.test(e.name)).length,
        contoursReplaced: (window as unknown as {gbReplaced: number}).gbReplaced
      };
    });
    await page.close();
    return {page: path, ...times, ...after, cpu, errors: opened.errors};
  } finally {
    await opened.close();
  }
}
