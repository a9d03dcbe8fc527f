import {describe, expect, test} from "vitest";
import {localizePage, pagerChapters} from "../scripts/search.js";

describe("the post-build pass over every page (scripts/search.ts)", () => {
  const page = `<!DOCTYPE html>\n<html>\n<head></head><body><input id="observablehq-sidebar-toggle" type="checkbox" title="Toggle sidebar">` +
    `<footer id="observablehq-footer">\n<nav><a rel="prev" href="./summary"><span>总结</span></a><a rel="next" href="../b/intro"><span>导读</span></a></nav></footer></body></html>`;
  const chapterOf = new Map([["/a/summary", "1. 甲"], ["/a/faq", "1. 甲"], ["/b/intro", "2. 乙"], ["/b/", "2. 乙"]]);
  test("<html lang> and the sidebar toggle's label in the book's language", () => {
    const out = localizePage(page, "zh-CN", "显示或隐藏侧边栏");
    expect(out).toContain('<html lang="zh-CN">');
    expect(out).toContain('title="显示或隐藏侧边栏" aria-label="显示或隐藏侧边栏">');
    expect(out).not.toContain("Toggle sidebar");
    expect(localizePage(out, "en", "Toggle sidebar")).toContain('<html lang="en">');
  });
  test("a pager link into another chapter names it; one inside the chapter does not; running twice changes nothing", () => {
    const out = pagerChapters(page, "/a/faq", chapterOf);
    expect(out).toContain('<a rel="next" href="../b/intro"><span>导读</span><span class="gb-pager-part">2. 乙</span></a>');
    expect(out).toContain('<a rel="prev" href="./summary"><span>总结</span></a>');
    expect(pagerChapters(out, "/a/faq", chapterOf)).toBe(out);
    // Back from the first page of part 2 into part 1
    const back = pagerChapters(page.replace('href="./summary"', 'href="../a/faq"'), "/b/intro", chapterOf);
    expect(back).toContain('<span>总结</span><span class="gb-pager-part">1. 甲</span>');
  });
});
