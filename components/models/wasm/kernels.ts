/**
 * Training kernels for tfjs-backend-wasm, which lacks Conv2DBackpropFilter and whose Conv2DBackpropInput and
 * MaxPoolGrad are plain loops (about 15× and 20× slower than a forward conv on 002's CNN; bench/train.bench.ts).
 * Registered for backendName "wasm" over the wasm heap:
 * - Conv2DBackpropFilter: dW = im2col(x)ᵀ · dy, one XNNPACK matMul (operands ordered so the smaller is repacked);
 * - Conv2DBackpropInput:  dx = col2im(dy · Wᵀ), one XNNPACK matMul;
 * - MaxPoolGrad: one pass that sends each dy to its window's first maximum;
 * - Identity: shares the data instead of copying it (the engine clones every tensor it saves for backprop);
 * - Sum over leading axes (bias gradients): one pass of column sums instead of a transpose and a reduction.
 * The copies and adds are in loops.ts (WebAssembly SIMD over the backend's memory where it can, simd.ts, else JS on the
 * heap's Float32Array), the FLOPs in the backend's own BatchMatMul.
 * With these, tf's own Conv2D / MaxPool gradients (and tf.layers.conv2d) train on wasm. NHWC, dilation 1. No DOM.
 */
import * as tf from "@tensorflow/tfjs";
import {col2im, columnSums, im2col, maxPoolBackprop, type ConvGeometry} from "./loops.js";
import {im2colTransposed, simdLoops} from "./simd.js";

type Info = tf.TensorInfo;

/** The parts of tfjs-backend-wasm's BackendWasm these kernels use. */
interface WasmBackend {
  /** wasmMemory: the threaded build's memory; asm.memory: the others' (emscripten's exports). */
  wasm: {HEAPF32: Float32Array; wasmMemory?: WebAssembly.Memory; asm?: {memory?: WebAssembly.Memory}};
  dataIdMap: {get(dataId: object): {memoryOffset: number} | undefined};
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  disposeData(dataId: object): boolean;
}

type Pad = "valid" | "same" | number | tf.backend_util.ExplicitPadding;
type Rounding = "floor" | "round" | "ceil" | undefined;

/** Float offset of a tensor's data in the heap (read after every allocation: the heap may grow and move). */
const at = (b: WasmBackend, t: Info) => b.dataIdMap.get(t.dataId)!.memoryOffset >> 2;

function run(b: WasmBackend, name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): Info {
  const k = tf.getKernel(name, "wasm");
  if (!k) throw new Error(`wasm kernel ${name} is missing`);
  return k.kernelFunc({inputs, backend: b as unknown as tf.KernelBackend, attrs}) as Info;
}

/** simd.ts's loops over the backend's memory, or null (then loops.ts runs JS). */
const simd = (b: WasmBackend) => simdLoops(b.wasm.wasmMemory ?? b.wasm.asm?.memory);

const view = (t: Info, shape: number[]): Info => ({dataId: t.dataId, shape, dtype: t.dtype});
const matMul = (b: WasmBackend, a: Info, c: Info) => run(b, "BatchMatMul", {a, b: c}, {transposeA: false, transposeB: false});

function geometry(xShape: number[], filterShape: number[], strides: number | [number, number], pad: Pad, rounding: Rounding, dataFormat: string): ConvGeometry {
  if (dataFormat !== "NHWC" && dataFormat !== "channelsLast") throw new Error(`wasm conv gradients: only NHWC, not ${dataFormat}`);
  const info = tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], filterShape as [number, number, number, number], strides, 1, pad, rounding);
  return {batch: info.batchSize, inH: info.inHeight, inW: info.inWidth, inC: info.inChannels, outH: info.outHeight, outW: info.outWidth,
    outC: info.outChannels, kh: info.filterHeight, kw: info.filterWidth, strideH: info.strideHeight, strideW: info.strideWidth,
    padTop: info.padInfo.top, padLeft: info.padInfo.left};
}

/**
 * dW[kh, kw, inC, outC] from im2col(x)[M, K] (contiguous runs) and dy[M, outC] with one matMul. XNNPACK repacks the
 * matMul's second operand at every call (it costs more than a transpose of the same size), so the smaller of the two
 * goes second: colsᵀ · dy when dy is smaller (K ≥ outC; with simd.ts, colsᵀ is written directly), else (dyᵀ · cols)ᵀ
 * (e.g. a first layer, K = 9 < 32 filters).
 * Transposes are the backend's kernel; a matMul with transposeA/B set takes a slow path on wasm (about 15×).
 */
export function conv2DBackpropFilter({inputs, backend, attrs}: {inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap}): Info {
  const b = backend as WasmBackend;
  const {x, dy} = inputs as {x: Info; dy: Info};
  const {strides, pad, dataFormat = "NHWC", dimRoundingMode, filterShape} = attrs as unknown as {strides: [number, number]; pad: Pad; dataFormat?: string; dimRoundingMode?: Rounding; filterShape: number[]};
  const g = geometry(x.shape, filterShape, strides, pad, dimRoundingMode, dataFormat);
  const M = g.batch * g.outH * g.outW, K = g.kh * g.kw * g.inC;
  const transpose = (t: Info) => run(b, "Transpose", {x: t}, {perm: [1, 0]});
  const dy2 = view(dy, [M, g.outC]), loops = simd(b);
  if (K >= g.outC && loops) { // the patches written transposed: no Transpose of them
    const colsT = b.makeOutput([K, M], "float32");
    im2colTransposed(loops, at(b, x), at(b, colsT), g);
    const dw = matMul(b, colsT, dy2);
    b.disposeData(colsT.dataId);
    return view(dw, filterShape);
  }
  const cols = b.makeOutput([M, K], "float32");
  im2col(b.wasm.HEAPF32, at(b, x), at(b, cols), g);
  let dw: Info;
  if (K >= g.outC) {
    const colsT = transpose(cols);
    dw = matMul(b, colsT, dy2);
    b.disposeData(colsT.dataId);
  } else {
    const dyT = transpose(dy2), dwT = matMul(b, dyT, cols);
    dw = transpose(dwT);
    b.disposeData(dyT.dataId);
    b.disposeData(dwT.dataId);
  }
  b.disposeData(cols.dataId);
  return view(dw, filterShape);
}

/** dx = col2im(dy[M, outC] · Wᵀ[outC, K]). */
export function conv2DBackpropInput({inputs, backend, attrs}: {inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap}): Info {
  const b = backend as WasmBackend;
  const {dy, filter} = inputs as {dy: Info; filter: Info};
  const {strides, pad, dataFormat = "NHWC", dimRoundingMode, inputShape} = attrs as unknown as {strides: [number, number]; pad: Pad; dataFormat?: string; dimRoundingMode?: Rounding; inputShape: number[]};
  const g = geometry(inputShape, filter.shape, strides, pad, dimRoundingMode, dataFormat);
  const M = g.batch * g.outH * g.outW, K = g.kh * g.kw * g.inC;
  const wT = run(b, "Transpose", {x: view(filter, [K, g.outC])}, {perm: [1, 0]});
  const cols = matMul(b, view(dy, [M, g.outC]), wT);
  b.disposeData(wT.dataId);
  const dx = b.makeOutput(inputShape, "float32");
  col2im(b.wasm.HEAPF32, at(b, cols), at(b, dx), g, simd(b));
  b.disposeData(cols.dataId);
  return dx;
}

/** dx of max pooling: dy to each window's first maximum (tf's cpu kernel's rule). */
export function maxPoolGrad({inputs, backend, attrs}: {inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap}): Info {
  const b = backend as WasmBackend;
  const {dy, input, output} = inputs as {dy: Info; input: Info; output: Info};
  const {filterSize, strides, pad, dimRoundingMode} = attrs as unknown as {filterSize: [number, number] | number; strides: [number, number] | number; pad: Pad; dimRoundingMode?: Rounding};
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const dx = b.makeOutput(input.shape, "float32");
  maxPoolBackprop(b.wasm.HEAPF32, at(b, input), at(b, output), at(b, dy), at(b, dx), {batch: info.batchSize, inH: info.inHeight, inW: info.inWidth,
    channels: info.inChannels, outH: info.outHeight, outW: info.outWidth, kh: info.filterHeight, kw: info.filterWidth,
    strideH: info.strideHeight, strideW: info.strideWidth, padTop: info.padInfo.top, padLeft: info.padInfo.left}, simd(b));
  return dx;
}

/**
 * Identity without a copy (the cpu backend's): the engine clones every tensor it saves for backprop, and the wasm
 * backend's Identity copies the data each time (a conv layer's input and output per step). tf never writes a tensor's
 * memory in place, so sharing it is safe; the data is freed when its last tensor is.
 */
export function identity({inputs, backend}: {inputs: tf.NamedTensorInfoMap; backend: unknown}): Info {
  const {x} = inputs as {x: Info};
  (backend as WasmBackend & {incRef(dataId: object): void}).incRef(x.dataId);
  return {dataId: x.dataId, shape: x.shape, dtype: x.dtype};
}

let wasmSum: tf.KernelFunc | null = null;

/**
 * Sum over the leading axes of a float32 tensor (every bias gradient: dy [B, H, W, C] → [C]) as one pass of column
 * sums; the wasm backend's Sum transposes the reduced axes to the end first. Any other sum goes to that kernel.
 */
export function sum(args: {inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap}): Info {
  const b = args.backend as WasmBackend;
  const {x} = args.inputs as {x: Info};
  const {axis, keepDims} = args.attrs as unknown as {axis: number | number[]; keepDims: boolean};
  const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
  const leading = x.dtype === "float32" && axes.length > 0 && axes.length < x.shape.length && axes.every((a, i) => a === i);
  if (!leading) return wasmSum!(args as Parameters<tf.KernelFunc>[0]) as Info;
  const rest = x.shape.slice(axes.length), n = tf.util.sizeFromShape(rest);
  const out = b.makeOutput(keepDims ? [...axes.map(() => 1), ...rest] : rest, "float32");
  columnSums(b.wasm.HEAPF32, at(b, x), at(b, out), tf.util.sizeFromShape(x.shape) / n, n);
  return out;
}

const KERNELS: [string, tf.KernelFunc][] = [
  ["Conv2DBackpropFilter", conv2DBackpropFilter as unknown as tf.KernelFunc],
  ["Conv2DBackpropInput", conv2DBackpropInput as unknown as tf.KernelFunc],
  ["MaxPoolGrad", maxPoolGrad as unknown as tf.KernelFunc],
  ["Identity", identity as unknown as tf.KernelFunc],
  ["Sum", sum as unknown as tf.KernelFunc]
];

let done = false;

/** Registers (or replaces) these kernels for backendName "wasm"; idempotent. */
export function registerWasmTrainingKernels(): void {
  if (done) return;
  wasmSum = tf.getKernel("Sum", "wasm")?.kernelFunc ?? null;
  if (!wasmSum) throw new Error("tfjs-backend-wasm is not loaded (no Sum kernel)");
  for (const [kernelName, kernelFunc] of KERNELS) {
    // the replaced kernel's setupFunc still runs when the backend starts (Sum's binds the wasm function we fall back to)
    const replaced = tf.getKernel(kernelName, "wasm");
    if (replaced) tf.unregisterKernel(kernelName, "wasm");
    tf.registerKernel({kernelName, backendName: "wasm", kernelFunc, setupFunc: replaced?.setupFunc});
  }
  done = true;
}
