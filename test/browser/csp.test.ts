import {existsSync, readFileSync, readdirSync} from "node:fs";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {policyFor, scriptHash} from "../../scripts/csp.js";
import {type BookSession, startBook} from "./harness.js";

/**
 * The Content-Security-Policy that scripts/csp.ts adds to every built page: the second wall behind the generator's
 * sanitiser. Whatever markup got into a page, an inline handler, a javascript: URL or an unhashed inline script
 * does not run, and the browser reports each attempt.
 */
function pages(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) =>
    e.isDirectory() ? (e.name.startsWith("_") ? [] : pages(join(dir, e.name))) : e.name.endsWith(".html") ? [join(dir, e.name)] : []
  );
}

let book: BookSession;
beforeAll(async () => {
  if (!existsSync("dist/index.html")) throw new Error("dist/ is missing: run npm run build first (npm test does)");
  book = await startBook("dist");
});
afterAll(async () => book?.close());

describe("Content-Security-Policy of the built pages", () => {
  test("every page carries its policy before any script, with each inline script's hash and nothing unsafe-inline", () => {
    const files = pages("dist");
    expect(files.length).toBeGreaterThanOrEqual(50);
    for (const f of files) {
      const html = readFileSync(f, "utf-8");
      const head = html.match(/<head>\s*<meta charset="utf-8">\s*<meta http-equiv="Content-Security-Policy" content="([^"]+)">/);
      expect(head, f).not.toBeNull();
      const policy = head![1];
      expect(policy).toBe(policyFor(html));
      const scriptSrc = policy.split("; ").find((d) => d.startsWith("script-src "))!;
      expect(scriptSrc).not.toContain("'unsafe-inline'");
      for (const m of html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)) expect(scriptSrc, f).toContain(scriptHash(m[1]));
      expect(html.indexOf("Content-Security-Policy")).toBeLessThan(html.indexOf("<script"));
      expect(html.indexOf("<meta charset")).toBeLessThan(1024);
      expect(html, f).toMatch(/<script src="(\.\.\/)*(\.\/)?coi-register\.js"><\/script>\n<\/head>/); // components/coi/, external: no hash needed
      expect(scriptSrc).not.toContain("'unsafe-eval'");
    }
  });

  test("an injected inline handler, javascript: link and inline script do not run; each is a reported violation", async () => {
    const {page, report} = await book.open("/startup-chaos/background", {waitFor: "#observablehq-main"});
    await page.evaluate(() => {
      const w = window as unknown as {__violations: string[]};
      w.__violations = [];
      document.addEventListener("securitypolicyviolation", (e) => w.__violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
      document.body.insertAdjacentHTML("beforeend", `<img src="x-missing.png" onerror="window.__pwned = 1">`);
      document.body.insertAdjacentHTML("beforeend", `<a id="gb-evil" href="javascript:window.__pwned2 = 1">x</a>`);
      document.getElementById("gb-evil")!.click();
      const s = document.createElement("script");
      s.textContent = "window.__pwned3 = 1";
      document.body.append(s);
    });
    await page.waitForFunction(() => (window as unknown as {__violations: string[]}).__violations.length >= 3, undefined, {timeout: 5000});
    const state = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      return {pwned: [w.__pwned, w.__pwned2, w.__pwned3], violations: (w.__violations as string[]).slice().sort()};
    });
    await page.close();
    expect(state.pwned).toEqual([undefined, undefined, undefined]);
    expect(state.violations).toEqual(["script-src-attr inline", "script-src-elem inline", "script-src-elem inline"]);
    expect(report.pageErrors).toEqual([]);
  });

  test("a Blob-URL worker (tfjs's wasm threads) starts, but under the page's policy: no eval, no request elsewhere, no data: script; WebAssembly compiles", async () => {
    // The homework's QuickJS worker is a same-origin script: book.test.ts runs an exercise under this same policy.
    const {page, report} = await book.open("/startup-chaos/math", {waitFor: "#observablehq-main"});
    const r = await page.evaluate(async () => {
      const body = `
        const out = {};
        try { out.eval = String(eval("1 + 1")); } catch (e) { out.eval = e.name; }
        try { out.fn = String(new Function("return 2")()); } catch (e) { out.fn = e.name; }
        try { importScripts("data:text/javascript,self.imported = 1"); out.data = "ran"; } catch (e) { out.data = e.name; }
        fetch("http://example.invalid/x").then(() => "fetched", (e) => e.name).then((f) => { out.fetch = f; postMessage(out); });`;
      const worker = new Worker(URL.createObjectURL(new Blob([body], {type: "text/javascript"})));
      const outcome = await new Promise<unknown>((ok) => {
        worker.onmessage = (e) => ok(e.data);
        worker.onerror = () => ok("error");
        setTimeout(() => ok("no answer"), 5000);
      });
      worker.terminate();
      // the smallest valid module: "\0asm", version 1
      const wasm = await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])).then(() => "compiled", (e) => String(e));
      return {outcome, wasm, isolated: self.crossOriginIsolated};
    });
    await page.close();
    expect(r).toEqual({outcome: {eval: "EvalError", fn: "EvalError", data: "NetworkError", fetch: "TypeError"}, wasm: "compiled", isolated: true});
    expect(report.externalRequests).toEqual([]);
  });
});
