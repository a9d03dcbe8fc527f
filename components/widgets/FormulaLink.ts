/**
 * FormulaLink({line, target}) → Element: the one line that stands where a formula repeats one already on the page
 * ("同上，见第 105 行"), linking to that cell (its id is `target`, e.g. formula-L105).
 */
import {tFormula} from "../i18n/formula.js";

export function FormulaLink({line, target}: {line: number; target: string}, options: {document?: Document} = {}): HTMLElement {
  const doc = options.document ?? document;
  const p = doc.createElement("p");
  p.className = "gb-cell-ref";
  const a = doc.createElement("a");
  a.href = `#${/^[A-Za-z0-9_-]+$/.test(target) ? target : ""}`;
  a.textContent = tFormula("sameAs", {line: Math.floor(Number(line)) || 0});
  p.append(a);
  return p;
}
