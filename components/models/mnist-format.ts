/**
 * gradbook's compact MNIST file ("GBMN"), written by the data loaders at build time and read in the page:
 *   bytes 0–3 "GBMN", then little-endian uint32 count, rows, cols; count label bytes; count·rows·cols pixel bytes.
 * Pure (no tf, no DOM).
 */

export interface ImageSet {
  count: number;
  rows: number;
  cols: number;
  labels: Uint8Array;
  /** count·rows·cols grey values 0–255, row-major, image after image. */
  pixels: Uint8Array;
}

const MAGIC = [0x47, 0x42, 0x4d, 0x4e]; // "GBMN"

export function encodeImageSet(s: ImageSet): Uint8Array {
  const n = s.count * s.rows * s.cols;
  if (s.labels.length < s.count || s.pixels.length < n) throw new Error(`encodeImageSet: ${s.count} images need ${s.count} labels and ${n} pixels`);
  const out = new Uint8Array(16 + s.count + n);
  out.set(MAGIC, 0);
  const v = new DataView(out.buffer);
  v.setUint32(4, s.count, true);
  v.setUint32(8, s.rows, true);
  v.setUint32(12, s.cols, true);
  out.set(s.labels.subarray(0, s.count), 16);
  out.set(s.pixels.subarray(0, n), 16 + s.count);
  return out;
}

export function decodeImageSet(buf: ArrayBuffer | Uint8Array, what = "image file"): ImageSet {
  const b = buf instanceof Uint8Array ? buf : new Uint8Array(buf);
  if (b.length < 16 || MAGIC.some((m, i) => b[i] !== m)) throw new Error(`${what}: not a gradbook MNIST file (bad magic)`);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const count = v.getUint32(4, true), rows = v.getUint32(8, true), cols = v.getUint32(12, true);
  const need = 16 + count + count * rows * cols;
  if (b.length !== need) throw new Error(`${what}: ${b.length} bytes, expected ${need} for ${count} images of ${rows}×${cols}`);
  return {count, rows, cols, labels: b.subarray(16, 16 + count), pixels: b.subarray(16 + count, need)};
}

/** Reads an IDX file (the format MNIST ships in): big-endian magic 0x0000 08 nd, nd uint32 dims, then uint8 data. */
export function readIdx(buf: Uint8Array, what = "IDX file"): {dims: number[]; data: Uint8Array} {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length < 4 || v.getUint16(0) !== 0 || buf[2] !== 0x08) throw new Error(`${what}: not an unsigned-byte IDX file`);
  const nd = buf[3];
  const dims = Array.from({length: nd}, (_, i) => v.getUint32(4 + 4 * i));
  const start = 4 + 4 * nd;
  const size = dims.reduce((a, b) => a * b, 1);
  if (buf.length < start + size) throw new Error(`${what}: truncated (${buf.length} bytes, need ${start + size})`);
  return {dims, data: buf.subarray(start, start + size)};
}
