/**
 * Authors' own ```ts / ```js blocks, when the book opts in (book.json "executable": true): the published pages run
 * them as Framework cells (src/page.ts authorCell), and `npm run check` type-checks them here, page by page (a
 * page's cells share their top-level names, as Framework's reactive cells do), with Framework's globals declared.
 * Imports may only name the book's own components: anything else would fetch from the network at build time.
 */
import ts from "typescript";
import type {BookConfig} from "./book.js";
import type {ChapterModel} from "./chapter.js";
import type {Diagnostic} from "./diagnostics.js";
import {AUTHOR_CELL_LANGS, OFFLINE_IMPORT} from "./page.js";

/** Framework's page globals, loosely typed (the author's own code is what is checked). */
const GLOBALS = `declare const display: (value: unknown) => unknown;
declare function view<T = any>(element: T): any;
declare const Inputs: any, Plot: any, d3: any, Generators: any, html: any, svg: any, md: any, tex: any;
declare function FileAttachment(name: string): any;
declare function Mutable<T>(value: T): {value: T};
declare const invalidation: Promise<void>, width: number, now: number, dark: boolean, visibility: () => Promise<void>;
`;

interface PageCells {
  file: string;
  /** Source lines of the combined page, each mapped to its chapter line (0 for the preamble). */
  lines: number[];
  text: string;
}

function pages(chapter: ChapterModel): PageCells[] {
  return chapter.sections.flatMap((s) => {
    const cells = s.blocks.filter((b) => b.kind === "html" && b.source !== undefined && AUTHOR_CELL_LANGS.has(b.lang ?? ""));
    if (!cells.length) return [];
    const lines: number[] = GLOBALS.split("\n").slice(1).map(() => 0); // one entry per preamble line (it ends with a newline)
    const parts = [GLOBALS];
    for (const c of cells) {
      // the body starts on the line after the opening fence
      const body = c.source!.replace(/\n$/, "").split("\n");
      body.forEach((_, k) => lines.push(c.line + 1 + k));
      parts.push(body.join("\n") + "\n");
      lines.push(0);
      parts.push("\n");
    }
    return [{file: chapter.file, lines, text: parts.join("")}];
  });
}

/** Type errors and forbidden imports in the authors' cells of every chapter, at their file:line. */
export function authorCellDiagnostics(book: BookConfig, chapters: ChapterModel[]): Diagnostic[] {
  if (!book.executable) return [];
  const all = chapters.flatMap(pages);
  if (!all.length) return [];
  const names = all.map((_, i) => `/gb-author-cells/page${i}.ts`);
  const host = ts.createCompilerHost({});
  const options: ts.CompilerOptions = {noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleDetection: ts.ModuleDetectionKind.Force,
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts"], strict: false, noImplicitAny: false, skipLibCheck: true, types: [], noResolve: true};
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) => {
    const k = names.indexOf(name);
    return k >= 0 ? ts.createSourceFile(name, all[k].text, lang) : read(name, lang, ...rest);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => names.includes(name) || fileExists(name);
  const program = ts.createProgram(names, options, host);
  const out: Diagnostic[] = [];
  names.forEach((name, k) => {
    const sf = program.getSourceFile(name)!;
    const page = all[k];
    const at = (pos: number) => {
      const {line, character} = sf.getLineAndCharacterOfPosition(pos);
      return {line: page.lines[line] || 1, column: character + 1};
    };
    for (const st of sf.statements) {
      if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
      if (!OFFLINE_IMPORT.test(st.moduleSpecifier.text))
        out.push({file: page.file, ...at(st.getStart(sf)), severity: "error", code: "author-cell-import",
          message: `import from "${st.moduleSpecifier.text}" would be fetched from the network; a book's cells may import only its own components (../components/…) / 只能导入本书的组件`});
    }
    if (/\bimport\s*\(/.test(page.text))
      out.push({file: page.file, ...at(page.text.search(/\bimport\s*\(/)), severity: "error", code: "author-cell-import", message: "a dynamic import() may fetch from the network; the cell is shown, not run / 动态 import() 不允许"});
    const diags = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)].filter((d) => d.code !== 2307 && d.code !== 2792);
    for (const d of diags) {
      if (d.start === undefined) continue;
      out.push({file: page.file, ...at(d.start), severity: "error", code: "author-cell-type", message: `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`});
    }
  });
  return out;
}
