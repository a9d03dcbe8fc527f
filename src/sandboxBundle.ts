/**
 * Bundles the page's homework worker (browserWorker.ts + QuickJS) into one classic script (Node, build time).
 * Used by the data loader data/sandbox-worker.js.ts and by the browser tests.
 */
import {buildSync} from "esbuild";
import {fileURLToPath} from "node:url";

export function bundleBrowserWorker(): string {
  const entry = fileURLToPath(new URL("../components/homework/browserWorker.ts", import.meta.url));
  const out = buildSync({
    entryPoints: [entry], bundle: true, platform: "browser", format: "iife", target: "es2020", write: false, minify: true,
    logLevel: "silent",
    // Emscripten's universal loader mentions Node modules on a path the browser never takes.
    external: ["fs", "path", "crypto", "url", "module", "worker_threads"]
  });
  return out.outputFiles[0].text;
}
