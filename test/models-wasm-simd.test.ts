/**
 * simd.wat's loops (wasm/simd.ts) give exactly what loops.ts's JS loops give — bit for bit — on a WebAssembly.Memory
 * holding data at unaligned offsets, for col2im and the max-pooling gradient (ties included), and the shared-memory
 * binary instantiates over a shared memory (the threaded backend's).
 */
import {describe, expect, test} from "vitest";
import {col2im, im2col, maxPoolBackprop, type ConvGeometry, type PoolGeometry} from "../components/models/wasm/loops.js";
import {im2colTransposed, simdLoops} from "../components/models/wasm/simd.js";
import {mulberry32} from "../components/math/random.js";

const memory = new WebAssembly.Memory({initial: 64}); // 4 MiB
const heap = new Float32Array(memory.buffer);
const simd = simdLoops(memory)!;

test("the loops instantiate over an unshared and a shared memory, once per memory", () => {
  expect(simd).not.toBeNull();
  expect(simdLoops(memory)).toBe(simd);
  const shared = new WebAssembly.Memory({initial: 1, maximum: 16, shared: true});
  expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
  expect(simdLoops(shared)).not.toBeNull();
  expect(simdLoops(undefined)).toBeNull();
});

function fill(from: number, n: number, seed: number, levels = 0) {
  const r = mulberry32(seed);
  // levels > 0: few distinct values, so that windows hold ties and dy goes to the first maximum only
  for (let i = 0; i < n; i++) heap[from + i] = levels ? Math.floor(r() * levels) : r() * 2 - 1;
}

const CONV_CASES: Partial<ConvGeometry>[] = [
    {batch: 2, inH: 7, inW: 6, inC: 8, kh: 3, kw: 3},
    {batch: 1, inH: 9, inW: 9, inC: 3, kh: 3, kw: 2, strideH: 2, strideW: 2}, // runs of 3 and 6 floats: the scalar tail
    {batch: 2, inH: 6, inW: 5, inC: 5, kh: 3, kw: 3, padTop: 1, padLeft: 1}, // rows and columns outside the image
    {batch: 1, inH: 8, inW: 7, inC: 4, kh: 5, kw: 4, strideH: 2, strideW: 3, padTop: 2, padLeft: 1},
    {batch: 3, inH: 6, inW: 6, inC: 1, kh: 3, kw: 3} // one channel: runs of kw floats
];

function convGeometry(c: Partial<ConvGeometry>): ConvGeometry {
  const g0: ConvGeometry = {batch: 1, inH: 3, inW: 3, inC: 1, outH: 0, outW: 0, outC: 1, kh: 2, kw: 2, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, ...c};
  return {...g0, outH: Math.floor((g0.inH + 2 * g0.padTop - g0.kh) / g0.strideH) + 1, outW: Math.floor((g0.inW + 2 * g0.padLeft - g0.kw) / g0.strideW) + 1};
}

describe("im2colT: the transposed patches equal the JS im2col's, transposed", () => {
  CONV_CASES.forEach((c, n) => {
    test(JSON.stringify(c), () => {
      const g = convGeometry(c);
      const M = g.batch * g.outH * g.outW, K = g.kh * g.kw * g.inC, X = g.batch * g.inH * g.inW * g.inC;
      const x = 5, cols = x + X + 3, colsT = cols + M * K + 1;
      fill(x, X, 30 + n);
      heap.fill(7, colsT, colsT + M * K); // stale memory: padding must be written as 0
      im2col(heap, x, cols, g);
      im2colTransposed(simd, x, colsT, g);
      const want: number[] = [];
      for (let k = 0; k < K; k++) for (let m = 0; m < M; m++) want.push(heap[cols + m * K + k]);
      expect(Array.from(heap.subarray(colsT, colsT + M * K))).toEqual(want);
    });
  });
});

describe("col2im: SIMD adds equal the JS loop", () => {
  CONV_CASES.forEach((c, n) => {
    test(JSON.stringify(c), () => {
      const g = convGeometry(c);
      const P = g.batch * g.outH * g.outW * g.kh * g.kw * g.inC, X = g.batch * g.inH * g.inW * g.inC;
      const cols = 3, a = cols + P + 5, b = a + X + 7; // odd offsets: unaligned vectors
      fill(cols, P, n + 1);
      col2im(heap, cols, a, g);
      col2im(heap, cols, b, g, simd);
      expect(Array.from(heap.subarray(b, b + X))).toEqual(Array.from(heap.subarray(a, a + X)));
      expect(heap.subarray(a, a + X).some((v) => v !== 0)).toBe(true);
    });
  });
});

describe("maxPoolBackprop: SIMD windows equal the JS loop", () => {
  const cases: Partial<PoolGeometry>[] = [
    {batch: 2, inH: 6, inW: 6, channels: 8, outH: 3, outW: 3, kh: 2, kw: 2, strideH: 2, strideW: 2}, // tiled
    {batch: 1, inH: 7, inW: 5, channels: 4, outH: 3, outW: 2, kh: 2, kw: 2, strideH: 2, strideW: 2}, // a last row and column in no window
    {batch: 2, inH: 9, inW: 9, channels: 12, outH: 3, outW: 3, kh: 3, kw: 3, strideH: 3, strideW: 3},
    {batch: 1, inH: 5, inW: 5, channels: 4, outH: 3, outW: 3, kh: 2, kw: 2, strideH: 2, strideW: 2, padTop: 1, padLeft: 1} // clipped windows
  ];
  cases.forEach((c, n) => {
    for (const levels of [0, 3]) {
      test(`${JSON.stringify(c)}${levels ? ", with ties" : ""}`, () => {
        const g: PoolGeometry = {batch: 1, inH: 2, inW: 2, channels: 4, outH: 1, outW: 1, kh: 2, kw: 2, strideH: 2, strideW: 2, padTop: 0, padLeft: 0, ...c};
        const X = g.batch * g.inH * g.inW * g.channels, Y = g.batch * g.outH * g.outW * g.channels;
        const x = 1, y = x + X + 2, dy = y + Y + 3, a = dy + Y + 1, b = a + X + 5;
        fill(x, X, 10 + n, levels);
        fill(dy, Y, 20 + n);
        // y: each window's maximum, as MaxPool computes it
        for (let bb = 0, o = 0; bb < g.batch; bb++) for (let i = 0; i < g.outH; i++) for (let j = 0; j < g.outW; j++) for (let ch = 0; ch < g.channels; ch++, o++) {
          let m = -Infinity;
          for (let r = Math.max(0, i * g.strideH - g.padTop); r < Math.min(g.inH, i * g.strideH - g.padTop + g.kh); r++) {
            for (let s = Math.max(0, j * g.strideW - g.padLeft); s < Math.min(g.inW, j * g.strideW - g.padLeft + g.kw); s++) m = Math.max(m, heap[x + ((bb * g.inH + r) * g.inW + s) * g.channels + ch]);
          }
          heap[y + o] = m;
        }
        heap.fill(9, a, b + X); // stale memory must be overwritten
        maxPoolBackprop(heap, x, y, dy, a, g);
        maxPoolBackprop(heap, x, y, dy, b, g, simd);
        const js = Array.from(heap.subarray(a, a + X)), wasm = Array.from(heap.subarray(b, b + X));
        expect(wasm).toEqual(js);
        // every window sends its dy to exactly one pixel: the sums agree
        expect(Math.abs(js.reduce((p, q) => p + q, 0) - Array.from(heap.subarray(dy, dy + Y)).reduce((p, q) => p + q, 0))).toBeLessThan(1e-4);
      });
    }
  });
});

test("the wasm backend's own memory gets the loops (kernels.ts runs them, not the JS fallback)", async () => {
  const tf = await import("@tensorflow/tfjs");
  const {useBackend} = await import("../components/models/backend.js");
  await useBackend("wasm");
  const wasm = (tf.backend() as unknown as {wasm: {HEAPF32: Float32Array; wasmMemory?: WebAssembly.Memory; asm?: {memory?: WebAssembly.Memory}}}).wasm;
  const mem = wasm.wasmMemory ?? wasm.asm?.memory;
  expect(mem?.buffer).toBe(wasm.HEAPF32.buffer);
  expect(simdLoops(mem)).not.toBeNull();
  await tf.setBackend("cpu");
});
