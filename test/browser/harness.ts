import {type Browser, type Page, chromium} from "playwright-core";
import {serveStatic} from "./server.js";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless=new", "--no-sandbox", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
  "--enable-unsafe-webgpu", "--enable-unsafe-swiftshader", "--use-angle=swiftshader", "--disable-dev-shm-usage"
];

/** Everything a page did that a reader would call broken: console errors, failed or non-local requests. */
export interface PageReport {
  consoleErrors: string[];
  pageErrors: string[];
  failedRequests: string[];
  externalRequests: string[];
}

export interface BookSession {
  url: string;
  browser: Browser;
  /** Opens a page with recorders attached. */
  open(path: string, opts?: {waitFor?: string; timeout?: number}): Promise<{page: Page; report: PageReport}>;
  close(): Promise<void>;
}

/**
 * Serves dist/ on loopback and starts headless Debian Chromium with a fresh profile. The server sends COOP/COEP, as a
 * host configured for the book does (README), so pages are cross-origin isolated from their first load (wasm
 * threads) and the service worker never reloads one under a test; `isolate: false` serves them as a plain host does.
 */
export async function startBook(dist = "dist", {isolate = true} = {}): Promise<BookSession> {
  const server = await serveStatic(dist, {isolate});
  // playwright gives every launch a fresh temporary profile (it refuses --user-data-dir with launch()).
  const browser = await chromium.launch({executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true});
  const host = new URL(server.url).host;
  return {
    url: server.url,
    browser,
    async open(path, {waitFor, timeout = 30_000} = {}) {
      const page = await browser.newPage();
      const report: PageReport = {consoleErrors: [], pageErrors: [], failedRequests: [], externalRequests: []};
      page.on("console", (m) => {
        if (m.type() === "error") report.consoleErrors.push(`${m.text()} @ ${m.location().url}:${m.location().lineNumber}`);
      });
      page.on("pageerror", (e) => report.pageErrors.push(String(e)));
      page.on("requestfailed", (r) => report.failedRequests.push(`${r.url()} (${r.failure()?.errorText})`));
      page.on("response", (r) => {
        if (r.status() >= 400) report.failedRequests.push(`${r.url()} (HTTP ${r.status()})`);
      });
      page.on("request", (r) => {
        const u = new URL(r.url());
        if ((u.protocol === "http:" || u.protocol === "https:" || u.protocol === "ws:" || u.protocol === "wss:") && u.host !== host) {
          report.externalRequests.push(r.url());
        }
      });
      // Block anything non-local outright, so a leak is recorded rather than attempted.
      await page.route((u) => !u.href.startsWith(server.url) && /^(https?|wss?):/.test(u.protocol), (route) => route.abort("blockedbyclient"));
      await page.goto(server.url + path, {waitUntil: "load", timeout});
      if (waitFor) await page.waitForSelector(waitFor, {timeout});
      await page.waitForLoadState("networkidle", {timeout}).catch(() => undefined);
      return {page, report};
    },
    async close() {
      await browser.close();
      await server.close();
    }
  };
}
