/**
 * npm run corpus: runs the formula engine over test/corpus/*.md and scores it against test/corpus/answers.json.
 * Per document and in total: planted errors flagged (recall), correct formulas flagged (false alarms), correct
 * derivations/identities/worked examples verified, keyed display formulas executed, and cells whose default values are
 * not finite without a stated reason. Prints a table, then BENCH lines (bench/run.ts protocol).
 * `npm run corpus -- -v` also lists every keyed formula with its status; `-- 07` only documents matching "07";
 * `-- --dir=folder` scores another corpus with its own answers.json.
 */
import * as tf from "@tensorflow/tfjs";
import {readFileSync, readdirSync} from "node:fs";
import {dirname, join, resolve} from "node:path";
import {fileURLToPath, pathToFileURL} from "node:url";
import {analyzeChapter, type FormulaReport, type MathBlock} from "../components/formula/analyze.js";
import {extractMathBlocks} from "../components/formula/extract.js";
import {runPlan} from "../components/formula/runPlan.js";
import {allFinite} from "../components/formula/values.js";

export interface Answer {
  line: number;
  kind: "error" | "correct";
  /** derivative (a stated derivative), identity (both sides symbolic), numeric (a worked example), definition, update. */
  type: "derivative" | "identity" | "numeric" | "definition" | "update";
  what: string;
}

export interface Scored extends Answer {
  status: FormulaReport["status"] | "missing";
  reason?: string;
  latex?: string;
}

export interface DocScore {
  file: string;
  items: Scored[];
  errors: number;
  flagged: number;
  correct: number;
  falseAlarms: number;
  checkable: number;
  verified: number;
  executed: number;
  nonFinite: {line: number; what: string}[];
}

const CHECKABLE = new Set(["derivative", "identity", "numeric"]);

/** Line of the formula's first LaTeX line: the line after a lone `$$`, else the block's own line. */
function firstLatexLine(b: MathBlock, lines: string[]): number {
  return lines[b.line - 1]?.trim() === "$$" ? b.line + 1 : b.line;
}

/** Cells whose default values are not finite: the page would show NaN or ∞ on first display. */
function nonFiniteCells(r: FormulaReport): string | undefined {
  if (!r.plan || r.status === "not-executable") return undefined;
  if (r.plan.kind === "derivation") return undefined; // checked by the derivation itself (stated vs autodiff)
  const run = runPlan(r.plan, r.plan.symbols);
  const bad = run.equations.findIndex((e) => !e.error && !allFinite(e.value));
  if (bad >= 0 && !r.reason) return `equation ${bad + 1} (${r.plan.equations[bad]?.lhs || "expression"}) is not finite`;
  if (run.iterates?.some((it) => !it.w.every(Number.isFinite) || !Number.isFinite(it.loss)) && !r.reason) return "iterates are not finite";
  return undefined;
}

export async function scoreCorpus(dir: string, filter = ""): Promise<DocScore[]> {
  const answers = JSON.parse(readFileSync(join(dir, "answers.json"), "utf8")) as Record<string, Answer[]>;
  const files = readdirSync(dir).filter((f) => f.endsWith(".md") && f.includes(filter)).sort();
  const out: DocScore[] = [];
  for (const file of files) {
    const text = readFileSync(join(dir, file), "utf8");
    const lines = text.split("\n");
    const blocks = extractMathBlocks(text, file);
    const reports = await analyzeChapter(blocks, {seed: 1});
    const key = answers[file] ?? [];
    const items: Scored[] = key.map((a) => {
      const i = blocks.findIndex((b) => b.display && firstLatexLine(b, lines) === a.line);
      if (i < 0) return {...a, status: "missing"};
      const r = reports[i];
      return {...a, status: r.status, ...(r.reason ? {reason: r.reason} : {}), latex: blocks[i].latex};
    });
    const nonFinite: DocScore["nonFinite"] = [];
    reports.forEach((r, i) => {
      const what = nonFiniteCells(r);
      if (what) nonFinite.push({line: firstLatexLine(blocks[i], lines), what});
    });
    const errs = items.filter((x) => x.kind === "error"), cor = items.filter((x) => x.kind === "correct");
    const checkable = cor.filter((x) => CHECKABLE.has(x.type));
    out.push({
      file,
      items,
      errors: errs.length,
      flagged: errs.filter((x) => x.status === "flagged").length,
      correct: cor.length,
      falseAlarms: cor.filter((x) => x.status === "flagged").length,
      checkable: checkable.length,
      verified: checkable.filter((x) => x.status === "verified").length,
      executed: items.filter((x) => x.status !== "not-executable" && x.status !== "missing").length,
      nonFinite
    });
  }
  return out;
}

export function totals(docs: DocScore[]) {
  const sum = (f: (d: DocScore) => number) => docs.reduce((s, d) => s + f(d), 0);
  const items = docs.flatMap((d) => d.items);
  return {
    errors: sum((d) => d.errors),
    flagged: sum((d) => d.flagged),
    correct: sum((d) => d.correct),
    falseAlarms: sum((d) => d.falseAlarms),
    checkable: sum((d) => d.checkable),
    verified: sum((d) => d.verified),
    keyed: items.length,
    executed: sum((d) => d.executed),
    nonFinite: sum((d) => d.nonFinite.length),
    items
  };
}

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : "—");

async function main() {
  const args = process.argv.slice(2);
  const verbose = args.includes("-v");
  // --dir=folder scores another corpus in the same format (documents held out of the engine's development).
  const dirArg = args.find((a) => a.startsWith("--dir="))?.slice(6);
  const filter = args.find((a) => !a.startsWith("-")) ?? "";
  await tf.setBackend("cpu");
  const dir = dirArg ? resolve(dirArg) : resolve(dirname(fileURLToPath(import.meta.url)), "../test/corpus");
  const docs = await scoreCorpus(dir, filter);
  const rows = [["document", "flagged/errors", "false alarms", "verified/checkable", "executed/keyed", "non-finite"]];
  for (const d of docs) rows.push([d.file, `${d.flagged}/${d.errors}`, String(d.falseAlarms), `${d.verified}/${d.checkable}`, `${d.executed}/${d.items.length}`, String(d.nonFinite.length)]);
  const t = totals(docs);
  rows.push(["TOTAL", `${t.flagged}/${t.errors} (${pct(t.flagged, t.errors)})`, String(t.falseAlarms), `${t.verified}/${t.checkable} (${pct(t.verified, t.checkable)})`, `${t.executed}/${t.keyed} (${pct(t.executed, t.keyed)})`, String(t.nonFinite)]);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const [i, r] of rows.entries()) {
    console.log(r.map((cell, c) => cell.padEnd(widths[c])).join("  "));
    if (i === 0 || i === rows.length - 2) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
  // Recall and verification per kind of formula / per kind of planted error.
  console.log("\nby type (correct formulas: verified · executed · flagged; errors: flagged):");
  for (const type of ["derivative", "identity", "numeric", "definition", "update"]) {
    const c = t.items.filter((x) => x.type === type && x.kind === "correct"), e = t.items.filter((x) => x.type === type && x.kind === "error");
    console.log(`  ${type.padEnd(10)} correct ${String(c.length).padStart(3)}: ${c.filter((x) => x.status === "verified").length} verified, ${c.filter((x) => x.status !== "not-executable").length} executed, ${c.filter((x) => x.status === "flagged").length} flagged · errors ${String(e.length).padStart(2)}: ${e.filter((x) => x.status === "flagged").length} flagged`);
  }
  const missed = t.items.filter((x) => x.kind === "error" && x.status !== "flagged");
  const alarms = t.items.filter((x) => x.kind === "correct" && x.status === "flagged");
  const docOf = (x: Scored) => docs.find((d) => d.items.includes(x))!.file;
  if (missed.length) console.log(`\nmissed errors (${missed.length}):\n` + missed.map((x) => `  ${docOf(x)}:${x.line} [${x.status}] ${x.what}${verbose && x.reason ? ` — ${x.reason}` : ""}`).join("\n"));
  if (alarms.length) console.log(`\nfalse alarms (${alarms.length}):\n` + alarms.map((x) => `  ${docOf(x)}:${x.line} ${x.what} — ${x.reason ?? ""}`).join("\n"));
  const nf = docs.flatMap((d) => d.nonFinite.map((n) => `  ${d.file}:${n.line} ${n.what}`));
  if (nf.length) console.log(`\nnon-finite cells without a reason (${nf.length}):\n${nf.join("\n")}`);
  if (verbose)
    for (const d of docs) {
      console.log(`\n${d.file}`);
      for (const x of d.items) console.log(`  ${String(x.line).padStart(3)} ${x.kind.padEnd(7)} ${x.type.padEnd(10)} ${x.status.padEnd(14)} ${x.what}${x.reason ? `  — ${x.reason.slice(0, 160)}` : ""}`);
    }
  const bench = (metric: string, value: number | string, unit?: string, target?: string) => console.log(`BENCH ${JSON.stringify({metric, value, ...(unit ? {unit} : {}), ...(target ? {target} : {})})}`);
  console.log("");
  bench("corpus planted errors flagged (recall)", t.errors ? (100 * t.flagged) / t.errors : 0, "%", "100 (≥ 95)");
  bench("corpus false alarms", t.falseAlarms, "formulas", "0");
  bench("corpus correct derivations verified", t.checkable ? (100 * t.verified) / t.checkable : 0, "%", "≥ 90");
  bench("corpus formulas executed", t.keyed ? (100 * t.executed) / t.keyed : 0, "%", "≥ 90");
  bench("corpus non-finite cells without a reason", t.nonFinite, "cells", "0");
  // The held-out corpora (test/corpus-heldout/formula-*): documents written after the engine, by authors who never
  // read it. Their first runs are in test/corpus-heldout/README.md; these are today's figures on them.
  if (!dirArg && !filter) {
    const held = resolve(dirname(fileURLToPath(import.meta.url)), "../test/corpus-heldout");
    const docs = (await Promise.all(readdirSync(held).filter((d) => d.startsWith("formula")).sort().map((d) => scoreCorpus(join(held, d))))).flat();
    const h = totals(docs);
    console.log(`
held-out (test/corpus-heldout/formula-*): recall ${h.flagged}/${h.errors}, false alarms ${h.falseAlarms}, verified ${h.verified}/${h.checkable}, executed ${h.executed}/${h.keyed}, non-finite ${h.nonFinite}`);
    bench("held-out corpus planted errors flagged (recall)", h.errors ? (100 * h.flagged) / h.errors : 0, "%", "100 (≥ 95)");
    bench("held-out corpus false alarms", h.falseAlarms, "formulas", "0");
    bench("held-out corpus correct derivations verified", h.checkable ? (100 * h.verified) / h.checkable : 0, "%", "≥ 90");
    bench("held-out corpus formulas executed", h.keyed ? (100 * h.executed) / h.keyed : 0, "%", "≥ 90");
    bench("held-out corpus non-finite cells without a reason", h.nonFinite, "cells", "0");
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
