import {createReadStream, existsSync, statSync} from "node:fs";
import {createServer, type Server} from "node:http";
import type {AddressInfo} from "node:net";
import {extname, join, normalize, resolve} from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".json": "application/json",
  ".wasm": "application/wasm", ".svg": "image/svg+xml", ".png": "image/png", ".bin": "application/octet-stream",
  ".woff2": "font/woff2", ".txt": "text/plain; charset=utf-8", ".csv": "text/csv"
};

/** Resolves a URL path in a Framework build with clean URLs: /a/b → a/b.html, /a/ → a/index.html. */
export function resolveStatic(dir: string, urlPath: string): string | undefined {
  const path = normalize(decodeURIComponent(urlPath.split("?")[0])).replace(/^(\.\.[/\\])+/, "");
  const candidates = path.endsWith("/") ? [join(path, "index.html")] : [path, `${path}.html`, join(path, "index.html")];
  for (const c of candidates) {
    const full = join(dir, c);
    if (!full.startsWith(dir)) continue;
    if (existsSync(full) && statSync(full).isFile()) return full;
  }
  return undefined;
}

/** The two headers that make a page cross-origin isolated (SharedArrayBuffer: tfjs-backend-wasm's threads). */
export const ISOLATION_HEADERS = {"cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp"} as const;

/**
 * A static server for dist/ on 127.0.0.1 (loopback only), on a free port. `isolate` sends COOP/COEP with every
 * response, as a host configured for the book does (README); without it the pages isolate themselves through
 * components/coi/'s service worker, after one reload.
 */
export async function serveStatic(dir: string, {isolate = false} = {}): Promise<{url: string; server: Server; close(): Promise<void>}> {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    const file = resolveStatic(root, req.url ?? "/");
    if (!file) {
      res.writeHead(404, {"content-type": "text/plain"}).end("not found");
      return;
    }
    res.writeHead(200, {"content-type": TYPES[extname(file)] ?? "application/octet-stream", ...(isolate ? ISOLATION_HEADERS : {})});
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const {port} = server.address() as AddressInfo;
  return {url: `http://127.0.0.1:${port}`, server, close: () => new Promise((ok) => server.close(() => ok()))};
}
