/**
 * Exercise(spec, {solutions, storageKey}) → Element: a homework exercise on a page. A CodeMirror 6 editor holds
 * the starter code; "run tests" runs the visible tests in a Web Worker with a time limit and shows each test's
 * result and the score; hints open one at a time; work is saved in localStorage; "download" writes the
 * submission JSON for the grader (`npm run grade`). Hidden tests never reach the page. Reader text: i18n/homework.ts.
 */
import {javascript} from "@codemirror/lang-javascript";
import {type Diagnostic as EditorDiagnostic, lintGutter, setDiagnostics} from "@codemirror/lint";
import {EditorView, basicSetup} from "codemirror";
import type {Job, RunResult, TestResult} from "../homework/harness.js";
import {runInWorker} from "../homework/runInWorker.js";
import {variantSeed} from "../homework/variant.js";
import {scoreTests} from "../homework/score.js";
import {STUDENT_KEY, checkStudentId, loadWork, saveWork, storageKeyFor} from "../homework/submission.js";
import {downloadSubmission} from "./downloadSubmission.js";
import {EXERCISE_CSS} from "./ExerciseStyle.js";
import {joinList} from "../i18n/book.js";
import {tHomework as t} from "../i18n/homework.js";

/** The JSON the generator emits for one exercise (see src/exercises.ts, toClientExercise). */
export interface ClientExercise {
  id: string;
  title: string;
  points: number;
  /** The chapter section it is attached to (intro … references). */
  section: string;
  chapter: string;
  /** Rendered prompt (HTML, sanitised, KaTeX rendered). */
  promptHtml: string;
  starter: string;
  /** Visible test code (JavaScript) and the names it defines; hidden tests never reach the page. */
  tests: string;
  testNames: string[];
  hiddenTestCount: number;
  /** Visible tests that trivial code passes too: shown, worth no points. */
  unscored?: string[];
  exports: string[];
  seed: number;
  timeoutMs: number;
  /** Hints as rendered HTML, one per hint. */
  hints: string[];
  /** Present only when built with solutions on. */
  solution?: string;
  /** The assignment this build belongs to (storage keys and submissions carry it). */
  assignment?: string;
  bookVersion: string;
}

export interface ExerciseOptions {
  solutions?: boolean;
  /** URL of the homework worker script (FileAttachment("../data/sandbox-worker.js").href in a page). */
  sandboxUrl?: string;
  storageKey?: string;
  /** Storage to use (tests); window.localStorage by default. */
  storage?: Storage;
}

/** Checks the spec's shape; returns what is wrong, or undefined. */
export function checkClientExercise(spec: unknown): string | undefined {
  if (!spec || typeof spec !== "object") return "spec must be an object";
  const s = spec as Record<string, unknown>;
  for (const k of ["id", "title", "starter", "tests", "promptHtml"]) if (typeof s[k] !== "string") return `spec.${k} must be a string`;
  if (typeof s.points !== "number" || !(s.points > 0)) return "spec.points must be a number > 0";
  if (!Array.isArray(s.exports) || !s.exports.every((x) => typeof x === "string")) return "spec.exports must be an array of names";
  if (!Array.isArray(s.hints)) return "spec.hints must be an array";
  if (typeof s.seed !== "number" || typeof s.timeoutMs !== "number") return "spec.seed and spec.timeoutMs must be numbers";
  return undefined;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function injectStyle(): void {
  if (document.getElementById("gb-exercise-style")) return;
  const style = el("style", {id: "gb-exercise-style"});
  style.textContent = EXERCISE_CSS;
  document.head.append(style);
}

function defaultStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

export function Exercise(spec: ClientExercise, options: ExerciseOptions = {}): HTMLElement {
  const problem = checkClientExercise(spec);
  if (problem) {
    const box = el("div", {class: "gb-exercise gb-exercise-error", role: "alert"});
    box.textContent = t("broken", {problem, id: JSON.stringify((spec as {id?: unknown})?.id ?? "?")});
    return box;
  }
  injectStyle();
  const storage = options.storage ?? defaultStorage();
  const key = options.storageKey ?? storageKeyFor(spec.id, spec.assignment);
  const showSolution = options.solutions === true && typeof spec.solution === "string";
  const saved = loadWork(storage, key);

  const root = el("section", {class: "gb-exercise", id: `exercise-${spec.id}`, "data-exercise": spec.id});
  const head = el("header", {class: "gb-ex-head"});
  head.append(el("h3", {class: "gb-ex-title"}, t("title", {title: spec.title})), el("span", {class: "gb-ex-points"}, t("points", {n: spec.points})));
  const prompt = el("div", {class: "gb-ex-prompt"});
  prompt.innerHTML = spec.promptHtml; // generated and sanitised at build time
  const editorBox = el("div", {class: "gb-ex-editor", "aria-label": t("editorLabel", {title: spec.title})});
  const actions = el("div", {class: "gb-ex-actions"});
  const runButton = el("button", {type: "button", class: "gb-ex-run"}, t("run"));
  const resetButton = el("button", {type: "button", class: "gb-ex-reset"}, t("reset"));
  const hintButton = el("button", {type: "button", class: "gb-ex-hint"});
  actions.append(runButton, resetButton);
  if (spec.hints.length) actions.append(hintButton);
  const status = el("div", {class: "gb-ex-status", role: "status", "aria-live": "polite"});
  const results = el("ul", {class: "gb-ex-results"});
  const output = el("pre", {class: "gb-ex-output"});
  output.hidden = true;
  const hints = el("ol", {class: "gb-ex-hints"});
  const submit = el("div", {class: "gb-ex-submit"});
  const studentInput = el("input", {type: "text", class: "gb-ex-student", placeholder: t("student"), "aria-label": t("student"), autocomplete: "off"});
  studentInput.value = (() => {
    try {
      return storage?.getItem(STUDENT_KEY) ?? "";
    } catch {
      return "";
    }
  })();
  const downloadButton = el("button", {type: "button", class: "gb-ex-download"}, t("download"));
  const submitNote = el("span", {class: "gb-ex-submit-note"});
  submit.append(el("label", {}, `${t("student")} `), studentInput, downloadButton, submitNote);
  root.append(head, prompt, editorBox, actions, status, results, output, hints);
  if (showSolution) {
    const details = el("details", {class: "gb-ex-solution"});
    const pre = el("pre");
    pre.append(el("code", {}, spec.solution));
    details.append(el("summary", {}, t("solution")), pre);
    root.append(details);
  }
  root.append(submit);
  const hiddenNote = spec.hiddenTestCount ? t("hiddenNote", {n: spec.hiddenTestCount}) : "";

  // Editor
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  let lastResults: TestResult[] | undefined = saved?.results;
  let lastScore: number | undefined = saved?.score;
  const save = () => saveWork(storage, key, {code: view.state.doc.toString(), results: lastResults, score: lastScore, updated: new Date().toISOString()});
  const view = new EditorView({
    doc: saved?.code ?? spec.starter,
    parent: editorBox,
    extensions: [
      basicSetup,
      javascript(),
      lintGutter(),
      // the editable region itself needs an accessible name (axe: aria-input-field-name), and the scroller is focusable
      EditorView.contentAttributes.of({"aria-label": t("codeLabel", {title: spec.title}), tabindex: "0"}),
      EditorView.updateListener.of((u) => {
        if (!u.docChanged) return;
        clearTimeout(saveTimer);
        saveTimer = setTimeout(save, 300);
      })
    ]
  });
  (root as HTMLElement & {editor?: EditorView}).editor = view;

  // Hints, one at a time
  let shown = 0;
  const updateHintButton = () => {
    hintButton.textContent = shown < spec.hints.length ? t("hint", {shown, total: spec.hints.length}) : t("noMoreHints");
    hintButton.disabled = shown >= spec.hints.length;
  };
  updateHintButton();
  hintButton.addEventListener("click", () => {
    if (shown >= spec.hints.length) return;
    const li = el("li", {class: "gb-ex-hint-item"});
    li.innerHTML = spec.hints[shown++]; // generated and sanitised at build time
    hints.append(li);
    updateHintButton();
  });

  const showResults = (tests: TestResult[]) => {
    results.replaceChildren(
      ...tests.map((r) => {
        const li = el("li", {class: r.passed ? "gb-ex-pass" : "gb-ex-fail"});
        li.append(el("span", {class: "gb-ex-mark", "aria-hidden": "true"}, r.passed ? "✓" : "✗"), el("span", {class: "gb-ex-name"}, r.name));
        if (!r.passed) li.append(el("span", {class: "gb-ex-msg"}, r.message));
        if (r.unscored) li.append(el("span", {class: "gb-ex-unscored", title: t("unscoredWhy")}, t("unscored")));
        li.setAttribute("aria-label", t("testLabel", {state: t(r.passed ? "passed" : "failed"), name: r.name, message: r.passed ? "" : t("testMessage", {message: r.message}), unscored: r.unscored ? t("testUnscored") : ""}));
        return li;
      })
    );
  };
  if (saved?.results?.length) {
    showResults(saved.results);
    status.textContent = t("lastRun", {score: saved.score ?? 0, points: spec.points, hidden: hiddenNote});
  }

  let controller: AbortController | undefined;
  runButton.addEventListener("click", async () => {
    controller?.abort();
    controller = new AbortController();
    const code = view.state.doc.toString();
    runButton.disabled = true;
    status.textContent = t("running");
    status.className = "gb-ex-status gb-ex-running";
    // The random test inputs are the student's own variant once a 学号 is entered (the grader derives the same).
    const student = checkStudentId(studentInput.value.trim()) ? undefined : studentInput.value.trim();
    const job: Job = {code, exports: spec.exports, seed: variantSeed(spec.seed, spec.id, student), suites: [{hidden: false, code: spec.tests}],
      unscored: spec.unscored ?? []};
    const outcome = options.sandboxUrl
      ? await runInWorker(job, {workerUrl: options.sandboxUrl, timeoutMs: spec.timeoutMs, signal: controller.signal})
      : {status: "crashed" as const, error: t("noSandbox"), ms: 0};
    runButton.disabled = false;
    output.hidden = true;
    if (outcome.status !== "ok" || !outcome.result) {
      if (outcome.error === "the run was cancelled") return;
      lastResults = spec.testNames.map((name) => ({name, weight: 1, hidden: false, passed: false, message: outcome.error ?? ""}));
      lastScore = 0;
      showResults(lastResults);
      status.textContent = outcome.status === "timeout" ? t("timeout", {ms: spec.timeoutMs}) : t("failedRun", {error: outcome.error ?? ""});
      status.className = "gb-ex-status gb-ex-bad";
      save();
      return;
    }
    const r = outcome.result;
    // A load error is said once, in the status line, and marked in the editor; each test just says it did not run.
    if (!r.loaded) r.tests = r.tests.map((x) => ({...x, message: t("notRun")}));
    markErrors(r);
    lastResults = r.tests;
    lastScore = scoreTests(r.tests, spec.points);
    showResults(r.tests);
    const passed = r.tests.filter((x) => x.passed).length;
    const problems = [!r.loaded ? t("cannotRun", {error: r.error ?? ""}) : "", r.missing.length ? t("undefinedNames", {names: joinList(r.missing)}) : ""].filter(Boolean).join(t("problemsSep"));
    status.textContent = t("summary", {problems: problems ? t("problemsEnd", {problems}) : "", passed, total: r.tests.length, score: lastScore, points: spec.points, ms: outcome.ms, hidden: hiddenNote});
    status.className = `gb-ex-status ${passed === r.tests.length ? "gb-ex-good" : "gb-ex-bad"}`;
    if (r.output) {
      output.textContent = r.output;
      output.hidden = false;
    }
    save();
  });

  /** Marks where the code failed in the editor: the load error, and lines named by runtime errors in the tests. */
  function markErrors(r: RunResult): void {
    const doc = view.state.doc;
    const at = (line: number, column?: number) => {
      const l = doc.line(Math.min(Math.max(1, line), doc.lines));
      const from = Math.min(l.to, l.from + Math.max(0, (column ?? 1) - 1));
      return {from, to: Math.max(from, l.to)};
    };
    const marks: EditorDiagnostic[] = [];
    if (!r.loaded && r.errorAt) marks.push({...at(r.errorAt.line, r.errorAt.column), severity: "error", message: r.error ?? t("cannotRunShort")});
    const seen = new Set<string>();
    for (const test of r.tests) {
      const m = test.message.match(/\(line (\d+)(?::(\d+))? of your code\)/);
      if (!m || seen.has(m[0])) continue;
      seen.add(m[0]);
      marks.push({...at(Number(m[1]), m[2] ? Number(m[2]) : undefined), severity: "warning", message: t("testFailedHere", {name: test.name, message: test.message})});
    }
    view.dispatch(setDiagnostics(view.state, marks));
  }

  resetButton.addEventListener("click", () => {
    view.dispatch({changes: {from: 0, to: view.state.doc.length, insert: spec.starter}});
    save();
  });

  downloadButton.addEventListener("click", () => {
    save();
    const r = downloadSubmission(storage, {student: studentInput.value.trim(), assignment: spec.assignment, bookVersion: spec.bookVersion});
    if ("error" in r) {
      submitNote.textContent = r.error;
      studentInput.focus();
      return;
    }
    const sub = r.submission;
    submitNote.textContent = t("downloaded", {n: sub.exercises.length, ids: joinList(sub.exercises.map((e) => e.id))});
  });

  return root;
}
