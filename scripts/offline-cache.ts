/**
 * Fills Framework's npm cache from node_modules so `observable build`/`preview` never reach a CDN or the npm
 * registry (see shared notes: offline-framework.md).
 *
 * Framework resolves every `npm:` name its client mentions (implicit Inputs, d3, Plot, tex, …) by asking the
 * registry for a version unless `<root>/.observablehq/cache/_npm/<name>@<version>/` exists, and downloads module
 * files from jsDelivr unless they exist there. So: every such name gets a version folder (the installed version
 * when we have the package), and the modules a page can reach get real files bundled from node_modules.
 * The folder is wiped first: a stale higher version would win and send the build back to the network.
 */
import {build} from "esbuild";
import {copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync} from "node:fs";
import {createRequire} from "node:module";
import {dirname, join, resolve} from "node:path";

const root = resolve(process.argv[2] ?? "book");
const require = createRequire(join(process.cwd(), "package.json"));
const frameworkDir = dirname(require.resolve("@observablehq/framework/package.json"));
const frameworkRequire = createRequire(join(frameworkDir, "package.json"));
const npmDir = join(root, ".observablehq", "cache", "_npm");

function walk(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".js") ? [join(dir, e.name)] : []));
}

/** Every npm: package name Framework's code can ask for. */
export function frameworkNpmNames(): string[] {
  const names = new Set<string>();
  for (const file of walk(join(frameworkDir, "dist"))) {
    for (const m of readFileSync(file, "utf-8").matchAll(/["'`]npm:((?:@[a-z0-9._-]+\/)?[a-z0-9][a-z0-9._-]*)/g)) names.add(m[1]);
  }
  names.add("isoformat"); // imported by @observablehq/inputs
  return [...names].sort();
}

function installedVersion(name: string): string | undefined {
  // Read package.json files directly: many packages (d3, htl) do not export "./package.json".
  for (const base of [join(process.cwd(), "node_modules"), join(frameworkDir, "node_modules")]) {
    const path = join(base, name, "package.json");
    if (existsSync(path)) return JSON.parse(readFileSync(path, "utf-8")).version;
  }
  return undefined;
}

/** Small libraries Framework's own client code imports through npm:, bundled into real files. */
const BUNDLED = ["htl", "isoformat", "d3-dsv"];

async function bundleInto(name: string, version: string): Promise<void> {
  const dir = join(npmDir, `${name}@${version}`);
  const result = await build({
    stdin: {contents: `export * from ${JSON.stringify(name)};\nimport * as m from ${JSON.stringify(name)};\nexport default (m.default ?? m);`, resolveDir: process.cwd()},
    bundle: true,
    format: "esm",
    platform: "browser",
    minify: true,
    write: false,
    nodePaths: [join(frameworkDir, "node_modules"), join(process.cwd(), "node_modules")],
    logLevel: "silent"
  });
  writeFileSync(join(dir, "_esm.js"), result.outputFiles[0].text);
}

export async function fillOfflineCache(): Promise<{names: number; bundled: string[]}> {
  rmSync(npmDir, {recursive: true, force: true});
  mkdirSync(npmDir, {recursive: true});
  const bundled: string[] = [];
  const names = frameworkNpmNames();
  for (const name of names) {
    const version = installedVersion(name) ?? "0.0.0-offline";
    mkdirSync(join(npmDir, `${name}@${version}`), {recursive: true});
    if (BUNDLED.includes(name) && version !== "0.0.0-offline") {
      await bundleInto(name, version);
      bundled.push(`${name}@${version}`);
    }
  }
  // KaTeX's stylesheet and fonts, in case a page uses Framework's own tex (the generator inlines its own copy).
  const katex = installedVersion("katex");
  if (katex) {
    const src = dirname(require.resolve("katex/dist/katex.min.css"));
    const dst = join(npmDir, `katex@${katex}`, "dist");
    mkdirSync(join(dst, "fonts"), {recursive: true});
    copyFileSync(join(src, "katex.min.css"), join(dst, "katex.min.css"));
    for (const f of readdirSync(join(src, "fonts"))) copyFileSync(join(src, "fonts", f), join(dst, "fonts", f));
  }
  return {names: names.length, bundled};
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("offline-cache.ts")) {
  const t0 = performance.now();
  if (!existsSync(root)) mkdirSync(root, {recursive: true});
  const {names, bundled} = await fillOfflineCache();
  console.log(`offline cache: ${names} npm names pinned, ${bundled.length} bundled (${bundled.join(", ")}) in ${Math.round(performance.now() - t0)} ms`);
}
