import sanitizeHtml from "sanitize-html";

/** Tags an author may write as raw HTML in a chapter; everything else is escaped or removed. */
const ALLOWED_TAGS = [
  "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt", "em", "figcaption",
  "figure", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span",
  "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "center", "font"
];

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: {"*": ["title", "lang", "dir", "align"], a: ["href", "name"], td: ["colspan", "rowspan"], th: ["colspan", "rowspan"]},
  allowedSchemes: ["http", "https", "mailto"],
  allowProtocolRelative: false,
  disallowedTagsMode: "escape"
};

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Sanitises a raw HTML fragment from a chapter. `changed` says whether anything unsafe was removed or escaped. */
export function sanitizeFragment(html: string): {html: string; changed: boolean; removed: string[]} {
  const removed = new Set<string>();
  const out = sanitizeHtml(html, {
    ...OPTIONS,
    onOpenTag(name, attribs) {
      if (!ALLOWED_TAGS.includes(name)) removed.add(`<${name}>`);
      for (const a of Object.keys(attribs)) if (/^on/i.test(a)) removed.add(`${a}=`);
      if (attribs.href && /^\s*javascript:/i.test(attribs.href)) removed.add("javascript: link");
    }
  });
  const norm = (s: string) => s.replace(/\s+/g, "").replace(/\/>/g, ">").toLowerCase();
  return {html: out, changed: removed.size > 0 || (norm(out) !== norm(html) && removed.size > 0), removed: [...removed]};
}

/** An inline raw tag (`<sub>`, `</b>`) passes when it is an allowed tag with no attributes beyond safe ones. */
export function sanitizeInlineTag(tag: string): {html: string; ok: boolean} {
  const m = tag.match(/^<\/?([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>$/);
  if (!m) return {html: escapeHtml(tag), ok: !/^<\w/.test(tag)}; // comments etc. are shown as text
  const name = m[1].toLowerCase();
  const attrs = m[2];
  if (!ALLOWED_TAGS.includes(name)) return {html: escapeHtml(tag), ok: false};
  if (/\bon\w+\s*=/i.test(attrs) || /javascript:/i.test(attrs) || /style\s*=/i.test(attrs)) {
    return {html: tag.startsWith("</") ? `</${name}>` : `<${name}>`, ok: false};
  }
  return {html: tag, ok: true};
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
