import type {FormulaReport} from "../components/formula/analyze.js";
import type {PlaygroundSpec} from "../components/playground/spec.js";
import type {ChapterModel, SectionModel} from "./chapter.js";
import {formulaReports} from "./formulaEnricher.js";
import type {Enricher} from "./generate.js";
import {type Cell, jsonForScript} from "./page.js";
import {playgroundSpec} from "./playground/index.js";
import {DEFAULT_HYPER} from "../components/math/optimizers/types.js";

/** Words that say a section talks about an optimiser (Chinese and English). */
const OPTIMISER_TEXT = /梯度下降|gradient descent|\bAdam\b|\bSGD\b|动量|momentum|RMSProp|Ada(?:Grad|Delta)|优化算法|学习率/i;
/** A printed update rule: w_{t+1} = …, θ = θ − …, W_new = …, or an Adam-style m_t = … system. */
const UPDATE_RULE = /(_\{t\s*\+\s*1\}\s*=)|(\\theta\s*=\s*\\theta)|(_\{?new\}?\s*=)|(m_t\s*=\s*\\beta)/;

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

export const PLAYGROUND_IMPORTS = [
  `import {LossCurves, LossSurface, NotebookCode, OptimizerControls, Surface3D, SurfacePicker, UpdateRule, extraReferencesFor, referencesFor, runOptimizers, startFor, surfaceFromSpec} from "../components/playground/index.js";`
];

/**
 * The playground as notebook cells, every name prefixed with `p` so two playgrounds on a page never clash: the spec
 * (data), a surface picker and the sliders (Framework view() inputs), the surface, the paths (pure), the plots,
 * the update rules with the sliders' numbers, and, folded, the cells' own source. Plots that are costly to build
 * (contours, the 3-D mesh) are built once per surface, the rules (KaTeX) once per page, and one small update cell
 * gives them the new paths and numbers: a slider move re-runs only that cell and the paths (Framework's runtime
 * runs them once per animation frame), and creates no element.
 */
export function playgroundCells(spec: PlaygroundSpec, p = "pg1"): Cell[] {
  const code = [
    `const ${p}Spec = ${jsonForScript(spec)};`,
    `const ${p}Picker = SurfacePicker(${p}Spec.surfaces);`,
    `const ${p}SurfaceId = view(${p}Picker);`,
    `const ${p}Controls = OptimizerControls(${p}Spec.defaults, {rules: ${p}Spec.rules, claims: ${p}Spec.claims, picker: ${p}Picker});`,
    `const ${p}Surface = surfaceFromSpec(${p}Spec.surfaces.find((s) => s.id === ${p}SurfaceId));`,
    `const ${p}Plot = LossSurface(${p}Surface, {onStart: (w) => ${p}Controls.setStart(w, ${p}SurfaceId)});\ndisplay(${p}Plot);`,
    `const ${p}Hyper = view(${p}Controls);`,
    `const ${p}Paths = runOptimizers(${p}Surface, ${p}Hyper, ${p}Spec.rules);`,
    `const ${p}Curves = LossCurves([], {onStep: (k) => ${p}Plot.setStep(k)});\ndisplay(${p}Curves);`,
    `${p}Plot.setPaths(${p}Paths, startFor(${p}Surface, ${p}Hyper));\n${p}Curves.setPaths(${p}Paths);\n${p}View3d?.setPaths(${p}Paths);\nfor (const r of ${p}Rules) r.setHyper(${p}Hyper);`,
    `const ${p}References = [...referencesFor(${p}Spec.rules), ...extraReferencesFor(${p}Spec.rules, ${p}Spec.defaults).map((x) => x.name)];`,
    `const ${p}Rules = [...${p}Spec.rules, ...${p}References].map((r) => UpdateRule(r, ${p}Spec.defaults));\nfor (const r of ${p}Rules) display(r);`,
    `const ${p}View3d = ${p}Surface.domain.y ? Surface3D(${p}Surface) : null;\nif (${p}View3d) display(${p}View3d);`
  ];
  const cells: Cell[] = code.map((c) => ({imports: PLAYGROUND_IMPORTS, code: c}));
  cells.push({imports: PLAYGROUND_IMPORTS, code: `display(NotebookCode(${jsonForScript(code)}));`});
  return cells;
}

/** The chapter's spec; a reader that fails falls back to the built-in surfaces, with a warning (never throws). */
function safeSpec(chapter: ChapterModel, reports: FormulaReport[]): PlaygroundSpec {
  try {
    return playgroundSpec(chapter, reports);
  } catch (e) {
    chapter.diagnostics.warn(1, "playground-spec", `playground: reading the chapter failed (${(e as Error).message}); built-in surfaces only / 读取演示区失败，只用内置曲面`);
    const builtin = (id: string) => ({id, title: id, line: null, builtin: id, params: [], labels: [], bindings: {}, start: []});
    return {surfaces: ["quadratic", "rosenbrock", "saddle"].map(builtin), rules: [], defaults: {...DEFAULT_HYPER, steps: 100}, claims: []};
  }
}

/**
 * Puts the loss-surface playground, as notebook cells, on algorithm and math pages that talk about an optimiser:
 * the chapter's own surfaces, rules, defaults and claims (src/playground/, components/playground/spec.ts).
 */
export const playgroundEnricher: Enricher = {
  name: "playground",
  async plan(chapter) {
    const anchors = new Map<string, number>();
    for (const s of chapter.sections) {
      if ((s.kind === "algorithm" || s.kind === "math") && OPTIMISER_TEXT.test(s.source)) anchors.set(s.slug, anchorBlock(s));
    }
    if (!anchors.size) return () => [];
    const spec = safeSpec(chapter, await formulaReports(chapter));
    return (section, i) => (anchors.get(section.slug) === i ? playgroundCells(spec, "pg1") : []);
  }
};
