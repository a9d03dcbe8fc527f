/**
 * simd.wat's loops (WebAssembly SIMD), instantiated over a given WebAssembly.Memory — tfjs-backend-wasm's own heap,
 * so they read and write tensors in place. One instance per memory; null where WebAssembly SIMD (or the memory) is
 * missing, and loops.ts then runs its JS loops. The binaries are embedded (simd-module.ts): no request. No DOM, no tf.
 */
import type {ConvGeometry} from "./loops.js";
import {SIMD_SHARED, SIMD_UNSHARED} from "./simd-module.js";

/** Byte pointers and strides into the memory; counts in floats (see simd.wat). */
export interface SimdLoops {
  poolWindow(x: number, y: number, dy: number, dx: number, rows: number, cols: number, rowStride: number, channels: number): void;
  addRows(d: number, k: number, n: number, rows: number, dStride: number, kStride: number): void;
  im2colT(x: number, colsT: number, batch: number, inH: number, inW: number, inC: number, outH: number, outW: number,
    kh: number, kw: number, strideH: number, strideW: number, padTop: number, padLeft: number): void;
}

/** im2col's patches transposed, colsT[K, M] (loops.ts's im2col: cols[M, K]); x, colsT are float offsets. */
export function im2colTransposed(simd: SimdLoops, x: number, colsT: number, g: ConvGeometry): void {
  simd.im2colT(4 * x, 4 * colsT, g.batch, g.inH, g.inW, g.inC, g.outH, g.outW, g.kh, g.kw, g.strideH, g.strideW, g.padTop, g.padLeft);
}

const instances = new WeakMap<WebAssembly.Memory, SimdLoops | null>();

const bytes = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

/** The loops over `memory` (cached), or null when they cannot run here. */
export function simdLoops(memory: WebAssembly.Memory | undefined): SimdLoops | null {
  if (!memory || typeof WebAssembly === "undefined") return null;
  if (instances.has(memory)) return instances.get(memory)!;
  let loops: SimdLoops | null = null;
  try {
    const shared = typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer;
    const module = new WebAssembly.Module(bytes(shared ? SIMD_SHARED : SIMD_UNSHARED)); // 0.4 kB: compiles synchronously anywhere
    loops = new WebAssembly.Instance(module, {env: {memory}}).exports as unknown as SimdLoops;
  } catch {
    loops = null; // no SIMD in this engine
  }
  instances.set(memory, loops);
  return loops;
}
