/**
 * Regenerates simd-module.ts from simd.wat (two binaries: for an unshared memory and for the threaded backend's shared
 * one). Needs the `wabt` package, which is not a dependency: `npm install --no-save wabt && npx tsx
 * components/models/wasm/simd-build.ts`. The build, the tests and the page use only the committed bytes.
 */
import {readFileSync, writeFileSync} from "node:fs";
import {join} from "node:path";

const dir = import.meta.dirname;
const name = process.env.WABT ?? "wabt"; // not a dependency: resolved only when this script runs (WABT=path/to/wabt/index.js)
const wabt = await (((await import(name)) as {default: () => Promise<WabtModule>}).default)();
interface WabtModule {
  parseWat(file: string, text: string, features: Record<string, boolean>): {validate(features: Record<string, boolean>): void; toBinary(o: object): {buffer: Uint8Array}};
}
const wat = readFileSync(join(dir, "simd.wat"), "utf-8");
const binary = (text: string) => {
  const m = wabt.parseWat("simd.wat", text, {simd: true, threads: true});
  m.validate({simd: true, threads: true});
  return Buffer.from(m.toBinary({}).buffer).toString("base64");
};
const unshared = binary(wat);
const shared = binary(wat.replace('(memory 0))', '(memory 0 65536 shared))'));
if (shared === unshared) throw new Error("simd.wat: the memory import was not found");
writeFileSync(join(dir, "simd-module.ts"), `/** simd.wat assembled by simd-build.ts (do not edit): base64 WebAssembly binaries. */
export const SIMD_UNSHARED = "${unshared}";
export const SIMD_SHARED = "${shared}";
`);
console.log(`simd-module.ts: ${Buffer.from(unshared, "base64").length} + ${Buffer.from(shared, "base64").length} bytes`);
