import {readFileSync, readdirSync} from "node:fs";
import {createRequire} from "node:module";
import {dirname, join} from "node:path";

const require = createRequire(import.meta.url);

/**
 * KaTeX's stylesheet with its woff2 fonts inlined as data: URLs. Framework bundles the book's stylesheet with
 * esbuild, which has no loader for font files; inlining keeps the fonts local (no CDN) and in one cacheable file.
 */
export function katexCss(): string {
  const dist = dirname(require.resolve("katex/dist/katex.min.css"));
  let css = readFileSync(join(dist, "katex.min.css"), "utf-8");
  const fonts = new Map(readdirSync(join(dist, "fonts")).filter((f) => f.endsWith(".woff2")).map((f) => [f, readFileSync(join(dist, "fonts", f)).toString("base64")]));
  css = css.replace(/src:\s*url\(fonts\/([\w-]+)\.woff2\)\s*format\("woff2"\)[^;}]*/g, (_m, name: string) => {
    const data = fonts.get(`${name}.woff2`);
    if (!data) throw new Error(`katex font ${name}.woff2 missing`);
    return `src:url(data:font/woff2;base64,${data}) format("woff2")`;
  });
  if (/url\(fonts\//.test(css)) throw new Error("katex.min.css still references font files after inlining");
  return css;
}

/** highlight.js's GitHub theme, light and dark, for the generator's highlighted code blocks. */
export function highlightCss(): string {
  const dir = dirname(require.resolve("highlight.js/styles/github.css"));
  const light = readFileSync(join(dir, "github.css"), "utf-8");
  const dark = readFileSync(join(dir, "github-dark.css"), "utf-8");
  return `${light}\n@media (prefers-color-scheme: dark) {\n${dark}\n}\n`;
}
