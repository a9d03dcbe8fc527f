/**
 * Playground redraw time in headless Chromium, with the notebook's pieces wired as the generated cells wire them
 * (components/widgets/Playground.ts): a 100×100 contour grid, three 500-step paths (GD, momentum, Adam), the
 * learning-rate slider moved 200 times. One move re-runs the paths, redraws the surface's paths, the 3-D view's
 * paths, the loss curves and the three update rules (KaTeX). Target: p95 ≤ 16 ms.
 */
import {report} from "./run.js";
import {measureBookRedraw} from "./playground-book.js";
import {startPlaygroundHarness} from "./playground-harness.js";

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
    for (let i = 0; i < 20; i++) {
      move(-2 + i / 100); // warm-up (JIT), not counted
      await frame();
    }
    const handler: number[] = [], withLayout: number[] = [];
    let dots = 0;
    for (let i = 0; i < 200; i++) {
      // sweep α over 10^-2.6 … 10^-1.4 (some runs diverge, as a student's would)
      const t1 = performance.now();
      move(-2.6 + (1.2 * (i % 50)) / 49);
      const t2 = performance.now();
      el.getBoundingClientRect(); // force style + layout of everything redrawn
      const t3 = performance.now();
      handler.push(t2 - t1);
      withLayout.push(t3 - t1);
      if (i === 0) dots = [...el.querySelectorAll(".gb-ls-path")].map((g: Element) => (g.querySelectorAll("path")[2].getAttribute("d") ?? "").split("h0").length - 1).reduce((a, b) => a + b, 0);
      await frame();
    }
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
      for (const n of gb.referencesFor([])) gb.UpdateRule(n, hyper);
      const c5 = performance.now();
      compute.push(c1 - c0), setPaths.push(c2 - c1), view3d.push(c3 - c2), curves.push(c4 - c3), rules.push(c5 - c4);
    }
    return {tBuild, contours, dots, handler: stats(handler), withLayout: stats(withLayout), compute: stats(compute), setPaths: stats(setPaths),
      view3d: stats(view3d), view3dOnScreen, curves: stats(curves), rules: stats(rules), tf: typeof (window as any).tf};
  });
  report({metric: "playground build (100×100 grid, 3×500-step paths, curves, 3-D mesh, rules)", value: r.tBuild, unit: "ms"});
  report({metric: "contour levels drawn", value: r.contours, unit: "paths"});
  report({metric: "step markers per redraw (3 paths)", value: r.dots, unit: "dots"});
  report({metric: "slider move → every cell redrawn, median", value: r.handler.median, unit: "ms"});
  report({metric: "slider move → every cell redrawn, p95", value: r.handler.p95, unit: "ms", target: "≤ 16"});
  report({metric: "slider move → redrawn + forced layout, median", value: r.withLayout.median, unit: "ms"});
  report({metric: "slider move → redrawn + forced layout, p95", value: r.withLayout.p95, unit: "ms", target: "≤ 16"});
  report({metric: "3-D view on screen during the sweep (off screen: its paths wait until it is)", value: r.view3dOnScreen ? "yes" : "no"});
  report({metric: "runOptimizers (3×500 steps), p95", value: r.compute.p95, unit: "ms"});
  report({metric: "LossSurface.setPaths + layout, p95", value: r.setPaths.p95, unit: "ms"});
  report({metric: "Surface3D.setPaths + layout (on screen), p95", value: r.view3d.p95, unit: "ms"});
  report({metric: "LossCurves.setPaths + layout, p95", value: r.curves.p95, unit: "ms"});
  report({metric: "3 × UpdateRule (KaTeX), p95", value: r.rules.p95, unit: "ms"});
  report({metric: "tf.memory().numTensors", value: r.tf === "undefined" ? "n/a: no tf in the playground (pure math)" : "tf present?", unit: ""});
  report({metric: "page errors / non-loopback requests", value: `${errors.length} / ${external.length}`});
  await page.close();
} finally {
  await hz.close();
}

// the same sweep on a generated page: Framework re-running the notebook cells (needs a built dist/)
const book = await measureBookRedraw(process.env.GB_DIST ?? "dist");
if (book) {
  const s = book.frames.slice().sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  report({metric: `book page ${book.page}: slider move → frame with every cell redrawn, median`, value: at(0.5), unit: "ms"});
  report({metric: `book page ${book.page}: slider move → frame with every cell redrawn, p95`, value: at(0.95), unit: "ms", target: "≤ 16"});
  report({metric: "book page errors", value: book.errors.length});
} else report({metric: "book page redraw", value: "skipped: no dist/ with a playground page (npm run build)"});
