import {createHash} from "node:crypto";
import {mkdtempSync, mkdirSync, readFileSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, test} from "vitest";
import {addCsp, injectCsp, policyFor, scriptHash} from "../scripts/csp.js";

const PAGE = `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>t</title>
<script>document.documentElement.lang = "zh-CN";</script>
<script type="module" src="./_observablehq/client.js"></script>
</head>
<body><script type="module">
import {x} from "./a.js";
</script></body>
</html>
`;

describe("scripts/csp.ts", () => {
  test("scriptHash is the base64 sha256 of the script's text, verbatim", () => {
    expect(scriptHash("alert(1)")).toBe(`'sha256-${createHash("sha256").update("alert(1)").digest("base64")}'`);
    expect(scriptHash("alert(1)")).toBe("'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='");
  });
  test("the policy lists exactly the inline scripts (not the external one), no unsafe-inline and no unsafe-eval", () => {
    const policy = policyFor(PAGE);
    const a = scriptHash(`document.documentElement.lang = "zh-CN";`);
    const b = scriptHash(`\nimport {x} from "./a.js";\n`);
    expect(policy).toBe(
      `default-src 'self'; script-src 'self' 'wasm-unsafe-eval' blob: ${a} ${b}; worker-src 'self' blob:; connect-src 'self'; ` +
        `img-src 'self' data: blob:; font-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; form-action 'none'`
    );
  });
  test("the meta goes right after <meta charset>, before every script; running twice changes nothing", () => {
    const once = injectCsp(PAGE);
    expect(once.split("\n").slice(2, 5)).toEqual(["<head>", '<meta charset="utf-8">', `<meta http-equiv="Content-Security-Policy" content="${policyFor(PAGE)}">`]);
    expect(injectCsp(once)).toBe(once);
    expect(injectCsp("<html><head><title>x</title></head></html>")).toMatch(/^<html><head><meta http-equiv="Content-Security-Policy" content="[^"]+">\n<title>/);
  });
  test("addCsp rewrites every .html under dist", () => {
    const dist = mkdtempSync(join(tmpdir(), "gb-csp-"));
    mkdirSync(join(dist, "part"));
    writeFileSync(join(dist, "index.html"), PAGE);
    writeFileSync(join(dist, "part", "page.html"), PAGE);
    writeFileSync(join(dist, "style.css"), "body{}");
    expect(addCsp(dist)).toEqual({pages: 2});
    expect(readFileSync(join(dist, "part", "page.html"), "utf-8")).toBe(injectCsp(PAGE));
    expect(readFileSync(join(dist, "style.css"), "utf-8")).toBe("body{}");
  });
});
