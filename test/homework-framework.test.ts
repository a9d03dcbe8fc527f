/**
 * The Exercise cell the enricher emits, in a real Observable Framework static build (offline npm cache, bare
 * `codemirror` imports bundled under /_node/), opened in headless Chromium: no page error, no external request,
 * Run tests works, an infinite loop is stopped.
 */
import {execFileSync} from "node:child_process";
import {mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {afterAll, beforeAll, expect, test} from "vitest";
import {loadExercises} from "../src/exercises.js";
import {exerciseCell} from "../src/exercises/enricher.js";
import {type BookSession, startBook} from "./browser/harness.js";

let dir: string;
let book: BookSession;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "exercise-framework-"));
  mkdirSync(join(dir, "src", "part"), {recursive: true});
  symlinkSync(resolve("node_modules"), join(dir, "node_modules"), "dir");
  symlinkSync(resolve("components"), join(dir, "src", "components"), "dir");
  symlinkSync(resolve("data"), join(dir, "src", "data"), "dir");
  writeFileSync(join(dir, "package.json"), '{"type": "module", "private": true}\n');
  writeFileSync(join(dir, "observablehq.config.js"), 'export default {root: "src", output: "dist", globalStylesheets: [], footer: "", title: "t"};\n');
  const {exercises} = loadExercises("chapters/exercises");
  const cells = ["mse", "attention"].map((id) => exerciseCell(exercises.find((e) => e.id === id)!, {solutions: false, seed: 5, assignment: "fw"}));
  writeFileSync(join(dir, "src", "index.md"), "# index\n");
  writeFileSync(join(dir, "src", "part", "math.md"), "---\ntitle: math\n---\n\n```js\n" + cells[0].imports.join("\n") + "\n```\n\n# Math\n\n" +
    cells.map((c) => "```js\n" + c.code + "\n```").join("\n\n") + "\n");
  const env = {...process.env, OBSERVABLE_TELEMETRY_DISABLE: "1"};
  execFileSync(resolve("node_modules/.bin/tsx"), [resolve("scripts/offline-cache.ts"), "src"], {cwd: dir, env, stdio: "pipe"});
  execFileSync(resolve("node_modules/.bin/observable"), ["build"], {cwd: dir, env, stdio: "pipe"});
  book = await startBook(join(dir, "dist"));
}, 180_000);
afterAll(async () => {
  await book?.close();
  rmSync(dir, {recursive: true, force: true});
});

test("exercise cells work in a Framework build: run, pass/fail, infinite loop stopped, nothing external", async () => {
  const {page, report} = await book.open("/part/math", {waitFor: "#exercise-attention .cm-content"});
  await page.click("#exercise-mse .gb-ex-run");
  await page.waitForFunction(() => /通过/.test(document.querySelector("#exercise-mse .gb-ex-status")?.textContent ?? ""), undefined, {timeout: 20_000});
  expect(await page.locator("#exercise-mse .gb-ex-status").innerText()).toMatch(/^通过 2 \/ 4 个测试，可见测试得分 0 \/ 2/);
  await page.click("#exercise-attention .cm-content");
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText("function attention() { for (;;) {} }");
  await page.click("#exercise-attention .gb-ex-run");
  await page.waitForFunction(() => /超时/.test(document.querySelector("#exercise-attention .gb-ex-status")?.textContent ?? ""), undefined, {timeout: 20_000});
  expect(report.pageErrors).toEqual([]);
  expect(report.consoleErrors).toEqual([]);
  expect(report.failedRequests).toEqual([]);
  expect(report.externalRequests).toEqual([]);
});
