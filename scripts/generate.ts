import {formatDiagnostic} from "../src/diagnostics.js";
import {generateBook} from "../src/generate.js";
import {defaultEnrichers} from "../src/enrichers.js";
import {loadAssignment} from "../src/exercises/assignment.js";

const t0 = performance.now();
const assignment = process.env.GRADBOOK_ASSIGNMENT ? loadAssignment(process.env.GRADBOOK_ASSIGNMENT) : undefined;
if (assignment) console.log(`gradbook: homework variant "${assignment.name}" (${assignment.chapters.join(", ")}; solutions ${assignment.solutions ? "on" : "off"})`);
const result = await generateBook({root: process.cwd(), enrichers: await defaultEnrichers(process.cwd()), onlyFiles: assignment?.chapters});
for (const d of result.diagnostics) console.error(formatDiagnostic(d));
const errors = result.diagnostics.filter((d) => d.severity === "error").length;
const warnings = result.diagnostics.length - errors;
console.log(`gradbook: ${result.chapters.length} parts, ${result.pages.length} pages generated in ${Math.round(performance.now() - t0)} ms (${errors} errors, ${warnings} warnings; run npm run check for details)`);
