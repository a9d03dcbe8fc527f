// Framework data loader → tfjs-backend-wasm-threaded-simd.wasm, copied from node_modules so the wasm backend loads offline.
import {wasmBinary} from "./wasm.js";

process.stdout.write(wasmBinary("tfjs-backend-wasm-threaded-simd.wasm"));
