import {existsSync, readdirSync, readFileSync} from "node:fs";
import {basename, join} from "node:path";
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
  parts: PartConfig[];
}

const SLUG = /^[a-z0-9][a-z0-9-]*$/;

export function slugFromFile(file: string): string {
  const s = basename(file, ".md").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return s || "part";
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
    while (slugs.has(slug)) slug += "-x";
    slugs.add(slug);
    if (existsSync(path)) diag.warn(1, "unlisted-chapter", `${f} is not listed in book.json; added at the end as /${slug}/`);
    parts.push({file: f, slug});
  }
  return {book: {title: typeof raw.title === "string" ? raw.title : "gradbook", description: raw.description, parts}, diagnostics: diag};
}
