/**
 * Authors' own ```ts / ```js cells: run only when book.json opts in ("executable": true), shown as code otherwise;
 * an import from outside the book's components never becomes a cell; `npm run check` type-checks a page's cells
 * together (they share names) and reports errors at the chapter's file:line.
 */
import {mkdtempSync, readFileSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, test} from "vitest";
import {authorCellDiagnostics} from "../src/authorCells.js";
import {generateBook, loadAll} from "../src/generate.js";

const CHAPTER = `# Cells

## 1. Background

Try the rate.

\`\`\`ts
const rate = view(Inputs.range([0, 1], {value: 0.5, label: "rate"}));
\`\`\`

\`\`\`ts
const steps: number = 10;
const after = (1 - rate) ** steps;
display(after.toFixed(3));
const wrong: string = 3;
\`\`\`

\`\`\`js
import {x} from "npm:left-pad";
\`\`\`
`;

function book(executable: boolean | undefined) {
  const dir = mkdtempSync(join(tmpdir(), "gb-cells-"));
  writeFileSync(join(dir, "a.md"), CHAPTER);
  writeFileSync(join(dir, "book.json"), JSON.stringify({title: "Cells", language: "en", ...(executable === undefined ? {} : {executable}), parts: [{file: "a.md", slug: "cells"}]}));
  return dir;
}

describe("author cells", () => {
  test("opted in: ts blocks become echo cells; the npm import stays code; off by default: no cell at all", async () => {
    const on = book(true);
    await generateBook({root: on, chaptersDir: on, outDir: join(on, "out")});
    const page = readFileSync(join(on, "out/cells/background.md"), "utf8");
    expect(page).toContain("```ts echo\nconst rate = view(Inputs.range");
    expect(page).toContain("```ts echo\nconst steps: number = 10;");
    expect(page).not.toMatch(/```js echo\nimport \{x\}/);
    expect(page).toContain("npm:left-pad"); // shown, highlighted, as code
    for (const flag of [undefined, false]) {
      const off = book(flag);
      await generateBook({root: off, chaptersDir: off, outDir: join(off, "out")});
      expect(readFileSync(join(off, "out/cells/background.md"), "utf8")).not.toContain("echo\n");
    }
  });

  test("check: the type error and the network import at their chapter lines; names shared across a page's cells", () => {
    const dir = book(true);
    const {book: config, chapters} = loadAll(dir, dir);
    const d = authorCellDiagnostics(config, chapters);
    expect(d.map((x) => [x.line, x.code])).toEqual([[19, "author-cell-import"], [15, "author-cell-type"]]);
    expect(d[1].message).toMatch(/TS2322: Type 'number' is not assignable to type 'string'/);
    // `rate` (line 8's cell) is used in the next cell without an error
    expect(d.some((x) => x.line === 13)).toBe(false);
    expect(authorCellDiagnostics({...config, executable: false}, chapters)).toEqual([]);
  });
});
