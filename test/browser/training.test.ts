import {existsSync} from "node:fs";
import {cpus} from "node:os";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {type BookSession, startBook} from "./harness.js";

/** The threads tfjs-backend-wasm gets on an isolated page here: every logical core, at most 8 (backend.ts). */
const THREADS = String(Math.min(8, cpus().length));

let book: BookSession;
beforeAll(async () => {
  if (!existsSync("dist/index.html")) throw new Error("dist/ is missing: run npm run build first (npm test does)");
  book = await startBook("dist");
});
afterAll(async () => book?.close());

async function train(path: string, query: string, timeout = 240_000) {
  const {page, report} = await book.open(`${path}?${query}`);
  const panel = page.locator(".gb-train[data-state], [data-state]").first();
  await page.waitForSelector("[data-state=done], [data-state=error]", {timeout});
  const data = await panel.evaluate((e) => ({...(e as HTMLElement).dataset}));
  const text = (await panel.textContent()) ?? "";
  await page.close();
  return {data, text, report};
}

describe("each chapter's code-practice page trains its model in headless Chromium (wasm)", () => {
  test("000: the MLP from the chapter reaches ≥ 95% MNIST test accuracy after its 5 epochs on 20,000 training images", async () => {
    const {data, report} = await train("/startup-chaos/code", "gb-backend=wasm&gb-autostart=1");
    expect(data.state).toBe("done");
    expect(data.backend).toBe("wasm");
    expect(data.wasmThreads).toBe(THREADS); // the test server isolates the page, as a configured host does
    expect(data.trainSize).toBe("20000");
    expect(data.testSize).toBe("10000");
    expect(Number(data.epochsDone)).toBe(5);
    expect(Number(data.testAccuracy)).toBeGreaterThanOrEqual(0.95);
    expect(report.consoleErrors).toEqual([]);
    expect(report.externalRequests).toEqual([]);
  }, 300_000);

  test("002: the chapter's CNN trains (2,000 images, 1 epoch) well above chance", async () => {
    const {data, report} = await train("/product-innovation/code", "gb-train-limit=2000&gb-epochs=1&gb-backend=wasm&gb-autostart=1");
    expect(data.state).toBe("done");
    expect(Number(data.testAccuracy)).toBeGreaterThan(0.6);
    expect(report.consoleErrors).toEqual([]);
  }, 300_000);

  test("003: CIFAR-10 is replaced by MNIST at 32×32×3 and the page says so", async () => {
    const {data, text} = await train("/independent-release/code", "gb-train-limit=1600&gb-epochs=1&gb-backend=wasm&gb-autostart=1");
    expect(data.state).toBe("done");
    expect(text).toMatch(/CIFAR/);
    expect(Number(data.testAccuracy)).toBeGreaterThan(0.6);
  }, 300_000);

  test("001: the chapter's own 4-row table trains the logistic model", async () => {
    const {data, text} = await train("/positioning/code", "gb-backend=wasm&gb-autostart=1");
    expect(data.state).toBe("done");
    expect(Number(data.trainSize) + Number(data.testSize)).toBe(4);
    expect(text).toMatch(/0\.8462|84\.62/);
  }, 120_000);

  test("004: the NumPy gradient descent runs as written and θ lands on Σxy/Σx² ≈ 2.7 (no bias)", async () => {
    const {data} = await train("/market-potential/code", "gb-autostart=1");
    expect(data.state).toBe("done");
    const theta = Number(data.theta), closed = Number(data.thetaClosedForm);
    expect(Math.abs(theta - closed)).toBeLessThan(1e-3);
    expect(theta).toBeGreaterThan(2.5);
    expect(theta).toBeLessThan(2.95);
  }, 120_000);
});

describe("on a host that sends no isolation headers", () => {
  test("the book's service worker isolates the page after one reload, and the chapter's model trains on every core", async () => {
    const plain = await startBook("dist", {isolate: false});
    try {
      const {page, report} = await plain.open("/positioning/code?gb-backend=wasm");
      await page.waitForFunction(() => self.crossOriginIsolated === true, null, {timeout: 30_000});
      await page.waitForSelector(".gb-train-controls button", {timeout: 60_000});
      await page.click(".gb-train-controls button:first-child");
      await page.waitForSelector("[data-state=done], [data-state=error]", {timeout: 60_000});
      const data = await page.$eval("[data-state]", (e) => ({...(e as HTMLElement).dataset}));
      const nav = await page.evaluate(() => ({
        worker: navigator.serviceWorker.controller?.scriptURL ?? null,
        type: (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).type
      }));
      await page.close();
      expect(nav).toEqual({worker: expect.stringMatching(/\/coi-sw\.js$/), type: "reload"}); // the one reload register.js makes
      expect(data.state).toBe("done");
      expect(data.backend).toBe("wasm");
      expect(data.wasmThreads).toBe(THREADS);
      expect(report.consoleErrors).toEqual([]);
      expect(report.pageErrors).toEqual([]);
      expect(report.externalRequests).toEqual([]);
    } finally {
      await plain.close();
    }
  }, 120_000);
});

describe("training controls", () => {
  test("stop ends a running training and leaves the page usable", async () => {
    const {page, report} = await book.open("/startup-chaos/code?gb-backend=wasm&gb-epochs=5");
    await page.click(".gb-train-controls button:first-child");
    await page.waitForSelector("[data-state=training]", {timeout: 60_000});
    await page.waitForTimeout(500);
    await page.click(".gb-train-stop");
    await page.waitForSelector("[data-state=stopped]", {timeout: 30_000});
    expect(await page.$eval("[data-state]", (e) => (e as HTMLElement).dataset.state)).toBe("stopped");
    expect(report.pageErrors).toEqual([]);
    expect(report.consoleErrors).toEqual([]);
    await page.close();
  }, 120_000);

  test("auto backend falls back past the software GPUs to a working backend and says which", async () => {
    const {data, text} = await train("/positioning/code", "gb-backend=auto&gb-autostart=1");
    expect(data.state).toBe("done");
    expect(["wasm", "cpu", "webgl", "webgpu"]).toContain(data.backend);
    expect(text).toContain(data.backend!);
  }, 120_000);
});

describe("readers who wait, in the built book", () => {
  test("002 quick run on auto: the calibration table, the TypeScript tab, the confusion matrix and samples, no CSP errors", async () => {
    const {page, report} = await book.open("/product-innovation/code?gb-run=quick&gb-train-limit=640&gb-test-limit=500&gb-autostart=1");
    await page.waitForSelector("[data-state=done], [data-state=error]", {timeout: 240_000});
    const got = await page.$eval(".gb-training", (e) => ({
      state: (e as HTMLElement).dataset.state, backend: (e as HTMLElement).dataset.backend, calibrated: (e as HTMLElement).dataset.calibrated,
      rows: Array.from(e.querySelectorAll(".gb-train-calibration tbody tr"), (r) => (r as HTMLElement).dataset.backend),
      chosen: e.querySelector(".gb-train-calibration tr.gb-cal-chosen")?.getAttribute("data-backend"),
      threads: (e.querySelector(".gb-train-calibration tr[data-backend=wasm]") as HTMLElement | null)?.dataset.threads,
      code: (e.querySelector(".gb-train-code") as HTMLElement & {editor?: {state: {doc: {toString(): string}}}})?.editor?.state.doc.toString() ?? "",
      confusion: Array.from(e.querySelectorAll(".gb-confusion tbody td"), (td) => Number(td.textContent)).reduce((a, b) => a + b, 0),
      samples: e.querySelectorAll(".gb-sample canvas").length, result: e.querySelector(".gb-train-result")?.textContent ?? ""
    }));
    await page.close();
    expect(got.state).toBe("done");
    expect(got.rows).toEqual(["wasm", "webgpu", "webgl", "cpu"]);
    expect(got.chosen).toBe(got.calibrated);
    expect(got.backend).toBe(got.calibrated);
    expect(got.threads).toBe(THREADS); // the wasm row ran on every core
    expect(got.code).toMatch(/model\.add\(tf\.layers\.conv2d\(\{inputShape: \[28, 28, 1\], filters: 32/);
    expect(got.confusion).toBe(500);
    expect(got.samples).toBeGreaterThanOrEqual(8);
    expect(got.result).toMatch(/快速运行（1 轮，640 个样本）.*文中声称测试准确率 97\.59%/);
    expect(report.consoleErrors).toEqual([]);
    expect(report.pageErrors).toEqual([]);
    expect(report.externalRequests).toEqual([]);
  }, 300_000);
});
