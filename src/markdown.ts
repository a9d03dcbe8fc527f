import hljs from "highlight.js";
import katex from "katex";
import MarkdownIt from "markdown-it";
import type Token from "markdown-it/lib/token.mjs";
import {existsSync} from "node:fs";
import {basename, dirname, resolve} from "node:path";
import type {Diagnostics} from "./diagnostics.js";
import {escapeHtml, sanitizeFragment, sanitizeInlineTag} from "./html.js";
import {type MathEnv, type MathOccurrence, mathPlugin} from "./math.js";

/** Callout directives an author may use (`::: note … :::`); any other name is an error. */
export const DIRECTIVES = ["note", "tip", "warning", "caution"] as const;
/** Fenced-block "languages" the generator turns into something other than highlighted code. */
export const SPECIAL_FENCES = ["mermaid", "exercise"] as const;

/** One top-level block of a section, rendered, with what the page must add after it. */
export interface RenderedBlock {
  kind: "html" | "mermaid" | "exercise";
  /** 1-based source line where the block starts. */
  line: number;
  html: string;
  /** The fence body (code blocks, mermaid and exercise blocks). */
  source?: string;
  /** The fence's language, lower case ("python", "mermaid", …). */
  lang?: string;
  /** Formulas that occur inside this block. */
  math: MathOccurrence[];
}

export interface RenderOptions {
  file: string;
  /** Source line of the first line of `text` minus 1. */
  lineOffset: number;
  idPrefix: string;
  diag: Diagnostics;
  /** Local images found: absolute source path → page-relative URL. */
  images?: Map<string, string>;
}

interface Env extends MathEnv {
  ids: Set<string>;
  opts: RenderOptions;
  current: MathOccurrence[];
}

function createMarkdown(): MarkdownIt {
  const md = new MarkdownIt({html: true, linkify: false, typographer: false});
  md.use(mathPlugin);
  md.block.ruler.before("fence", "directive", directiveBlock, {alt: ["paragraph", "reference", "blockquote", "list"]});
  const r = md.renderer.rules;
  r.math_block = (tokens, idx, _o, env: Env) => renderMath(tokens[idx], true, env);
  r.math_inline = (tokens, idx, _o, env: Env) => renderMath(tokens[idx], false, env);
  r.math_inline_display = (tokens, idx, _o, env: Env) => renderMath(tokens[idx], true, env);
  r.fence = (tokens, idx) => renderCode(tokens[idx]);
  r.code_block = (tokens, idx) => renderCode(tokens[idx]);
  r.html_block = (tokens, idx, _o, env: Env) => {
    const t = tokens[idx];
    const {html, changed, removed} = sanitizeFragment(t.content);
    if (changed) env.opts.diag.warn(lineOf(t, env), "unsafe-html", `removed unsafe HTML: ${removed.join(", ")}`);
    return html;
  };
  r.html_inline = (tokens, idx, _o, env: Env) => {
    const t = tokens[idx];
    const {html, ok} = sanitizeInlineTag(t.content);
    if (!ok) {
      const what = html.startsWith("&lt;") ? "not allowed; shown as text" : "has unsafe attributes; they were removed";
      env.opts.diag.warn(lineOf(t, env), "unsafe-html", `raw HTML ${JSON.stringify(t.content)} ${what}`);
    }
    return html;
  };
  r.image = (tokens, idx, _o, env: Env) => renderImage(tokens[idx], env);
  r.heading_open = (tokens, idx, options, env: Env, self) => {
    const t = tokens[idx];
    const text = tokens[idx + 1]?.content ?? "";
    let id = headingId(text, lineOf(t, env));
    while (env.ids.has(id)) id += "-";
    env.ids.add(id);
    t.attrSet("id", id);
    // A page is one level-2 section: its ### headings are the page's h2 (Framework's table of contents).
    const level = Number(t.tag.slice(1));
    t.tag = `h${Math.max(2, level - 1)}`;
    const close = tokens.slice(idx).find((x) => x.type === "heading_close");
    if (close) close.tag = t.tag;
    return self.renderToken(tokens, idx, options);
  };
  r.directive_open = (tokens, idx) => `<div class="${escapeHtml(tokens[idx].info)}">`;
  r.directive_close = () => `</div>`;
  const defaultLink = r.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  r.link_open = (tokens, idx, options, env, self) => {
    const href = tokens[idx].attrGet("href") ?? "";
    if (/^\s*(javascript|data|vbscript):/i.test(href)) tokens[idx].attrSet("href", "#");
    if (/^https?:/i.test(href)) tokens[idx].attrSet("rel", "noopener noreferrer");
    return defaultLink(tokens, idx, options, env, self);
  };
  return md;
}

const md = createMarkdown();

/** A stable, readable anchor for a heading: its text (Chinese kept), else its line. */
export function headingId(text: string, line: number): string {
  const slug = text
    .toLowerCase()
    .replace(/[$\\{}^_`*~]/g, "")
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return slug ? `${slug}` : `h-${line}`;
}

function lineOf(t: Token, env: Env): number {
  const meta = t.meta as {line?: number} | null;
  if (meta?.line) return meta.line;
  return (t.map ? t.map[0] + 1 : 1) + env.lineOffset;
}

function renderMath(t: Token, display: boolean, env: Env): string {
  const line = lineOf(t, env);
  const occ: MathOccurrence = {id: `${env.opts.idPrefix}-f${env.math.length + 1}`, latex: t.content, display, line};
  env.math.push(occ);
  env.current.push(occ);
  let html: string;
  try {
    html = katex.renderToString(t.content, {displayMode: display, throwOnError: true, strict: "ignore", output: "htmlAndMathml"});
  } catch (e) {
    const message = e instanceof Error ? e.message.replace(/^KaTeX parse error: /, "") : String(e);
    env.opts.diag.error(line, "bad-latex", `invalid LaTeX: ${message}`);
    html = katex.renderToString(t.content, {displayMode: display, throwOnError: false, strict: "ignore"});
    html = `<span class="gb-latex-error" title="${escapeHtml(message)}">${html}</span>`;
  }
  const attrs = `id="${occ.id}" data-line="${line}"`;
  return display
    ? `<div class="gb-math gb-math--display" ${attrs}>${html}</div>`
    : `<span class="gb-math gb-math--inline" ${attrs}>${html}</span>`;
}

function renderCode(t: Token): string {
  const lang = (t.info || "").trim().split(/\s+/)[0].toLowerCase();
  const code = t.content;
  let body: string;
  if (lang && hljs.getLanguage(lang)) body = hljs.highlight(code, {language: lang, ignoreIllegals: true}).value;
  else body = escapeHtml(code);
  // Framework's client wraps every <pre> with its copy button and shows data-language as a label.
  const dataLang = lang ? ` data-language="${escapeHtml(lang)}"` : "";
  // tabindex: a long line scrolls the block sideways, so keyboard users must be able to focus it
  return `<div class="gb-code"><pre${dataLang}><code tabindex="0" class="hljs${lang ? ` language-${escapeHtml(lang)}` : ""}">${body}</code></pre></div>\n`;
}

function renderImage(t: Token, env: Env): string {
  const src = t.attrGet("src") ?? "";
  const alt = t.children?.map((c) => c.content).join("") || t.content || "";
  const line = lineOf(t, env);
  if (/^(https?:)?\/\//i.test(src)) {
    let host = src;
    try {
      host = new URL(src, "https://x").host;
    } catch {
      /* keep src */
    }
    env.opts.diag.warn(line, "external-image", `external image ${src} is not loaded (the book works offline); its alt text is shown`);
    return `<span class="gb-image-offline" role="img" aria-label="${escapeHtml(alt)}">🖼 ${escapeHtml(alt || "图片")}<small>（外部图片未加载：${escapeHtml(host)}）</small></span>`;
  }
  if (/^(data|javascript):/i.test(src)) {
    env.opts.diag.warn(line, "unsafe-image", `image source ${src.slice(0, 30)}… is not allowed`);
    return `<span class="gb-image-offline" role="img" aria-label="${escapeHtml(alt)}">🖼 ${escapeHtml(alt)}</span>`;
  }
  const abs = resolve(dirname(env.opts.file), decodeURI(src.split(/[?#]/)[0]));
  if (!existsSync(abs)) {
    env.opts.diag.warn(line, "missing-image", `image ${src} not found (looked for ${abs})`);
    return `<span class="gb-image-offline" role="img" aria-label="${escapeHtml(alt)}">🖼 ${escapeHtml(alt)}<small>（图片缺失）</small></span>`;
  }
  const url = `./_assets/${basename(abs)}`;
  env.opts.images?.set(abs, url);
  return `<img src="${escapeHtml(url)}" alt="${escapeHtml(alt)}" loading="lazy">`;
}

/** `::: name` … `:::` callout containers. */
function directiveBlock(state: any, startLine: number, endLine: number, silent: boolean): boolean {
  const start = state.bMarks[startLine] + state.tShift[startLine];
  const line = state.src.slice(start, state.eMarks[startLine]);
  const m = line.match(/^:::\s*([\w-]+)?\s*(.*)$/);
  if (!m || !m[1]) return false;
  if (silent) return true;
  const name = m[1].toLowerCase();
  let next = startLine + 1;
  let closed = false;
  for (; next < endLine; next++) {
    const s = state.bMarks[next] + state.tShift[next];
    if (/^:::\s*$/.test(state.src.slice(s, state.eMarks[next]))) {
      closed = true;
      break;
    }
  }
  const env = state.env as Env;
  const srcLine = startLine + 1 + env.lineOffset;
  if (!(DIRECTIVES as readonly string[]).includes(name)) {
    env.opts.diag.error(srcLine, "unknown-directive", `unknown directive ":::${name}" (known: ${DIRECTIVES.join(", ")}); its content is shown as plain text`);
  } else if (!closed) {
    env.opts.diag.error(srcLine, "unclosed-directive", `":::${name}" is never closed with ":::"; it runs to the end of the section`);
  }
  const known = (DIRECTIVES as readonly string[]).includes(name);
  const open = state.push("directive_open", "div", 1);
  open.info = known ? `gb-callout ${name}` : "gb-callout gb-unknown-directive";
  open.map = [startLine, next];
  open.block = true;
  if (m[2]) {
    const p = state.push("paragraph_open", "p", 1);
    p.map = [startLine, startLine + 1];
    const inl = state.push("inline", "", 0);
    inl.content = known ? m[2] : `:::${name} ${m[2]}`;
    inl.map = [startLine, startLine + 1];
    inl.children = [];
    state.push("paragraph_close", "p", -1);
  }
  const oldParent = state.parentType;
  const oldLineMax = state.lineMax;
  state.parentType = "directive";
  state.lineMax = next;
  state.md.block.tokenize(state, startLine + 1, next);
  state.parentType = oldParent;
  state.lineMax = oldLineMax;
  state.push("directive_close", "div", -1).block = true;
  state.line = closed ? next + 1 : next;
  return true;
}

/** Gives every inline child token its source line (markdown-it only maps block tokens). */
function annotateInlineLines(tokens: Token[], lineOffset: number): void {
  for (const t of tokens) {
    if (t.type !== "inline" || !t.children || !t.map) continue;
    let line = t.map[0] + 1 + lineOffset;
    for (const c of t.children) {
      c.meta = {...(c.meta ?? {}), line};
      if (c.type === "softbreak" || c.type === "hardbreak") line++;
      else if (c.content) line += (c.content.match(/\n/g) ?? []).length;
    }
  }
}

/** Renders one section's markdown into top-level blocks, each tagged with its source line. */
export function renderSection(text: string, opts: RenderOptions): {blocks: RenderedBlock[]; math: MathOccurrence[]} {
  const env: Env = {
    lineOffset: opts.lineOffset,
    math: [],
    idPrefix: opts.idPrefix,
    opts,
    ids: new Set(),
    current: [],
    onUnclosed: (line) => opts.diag.error(line, "unclosed-math", "`$$` is never closed (no closing `$$` before the next blank line); shown as text")
  };
  const tokens = md.parse(text, env);
  annotateInlineLines(tokens, opts.lineOffset);
  const blocks: RenderedBlock[] = [];
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i];
    let j = i;
    if (t.nesting === 1) {
      let depth = 0;
      for (; j < tokens.length; j++) {
        depth += tokens[j].nesting;
        if (depth === 0) break;
      }
    }
    const slice = tokens.slice(i, j + 1);
    const line = (t.map ? t.map[0] + 1 : 1) + opts.lineOffset;
    const lang = t.type === "fence" ? t.info.trim().split(/\s+/)[0].toLowerCase() : "";
    env.current = [];
    if (lang === "mermaid" || lang === "exercise") {
      blocks.push({kind: lang, line, html: renderCode(t), source: t.content, lang, math: []});
    } else {
      const html = md.renderer.render(slice, md.options, env);
      const fence = t.type === "fence" || t.type === "code_block" ? {source: t.content, lang} : {};
      blocks.push({kind: "html", line, html: addLineAttr(html, line), math: env.current, ...fence});
    }
    i = j + 1;
  }
  return {blocks, math: env.math};
}

/** Puts data-line on the first element of a rendered block, so readers and tests can trace it to the source. */
function addLineAttr(html: string, line: number): string {
  if (/^<[a-z][a-z0-9]*[^>]*\sdata-line=/.test(html)) return html;
  return html.replace(/^<([a-z][a-z0-9]*)(\s|>)/, (_m, tag, after) => `<${tag} data-line="${line}"${after}`);
}
