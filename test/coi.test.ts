/**
 * components/coi/: on a plain static server (no COOP/COEP headers), the service worker and its register script make
 * the book's pages cross-origin isolated after exactly one reload — a page below the root whose root is found from
 * Framework's modulepreload link, then any other page without a reload — with no console error and no request
 * elsewhere; without the worker's file nothing changes and nothing reloads. And the wasm backend still starts on an
 * isolated page whose policy refuses blob: workers (backend.ts then keeps tfjs off its threaded binary).
 */
import {build} from "esbuild";
import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {chromium, type Browser, type Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {wasmBinary} from "../data/wasm.js";
import {emptyBuiltins} from "../scripts/vendor.js";
import {CHROMIUM, CHROMIUM_ARGS} from "./browser/harness.js";
import {serveStatic} from "./browser/server.js";

const ROOT = resolve(import.meta.dirname, "..");
const REGISTER = readFileSync(join(ROOT, "components/coi/register.js"), "utf-8");
const PROBE = `<script type="module">document.body.dataset.isolated = String(self.crossOriginIsolated); document.body.dataset.sab = String(typeof SharedArrayBuffer);</script>`;
/** A page as Framework writes it: relative modulepreload links, then the config's head (here the inlined register script). */
const page = (prefix: string, head: string) => `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<link rel="modulepreload" href="${prefix}_observablehq/client.js">${head}</head><body><p>page</p>${PROBE}</body></html>`;

let browser: Browser;
const dirs: string[] = [];

function site(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), "gb-coi-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), {recursive: true});
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Opens `path` in a fresh context; records console errors, page errors, navigations and requests to other hosts. */
async function visit(dir: string, paths: string[], options: Parameters<Browser["newContext"]>[0] = {}) {
  const server = await serveStatic(dir);
  const context = await browser.newContext(options);
  const log = {consoleErrors: [] as string[], pageErrors: [] as string[], external: [] as string[], navigations: [] as number[]};
  const results: {isolated?: string; sab?: string}[] = [];
  try {
    for (const path of paths) {
      const p: Page = await context.newPage();
      let navigations = 0;
      p.on("console", (m) => m.type() === "error" && log.consoleErrors.push(m.text()));
      p.on("pageerror", (e) => log.pageErrors.push(String(e)));
      p.on("request", (r) => new URL(r.url()).host !== new URL(server.url).host && /^https?:/.test(r.url()) && log.external.push(r.url()));
      p.on("framenavigated", (f) => f === p.mainFrame() && navigations++);
      await p.goto(server.url + path);
      await p.waitForFunction(() => self.crossOriginIsolated, null, {timeout: 5000}).catch(() => undefined);
      await p.waitForTimeout(500); // a second reload would come now
      await p.waitForSelector("body[data-isolated]", {state: "attached"});
      results.push(await p.evaluate(() => ({isolated: document.body.dataset.isolated, sab: document.body.dataset.sab})));
      log.navigations.push(navigations);
      await p.close();
    }
  } finally {
    await context.close();
    await server.close();
  }
  return {results, ...log};
}

beforeAll(async () => {
  browser = await chromium.launch({executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true});
});
afterAll(async () => {
  await browser?.close();
  for (const d of dirs) rmSync(d, {recursive: true, force: true});
});

describe("cross-origin isolation on a static host", () => {
  test("a page below the root: one reload, then isolated; the next page isolated without a reload", async () => {
    const inline = `<script>${REGISTER}</script>`;
    const dir = site({"coi-sw.js": readFileSync(join(ROOT, "components/coi/sw.js")), "_observablehq/client.js": "",
      "part/page.html": page("../", inline), "part/other.html": page("../", inline), "index.html": page("./", inline)});
    const r = await visit(dir, ["/part/page.html", "/part/other.html", "/index.html"]);
    expect(r.results).toEqual([{isolated: "true", sab: "function"}, {isolated: "true", sab: "function"}, {isolated: "true", sab: "function"}]);
    expect(r.navigations).toEqual([2, 1, 1]); // the load and the one reload, then none
    expect([r.consoleErrors, r.pageErrors, r.external]).toEqual([[], [], []]);
  }, 60_000);

  test("a reader who already clicked is not reloaded; the next page is isolated", async () => {
    const clicked = `<script>${REGISTER}</script><script>dispatchEvent(new PointerEvent("pointerdown"));</script>`;
    const dir = site({"coi-sw.js": readFileSync(join(ROOT, "components/coi/sw.js")), "_observablehq/client.js": "",
      "a.html": page("./", clicked), "b.html": page("./", `<script>${REGISTER}</script>`)});
    const r = await visit(dir, ["/a.html", "/b.html"]);
    expect(r.results).toEqual([{isolated: "false", sab: "undefined"}, {isolated: "true", sab: "function"}]);
    expect(r.navigations).toEqual([1, 1]);
    expect([r.consoleErrors, r.pageErrors]).toEqual([[], []]);
  }, 60_000);

  test("the script loaded from the root (<script src>) finds the worker beside it", async () => {
    const dir = site({"coi-sw.js": readFileSync(join(ROOT, "components/coi/sw.js")), "coi-register.js": REGISTER,
      "deep/er/page.html": `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><script src="../../coi-register.js"></script></head><body>${PROBE}</body></html>`});
    const r = await visit(dir, ["/deep/er/page.html"]);
    expect(r.results).toEqual([{isolated: "true", sab: "function"}]);
    expect([r.consoleErrors, r.pageErrors]).toEqual([[], []]);
  }, 60_000);

  test("service workers refused (Playwright's block: register() gives no registration): no reload, no error", async () => {
    const dir = site({"coi-sw.js": readFileSync(join(ROOT, "components/coi/sw.js")), "_observablehq/client.js": "", "index.html": page("./", `<script>${REGISTER}</script>`)});
    const r = await visit(dir, ["/index.html"], {serviceWorkers: "block"});
    expect(r.results).toEqual([{isolated: "false", sab: "undefined"}]);
    expect(r.navigations).toEqual([1]);
    expect([r.consoleErrors, r.pageErrors]).toEqual([[], []]);
  }, 60_000);

  test("no worker file (e.g. the dev server): the page stays as it is, no reload, no page error", async () => {
    const dir = site({"_observablehq/client.js": "", "index.html": page("./", `<script>${REGISTER}</script>`)});
    const r = await visit(dir, ["/index.html"]);
    expect(r.results).toEqual([{isolated: "false", sab: "undefined"}]);
    expect(r.navigations).toEqual([1]);
    expect(r.pageErrors).toEqual([]);
    // the browser itself reports the failed fetch of coi-sw.js (HTTP 404); the script logs nothing
    expect(r.consoleErrors.filter((e) => !/404/.test(e))).toEqual([]);
  }, 60_000);
});

test("an isolated page whose policy refuses blob: workers still starts the wasm backend (single-threaded)", async () => {
  const entry = `
import * as tf from "@tensorflow/tfjs";
import {useBackend, wasmThreadsBlocked} from "./components/models/backend.ts";
import {getThreadsCount} from "@tensorflow/tfjs-backend-wasm";
const out = document.createElement("pre");
useBackend("wasm", {wasmPaths: "./", needsConvGradients: true}).then(
  async () => { out.textContent = JSON.stringify({ok: true, backend: tf.getBackend(), threads: getThreadsCount(), blocked: wasmThreadsBlocked(), isolated: self.crossOriginIsolated}); },
  (e) => { out.textContent = JSON.stringify({ok: false, error: String(e && e.message || e)}); }
).finally(() => document.body.append(out));`;
  const bundle = await build({stdin: {contents: entry, resolveDir: ROOT, loader: "ts"}, bundle: true, format: "esm", platform: "browser", target: "es2022",
    write: false, minify: true, define: {"process.env.NODE_ENV": '"production"'}, plugins: [emptyBuiltins], logLevel: "error"});
  const csp = `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; img-src 'self' data:`;
  const files: Record<string, string | Buffer> = {"coi-sw.js": readFileSync(join(ROOT, "components/coi/sw.js")), "coi-register.js": REGISTER, "bundle.js": bundle.outputFiles[0].text,
    "index.html": `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><link rel="icon" href="data:,"><script src="coi-register.js"></script></head><body><script type="module" src="bundle.js"></script></body></html>`};
  for (const f of ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"]) files[f] = Buffer.from(wasmBinary(f));
  const server = await serveStatic(site(files));
  const context = await browser.newContext();
  try {
    const p = await context.newPage();
    const errors: string[] = [];
    p.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await p.goto(`${server.url}/index.html`);
    await p.waitForFunction(() => self.crossOriginIsolated && document.querySelector("pre"), null, {timeout: 30_000});
    const r = JSON.parse((await p.textContent("pre"))!);
    expect(r).toMatchObject({ok: true, backend: "wasm", threads: 1, isolated: true});
    expect(r.blocked).toMatch(/Content-Security-Policy/);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
    await server.close();
  }
}, 90_000);
