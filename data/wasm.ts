/** Helper for the wasm data loaders: the bytes of one of @tensorflow/tfjs-backend-wasm's .wasm files. */
import {readFileSync} from "node:fs";
import {createRequire} from "node:module";
import {dirname, join} from "node:path";

export function wasmBinary(name: string): Uint8Array {
  const pkg = dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm/package.json"));
  return readFileSync(join(pkg, "dist", name));
}
