/**
 * Playground redraw time in headless Chromium: a 100×100 contour grid, three 500-step paths (GD, momentum,
 * Adam), the learning-rate slider moved 200 times. Target: p95 ≤ 16 ms for the redraw.
 */
import {report} from "./run.js";
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

    // contour layer: built once per surface
    const tBuild0 = performance.now();
    const el = gb.Playground({surfaces: ["quadratic", "rosenbrock"], optimizers: ["gd", "momentum", "adam"]}, {urlParam: false, grid: 100});
    document.getElementById("root")!.append(el);
    const tBuild = performance.now() - tBuild0;
    const steps = el.querySelector("input[name=steps]") as HTMLInputElement;
    steps.value = "500";
    steps.dispatchEvent(new Event("input", {bubbles: true}));
    await frame();
    const contours = el.querySelectorAll(".gb-ls-contours path").length;
    const alpha = el.querySelector("input[name=alpha]") as HTMLInputElement;
    const handler: number[] = [], withLayout: number[] = [];
    let dots = 0;
    for (let i = 0; i < 20; i++) {
      // warm-up (JIT), not counted
      alpha.value = String(-2 + i / 100);
      alpha.dispatchEvent(new Event("input", {bubbles: true}));
      await frame();
    }
    for (let i = 0; i < 200; i++) {
      // sweep α over 10^-2.6 … 10^-1.4 (some runs diverge, as a student's would)
      alpha.value = String(-2.6 + (1.2 * (i % 50)) / 49);
      const t0 = performance.now();
      alpha.dispatchEvent(new Event("input", {bubbles: true}));
      const t1 = performance.now();
      el.querySelector("svg")!.getBoundingClientRect(); // force style + layout of the new paths
      const t2 = performance.now();
      handler.push(t1 - t0);
      withLayout.push(t2 - t0);
      if (i === 0) dots = [...el.querySelectorAll(".gb-ls-path")].map((g: Element) => (g.querySelectorAll("path")[2].getAttribute("d") ?? "").split("h0").length - 1).reduce((a, b) => a + b, 0);
      await frame(); // let the deferred loss-curve redraw run, as between real slider events
    }
    // the pieces: paths only (LossSurface.setPaths), and the loss curves (Plot), on the same data
    const s = gb.getSurface("quadratic");
    const hyper = {alpha: 0.04, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-8, gamma: 0.9};
    const runs = ["gd", "momentum", "adam"].map((n) => ({n, r: gb.runOptimizer(s.f, s.grad, s.start, gb.OPTIMIZERS[n].step, hyper, 500)}));
    const surf = gb.LossSurface(s, {width: 640, n: 100});
    document.body.append(surf);
    const setPaths: number[] = [], compute: number[] = [], curves: number[] = [];
    for (let i = 0; i < 200; i++) {
      const c0 = performance.now();
      ["gd", "momentum", "adam"].map((n) => gb.runOptimizer(s.f, s.grad, s.start, gb.OPTIMIZERS[n].step, {...hyper, alpha: 0.01 + i * 1e-4}, 500));
      compute.push(performance.now() - c0);
      const t0 = performance.now();
      surf.setPaths(runs.map(({n, r}: any) => ({id: n, label: n, color: "red", points: r.path.slice(0, 1 + ((i * 7) % 500))})));
      surf.getBoundingClientRect();
      setPaths.push(performance.now() - t0);
      const t1 = performance.now();
      gb.LossCurves(runs.map(({n, r}: any) => ({id: n, label: n, color: "red", losses: r.losses})), {width: 640, step: i});
      curves.push(performance.now() - t1);
    }
    // 001 surface with the printed (sign-flipped) gradient: GD, momentum, Adam, printed GD and its reference GD
    const el2 = gb.Playground(
      {surfaces: ["logistic-001-w1b"], optimizers: ["gd", "momentum", "adam"], printedGradients: [{label: "GD，用原文 §4.2 的梯度", loss: "binaryCrossEntropy", sign: -1}]},
      {urlParam: false, grid: 100}
    );
    document.getElementById("root")!.append(el2);
    const steps2 = el2.querySelector("input[name=steps]") as HTMLInputElement;
    steps2.value = "500";
    steps2.dispatchEvent(new Event("input", {bubbles: true}));
    const alpha2 = el2.querySelector("input[name=alpha]") as HTMLInputElement;
    const printedHandler: number[] = [];
    for (let i = 0; i < 220; i++) {
      alpha2.value = String(-1.5 + (1.5 * (i % 50)) / 49);
      const t0 = performance.now();
      alpha2.dispatchEvent(new Event("input", {bubbles: true}));
      el2.querySelector("svg")!.getBoundingClientRect();
      if (i >= 20) printedHandler.push(performance.now() - t0);
      await frame();
    }
    const printedPaths = el2.querySelectorAll(".gb-ls-path").length;
    return {printed: stats(printedHandler), printedPaths, tBuild, contours, dots, handler: stats(handler), withLayout: stats(withLayout), setPaths: stats(setPaths), compute: stats(compute), curves: stats(curves), tf: typeof (window as any).tf};
  });
  report({metric: "playground build (100×100 grid + 3×300-step paths + curves)", value: r.tBuild, unit: "ms"});
  report({metric: "contour levels drawn", value: r.contours, unit: "paths"});
  report({metric: "step markers per redraw (3 paths)", value: r.dots, unit: "dots"});
  report({metric: "slider move → redraw, median (3×500 steps + SVG paths + messages + formula numbers)", value: r.handler.median, unit: "ms"});
  report({metric: "slider move → redraw, p95", value: r.handler.p95, unit: "ms", target: "≤ 16"});
  report({metric: "slider move → redraw + forced layout, median", value: r.withLayout.median, unit: "ms"});
  report({metric: "slider move → redraw + forced layout, p95", value: r.withLayout.p95, unit: "ms", target: "≤ 16"});
  report({metric: "LossSurface.setPaths + layout (3×500 points), p95", value: r.setPaths.p95, unit: "ms"});
  report({metric: "3 × runOptimizer(500 steps), p95", value: r.compute.p95, unit: "ms"});
  report({metric: "LossCurves (Plot, deferred to next frame), median", value: r.curves.median, unit: "ms"});
  report({metric: "LossCurves (Plot, deferred to next frame), p95", value: r.curves.p95, unit: "ms"});
  report({metric: "001 + printed gradient: slider move → redraw + layout, median (4×500-step paths + reference GD)", value: r.printed.median, unit: "ms"});
  report({metric: "001 + printed gradient: slider move → redraw + layout, p95", value: r.printed.p95, unit: "ms", target: "≤ 16"});
  report({metric: "001 + printed gradient: paths drawn", value: r.printedPaths, unit: "paths"});
  report({metric: "tf.memory().numTensors", value: r.tf === "undefined" ? "n/a: no tf in the page (pure math)" : "tf present?", unit: ""});
  report({metric: "page errors / non-loopback requests", value: `${errors.length} / ${external.length}`});
  await page.close();
} finally {
  await hz.close();
}
