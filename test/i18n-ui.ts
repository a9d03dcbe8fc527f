/** What the i18n tests look for: English interface strings, and the UI text of a built page (test/i18n-dist.test.ts, test/browser/pages.test.ts). */
import {Parser} from "htmlparser2";

/** English interface strings (whole words, case as written). */
export const ENGLISH_UI = [
  "Previous page", "Next page", "Toggle sidebar", "Contents", "Search", "results", "train loss", "epoch", "verified",
  "randomise", "Run tests", "Download", "Student ID", "Homework", "Exercise", "Hint", "Solution", "Part",
  "not executable", "runnable"
].map((s) => ({s, re: new RegExp(`(^|[^A-Za-z])${s}([^A-Za-z]|$)`)}));

/** Text the book writes around the chapters, with the chapters' own text, code and math left out. */
export function uiText(html: string): string[] {
  const out: string[] = [];
  const skip: boolean[] = [];
  const VOID = /^(meta|link|br|img|input|hr|source|wbr|col|area|base|embed|track)$/;
  const parser = new Parser({
    onopentag(name, attrs) {
      const cls = attrs.class ?? "";
      const skipped = /^(script|style|pre|code|annotation|math|svg|template|title)$/.test(name) ||
        /\b(katex|gb-block|gb-title|gb-src|gb-part-sections|gb-sections|observablehq-link|observablehq-secondary-link)\b/.test(cls);
      if (!skip.some(Boolean)) for (const k of ["aria-label", "placeholder", "title", "alt"]) if (attrs[k]) out.push(attrs[k]);
      if (!VOID.test(name)) skip.push(skipped);
    },
    ontext(t) {
      if (!skip.some(Boolean) && t.trim()) out.push(t.trim());
    },
    onclosetag(name) {
      if (!VOID.test(name)) skip.pop();
    }
  }, {decodeEntities: true});
  parser.write(html);
  parser.end();
  return out;
}
