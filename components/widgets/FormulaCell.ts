/**
 * FormulaCell(report, options) → HTMLElement: a formula from the chapter, made to work. Editable inputs for each
 * bound symbol (numbers, small vectors and matrices; a seeded "randomise" button), the value computed by the
 * parsed formula as printed, the reference implementation's value beside it, and the verdict badge: ✓, ✗ with
 * the counterexample and the corrected LaTeX, or "not executable: reason". Update rules show their first
 * iterates on a demo quadratic. Plain DOM (no Framework globals); never throws: errors appear inside the cell.
 * Follows the view() contract: `.value` holds the latest results and an `input` event fires on each change.
 * Styles: formula-cell.css (classes gb-cell, gb-badge gb-badge--ok|--bad|--na).
 *
 * With `compiled` (the formula compiled to TypeScript by codegen.ts, and its functions as the page runs them), the
 * value as printed is computed by the compiled function and a "TypeScript" toggle shows its code (FormulaCode); the
 * interpreter still gives the reference and the numerical gradient. An update rule's iterates are those its compiled
 * `iterates` returns (the step function, the objective's gradient and the loop the toggle shows). A verified cell is
 * folded to its one-line verdict (a <details> that opens on click), a flagged one is open. Vectors and matrices are bracketed with their shape.
 */
import katex from "katex";
import {argumentsOf, equationValues, type CompiledFormula} from "../formula/codegen.js";
import {readIterates, recurrenceArguments} from "../formula/codegenRecurrence.js";
import {MAX_RECURRENCE_STEPS} from "../formula/limits.js";
import {reseed} from "../formula/plan.js";
import {bindingsOf, runPlan, type PlanResult} from "../formula/runPlan.js";
import type {FormulaReport, SymbolBinding} from "../formula/types.js";
import {allFinite, close, isValue, type Value} from "../formula/values.js";
import {tFormula} from "../i18n/formula.js";
import {FormulaCode} from "./FormulaCode.js";
import {FormulaValue, formatValue, shapeLabel} from "./FormulaValue.js";

export {formatValue};

/** A compiled formula as the page has it: the code (source, names) and the functions themselves. */
export interface CompiledCell {
  code: CompiledFormula;
  run: Record<string, (args: Record<string, Value>) => Value>;
}

export interface FormulaCellOptions {
  /** Renders LaTeX to HTML (default: katex.renderToString with throwOnError false). */
  tex?: (latex: string, display?: boolean) => string;
  /** Iterates shown for update rules (default: the plan's, 5). */
  steps?: number;
  document?: Document;
  /** The element's id (the page's anchor for links to this cell, e.g. formula-L105). */
  id?: string;
  compiled?: CompiledCell;
  /** URL of the sandbox worker that runs edited code (FileAttachment("../data/sandbox-worker.js").href). */
  sandboxUrl?: string;
}

export type FormulaCellElement = HTMLElement & {value: PlanResult | undefined};

function defaultTex(latex: string, display = false): string {
  return katex.renderToString(latex, {throwOnError: false, displayMode: display, output: "htmlAndMathml"});
}

const STATUS_KEY = {verified: "statusVerified", flagged: "statusFlagged", executable: "statusExecutable", "not-executable": "statusNotExecutable"} as const;
const statusText = (s: FormulaReport["status"]) => tFormula(STATUS_KEY[s]);

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
  if (options.id && /^[A-Za-z0-9_-]+$/.test(options.id)) root.id = options.id;
  root.value = undefined;
  /** Where the cell's content goes: the root, or the <details> of a verified/flagged cell. */
  let body: HTMLElement = root;
  try {
    build();
  } catch (e) {
    root.replaceChildren(el("div", "gb-cell__error", tFormula("cellBroken")));
    root.dataset.error = (e as Error).message;
  }
  return root;

  function build(): void {
    if (!report || typeof report !== "object" || typeof report.status !== "string") throw new Error("no formula report");
    root.dataset.status = report.status;
    root.dataset.formula = report.id;
    const badgeKind = report.status === "verified" ? "ok" : report.status === "flagged" ? "bad" : report.status === "executable" ? "run" : "na";
    const folded = (report.status === "verified" || report.status === "flagged") && !!report.plan;
    // Inside a <summary> (phrasing content only) the head is a span.
    const head = el(folded ? "span" : "div", "gb-cell__head");
    const badge = el("span", `gb-badge gb-badge--${badgeKind}`, STATUS_KEY[report.status] ? statusText(report.status) : report.status);
    head.append(badge);
    if (report.line) head.append(el("span", "gb-cell__line", tFormula("codeLine", {line: report.line})));
    const plan = report.plan;
    if (folded) {
      // One line that opens on click: the verdict; a flagged cell starts open.
      const details = el("details", "gb-cell__fold") as HTMLDetailsElement;
      details.open = report.status === "flagged";
      const summary = el("summary", "gb-cell__summary");
      summary.append(head);
      if (report.status === "verified") head.append(el("span", "gb-cell__verdict", verifiedLine()));
      details.append(summary);
      root.append(details);
      body = details;
    } else root.append(head);
    if (report.status === "not-executable" || !plan) {
      // Readers see the book's language; the engine's reason (English, for authors) is kept on the element and in /report.
      // (a verdict without a cell: an expectation or variance judged on seeded draws)
      const verdict = report.status === "verified" ? "drawsAgree" : report.status === "flagged" ? "drawsDisagree" : "notRunnable";
      body.append(el("p", "gb-cell__reason", tFormula(verdict)));
      if (report.reason) root.dataset.reason = report.reason;
      return;
    }
    root.classList.add(`gb-cell--${plan.kind}`);
    if (report.check) body.append(checkView());
    else if (report.status === "flagged") {
      body.append(el("p", "gb-cell__message", tFormula("partsDisagree")));
      if (report.reason) root.dataset.reason = report.reason;
    }
    let symbols: SymbolBinding[] = plan.symbols.map((s) => ({...s}));
    const inputs = el("div", "gb-cell__inputs");
    const out = el("div", "gb-cell__out");
    out.setAttribute("aria-live", "polite");
    const controls = el("div", "gb-cell__controls");
    const randomise = el("button", "gb-cell__randomise", tFormula("randomise")) as HTMLButtonElement;
    randomise.type = "button";
    const reset = el("button", "gb-cell__reset", tFormula("resetInputs")) as HTMLButtonElement;
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
    body.append(inputs, controls, out);
    if (options.compiled) {
      root.dataset.compiled = "true";
      const code = options.compiled.code;
      const show = code.recurrence ? (values: Record<string, unknown>) => {
        const its = readIterates(values[code.recurrence!.iterates]);
        return its ? iteratesView(its) : undefined;
      } : undefined;
      body.append(FormulaCode(code, {args: () => codeArguments(), sandboxUrl: options.sandboxUrl, line: report.line, document: doc, ...(show ? {show} : {})}));
    }
    // The engine's notes are for authors (English, in /report and on the element); readers get the text's values.
    if (plan.notes.length) root.dataset.notes = plan.notes.join("\n");
    if (plan.textValues?.length) {
      const values = plan.textValues.map((v) => tFormula("textValue", {symbol: v.symbol, line: v.line})).join(tFormula("listSep"));
      body.append(el("p", "gb-cell__notes", tFormula("textValues", {values})));
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
        const shape = shapeLabel(s.value);
        if (shape) row.append(el("span", "gb-val__shape", shape));
        inputs.append(row);
      });
    }

    /** The compiled functions' argument object from the cell's current inputs (an update rule's: hyper-parameters and steps). */
    function codeArguments(): Record<string, Value> {
      const code = options.compiled!.code;
      return code.recurrence ? recurrenceArguments(code, plan!, symbols, stepsShown()) : argumentsOf(code, bindingsOf(symbols));
    }

    function stepsShown(): number {
      return options.steps ?? plan!.recurrence?.steps ?? 5;
    }

    /** An update rule's iterates from its compiled code (the interpreter's only past the engine's step limit). */
    function compiledIterates(): PlanResult {
      const code = options.compiled!.code, run = options.compiled!.run[code.recurrence!.iterates];
      if (!(stepsShown() <= MAX_RECURRENCE_STEPS) || typeof run !== "function") return runPlan(plan!, symbols, options.steps);
      try {
        const its = readIterates(run(codeArguments()));
        return its ? {equations: [], iterates: its} : {equations: [], iterateError: tFormula("noValue")};
      } catch (e) {
        return {equations: [], iterateError: (e as Error).message};
      }
    }

    /** The value as printed, computed by the compiled functions (the interpreter's stays for what they lack). */
    function withCompiled(result: PlanResult): void {
      const {code, run} = options.compiled!;
      const args = argumentsOf(code, bindingsOf(symbols));
      const returned: Record<string, unknown> = {}, failed: Record<string, string> = {};
      for (const name of new Set(code.functions.map((f) => f.name))) {
        try {
          if (typeof run[name] === "function") returned[name] = run[name](args);
        } catch (e) {
          failed[name] = (e as Error).message;
        }
      }
      equationValues(code, returned).forEach(({equation, value}, k) => {
        const name = code.functions[k].name;
        if (name in failed) result.equations[equation] = {error: failed[name]};
        else if (isValue(value)) result.equations[equation] = {value};
      });
      const own = plan!.reference ? result.equations[plan!.reference.equation]?.value : undefined;
      if (result.reference?.value !== undefined) {
        if (own !== undefined) result.reference.agrees = close(own, result.reference.value, 1e-9, 1e-12);
        else delete result.reference.agrees;
      }
      const d = result.derivation;
      if (d && plan!.kind === "derivation") {
        const stated = result.equations[0]?.value;
        if (stated !== undefined) {
          d.stated = stated;
          if (d.numeric !== undefined) d.agrees = close(stated, d.numeric, 1e-5, 1e-7);
        }
      }
    }

    function recompute(): void {
      let result: PlanResult;
      try {
        if (options.compiled?.code.recurrence && plan!.kind === "recurrence") result = compiledIterates();
        else {
          result = runPlan(plan!, symbols, options.steps);
          if (options.compiled) withCompiled(result);
        }
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
          out.append(iteratesView(result.iterates));
        }
      } else {
        plan!.equations.forEach((eq, i) => {
          const r = result.equations[i];
          const line = el("div", "gb-cell__result");
          line.append(texEl("span", "gb-cell__lhs", eq.lhs || `\\text{${tFormula("value")}}`), el("span", "gb-cell__eq", "="));
          if (r?.error) line.append(el("span", "gb-cell__error", r.error));
          else line.append(FormulaValue(r?.value, {document: doc}));
          out.append(line);
        });
        // NaN or ∞ is never shown without a word on why
        if (result.equations.some((r) => !r.error && !allFinite(r.value))) out.append(el("p", "gb-cell__note", tFormula("notFinite")));
        if (plan!.reference && result.reference) {
          const ref = el("div", "gb-cell__reference");
          ref.append(el("span", "gb-cell__refname", `${tFormula("reference")} `), texEl("span", "", plan!.reference.latex), el("span", "gb-cell__eq", "="));
          if (result.reference.error) ref.append(el("span", "gb-cell__error", result.reference.error));
          else {
            ref.append(FormulaValue(result.reference.value, {document: doc}));
            if (result.reference.agrees !== undefined) ref.append(el("span", `gb-badge gb-badge--${result.reference.agrees ? "ok" : "bad"}`, result.reference.agrees ? "✓" : "✗"));
          }
          out.append(ref);
        }
        if (plan!.kind === "derivation" && result.derivation) {
          const d = el("div", "gb-cell__reference");
          const dd = plan!.derivation!;
          d.append(el("span", "gb-cell__refname", tFormula("numericGradient")), texEl("span", "", `\\partial ${dd.lossLhs} / \\partial ${dd.wrt}`), el("span", "gb-cell__eq", "="));
          if (result.derivation.error) d.append(el("span", "gb-cell__error", result.derivation.error));
          else {
            d.append(FormulaValue(result.derivation.numeric, {document: doc}));
            if (result.derivation.agrees !== undefined) d.append(el("span", `gb-badge gb-badge--${result.derivation.agrees ? "ok" : "bad"}`, result.derivation.agrees ? "✓" : "✗"));
          }
          out.append(d);
        }
      }
      root.value = result;
      root.dispatchEvent(new (doc.defaultView?.Event ?? Event)("input", {bubbles: true}));
    }
  }

  /** The table of iterates: t, w_t, J(w_t). */
  function iteratesView(iterates: NonNullable<PlanResult["iterates"]>): HTMLElement {
    const table = el("table", "gb-cell__iterates");
    const hr = el("tr");
    for (const h of ["t", "w_t", "J(w_t)"]) hr.append(texEl("th", "", h));
    table.append(hr);
    for (const it of iterates) {
      const tr = el("tr");
      tr.append(el("td", undefined, String(it.t)), el("td", undefined, formatValue(it.w)), el("td", undefined, formatValue(it.loss)));
      table.append(tr);
    }
    return table;
  }

  /** The folded verified cell's one line. */
  function verifiedLine(): string {
    if (report.check?.verdict === "ok") return tFormula("verifiedDerivation");
    if (report.plan?.reference) return tFormula("verifiedReference");
    return tFormula("verified");
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
      item(tFormula("asPrinted"), formatValue(c.stated));
      item(tFormula("autodiff"), formatValue(c.autodiff));
      box.append(el("p", "gb-cell__subhead", tFormula("counterexample")), dl);
      if (c.corrected) box.append(el("p", "gb-cell__subhead", tFormula("corrected")), texEl("div", "gb-cell__corrected", c.corrected, true));
    }
    if (c.link) box.append(texEl("p", "gb-cell__link", `\\text{${tFormula("model")}} ${c.link}`));
    return box;
  }

  /** The verdict in the reader's words, with the formula pieces rendered by KaTeX. */
  function verdictView(c: NonNullable<FormulaReport["check"]>): HTMLElement {
    const p = el("p", "gb-cell__message");
    if (c.verdict === "ok") {
      p.append(tFormula("agreesBefore"), texEl("span", "", c.loss.latex.split("=")[0].trim() || "L"), tFormula("agreesAfter"));
      return p;
    }
    const term = c.fix?.match(/^flip the sign of the term (.+)$/)?.[1];
    if (c.fix?.startsWith("flip the sign of the whole expression")) p.append(tFormula("wholeSign"));
    else if (term) p.append(tFormula("termBefore"), texEl("span", "", term), tFormula("termAfter"));
    else p.append(tFormula("noSignFix"));
    p.append(tFormula("statedVsAutodiff", {stated: formatValue(c.stated), autodiff: formatValue(c.autodiff)}));
    return p;
  }
}

function hyperLatex(key: string): string {
  const m: Record<string, string> = {alpha: "\\alpha", beta_1: "\\beta_1", beta_2: "\\beta_2", epsilon: "\\epsilon", gamma: "\\gamma", beta: "\\beta", rho: "\\rho", lambda: "\\lambda", mu: "\\mu"};
  return m[key] ?? `\\text{${key}}`;
}
