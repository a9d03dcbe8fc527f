/**
 * A page with the playground components and nothing else: esbuild bundles bench/playground-entry.ts into a temp
 * dir, a loopback server (127.0.0.1) serves it with KaTeX's CSS and axe-core, and headless Debian Chromium
 * (fresh profile) opens it. Every non-loopback request is aborted and recorded. Used by test/plot-*.test.ts
 * and bench/playground.bench.ts.
 */
import {cpSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {dirname, join, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {build} from "esbuild";
import {chromium, type BrowserContext, type Page} from "playwright-core";
import {serveStatic} from "../test/browser/server.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--enable-unsafe-swiftshader"
];

export interface PlaygroundHarness {
  url: string;
  context: BrowserContext;
  /** opens the harness page (optionally with a query string) and waits for the bundle */
  open(query?: string): Promise<{page: Page; errors: string[]; external: string[]}>;
  close(): Promise<void>;
}

export async function startPlaygroundHarness(): Promise<PlaygroundHarness> {
  const dir = mkdtempSync(join(tmpdir(), "gb-playground-"));
  await build({
    entryPoints: [join(ROOT, "bench/playground-entry.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    outfile: join(dir, "entry.js"),
    logLevel: "error"
  });
  cpSync(join(ROOT, "node_modules/katex/dist"), join(dir, "katex"), {recursive: true});
  cpSync(join(ROOT, "node_modules/axe-core/axe.min.js"), join(dir, "axe.js"));
  writeFileSync(
    join(dir, "index.html"),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>gradbook playground harness</title>` +
      `<link rel="stylesheet" href="/katex/katex.min.css"></head><body><main id="root"></main>` +
      `<script type="module" src="/entry.js"></script></body></html>`
  );
  const server = await serveStatic(dir);
  const profile = mkdtempSync(join(tmpdir(), "gb-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: {width: 1200, height: 1000}
  });
  return {
    url: server.url,
    context,
    async open(query = "") {
      const page = await context.newPage();
      const errors: string[] = [];
      const external: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      await page.route(
        (u) => !u.href.startsWith(server.url),
        (route) => {
          external.push(route.request().url());
          return route.abort("blockedbyclient");
        }
      );
      // tsx (esbuild keepNames) wraps named functions in __name(); functions sent to page.evaluate need it too
      await page.addInitScript({content: "window.__name = (f) => f;"});
      await page.goto(`${server.url}/index.html${query}`);
      await page.waitForSelector("html[data-ready]");
      return {page, errors, external};
    },
    async close() {
      await context.close();
      await server.close();
      rmSync(dir, {recursive: true, force: true});
      rmSync(profile, {recursive: true, force: true});
    }
  };
}
