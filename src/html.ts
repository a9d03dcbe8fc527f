import sanitizeHtml from "sanitize-html";
import {tBook} from "../components/i18n/book.js";

/** Tags an author may write as raw HTML in a chapter; everything else is escaped (shown as text) or removed. */
export const ALLOWED_TAGS = [
  "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt", "em", "figcaption",
  "figure", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span",
  "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "center", "font"
];

/** Elements that have no closing tag. */
const VOID_TAGS = new Set(["br", "hr", "img"]);

const NUMBER = /^\d{1,4}%?$/;
const NAME = /^[\w-]{1,80}$/;

/**
 * The attributes an author may write, per tag ("*": on every allowed tag), each with a check of its value. Anything
 * else — event handlers, style (external requests via url()), class/id (page styling, DOM clobbering), srcset,
 * xlink:href, action, formaction, poster, srcdoc, target … — is removed and reported. The only URL attributes are
 * a[href] (checked by {@link linkUrlProblem}) and img[src] (resolved by the caller's image policy).
 */
const AUTHOR_ATTRIBUTES: Record<string, Record<string, (value: string) => boolean>> = {
  "*": {title: () => true, lang: (v) => /^[a-zA-Z-]{1,20}$/.test(v), dir: (v) => /^(ltr|rtl|auto)$/i.test(v), align: (v) => /^(left|right|center|justify)$/i.test(v)},
  a: {href: () => true, name: (v) => NAME.test(v)},
  img: {src: () => true, alt: () => true, width: (v) => NUMBER.test(v), height: (v) => NUMBER.test(v)},
  td: {colspan: (v) => NUMBER.test(v), rowspan: (v) => NUMBER.test(v)},
  th: {colspan: (v) => NUMBER.test(v), rowspan: (v) => NUMBER.test(v)},
  ol: {start: (v) => /^-?\d{1,6}$/.test(v)},
  details: {open: (v) => v === "" || /^open$/i.test(v)}
};

/** Schemes a link may use. Everything else (javascript:, data:, vbscript:, file:, blob: …) is refused. */
const LINK_SCHEMES = new Set(["http", "https", "mailto"]);

/**
 * Why a link target is refused, or undefined when it is allowed: http(s), mailto, a relative path or a #fragment.
 * `url` is the value a browser would see, entities already decoded (sanitize-html and markdown-it both decode them).
 * Browsers drop tabs and newlines anywhere in a URL and C0 controls and spaces around it, and read `\` as `/`, so the
 * check does the same before it looks for a scheme.
 */
export function linkUrlProblem(url: string): string | undefined {
  const u = url.replace(/[\t\n\r]/g, "").replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "").replace(/\\/g, "/");
  const scheme = u.match(/^([a-zA-Z][a-zA-Z0-9+.-]*):/);
  if (scheme) return LINK_SCHEMES.has(scheme[1].toLowerCase()) ? undefined : `${scheme[1].toLowerCase()}: URL`;
  if (/^\/\//.test(u)) return "protocol-relative URL";
  if (/[\u0000-\u001f]/.test(u)) return "control characters in the URL";
  return undefined;
}

/** What to do with an `<img src>`: publish it under `url`, or show its alt text with a (Chinese) note. */
export type ImageDecision = {url: string} | {refused: string};

export interface HtmlPolicy {
  /** Decides an image source (reporting any problem itself); without one, every <img> shows its alt text. */
  image?(src: string): ImageDecision;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Keeps an author's attributes that pass the policy; records what was removed and why. */
function authorAttributes(tag: string, attribs: Record<string, string>, removed: Set<string>): Record<string, string> {
  const out: Record<string, string> = {};
  const allowed = {...AUTHOR_ATTRIBUTES["*"], ...(AUTHOR_ATTRIBUTES[tag] ?? {})};
  for (const [name, value] of Object.entries(attribs)) {
    const lower = name.toLowerCase();
    const check = Object.hasOwn(allowed, lower) ? allowed[lower] : undefined;
    if (!check) {
      removed.add(/^on/.test(lower) ? `${lower}= (event handler)` : `${lower}=`);
      continue;
    }
    if (!check(value)) {
      removed.add(`${lower}="${value.slice(0, 30)}" (bad value)`);
      continue;
    }
    if (tag === "a" && lower === "href") {
      const problem = linkUrlProblem(value);
      if (problem) {
        removed.add(`href (${problem})`);
        continue;
      }
    }
    out[lower] = value;
  }
  return out;
}

/** Attributes the generator itself sets (on top of the author's): what sanitize-html lets through. */
const OUTPUT_ATTRIBUTES: sanitizeHtml.IOptions["allowedAttributes"] = {
  "*": Object.keys(AUTHOR_ATTRIBUTES["*"]),
  a: ["href", "name", "rel"],
  img: ["src", "alt", "width", "height", "loading"],
  span: ["class", "role", "aria-label"],
  td: ["colspan", "rowspan"],
  th: ["colspan", "rowspan"],
  ol: ["start"],
  details: ["open"]
};

function options(removed: Set<string>, policy: HtmlPolicy): sanitizeHtml.IOptions {
  const generated = new WeakSet<object>();
  return {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: OUTPUT_ATTRIBUTES,
    // A second wall behind authorAttributes: the same schemes, on every attribute that can hold a URL.
    allowedSchemes: [...LINK_SCHEMES],
    allowedSchemesByTag: {img: []},
    allowedSchemesAppliedToAttributes: ["href", "src", "cite", "action", "formaction", "srcset", "poster", "xlink:href", "background", "data", "codebase"],
    allowProtocolRelative: false,
    disallowedTagsMode: "escape",
    onOpenTag(name) {
      if (!ALLOWED_TAGS.includes(name)) removed.add(`<${name}>`);
    },
    transformTags: {
      img(_name, attribs) {
        const alt = attribs.alt ?? "";
        const src = attribs.src ?? "";
        const kept = authorAttributes("img", attribs, removed);
        const decision: ImageDecision = !src ? {refused: tBook("imageNoSrc")} : policy.image ? policy.image(src) : {refused: tBook("imageNotPublished")};
        if ("url" in decision) return {tagName: "img", attribs: {...kept, src: decision.url, alt, loading: "lazy"}};
        const span = {class: "gb-image-offline", role: "img", "aria-label": alt || tBook("image")};
        generated.add(span);
        return {tagName: "span", attribs: span, text: `🖼 ${alt || tBook("image")}${tBook("paren", {x: decision.refused})}`};
      },
      "*"(name, attribs) {
        if (generated.has(attribs) || name === "img") return {tagName: name, attribs};
        const kept = authorAttributes(name, attribs, removed);
        if (name === "a" && kept.href && /^https?:/i.test(kept.href.trim())) kept.rel = "noopener noreferrer";
        return {tagName: name, attribs: kept};
      }
    }
  };
}

/**
 * Sanitises a raw HTML fragment from a chapter (a markdown HTML block). `removed` lists every tag escaped and every
 * attribute removed, for the author's warning; `changed` is true when that list is not empty.
 */
export function sanitizeFragment(html: string, policy: HtmlPolicy = {}): {html: string; changed: boolean; removed: string[]} {
  const removed = new Set<string>();
  const out = sanitizeHtml(html, options(removed, policy));
  return {html: out, changed: removed.size > 0, removed: [...removed]};
}

/**
 * One inline raw tag from a paragraph (`<sub>`, `</b>`, `<a href=…>`, `<img src=…>`), under the same policy as
 * {@link sanitizeFragment}. A tag that is not allowed is shown as text; an allowed one keeps only its safe attributes.
 */
export function sanitizeInlineTag(tag: string, policy: HtmlPolicy = {}): {html: string; ok: boolean; removed: string[]} {
  const close = tag.match(/^<\/([a-zA-Z][a-zA-Z0-9-]*)\s*>$/);
  if (close) {
    const name = close[1].toLowerCase();
    if (ALLOWED_TAGS.includes(name) && !VOID_TAGS.has(name)) return {html: `</${name}>`, ok: true, removed: []};
    return {html: escapeHtml(tag), ok: false, removed: [`</${name}>`]};
  }
  const open = tag.match(/^<([a-zA-Z][a-zA-Z0-9-]*)[\s/>]/);
  if (!open) return {html: escapeHtml(tag), ok: !/^<\w/.test(tag), removed: []}; // comments etc. are shown as text
  const name = open[1].toLowerCase();
  if (!ALLOWED_TAGS.includes(name)) return {html: escapeHtml(tag), ok: false, removed: [`<${name}>`]};
  const {html, removed} = sanitizeFragment(tag, policy);
  // sanitize-html closes what it opens: an inline opening tag keeps only its own tag (its content follows in the text).
  const first = VOID_TAGS.has(name) ? html : (html.match(/^<[a-z][a-z0-9]*(?:\s[^>]*)?>/)?.[0] ?? `<${name}>`);
  return {html: first, ok: removed.length === 0, removed};
}

/**
 * Makes generated HTML safe to embed in a Framework markdown page: no blank lines (they would end the HTML block),
 * newlines inside <pre> kept as entities, and `$` escaped so Framework never sees a `${…}` interpolation.
 */
export function embedHtml(html: string): string {
  const parts = html.split(/(<pre[\s\S]*?<\/pre>)/g);
  return parts
    .map((p, i) => (i % 2 === 1 ? p.replace(/\n/g, "&#10;") : p.replace(/\n\s*\n+/g, "\n")))
    .join("")
    .replace(/\$/g, "&#36;")
    .replace(/`/g, "&#96;")
    .trim();
}
