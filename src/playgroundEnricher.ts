import type {FormulaReport} from "../components/formula/analyze.js";
import type {ChapterModel, SectionModel} from "./chapter.js";
import {formulaReports} from "./formulaEnricher.js";
import type {Enricher} from "./generate.js";
import {jsonForScript} from "./page.js";

/** Words that say a section talks about an optimiser (Chinese and English). */
const OPTIMISER_TEXT = /梯度下降|gradient descent|\bAdam\b|\bSGD\b|动量|momentum|RMSProp|优化算法|学习率/i;
/** A printed update rule: w_{t+1} = …, θ = θ − …, W_new = …, or an Adam-style m_t = … system. */
const UPDATE_RULE = /(_\{t\s*\+\s*1\}\s*=)|(\\theta\s*=\s*\\theta)|(_\{?new\}?\s*=)|(m_t\s*=\s*\\beta)/;

export const DEFAULT_SURFACES = ["quadratic", "rosenbrock", "saddle"];

/** The update rules printed in a chapter, in order, labelled with their section and line. */
export function printedUpdateRules(chapter: ChapterModel): {label: string; latex: string; line: number}[] {
  const seen = new Set<string>();
  return chapter.sections.flatMap((s) =>
    s.math
      // a limit statement (… \to w^*) restates the rule, it is not one
      .filter((m) => UPDATE_RULE.test(m.latex) && !/\\to\b/.test(m.latex))
      .filter((m) => {
        const key = m.latex.replace(/\s+/g, "");
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      })
      .map((m) => ({label: `${/v_t|v_\{t\}/.test(m.latex) ? "Adam" : "GD"}（原文第 ${m.line} 行）`, latex: m.latex, line: m.line}))
  );
}

export interface PrintedGradient {
  label: string;
  loss: "mse" | "binaryCrossEntropy";
  sign: -1;
  latex: string;
}

const WHOLE_FLIP = "flip the sign of the whole expression";

/**
 * Gradients the chapter prints with the wrong sign, as the formula engine found them, for the playground to draw as
 * "GD with the gradient as printed" (it climbs). One entry per loss, and only when every stated component of that
 * loss's gradient is off by exactly the sign (a one-term or symbolic fix cannot be drawn as a sign).
 */
export function printedGradients(chapter: ChapterModel, reports: FormulaReport[]): PrintedGradient[] {
  const latexById = new Map(chapter.sections.flatMap((s) => s.math.map((m) => [m.id, m.latex] as const)));
  const byLoss = new Map<number, FormulaReport[]>();
  for (const r of reports) {
    if (r.status !== "flagged" || !r.check) continue;
    const group = byLoss.get(r.check.loss.line) ?? [];
    group.push(r);
    byLoss.set(r.check.loss.line, group);
  }
  const out: PrintedGradient[] = [];
  for (const group of byLoss.values()) {
    if (!group.every((r) => r.check?.fix === WHOLE_FLIP)) continue;
    const lossLatex = group[0].check!.loss.latex;
    const loss = /\\log/.test(lossLatex) ? "binaryCrossEntropy" : /\^\s*\{?2\}?/.test(lossLatex) ? "mse" : undefined;
    if (!loss) continue;
    const lines = group.map((r) => r.line).sort((a, b) => a - b);
    out.push({label: `梯度下降，用原文的梯度（第 ${lines.join("、")} 行）`, loss, sign: -1, latex: latexById.get(group[0].id) ?? ""});
  }
  return out;
}

/** Where a section's playground goes: after the block that prints an update rule, else after the last block. */
function anchorBlock(section: SectionModel): number {
  const i = section.blocks.findIndex((b) => b.math.some((m) => UPDATE_RULE.test(m.latex)));
  return i >= 0 ? i : section.blocks.length - 1;
}

/**
 * Puts the loss-surface playground on algorithm and math pages that talk about an optimiser, with the chapter's
 * surfaces (book.json) and the update rules the chapter prints drawn as extra paths.
 */
export const playgroundEnricher: Enricher = {
  name: "playground",
  async plan(chapter) {
    const printed = printedUpdateRules(chapter).map(({label, latex}) => ({label, latex}));
    const wrong = printedGradients(chapter, await formulaReports(chapter));
    const surfaces = chapter.part.surfaces?.length ? chapter.part.surfaces : DEFAULT_SURFACES;
    const anchors = new Map<string, number>();
    for (const s of chapter.sections) {
      if ((s.kind === "algorithm" || s.kind === "math") && OPTIMISER_TEXT.test(s.source)) anchors.set(s.slug, anchorBlock(s));
    }
    return (section, i) => {
      if (anchors.get(section.slug) !== i) return [];
      const spec = {surfaces, initial: surfaces[0], printed, ...(wrong.length ? {printedGradients: wrong} : {})};
      return [
        {
          imports: [`import {Playground} from "../components/widgets/Playground.js";`],
          code: `const playgroundAbort = new AbortController();\ninvalidation.then(() => playgroundAbort.abort());\ndisplay(Playground(${jsonForScript(spec)}, {signal: playgroundAbort.signal, loadRecurrence: () => import("../components/formula/recurrence.js")}));`
        }
      ];
    };
  }
};
