import {startBook} from "../test/browser/harness.js";
const b = await startBook("dist");
const {page, report} = await b.open(process.argv[2] ?? "/scratch");
await page.waitForTimeout(3000);
console.log(await page.evaluate(() => document.querySelector("#result")?.textContent ?? document.querySelector("#observablehq-main")?.textContent?.slice(0, 500)));
console.log(JSON.stringify(report, null, 1));
await b.close();
