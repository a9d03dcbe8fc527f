import {describe, expect, test} from "vitest";
import {linkUrlProblem, sanitizeFragment, sanitizeInlineTag} from "../src/html.js";

describe("linkUrlProblem: the one URL policy of links", () => {
  test.each([
    ["https://example.org/a?b#c", undefined],
    ["http://example.org", undefined],
    ["mailto:a@example.org", undefined],
    ["../other/page", undefined],
    ["#frag", undefined],
    ["page?x=1:2", undefined],
    ["javascript:alert(1)", "javascript: URL"],
    ["JaVaScRiPt:alert(1)", "javascript: URL"],
    [" \u0001javascript:alert(1)", "javascript: URL"],
    ["java\tscr\nipt:alert(1)", "javascript: URL"],
    ["data:text/html,x", "data: URL"],
    ["vbscript:x", "vbscript: URL"],
    ["file:///etc/passwd", "file: URL"],
    ["//evil.example/x", "protocol-relative URL"],
    ["\\\\evil.example/x", "protocol-relative URL"]
  ])("%j → %s", (url, problem) => expect(linkUrlProblem(url)).toBe(problem));
});

describe("sanitizeInlineTag: inline tags under the block policy", () => {
  test.each([
    ['<a href="&#106;avascript:alert(1)" target="_self">', "<a>", ["href (javascript: URL)", "target="]],
    ['<a href="&#106avascript:alert(1)">', "<a>", ["href (javascript: URL)"]],
    ['<a href="javascript&#58;alert(1)">', "<a>", ["href (javascript: URL)"]],
    ['<a href="javascript&colon;alert(1)">', "<a>", ["href (javascript: URL)"]],
    ['<a href="data:text/html,x">', "<a>", ["href (data: URL)"]],
    ['<a href="https://example.org/">', '<a href="https://example.org/" rel="noopener noreferrer">', []],
    ['<a href="#x" name="x">', '<a href="#x" name="x">', []],
    ['<span onclick="x()" style="color:red" class="c">', "<span>", ["onclick= (event handler)", "style=", "class="]],
    ["<sub>", "<sub>", []],
    ["</sup>", "</sup>", []],
    ["<br>", "<br />", []],
    ['<td colspan="2" rowspan="x">', '<td colspan="2">', ['rowspan="x" (bad value)']]
  ])("%s", (tag, html, removed) => {
    const r = sanitizeInlineTag(tag);
    expect(r.html).toBe(html);
    expect(r.removed).toEqual(removed);
    expect(r.ok).toBe(removed.length === 0);
  });
  test("a tag that is not allowed is shown as text", () => {
    expect(sanitizeInlineTag('<svg onload="x()">')).toEqual({html: "&lt;svg onload=&quot;x()&quot;&gt;", ok: false, removed: ["<svg>"]});
    expect(sanitizeInlineTag("</script>")).toEqual({html: "&lt;/script&gt;", ok: false, removed: ["</script>"]});
  });
  test("an <img> goes through the image policy: published URL or alt text", () => {
    const seen: string[] = [];
    const policy = {image: (src: string) => (seen.push(src), src === "ok.png" ? {url: "./_assets/abc-ok.png"} : {refused: "图片缺失"})};
    expect(sanitizeInlineTag('<img src="ok.png" alt="好" onerror="x()">', policy)).toEqual({
      html: '<img src="./_assets/abc-ok.png" alt="好" loading="lazy" />',
      ok: false,
      removed: ["onerror= (event handler)"]
    });
    expect(sanitizeInlineTag('<img src="/etc/passwd" alt="密">', policy).html).toBe('<span class="gb-image-offline" role="img" aria-label="密">🖼 密（图片缺失）</span>');
    expect(seen).toEqual(["ok.png", "/etc/passwd"]);
    // without a policy (nothing can be published) every image shows its alt text
    expect(sanitizeInlineTag('<img src="ok.png" alt="好">').html).toBe('<span class="gb-image-offline" role="img" aria-label="好">🖼 好（图片未发布）</span>');
  });
});

describe("sanitizeFragment: block HTML", () => {
  test("URL attributes other than a[href] and img[src] are removed and reported", () => {
    const r = sanitizeFragment('<div><a href="&#x6A;avascript:1">a</a><img srcset="x.png 2x" src="" alt="无"><blockquote cite="javascript:1">q</blockquote></div>');
    expect(r.html).toBe('<div><a>a</a><span class="gb-image-offline" role="img" aria-label="无">🖼 无（图片没有地址）</span><blockquote>q</blockquote></div>');
    expect(r.removed).toEqual(["href (javascript: URL)", "srcset=", "cite="]);
    expect(r.changed).toBe(true);
  });
  test("what chapters need passes unchanged", () => {
    const html = '<table><thead><tr><th colspan="2">h</th></tr></thead><tbody><tr><td>a<br />b<sub>1</sub><sup>2</sup></td></tr></tbody></table>';
    expect(sanitizeFragment(html)).toEqual({html, changed: false, removed: []});
    expect(sanitizeFragment("<details open><summary>s</summary>d</details>").html).toBe("<details open><summary>s</summary>d</details>");
  });
  test("<style>, <iframe srcdoc>, <meta refresh>, <base> are escaped as text, their attributes dropped", () => {
    const r = sanitizeFragment('<style>@import "http://evil/x.css";</style><iframe srcdoc="<script>1</script>"></iframe><meta http-equiv="refresh" content="0;url=javascript:1"><base href="http://evil/">');
    expect(r.html).toBe('&lt;style&gt;@import "http://evil/x.css";&lt;/style&gt;&lt;iframe&gt;&lt;/iframe&gt;&lt;meta /&gt;&lt;base /&gt;');
    expect(r.removed).toEqual(["<style>", "<iframe>", "srcdoc=", "<meta>", "http-equiv=", "content=", "<base>", "href="]);
  });
});
