/**
 * Training throughput (samples/s, batch 32, Adam, MNIST) of the chapter MLP (784-128-10) and CNN (002's) —
 * in Node on tfjs wasm and cpu (the CNN as the page builds it — UnfusedConv2D through wasm/kernels.ts's gradient
 * kernels — and, for comparison, with composed.ts's gradients and im2col.ts's variants), in headless Chromium per
 * backend, and in PyTorch CPU where python3 can import torch — side by side, plus the CPU time of each kernel in one
 * CNN training step on wasm (`cnn wasm step: …`) and the time the 000 MLP needs to reach its test accuracy on wasm.
 * `cnn wasm / pytorch cpu` uses the page's own path (build.ts's model) in Chromium, else in Node. The Chromium page
 * is served with COOP/COEP, as the book is on a configured host or through components/coi/'s service worker, so
 * wasm runs threaded on every core as backend.ts sets it; the same page from a server without them (not isolated,
 * one thread) is measured beside it.
 * Run: npx tsx bench/train.bench.ts (or npm run bench). Env: GB_BENCH_SECONDS (time per measurement, default 4),
 * GB_BENCH_FULL=0 skips the 5-epoch accuracy run, GB_BENCH_BROWSER=0 skips Chromium, GB_BENCH_COI=1 also measures
 * the CNN in a page made cross-origin isolated by components/coi/'s service worker (no headers: one reload),
 * GB_BENCH_BACKENDS=cpu,wasm limits the Chromium backends (default cpu,wasm,webgl,webgpu).
 * Writes bench/results/train.json.
 */
import {spawnSync} from "node:child_process";
import {build} from "esbuild";
import * as tf from "@tensorflow/tfjs";
import {useBackend} from "../components/models/backend.js";
import {buildModel, lossFunction, makeOptimizer} from "../components/models/build.js";
import {imageDataset} from "../components/models/datasets.js";
import {buildWasmModel} from "../components/models/im2col.js";
import type {KerasProgram} from "../components/models/keras/program.js";
import {decodeImageSet} from "../components/models/mnist-format.js";
import {train} from "../components/models/train.js";
import {copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {cpus, loadavg, tmpdir} from "node:os";
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
const BROWSER = process.env.GB_BENCH_BROWSER !== "0";
const COI = process.env.GB_BENCH_COI === "1";
const PAGE_BACKENDS = (process.env.GB_BENCH_BACKENDS ?? "cpu,wasm,webgl,webgpu").split(",");

type Spec = Pick<KerasProgram, "layers" | "inputShape">;
const dense = (units: number, activation: "relu" | "softmax") => ({type: "dense" as const, units, activation, useBias: true, line: 1});
const conv = (filters: number) => ({type: "conv2d" as const, filters, kernelSize: [3, 3] as [number, number], strides: [1, 1] as [number, number], padding: "valid" as const, activation: "relu" as const, useBias: true, line: 1});
const pool = {type: "maxPooling2d" as const, poolSize: [2, 2] as [number, number], strides: [2, 2] as [number, number], padding: "valid" as const, line: 1};
export const BENCH_MODELS: Record<"mlp" | "cnn", Spec> = {
  mlp: {inputShape: [784], layers: [dense(128, "relu"), {type: "dropout", rate: 0.2, line: 1}, dense(10, "softmax")]},
  cnn: {inputShape: [28, 28, 1], layers: [conv(32), pool, conv(64), pool, conv(64), {type: "flatten", line: 1}, dense(64, "relu"), dense(10, "softmax")]}
};
const COMPILE = {optimizer: {name: "adam" as const, learningRate: 0.001, learningRateExplicit: false}, loss: "sparse_categorical_crossentropy" as const};

/** samples/s of train.ts on the current Node backend: the first batch is warm-up. */
async function nodeThroughput(model: tf.LayersModel, spec: Spec, seconds: number): Promise<number> {
  const set = decodeImageSet(mnistSplit("train", 8000), "train");
  const data = imageDataset(set, spec.inputShape);
  const ctl = new AbortController();
  let t0 = 0, n0 = 0, last: {t: number; n: number} | null = null, reports = 0;
  for await (const s of train(model, data, {epochs: 5, batchSize: 32, signal: ctl.signal, compile: COMPILE, reportEvery: 1})) {
    reports++;
    const seen = ((s.epoch - 1) * s.batches + s.batch) * 32;
    if (reports === 1) {
      t0 = performance.now();
      n0 = seen;
    } else last = {t: performance.now(), n: seen};
    if (reports > 2 && performance.now() - t0 > seconds * 1000) ctl.abort();
  }
  model.dispose();
  return last ? (last.n - n0) / ((last.t - t0) / 1000) : NaN;
}

export interface NodeBenchRow {
  backend: string;
  model: string;
  samplesPerSec: number;
}

export async function runNodeBench(seconds = SECONDS): Promise<NodeBenchRow[]> {
  const rows: NodeBenchRow[] = [];
  const cases: [string, "mlp" | "cnn", "wasm" | "cpu", (s: Spec) => tf.LayersModel][] = [
    ["mlp", "mlp", "wasm", (s) => buildModel(s, {seed: 1})],
    ["mlp", "mlp", "cpu", (s) => buildModel(s, {seed: 1})],
    ["cnn (page: wasm gradient kernels)", "cnn", "wasm", (s) => buildModel(s, {seed: 1})],
    ["cnn (composed gradients)", "cnn", "wasm", (s) => buildModel(s, {seed: 1, composedGradients: true, unfusedConv: false})],
    ["cnn (upsampled pool)", "cnn", "wasm", (s) => buildWasmModel(s, {seed: 1})],
    ["cnn (upsampled pool, im2col)", "cnn", "wasm", (s) => buildWasmModel(s, {seed: 1, conv: "im2col"})]
    // the CNN on Node's cpu backend takes minutes per measurement here; Chromium's cpu row below measures it
  ];
  for (const [label, name, backend, make] of cases) {
    await useBackend(backend);
    const sps = await nodeThroughput(make(BENCH_MODELS[name]), BENCH_MODELS[name], seconds);
    rows.push({backend, model: label, samplesPerSec: sps});
    report({metric: `node ${label} train, ${backend}`, value: Math.round(sps), unit: "samples/s"});
  }
  return rows;
}

/**
 * CPU time (process.cpuUsage, so other processes on the machine do not inflate it) of each kernel in one training
 * step of the page's CNN on Node wasm, summed over layers per kernel name; the minimum over `steps` steps.
 */
export async function cnnStepProfile(steps = 15): Promise<{stepMs: number; kernels: Record<string, number>}> {
  await useBackend("wasm");
  const originals = tf.getKernelsForBackend("wasm");
  let current = new Map<string, number>(), depth = 0;
  for (const k of originals) {
    tf.unregisterKernel(k.kernelName, "wasm");
    tf.registerKernel({...k, kernelFunc: (args) => {
      if (depth++ > 0) return (depth--, k.kernelFunc(args)); // kernels that call kernels count once
      const c0 = process.cpuUsage();
      try {
        return k.kernelFunc(args);
      } finally {
        const c = process.cpuUsage(c0);
        depth--;
        current.set(k.kernelName, (current.get(k.kernelName) ?? 0) + (c.user + c.system) / 1000);
      }
    }});
  }
  const best = new Map<string, number>();
  let stepMs = Infinity;
  try {
    const model = buildModel(BENCH_MODELS.cnn, {seed: 1});
    const optimizer = makeOptimizer(COMPILE.optimizer);
    const loss = lossFunction(COMPILE.loss);
    const x = tf.randomUniform([32, 28, 28, 1], 0, 1, "float32", 1), y = tf.tensor1d(Array.from({length: 32}, (_, i) => i % 10));
    for (let i = 0; i < steps + 2; i++) {
      current = new Map();
      const c0 = process.cpuUsage();
      const l = optimizer.minimize(() => loss(y, model.apply(x, {training: true}) as tf.Tensor), true)!;
      l.dataSync();
      l.dispose();
      const c = process.cpuUsage(c0);
      if (i < 2) continue; // warm-up
      stepMs = Math.min(stepMs, (c.user + c.system) / 1000);
      for (const [n, ms] of current) best.set(n, Math.min(best.get(n) ?? Infinity, ms));
    }
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  } finally {
    for (const k of originals) {
      tf.unregisterKernel(k.kernelName, "wasm");
      tf.registerKernel(k);
    }
  }
  const kernels = Object.fromEntries([...best].sort((a, b) => b[1] - a[1]));
  report({metric: "cnn wasm step (node, cpu time)", value: +stepMs.toFixed(1), unit: "ms"});
  for (const [n, ms] of Object.entries(kernels).slice(0, 8)) report({metric: `cnn wasm step: ${n}`, value: +ms.toFixed(2), unit: "ms"});
  return {stepMs, kernels};
}

/** The same two models in PyTorch on the CPU (all cores, then the CNN on one), batch 32, Adam, random MNIST-shaped data. */
const PYTORCH = `
import json, os, sys, time
import torch, torch.nn as nn
torch.manual_seed(0)
torch.set_num_threads(os.cpu_count() or 1)
secs = float(sys.argv[1])
mlp = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, 10))
cnn = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(64, 64, 3), nn.ReLU(), nn.Flatten(), nn.Linear(576, 64), nn.ReLU(), nn.Linear(64, 10))
out = {"version": torch.__version__, "threads": torch.get_num_threads()}
for name, model, shape in [("mlp", mlp, (32, 784)), ("cnn", cnn, (32, 1, 28, 28))]:
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x, y = torch.rand(*shape), torch.randint(0, 10, (32,))
    def step():
        opt.zero_grad(); loss = nn.functional.cross_entropy(model(x), y); loss.backward(); opt.step()
    for _ in range(5): step()
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < secs: step(); n += 32
    out[name] = n / (time.perf_counter() - t0)
# the CNN again on one thread (tfjs wasm in a page uses one on a 2-core machine: half of hardwareConcurrency)
torch.set_num_threads(1)
n, t0 = 0, time.perf_counter()
while time.perf_counter() - t0 < secs: step(); n += 32
out["cnn1Thread"] = n / (time.perf_counter() - t0)
# CPU time of one CNN step on one thread (the minimum over 20): what other processes on the machine do not inflate
best = float("inf")
for i in range(25):
    c0 = time.process_time(); step(); c = time.process_time() - c0
    if i >= 5: best = min(best, c)
out["cnnStepCpuMs1Thread"] = best * 1000
print(json.dumps(out))
`;

export function runPytorch(seconds = SECONDS): {mlp: number; cnn: number; cnn1Thread: number; version: string; threads: number; cnnStepCpuMs1Thread: number} | null {
  // Debian's python3-torch is importable from the system interpreter, which a pyenv/venv `python3` on PATH may hide.
  const python = [process.env.PYTHON, "python3", "/usr/bin/python3"].find((p) => p && spawnSync(p, ["-c", "import torch"], {encoding: "utf8"}).status === 0);
  if (!python) return null;
  const r = spawnSync(python, ["-c", PYTORCH, String(seconds)], {encoding: "utf8", maxBuffer: 1 << 20});
  if (r.status !== 0) throw new Error(`pytorch bench failed: ${r.stderr.slice(-400)}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}


/** The page: measures one backend × model at a time, driven by the bench through window.gbBench. */
const ENTRY = `
import * as tf from "@tensorflow/tfjs";
import {chooseBackend} from "./components/models/backend.ts";
import {buildModel} from "./components/models/build.ts";
import {buildWasmModel} from "./components/models/im2col.ts";
import {imageDataset} from "./components/models/datasets.ts";
import {decodeImageSet} from "./components/models/mnist-format.ts";
import {train, evaluate} from "./components/models/train.ts";
import {getThreadsCount} from "@tensorflow/tfjs-backend-wasm";

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
  async info() {
    await chooseBackend("wasm", {wasmPaths: "./"});
    return {crossOriginIsolated: self.crossOriginIsolated === true, wasmThreads: getThreadsCount(), multithreadSupport: await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT")};
  },
  async throughput(backend, modelName, seconds) {
   try {
    const choice = await chooseBackend(backend, {wasmPaths: "./", needsConvGradients: modelName !== "mlp"}).catch((e) => ({name: "none", attempts: [{name: backend, ok: false, reason: e.message}]}));
    if (choice.name !== backend) return {backend, model: modelName, error: "unavailable: " + choice.attempts.filter((a) => !a.ok).map((a) => a.name + ": " + a.reason).join("; ")};
    const {train: set} = await load();
    const spec = MODELS[modelName === "cnn-fast" ? "cnn" : modelName];
    const data = imageDataset(set, spec.inputShape);
    const model = modelName === "cnn-fast" ? buildWasmModel(spec, {seed: 1}) : buildModel(spec, {seed: 1});
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
  /** The CNN on wasm in the same page from a server without COOP/COEP: not isolated, one thread. */
  notIsolated?: {crossOriginIsolated: boolean; wasmThreads: number; samplesPerSec?: number; error?: string};
  /** The CNN on wasm in a page isolated by components/coi/'s service worker (GB_BENCH_COI=1): whether it was, wasm threads, samples/s. */
  isolated?: {crossOriginIsolated: boolean; wasmThreads: number; multithreadSupport: boolean; samplesPerSec?: number; error?: string};
}

type BenchWindow = {gbBench: {info(): Promise<{crossOriginIsolated: boolean; wasmThreads: number; multithreadSupport: boolean}>; throughput(b: string, m: string, s: number): Promise<TrainBenchResult["throughput"][0]>}};

/**
 * The page's CNN on wasm in a page made cross-origin isolated the way the book is on a static host: components/coi/'s
 * service worker (registered by its script, one reload), so SharedArrayBuffer and the threaded SIMD binary.
 */
async function isolatedCnn(browser: Awaited<ReturnType<typeof chromium.launchPersistentContext>>, url: string): Promise<NonNullable<TrainBenchResult["isolated"]>> {
  const page = await browser.newPage();
  await page.goto(`${url}/isolated.html`);
  await page.waitForFunction(() => self.crossOriginIsolated === true, null, {timeout: 30_000}).catch(() => undefined);
  await page.waitForSelector("body[data-ready='1']", {timeout: 60_000, state: "attached"});
  const info = await page.evaluate(() => (window as unknown as BenchWindow).gbBench.info());
  const r = await page.evaluate(([s]) => (window as unknown as BenchWindow).gbBench.throughput("wasm", "cnn", s), [SECONDS] as [number]);
  await page.close();
  const metric = info.crossOriginIsolated ? `cnn train, wasm, cross-origin isolated (${info.wasmThreads} threads)` : "cnn train, wasm, cross-origin isolation failed";
  report({metric, value: r.error ? "n/a" : Math.round(r.samplesPerSec!), unit: "samples/s"});
  return {...info, samplesPerSec: r.samplesPerSec, error: r.error};
}

/** The page's CNN on wasm from a server that sends no isolation headers (and no service worker): one thread. */
async function notIsolatedCnn(browser: Awaited<ReturnType<typeof chromium.launchPersistentContext>>, url: string): Promise<NonNullable<TrainBenchResult["notIsolated"]>> {
  const page = await browser.newPage();
  await page.goto(`${url}/index.html`);
  await page.waitForSelector("body[data-ready='1']", {timeout: 60_000, state: "attached"});
  const info = await page.evaluate(() => (window as unknown as BenchWindow).gbBench.info());
  const r = await page.evaluate(([s]) => (window as unknown as BenchWindow).gbBench.throughput("wasm", "cnn", s), [SECONDS] as [number]);
  await page.close();
  report({metric: `cnn train, wasm, not isolated (${info.wasmThreads} thread${info.wasmThreads === 1 ? "" : "s"})`, value: r.error ? "n/a" : Math.round(r.samplesPerSec!), unit: "samples/s"});
  return {crossOriginIsolated: info.crossOriginIsolated, wasmThreads: info.wasmThreads, samplesPerSec: r.samplesPerSec, error: r.error};
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
  writeFileSync(join(dir, "isolated.html"), `<!doctype html><meta charset="utf-8"><title>train bench</title><script src="coi-register.js"></script><body><script type="module" src="bundle.js"></script>`);
  copyFileSync(join(ROOT, "components", "coi", "sw.js"), join(dir, "coi-sw.js"));
  copyFileSync(join(ROOT, "components", "coi", "register.js"), join(dir, "coi-register.js"));
  for (const f of ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"]) writeFileSync(join(dir, f), wasmBinary(f));
  writeFileSync(join(dir, "mnist-train.bin"), mnistSplit("train", MNIST_TRAIN_COUNT));
  writeFileSync(join(dir, "mnist-test.bin"), mnistSplit("t10k", MNIST_TEST_COUNT));
  const server = await serveStatic(dir, {isolate: true});
  const plain = await serveStatic(dir);
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
    // (after the device line: once the threaded wasm backend starts, navigator.hardwareConcurrency reads twice the threads)
    const pageInfo = await page.evaluate(() => (window as unknown as BenchWindow).gbBench.info());
    const deviceLine = `${device} · crossOriginIsolated: ${pageInfo.crossOriginIsolated} · wasm threads: ${pageInfo.wasmThreads}`;
    const throughput: TrainBenchResult["throughput"] = [];
    for (const model of ["mlp", "cnn", "cnn-fast"]) {
      for (const backend of model === "cnn-fast" ? ["wasm"] : PAGE_BACKENDS) {
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
    const out: TrainBenchResult = {device: deviceLine, throughput, wasmOverCpu};
    out.notIsolated = await notIsolatedCnn(browser, plain.url);
    if (COI) out.isolated = await isolatedCnn(browser, plain.url);
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
    await plain.close();
    rmSync(dir, {recursive: true, force: true});
    rmSync(userDataDir, {recursive: true, force: true});
  }
}

if (process.argv[1]?.endsWith("train.bench.ts")) {
  const node = await runNodeBench();
  const profile = await cnnStepProfile();
  const torch = runPytorch();
  const loadAtTorch = loadavg()[0];
  let browser: TrainBenchResult | null = null;
  if (BROWSER) {
    browser = await runTrainBench();
    console.log(`train bench device: ${browser.device}`);
  }
  const nodeSps = (m: string) => node.find((r) => r.model === m && r.backend === "wasm")?.samplesPerSec ?? NaN;
  const pageSps = (m: string) => browser?.throughput.find((t) => t.model === m && t.backend === "wasm")?.samplesPerSec ?? NaN;
  // tfjs wasm: the page's own model (build.ts on wasm), in Chromium if it ran, else in Node
  const wasm = {mlp: browser ? pageSps("mlp") : nodeSps("mlp"), cnn: browser ? pageSps("cnn") : nodeSps("cnn (page: wasm gradient kernels)")};
  if (!torch) {
    console.log("pytorch cpu: not installed (python3 cannot import torch); the wasm / pytorch cpu ratios are skipped");
  } else {
    console.log(`pytorch cpu: torch ${torch.version}, ${torch.threads} threads`);
    // wall-clock ratios swing with other processes (PyTorch's threads suffer most when the cores are oversubscribed);
    // the cpu-time ratio below does not
    report({metric: "load average (1 min) at the pytorch run", value: +loadAtTorch.toFixed(1), unit: `on ${cpus().length} cores`});
    report({metric: "mlp train, pytorch cpu", value: Math.round(torch.mlp), unit: "samples/s"});
    report({metric: "cnn train, pytorch cpu", value: Math.round(torch.cnn), unit: "samples/s"});
    report({metric: "mlp wasm / pytorch cpu", value: +(wasm.mlp / torch.mlp).toFixed(2), unit: "×", target: "≥ 0.5"});
    report({metric: "cnn wasm / pytorch cpu", value: +(wasm.cnn / torch.cnn).toFixed(2), unit: "×", target: "≥ 0.5"});
    report({metric: "cnn train, pytorch cpu, 1 thread", value: Math.round(torch.cnn1Thread), unit: "samples/s"});
    report({metric: "cnn wasm / pytorch cpu, 1 thread", value: +(wasm.cnn / torch.cnn1Thread).toFixed(2), unit: "×"});
    report({metric: "cnn step cpu time, pytorch 1 thread", value: +torch.cnnStepCpuMs1Thread.toFixed(1), unit: "ms"});
    report({metric: "cnn wasm / pytorch, one core each (cpu time per step)", value: +(torch.cnnStepCpuMs1Thread / profile.stepMs).toFixed(2), unit: "×"});
    if (browser?.notIsolated?.samplesPerSec) report({metric: "cnn wasm (not isolated, 1 thread) / pytorch cpu", value: +(browser.notIsolated.samplesPerSec / torch.cnn).toFixed(2), unit: "×"});
    if (browser?.isolated?.samplesPerSec) report({metric: "cnn wasm (cross-origin isolated) / pytorch cpu", value: +(browser.isolated.samplesPerSec / torch.cnn).toFixed(2), unit: "×"});
  }
  report({metric: "node cnn wasm: upsampled pool / composed.ts", value: +(nodeSps("cnn (upsampled pool)") / nodeSps("cnn (composed gradients)")).toFixed(2), unit: "×"});
  report({metric: "node cnn wasm: gradient kernels / composed.ts", value: +(nodeSps("cnn (page: wasm gradient kernels)") / nodeSps("cnn (composed gradients)")).toFixed(2), unit: "×"});
}
