/**
 * FormulaCode(compiled, {args, sandboxUrl, line}) → Element: the TypeScript a formula compiles to, behind one
 * toggle button. Opened, it is a CodeMirror editor (as the exercise editor); "运行/Run" runs the edited code in the
 * QuickJS sandbox worker (no eval on the page) with the cell's current inputs and shows each function's value, or
 * the error with its line (marked in the editor), or what the cell makes of it (`show`: an update rule's iterates as
 * the cell's table); "还原/Reset" restores the compiled code. Plain DOM; never throws.
 */
import {javascript} from "@codemirror/lang-javascript";
import {type Diagnostic as EditorDiagnostic, lintGutter, setDiagnostics} from "@codemirror/lint";
import {EditorView, basicSetup} from "codemirror";
import {codeJob, equationValues, jobValues, type CompiledFormula} from "../formula/codegen.js";
import type {Value} from "../formula/values.js";
import {runInWorker} from "../homework/runInWorker.js";
import {tFormula} from "../i18n/formula.js";
import {FormulaValue} from "./FormulaValue.js";

export interface FormulaCodeOptions {
  /** The cell's current arguments (symbol identifiers → values), read when Run is clicked. */
  args: () => Record<string, Value>;
  sandboxUrl?: string;
  line?: number;
  /** The left side of each equation, for the results (KaTeX-rendered by the caller's tex). */
  labels?: string[];
  timeoutMs?: number;
  document?: Document;
  /** Shows what the run returned in the cell's own way (an update rule's iterates table); undefined: one row per function. */
  show?: (values: Record<string, unknown>) => Element | undefined;
}

export type FormulaCodeElement = HTMLElement & {editor?: EditorView; lastValues?: Record<string, unknown>};

export function FormulaCode(compiled: CompiledFormula, options: FormulaCodeOptions): FormulaCodeElement {
  const doc = options.document ?? document;
  const el = (tag: string, cls: string, text?: string): HTMLElement => {
    const e = doc.createElement(tag);
    e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const root = el("div", "gb-code") as FormulaCodeElement;
  const toggle = el("button", "gb-code__toggle", tFormula("code")) as HTMLButtonElement;
  toggle.type = "button";
  toggle.setAttribute("aria-expanded", "false");
  const panel = el("div", "gb-code__panel");
  panel.hidden = true;
  root.append(toggle, panel);
  toggle.addEventListener("click", () => {
    const open = panel.hidden;
    if (open && !root.editor) build();
    panel.hidden = !open;
    toggle.textContent = tFormula(open ? "codeHide" : "code");
    toggle.setAttribute("aria-expanded", String(open));
  });
  return root;

  function build(): void {
    const note = el("p", "gb-code__note", tFormula("codeNote"));
    const box = el("div", "gb-code__editor");
    const actions = el("div", "gb-code__actions");
    const run = el("button", "gb-code__run", tFormula("run")) as HTMLButtonElement;
    const reset = el("button", "gb-code__reset", tFormula("reset")) as HTMLButtonElement;
    run.type = reset.type = "button";
    actions.append(run, reset);
    const status = el("div", "gb-code__status");
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    const results = el("div", "gb-code__results");
    panel.append(note, box, actions, status, results);
    const view = new EditorView({
      doc: compiled.source,
      parent: box,
      extensions: [basicSetup, javascript({typescript: true}), lintGutter(), EditorView.contentAttributes.of({"aria-label": tFormula("editorLabel", {line: options.line ?? 0}), tabindex: "0"})]
    });
    root.editor = view;
    let controller: AbortController | undefined;
    reset.addEventListener("click", () => {
      view.dispatch({changes: {from: 0, to: view.state.doc.length, insert: compiled.source}});
      view.dispatch(setDiagnostics(view.state, []));
      status.textContent = "";
      results.replaceChildren();
    });
    run.addEventListener("click", async () => {
      controller?.abort();
      controller = new AbortController();
      results.replaceChildren();
      view.dispatch(setDiagnostics(view.state, []));
      if (!options.sandboxUrl) {
        status.textContent = tFormula("noSandbox");
        return;
      }
      status.textContent = tFormula("running");
      run.disabled = true;
      const timeoutMs = options.timeoutMs ?? 2000;
      const job = codeJob(view.state.doc.toString(), compiled, options.args());
      const outcome = await runInWorker(job, {workerUrl: options.sandboxUrl, timeoutMs, signal: controller.signal});
      run.disabled = false;
      if (outcome.error === "the run was cancelled") return;
      const r = outcome.result;
      if (outcome.status !== "ok" || !r) {
        status.textContent = outcome.status === "timeout" ? tFormula("timeout", {ms: timeoutMs}) : tFormula("failed", {message: outcome.error ?? ""});
        return;
      }
      const where = !r.loaded ? r.errorAt : r.tests.map((t) => t.message.match(/\(line (\d+)(?::(\d+))? of your code\)/)).find(Boolean);
      const failed = !r.loaded ? r.error : r.missing.length ? `missing ${r.missing.join(", ")}` : r.tests.find((t) => !t.passed)?.message;
      if (failed) {
        const line = where ? Number(Array.isArray(where) ? where[1] : where.line) : undefined;
        status.textContent = line ? tFormula("errorAt", {line, message: failed}) : tFormula("failed", {message: failed});
        if (line) mark(view, line, failed);
        return;
      }
      const values = jobValues(r.output);
      root.lastValues = values;
      status.textContent = tFormula("ran", {ms: outcome.ms});
      const shown = options.show?.(values);
      if (shown) {
        shown.classList.add("gb-code__shown");
        results.append(shown);
        return;
      }
      const perEquation = equationValues(compiled, values);
      compiled.functions.forEach((f, k) => {
        const row = el("div", "gb-code__result");
        row.append(el("code", "gb-code__name", f.field ?? f.name), el("span", "gb-cell__eq", "="));
        const v = perEquation[k].value;
        row.append(isValue(v) ? FormulaValue(v, {document: doc}) : el("span", "gb-cell__error", tFormula("noValue")));
        row.dataset.equation = String(k);
        results.append(row);
      });
    });
  }
}

function mark(view: EditorView, line: number, message: string): void {
  const d = view.state.doc;
  const l = d.line(Math.min(Math.max(1, line), d.lines));
  const marks: EditorDiagnostic[] = [{from: l.from, to: l.to, severity: "error", message}];
  view.dispatch(setDiagnostics(view.state, marks));
}

function isValue(v: unknown): v is Value {
  if (typeof v === "number") return true;
  return Array.isArray(v) && v.every((x) => typeof x === "number" || (Array.isArray(x) && x.every((y) => typeof y === "number")));
}
