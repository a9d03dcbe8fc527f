import {mkdtempSync, readFileSync, readdirSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, test} from "vitest";
import {loadAssignment} from "../src/exercises/assignment.js";
import {exercisesEnricher} from "../src/exercises/enricher.js";
import {generateBook} from "../src/generate.js";

describe("a teacher's assignment builds a homework variant of the book", () => {
  test("only the assigned chapters and exercises, with the assignment's seed and solutions setting", async () => {
    const root = process.cwd();
    const a = loadAssignment(join(root, "assignments/demo.json"));
    const outDir = mkdtempSync(join(tmpdir(), "gb-hw-"));
    const r = await generateBook({root, outDir, onlyFiles: a.chapters, enrichers: [exercisesEnricher(root, {assignment: a})]});
    expect(r.chapters.map((c) => c.part.file.replace(/\.md$/, ""))).toEqual(a.chapters);
    const partDirs = readdirSync(outDir).filter((d) => !d.startsWith(".") && !d.startsWith("_") && !/\.(md|css)$/.test(d) && d !== "components" && d !== "data");
    expect(partDirs.length).toBe(a.chapters.length);
    const pages = r.chapters.flatMap((c) => c.sections.map((s) => readFileSync(join(outDir, c.part.slug, `${s.slug}.md`), "utf-8"))).join("\n");
    const ids = [...pages.matchAll(/display\(Exercise\(\{"id":"([^"]+)"/g)].map((m) => m[1]).sort();
    expect(ids).toEqual([...(a.exercises ?? ids)].sort());
    expect(pages.includes('"solution"')).toBe(a.solutions);
    expect(pages).toContain(`"seed":${a.seed}`);
    expect(pages).not.toContain('"hidden"');
  });
});
