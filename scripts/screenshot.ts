/**
 * A screenshot of a built page in headless Chromium (README's picture, or to look at a page):
 *   tsx scripts/screenshot.ts /path out.png [selector-to-scroll-to]
 */
import {startBook} from "../test/browser/harness.js";

const [path = "/", out = "screenshot.png", selector] = process.argv.slice(2);
const b = await startBook("dist");
const {page, report} = await b.open(path);
await page.setViewportSize({width: 1200, height: 900});
if (selector) {
  await page.waitForSelector(selector);
  await page.$eval(selector, (e) => e.scrollIntoView({block: "start"}));
  await page.evaluate(() => window.scrollBy(0, -120));
  await page.waitForTimeout(300);
}
await page.screenshot({path: out, fullPage: false});
console.log(JSON.stringify(report));
await b.close();
