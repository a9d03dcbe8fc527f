import {describe, expect, test} from "vitest";
import {col2im, columnSums, im2col, maxPoolBackprop, type ConvGeometry} from "../components/models/wasm/loops.js";
import {mulberry32} from "../components/math/random.js";

// The loops on a plain Float32Array "heap" with data at offsets, as kernels.ts calls them on the wasm heap.

const geometry = (over: Partial<ConvGeometry>): ConvGeometry => ({batch: 1, inH: 3, inW: 3, inC: 1, outH: 2, outW: 2, outC: 1, kh: 2, kw: 2,
  strideH: 1, strideW: 1, padTop: 0, padLeft: 0, ...over});

describe("im2col / col2im", () => {
  test("by hand: the 2×2 patches of a 3×3 image 1..9", () => {
    const heap = new Float32Array(100);
    heap.set([1, 2, 3, 4, 5, 6, 7, 8, 9], 5);
    im2col(heap, 5, 40, geometry({}));
    expect(Array.from(heap.subarray(40, 56))).toEqual([1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9]);
  });

  test("by hand: 'same' padding (top/left 1) puts zeros outside the image", () => {
    const heap = new Float32Array(100).fill(-7); // stale memory must be overwritten
    heap.set([1, 2, 3, 4], 0);
    // 2×2 input, 3×3 kernel, pad 1: the first output pixel's patch is rows −1..1, columns −1..1
    im2col(heap, 0, 10, geometry({inH: 2, inW: 2, outH: 2, outW: 2, kh: 3, kw: 3, padTop: 1, padLeft: 1}));
    expect(Array.from(heap.subarray(10, 19))).toEqual([0, 0, 0, 0, 1, 2, 0, 3, 4]);
  });

  // <im2col(x), c> = <x, col2im(c)> for every x, c: col2im is the adjoint, so dX and dW come from one patch layout
  const shapes: Partial<ConvGeometry>[] = [
    {batch: 2, inH: 5, inW: 6, inC: 3, kh: 3, kw: 2},
    {batch: 1, inH: 7, inW: 7, inC: 2, kh: 3, kw: 3, strideH: 2, strideW: 2},
    {batch: 2, inH: 6, inW: 5, inC: 4, kh: 3, kw: 3, padTop: 1, padLeft: 1},
    {batch: 1, inH: 8, inW: 9, inC: 1, kh: 5, kw: 4, strideH: 2, strideW: 3, padTop: 2, padLeft: 1}
  ];
  shapes.forEach((s, n) => {
    test(`adjoint: ${JSON.stringify(s)}`, () => {
      const g0 = geometry(s);
      const outH = Math.floor((g0.inH + 2 * g0.padTop - g0.kh) / g0.strideH) + 1, outW = Math.floor((g0.inW + 2 * g0.padLeft - g0.kw) / g0.strideW) + 1;
      const g = {...g0, outH, outW};
      const X = g.batch * g.inH * g.inW * g.inC, P = g.batch * outH * outW * g.kh * g.kw * g.inC;
      const heap = new Float32Array(2 * X + 2 * P), r = mulberry32(n + 1);
      for (let i = 0; i < X; i++) heap[i] = r() - 0.5;
      for (let i = 0; i < P; i++) heap[X + i] = r() - 0.5;
      im2col(heap, 0, X + P, g);
      col2im(heap, X, X + 2 * P, g);
      let lhs = 0, rhs = 0;
      for (let i = 0; i < P; i++) lhs += heap[X + P + i] * heap[X + i];
      for (let i = 0; i < X; i++) rhs += heap[i] * heap[X + 2 * P + i];
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4);
      expect(Math.abs(lhs)).toBeGreaterThan(1e-3);
    });
  });
});

describe("maxPoolBackprop and columnSums", () => {
  test("by hand: 2×2 windows of a 4×4 image send dy to each window's first maximum", () => {
    const heap = new Float32Array(64).fill(9);
    heap.set([1, 4, 0, 0, 3, 4, 0, -1, 5, 1, 2, 2, 1, 1, 2, 7], 0); // x
    heap.set([4, 0, 5, 7], 16); // y = the window maxima
    heap.set([10, 20, 30, 40], 20); // dy
    maxPoolBackprop(heap, 0, 16, 20, 30, {batch: 1, inH: 4, inW: 4, channels: 1, outH: 2, outW: 2, kh: 2, kw: 2, strideH: 2, strideW: 2, padTop: 0, padLeft: 0});
    expect(Array.from(heap.subarray(30, 46))).toEqual([0, 10, 20, 0, 0, 0, 0, 0, 30, 0, 0, 0, 0, 0, 0, 40]);
  });

  test("by hand: overlapping 2×2 windows, stride 1, add up where they share a maximum", () => {
    const heap = new Float32Array(40);
    heap.set([1, 2, 3, 4, 9, 5, 6, 7, 8], 0); // 3×3, the 9 is in all four windows' reach except the right column
    heap.set([1, 1, 1, 1], 10);
    maxPoolBackprop(heap, 0, 30, 10, 20, {batch: 1, inH: 3, inW: 3, channels: 1, outH: 2, outW: 2, kh: 2, kw: 2, strideH: 1, strideW: 1, padTop: 0, padLeft: 0});
    // windows: {1,2,4,9} → 9, {2,3,9,5} → 9, {4,9,6,7} → 9, {9,5,7,8} → 9
    expect(Array.from(heap.subarray(20, 29))).toEqual([0, 0, 0, 0, 4, 0, 0, 0, 0]);
  });

  test("by hand: column sums of 5 rows × 3 (the 4-row pass and the remainder)", () => {
    const heap = new Float32Array(20);
    heap.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], 2);
    columnSums(heap, 2, 17, 5, 3);
    expect(Array.from(heap.subarray(17, 20))).toEqual([35, 40, 45]);
  });
});
