/** components/coi/install.ts: the worker and the register script land at dist's root, and every page links the script relatively. */
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, expect, test} from "vitest";
import {injectCoi, installCoi} from "../components/coi/install.js";

const dist = mkdtempSync(join(tmpdir(), "gb-coi-dist-"));
afterAll(() => rmSync(dist, {recursive: true, force: true}));

test("injectCoi: before </head>, once", () => {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>t</title></head><body></body></html>`;
  const once = injectCoi(html, "../");
  expect(once).toBe(`<!doctype html><html><head><meta charset="utf-8"><title>t</title><script src="../coi-register.js"></script>\n</head><body></body></html>`);
  expect(injectCoi(once, "../")).toBe(once);
  expect(() => injectCoi("<p>no head</p>", "./")).toThrow(/no <\/head>/);
});

test("installCoi: files at the root, pages at every depth link ./, ../, ../../", () => {
  const page = `<html><head></head><body></body></html>`;
  mkdirSync(join(dist, "part", "deep"), {recursive: true});
  writeFileSync(join(dist, "index.html"), page);
  writeFileSync(join(dist, "part", "a.html"), page);
  writeFileSync(join(dist, "part", "deep", "b.html"), page);
  writeFileSync(join(dist, "part", "data.json"), "{}");
  expect(installCoi(dist)).toEqual({pages: 3});
  expect(installCoi(dist)).toEqual({pages: 3}); // a second run changes nothing
  const src = (f: string) => readFileSync(join(dist, f), "utf-8").match(/<script src="([^"]*)"><\/script>/g);
  expect([src("index.html"), src("part/a.html"), src("part/deep/b.html")]).toEqual([
    ['<script src="./coi-register.js"></script>'], ['<script src="../coi-register.js"></script>'], ['<script src="../../coi-register.js"></script>']]);
  expect(readFileSync(join(dist, "coi-sw.js"), "utf-8")).toContain("Cross-Origin-Embedder-Policy");
  expect(readFileSync(join(dist, "coi-register.js"), "utf-8")).toContain("serviceWorker");
  expect(readFileSync(join(dist, "part", "data.json"), "utf-8")).toBe("{}");
});
