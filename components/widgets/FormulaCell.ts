/**
 * FormulaCell(report, options) → HTMLElement: a formula from the chapter, made to work. Editable inputs for each
 * bound symbol (numbers, small vectors and matrices; a seeded "randomise" button), the value computed by the
 * parsed formula as printed, the reference implementation's value beside it, and the verdict badge: ✓, ✗ with
 * the counterexample and the corrected LaTeX, or "not executable: reason". Update rules show their first
 * iterates on a demo quadratic. Plain DOM (no Framework globals); never throws: errors appear inside the cell.
 * Follows the view() contract: `.value` holds the latest results and an `input` event fires on each change.
 * Styles: formula-cell.css (classes gb-cell, gb-badge gb-badge--ok|--bad|--na).
 */
import katex from "katex";
import {reseed} from "../formula/plan.js";
import {runPlan, type PlanResult} from "../formula/runPlan.js";
import type {FormulaReport, SymbolBinding} from "../formula/types.js";
import type {Value} from "../formula/values.js";

export interface FormulaCellOptions {
  /** Renders LaTeX to HTML (default: katex.renderToString with throwOnError false). */
  tex?: (latex: string, display?: boolean) => string;
  /** Iterates shown for update rules (default: the plan's, 5). */
  steps?: number;
  document?: Document;
}

export type FormulaCellElement = HTMLElement & {value: PlanResult | undefined};

function defaultTex(latex: string, display = false): string {
  return katex.renderToString(latex, {throwOnError: false, displayMode: display, output: "htmlAndMathml"});
}

export function formatValue(v: Value | undefined, digits = 4): string {
  if (v === undefined) return "—";
  const num = (x: number) => {
    if (!Number.isFinite(x)) return String(x);
    if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5)) return x.toExponential(digits - 1);
    return String(Number(x.toFixed(digits)));
  };
  if (typeof v === "number") return num(v);
  return `[${(v as (number | number[])[]).map((e) => (typeof e === "number" ? num(e) : `[${e.map(num).join(", ")}]`)).join(", ")}]`;
}

const STATUS_TEXT: Record<FormulaReport["status"], string> = {
  verified: "✓ 已验证",
  flagged: "✗ 有误",
  executable: "▶ 可运行",
  "not-executable": "不可执行"
};

export function FormulaCell(report: FormulaReport, options: FormulaCellOptions = {}): FormulaCellElement {
  const doc = options.document ?? document;
  const tex = options.tex ?? defaultTex;
  const el = (tag: string, cls?: string, text?: string): HTMLElement => {
    const e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const texEl = (tag: string, cls: string, latex: string, display = false): HTMLElement => {
    const e = el(tag, cls);
    try {
      e.innerHTML = tex(latex, display);
    } catch {
      e.textContent = latex;
    }
    return e;
  };
  const root = el("div", "gb-cell") as FormulaCellElement;
  root.value = undefined;
  try {
    build();
  } catch (e) {
    root.replaceChildren(el("div", "gb-cell__error", "这个公式单元无法显示。"));
    root.dataset.error = (e as Error).message;
  }
  return root;

  function build(): void {
    if (!report || typeof report !== "object" || typeof report.status !== "string") throw new Error("no formula report");
    root.dataset.status = report.status;
    root.dataset.formula = report.id;
    const badgeKind = report.status === "verified" ? "ok" : report.status === "flagged" ? "bad" : report.status === "executable" ? "run" : "na";
    const head = el("div", "gb-cell__head");
    const badge = el("span", `gb-badge gb-badge--${badgeKind}`, STATUS_TEXT[report.status] ?? report.status);
    head.append(badge);
    if (report.line) head.append(el("span", "gb-cell__line", `原文第 ${report.line} 行`));
    root.append(head);
    const plan = report.plan;
    if (report.status === "not-executable" || !plan) {
      // Readers see the book's language; the engine's reason (English, for authors) is kept on the element and in /report.
      root.append(el("p", "gb-cell__reason", "这个公式不能在页面上直接运行（原因列在构建报告里）。"));
      if (report.reason) root.dataset.reason = report.reason;
      return;
    }
    root.classList.add(`gb-cell--${plan.kind}`);
    if (report.check) root.append(checkView());
    else if (report.status === "flagged") {
      root.append(el("p", "gb-cell__message", "等式各部分在同样的输入上算出的值不一致（数值见下方）。"));
      if (report.reason) root.dataset.reason = report.reason;
    }
    let symbols: SymbolBinding[] = plan.symbols.map((s) => ({...s}));
    const inputs = el("div", "gb-cell__inputs");
    const out = el("div", "gb-cell__out");
    out.setAttribute("aria-live", "polite");
    const controls = el("div", "gb-cell__controls");
    const randomise = el("button", "gb-cell__randomise", "随机取值") as HTMLButtonElement;
    randomise.type = "button";
    const reset = el("button", "gb-cell__reset", "重置") as HTMLButtonElement;
    reset.type = "button";
    let draws = 0;
    randomise.addEventListener("click", () => {
      symbols = reseed(symbols, (plan.seed + ++draws * 7919) >>> 0);
      renderInputs();
      recompute();
    });
    reset.addEventListener("click", () => {
      symbols = plan.symbols.map((s) => ({...s}));
      renderInputs();
      recompute();
    });
    if (plan.kind !== "recurrence") controls.append(randomise);
    controls.append(reset);
    root.append(inputs, controls, out);
    if (plan.notes.length) {
      const ul = el("ul", "gb-cell__notes");
      for (const n of plan.notes) ul.append(el("li", undefined, n));
      root.append(ul);
    }
    renderInputs();
    recompute();

    function renderInputs(): void {
      inputs.replaceChildren();
      symbols.forEach((s, k) => {
        const row = el("div", "gb-cell__symbol");
        const label = texEl("span", "gb-cell__label", plan!.kind === "recurrence" ? hyperLatex(s.key) : s.key);
        row.append(label, el("span", "gb-cell__eq", "="));
        row.dataset.symbol = s.key;
        row.dataset.role = s.role;
        const box = el("span", `gb-cell__value gb-cell__value--${typeof s.value === "number" ? "scalar" : Array.isArray((s.value as unknown[])[0]) ? "matrix" : "vector"}`);
        const field = (x: number, set: (v: number) => void, name: string) => {
          const inp = el("input") as HTMLInputElement;
          inp.type = "number";
          inp.step = "any";
          inp.value = String(x);
          inp.disabled = !!s.fixed;
          inp.setAttribute("aria-label", name);
          inp.addEventListener("input", () => {
            const v = Number(inp.value);
            if (inp.value.trim() === "" || !Number.isFinite(v)) {
              inp.setCustomValidity("a number");
              inp.classList.add("gb-cell__input--bad");
              return;
            }
            inp.setCustomValidity("");
            inp.classList.remove("gb-cell__input--bad");
            set(v);
            recompute();
          });
          return inp;
        };
        const v = s.value;
        if (typeof v === "number") box.append(field(v, (x) => (symbols[k] = {...symbols[k], value: x}), s.key));
        else if (Array.isArray(v[0])) {
          (v as number[][]).forEach((r, i) => {
            const line = el("span", "gb-cell__row");
            r.forEach((x, j) =>
              line.append(field(x, (y) => {
                const m = (symbols[k].value as number[][]).map((rr) => rr.slice());
                m[i][j] = y;
                symbols[k] = {...symbols[k], value: m};
              }, `${s.key}[${i + 1}][${j + 1}]`))
            );
            box.append(line);
          });
        } else
          (v as number[]).forEach((x, i) =>
            box.append(field(x, (y) => {
              const a = (symbols[k].value as number[]).slice();
              a[i] = y;
              symbols[k] = {...symbols[k], value: a};
            }, `${s.key}[${i + 1}]`))
          );
        row.append(box);
        inputs.append(row);
      });
    }

    function recompute(): void {
      let result: PlanResult;
      try {
        result = runPlan(plan!, symbols, options.steps);
      } catch (e) {
        out.replaceChildren(el("div", "gb-cell__error", (e as Error).message));
        return;
      }
      out.replaceChildren();
      if (plan!.kind === "recurrence") {
        if (result.iterateError) out.append(el("div", "gb-cell__error", result.iterateError));
        else if (result.iterates) {
          const c = plan!.recurrence!.objective;
          out.append(texEl("div", "gb-cell__caption", `J(w) = \\tfrac12 \\sum_j a_j (w_j - c_j)^2,\\ a = ${formatValue(c.a)},\\ c = ${formatValue(c.c)}`));
          const table = el("table", "gb-cell__iterates");
          const hr = el("tr");
          for (const h of ["t", "w_t", "J(w_t)"]) hr.append(texEl("th", "", h));
          table.append(hr);
          for (const it of result.iterates) {
            const tr = el("tr");
            tr.append(el("td", undefined, String(it.t)), el("td", undefined, formatValue(it.w)), el("td", undefined, formatValue(it.loss)));
            table.append(tr);
          }
          out.append(table);
        }
      } else {
        plan!.equations.forEach((eq, i) => {
          const r = result.equations[i];
          const line = el("div", "gb-cell__result");
          line.append(texEl("span", "gb-cell__lhs", eq.lhs || "\\text{值}"), el("span", "gb-cell__eq", "="));
          if (r?.error) line.append(el("span", "gb-cell__error", r.error));
          else line.append(el("output", "gb-cell__number", formatValue(r?.value)));
          out.append(line);
        });
        if (plan!.reference && result.reference) {
          const ref = el("div", "gb-cell__reference");
          ref.append(el("span", "gb-cell__refname", "reference "), texEl("span", "", plan!.reference.latex), el("span", "gb-cell__eq", "="));
          if (result.reference.error) ref.append(el("span", "gb-cell__error", result.reference.error));
          else {
            ref.append(el("output", "gb-cell__number", formatValue(result.reference.value)));
            if (result.reference.agrees !== undefined) ref.append(el("span", `gb-badge gb-badge--${result.reference.agrees ? "ok" : "bad"}`, result.reference.agrees ? "✓" : "✗"));
          }
          out.append(ref);
        }
        if (plan!.kind === "derivation" && result.derivation) {
          const d = el("div", "gb-cell__reference");
          const dd = plan!.derivation!;
          d.append(el("span", "gb-cell__refname", "数值梯度："), texEl("span", "", `\\partial ${dd.lossLhs} / \\partial ${dd.wrt}`), el("span", "gb-cell__eq", "="));
          if (result.derivation.error) d.append(el("span", "gb-cell__error", result.derivation.error));
          else {
            d.append(el("output", "gb-cell__number", formatValue(result.derivation.numeric)));
            if (result.derivation.agrees !== undefined) d.append(el("span", `gb-badge gb-badge--${result.derivation.agrees ? "ok" : "bad"}`, result.derivation.agrees ? "✓" : "✗"));
          }
          out.append(d);
        }
      }
      root.value = result;
      root.dispatchEvent(new (doc.defaultView?.Event ?? Event)("input", {bubbles: true}));
    }
  }

  function checkView(): HTMLElement {
    const c = report.check!;
    const box = el("div", `gb-cell__check gb-cell__check--${c.verdict === "ok" ? "ok" : "bad"}`);
    box.append(verdictView(c));
    box.dataset.message = c.message; // the engine's words (English, for authors); the reader reads the line above
    if (c.verdict === "bad") {
      const dl = el("dl", "gb-cell__counterexample");
      const item = (term: string, value: string, isTex = false) => {
        dl.append(isTex ? texEl("dt", "", term) : el("dt", undefined, term), el("dd", undefined, value));
      };
      for (const [k, v] of Object.entries(c.inputs)) item(k, formatValue(v), true);
      item("按原文计算", formatValue(c.stated));
      item("自动微分（tf.grad）", formatValue(c.autodiff));
      box.append(el("p", "gb-cell__subhead", "反例"), dl);
      if (c.corrected) box.append(el("p", "gb-cell__subhead", "更正后的公式"), texEl("div", "gb-cell__corrected", c.corrected, true));
    }
    if (c.link) box.append(texEl("p", "gb-cell__link", `\\text{模型：} ${c.link}`));
    return box;
  }

  /** The verdict in the reader's words, with the formula pieces rendered by KaTeX. */
  function verdictView(c: NonNullable<FormulaReport["check"]>): HTMLElement {
    const p = el("p", "gb-cell__message");
    if (c.verdict === "ok") {
      p.append("与自动微分（tf.grad）对 ", texEl("span", "", c.loss.latex.split("=")[0].trim() || "L"), " 求导的结果一致。");
      return p;
    }
    const term = c.fix?.match(/^flip the sign of the term (.+)$/)?.[1];
    if (c.fix?.startsWith("flip the sign of the whole expression")) p.append("整个式子的符号反了：");
    else if (term) p.append("其中 ", texEl("span", "", term), " 这一项的符号反了：");
    else p.append("没有哪一处符号改动能让它与自动微分一致，下面给出按链式法则求得的导数：");
    p.append(`按原文算得 ${formatValue(c.stated)}，自动微分给出 ${formatValue(c.autodiff)}。`);
    return p;
  }
}

function hyperLatex(key: string): string {
  const m: Record<string, string> = {alpha: "\\alpha", beta_1: "\\beta_1", beta_2: "\\beta_2", epsilon: "\\epsilon", gamma: "\\gamma", beta: "\\beta", rho: "\\rho", lambda: "\\lambda", mu: "\\mu"};
  return m[key] ?? `\\text{${key}}`;
}
