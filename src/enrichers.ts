import type {Diagnostic} from "./diagnostics.js";
import type {ExerciseSpec} from "./exercises.js";
import {exercisesEnricher} from "./exercises/enricher.js";
import type {Enricher} from "./generate.js";
import {formulaColumns, formulaEnricher, notExecutableSection} from "./formulaEnricher.js";
import {reportColumns, reportSections} from "./report.js";
import {playgroundEnricher} from "./playgroundEnricher.js";
import {trainingEnricher} from "./trainingEnricher.js";
import {jsonForScript} from "./page.js";
import {tBook} from "../components/i18n/book.js";

/** Mermaid fences become rendered diagrams (the source stays below, folded). */
export const mermaidEnricher: Enricher = {
  name: "mermaid",
  async plan() {
    return (section, i) => {
      const block = section.blocks[i];
      if (block.kind !== "mermaid" || block.source === undefined) return [];
      return [
        {
          imports: [`import {Mermaid} from "../components/widgets/Mermaid.js";`],
          code: `display(await Mermaid(${jsonForScript(block.source)}, {label: ${jsonForScript(tBook("mermaidLabel", {section: section.title, line: block.line}))}}))`
        }
      ];
    };
  }
};

/** The widgets every build adds to pages. Each enricher owns one feature. */
export async function defaultEnrichers(root: string, opts: {exercisesDir?: string; exercisesDisplayDir?: string} = {}): Promise<Enricher[]> {
  if (!reportColumns.includes(formulaColumns)) reportColumns.push(formulaColumns);
  if (!reportSections.includes(notExecutableSection)) reportSections.push(notExecutableSection);
  const exerciseDiagnostics: Diagnostic[] = [];
  const exercises = {...exercisesEnricher(root, {diagnostics: exerciseDiagnostics, ...opts}), diagnostics: exerciseDiagnostics};
  return [mermaidEnricher, formulaEnricher(), playgroundEnricher, trainingEnricher(), exercises];
}

/** The exercises each chapter got in the last planning by these enrichers (chapter file → exercises). */
export function exercisesOf(enrichers: Enricher[]): Map<string, ExerciseSpec[]> {
  const e = enrichers.find((x) => x.name === "exercises") as {chosen?: Map<string, ExerciseSpec[]>} | undefined;
  return e?.chosen ?? new Map();
}
