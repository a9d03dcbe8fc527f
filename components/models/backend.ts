/**
 * Picks the tf.js backend. `chooseBackend("auto")` is the order used before anything is measured: real GPUs, WASM,
 * software-emulated GPUs (SwiftShader), CPU; the panel replaces it by a measurement of the actual model
 * (calibrate.ts), since no fixed order is fastest everywhere (tfjs-webgpu trains a small MLP slower than wasm). Every candidate must pass a smoke test (matMul, conv2d,
 * softmax, read back with `await data()`), so a missing kernel falls through to the next one. No DOM.
 */
import * as tf from "@tensorflow/tfjs";
import {registerWasmTrainingKernels} from "./wasm/kernels.js";
import {threadsBlocked} from "./wasm/threads.js";

export type BackendName = "webgpu" | "webgl" | "wasm" | "cpu";
export const BACKENDS: BackendName[] = ["webgpu", "webgl", "wasm", "cpu"];

export interface BackendOptions {
  /** URLs of tfjs-backend-wasm's .wasm files by file name (FileAttachment(...).href), or a folder prefix. */
  wasmPaths?: Record<string, string> | string;
  /** Called when a WebGPU device is lost after it was chosen. */
  onDeviceLost?: (message: string) => void;
  /** The model has Conv2D / MaxPooling2D layers: their gradient kernels must exist and be right (wasm: wasm/kernels.ts). */
  needsConvGradients?: boolean;
}

export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  reason?: string;
}

export interface BackendChoice {
  name: BackendName;
  attempts: BackendAttempt[];
}

const registered = new Set<string>();

/**
 * Why tfjs-backend-wasm must not pick its threaded binary on this page (wasm/threads.ts), or null. Outside a page
 * (Node) tfjs decides alone. A cross-origin-isolated page (components/coi/) whose policy allows blob: workers gets
 * threads: wasmThreadCount of them.
 */
export function wasmThreadsBlocked(): string | null {
  if (typeof document === "undefined") return null;
  const policies = Array.from(document.querySelectorAll('meta[http-equiv="Content-Security-Policy" i]'), (m) => m.getAttribute("content") ?? "");
  return threadsBlocked({crossOriginIsolated: globalThis.crossOriginIsolated, sharedArrayBuffer: typeof SharedArrayBuffer !== "undefined", policies});
}

/**
 * How many threads tfjs-backend-wasm gets on a page where it may use them: every logical core, at most 8 (the
 * threaded binary starts a pool of 8 pthread workers). tfjs's own default is half the logical cores, at most 4 — one
 * thread on a 2-core machine, where PyTorch uses two (bench/train.bench.ts measures both).
 */
export function wasmThreadCount(logicalCores: number): number {
  return Number.isFinite(logicalCores) && logicalCores >= 1 ? Math.min(8, Math.floor(logicalCores)) : 1;
}

/**
 * Runs `start` (the wasm backend's first start) with `threads` threads. tfjs's C side bounds setThreadsCount by
 * navigator.hardwareConcurrency / 2, and reads it again whenever it sizes a kernel's work, so from the backend's
 * start on the page's navigator reports twice the count (measured: the CNN 625 → 810 samples/s, the MLP 2,261 →
 * 3,760 on 2 cores, bench/train.bench.ts, against restoring it after the start). The true count stays readable as
 * `logicalCores()`.
 */
async function withWasmThreads<T>(threads: number, start: () => Promise<T>): Promise<T> {
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  wasm.setThreadsCount(threads);
  const nav = globalThis.navigator as Navigator | undefined;
  try {
    if (nav && trueCores === null) {
      trueCores = nav.hardwareConcurrency;
      Object.defineProperty(nav, "hardwareConcurrency", {configurable: true, get: () => 2 * threads});
    }
  } catch {
    // a navigator that cannot be shadowed: tfjs then uses its own count
  }
  return start();
}

let trueCores: number | null = null;

/** The machine's logical cores (navigator.hardwareConcurrency before withWasmThreads doubled it). */
export function logicalCores(): number {
  return trueCores ?? globalThis.navigator?.hardwareConcurrency ?? 1;
}

/** The threads tfjs-backend-wasm uses, once it has started (1 for its single-threaded binaries); null before. */
export async function wasmThreadsInUse(): Promise<number | null> {
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  try {
    return wasm.getThreadsCount();
  } catch {
    return null;
  }
}

/** Software-emulated GPUs, fastest first (bench/train.bench.ts, SwiftShader). */
const SOFTWARE_ORDER: BackendName[] = ["webgl", "webgpu"];

async function register(name: BackendName, opts: BackendOptions): Promise<void> {
  if (registered.has(name)) return;
  if (name === "webgpu") {
    if (typeof navigator === "undefined" || !("gpu" in navigator)) throw new Error("this browser has no WebGPU (navigator.gpu)");
    await import("@tensorflow/tfjs-backend-webgpu");
  } else if (name === "wasm") {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    registerWasmTrainingKernels(); // after the package registered its own kernels: Conv2DBackpropFilter/Input, MaxPoolGrad
    if (wasmThreadsBlocked()) tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false); // else the backend's start fails
    if (opts.wasmPaths) {
      const p = opts.wasmPaths;
      if (typeof p === "string") wasm.setWasmPaths(p);
      else wasm.setWasmPaths(p as Parameters<typeof wasm.setWasmPaths>[0]);
    }
  }
  registered.add(name);
}

/** A short reason when the GPU behind a backend is a software emulation (SwiftShader / fallback adapter). */
export async function softwareGpu(name: BackendName): Promise<string | null> {
  try {
    if (name === "webgpu" && typeof navigator !== "undefined" && "gpu" in navigator) {
      const gpu = (navigator as unknown as {gpu: {requestAdapter(): Promise<{isFallbackAdapter?: boolean; info?: {vendor?: string; architecture?: string; description?: string}} | null>}}).gpu;
      const a = await gpu.requestAdapter();
      if (!a) return "no WebGPU adapter";
      const info = a.info ?? {};
      const text = `${info.vendor ?? ""} ${info.architecture ?? ""} ${info.description ?? ""}`;
      if (a.isFallbackAdapter || /swiftshader|llvmpipe|software/i.test(text)) return `software adapter (${text.trim() || "fallback"})`;
    }
    if (name === "webgl" && typeof document !== "undefined") {
      const gl = document.createElement("canvas").getContext("webgl2") ?? document.createElement("canvas").getContext("webgl");
      if (!gl) return "no WebGL context";
      const ext = gl.getExtension("WEBGL_debug_renderer_info");
      const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
      if (/swiftshader|llvmpipe|software/i.test(renderer)) return `software renderer (${renderer})`;
    }
  } catch {
    return null;
  }
  return null;
}

/** Runs the kernels training needs and reads the result back asynchronously; throws on any failure. */
export async function smokeTest({needsConvGradients = false} = {}): Promise<void> {
  if (needsConvGradients) {
    // d/dx and d/dk of sum(maxPool(conv2d(x, k))): needs Conv2DBackpropInput/Filter and MaxPoolGrad
    const g = tf.tidy(() => {
      const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
      const k = tf.ones([2, 2, 1, 1]) as tf.Tensor4D;
      const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.maxPool(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "valid"), 2, 2, "valid"));
      const [dx, dk] = tf.grads(f)([x, k]);
      return tf.concat([tf.reshape(dx, [-1]), tf.reshape(dk, [-1])]);
    });
    const v = await g.data();
    g.dispose();
    // conv gives [[12,16],[24,28]]; one 2×2 pool picks 28 = 5+6+8+9: dk = [5, 6, 8, 9], dx = 1 on those four pixels
    if (Array.from(v.subarray(9)).join() !== "5,6,8,9" || Array.from(v.subarray(0, 9)).join() !== "0,0,0,0,1,1,0,1,1") throw new Error(`conv/pool gradients wrong (${Array.from(v).join(", ")})`);
  }
  const out = tf.tidy(() => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const k = tf.ones([2, 2, 1, 1]) as tf.Tensor4D;
    const c = tf.maxPool(tf.relu(tf.conv2d(x, k, 1, "valid")), 2, 1, "valid"); // 2×2 sums 12,16,24,28 → max 28
    const m = tf.matMul(tf.reshape(c, [1, 1]), tf.tensor2d([[1, 2]]));
    return tf.concat([tf.reshape(tf.softmax(m), [-1]), tf.reshape(m, [-1])]);
  });
  const v = await out.data();
  out.dispose();
  if (Math.abs(v[2] - 28) > 1e-3 || Math.abs(v[3] - 56) > 1e-3 || Math.abs(v[0] + v[1] - 1) > 1e-3) {
    throw new Error(`smoke test gave wrong numbers (${Array.from(v).join(", ")})`);
  }
}

/**
 * Switches tf to the first backend that works, starting at `preferred` ("auto": the fastest real one).
 * Never throws while some backend works; the attempts say why the others were passed over.
 */
export async function chooseBackend(preferred: BackendName | "auto" = "auto", opts: BackendOptions = {}): Promise<BackendChoice> {
  const start = preferred === "auto" ? 0 : BACKENDS.indexOf(preferred);
  if (start < 0) throw new Error(`unknown backend "${preferred}" (choose one of auto, ${BACKENDS.join(", ")})`);
  const attempts: BackendAttempt[] = [];
  let order: BackendName[] = BACKENDS.slice(start);
  if (preferred === "auto") {
    // Real GPUs first, then wasm, then software-emulated GPUs (still faster than plain JS for convolutions), then cpu.
    const soft: BackendName[] = [];
    for (const name of ["webgpu", "webgl"] as BackendName[]) {
      const why = await softwareGpu(name);
      if (why) {
        soft.push(name);
        attempts.push({name, ok: false, reason: `deferred: ${why}`});
      }
    }
    order = [...BACKENDS.filter((b) => b !== "cpu" && b !== "wasm" && !soft.includes(b)), "wasm", ...SOFTWARE_ORDER.filter((b) => soft.includes(b)), "cpu"];
  }
  for (const name of order) {
    try {
      await useBackend(name, opts);
      attempts.push({name, ok: true});
      return {name, attempts};
    } catch (e) {
      attempts.push({name, ok: false, reason: (e as Error).message ?? String(e)});
    }
  }
  throw new Error(`no tf.js backend works here: ${attempts.map((a) => `${a.name}: ${a.reason}`).join("; ")}`);
}

/** Switches tf to exactly `name` (registered, initialised, smoke-tested) or throws why it cannot (no fallback). */
export async function useBackend(name: BackendName, opts: BackendOptions = {}): Promise<void> {
  if (!BACKENDS.includes(name)) throw new Error(`unknown backend "${name}" (choose one of ${BACKENDS.join(", ")})`);
  await register(name, opts);
  // the wasm backend starts on its first setBackend; later switches back to it find it started and ignore the count
  const threaded = name === "wasm" && typeof document !== "undefined" && !wasmThreadsBlocked();
  const start = () => tf.setBackend(name);
  const ok = threaded ? await withWasmThreads(wasmThreadCount(logicalCores()), start) : await start();
  if (!ok) throw new Error("backend failed to initialise");
  await tf.ready();
  await smokeTest({needsConvGradients: opts.needsConvGradients});
  if (name === "webgpu" && opts.onDeviceLost) {
    const device = (tf.backend() as unknown as {device?: {lost?: Promise<{message?: string}>}}).device;
    device?.lost?.then((info) => opts.onDeviceLost!(info?.message || "WebGPU device lost"));
  }
}

/** The backend to fall back to after `name` failed at run time (null after cpu). */
export function nextBackend(name: BackendName): BackendName | null {
  return BACKENDS[BACKENDS.indexOf(name) + 1] ?? null;
}

/** True for errors that a different backend can fix: missing kernels, lost devices, out of GPU memory. */
export function isBackendFailure(e: unknown): boolean {
  const m = String((e as Error)?.message ?? e);
  return /kernel|not (yet )?(registered|implemented)|device (was )?lost|GPUDevice|webgl|WebGPU|context lost|out of memory|OOM|shader/i.test(m);
}
