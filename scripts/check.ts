/**
 * npm run check [-- [--json] [DIR]] — lints every chapter (of chapters/, or of DIR) without building: prints
 * file:line diagnostics and a per-chapter table, exits 1 when any error is found (warnings alone exit 0).
 * With --json, stdout carries exactly one JSON object (schema in README; src/checkJson.ts) and everything else,
 * the diagnostics included, goes to stderr.
 */
import {existsSync} from "node:fs";
import {join, relative, resolve} from "node:path";
import {authorCellDiagnostics} from "../src/authorCells.js";
import {atLatexLines, checkJson} from "../src/checkJson.js";
import {byPlace, formatDiagnostic} from "../src/diagnostics.js";
import {defaultEnrichers, exercisesOf} from "../src/enrichers.js";
import {loadAll, planDiagnostics} from "../src/generate.js";
import {chapterReport} from "../src/report.js";

const root = process.cwd();
const args = process.argv.slice(2);
const json = args.includes("--json");
const unknown = args.filter((a) => a.startsWith("-") && a !== "--json");
if (unknown.length) {
  console.error(`unknown option ${unknown.join(", ")}\nusage: npm run check -- [--json] [DIR]`);
  process.exit(2);
}
if (json) {
  // Nothing but the report may reach stdout: libraries that print (tf's greeting) and our own lines go to stderr.
  const toErr = (...a: unknown[]) => process.stderr.write(a.map(String).join(" ") + "\n");
  console.log = console.info = console.warn = console.debug = toErr;
}
const dirArg = args.find((a) => !a.startsWith("-"));
const dir = dirArg ? resolve(dirArg) : undefined;
if (dir && !existsSync(dir)) {
  console.error(`${dirArg}: no such directory`);
  process.exit(2);
}
const {book, chapters, diagnostics} = loadAll(root, dir);
// the authors' own cells, when the book runs them (book.json "executable": true)
diagnostics.push(...authorCellDiagnostics(book, chapters));
// What the build's enrichers find (code the translator cannot follow, wrong derivatives, exercise problems); for
// another folder its own exercises/ subfolder holds the exercise files.
const exercises = dir ? {exercisesDir: join(dir, "exercises"), exercisesDisplayDir: join(relative(root, dir) || ".", "exercises")} : {};
const enrichers = await defaultEnrichers(root, exercises);
diagnostics.push(...(await planDiagnostics(chapters, enrichers)));
diagnostics.sort(byPlace);
const errors = diagnostics.filter((d) => d.severity === "error").length;
if (json) {
  process.stdout.write(JSON.stringify(await checkJson(chapters, diagnostics, exercisesOf(enrichers)), null, 2) + "\n");
} else {
  for (const d of atLatexLines(chapters, diagnostics)) console.log(formatDiagnostic(d));
  const rows = await Promise.all(chapters.map((c) => chapterReport(c, diagnostics.filter((d) => d.file === c.file))));
  console.log("");
  console.table(rows);
  console.log(`${chapters.length} chapters, ${rows.reduce((s, r) => s + r.pages, 0)} section pages: ${errors} errors, ${diagnostics.length - errors} warnings`);
}
process.exit(errors ? 1 : 0);
