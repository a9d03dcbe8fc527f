import {startBook} from "../test/browser/harness.js";
const b = await startBook("dist");
const {page, report} = await b.open(process.argv[2]);
await page.setViewportSize({width: 1200, height: 1000});
await page.waitForTimeout(1500);
const el = await page.$(process.argv[3]);
if (el) { await el.scrollIntoViewIfNeeded(); await el.screenshot({path: process.argv[4]}); console.log("state", await el.getAttribute("data-state")); }
else console.log("no element");
console.log(JSON.stringify(report));
await b.close();
