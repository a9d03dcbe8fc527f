import {formatDiagnostic} from "../src/diagnostics.js";
import {generateBook} from "../src/generate.js";
import {defaultEnrichers} from "../src/enrichers.js";

const t0 = performance.now();
const result = await generateBook({root: process.cwd(), enrichers: await defaultEnrichers(process.cwd())});
for (const d of result.diagnostics) console.error(formatDiagnostic(d));
const errors = result.diagnostics.filter((d) => d.severity === "error").length;
const warnings = result.diagnostics.length - errors;
console.log(`gradbook: ${result.chapters.length} parts, ${result.pages.length} pages generated in ${Math.round(performance.now() - t0)} ms (${errors} errors, ${warnings} warnings; run npm run check for details)`);
