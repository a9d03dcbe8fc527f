/**
 * TrainingCode(program, {python, onProgram}) → Element: the TypeScript (tfjs) program the panel trains, in an editor,
 * next to the chapter's Python. "Run" reads the edited text with parseProgram (never executes it) and hands the
 * resulting Program to `onProgram`; an edit outside the printed subset is marked at its line.
 */
import {javascript} from "@codemirror/lang-javascript";
import {lintGutter, setDiagnostics} from "@codemirror/lint";
import {EditorView, basicSetup} from "codemirror";
import {t} from "../i18n/trainingPanel.js";
import type {KerasProgram, LayerSpec} from "../models/keras/program.js";
import {isParseError, parseProgram} from "../models/parseProgram.js";
import {printProgram} from "../models/printProgram.js";

export interface PythonBlock {
  code: string;
  /** The chapter line of the block's opening fence. */
  line: number;
}

export interface TrainingCodeOptions {
  python?: PythonBlock[];
  onProgram?: (p: KerasProgram) => void;
  layerText?: (l: LayerSpec) => string;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  e.append(...children);
  return e;
}

export function TrainingCode(program: KerasProgram, {python = [], onProgram, layerText = (l) => l.type}: TrainingCodeOptions = {}): HTMLElement {
  const details = el("details", "gb-train-code");
  details.append(el("summary", "", t("codeTab")));
  const grid = el("div", "gb-train-code-grid");
  if (python.length) {
    const py = el("div", "gb-train-code-python", el("h5", "", t("pythonTab")));
    for (const b of python) {
      const pre = el("pre", "", el("code", "language-python", b.code));
      pre.dataset.line = String(b.line);
      py.append(pre);
    }
    grid.append(py);
  }
  const editorBox = el("div", "gb-train-code-editor");
  const help = el("p", "gb-train-code-help", t("codeHelp"));
  const runBtn = el("button", "gb-train-code-run", t("runCode"));
  runBtn.type = "button";
  const message = el("p", "gb-train-code-message");
  message.setAttribute("aria-live", "polite");
  const ts = el("div", "gb-train-code-ts", el("h5", "", t("codeTab")), editorBox, help, el("div", "gb-train-code-actions", runBtn, message));
  grid.append(ts);
  details.append(grid);
  const view = new EditorView({
    doc: printProgram(program),
    parent: editorBox,
    extensions: [basicSetup, javascript({typescript: true}), lintGutter(), EditorView.contentAttributes.of({"aria-label": t("codeTab"), tabindex: "0"})]
  });
  (details as HTMLElement & {editor?: EditorView}).editor = view;
  runBtn.onclick = () => {
    const r = parseProgram(view.state.doc.toString(), program);
    if (isParseError(r)) {
      const line = view.state.doc.line(Math.min(Math.max(1, r.line), view.state.doc.lines));
      view.dispatch(setDiagnostics(view.state, [{from: line.from, to: line.to, severity: "error", message: r.message}]));
      message.textContent = t("codeError", {line: r.line, message: r.message});
      message.className = "gb-train-code-message gb-train-code-error";
      details.dataset.error = String(r.line);
      return;
    }
    view.dispatch(setDiagnostics(view.state, []));
    delete details.dataset.error;
    message.className = "gb-train-code-message";
    message.textContent = t("codeOk", {layers: r.layers.map(layerText).join(" → ")});
    onProgram?.(r);
  };
  return details;
}
