/**
 * Playground redraw time in headless Chromium, with the notebook's pieces wired as the generated cells wire them
 * (components/widgets/Playground.ts): a 100×100 contour grid, three 500-step paths (GD, momentum, Adam), the
 * learning-rate slider moved 200 times. One move re-runs the paths, redraws the surface's paths, the 3-D view's
 * paths, the loss curves and the three update rules. Target: the frame with every cell redrawn, from its begin to
 * after its paint (playground-frames.ts), p95 ≤ 16 ms; then the same protocol on a built book page (dist/), and,
 * with GB_DIST_COMPARE=<another build's dist>, on that build too, alternating runs (before/after in one run).
 * GB_BENCH_RUNS (default 1) repeats the sweeps; the lines give the median and p95 of all moves and
 * the spread of the runs' p95. The book page is measured twice per run: in the browser tests' set-up (GPU emulated
 * by SwiftShader) and with the composed widget's browser flags (playground-book.ts), the latter like for like
 * with the composed widget's lines; the CPU each move costs the renderer and the GPU process is read from /proc.
 */
import {report} from "./run.js";
import {existsSync, readFileSync} from "node:fs";
import {measureBookRedraw, type BrowserFlags} from "./playground-book.js";
import {measureMoves, stats, type MoveTimes} from "./playground-frames.js";
import {startPlaygroundHarness} from "./playground-harness.js";

const RUNS = Number(process.env.GB_BENCH_RUNS ?? 1);
const BOOK_RUNS = Number(process.env.GB_BENCH_RUNS ?? 1);
const hz = await startPlaygroundHarness();
try {
  const {page, errors, external} = await hz.open();
  const r = await page.evaluate(async () => {
    const gb = (window as any).gb;
    const q = (xs: number[], p: number) => {
      const s = xs.slice().sort((a, b) => a - b);
      return s[Math.min(s.length - 1, Math.floor(p * s.length))];
    };
    const stats = (xs: number[]) => ({median: q(xs, 0.5), p95: q(xs, 0.95), max: Math.max(...xs)});
    const frame = () => new Promise((ok) => requestAnimationFrame(() => ok(null)));
    const builtin = (id: string) => ({id, title: id, line: null, builtin: id, params: ["x", "y"], labels: ["x", "y"], bindings: {}, start: []});
    const spec = {surfaces: [builtin("quadratic"), builtin("rosenbrock")], rules: [], claims: [],
      defaults: {alpha: 0.01, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-8, gamma: 0.9, rho: 0.9, lambda: 0.01, steps: 500}};
    const box = document.getElementById("root")!;
    box.style.width = "720px";
    const t0 = performance.now();
    const el = gb.Playground(spec);
    box.append(el);
    el.getBoundingClientRect();
    const tBuild = performance.now() - t0;
    await frame();
    const contours = el.querySelectorAll(".gb-ls-contours path").length;
    const alpha = el.querySelector("input[name=alpha]") as HTMLInputElement;
    const move = (v: number) => {
      alpha.value = String(v);
      alpha.dispatchEvent(new Event("input", {bubbles: true}));
    };
    const dotsPath = el.querySelectorAll(".gb-ls-path")[0]?.querySelectorAll("path")[2];
    move(-2);
    const dots = [...el.querySelectorAll(".gb-ls-path")].map((g: Element) => (g.querySelectorAll("path")[2].getAttribute("d") ?? "").split("h0").length - 1).reduce((a, b) => a + b, 0);
    const nodesKept = el.querySelectorAll(".gb-ls-path")[0]?.querySelectorAll("path")[2] === dotsPath;
    const r3 = el.querySelector(".gb-pg-3d-figure").getBoundingClientRect();
    const view3dOnScreen = r3.top < innerHeight && r3.bottom > 0;
    // the pieces on the same data (the 3-D view scrolled on screen, so its paths are really drawn)
    el.querySelector(".gb-pg-3d-figure").scrollIntoView();
    await frame();
    await frame();
    const s = gb.getSurface("quadratic");
    const hyper = {...spec.defaults, alpha: 0.04};
    const compute: number[] = [], setPaths: number[] = [], curves: number[] = [], rules: number[] = [], view3d: number[] = [];
    const plot = el.querySelector(".gb-pg-surface"), v3 = el.querySelector(".gb-pg-3d-figure"), lc = el.querySelector(".gb-pg-curves");
    for (let i = 0; i < 200; i++) {
      const c0 = performance.now();
      const paths = gb.runOptimizers(s, {...hyper, alpha: 0.01 + i * 1e-4}, []);
      const c1 = performance.now();
      plot.setPaths(paths);
      plot.getBoundingClientRect();
      const c2 = performance.now();
      v3.setPaths(paths);
      v3.getBoundingClientRect();
      const c3 = performance.now();
      lc.setPaths(paths);
      lc.getBoundingClientRect();
      const c4 = performance.now();
      for (const rule of el.querySelectorAll(".gb-pg-rule")) rule.setHyper({...hyper, alpha: 0.01 + i * 1e-4});
      el.getBoundingClientRect();
      const c5 = performance.now();
      compute.push(c1 - c0), setPaths.push(c2 - c1), view3d.push(c3 - c2), curves.push(c4 - c3), rules.push(c5 - c4);
    }
    return {tBuild, contours, dots, nodesKept, compute: stats(compute), setPaths: stats(setPaths),
      view3d: stats(view3d), view3dOnScreen, curves: stats(curves), rules: stats(rules), tf: typeof (window as any).tf};
  });
  // the composed widget under the frame protocol (3-D view off screen, as when a reader moves the slider)
  // the contours as the sweep starts (the plot is at its final width by now)
  await page.evaluate(() => ((window as any).gbContours = [...document.querySelectorAll(".gb-ls-contours path")]));
  const runs: MoveTimes[] = [];
  for (let k = 0; k < RUNS; k++) {
    await page.evaluate(() => window.scrollTo(0, 0));
    runs.push(await measureMoves(page, {root: "#root", moves: 200}));
  }
  const contoursKept = await page.evaluate(() => (window as any).gbContours.every((n: Element) => n.isConnected));
  report({metric: "playground build (100×100 grid, 3×500-step paths, curves, 3-D mesh, rules)", value: r.tBuild, unit: "ms"});
  report({metric: "contour levels drawn", value: r.contours, unit: "paths"});
  report({metric: "contour paths kept through 200 moves (never recomputed)", value: contoursKept ? "yes" : "no"});
  report({metric: "path nodes reused by a move (attributes rewritten, no new nodes)", value: r.nodesKept ? "yes" : "no"});
  report({metric: "step markers per redraw (3 paths)", value: r.dots, unit: "dots"});
  frameLines("composed widget", runs);
  report({metric: "3-D view on screen during the sweep (off screen: its paths wait until it is)", value: r.view3dOnScreen ? "yes" : "no"});
  report({metric: "runOptimizers (3×500 steps), median / p95", value: `${r.compute.median.toFixed(1)} / ${r.compute.p95.toFixed(1)}`, unit: "ms"});
  report({metric: "LossSurface.setPaths + layout, median / p95", value: `${r.setPaths.median.toFixed(1)} / ${r.setPaths.p95.toFixed(1)}`, unit: "ms"});
  report({metric: "Surface3D.setPaths + layout (on screen), median / p95", value: `${r.view3d.median.toFixed(1)} / ${r.view3d.p95.toFixed(1)}`, unit: "ms"});
  report({metric: "LossCurves.setPaths + layout, median / p95", value: `${r.curves.median.toFixed(1)} / ${r.curves.p95.toFixed(1)}`, unit: "ms"});
  report({metric: "3 × UpdateRule.setHyper (numbers rewritten in KaTeX's output) + layout, median / p95", value: `${r.rules.median.toFixed(1)} / ${r.rules.p95.toFixed(1)}`, unit: "ms"});
  report({metric: "tf.memory().numTensors", value: r.tf === "undefined" ? "n/a: no tf in the playground (pure math)" : "tf present?", unit: ""});
  report({metric: "page errors / non-loopback requests", value: `${errors.length} / ${external.length}`});
  await page.close();
} finally {
  await hz.close();
}

// the same protocol on generated pages: Framework re-running the notebook cells (needs a built dist/), in the
// browser tests' set-up (SwiftShader GPU) and in the composed widget's (like for like with the lines above)
const dists = [process.env.GB_DIST ?? "dist", ...(process.env.GB_DIST_COMPARE ? [process.env.GB_DIST_COMPARE] : [])];
const setups: BrowserFlags[] = ["book", "widget"];
const book = new Map<string, {page: string; runs: MoveTimes[]; errors: number; view3d: boolean; tf: number; replaced: number; cpu: Record<string, number>[]}>();
for (let k = 0; k < BOOK_RUNS; k++) {
  for (const dist of dists) {
    for (const flags of setups) {
      const b = await measureBookRedraw(dist, 200, flags);
      if (!b) continue;
      const key = JSON.stringify([dist, flags]);
      const acc = book.get(key) ?? {page: b.page, runs: [], errors: 0, view3d: false, tf: 0, replaced: 0, cpu: []};
      acc.runs.push(b), (acc.errors += b.errors.length), (acc.view3d ||= b.view3dOnScreen), (acc.tf += b.tfFiles), (acc.replaced += b.contoursReplaced), acc.cpu.push(b.cpu);
      book.set(key, acc);
    }
  }
}
if (!book.size) report({metric: "book page redraw", value: "skipped: no dist/ with a playground page (npm run build)"});
for (const [key, b] of book) {
  const [dist, flags] = JSON.parse(key) as [string, BrowserFlags];
  const name = `book page ${b.page}${dists.length > 1 ? ` (${dist})` : ""}${flags === "widget" ? ", the composed widget's browser flags" : ""}`;
  frameLines(name, b.runs);
  const perMove = (kind: string) => b.cpu.map((c) => (c[kind] ?? NaN).toFixed(1)).join(" / ");
  if (b.cpu.some((c) => Object.keys(c).length)) report({metric: `${name}: CPU per move of the renderer; of the GPU process (each run)`, value: `${perMove("renderer")}; ${perMove("gpu-process")}`, unit: "ms"});
  report({metric: `${name}: contour paths replaced during the sweeps`, value: b.replaced});
  report({metric: `${name}: 3-D view on screen during the sweep`, value: b.view3d ? "yes" : "no"});
  report({metric: `${name}: tf.memory()`, value: b.tf ? `tf loaded (${b.tf} files): not measured` : "n/a: the page loads no tfjs"});
  report({metric: `${name}: page errors`, value: b.errors});
}
if (existsSync("/proc/loadavg")) report({metric: "load average (1 min) at the end", value: readFileSync("/proc/loadavg", "utf8").split(" ")[0]});

/** median and p95 over every move of every run, the runs' p95 (spread), and how late the redraw came. */
function frameLines(name: string, runs: MoveTimes[]) {
  const all = (f: (m: MoveTimes) => number[]) => runs.flatMap(f);
  const frame = stats(all((m) => m.frame)), latency = stats(all((m) => m.latency));
  const p95s = runs.map((m) => +stats(m.frame).p95.toFixed(1));
  const late = all((m) => m.late);
  report({metric: `${name}: slider move → frame with every cell redrawn (frame begin → painted), median`, value: frame.median, unit: "ms"});
  report({metric: `${name}: slider move → frame with every cell redrawn (frame begin → painted), p95`, value: frame.p95, unit: "ms", target: "≤ 16"});
  report({metric: `${name}: the ${runs.length} runs' p95`, value: p95s.join(" / "), unit: "ms"});
  report({metric: `${name}: input event → that frame painted, median / p95`, value: `${latency.median.toFixed(1)} / ${latency.p95.toFixed(1)}`, unit: "ms"});
  report({metric: `${name}: frames after the input's own frame (median / max), moves never redrawn`, value: `${stats(late).median} / ${stats(late).max}, ${runs.reduce((t, m) => t + m.missing, 0)}`});
}
