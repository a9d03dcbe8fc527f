/**
 * Post-build: the book's own search (Framework's tokenizer splits only at spaces and punctuation, so it misses
 * most Chinese words). Writes dist/_gradbook/search.json (every page's title, chapter and main text),
 * dist/_gradbook/search.js (components/search bundled) and links the script from every page. Runs before csp.ts.
 * The same pass finishes what Framework cannot be told: <html lang> and the sidebar toggle's label in the book's
 * language (toc.json), and the chapter's name on a pager link that leads into another chapter. The author report
 * (/report) is not indexed: readers never reach it.
 * Usage: tsx scripts/search.ts [dist]
 */
import {buildSync} from "esbuild";
import {Parser} from "htmlparser2";
import {existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from "node:fs";
import {join, relative} from "node:path";
import type {SearchDoc} from "../components/search/searchText.js";

const dist = process.argv[2] ?? "dist";
const tocPath = "book/.gradbook/toc.json";

/** The reader-visible text of a page's main column: no scripts or styles, formulas once (their LaTeX source). */
export function mainText(html: string): {title: string; text: string} {
  const parts: string[] = [];
  let title = "";
  let inTitle = false;
  let depthMain = 0;
  const skip: boolean[] = [];
  const skipping = () => skip.some(Boolean);
  let annotation = false;
  const parser = new Parser({
    onopentag(name, attrs) {
      const cls = attrs.class ?? "";
      if (name === "title") inTitle = true;
      if (attrs.id === "observablehq-main") depthMain = 1;
      else if (depthMain) depthMain++;
      skip.push(name === "script" || name === "style" || name === "template" || /\bkatex-html\b/.test(cls) || (/\bkatex-mathml\b/.test(cls)));
      if (name === "annotation") annotation = true;
      if (depthMain && /^(p|div|li|h[1-6]|tr|td|th|br|pre|section|details|summary|table)$/.test(name)) parts.push(" ");
    },
    ontext(t) {
      if (inTitle) title += t;
      if (!depthMain) return;
      if (annotation) parts.push(` ${t} `);
      else if (!skipping()) parts.push(t);
    },
    onclosetag(name) {
      if (name === "title") inTitle = false;
      if (name === "annotation") annotation = false;
      skip.pop();
      if (depthMain) depthMain--;
    }
  }, {decodeEntities: true});
  parser.write(html);
  parser.end();
  return {title: title.split(" | ")[0].trim(), text: parts.join("").replace(/\s+/g, " ").trim()};
}

function htmlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n.startsWith("_") ? [] : htmlFiles(p);
    return n.endsWith(".html") ? [p] : [];
  });
}

interface Toc {
  lang?: string;
  labels?: {sidebarToggle?: string};
  parts: {name: string; path: string; pages: {path: string}[]}[];
}

/** <html lang> and the sidebar toggle's title in the book's language (Framework writes `<html>` and "Toggle sidebar"). */
export function localizePage(html: string, lang: string, sidebarToggle?: string): string {
  let out = html.replace(/<html(?: lang="[^"]*")?>/, `<html lang="${lang === "en" ? "en" : "zh-CN"}">`);
  if (sidebarToggle) out = out.replace(/(<input id="observablehq-sidebar-toggle"[^>]*?) title="[^"]*"/, (_m, a: string) => `${a} title="${escapeAttr(sidebarToggle)}" aria-label="${escapeAttr(sidebarToggle)}"`);
  return out;
}

const escapeAttr = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

/**
 * Pager links that lead into another chapter (or out of one) say which: the chapter's name under the page's.
 * `path` is the page's own path ("/a/math"); `chapterOf` maps a path to its chapter's name.
 */
export function pagerChapters(html: string, path: string, chapterOf: Map<string, string>): string {
  const here = chapterOf.get(path) ?? "";
  return html.replace(/<a rel="(prev|next)" href="([^"]*)"><span>([^<]*)<\/span><\/a>/g, (m, rel: string, href: string, name: string) => {
    const target = new URL(href, `http://book${path}`).pathname.replace(/\.html$/, "").replace(/\/index$/, "/");
    const there = chapterOf.get(decodeURI(target));
    if (!there || there === here) return m;
    return `<a rel="${rel}" href="${href}"><span>${name}</span><span class="gb-pager-part">${escapeAttr(there)}</span></a>`;
  });
}

function main() {
  const toc: Toc = existsSync(tocPath) ? JSON.parse(readFileSync(tocPath, "utf-8")) : {parts: []};
  const chapterOf = new Map<string, string>();
  for (const p of toc.parts) for (const path of [p.path, ...p.pages.map((x) => x.path)]) chapterOf.set(path, p.name);
  const docs: SearchDoc[] = [];
  const files = htmlFiles(dist).filter((f) => !/\/404\.html$/.test(f));
  for (const file of files) {
    const rel = relative(dist, file).replace(/\\/g, "/");
    const path = rel.replace(/(^|\/)index\.html$/, "$1").replace(/\.html$/, "");
    const built = readFileSync(file, "utf-8");
    const html = pagerChapters(localizePage(built, toc.lang ?? "zh-CN", toc.labels?.sidebarToggle), `/${path}`, chapterOf);
    const {title, text} = mainText(html);
    if (path !== "report") docs.push({path, title, chapter: chapterOf.get(`/${path}`) ?? "", text});
    // Link the search script (relative, so the book works from any folder); idempotent.
    const depth = rel.split("/").length - 1;
    const src = `${"../".repeat(depth) || "./"}_gradbook/search.js`;
    const linked = html.includes("_gradbook/search.js") ? html : html.replace("</head>", `<script type="module" src="${src}"></script>\n</head>`);
    if (linked !== built) writeFileSync(file, linked);
  }
  docs.sort((a, b) => (a.path < b.path ? -1 : 1));
  mkdirSync(join(dist, "_gradbook"), {recursive: true});
  writeFileSync(join(dist, "_gradbook", "search.json"), JSON.stringify(docs));
  const out = buildSync({entryPoints: ["components/search/mount.ts"], bundle: true, format: "esm", target: "es2020", minify: true, write: false, logLevel: "silent"});
  writeFileSync(join(dist, "_gradbook", "search.js"), out.outputFiles[0].text);
  const size = docs.reduce((s, d) => s + d.text.length, 0);
  console.log(`search: ${docs.length} pages indexed (${(size / 1024).toFixed(0)} K characters) → ${join(dist, "_gradbook")}`);
}

if (process.argv[1] && /search\.ts$/.test(process.argv[1])) main();
