/**
 * Post-build step (npm run build's "postbuild", and scripts/build-offline.mjs): gives every dist/**\/*.html a
 * Content-Security-Policy <meta>, a second wall behind the generator's sanitiser. Framework 1.13 pages run inline
 * <script type="module"> elements, so the policy allows exactly those by their sha256 and nothing else inline:
 * an injected inline event handler (onerror=…), a javascript: URL or an injected <script> does not run.
 *
 * What the pages need, and why the policy has it:
 * - 'wasm-unsafe-eval': tfjs-backend-wasm compiles its .wasm (WebAssembly only; not JavaScript eval).
 * - worker-src 'self' blob:, and blob: in script-src: the homework editor runs QuickJS in a same-origin worker script
 *   (_file/data/sandbox-worker.js); tfjs-backend-wasm's threaded binary (on a cross-origin-isolated page:
 *   components/coi/) starts its pthread workers from blob: URLs, and each imports the module from another blob: URL.
 *   A blob: URL can only be made by script already running on the page (injected markup cannot mint one, and an
 *   injected <script> does not run), so this lets no new code in; a Blob-URL worker inherits this whole policy (no
 *   eval, no connection elsewhere: test/browser/csp.test.ts).
 * - img-src data: blob:, font-src data:: KaTeX's fonts are inlined as data: URLs; plots and downloads use blobs.
 * - style-src 'unsafe-inline': KaTeX, Plot, mermaid and Framework set style attributes and <style> in SVG.
 * No 'unsafe-inline' and no 'unsafe-eval' in script-src.
 *
 * Usage: tsx scripts/csp.ts [dist]
 */
import {createHash} from "node:crypto";
import {readFileSync, readdirSync, writeFileSync} from "node:fs";
import {join, relative, resolve} from "node:path";
import {fileURLToPath} from "node:url";

const INLINE_SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
const CSP_META = /<meta http-equiv="Content-Security-Policy"[^>]*>\n?/gi;

/** The sha256 source expression of an inline script's text, as the browser hashes it (UTF-8, verbatim). */
export function scriptHash(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf-8").digest("base64")}'`;
}

/** The policy of one page: its own inline scripts by hash, everything else from the site itself. */
export function policyFor(html: string): string {
  const hashes = new Set<string>();
  for (const m of html.replace(CSP_META, "").matchAll(INLINE_SCRIPT)) {
    if (/\ssrc\s*=/i.test(m[1])) continue;
    hashes.add(scriptHash(m[2]));
  }
  const script = ["'self'", "'wasm-unsafe-eval'", "blob:", ...hashes];
  return [
    "default-src 'self'",
    `script-src ${script.join(" ")}`,
    "worker-src 'self' blob:",
    "connect-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'"
  ].join("; ");
}

/**
 * The page with its policy at the top of <head> (any earlier policy replaced, so the step can run twice). It goes
 * right after <meta charset> when that opens the head: the charset must stay in the first 1024 bytes, and it loads
 * nothing, so the policy still comes before every script, stylesheet and image.
 */
export function injectCsp(html: string): string {
  const clean = html.replace(CSP_META, "");
  const meta = `<meta http-equiv="Content-Security-Policy" content="${policyFor(clean)}">`;
  const head = clean.match(/<head\b[^>]*>\s*(<meta charset=[^>]*>)?/i);
  if (!head || head.index === undefined) throw new Error("no <head> element");
  const at = head.index + head[0].length;
  return `${clean.slice(0, at)}${head[1] ? "\n" : ""}${meta}\n${clean.slice(at).replace(/^\s*/, "")}`;
}

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) =>
    e.isDirectory() ? htmlFiles(join(dir, e.name)) : e.isFile() && e.name.endsWith(".html") ? [join(dir, e.name)] : []
  );
}

/** Adds the policy to every page under `dist`; returns how many pages got one. */
export function addCsp(dist: string): {pages: number} {
  let pages = 0;
  for (const file of htmlFiles(dist)) {
    const html = readFileSync(file, "utf-8");
    let out: string;
    try {
      out = injectCsp(html);
    } catch (e) {
      throw new Error(`${relative(process.cwd(), file)}: ${(e as Error).message}`);
    }
    if (out !== html) writeFileSync(file, out);
    pages++;
  }
  return {pages};
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dist = resolve(process.argv[2] ?? "dist");
  const t0 = performance.now();
  const {pages} = addCsp(dist);
  if (!pages) {
    console.error(`csp: no .html pages in ${dist}`);
    process.exit(1);
  }
  console.log(`csp: Content-Security-Policy added to ${pages} pages in ${Math.round(performance.now() - t0)} ms`);
}
