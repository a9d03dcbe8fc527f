/**
 * FormulaValue(value, {document}) → Element: a value a formula cell shows. A scalar is a number; a vector is one
 * bracketed row that never wraps (it scrolls inside its own box when narrow), a matrix a bracketed grid; both say
 * their shape in the book's language ("4 维向量", "2×3 矩阵"). Styles in formula-cell.css (gb-val…).
 */
import {tFormula} from "../i18n/formula.js";
import type {Value} from "../formula/values.js";

export function formatNumber(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5)) return x.toExponential(digits - 1);
  return String(Number(x.toFixed(digits)));
}

export function formatValue(v: Value | undefined, digits = 4): string {
  if (v === undefined) return "—";
  const num = (x: number) => formatNumber(x, digits);
  if (typeof v === "number") return num(v);
  return `[${(v as (number | number[])[]).map((e) => (typeof e === "number" ? num(e) : `[${e.map(num).join(", ")}]`)).join(", ")}]`;
}

/** "4 维向量" / "2×3 矩阵" (undefined for a scalar). */
export function shapeLabel(v: Value): string | undefined {
  if (typeof v === "number") return undefined;
  if (v.length && Array.isArray(v[0])) return tFormula("matrix", {rows: v.length, cols: (v as number[][])[0].length});
  return tFormula("vector", {n: v.length});
}

export function FormulaValue(v: Value | undefined, options: {document?: Document; className?: string} = {}): HTMLElement {
  const doc = options.document ?? document;
  const el = (tag: string, cls: string, text?: string) => {
    const e = doc.createElement(tag);
    e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const cls = options.className ?? "gb-cell__number";
  if (v === undefined || typeof v === "number") return el("output", cls, formatValue(v));
  const box = el("span", "gb-val");
  const label = shapeLabel(v);
  if (Array.isArray(v[0])) {
    const m = el("output", `${cls} gb-val__matrix`);
    m.setAttribute("aria-label", `${label}: ${formatValue(v)}`);
    for (const row of v as number[][]) {
      const r = el("span", "gb-val__row");
      for (const x of row) r.append(el("span", "gb-val__entry", formatNumber(x)));
      m.append(r);
    }
    box.append(m);
  } else box.append(el("output", `${cls} gb-val__vector`, formatValue(v)));
  if (label) box.append(el("span", "gb-val__shape", label));
  return box;
}
