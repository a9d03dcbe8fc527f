import hljs from "highlight.js";
import katex from "katex";
import {tBook} from "../components/i18n/book.js";
import MarkdownIt from "markdown-it";
import type Token from "markdown-it/lib/token.mjs";
import type {RuleBlock} from "markdown-it/lib/parser_block.mjs";
import {createHash} from "node:crypto";
import {readFileSync, realpathSync, statSync} from "node:fs";
import {basename, dirname, isAbsolute, relative, resolve} from "node:path";
import type {Diagnostics} from "./diagnostics.js";
import {type HtmlPolicy, type ImageDecision, escapeHtml, linkUrlProblem, sanitizeFragment, sanitizeInlineTag} from "./html.js";
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
  /**
   * The folder local images must stay inside (after symlinks are resolved) to be published; default: the folder of
   * `file` (the chapters folder). Anything else — /etc/passwd, ../../.ssh/id_rsa, a symlink out — is an error.
   */
  assetRoot?: string;
}

/** Formulas longer than this, or nested deeper, are not given to KaTeX (its parser recurses; a stack overflow would end the build). */
export const MAX_FORMULA_LENGTH = 10_000;
export const MAX_BRACE_DEPTH = 100;
/**
 * A rendered block nested deeper than this (10,000 <div>s, or <span>s opened one inline tag at a time) is shown as its
 * source text instead: Framework's HTML tools recurse per level and overflow the stack at a few thousand. KaTeX's
 * output for the deepest formula allowed (MAX_BRACE_DEPTH nested \frac) is about 700 levels.
 */
export const MAX_HTML_DEPTH = 800;
/** Images larger than this are not published. */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
/**
 * Blockquotes and lists open only below this token level (a list level takes two, a quote one); deeper markers are
 * text. It stays under markdown-it's own maxNesting (100), which would drop the rest of the document instead.
 */
export const MAX_NESTING = 60;

interface Env extends MathEnv {
  /** 0-based lines (in the section) where limitNesting refused a container. */
  deep: number[];
  ids: Set<string>;
  opts: RenderOptions;
  current: MathOccurrence[];
}

function createMarkdown(): MarkdownIt {
  const md = new MarkdownIt({html: true, linkify: false, typographer: false});
  limitNesting(md, (state, line) => (state.env as Env).deep.push(line));
  // Links and images: only http(s), mailto, relative paths and fragments become links (markdown-it has decoded
  // entities by now, so &#106;avascript: is javascript: here); a refused one stays text and is reported (refusedLinks).
  md.validateLink = (url) => linkUrlProblem(url) === undefined;
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
    const line = lineOf(t, env);
    const {html, changed, removed} = sanitizeFragment(t.content, htmlPolicy(env, line));
    if (changed) env.opts.diag.warn(line, "unsafe-html", `removed unsafe HTML: ${removed.join(", ")}`);
    return html;
  };
  r.html_inline = (tokens, idx, _o, env: Env) => {
    const t = tokens[idx];
    const line = lineOf(t, env);
    const {html, ok, removed} = sanitizeInlineTag(t.content, htmlPolicy(env, line));
    if (!ok) {
      const what = html.startsWith("&lt;") ? "not allowed; shown as text" : `has unsafe attributes; they were removed: ${removed.join(", ")}`;
      env.opts.diag.warn(line, "unsafe-html", `raw HTML ${JSON.stringify(t.content.slice(0, 200))} ${what}`);
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
    if (linkUrlProblem(href)) tokens[idx].attrSet("href", "#"); // validateLink already refused these: a second wall
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

/** Why a formula is not given to KaTeX (too long, or braces / \\left…\\right nested too deep), or undefined. */
export function formulaProblem(latex: string): string | undefined {
  if (latex.length > MAX_FORMULA_LENGTH) return `the formula is ${latex.length} characters long (at most ${MAX_FORMULA_LENGTH})`;
  let depth = 0;
  let max = 0;
  for (let i = 0; i < latex.length; i++) {
    const c = latex.charCodeAt(i);
    if (c === 0x5c /* \\ */) {
      if (latex.startsWith("left", i + 1)) depth++;
      else if (latex.startsWith("right", i + 1)) depth--;
      else {
        i++;
        continue;
      }
    } else if (c === 0x7b /* { */) depth++;
    else if (c === 0x7d /* } */) depth--;
    if (depth > max) max = depth;
  }
  if (max > MAX_BRACE_DEPTH) return `braces are nested ${max} deep (at most ${MAX_BRACE_DEPTH})`;
  return undefined;
}

/** A formula shown as escaped source text (what a reader sees when it cannot be typeset). */
function formulaAsText(latex: string, message: string): string {
  const shown = latex.length > MAX_FORMULA_LENGTH ? `${latex.slice(0, MAX_FORMULA_LENGTH)}…` : latex;
  return `<code class="gb-latex-error" title="${escapeHtml(message.slice(0, 300))}">${escapeHtml(shown)}</code>`;
}

function renderMath(t: Token, display: boolean, env: Env): string {
  const line = lineOf(t, env);
  const id = `${env.opts.idPrefix}-f${env.math.length + 1}`;
  const wrap = (html: string, attrs: string) =>
    display ? `<div class="gb-math gb-math--display" ${attrs}>${html}</div>` : `<span class="gb-math gb-math--inline" ${attrs}>${html}</span>`;
  const tooComplex = (why: string) => {
    env.opts.diag.error(line, "formula-too-complex", `formula not typeset: ${why}; it is shown as text / 公式过于复杂，按原文显示`);
    return wrap(formulaAsText(t.content, why), `data-line="${line}"`);
  };
  // Bounded before KaTeX: its recursive parser would overflow the stack (and take the whole build down). A formula
  // refused here is no MathOccurrence either, so the formula engine never parses it.
  const problem = formulaProblem(t.content);
  if (problem) return tooComplex(problem);
  let html: string;
  let message: string | undefined;
  try {
    html = katex.renderToString(t.content, {displayMode: display, throwOnError: true, strict: "ignore", output: "htmlAndMathml"});
  } catch (e) {
    if (e instanceof RangeError) return tooComplex(e.message); // stack overflow on an input the bound did not catch
    message = e instanceof Error ? e.message.replace(/^KaTeX parse error: /, "") : String(e);
    try {
      html = katex.renderToString(t.content, {displayMode: display, throwOnError: false, strict: "ignore"});
      html = `<span class="gb-latex-error" title="${escapeHtml(message)}">${html}</span>`;
    } catch (e2) {
      html = formulaAsText(t.content, message);
      if (e2 instanceof RangeError) return tooComplex(e2.message);
    }
  }
  if (message !== undefined) env.opts.diag.error(line, "bad-latex", `invalid LaTeX: ${message}`);
  const occ: MathOccurrence = {id, latex: t.content, display, line};
  env.math.push(occ);
  env.current.push(occ);
  return wrap(html, `id="${occ.id}" data-line="${line}"`);
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

/** The part of an image path a file name may keep in a URL. */
function publishedName(file: string): string {
  return basename(file).replace(/[^\w.-]+/g, "_").replace(/^\.+/, "_").slice(-80) || "image";
}

/** A path as the author knows it: relative to the working directory when it lies below it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

/** Whether `path` is strictly inside `root` (both absolute, same form). */
function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

/** The kinds of refusal renderImage shows differently (kept stable: golden files and readers know them). */
type ImageRefusal = {refused: string; kind: "external" | "unsafe" | "missing" | "outside" | "bad"};

/**
 * Decides what an image source becomes (markdown `![x](src)` and raw `<img src>` alike), reporting any problem at
 * `line`. Only a regular file that resolves — after symlinks — inside the chapters folder is published, under a name
 * made unique by a hash of its content (two `a.png` from different folders never share one file).
 */
function decideImage(src: string, line: number, env: Env): {url: string} | ImageRefusal {
  const diag = env.opts.diag;
  const s = src.trim();
  if (/^(https?:)?\/\//i.test(s) || /^[/\\]{2}/.test(s)) {
    let host = s;
    try {
      host = new URL(s, "https://x").host;
    } catch {
      /* keep src */
    }
    diag.warn(line, "external-image", `external image ${s.slice(0, 200)} is not loaded (the book works offline); its alt text is shown`);
    return {refused: tBook("imageExternal", {host}), kind: "external"};
  }
  if (linkUrlProblem(s) || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s)) {
    diag.warn(line, "unsafe-image", `image source ${s.slice(0, 30)}… is not allowed`);
    return {refused: "", kind: "unsafe"};
  }
  let path: string;
  try {
    path = decodeURI(s.split(/[?#]/)[0]);
  } catch {
    diag.warn(line, "missing-image", `image ${s.slice(0, 200)} is not a valid path`);
    return {refused: tBook("imageMissing"), kind: "missing"};
  }
  const root = resolve(env.opts.assetRoot ?? dirname(env.opts.file));
  const abs = resolve(dirname(env.opts.file), path);
  const outside = () => {
    diag.error(line, "image-outside-chapters", `image ${s.slice(0, 200)} is outside the chapters folder (${shown(root)}); it is not published and its alt text is shown / 图片不在 chapters 文件夹内，未发布`);
    return {refused: tBook("imageOutside"), kind: "outside"} as const;
  };
  if (!inside(root, abs)) return outside();
  let real: string;
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
    real = realpathSync(abs);
  } catch {
    diag.warn(line, "missing-image", `image ${s.slice(0, 200)} not found (looked for ${shown(abs)})`);
    return {refused: tBook("imageMissing"), kind: "missing"};
  }
  if (!inside(realRoot, real)) return outside(); // a symlink that leads out of the folder
  let bytes: Buffer;
  try {
    const st = statSync(real);
    if (!st.isFile()) throw new Error("not a regular file");
    if (st.size > MAX_IMAGE_BYTES) throw new Error(`${st.size} bytes (at most ${MAX_IMAGE_BYTES})`);
    bytes = readFileSync(real);
  } catch (e) {
    diag.error(line, "bad-image", `image ${s.slice(0, 200)} cannot be published: ${(e as Error).message}`);
    return {refused: tBook("imageBad"), kind: "bad"};
  }
  const hash = createHash("sha256").update(bytes).digest("hex").slice(0, 12);
  const url = `./_assets/${hash}-${publishedName(real)}`;
  env.opts.images?.set(real, url);
  return {url};
}

function renderImage(t: Token, env: Env): string {
  const src = t.attrGet("src") ?? "";
  const alt = t.children?.map((c) => c.content).join("") || t.content || "";
  const d = decideImage(src, lineOf(t, env), env);
  if ("url" in d) return `<img src="${escapeHtml(d.url)}" alt="${escapeHtml(alt)}" loading="lazy">`;
  const shown = d.kind === "external" || d.kind === "outside" ? alt || tBook("image") : alt;
  return `<span class="gb-image-offline" role="img" aria-label="${escapeHtml(alt)}">🖼 ${escapeHtml(shown)}${d.refused ? `<small>（${escapeHtml(d.refused)}）</small>` : ""}</span>`;
}

/** The raw-HTML policy of a block or tag at `line`: its <img> sources go through decideImage. */
function htmlPolicy(env: Env, line: number): HtmlPolicy {
  return {
    image(src): ImageDecision {
      const d = decideImage(src, line, env);
      return "url" in d ? d : {refused: d.refused || tBook("imageNotAllowed")};
    }
  };
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

/** Link destinations markdown-it's validateLink refused (javascript:, data: …): they stay text; the author is told. */
function reportRefusedLinks(tokens: Token[], opts: RenderOptions): void {
  for (const t of tokens) {
    for (const c of t.children ?? []) {
      if (c.type !== "text") continue;
      for (const m of c.content.matchAll(/\]\(\s*<?((?:[^\s()<>]|\([^\s()]*\))+)/g)) {
        const problem = linkUrlProblem(m[1]);
        if (!problem) continue;
        const line = ((c.meta as {line?: number} | null)?.line ?? (t.map ? t.map[0] + 1 + opts.lineOffset : 1)) + (c.content.slice(0, m.index).match(/\n/g) ?? []).length;
        opts.diag.warn(line, "unsafe-link", `link target ${JSON.stringify(m[1].slice(0, 60))} is not allowed (${problem}; only http, https, mailto and relative links); shown as text`);
      }
    }
  }
}

/**
 * Stops blockquotes and lists from opening past MAX_NESTING levels: their markers are then read as plain text. Left
 * alone, markdown-it's own limit (maxNesting) silently drops everything from the too-deep block to the end of the
 * document. `onDeep` hears the 0-based line of each refused container (not during look-ahead).
 */
export function limitNesting(md: MarkdownIt, onDeep?: (state: {env: unknown}, line: number) => void): void {
  const rules = (md.block.ruler as unknown as {__rules__: {name: string; fn: RuleBlock; alt: string[]}[]}).__rules__;
  for (const name of ["blockquote", "list"]) {
    const rule = rules.find((r) => r.name === name);
    if (!rule) throw new Error(`markdown-it has no ${name} rule`);
    const inner = rule.fn;
    md.block.ruler.at(
      name,
      (state, startLine, endLine, silent) => {
        if (state.level < MAX_NESTING) return inner(state, startLine, endLine, silent);
        if (!silent && inner(state, startLine, endLine, true)) onDeep?.(state, startLine);
        return false;
      },
      {alt: rule.alt}
    );
  }
}

/** Reports the too-deep containers limitNesting refused: once per run of consecutive lines. */
function reportDeepNesting(env: Env): void {
  const lines = [...new Set(env.deep)].sort((a, b) => a - b);
  lines.forEach((line, i) => {
    if (i > 0 && lines[i - 1] === line - 1) return;
    env.opts.diag.error(line + 1 + env.lineOffset, "nesting-too-deep", `quotes / lists are nested more than ${MAX_NESTING} levels deep here; the deeper markers are shown as text / 嵌套过深，更深的层级按文字显示`);
  });
}

/** Renders one section's markdown into top-level blocks, each tagged with its source line. */
export function renderSection(text: string, opts: RenderOptions): {blocks: RenderedBlock[]; math: MathOccurrence[]} {
  const env: Env = {
    lineOffset: opts.lineOffset,
    math: [],
    idPrefix: opts.idPrefix,
    opts,
    ids: new Set(),
    deep: [],
    current: [],
    onUnclosed: (line) => opts.diag.error(line, "unclosed-math", "`$$` is never closed (no closing `$$` before the next blank line); shown as text")
  };
  const tokens = md.parse(text, env);
  annotateInlineLines(tokens, opts.lineOffset);
  reportRefusedLinks(tokens, opts);
  reportDeepNesting(env);
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
      let html = md.renderer.render(slice, md.options, env);
      const depth = htmlDepth(html);
      if (depth > MAX_HTML_DEPTH) {
        opts.diag.error(line, "html-too-deep", `this block's elements are nested ${depth} deep (at most ${MAX_HTML_DEPTH}); it is shown as its source text / 嵌套过深，按原文显示`);
        const lines = text.split("\n").slice(t.map?.[0] ?? 0, slice.at(-1)?.map?.[1] ?? t.map?.[1] ?? 0).join("\n");
        html = `<pre class="gb-too-deep">${escapeHtml(lines.slice(0, 20_000))}</pre>\n`;
        env.math.splice(env.math.length - env.current.length, env.current.length);
        env.current = [];
      }
      const fence = t.type === "fence" || t.type === "code_block" ? {source: t.content, lang} : {};
      blocks.push({kind: "html", line, html: addLineAttr(html, line), math: env.current, ...fence});
    }
    i = j + 1;
  }
  return {blocks, math: env.math};
}

const VOID_ELEMENTS = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);

/** How deep the elements of an HTML fragment nest (void and self-closed elements do not count). */
export function htmlDepth(html: string): number {
  let depth = 0;
  let max = 0;
  for (const t of html.matchAll(/<(\/?)([a-zA-Z][\w:-]*)(?:\s[^>]*?)?(\/?)>/g)) {
    if (t[1]) depth = Math.max(0, depth - 1);
    else if (!t[3] && !VOID_ELEMENTS.has(t[2].toLowerCase()) && ++depth > max) max = depth;
  }
  return max;
}

/** Puts data-line on the first element of a rendered block, so readers and tests can trace it to the source. */
function addLineAttr(html: string, line: number): string {
  if (/^<[a-z][a-z0-9]*[^>]*\sdata-line=/.test(html)) return html;
  return html.replace(/^<([a-z][a-z0-9]*)(\s|>)/, (_m, tag, after) => `<${tag} data-line="${line}"${after}`);
}
