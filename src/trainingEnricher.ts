import {translateChapterCode} from "../components/models/keras/translate.js";
import type {NumpyScriptProgram} from "../components/models/keras/program.js";
import {tTraining} from "../components/i18n/training.js";
import type {ChapterModel, SectionModel} from "./chapter.js";
import type {Diagnostic} from "./diagnostics.js";
import type {Enricher} from "./generate.js";
import {type Cell, jsonForScript} from "./page.js";

const WASM_FILES = ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"];

/** The code blocks of a section, in order, as the translator wants them (line = the opening fence's line). */
export function codeBlocks(section: SectionModel): {code: string; lang: string; line: number}[] {
  return section.blocks.filter((b) => b.kind === "html" && b.source !== undefined).map((b) => ({code: b.source!, lang: b.lang ?? "", line: b.line}));
}

/** The section's prose with its code blocks blanked (lines kept), where claimed results are looked for. */
export function proseOf(section: SectionModel): string {
  const lines = section.source.split("\n");
  for (const b of section.blocks) {
    if (b.source === undefined) continue;
    const first = b.line - section.start; // the opening fence
    const count = b.source.split("\n").length; // body lines, plus one for the closing fence (the body ends with "\n")
    for (let i = first; i <= first + count && i < lines.length; i++) if (i >= 0) lines[i] = "";
  }
  return lines.join("\n");
}

/** Translates a code-practice section's Python exactly as the generator does for the page. */
export function translateCodeSection(chapter: ChapterModel, section: SectionModel): ReturnType<typeof translateChapterCode> {
  return translateChapterCode(codeBlocks(section), {file: chapter.file, extraText: proseOf(section), extraLine: section.start, chapterText: chapter.text});
}

/** The section's Python blocks for the panel's Python column (line = the opening fence's file line). */
export function pythonBlocks(section: SectionModel): {code: string; line: number}[] {
  return codeBlocks(section).filter((b) => /^py(thon)?$/.test(b.lang)).map(({code, line}) => ({code, line}));
}

/** After which block the training panel goes: the one that calls .fit(…), loss.backward() or apply_gradients(…), else the last code block. */
function anchor(section: SectionModel): number {
  const i = section.blocks.findIndex((b) => b.source !== undefined && /\.fit\(|\.backward\(\)|\.apply_gradients\(/.test(b.source));
  if (i >= 0) return i;
  let last = -1;
  section.blocks.forEach((b, j) => {
    if (b.source !== undefined) last = j;
  });
  return last;
}

export function trainingCell(program: unknown, usesMnist: boolean, python: {code: string; line: number}[] = []): Cell {
  const wasm = WASM_FILES.map((f) => `    ${JSON.stringify(f)}: FileAttachment(${JSON.stringify(`../data/${f}`)}).href`).join(",\n");
  const mnist = usesMnist
    ? `  mnistTrain: FileAttachment("../data/mnist-train.bin"),\n  mnistTest: FileAttachment("../data/mnist-test.bin"),\n`
    : "";
  return {
    imports: [`import {TrainingPanel} from "../components/widgets/TrainingPanel.js";`],
    code: `display(TrainingPanel(${jsonForScript(program)}, {\n${mnist}  wasmPaths: {\n${wasm}\n  },\n  python: ${jsonForScript(python)},\n  invalidation\n}));`
  };
}

/** A static note under the code (text only, set with textContent): what a NumPy script printed, or why nothing trains. */
export function trainingNoteCell(lines: string[], kind: "script" | "untrainable"): Cell {
  return {
    imports: [],
    code: `display((() => {\n  const box = document.createElement("div");\n  box.className = "gb-training gb-training-${kind}";\n` +
      `  for (const text of ${jsonForScript(lines)}) {\n    const p = document.createElement("p");\n    p.textContent = text;\n    box.append(p);\n  }\n  return box;\n})());`
  };
}

function scriptLines(s: NumpyScriptProgram): string[] {
  const out = [tTraining("scriptPrinted", {line: s.line}), ...s.printed.slice(-20).map((p) => p.text)];
  for (const c of s.claims) {
    const r = s.results.find((x) => x.metric === c.metric);
    if (r) out.push(tTraining("scriptClaim", {metric: c.metric, claimed: c.value, measured: r.value}));
  }
  for (const u of s.unsupported) out.push(tTraining("lineMessage", {line: u.line, message: u.text ?? u.message}));
  return out;
}

/**
 * Code-practice pages train the chapter's own model: the section's Python is translated at generation time; what
 * the translator cannot follow is reported at its file line (and shown on the page by the panel's notes).
 */
export function trainingEnricher(): Enricher {
  const diagnostics: Diagnostic[] = [];
  return {
    name: "training",
    diagnostics,
    async plan(chapter: ChapterModel) {
      const cells = new Map<string, {at: number; cell: Cell}>();
      for (const section of chapter.sections) {
        if (section.kind !== "code") continue;
        if (!codeBlocks(section).some((b) => /^py(thon)?$/.test(b.lang))) continue;
        const {program, script, diagnostics: found} = translateCodeSection(chapter, section);
        for (const d of found) diagnostics.push({file: chapter.file, line: d.line, severity: d.severity, code: "code-practice", message: d.message});
        if (script) {
          cells.set(section.slug, {at: anchor(section), cell: trainingNoteCell(scriptLines(script), "script")});
          continue;
        }
        if (!program) {
          const errors = found.filter((d) => d.severity === "error").slice(0, 8);
          if (errors.length) {
            const lines = [tTraining("notTrainable"), ...errors.map((d) => tTraining("lineMessage", {line: d.line, message: d.message}))];
            cells.set(section.slug, {at: anchor(section), cell: trainingNoteCell(lines, "untrainable")});
          }
          continue;
        }
        const usesMnist = (program as {dataset?: {id?: string}}).dataset?.id === "mnist";
        cells.set(section.slug, {at: anchor(section), cell: trainingCell(program, usesMnist, pythonBlocks(section))});
      }
      return (section, i) => {
        const c = cells.get(section.slug);
        return c && c.at === i ? [c.cell] : [];
      };
    }
  };
}
