/**
 * npm run check — lints every chapter without building: prints file:line diagnostics and a per-chapter table,
 * exits 1 when any error is found (warnings alone exit 0).
 */
import {byPlace, formatDiagnostic} from "../src/diagnostics.js";
import {defaultEnrichers} from "../src/enrichers.js";
import {loadAll, planDiagnostics} from "../src/generate.js";
import {chapterReport} from "../src/report.js";

const root = process.cwd();
const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith("-"));
const {chapters, diagnostics} = loadAll(root, dir);
if (!dir) {
  // What the build's enrichers find (code the translator cannot follow, wrong derivatives, exercise problems).
  diagnostics.push(...(await planDiagnostics(chapters, await defaultEnrichers(root))));
}
diagnostics.sort(byPlace);
for (const d of diagnostics) console.log(formatDiagnostic(d));
const rows = await Promise.all(chapters.map((c) => chapterReport(c, diagnostics.filter((d) => d.file === c.file))));
console.log("");
console.table(rows);
const errors = diagnostics.filter((d) => d.severity === "error").length;
console.log(`${chapters.length} chapters, ${rows.reduce((s, r) => s + r.pages, 0)} section pages: ${errors} errors, ${diagnostics.length - errors} warnings`);
process.exit(errors ? 1 : 0);
