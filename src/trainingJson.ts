/**
 * The `training` object of `npm run check -- --json` for one chapter: whether its code-practice Python trains in
 * the page, in which framework, on which data, why not, and the results the chapter claims.
 */
import type {Claim, Program} from "../components/models/keras/program.js";
import type {ChapterModel} from "./chapter.js";
import {parseClaims} from "../components/models/keras/claims.js";
import {codeBlocks, proseOf, translateCodeSection} from "./trainingEnricher.js";

export interface TrainingJson {
  /** The model's (or the training loop's) line; without a program, the first Python block's opening fence. */
  line: number;
  trainable: boolean;
  framework: "keras" | "pytorch" | "numpy" | null;
  /** "mnist" | "cifar10-substitute" | "table" | "arrays" (data the code computes); null when not trainable. */
  dataset: string | null;
  /** Why it does not train ("file:line: message" of the first error); null when it trains. */
  reason: string | null;
  claims: {line: number | null; metric: Claim["metric"]; split: Claim["split"]; value: number; text: string}[];
  /** Parts the page cannot follow while the rest still trains. */
  unsupported: {line: number; message: string}[];
}

function datasetName(p: Program): string {
  if (p.kind === "numpy-gd") return "arrays";
  if (p.dataset.id === "mnist" && p.dataset.origin === "cifar10-substitute") return "cifar10-substitute";
  return p.dataset.id;
}

function guessFramework(code: string): TrainingJson["framework"] {
  if (/\bimport\s+torch\b|from\s+torch\b/.test(code)) return "pytorch";
  if (/\bkeras\b|tensorflow/.test(code)) return "keras";
  if (/\bnumpy\b/.test(code)) return "numpy";
  return null;
}

export function trainingJson(chapter: ChapterModel): TrainingJson | null {
  const section = chapter.sections.find((s) => s.kind === "code" && codeBlocks(s).some((b) => /^py(thon)?$/i.test(b.lang)));
  if (!section) return null;
  const blocks = codeBlocks(section).filter((b) => /^py(thon)?$/i.test(b.lang));
  const {program, script, diagnostics} = translateCodeSection(chapter, section);
  const claimsOf = (cs: Claim[]) => cs.map((c) => ({line: c.line ?? null, metric: c.metric, split: c.split, value: c.value, text: c.text}));
  if (program) {
    return {line: program.line, trainable: true, framework: program.kind === "numpy-gd" ? "numpy" : program.framework ?? "keras",
      dataset: datasetName(program), reason: null, claims: claimsOf(program.claims),
      unsupported: program.kind === "keras" ? program.unsupported ?? [] : []};
  }
  if (script) {
    return {line: script.line, trainable: true, framework: "numpy", dataset: "arrays", reason: null, claims: claimsOf(script.claims),
      unsupported: script.unsupported};
  }
  const err = diagnostics.find((d) => d.severity === "error");
  const claims = parseClaims([...codeBlocks(section).map((b) => ({text: b.code, line: b.line + 1, code: /^py(thon)?$/i.test(b.lang)})),
    {text: proseOf(section), line: section.start}]);
  return {line: blocks[0].line, trainable: false, framework: guessFramework(blocks.map((b) => b.code).join("\n")), dataset: null,
    reason: err ? `${chapter.file}:${err.line}: ${err.message}` : "no model to train was found", claims: claimsOf(claims),
    unsupported: diagnostics.filter((d) => d.severity === "error").map((d) => ({line: d.line, message: d.message}))};
}
