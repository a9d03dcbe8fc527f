import {readFileSync, realpathSync} from "node:fs";
import {isAbsolute, join, relative} from "node:path";
import type {PartConfig} from "./book.js";
import {Diagnostics} from "./diagnostics.js";
import {type RenderedBlock, renderSection} from "./markdown.js";
import type {MathOccurrence} from "./math.js";
import {type Section, outline} from "./sections.js";
import {decodeSource} from "./source.js";
import {deriveTitle} from "./title.js";

export interface SectionModel extends Section {
  blocks: RenderedBlock[];
  math: MathOccurrence[];
  /** Plain text of the section (markdown source), for prose-aware analysis. */
  source: string;
}

export interface ChapterModel {
  part: PartConfig;
  /** Index of the part in the book, from 0. */
  index: number;
  file: string;
  title: string;
  titleSource: "document" | "book.json" | "derived";
  sections: SectionModel[];
  images: Map<string, string>;
  diagnostics: Diagnostics;
  lineCount: number;
  /** The decoded, cleaned text of the whole document. */
  text: string;
}

/** Reads, splits and renders one document. Never throws: problems become diagnostics. */
export function loadChapter(dir: string, part: PartConfig, index: number, displayFile = join(dir, part.file)): ChapterModel {
  const path = join(dir, part.file);
  const diag = new Diagnostics(displayFile);
  let bytes: Uint8Array;
  try {
    // A chapter that is a symbolic link out of the chapters folder (git can commit one) would publish that file.
    const real = realpathSync(path);
    const rel = relative(realpathSync(dir), real);
    if (!rel || rel.startsWith("..") || isAbsolute(rel)) {
      diag.error(1, "chapter-outside-chapters", `the file is a link to ${real}, outside the chapters folder; it is not read / 章节文件链接到 chapters 文件夹之外，未读取`);
      bytes = new Uint8Array();
    } else bytes = readFileSync(real);
  } catch (e) {
    diag.error(1, "unreadable", `cannot read the file: ${(e as Error).message}`);
    bytes = new Uint8Array();
  }
  return buildChapter(bytes, part, index, diag, path);
}

export function buildChapter(bytes: Uint8Array, part: PartConfig, index: number, diag: Diagnostics, path: string): ChapterModel {
  const {text, lineCount} = decodeSource(bytes, diag);
  const lines = text.split("\n");
  const out = outline(text, diag);
  let title: string;
  let titleSource: ChapterModel["titleSource"];
  if (part.title) {
    title = part.title;
    titleSource = "book.json";
  } else if (out.title) {
    title = out.title.text;
    titleSource = "document";
  } else {
    const d = deriveTitle(text);
    title = d.title;
    titleSource = "derived";
    if (text.trim()) diag.warn(1, "missing-title", `no "# title" line; derived "${d.title}" from ${d.from} (add a "# …" line or a title in book.json)`);
  }
  const images = new Map<string, string>();
  const sections: SectionModel[] = out.sections.map((s) => {
    const body = lines.slice(s.start - 1, s.end).map((l, i) => (out.title && s.start + i === out.title.line ? "" : l));
    const source = body.join("\n");
    const {blocks, math} = renderSection(source, {
      file: path,
      lineOffset: s.start - 1,
      idPrefix: `${part.slug}-${s.slug}`,
      diag,
      images
    });
    return {...s, blocks, math, source};
  });
  diag.items.sort((a, b) => a.line - b.line);
  return {part, index, file: diag.file, title, titleSource, sections, images, diagnostics: diag, lineCount, text};
}
