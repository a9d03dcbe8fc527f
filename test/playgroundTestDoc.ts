/** Shared by the playground tests: a document's generated playground spec and cells, and an answer key's line. */
import {mkdtempSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {PlaygroundSpec} from "../components/playground/spec.js";
import {loadChapter} from "../src/chapter.js";
import {playgroundEnricher} from "../src/playgroundEnricher.js";

/** The playground the generator plans for a one-file chapter made of `lines`: its spec and its cells' code. */
export async function specOf(lines: string[]): Promise<{spec: PlaygroundSpec; code: string[]}> {
  const dir = mkdtempSync(join(tmpdir(), "gb-pg-doc-"));
  writeFileSync(join(dir, "doc.md"), lines.join("\n"));
  const chapter = loadChapter(dir, {file: "doc.md", slug: "doc"}, 0);
  const plan = await playgroundEnricher.plan(chapter);
  const cells = chapter.sections.flatMap((s) => s.blocks.map((_, i) => plan(s, i))).find((c) => c.length);
  if (!cells) throw new Error("no playground cells");
  const code = cells.map((c) => c.code);
  return {spec: JSON.parse(code[0].slice("const pg1Spec = ".length, -1)), code};
}

/**
 * The line the formula engine and the playground spec give the formula or sentence where `at` first occurs: its own
 * line, or the `$$` line that opens its block (also when `\begin{aligned}` has a line of its own). `npm run check --
 * --json` reports the line after a lone `$$` instead (README), see test/check-json-lines.test.ts.
 */
export function lineOf(text: string, at: string): number {
  const lines = text.split("\n");
  const k = lines.findIndex((l) => l.includes(at));
  if (k < 0) throw new Error(`answer text not found: ${at}`);
  if (k > 0 && lines[k - 1].trim() === "$$") return k;
  return k > 1 && lines[k - 2].trim() === "$$" && /^\\begin\{[a-z*]+\}$/.test(lines[k - 1].trim()) ? k - 1 : k + 1;
}
