/** What the prose around a formula says its symbols are: "其中，$y_i'$ 是预测概率，$y_i$ 是真实标签". */
import {parseExpression} from "./parse.js";

export interface ProseRoles {
  /** Base names (no index subscript) the prose calls predictions / labels. */
  predictions: Set<string>;
  labels: Set<string>;
}

const PRED = "(?:预测|predict|prediction|predicted|output probability|估计)";
const LABEL = "(?:真实|标签|label|target|ground truth|目标值)";

function baseName(latex: string): string | undefined {
  try {
    const n = parseExpression(latex);
    return n.type === "sym" ? n.name : undefined;
  } catch {
    return undefined;
  }
}

export function proseRoles(prose: string): ProseRoles {
  const predictions = new Set<string>(), labels = new Set<string>();
  // "$X$ 是/表示 … 预测…" (up to 12 characters between, no other formula in between)
  const after = (word: string) => new RegExp(String.raw`\$([^$]+)\$\s*(?:是|表示|为|代表|denotes|is|are)?[^$。；;，,.]{0,12}?${word}`, "gi");
  // "预测结果为 $X$" / "the prediction $X$"
  const before = (word: string) => new RegExp(String.raw`${word}[^$。；;，,.]{0,6}?(?:为|是|is)?\s*\$([^$]+)\$`, "gi");
  for (const m of prose.matchAll(after(LABEL))) {
    const b = baseName(m[1]);
    if (b) labels.add(b);
  }
  for (const m of prose.matchAll(before(LABEL))) {
    const b = baseName(m[1]);
    if (b) labels.add(b);
  }
  for (const m of prose.matchAll(after(PRED))) {
    const b = baseName(m[1]);
    if (b && !/真实|标签|label/i.test(m[0].slice(m[0].indexOf("$", 1)))) predictions.add(b);
  }
  for (const m of prose.matchAll(before(PRED))) {
    const b = baseName(m[1]);
    if (b) predictions.add(b);
  }
  return {predictions, labels};
}
