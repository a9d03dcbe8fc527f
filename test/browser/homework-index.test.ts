/**
 * The homework index page of the built book: every exercise by chapter, the state of each in this browser, one
 * student id and one download of the whole submission that says what is in it and what is missing.
 */
import {readFileSync} from "node:fs";
import {afterAll, beforeAll, expect, test} from "vitest";
import {type BookSession, startBook} from "./harness.js";

let book: BookSession;
beforeAll(async () => {
  book = await startBook("dist");
});
afterAll(async () => book?.close());

test("run one exercise, then the index shows it done, the rest missing, and downloads one submission", async () => {
  const {page, report} = await book.open("/homework", {waitFor: ".gb-homework"});
  const total = await page.locator(".gb-hw-list li").count();
  expect(total).toBeGreaterThanOrEqual(9 + 5); // the 9 hand-written exercises and generated ones
  expect(await page.locator(".gb-hw-todo").count()).toBe(total);
  // Follow the link to the first exercise (mse), solve it, run the tests.
  const href = await page.getAttribute('.gb-hw-list li[data-exercise="mse"] a', "href");
  expect(href).toMatch(/\/math#exercise-mse$/);
  await page.click('.gb-hw-list li[data-exercise="mse"] a');
  await page.waitForSelector("#exercise-mse .cm-content");
  await page.click("#exercise-mse .cm-content");
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText("function mse(y, yHat) {\n  if (y.length !== yHat.length || !y.length) throw new Error('bad');\n  let s = 0;\n  for (let i = 0; i < y.length; i++) s += (y[i] - yHat[i]) ** 2;\n  return s / y.length;\n}");
  await page.click("#exercise-mse .gb-ex-run");
  await page.waitForFunction(() => /通过 4 \/ 4/.test(document.querySelector("#exercise-mse .gb-ex-status")?.textContent ?? ""), undefined, {timeout: 20_000});
  await page.goto(book.url + "/homework");
  await page.waitForSelector(".gb-homework");
  expect(await page.locator(".gb-hw-done").count()).toBe(1);
  expect(await page.locator('.gb-hw-list li[data-exercise="mse"] .gb-hw-state').innerText()).toBe("可见测试得分 2 / 2");
  expect(await page.locator(".gb-hw-summary").innerText()).toMatch(new RegExp(`^共 ${total} 道练习，已作答 1 道`));
  await page.fill(".gb-hw-student", "s2025");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(".gb-hw-download")]);
  const sub = JSON.parse(readFileSync((await download.path())!, "utf-8"));
  expect(sub).toMatchObject({format: "gradbook-submission@1", student: "s2025"});
  expect(sub.exercises.map((e: {id: string}) => e.id)).toEqual(["mse"]);
  const note = await page.locator(".gb-hw-note").innerText();
  expect(note).toMatch(/^已下载 1 道：均方误差 MSE。尚未作答 \d+ 道：/);
  expect(note).toContain(`尚未作答 ${total - 1} 道`);
  expect(report.consoleErrors).toEqual([]);
  expect(report.externalRequests).toEqual([]);
  await page.close();
}, 90_000);
