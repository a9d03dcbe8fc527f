import MarkdownIt from "markdown-it";
import {tBook} from "../components/i18n/book.js";
import type {Diagnostics} from "./diagnostics.js";
import {limitNesting} from "./markdown.js";

export type SectionKind =
  | "intro" | "background" | "concepts" | "algorithm" | "math" | "code" | "applications" | "outlook"
  | "tools" | "summary" | "faq" | "references" | "other";

/** The template's sections, in book order, with what recognises their headings. */
export const SECTION_KINDS: {kind: SectionKind; slug: string; label: string; match: RegExp; required: boolean}[] = [
  {kind: "intro", slug: "intro", label: "导读", match: /^(关键词|关键字|摘要|概述|引言|前言|导读)|^(keywords|abstract|overview|introduction)\b/i, required: false},
  {kind: "background", slug: "background", label: "背景介绍", match: /背景|background/i, required: true},
  {kind: "concepts", slug: "concepts", label: "核心概念与联系", match: /核心概念|基本概念|关键概念|core concepts?|key concepts?|^concepts?\b|key ideas/i, required: true},
  {kind: "algorithm", slug: "algorithm", label: "核心算法原理与操作步骤", match: /核心算法|算法原理|algorithm/i, required: true},
  {kind: "math", slug: "math", label: "数学模型与公式", match: /数学模型|公式|math/i, required: true},
  {kind: "code", slug: "code", label: "项目实践", match: /项目实[践战]|代码实[例践现]|代码实际案例|代码示例|代码讲解|动手实践|^代码|code practice|project|^(?:code|implementation|hands-on|in practice|experiments?)\b|code (?:examples?|walkthrough)|walkthrough/i, required: true},
  {kind: "applications", slug: "applications", label: "实际应用场景", match: /实际应用|应用场景|applications?/i, required: true},
  {kind: "outlook", slug: "outlook", label: "未来应用展望", match: /应用展望|未来展望|outlook/i, required: false},
  {kind: "tools", slug: "tools", label: "工具和资源推荐", match: /工具|资源推荐|tools|resources/i, required: true},
  {kind: "summary", slug: "summary", label: "总结", match: /总结|summary|conclusion/i, required: true},
  {kind: "faq", slug: "faq", label: "常见问题与解答", match: /附录|常见问题|faq|q\s*&\s*a/i, required: true},
  {kind: "references", slug: "references", label: "参考文献", match: /参考文献|参考资料|扩展阅读|references|further reading/i, required: false}
];

const AUTHOR = /^(文章)?作者|author/i;

export interface Section {
  kind: SectionKind;
  slug: string;
  /** Heading text without its number, or the template's label for a prelude. */
  title: string;
  /** 1-based line of the heading (0 for a prelude without one). */
  headingLine: number;
  /** 1-based first line of the content (after the heading) and last line, inclusive. */
  start: number;
  end: number;
  /** Very short sections merged into this page (mergeShortSections): their headings, lines and kinds. */
  merged?: {title: string; line: number; kind: SectionKind}[];
}

/** The page holding the template's section `kind`: the section of that kind, or the one it was merged into. */
export function sectionOfKind<S extends Section>(sections: S[], kind: string): S | undefined {
  return sections.find((s) => s.kind === kind) ?? sections.find((s) => s.merged?.some((m) => m.kind === kind));
}

/**
 * A section with less prose than MIN_PAGE_PROSE characters (letters and digits; headings, HTML tags, punctuation and
 * markup not counted) that is also under MIN_PAGE_SHARE of its document's prose, and has no formula, code block or
 * table, is not worth a page of its own: it is merged into the page before it, its heading kept as a heading there
 * (mergeShortSections). In a short document every section is a real share of it and keeps its page; the first
 * section of a document is never merged.
 */
export const MIN_PAGE_PROSE = 150;
export const MIN_PAGE_SHARE = 0.05;

/** Letters and digits outside heading lines and HTML tags: what a reader reads (markup and punctuation do not count). */
const proseChars = (lines: string[]) =>
  (lines.filter((l) => !/^\s{0,3}#/.test(l)).join("\n").replace(/<[^>\n]*>/g, "").match(/[\p{L}\p{N}]/gu) ?? []).length;

/** The lines of prose: without fenced code, $$ blocks and headings. */
function proseLines(lines: string[]): string[] {
  const out: string[] = [];
  let fence: string | undefined;
  let math = false;
  for (const l of lines) {
    const f = l.match(/^\s*(`{3,}|~{3,})/)?.[1];
    if (fence) {
      if (f && f[0] === fence[0] && f.length >= fence.length) fence = undefined;
    } else if (f) fence = f;
    else if (/^\s*\$\$\s*$/.test(l)) math = !math;
    else if (!math) out.push(l.replace(/\$\$.*?\$\$|\$[^$]*\$/g, ""));
  }
  return out;
}

/** Characters of prose in lines [start, end] (1-based), or -1 when they hold math, code or a table. */
export function proseLength(lines: string[], start: number, end: number): number {
  const body = lines.slice(start - 1, end);
  if (body.some((l) => /\$|^\s*(```|~~~)|^\s*\||<table/i.test(l))) return -1;
  return proseChars(body);
}

/** Merges each slight section into the one before it; every line still lands in exactly one section. */
export function mergeShortSections(sections: Section[], lines: string[]): Section[] {
  const total = proseChars(proseLines(lines));
  const out: Section[] = [];
  for (const s of sections) {
    const prev = out[out.length - 1];
    const n = s.headingLine ? proseLength(lines, s.start, s.end) : -1;
    if (prev && n >= 0 && n < MIN_PAGE_PROSE && n < MIN_PAGE_SHARE * total) {
      prev.end = s.end;
      prev.merged = [...(prev.merged ?? []), {title: s.title, line: s.headingLine, kind: s.kind}];
    } else out.push({...s});
  }
  return out;
}

export interface Outline {
  /** The document's own `# title`, if it has one. */
  title?: {text: string; line: number};
  sections: Section[];
}

interface Heading {
  level: number;
  text: string;
  line: number;
}

const parser = new MarkdownIt({html: true});
limitNesting(parser); // as the renderer does: a too-deep list must not hide the headings after it

/** Headings outside code fences, with their 1-based lines. */
export function findHeadings(text: string): Heading[] {
  return headingsOf(parser.parse(text, {}));
}

function headingsOf(tokens: ReturnType<typeof parser.parse>): Heading[] {
  const out: Heading[] = [];
  tokens.forEach((t, i) => {
    if (t.type === "heading_open" && t.level === 0 && t.map) {
      out.push({level: Number(t.tag.slice(1)), text: tokens[i + 1].content.trim(), line: t.map[0] + 1});
    }
  });
  return out;
}

/**
 * Code fences that are never closed: markdown-it runs them to the end of the document (or of the quote / list they
 * are in), so every heading after them silently becomes code. Returns the 1-based line of each opening fence.
 */
export function unclosedFences(text: string, tokens = parser.parse(text, {})): {line: number; toEnd: boolean}[] {
  const lines = text.split("\n");
  const out: {line: number; toEnd: boolean}[] = [];
  for (const t of tokens) {
    if (t.type !== "fence" || !t.map) continue;
    const [start, end] = t.map;
    const last = (lines[end - 1] ?? "").replace(/^[\s>]*/, "").trimEnd();
    const ch = t.markup[0];
    const closed = end - 1 > start && last.length >= t.markup.length && [...last].every((c) => c === ch);
    if (!closed) out.push({line: start + 1, toEnd: t.level === 0});
  }
  return out;
}

/** "## 3. 核心算法原理 & 具体操作步骤" → {number: "3", title: "核心算法原理 & 具体操作步骤"} */
export function stripNumber(text: string): {number?: string; title: string} {
  const m = text.match(/^((?:\d+\.)*\d+)[.、:：)]?\s+(.*)$/) ?? text.match(/^((?:\d+\.)*\d+)[.、:：)]\s*(.*)$/);
  if (m) return {number: m[1], title: m[2].trim()};
  // "五、代码实践", "（三）算法", "第四章 数学模型", "IV. Results"
  const zh = text.match(/^(?:第\s*)?([一二三四五六七八九十百]+)\s*(?:[、.．:：)]|章|节|部分)\s*(.*)$/) ?? text.match(/^[(（]([一二三四五六七八九十]+)[)）]\s*(.*)$/);
  if (zh) return {number: String(chineseNumber(zh[1])), title: zh[2].trim()};
  const roman = text.match(/^([IVXLC]+)[.)]\s+(.*)$/);
  if (roman) return {number: roman[1], title: roman[2].trim()};
  return {title: text.trim()};
}

/** 一 … 九十九 as a number. */
function chineseNumber(s: string): number {
  const digit = (c: string) => "一二三四五六七八九".indexOf(c) + 1;
  if (s === "十") return 10;
  const [tens, ones] = s.includes("十") ? s.split("十") : ["", s];
  return (s.includes("十") ? (tens ? digit(tens) : 1) * 10 : 0) + (ones ? digit(ones) : 0);
}

export function classifyHeading(title: string): SectionKind | "author" | undefined {
  const t = stripNumber(title).title;
  if (AUTHOR.test(t)) return "author";
  for (const k of SECTION_KINDS) if (k.match.test(t)) return k.kind;
  return undefined;
}

/**
 * Splits a document into the template's sections: one per level-2 heading (numbered or not), a prelude before the
 * first one (keywords / abstract), references promoted from a level-3 heading, author lines kept with the section
 * they follow. Every line of the document lands in exactly one section, except the title line.
 */
export function outline(text: string, diag: Diagnostics): Outline {
  const lines = text.split("\n");
  const total = lines.length;
  const tokens = parser.parse(text, {});
  const headings = headingsOf(tokens);
  const result: Outline = {sections: []};
  for (const f of unclosedFences(text, tokens)) {
    diag.error(
      f.line,
      "unclosed-fence",
      f.toEnd
        ? "code fence opened here is never closed; the rest of the file became code (add the closing fence) / 代码块从这里开始没有结束，后面的全部内容都成了代码"
        : "code fence opened here is never closed; the rest of its quote or list became code (add the closing fence) / 代码块没有结束"
    );
  }
  const firstH2 = headings.find((h) => h.level === 2);
  const h1 = headings.find((h) => h.level === 1 && (!firstH2 || h.line < firstH2.line));
  if (h1) result.title = {text: stripNumber(h1.text).title, line: h1.line};
  for (const h of headings) {
    if (h.level === 1 && h !== h1) diag.warn(h.line, "extra-title", `second level-1 heading "${h.text}" kept as a heading inside its section`);
  }

  // Split points: level-2 headings, and level-3/4 reference headings inside a section of another kind.
  type Split = {heading: Heading; kind: SectionKind | "author" | undefined};
  const splits: Split[] = [];
  let currentKind: SectionKind | "author" | undefined;
  for (const h of headings) {
    if (h.level === 2) {
      currentKind = classifyHeading(h.text);
      splits.push({heading: h, kind: currentKind});
    } else if (h.level >= 3 && currentKind !== "references" && classifyHeading(h.text) === "references" && splits.length) {
      splits.push({heading: h, kind: "references"});
      currentKind = "references";
    }
  }

  const firstSplit = splits[0]?.heading.line ?? total + 1;
  const preludeStart = h1 && h1.line < firstSplit ? h1.line + 1 : 1;
  const hasPrelude = lines.slice(preludeStart - 1, firstSplit - 1).some((l, i) => l.trim() && preludeStart + i !== h1?.line);
  const beforeTitle = h1 ? lines.slice(0, h1.line - 1).some((l) => l.trim()) : false;
  if (hasPrelude || beforeTitle) {
    result.sections.push({kind: "intro", slug: "intro", title: tBook("introTitle"), headingLine: 0, start: 1, end: firstSplit - 1});
  }

  const seenNumbers = new Map<string, number>();
  const used = new Map<string, number>();
  for (let i = 0; i < splits.length; i++) {
    const {heading, kind} = splits[i];
    const end = (splits[i + 1]?.heading.line ?? total + 1) - 1;
    const {number, title} = stripNumber(heading.text);
    if (heading.level === 2 && number) {
      const prev = seenNumbers.get(number);
      if (prev) diag.warn(heading.line, "duplicate-number", `section number ${number} is used twice (first at line ${prev})`);
      else seenNumbers.set(number, heading.line);
    }
    const last = result.sections[result.sections.length - 1];
    if (kind === "author" && last) {
      last.end = end; // the author line stays with the section it follows
      continue;
    }
    if (kind === "intro" && last?.kind === "intro") {
      last.end = end;
      continue;
    }
    if (kind === "intro") {
      // Keywords / abstract headings open the intro page; the heading stays inside it.
      result.sections.push({kind: "intro", slug: "intro", title: tBook("introTitle"), headingLine: heading.line, start: heading.line, end});
      continue;
    }
    let k: SectionKind = kind === "author" || kind === undefined ? "other" : kind;
    if (kind === undefined) diag.warn(heading.line, "unknown-section", `heading "${heading.text}" is not a section of the template; it gets a page of its own`);
    const base = SECTION_KINDS.find((s) => s.kind === k)?.slug ?? "section";
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    if (n > 1 && k !== "other") diag.warn(heading.line, "repeated-section", `a second "${SECTION_KINDS.find((s) => s.kind === k)?.label}" section; it becomes page ${base}-${n}`);
    result.sections.push({kind: k, slug: n > 1 || k === "other" ? `${base}-${n}` : base, title: title || heading.text, headingLine: heading.line, start: heading.line + 1, end});
  }
  if (result.sections.length === 0) {
    result.sections.push({kind: "intro", slug: "intro", title: tBook("introTitle"), headingLine: 0, start: 1, end: total});
  }
  for (const k of SECTION_KINDS) {
    if (k.required && !result.sections.some((s) => s.kind === k.kind)) {
      diag.warn(1, "missing-section", `the template's section "${k.label}" is missing`);
    }
  }
  result.sections = mergeShortSections(result.sections, lines);
  return result;
}
