/**
 * The book's language for everything a reader sees. Each area keeps its own table (components/i18n/<area>.ts or
 * next to its widget) made with `messages({"zh-CN": {...}, en: {...}})`; both languages must have the same keys
 * (the type checker enforces it). Pure: no DOM access beyond reading <html lang>.
 *
 * In the page the language is <html lang> (set from the book's setting, see src/book.ts); in Node (generator,
 * grader, tests) it is whatever setLanguage() last set, "zh-CN" by default.
 */
export type Lang = "zh-CN" | "en";

export const LANGS: Lang[] = ["zh-CN", "en"];

let nodeLang: Lang = "zh-CN";

/** Sets the language outside a page (the generator sets the book's before it writes pages). */
export function setLanguage(lang: Lang): void {
  nodeLang = lang;
}

/** "en…" → "en", anything else → "zh-CN". */
export function toLang(tag: string | undefined | null): Lang {
  return tag && /^en\b/i.test(tag) ? "en" : "zh-CN";
}

/** The language now: <html lang> in a page, else the one setLanguage() set. */
export function currentLanguage(): Lang {
  if (typeof document !== "undefined" && document.documentElement?.lang) return toLang(document.documentElement.lang);
  return nodeLang;
}

export type Params = Record<string, string | number>;

/** Fills {name} placeholders; an unknown placeholder stays as written (visible in tests, never undefined). */
export function format(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

/**
 * A translator for one table: t("key", {n: 3}) in the current language (or `lang` when given).
 * Both languages have every key: `messages<"a" | "b">(…)` fails to type-check when one is missing.
 */
export function messages<K extends string>(table: Record<Lang, Record<K, string>>): (key: K, params?: Params, lang?: Lang) => string {
  return (key, params, lang) => format(table[lang ?? currentLanguage()][key], params);
}
