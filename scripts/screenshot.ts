import {startBook} from "../test/browser/harness.js";
const b = await startBook("dist");
const path = process.argv[2] ?? "/startup-chaos/math";
const {page, report} = await b.open(path);
await page.setViewportSize({width: 1200, height: 1400});
await page.screenshot({path: process.argv[3] ?? "/tmp/shot.png", fullPage: false});
console.log(JSON.stringify(report));
await b.close();
