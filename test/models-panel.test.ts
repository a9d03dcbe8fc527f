/**
 * TrainingPanel in headless Chromium: the chapters' translated programs, MNIST and the wasm binaries served from
 * loopback, short deterministic runs through the gb-* URL parameters, results read from the element's data-*.
 */
import {mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {build} from "esbuild";
import {chromium, type BrowserContext, type Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {serveStatic} from "./browser/server.js";
import {emptyBuiltins} from "../scripts/vendor.js";
import {loadAll} from "../src/generate.js";
import {translateCodeSection} from "../src/trainingEnricher.js";
import {mnistSplit} from "../data/mnist.js";
import {wasmBinary} from "../data/wasm.js";

const ROOT = resolve(import.meta.dirname, "..");
const WASM = ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"];


const ENTRY = `
import {TrainingPanel} from "./components/widgets/TrainingPanel.ts";
const q = new URLSearchParams(location.search);
const programs = await fetch("programs.json").then((r) => r.json());
const file = (name) => ({arrayBuffer: () => fetch(name).then((r) => r.arrayBuffer())});
const wasmPaths = Object.fromEntries(${JSON.stringify(WASM)}.map((f) => [f, new URL(f, location.href).href]));
document.body.append(TrainingPanel(programs[q.get("chapter")], {mnistTrain: file("mnist-train.bin"), mnistTest: file("mnist-test.bin"), wasmPaths}));
`;

/** The program the generator emits for a chapter's code-practice page. */
const {chapters} = loadAll(ROOT);
function programOf(prefix: string) {
  const chapter = chapters.find((c) => c.part.file.startsWith(prefix))!;
  return translateCodeSection(chapter, chapter.sections.find((s) => s.kind === "code")!).program;
}

let dir = "", profile = "";
let server: Awaited<ReturnType<typeof serveStatic>>;
let context: BrowserContext;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gb-panel-"));
  const out = await build({stdin: {contents: ENTRY, resolveDir: ROOT, loader: "ts"}, bundle: true, format: "esm", platform: "browser",
    target: "es2022", write: false, define: {"process.env.NODE_ENV": '"production"'}, plugins: [emptyBuiltins], logLevel: "error"});
  writeFileSync(join(dir, "bundle.js"), out.outputFiles[0].text);
  writeFileSync(join(dir, "index.html"), `<!doctype html><html lang="zh"><meta charset="utf-8"><title>panel</title><body><script type="module" src="bundle.js"></script>`);
  writeFileSync(join(dir, "programs.json"), JSON.stringify(Object.fromEntries(["000", "001", "002", "003", "004"].map((c) => [c, programOf(c)]))));
  writeFileSync(join(dir, "mnist-train.bin"), mnistSplit("train", 3000));
  writeFileSync(join(dir, "mnist-test.bin"), mnistSplit("t10k", 10_000));
  for (const f of WASM) writeFileSync(join(dir, f), wasmBinary(f));
  server = await serveStatic(dir);
  profile = mkdtempSync(join(tmpdir(), "gb-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", headless: true,
    args: ["--headless", "--no-sandbox", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--enable-unsafe-webgpu", "--enable-unsafe-swiftshader"]
  });
});

afterAll(async () => {
  await context?.close();
  await server?.close();
  rmSync(dir, {recursive: true, force: true});
  rmSync(profile, {recursive: true, force: true});
});

async function open(query: string) {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error" && !/Failed to load resource/.test(m.text())) errors.push(m.text());
  });
  page.on("response", (r) => {
    if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) errors.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(`${server.url}/index.html?${query}`);
  await page.waitForSelector(".gb-training", {state: "attached"});
  return {page, errors};
}

interface PanelData {
  [data: string]: unknown;
  result: string;
  error: string;
  badge: string;
  svgs: number;
  status: string;
  model: string;
  plans: string;
  curvesNote: string;
  confusion: number[][];
  samples: {wrong: boolean; canvas: boolean; text: string}[];
  calibration: {backend: string; sps: number | null; chosen: boolean; text: string}[];
}

async function read(page: Page): Promise<PanelData> {
  const v: unknown = await page.$eval(".gb-training", (e) => ({...(e as HTMLElement).dataset,
    result: e.querySelector(".gb-train-result")?.textContent ?? "", error: e.querySelector(".gb-train-error")?.textContent ?? "",
    badge: e.querySelector(".gb-train-badge")?.textContent ?? "", svgs: e.querySelectorAll(".gb-train-charts svg").length,
    status: e.querySelector(".gb-train-status")?.textContent ?? "", model: e.querySelector(".gb-train-model")?.textContent ?? "",
    plans: e.querySelector(".gb-train-plans")?.textContent ?? "", curvesNote: e.querySelector(".gb-train-curves-note")?.textContent ?? "",
    confusion: Array.from(e.querySelectorAll(".gb-confusion tbody tr"), (r) => Array.from(r.querySelectorAll("td"), (td) => Number(td.textContent))),
    samples: Array.from(e.querySelectorAll(".gb-sample"), (s) => ({wrong: s.classList.contains("gb-sample-wrong"), canvas: !!s.querySelector("canvas"), text: s.textContent ?? ""})),
    calibration: Array.from(e.querySelectorAll(".gb-train-calibration tbody tr"), (r) => ({backend: (r as HTMLElement).dataset.backend!,
      sps: (r as HTMLElement).dataset.samplesPerSec ? Number((r as HTMLElement).dataset.samplesPerSec) : null, chosen: r.classList.contains("gb-cal-chosen"), text: r.textContent ?? ""}))}));
  return v as PanelData;
}

const FINAL = ".gb-training[data-state='done'], .gb-training[data-state='error'], .gb-training[data-state='stopped']";

async function run(query: string, timeout = 120_000) {
  const {page, errors} = await open(query);
  await page.waitForSelector(FINAL, {timeout, state: "attached"});
  const data = await read(page);
  await page.close();
  return {data, errors};
}

describe("TrainingPanel in Chromium", () => {
  test("000 MLP: 2,000 images, 1 epoch on wasm → done, real test accuracy over 10,000 images", async () => {
    const {data, errors} = await run("chapter=000&gb-train-limit=2000&gb-epochs=1&gb-backend=wasm&gb-autostart=1");
    expect(errors).toEqual([]);
    expect(data.error).toBe("");
    expect(data.state).toBe("done");
    expect(data.backend).toBe("wasm");
    expect(data.trainSize).toBe("2000");
    expect(data.testSize).toBe("10000");
    expect(Number(data.testAccuracy)).toBeGreaterThan(0.8);
    // like for like: the chapter's claim is the last epoch's training accuracy, compared with ours
    expect(data.result).toMatch(/文中给出的是训练准确率 89\.60%（最后一轮）；本页最后一轮的训练准确率 \d+\.\d\d%/);
    expect(data.svgs).toBeGreaterThanOrEqual(2);
    expect(data.curvesNote).toMatch(/指数滑动平均（α = 0\.1）.*测试集前 1000 张/);
    // confusion matrix: 10×10, every test image counted once, the diagonal holds the accuracy
    const m = data.confusion as number[][];
    expect(m).toHaveLength(10);
    expect(m.every((r) => r.length === 10)).toBe(true);
    expect(m.flat().reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(m.reduce((s, r, i) => s + r[i], 0) / 10_000).toBeCloseTo(Number(data.testAccuracy), 6);
    const samples = data.samples as {wrong: boolean; canvas: boolean; text: string}[];
    expect(samples.length).toBeGreaterThanOrEqual(8);
    expect(samples.every((x) => x.canvas)).toBe(true);
    expect(samples.some((x) => x.wrong)).toBe(true);
  });

  test("002 CNN on wasm (composed conv gradients): 300 images, 1 epoch, 1,000 test images", async () => {
    const {data, errors} = await run("chapter=002&gb-train-limit=300&gb-test-limit=1000&gb-epochs=1&gb-backend=wasm&gb-autostart=1");
    expect(errors).toEqual([]);
    expect(data.error).toBe("");
    expect(data.state).toBe("done");
    expect(data.backend).toBe("wasm");
    expect(Number(data.testAccuracy)).toBeGreaterThan(0.3); // 10 classes: chance is 0.1
    expect(data.result).toMatch(/文中声称测试准确率 97\.59%；本页 \d+\.\d\d%/);
  });

  test("003 CNN on MNIST padded to 32×32×3 with validation_split 0.2", async () => {
    const {data} = await run("chapter=003&gb-train-limit=250&gb-test-limit=500&gb-epochs=1&gb-backend=wasm&gb-autostart=1");
    expect(data.error).toBe("");
    expect(data.state).toBe("done");
    expect(data.trainSize).toBe("200");
  });

  test("001 table: 3 training rows, 1 test row, 100 epochs; the accuracy can only be 0 or 1", async () => {
    const {data} = await run("chapter=001&gb-backend=cpu&gb-autostart=1");
    expect(data.state).toBe("done");
    expect(data.trainSize).toBe("3");
    expect(data.testSize).toBe("1");
    expect(["0", "1"]).toContain(data.testAccuracy as string);
  });

  test("004 NumPy GD: θ equals the closed form and is ≈ 2.7", async () => {
    const {data} = await run("chapter=004&gb-autostart=1");
    expect(data.state).toBe("done");
    expect(Math.abs(Number(data.theta) - Number(data.thetaClosedForm))).toBeLessThan(1e-3);
    expect(Number(data.theta)).toBeGreaterThan(2.5);
    expect(Number(data.theta)).toBeLessThan(2.9);
  });

  test("a bad URL parameter is shown in place, not thrown", async () => {
    const {data, errors} = await run("chapter=000&gb-epochs=zero&gb-autostart=1");
    expect(errors).toEqual([]);
    expect(data.state).toBe("error");
    expect(data.error).toMatch(/gb-epochs=zero must be a positive integer/);
  });
});

describe("readers who wait: calibration, quick runs, stop, the code tab", () => {
  test("auto: the actual model is timed on every backend, the fastest measured one trains, the quick run says what it is", async () => {
    const {data, errors} = await run("chapter=000&gb-train-limit=3000&gb-test-limit=1000&gb-run=quick&gb-autostart=1");
    expect(errors).toEqual([]);
    expect(data.error).toBe("");
    expect(data.state).toBe("done");
    const rows = data.calibration as {backend: string; sps: number | null; chosen: boolean; text: string}[];
    expect(rows.map((r) => r.backend)).toEqual(["wasm", "webgpu", "webgl", "cpu"]);
    const measured = rows.filter((r) => r.sps !== null);
    expect(measured.length).toBeGreaterThanOrEqual(2); // wasm and cpu at least
    const fastest = measured.reduce((a, b) => (b.sps! > a.sps! ? b : a));
    expect(rows.filter((r) => r.chosen).map((r) => r.backend)).toEqual([fastest.backend]);
    expect(data.calibrated).toBe(fastest.backend);
    expect(data.backend).toBe(fastest.backend);
    for (const r of rows.filter((x) => x.sps === null)) expect(r.text).toMatch(/未测：/);
    console.log("calibration:", rows.map((r) => `${r.backend} ${r.sps === null ? r.text : Math.round(r.sps)}`).join(" | "));
    // quick = one epoch on a subset sized from the measured speed, stated on the panel and in the result
    expect(data.run).toBe("quick");
    expect(Number(data.trainSize)).toBeLessThanOrEqual(3000);
    expect(data.result).toMatch(/快速运行（1 轮，\d+ 个样本），不是本章的设置/);
    expect(data.plans).toMatch(/完整：本章设置，5 轮 × 3,000 个样本，在 \w+ 上约 \d+ (秒|分钟) · 快速：1 轮 × 前 [\d,]+ 个样本，在 \w+ 上约 \d+ 秒/);
  });

  test("stop: the partial model is evaluated on the test set and the result says where it stopped", async () => {
    const {page, errors} = await open("chapter=000&gb-train-limit=3000&gb-test-limit=1000&gb-epochs=50&gb-backend=wasm");
    await page.click(".gb-train-start");
    await page.waitForFunction(() => /第 1\/50 轮 · 第 ([2-9]|\d\d+)\//.test(document.querySelector(".gb-train-status")?.textContent ?? ""), null, {timeout: 60_000});
    await page.click(".gb-train-stop");
    await page.waitForSelector(FINAL, {timeout: 60_000, state: "attached"});
    const data = await read(page);
    await page.close();
    expect(errors).toEqual([]);
    expect(data.state).toBe("stopped");
    expect(data.partial).toBe("true");
    expect(data.result).toMatch(/已停止：训练到第 \d+ 轮第 \d+\/94 批的模型在测试集上评估。测试准确率/);
    expect(Number(data.testAccuracy)).toBeGreaterThan(0.1);
    expect((data.confusion as number[][]).flat().reduce((a, b) => a + b, 0)).toBe(1000);
  });

  test("the code tab: the printed TypeScript, an edit outside the subset marked at its line, an edited model trains", async () => {
    const {page, errors} = await open("chapter=000&gb-train-limit=500&gb-test-limit=200&gb-epochs=1&gb-backend=cpu");
    await page.click(".gb-train-code summary");
    const text = await page.$eval(".gb-train-code", (e) => (e as HTMLElement & {editor: {state: {doc: {toString(): string}}}}).editor.state.doc.toString());
    expect(text).toContain(`model.add(tf.layers.dense({inputShape: [784], units: 128, activation: "relu"`);
    const edit = (from: string, to: string) => page.$eval(".gb-train-code", (e, [a, b]) => {
      const v = (e as HTMLElement & {editor: {state: {doc: {toString(): string; length: number}}; dispatch(t: unknown): void}}).editor;
      const doc = v.state.doc.toString();
      v.dispatch({changes: {from: 0, to: v.state.doc.length, insert: doc.replace(a, b)}});
    }, [from, to]);
    await edit("units: 128,", "units: 12.5,");
    await page.click(".gb-train-code-run");
    const lineOf = text.split("\n").findIndex((l) => l.includes("units: 128,")) + 1;
    expect(await page.$eval(".gb-train-code", (e) => (e as HTMLElement).dataset.error)).toBe(String(lineOf));
    expect(await page.textContent(".gb-train-code-message")).toBe(`第 ${lineOf} 行：dense: units = 12.5 must be an integer ≥ 1`);
    expect(await page.$$eval(".cm-lintRange-error, .cm-lint-marker-error", (x) => x.length)).toBeGreaterThan(0);
    await edit("units: 12.5,", "units: 24,");
    await page.click(".gb-train-code-run");
    await page.waitForSelector(FINAL, {timeout: 60_000, state: "attached"});
    const data = await read(page);
    await page.close();
    expect(errors).toEqual([]);
    expect(data.state).toBe("done");
    expect(data.model).toMatch(/Dense\(24, relu\) → Dropout\(0\.2\) → Dense\(10, softmax\)/);
    // 784·24 + 24 + 24·10 + 10 parameters
    expect(data.result).toContain(`${(784 * 24 + 24 + 24 * 10 + 10).toLocaleString("en-US")} 个参数`);
  });
});
