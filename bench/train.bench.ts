/**
 * Training throughput per tf.js backend in headless Chromium (samples/s for the chapter MLP and CNN on MNIST),
 * and the time the 000 MLP needs to reach its test accuracy on wasm. Run: npx tsx bench/train.bench.ts
 * (or npm run bench). Env: GB_BENCH_SECONDS (time per measurement, default 4), GB_BENCH_FULL=0 skips the
 * 5-epoch accuracy run. Writes bench/results/train.json.
 */
import {build} from "esbuild";
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {chromium} from "playwright-core";
import {serveStatic} from "../test/browser/server.js";
import {mnistSplit} from "../data/mnist.js";
import {MNIST_TEST_COUNT, MNIST_TRAIN_COUNT} from "../data/sizes.js";
import {wasmBinary} from "../data/wasm.js";
import {report} from "./run.js";
import {emptyBuiltins} from "../scripts/vendor.js";

const ROOT = resolve(import.meta.dirname, "..");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SECONDS = Number(process.env.GB_BENCH_SECONDS ?? 4);
const FULL = process.env.GB_BENCH_FULL !== "0";


/** The page: measures one backend × model at a time, driven by the bench through window.gbBench. */
const ENTRY = `
import * as tf from "@tensorflow/tfjs";
import {chooseBackend} from "./components/models/backend.ts";
import {buildModel} from "./components/models/build.ts";
import {imageDataset} from "./components/models/datasets.ts";
import {decodeImageSet} from "./components/models/mnist-format.ts";
import {train, evaluate} from "./components/models/train.ts";

const dense = (units, activation) => ({type: "dense", units, activation, useBias: true, line: 1});
const conv = (filters) => ({type: "conv2d", filters, kernelSize: [3, 3], strides: [1, 1], padding: "valid", activation: "relu", useBias: true, line: 1});
const pool = {type: "maxPooling2d", poolSize: [2, 2], strides: [2, 2], padding: "valid", line: 1};
const MODELS = {
  mlp: {inputShape: [784], layers: [dense(128, "relu"), {type: "dropout", rate: 0.2, line: 1}, dense(10, "softmax")]},
  cnn: {inputShape: [28, 28, 1], layers: [conv(32), pool, conv(64), pool, conv(64), {type: "flatten", line: 1}, dense(64, "relu"), dense(10, "softmax")]}
};
const COMPILE = {optimizer: {name: "adam", learningRate: 0.001, learningRateExplicit: false}, loss: "sparse_categorical_crossentropy"};
let sets;
async function load() {
  if (sets) return sets;
  const [a, b] = await Promise.all(["mnist-train.bin", "mnist-test.bin"].map((f) => fetch(f).then((r) => r.arrayBuffer())));
  return (sets = {train: decodeImageSet(a, "train"), test: decodeImageSet(b, "test")});
}
window.gbBench = {
  async throughput(backend, modelName, seconds) {
   try {
    const choice = await chooseBackend(backend, {wasmPaths: "./", needsConvGradients: modelName === "cnn"}).catch((e) => ({name: "none", attempts: [{name: backend, ok: false, reason: e.message}]}));
    if (choice.name !== backend) return {backend, model: modelName, error: "unavailable: " + choice.attempts.filter((a) => !a.ok).map((a) => a.name + ": " + a.reason).join("; ")};
    const {train: set} = await load();
    const spec = MODELS[modelName];
    const data = imageDataset(set, spec.inputShape);
    const model = buildModel(spec, {seed: 1});
    const ctl = new AbortController();
    let t0 = 0, n0 = 0, last = null, batches = 0;
    const start = performance.now();
    for await (const s of train(model, data, {epochs: 1, batchSize: 32, signal: ctl.signal, compile: COMPILE, reportEvery: 4})) {
      batches++;
      const seen = (s.batch) * 32;
      if (batches === 2) { t0 = performance.now(); n0 = seen; }   // first report is warm-up (shader compiles); reports every 4th batch, like the panel
      if (batches > 2) last = {t: performance.now(), n: seen};
      if (batches > 3 && performance.now() - t0 > seconds * 1000) ctl.abort();
      if (batches >= 4 && performance.now() - start > seconds * 4000) ctl.abort();
    }
    model.dispose();
    const sps = last ? (last.n - n0) / ((last.t - t0) / 1000) : NaN;
    return {backend: choice.name, model: modelName, samplesPerSec: sps, batches, numTensors: tf.memory().numTensors};
   } catch (e) {
    return {backend, model: modelName, error: String(e.message ?? e).slice(0, 200)};
   }
  },
  async mlpAccuracy(backend, epochs) {
    await chooseBackend(backend, {wasmPaths: "./"});
    const {train: a, test: b} = await load();
    const model = buildModel(MODELS.mlp, {seed: 42});
    const data = imageDataset(a, [784]);
    const t0 = performance.now();
    let last;
    for await (const s of train(model, data, {epochs, batchSize: 32, seed: 42, compile: COMPILE, reportEvery: 100})) last = s;
    const trainSec = (performance.now() - t0) / 1000;
    const r = await evaluate(model, imageDataset(b, [784]));
    model.dispose();
    return {backend, epochs, trainSize: data.size, testSize: r.n, testAcc: r.acc, testLoss: r.loss, trainSec, samplesPerSec: last.samplesPerSec};
  }
};
document.body.dataset.ready = "1";
`;

export interface TrainBenchResult {
  device: string;
  throughput: {backend: string; model: string; samplesPerSec?: number; batches?: number; error?: string}[];
  wasmOverCpu: {mlp: number; cnn: number};
  mlpAccuracy?: {backend: string; epochs: number; trainSize: number; testSize: number; testAcc: number; trainSec: number; samplesPerSec: number};
}

export async function runTrainBench(): Promise<TrainBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), "gb-train-bench-"));
  const result = await build({
    stdin: {contents: ENTRY, resolveDir: ROOT, loader: "ts"},
    bundle: true, format: "esm", platform: "browser", target: "es2022", write: false, minify: true,
    define: {"process.env.NODE_ENV": '"production"'}, plugins: [emptyBuiltins], logLevel: "error"
  });
  writeFileSync(join(dir, "bundle.js"), result.outputFiles[0].text);
  writeFileSync(join(dir, "index.html"), `<!doctype html><meta charset="utf-8"><title>train bench</title><body><script type="module" src="bundle.js"></script>`);
  for (const f of ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"]) writeFileSync(join(dir, f), wasmBinary(f));
  writeFileSync(join(dir, "mnist-train.bin"), mnistSplit("train", MNIST_TRAIN_COUNT));
  writeFileSync(join(dir, "mnist-test.bin"), mnistSplit("t10k", MNIST_TEST_COUNT));
  const server = await serveStatic(dir);
  const userDataDir = mkdtempSync(join(tmpdir(), "gb-chromium-"));
  const browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM, headless: true,
    args: ["--headless", "--no-sandbox", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--enable-unsafe-webgpu", "--enable-unsafe-swiftshader"]
  });
  try {
    const page = await browser.newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
    await page.goto(`${server.url}/index.html`);
    await page.waitForSelector("body[data-ready='1']", {timeout: 60_000, state: "attached"});
    const device = await page.evaluate(async () => {
      const gpu = (navigator as unknown as {gpu?: {requestAdapter(): Promise<{info?: {vendor?: string; architecture?: string}} | null>}}).gpu;
      const a = gpu ? await gpu.requestAdapter() : null;
      return `${navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0]} · ${navigator.hardwareConcurrency} cores · webgpu adapter: ${a ? `${a.info?.vendor} ${a.info?.architecture}` : "none"}`;
    });
    const throughput: TrainBenchResult["throughput"] = [];
    for (const model of ["mlp", "cnn"]) {
      for (const backend of ["cpu", "wasm", "webgl", "webgpu"]) {
        const r = await page.evaluate(([b, m, s]) => (window as unknown as {gbBench: {throughput(b: string, m: string, s: number): Promise<TrainBenchResult["throughput"][0]>}}).gbBench.throughput(b, m, s), [backend, model, SECONDS] as [string, string, number]);
        throughput.push(r);
        if (r.error) console.log(`${model} ${backend}: ${r.error}`);
        report({metric: `${model} train, ${backend}`, value: r.error ? "n/a" : Math.round(r.samplesPerSec!), unit: "samples/s"});
      }
    }
    const sps = (m: string, b: string) => throughput.find((t) => t.model === m && t.backend === b)?.samplesPerSec ?? NaN;
    const wasmOverCpu = {mlp: sps("mlp", "wasm") / sps("mlp", "cpu"), cnn: sps("cnn", "wasm") / sps("cnn", "cpu")};
    report({metric: "mlp wasm / cpu", value: +wasmOverCpu.mlp.toFixed(1), unit: "×", target: "≥ 5"});
    report({metric: "cnn wasm / cpu", value: +wasmOverCpu.cnn.toFixed(1), unit: "×", target: "≥ 5"});
    const out: TrainBenchResult = {device, throughput, wasmOverCpu};
    if (FULL) {
      out.mlpAccuracy = await page.evaluate(() => (window as unknown as {gbBench: {mlpAccuracy(b: string, e: number): Promise<NonNullable<TrainBenchResult["mlpAccuracy"]>>}}).gbBench.mlpAccuracy("wasm", 5));
      const a = out.mlpAccuracy;
      report({metric: `000 MLP test accuracy (wasm, ${a.epochs} epochs × ${a.trainSize} images, ${a.testSize} test)`, value: +(100 * a.testAcc).toFixed(2), unit: "%", target: "≥ 95"});
      report({metric: `000 MLP time to train (wasm, ${a.epochs} epochs × ${a.trainSize})`, value: +a.trainSec.toFixed(1), unit: "s"});
    }
    mkdirSync(join(ROOT, "bench", "results"), {recursive: true});
    writeFileSync(join(ROOT, "bench", "results", "train.json"), JSON.stringify(out, null, 2));
    return out;
  } finally {
    await browser.close();
    await server.close();
    rmSync(dir, {recursive: true, force: true});
    rmSync(userDataDir, {recursive: true, force: true});
  }
}

if (process.argv[1]?.endsWith("train.bench.ts")) {
  const r = await runTrainBench();
  console.log(`train bench device: ${r.device}`);
}
