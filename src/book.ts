import {existsSync, readdirSync, readFileSync} from "node:fs";
import {basename, join} from "node:path";
import {type Lang, LANGS} from "../components/i18n/index.js";
import {Diagnostics} from "./diagnostics.js";

export interface PartConfig {
  /** File name inside the chapters directory. */
  file: string;
  /** URL segment of the part. */
  slug: string;
  /** Overrides the document's own (or derived) title. */
  title?: string;
  /** Loss surfaces the part's playground offers (ids from components/math/surfaces/registry.ts), first is shown. */
  surfaces?: string[];
}

export interface BookConfig {
  title: string;
  description?: string;
  /** The language of everything a reader sees ("zh-CN" | "en"); unset in book.json: detected (detectLanguage). */
  language?: Lang;
  /**
   * Authors' own ```ts / ```js blocks run on the published pages as Framework cells (and `npm run check` type-checks
   * them). Off by default: chapters may come from untrusted authors, and then their code is only shown.
   */
  executable?: boolean;
  parts: PartConfig[];
}

/**
 * The book's language from its documents' text when book.json does not set one: headings and prose only (code
 * fences, inline code, math, HTML tags, link targets and URLs removed). Chinese ("zh-CN") when CJK ideographs are at
 * least 20 % of the letters (CJK ideographs + Latin letters), else English ("en"). A Chinese tutorial full of English
 * terms stays well above it (the five seeds: 76–89 %); an English one with a few Chinese names stays far below.
 */
export function detectLanguage(texts: string[]): Lang {
  let han = 0;
  let latin = 0;
  for (const text of texts) {
    const prose = text
      .replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^ {0,3}\1[^\n]*$|(?![\s\S]))/gm, " ")
      .replace(/\$\$[\s\S]*?\$\$|\$[^$\n]+\$|`[^`\n]*`/g, " ")
      .replace(/<[^>\n]*>|\]\([^)\s]*\)|https?:\/\/\S+/g, " ");
    han += (prose.match(/\p{Script=Han}/gu) ?? []).length;
    latin += (prose.match(/[A-Za-z]/g) ?? []).length;
  }
  // A book with no letters at all keeps the default (zh-CN).
  return han + latin === 0 || han / (han + latin) >= 0.2 ? "zh-CN" : "en";
}

const SLUG = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Names a part's folder may not take in book/: the links to the real components/ and data/ folders (a part there
 * would write its pages into the project's own code), the generated report and home page, the generator's own files
 * and Framework's output folders (_file, _npm, _node, _jsr, _import, _observablehq).
 */
export const RESERVED_SLUGS = new Set([
  "components", "data", "report", "index", "gradbook", "_gradbook", ".gradbook", "_assets", "_file", "_npm", "_node", "_jsr",
  "_import", "_observablehq", ".observablehq", "404", "homework"
]);

export function isReservedSlug(slug: string): boolean {
  return RESERVED_SLUGS.has(slug) || /^[_.]/.test(slug);
}

/** A part's URL segment from its file name: lowercase letters, digits and dashes, never a reserved name. */
export function slugFromFile(file: string): string {
  return safeSlug(rawSlug(file));
}

function rawSlug(file: string): string {
  return basename(file, ".md").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "part";
}

/** A reserved slug gets "-part" appended (components → components-part). */
function safeSlug(slug: string): string {
  return isReservedSlug(slug) ? `${slug}-part` : slug;
}

/**
 * Reads chapters/book.json (order, slugs, title overrides). Documents in the directory that book.json does not
 * list are added at the end with a warning, so an author can drop a file in and see it at once.
 */
export function loadBook(dir: string): {book: BookConfig; diagnostics: Diagnostics} {
  const path = join(dir, "book.json");
  const diag = new Diagnostics(path);
  let raw: Partial<BookConfig> = {};
  if (existsSync(path)) {
    const text = readFileSync(path, "utf-8");
    try {
      raw = JSON.parse(text);
    } catch (e) {
      const m = String(e).match(/position (\d+)/);
      const line = m ? text.slice(0, Number(m[1])).split("\n").length : 1;
      diag.error(line, "bad-book-json", `book.json is not valid JSON: ${(e as Error).message}`);
    }
  }
  const files = readdirSync(dir).filter((f) => f.endsWith(".md")).sort();
  const parts: PartConfig[] = [];
  const slugs = new Set<string>();
  const reserved = (where: string, wanted: string, slug: string) =>
    diag.warn(1, "reserved-slug", `${where}: "${wanted}" is a name the book itself uses (book/${wanted} would be the generator's or Framework's own folder); the part is published as /${slug}/ instead / 保留名称，已改为 /${slug}/`);
  for (const [i, p] of (Array.isArray(raw.parts) ? raw.parts : []).entries()) {
    if (!p || typeof p.file !== "string") {
      diag.error(1, "bad-part", `parts[${i}] has no "file"`);
      continue;
    }
    if (!files.includes(p.file)) {
      diag.error(1, "missing-chapter", `parts[${i}].file "${p.file}" does not exist in ${dir}`);
      continue;
    }
    let slug = typeof p.slug === "string" ? p.slug : slugFromFile(p.file);
    if (!SLUG.test(slug)) {
      diag.error(1, "bad-slug", `parts[${i}].slug "${slug}" must be lowercase letters, digits and dashes`);
      slug = slugFromFile(p.file);
    }
    if (isReservedSlug(slug)) {
      reserved(`parts[${i}].slug`, slug, safeSlug(slug));
      slug = safeSlug(slug);
    } else if (isReservedSlug(rawSlug(p.file)) && slug === slugFromFile(p.file)) {
      reserved(p.file, rawSlug(p.file), slug);
    }
    if (slugs.has(slug)) {
      diag.error(1, "duplicate-slug", `parts[${i}].slug "${slug}" is used twice`);
      slug = `${slug}-${i + 1}`;
    }
    slugs.add(slug);
    const surfaces = Array.isArray(p.surfaces) && p.surfaces.every((x: unknown) => typeof x === "string") ? {surfaces: p.surfaces as string[]} : {};
    if (p.surfaces !== undefined && !surfaces.surfaces) diag.error(1, "bad-surfaces", `parts[${i}].surfaces must be a list of surface ids`);
    parts.push({file: p.file, slug, ...(typeof p.title === "string" && p.title.trim() ? {title: p.title.trim()} : {}), ...surfaces});
  }
  for (const f of files) {
    if (parts.some((p) => p.file === f)) continue;
    let slug = slugFromFile(f);
    if (isReservedSlug(rawSlug(f))) reserved(f, rawSlug(f), slug);
    while (slugs.has(slug)) slug += "-x";
    slugs.add(slug);
    if (existsSync(path)) diag.warn(1, "unlisted-chapter", `${f} is not listed in book.json; added at the end as /${slug}/`);
    parts.push({file: f, slug});
  }
  let language: Lang | undefined;
  if (raw.language !== undefined) {
    if (LANGS.includes(raw.language as Lang)) language = raw.language as Lang;
    else diag.error(1, "bad-language", `"language" must be one of ${LANGS.map((l) => `"${l}"`).join(", ")}; detected from the chapters instead / language 只能是 ${LANGS.join("、")}`);
  }
  if (raw.executable !== undefined && typeof raw.executable !== "boolean") diag.error(1, "bad-executable", `"executable" must be true or false; chapters' code stays display-only / executable 只能是 true 或 false`);
  const executable = raw.executable === true;
  return {book: {title: typeof raw.title === "string" ? raw.title : "gradbook", description: raw.description, ...(language ? {language} : {}), ...(executable ? {executable} : {}), parts}, diagnostics: diag};
}
