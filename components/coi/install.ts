/**
 * Build step: makes the built book cross-origin isolated on any static host. Copies sw.js to dist/coi-sw.js and
 * register.js to dist/coi-register.js, and gives every dist/**\/*.html a `<script src="…/coi-register.js">` (relative,
 * so the site works under any sub-path) just before </head>. Run it before scripts/csp.ts; the script is an external
 * same-origin one, so the policy needs no hash for it. Idempotent. Not used by the dev server (nothing to 404 there).
 *
 * Usage: tsx components/coi/install.ts [dist]
 */
import {copyFileSync, readFileSync, readdirSync, writeFileSync} from "node:fs";
import {dirname, join, relative, resolve, sep} from "node:path";
import {fileURLToPath} from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
export const COI_FILES = {"coi-sw.js": "sw.js", "coi-register.js": "register.js"} as const;

/** The page with the register script before </head>, `prefix` leading from the page's folder to the site's root. */
export function injectCoi(html: string, prefix: string): string {
  if (/<script src="[^"]*coi-register\.js"><\/script>/.test(html)) return html;
  const at = html.search(/<\/head\s*>/i);
  if (at < 0) throw new Error("no </head>");
  return `${html.slice(0, at)}<script src="${prefix}coi-register.js"></script>\n${html.slice(at)}`;
}

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) =>
    e.isDirectory() ? htmlFiles(join(dir, e.name)) : e.isFile() && e.name.endsWith(".html") ? [join(dir, e.name)] : []);
}

/** Installs the worker and the register script into `dist`; returns how many pages got the script. */
export function installCoi(dist: string): {pages: number} {
  for (const [to, from] of Object.entries(COI_FILES)) copyFileSync(join(HERE, from), join(dist, to));
  let pages = 0;
  for (const file of htmlFiles(dist)) {
    const depth = relative(dist, dirname(file)).split(sep).filter(Boolean).length;
    const html = readFileSync(file, "utf-8");
    const out = injectCoi(html, depth ? "../".repeat(depth) : "./");
    if (out !== html) writeFileSync(file, out);
    pages++;
  }
  return {pages};
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dist = resolve(process.argv[2] ?? "dist");
  const {pages} = installCoi(dist);
  if (!pages) {
    console.error(`coi: no .html pages in ${dist}`);
    process.exit(1);
  }
  console.log(`coi: cross-origin-isolation service worker installed, register script added to ${pages} pages`);
}
