import {existsSync, readFileSync, readdirSync, rmSync, writeFileSync} from "node:fs";
import {basename, join} from "node:path";
import {describe, expect, test} from "vitest";
import {buildChapter} from "../src/chapter.js";
import {Diagnostics, formatDiagnostic} from "../src/diagnostics.js";
import {mermaidEnricher} from "../src/enrichers.js";
import {renderPage, renderPartIndex} from "../src/page.js";

/**
 * Golden tests: test/input/NAME.md → test/output/NAME.md (every page the generator writes for it, and its
 * diagnostics). A mismatch writes test/output/NAME-changed.md for review; UPDATE_GOLDEN=1 accepts the new output.
 */
async function generateFor(file: string): Promise<string> {
  const name = basename(file, ".md");
  const diag = new Diagnostics(`test/input/${name}.md`);
  const chapter = buildChapter(readFileSync(file), {file: `${name}.md`, slug: name}, 0, diag, file);
  const plan = await mermaidEnricher.plan(chapter);
  const out = [`<!-- diagnostics -->`, ...diag.items.map(formatDiagnostic), `<!-- page: index -->`, renderPartIndex(chapter)];
  for (const s of chapter.sections) out.push(`<!-- page: ${s.slug} (${s.kind}, lines ${s.start}-${s.end}) -->`, renderPage(chapter, s, plan));
  return out.join("\n");
}

describe("generator golden files", () => {
  const inputs = readdirSync("test/input").filter((f) => f.endsWith(".md"));
  test("there are golden inputs", () => expect(inputs.length).toBeGreaterThanOrEqual(2));
  test.each(inputs)("%s", async (f) => {
    const actual = await generateFor(join("test/input", f));
    const expectedPath = join("test/output", f);
    const changedPath = expectedPath.replace(/\.md$/, "-changed.md");
    if (process.env.UPDATE_GOLDEN || !existsSync(expectedPath)) writeFileSync(expectedPath, actual);
    const expected = readFileSync(expectedPath, "utf-8");
    if (actual !== expected) writeFileSync(changedPath, actual);
    else rmSync(changedPath, {force: true});
    expect(actual === expected, `output differs: compare ${expectedPath} with ${changedPath}`).toBe(true);
  });
});
