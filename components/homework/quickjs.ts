/**
 * Loads QuickJS: the release build with its WebAssembly embedded (no .wasm file to fetch), which runs the same in
 * Node and in a browser Worker.
 */
import {newQuickJSWASMModuleFromVariant, type QuickJSWASMModule} from "quickjs-emscripten-core";
import variant from "@jitl/quickjs-singlefile-cjs-release-sync";

export function loadQuickJS(): Promise<QuickJSWASMModule> {
  return newQuickJSWASMModuleFromVariant(variant);
}
