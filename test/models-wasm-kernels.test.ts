import * as tf from "@tensorflow/tfjs";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {useBackend} from "../components/models/backend.js";
import {mulberry32} from "../components/math/random.js";

// tf's own gradients of conv2d / maxPool on the wasm backend run wasm/kernels.ts (Conv2DBackpropFilter, Conv2DBackpropInput,
// MaxPoolGrad over the wasm heap); the reference is tf's cpu backend on the same numbers.

const randData = (n: number, seed: number) => {
  const r = mulberry32(seed);
  return Float32Array.from({length: n}, () => r() * 2 - 1);
};
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Runs f on a backend; no tensor and no backend buffer (the kernels' scratch: patches, transposes) is left behind. */
async function on(backend: "cpu" | "wasm", f: () => tf.Tensor[]): Promise<Float32Array[]> {
  await useBackend(backend);
  const buffers = () => (tf.backend() as unknown as {numDataIds(): number}).numDataIds();
  const before = [tf.memory().numTensors, buffers()];
  const out = f();
  const data = await Promise.all(out.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(out);
  expect([tf.memory().numTensors, buffers()]).toEqual(before);
  return data;
}

function worstDiff(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((x, k) => {
    expect(x.length).toBe(b[k].length);
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - b[k][i]));
  });
  return worst;
}

interface ConvCase {
  x: [number, number, number, number];
  k: [number, number];
  co: number;
  stride: number;
  pad: "valid" | "same";
}

const CONV_CASES: ConvCase[] = [
  {x: [1, 5, 5, 1], k: [3, 3], co: 1, stride: 1, pad: "valid"},
  {x: [2, 7, 6, 3], k: [3, 2], co: 4, stride: 1, pad: "valid"},
  {x: [3, 6, 7, 8], k: [3, 3], co: 5, stride: 1, pad: "same"},
  {x: [4, 9, 8, 2], k: [5, 5], co: 8, stride: 1, pad: "same"},
  {x: [2, 8, 8, 4], k: [2, 2], co: 3, stride: 1, pad: "same"}, // even kernel: 'same' pads 0 on top, 1 at the bottom
  {x: [1, 4, 4, 6], k: [1, 1], co: 7, stride: 1, pad: "valid"},
  {x: [2, 9, 7, 3], k: [3, 3], co: 4, stride: 2, pad: "valid"},
  {x: [3, 8, 9, 2], k: [3, 3], co: 6, stride: 2, pad: "same"},
  // fewer patch entries than filters (K = kh·kw·inC < co, a first layer): dW as (dyᵀ · cols)ᵀ
  {x: [2, 10, 9, 1], k: [3, 3], co: 16, stride: 1, pad: "same"},
  {x: [3, 9, 9, 1], k: [3, 3], co: 12, stride: 2, pad: "valid"}
];

function convGrads(c: ConvCase, seed: number): () => tf.Tensor[] {
  const wShape = [...c.k, c.x[3], c.co];
  const x0 = randData(size(c.x), seed), w0 = randData(size(wShape), seed + 1);
  return () => {
    const x = tf.tensor4d(x0, c.x), w = tf.tensor4d(w0, wShape as [number, number, number, number]);
    const y = tf.conv2d(x, w, c.stride, c.pad);
    const g = tf.tensor(randData(size(y.shape), seed + 2), y.shape);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), g)))([x, w]);
    tf.dispose([x, w, g]);
    return [y, dx, dw];
  };
}

beforeAll(async () => {
  await useBackend("wasm");
});
afterAll(async () => {
  await tf.setBackend("cpu");
});

describe("wasm conv2d gradients (Conv2DBackpropFilter / Conv2DBackpropInput) equal the cpu backend's", () => {
  CONV_CASES.forEach((c, i) => {
    test(`x ${c.x.join("×")}, kernel ${c.k.join("×")} → ${c.co}, stride ${c.stride}, ${c.pad}`, async () => {
      const ref = await on("cpu", convGrads(c, 10 * i + 1));
      const ours = await on("wasm", convGrads(c, 10 * i + 1));
      expect(worstDiff(ours, ref)).toBeLessThan(1e-4);
      expect(Math.max(...ours[2].map(Math.abs))).toBeGreaterThan(0.1); // dW is not all zeros
    });
  });

  test("by hand: 3×3 input 1..9, 2×2 kernel of ones, dy = 1 → dx counts the windows over each pixel, dw sums the windows", async () => {
    const [dx, dw] = await on("wasm", () => {
      const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]), w = tf.ones([2, 2, 1, 1]) as tf.Tensor4D;
      const out = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "valid")))([x, w]);
      tf.dispose([x, w]);
      return out;
    });
    expect(Array.from(dx)).toEqual([1, 2, 1, 2, 4, 2, 1, 2, 1]);
    expect(Array.from(dw)).toEqual([12, 16, 24, 28]); // 1+2+4+5, 2+3+5+6, 4+5+7+8, 5+6+8+9
  });
});

interface PoolCase {
  x: [number, number, number, number];
  pool: number;
  stride: number;
  pad: "valid" | "same";
}

const POOL_CASES: PoolCase[] = [
  {x: [1, 4, 4, 1], pool: 2, stride: 2, pad: "valid"},
  {x: [2, 13, 11, 3], pool: 2, stride: 2, pad: "valid"}, // odd sizes: last row / column dropped
  {x: [3, 7, 7, 8], pool: 3, stride: 1, pad: "valid"}, // overlapping windows add up
  {x: [4, 9, 6, 2], pool: 3, stride: 2, pad: "same"},
  {x: [2, 5, 5, 5], pool: 2, stride: 2, pad: "same"}
];

describe("wasm MaxPoolGrad equals the cpu backend's", () => {
  POOL_CASES.forEach((c, i) => {
    test(`x ${c.x.join("×")}, pool ${c.pool}, stride ${c.stride}, ${c.pad}`, async () => {
      const x0 = randData(size(c.x), 100 + i);
      const run = () => {
        const x = tf.tensor4d(x0, c.x);
        const y = tf.maxPool(x, c.pool, c.stride, c.pad);
        const g = tf.tensor(randData(size(y.shape), 200 + i), y.shape);
        const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, c.pool, c.stride, c.pad), g)))(x);
        tf.dispose([x, g]);
        return [y, dx];
      };
      const ref = await on("cpu", run);
      const ours = await on("wasm", run);
      expect(worstDiff(ours, ref)).toBeLessThan(1e-6);
    });
  });

  test("by hand: 2×2 pool of [[1, 5], [3, 2]] sends dy to the 5 only", async () => {
    const [dx] = await on("wasm", () => {
      const x = tf.tensor4d([1, 5, 3, 2], [1, 2, 2, 1]);
      const out = [tf.grad((a: tf.Tensor) => tf.mul(tf.sum(tf.maxPool(a as tf.Tensor4D, 2, 2, "valid")), 7))(x)];
      x.dispose();
      return out;
    });
    expect(Array.from(dx)).toEqual([0, 7, 0, 0]);
  });

  test("ties (a window of zeros after ReLU) send dy to the first pixel only, as on cpu", async () => {
    const run = () => {
      const x = tf.tensor4d([0, 0, 3, 3, 0, 0, 1, 3, -1, 2, 2, 2, 2, 2, 2, 2], [1, 4, 4, 1]);
      const out = [tf.grad((a: tf.Tensor) => tf.sum(tf.maxPool(a as tf.Tensor4D, 2, 2, "valid")))(x)];
      x.dispose();
      return out;
    };
    const [ref] = await on("cpu", run);
    const [dx] = await on("wasm", run);
    expect(Array.from(dx)).toEqual([1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
    expect(Array.from(dx)).toEqual(Array.from(ref));
  });
});

describe("wasm Sum over leading axes (bias gradients: column sums) equals the cpu backend's", () => {
  const cases: [number[], number[], boolean][] = [
    [[4, 5, 6, 7], [0, 1, 2], false], [[4, 5, 6, 7], [0, 1, 2], true], [[9, 3], [0], false], [[7, 3, 2], [1, 0], false],
    [[4, 5, 6], [1], false], [[4, 5, 6], [2], true], [[3, 4], [0, 1], false] // not leading, or all axes: the backend's own kernel
  ];
  cases.forEach(([shape, axes, keepDims], i) => {
    test(`shape ${shape.join("×")}, axes ${axes.join(",")}${keepDims ? ", keepDims" : ""}`, async () => {
      const x0 = randData(size(shape), 300 + i);
      const run = () => [tf.tidy(() => tf.sum(tf.tensor(x0, shape), axes, keepDims))];
      const [ref] = await on("cpu", run);
      const [ours] = await on("wasm", run);
      expect(ours.length).toBe(ref.length);
      for (let k = 0; k < ref.length; k++) expect(Math.abs(ours[k] - ref[k])).toBeLessThan(1e-5);
      const shapes: number[][] = [];
      for (const b of ["cpu", "wasm"] as const) {
        await useBackend(b);
        const [t] = run();
        shapes.push(t.shape);
        t.dispose();
      }
      expect(shapes[1]).toEqual(shapes[0]);
    });
  });

  test("by hand: rows [1, 2], [3, 4], [5, 6] → [9, 12]", async () => {
    const [s] = await on("wasm", () => [tf.tidy(() => tf.sum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]), 0))]);
    expect(Array.from(s)).toEqual([9, 12]);
  });
});
