/**
 * Pre-bundles the few node_modules packages that Framework's own node-module bundler (rollup, one chunk per
 * package) gets wrong, into the place where Framework looks first: `<root>/.observablehq/cache/_node/<name>@<version>/`.
 * Framework reuses a file that exists there instead of bundling the package itself.
 *
 * - seedrandom (CommonJS): rollup exports only `default`, but tfjs-core calls `seedrandom.alea(…)` → named exports.
 * - @tensorflow/tfjs-backend-wasm: its Emscripten glue keeps `import "fs"`/"path"/"os" (unresolvable in a browser);
 *   rebuilt with those as empty modules, tfjs-core left external so the page has one tf engine.
 * - mermaid: its ESM build loads diagram types by dynamic import (extra chunks Framework would drop); bundled into one file.
 */
import {build, type Plugin} from "esbuild";
import {existsSync, mkdirSync, readFileSync, writeFileSync} from "node:fs";
import {dirname, join, resolve} from "node:path";

const NODE_BUILTINS = /^(node:)?(fs|path|os|perf_hooks|worker_threads|crypto|url|util|child_process)$/;

/** esbuild plugin: Node built-ins become empty modules (browser bundles of packages with Node-only branches). */
export const emptyBuiltins: Plugin = {
  name: "empty-node-builtins",
  setup(b) {
    b.onResolve({filter: NODE_BUILTINS}, (args) => ({path: args.path, namespace: "empty"}));
    b.onLoad({filter: /.*/, namespace: "empty"}, () => ({contents: "export default {};", loader: "js"}));
  }
};

function version(name: string): string {
  return JSON.parse(readFileSync(join("node_modules", name, "package.json"), "utf-8")).version;
}

/** A plugin that keeps `name` external, rewritten to Framework's cache path for it relative to `from`. */
function externalTo(map: Record<string, string>): Plugin {
  return {
    name: "external-framework-node",
    setup(b) {
      for (const [spec, path] of Object.entries(map)) {
        b.onResolve({filter: new RegExp(`^${spec.replace(/[/\\^$*+?.()|[\]{}-]/g, "\\$&")}$`)}, () => ({path, external: true}));
      }
    }
  };
}

interface VendorEntry {
  name: string;
  contents: string;
  plugins: Plugin[];
}

function entries(): VendorEntry[] {
  const core = version("@tensorflow/tfjs-core");
  return [
    {
      name: "seedrandom",
      contents: `import sr from "seedrandom"; export default sr; export const alea = sr.alea, xor128 = sr.xor128, xorwow = sr.xorwow, xorshift7 = sr.xorshift7, xor4096 = sr.xor4096, tychei = sr.tychei;`,
      plugins: [emptyBuiltins]
    },
    {
      name: "@tensorflow/tfjs-backend-wasm",
      contents: `export * from "@tensorflow/tfjs-backend-wasm";`,
      plugins: [externalTo({"@tensorflow/tfjs-core": `../tfjs-core@${core}/index.js`}), emptyBuiltins]
    },
    {
      name: "mermaid",
      contents: `import mermaid from "mermaid"; export default mermaid;`,
      plugins: [emptyBuiltins]
    }
  ];
}

export async function vendor(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of entries()) {
    const file = join(root, ".observablehq", "cache", "_node", `${e.name}@${version(e.name)}`, "index.js");
    const stamp = `/* gradbook vendor ${e.name}@${version(e.name)} */`;
    if (existsSync(file) && readFileSync(file, "utf-8").startsWith(stamp)) continue; // already ours
    const result = await build({
      stdin: {contents: e.contents, resolveDir: process.cwd(), loader: "js"},
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      minify: true,
      write: false,
      define: {"process.env.NODE_ENV": '"production"'},
      plugins: e.plugins,
      logLevel: "error"
    });
    mkdirSync(dirname(file), {recursive: true});
    writeFileSync(file, `${stamp}\n${result.outputFiles[0].text}`);
    out.push(`${e.name}@${version(e.name)}`);
  }
  return out;
}

if (process.argv[1]?.endsWith("vendor.ts")) {
  const t0 = performance.now();
  const done = await vendor(resolve(process.argv[2] ?? "book"));
  console.log(`vendor: ${done.length ? done.join(", ") : "up to date"} in ${Math.round(performance.now() - t0)} ms`);
}
