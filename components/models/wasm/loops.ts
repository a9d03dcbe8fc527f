/**
 * The memory-bound loops of the wasm backend's training kernels (kernels.ts), over plain Float32Arrays (the wasm
 * heap there): im2col (patches of an NHWC input), col2im (its adjoint: patches summed back into an image) and the
 * max-pooling gradient. The FLOPs of the convolution gradients go to XNNPACK's matMul; only these copies and adds run
 * here. Given `simd` (simd.ts, over the memory `heap` views from byte 0), col2im's adds and the max-pooling gradient of
 * windows that do not overlap (channels a multiple of 4) run as WebAssembly SIMD, else as JS loops with the same
 * results. Any stride and padding (top/left offsets as tf's convInfo computes them), dilation 1. No tf, no DOM.
 */
import type {SimdLoops} from "./simd.js";

/** The sizes of a sliding window over an NHWC input: input [batch, inH, inW, ·], window kh × kw, output [batch, outH, outW, ·]. */
interface WindowGeometry {
  batch: number;
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  kh: number;
  kw: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
}

/** One convolution's sizes: input [batch, inH, inW, inC], filter [kh, kw, inC, outC], output [batch, outH, outW, outC]. */
export interface ConvGeometry extends WindowGeometry {
  inC: number;
  outC: number;
}

/**
 * Patches: cols[m, k] = x[b, i·sh + p − top, j·sw + q − left, c] (0 outside the image), with m = (b·outH + i)·outW + j
 * (the output's order) and k = (p·kw + q)·inC + c (the filter's [kh, kw, inC] order). For one (m, p) the kw·inC
 * entries are one contiguous run of x (copied with copyWithin when long). `x`, `cols` are float offsets into `heap`.
 */
export function im2col(heap: Float32Array, x: number, cols: number, g: ConvGeometry): void {
  const C = g.inC, run = g.kw * C, K = g.kh * run;
  let o = cols;
  for (let b = 0; b < g.batch; b++) {
    for (let i = 0; i < g.outH; i++) {
      for (let j = 0; j < g.outW; j++, o += K) {
        const s0 = j * g.strideW - g.padLeft, q0 = Math.max(0, -s0), q1 = Math.min(g.kw, g.inW - s0); // q in [q0, q1) is inside
        for (let p = 0; p < g.kh; p++) {
          const r = i * g.strideH + p - g.padTop, d = o + p * run;
          if (r < 0 || r >= g.inH || q0 >= q1) {
            heap.fill(0, d, d + run);
            continue;
          }
          if (q0 > 0) heap.fill(0, d, d + q0 * C);
          if (q1 < g.kw) heap.fill(0, d + q1 * C, d + run);
          const src = x + ((b * g.inH + r) * g.inW + s0 + q0) * C, n = (q1 - q0) * C, dst = d + q0 * C;
          if (n >= 16) heap.copyWithin(dst, src, src + n);
          else for (let e = 0; e < n; e++) heap[dst + e] = heap[src + e];
        }
      }
    }
  }
}

/**
 * col2im, im2col's adjoint: dx[b, i·sh + p − top, j·sw + q − left, c] += cols[m, k] (same m, k); entries that fall
 * outside the image are dropped. Overwrites dx (zeroes it first).
 */
export function col2im(heap: Float32Array, cols: number, dx: number, g: ConvGeometry, simd?: SimdLoops | null): void {
  const C = g.inC, run = g.kw * C, K = g.kh * run, rowLen = g.inW * C;
  heap.fill(0, dx, dx + g.batch * g.inH * g.inW * C);
  let m = cols;
  for (let b = 0; b < g.batch; b++) {
    for (let i = 0; i < g.outH; i++) {
      const top = i * g.strideH - g.padTop, p0 = Math.max(0, -top), p1 = Math.min(g.kh, g.inH - top); // rows inside
      for (let j = 0; j < g.outW; j++, m += K) {
        const s0 = j * g.strideW - g.padLeft, q0 = Math.max(0, -s0), q1 = Math.min(g.kw, g.inW - s0);
        if (q0 >= q1) continue;
        const n = (q1 - q0) * C; // for one (m, p), the q in [q0, q1) are one contiguous run of dx and of cols
        if (simd) {
          if (p0 < p1) simd.addRows(4 * (dx + ((b * g.inH + top + p0) * g.inW + s0 + q0) * C), 4 * (m + p0 * run + q0 * C), n, p1 - p0, 4 * rowLen, 4 * run);
          continue;
        }
        for (let p = 0; p < g.kh; p++) {
          const r = i * g.strideH + p - g.padTop;
          if (r < 0 || r >= g.inH) continue;
          const d = dx + ((b * g.inH + r) * g.inW + s0 + q0) * C, k = m + p * run + q0 * C;
          for (let e = 0; e < n; e++) heap[d + e] += heap[k + e];
        }
      }
    }
  }
}

/** One pooling's sizes: input [batch, inH, inW, channels], window kh × kw, output [batch, outH, outW, channels]. */
export interface PoolGeometry extends WindowGeometry {
  channels: number;
}

/**
 * Max-pooling gradient: each dy goes to the first maximum of its window in row-major order (as tf's cpu kernel),
 * windows clipped to the image; overlapping windows add up. `x`, `y` (the pooled maxima), `dy`, `dx` are offsets into
 * `heap`; overwrites dx.
 */
export function maxPoolBackprop(heap: Float32Array, x: number, y: number, dy: number, dx: number, g: PoolGeometry, simd?: SimdLoops | null): void {
  if (g.strideH >= g.kh && g.strideW >= g.kw) disjointWindows(heap, x, y, dy, dx, g, g.channels % 4 === 0 ? simd : null);
  else overlappingWindows(heap, x, dy, dx, g);
}

const rows = (g: PoolGeometry, i: number) => [Math.max(0, i * g.strideH - g.padTop), Math.min(g.inH, i * g.strideH - g.padTop + g.kh)];
const cols = (g: PoolGeometry, j: number) => [Math.max(0, j * g.strideW - g.padLeft), Math.min(g.inW, j * g.strideW - g.padLeft + g.kw)];

/**
 * Windows that do not overlap (stride ≥ pool): every pixel is written once, no scatter. Channels innermost, so every
 * pass reads and writes contiguous runs; `taken[c]` is 1 once channel c's first pixel equal to its maximum got dy.
 */
function disjointWindows(heap: Float32Array, x: number, y: number, dy: number, dx: number, g: PoolGeometry, simd?: SimdLoops | null): void {
  const C = g.channels, rowLen = g.inW * C, plane = g.inH * rowLen, taken = new Float32Array(C);
  const tiled = g.padTop === 0 && g.padLeft === 0 && g.outH * g.strideH === g.inH && g.outW * g.strideW === g.inW && g.kh === g.strideH && g.kw === g.strideW;
  if (!tiled) heap.fill(0, dx, dx + g.batch * plane); // pixels in no window
  let o = 0;
  for (let b = 0; b < g.batch; b++) {
    for (let i = 0; i < g.outH; i++) {
      const [r0, r1] = rows(g, i);
      for (let j = 0; j < g.outW; j++, o += C) {
        const [s0, s1] = cols(g, j);
        if (simd) {
          const first = b * plane + r0 * rowLen + s0 * C;
          if (r0 < r1 && s0 < s1) simd.poolWindow(4 * (x + first), 4 * (y + o), 4 * (dy + o), 4 * (dx + first), r1 - r0, s1 - s0, 4 * rowLen, C);
          continue;
        }
        taken.fill(0);
        const ym = y + o, yd = dy + o;
        for (let r = r0; r < r1; r++) {
          for (let s = s0, p = b * plane + r * rowLen + s0 * C; s < s1; s++, p += C) {
            const xp = x + p, dp = dx + p;
            for (let c = 0; c < C; c++) {
              const h = heap[xp + c] === heap[ym + c] ? 1 - taken[c] : 0;
              heap[dp + c] = h * heap[yd + c] + 0; // + 0: +0 rather than −0 where dy < 0, as tf's cpu kernel
              taken[c] += h;
            }
          }
        }
      }
    }
  }
}

/** Overlapping windows (stride < pool): find each window's first maximum, add dy there. */
function overlappingWindows(heap: Float32Array, x: number, dy: number, dx: number, g: PoolGeometry): void {
  const C = g.channels, rowLen = g.inW * C, plane = g.inH * rowLen;
  heap.fill(0, dx, dx + g.batch * plane);
  let o = dy;
  for (let b = 0; b < g.batch; b++) {
    for (let i = 0; i < g.outH; i++) {
      const [r0, r1] = rows(g, i);
      for (let j = 0; j < g.outW; j++, o += C) {
        const [s0, s1] = cols(g, j);
        if (r0 >= r1 || s0 >= s1) continue;
        const first = b * plane + r0 * rowLen + s0 * C;
        for (let c = 0; c < C; c++) {
          let at = first + c, best = heap[x + at];
          for (let r = r0; r < r1; r++) {
            let p = first + (r - r0) * rowLen + c;
            for (let s = s0; s < s1; s++, p += C) {
              const v = heap[x + p];
              if (v > best) {
                best = v;
                at = p;
              }
            }
          }
          heap[dx + at] += heap[o + c];
        }
      }
    }
  }
}

/**
 * Column sums: out[c] = Σ_r src[r·cols + c] over `rowsN` rows (a sum over all leading axes, e.g. a bias gradient),
 * accumulated in float64. One pass over the data; `src`, `out` are offsets into `heap`.
 */
export function columnSums(heap: Float32Array, src: number, out: number, rowsN: number, colsN: number): void {
  const acc = new Float64Array(colsN), C = colsN;
  let r = 0, p = src;
  for (; r + 4 <= rowsN; r += 4, p += 4 * C) { // four rows per pass: a quarter of the accumulator traffic
    for (let c = 0; c < C; c++) acc[c] += heap[p + c] + heap[p + C + c] + heap[p + 2 * C + c] + heap[p + 3 * C + c];
  }
  for (; r < rowsN; r++, p += C) for (let c = 0; c < C; c++) acc[c] += heap[p + c];
  for (let c = 0; c < C; c++) heap[out + c] = acc[c];
}
