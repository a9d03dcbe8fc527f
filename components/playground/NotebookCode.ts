/** NotebookCode(sources) → Element: the playground's cells as the page runs them, folded under a summary. */
import {tPlayground} from "../i18n/playground.js";
import {injectPlaygroundStyle} from "../widgets/PlaygroundStyle.js";

export function NotebookCode(sources: string[]): HTMLElement {
  injectPlaygroundStyle();
  const details = document.createElement("details");
  details.className = "gb-pg-code";
  const summary = document.createElement("summary");
  summary.textContent = tPlayground("code");
  const pre = document.createElement("pre");
  const code = document.createElement("code");
  code.className = "language-js";
  code.textContent = sources.join("\n\n");
  pre.append(code);
  details.append(summary, pre);
  return details;
}
