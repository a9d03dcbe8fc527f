/**
 * The generator's hook for homework: an Enricher that puts an Exercise widget at the end of the section each
 * exercise names. Exercises come from chapters/exercises/<chapter stem>.md and from ```exercise blocks written
 * inline in a chapter. With an assignment, only its exercises appear, with its seed and solutions setting.
 */
import {basename, join} from "node:path";
import type {ChapterModel} from "../chapter.js";
import {Diagnostics, type Diagnostic} from "../diagnostics.js";
import {fnv1a} from "../../components/homework/variant.js";
import {type ExerciseSpec, loadExercises, markTrivialTests, parseExercise, toClientExercise} from "../exercises.js";
import {formulaReports} from "../formulaEnricher.js";
import {autoExercises, autoSpec, hiddenNames, visibleNames} from "./auto.js";
import type {Enricher} from "../generate.js";
import type {Cell} from "../page.js";
import {jsonForScript} from "../page.js";
import {escapeHtml} from "../html.js";
import {sectionOfKind} from "../sections.js";
import {tBook} from "../../components/i18n/book.js";
import {tHomework} from "../../components/i18n/homework.js";
import {type Assignment, loadAssignment} from "./assignment.js";

export const EXERCISE_IMPORT = `import {Exercise} from "../components/widgets/Exercise.js";`;

/** The cell that shows one exercise on a page. */
export function exerciseCell(spec: ExerciseSpec, opts: {solutions: boolean; seed?: number; assignment?: string; bookVersion?: string}): Cell {
  const client = toClientExercise(spec, opts);
  // JSON is a JS literal; jsonForScript escapes </script> and U+2028/9, backticks cannot end the ```js fence this way.
  // The tests run in QuickJS inside a Web Worker served as one same-origin file (data/sandbox-worker.js.ts).
  return {imports: [EXERCISE_IMPORT], code: `display(Exercise(${jsonForScript(client)}, {solutions: ${opts.solutions}, sandboxUrl: FileAttachment("../data/sandbox-worker.js").href}));`};
}

export interface ExercisesEnricherOptions {
  /** `assignments/x.json` path or a loaded assignment; defaults to $GRADBOOK_ASSIGNMENT. */
  assignment?: string | Assignment;
  /** Show solutions when there is no assignment (default false). */
  solutions?: boolean;
  bookVersion?: string;
  /** Problems found while planning (parse errors, unknown sections) are pushed here. */
  diagnostics?: Diagnostic[];
  /** Exercises generated from the chapter's own formulas (default on). */
  autoExercises?: boolean;
  /** Folder of the exercise files (default root/chapters/exercises) and how diagnostics name it. */
  exercisesDir?: string;
  exercisesDisplayDir?: string;
}

/** The exercises enricher also tells which exercises each chapter got (for `npm run check -- --json`). */
export type ExercisesEnricher = Enricher & {chosen: Map<string, ExerciseSpec[]>};

export function exercisesEnricher(root: string, opts: ExercisesEnricherOptions = {}): ExercisesEnricher {
  const options = opts;
  const path = opts.assignment ?? process.env.GRADBOOK_ASSIGNMENT;
  const assignment = typeof path === "string" && path ? loadAssignment(join(root, path)) : (path as Assignment | undefined);
  const solutions = assignment ? assignment.solutions : opts.solutions ?? false;
  const sink = opts.diagnostics ?? [];
  let all: ExerciseSpec[] | undefined;
  const chosenByChapter = new Map<string, ExerciseSpec[]>();
  return {
    name: "exercises",
    chosen: chosenByChapter,
    bookPages: (chapters) => {
      const list = chapters.flatMap((c) => (chosenByChapter.get(c.file) ?? []).map((e) => {
        const target = sectionOfKind(c.sections, e.section) ?? c.sections[c.sections.length - 1];
        return {id: e.id, title: e.title, points: e.points, chapter: tBook("partTitle", {n: c.index + 1, title: c.title}), href: `./${c.part.slug}/${target?.slug ?? ""}#exercise-${e.id}`};
      }));
      if (!list.length) return [];
      const opts = {assignment: assignment?.name, bookVersion: options.bookVersion ?? "0.1.0"};
      const text = `---\ntitle: ${JSON.stringify(tHomework("pageTitle"))}\ntoc: false\n---\n\n<h1 class="gb-title">${escapeHtml(tHomework("pageTitle"))}</h1>\n\n<p>${escapeHtml(tHomework("pageLede"))}</p>\n\n` +
        "```js\n" + `import {HomeworkIndex} from "./components/widgets/HomeworkIndex.js";\n` + "```\n\n" +
        "```js\n" + `display(HomeworkIndex(${jsonForScript(list)}, ${jsonForScript(opts)}));\n` + "```\n";
      return [{slug: "homework", name: tHomework("pageTitle"), text}];
    },
    async plan(chapter: ChapterModel) {
      if (!all) {
        const r = loadExercises(opts.exercisesDir ?? join(root, "chapters", "exercises"), opts.exercisesDisplayDir ?? "chapters/exercises");
        all = r.exercises;
        sink.push(...r.diagnostics);
      }
      const stem = basename(chapter.part.file).replace(/\.md$/, "");
      const mine = all.filter((e) => e.chapter === stem);
      // Inline ```exercise blocks in the chapter itself.
      for (const section of chapter.sections) {
        for (const block of section.blocks) {
          if (block.kind !== "exercise" || block.source === undefined) continue;
          const diag = new Diagnostics(chapter.file);
          const {exercise} = parseExercise(block.source, {file: chapter.file, line: block.line + 1, chapter: stem, diag});
          sink.push(...diag.items);
          if (!exercise) continue;
          const prev = all.find((e) => e.id === exercise.id) ?? mine.find((e) => e.id === exercise.id);
          if (prev) {
            sink.push({file: chapter.file, line: block.line, severity: "error", code: "exercise-duplicate-id",
              message: `exercise id "${exercise.id}" is already used at ${prev.file}:${prev.line}; this one is left out (练习 id 重复，已忽略)`});
          } else mine.push(exercise);
        }
      }
      if (opts.autoExercises !== false) mine.push(...(await chapterAutoExercises(chapter, mine, assignment?.seed)));
      const chosen = mine.filter((e) => !assignment || !assignment.exercises || assignment.exercises.includes(e.id));
      chosenByChapter.set(chapter.file, chosen);
      const bySection = new Map<string, Cell[]>();
      for (const ex of chosen) {
        let target = sectionOfKind(chapter.sections, ex.section);
        if (!target) {
          target = chapter.sections[chapter.sections.length - 1];
          sink.push({file: ex.file, line: ex.line, severity: "warning", code: "exercise-section-missing",
            message: `chapter ${chapter.file} has no "${ex.section}" section; exercise "${ex.id}" goes at the end of "${target?.slug}"`});
        }
        if (!target) continue;
        const cells = bySection.get(target.slug) ?? [];
        cells.push(exerciseCell(ex, {solutions, seed: assignment?.seed, assignment: assignment?.name, bookVersion: opts.bookVersion}));
        bySection.set(target.slug, cells);
      }
      return (section, blockIndex) => (blockIndex === section.blocks.length - 1 ? bySection.get(section.slug) ?? [] : []);
    }
  };
}

/**
 * The exercises generated from a chapter's formulas (src/exercises/auto.ts), after the hand-written ones `mine`
 * (which take precedence on the same formula). Tests that trivial code passes weigh 0; an exercise whose tests all
 * do is left out. The seed is the assignment's, or one derived from the exercise id.
 */
export async function chapterAutoExercises(chapter: ChapterModel, mine: ExerciseSpec[], seed?: number): Promise<ExerciseSpec[]> {
  const covered = new Set(mine.map((e) => e.prompt.replace(/\s+/g, "")));
  const out: ExerciseSpec[] = [];
  for (const ex of autoExercises(chapter, await formulaReports(chapter), covered)) {
    const spec = autoSpec(ex, chapter, seed ?? fnv1a(ex.id));
    if (!spec.tests.includes(JSON.stringify(visibleNames()[2])) || !spec.hidden.includes(JSON.stringify(hiddenNames()[4]))) continue; // the engine could not draw enough cases
    const quiet = new Diagnostics(chapter.file);
    markTrivialTests(spec, {tests: ex.line, hidden: ex.line, starter: ex.line}, quiet);
    if (quiet.items.some((d) => d.severity === "error")) continue;
    out.push(spec);
  }
  return out;
}

/** For `npm run check`: every exercise problem in chapters/exercises/. */
export function checkExercises(root: string): Diagnostic[] {
  return loadExercises(join(root, "chapters", "exercises"), "chapters/exercises").diagnostics;
}
