/**
 * Post-build: the book's own search (Framework's tokenizer splits only at spaces and punctuation, so it misses
 * most Chinese words). Writes dist/_gradbook/search.json (every page's title, chapter and main text),
 * dist/_gradbook/search.js (components/search bundled) and links the script from every page. Runs before csp.ts.
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

function main() {
  const toc = existsSync(tocPath) ? (JSON.parse(readFileSync(tocPath, "utf-8")) as {parts: {name: string; path: string; pages: {path: string}[]}[]}) : {parts: []};
  const chapterOf = new Map<string, string>();
  for (const p of toc.parts) for (const path of [p.path, ...p.pages.map((x) => x.path)]) chapterOf.set(path, p.name);
  const docs: SearchDoc[] = [];
  const files = htmlFiles(dist).filter((f) => !/\/404\.html$/.test(f));
  for (const file of files) {
    const rel = relative(dist, file).replace(/\\/g, "/");
    const path = rel.replace(/(^|\/)index\.html$/, "$1").replace(/\.html$/, "");
    const html = readFileSync(file, "utf-8");
    const {title, text} = mainText(html);
    docs.push({path, title, chapter: chapterOf.get(`/${path}`) ?? "", text});
    // Link the search script (relative, so the book works from any folder); idempotent.
    const depth = rel.split("/").length - 1;
    const src = `${"../".repeat(depth) || "./"}_gradbook/search.js`;
    if (!html.includes("_gradbook/search.js")) writeFileSync(file, html.replace("</head>", `<script type="module" src="${src}"></script>\n</head>`));
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
