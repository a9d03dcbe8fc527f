/**
 * A formula that states its own region (`\frac{d}{dx} s(x) = x, \qquad |x| < \beta`, `0 \le t \le T`) holds only
 * there: seeded inputs that fall outside say nothing. It is judged on seeded inputs that fall inside, drawn again
 * with other seeds (a bounded number of tries); when none falls inside, it is not judged.
 */
import type {Formula, Line, Node} from "./ast.js";
import {evaluateWith, jsOps} from "./evaluate.js";
import type {FormulaReport} from "./types.js";
import type {Value} from "./values.js";

type Outcome = Omit<FormulaReport, "id" | "line">;

const INEQUALITY: Record<string, (a: number, b: number) => boolean> = {
  "<": (a, b) => a < b,
  ">": (a, b) => a > b,
  "\\le": (a, b) => a <= b,
  "\\ge": (a, b) => a >= b,
  "\\leq": (a, b) => a <= b,
  "\\geq": (a, b) => a >= b
};

/** How many seeds a formula with a region is tried on (each try re-runs its check). */
export const REGION_TRIES = 12;

/** The line of inequalities a formula of several lines states as its region. */
export function regionLine(f: Formula): Line | undefined {
  if (f.lines.length < 2) return undefined;
  return f.lines.find((l) => l.rest.length > 0 && l.rest.every((r) => r.rel in INEQUALITY));
}

/** Whether the inputs satisfy every inequality of the region; undefined when it cannot be evaluated on them. */
export function insideRegion(region: Line, inputs: Record<string, Value>): boolean | undefined {
  const value = (n: Node): number | undefined => {
    try {
      const v = evaluateWith(n, {ops: jsOps, vars: inputs, idx: {}});
      return typeof v === "number" && Number.isFinite(v) ? v : undefined;
    } catch {
      return undefined;
    }
  };
  let left = value(region.first);
  for (const r of region.rest) {
    const right = value(r.node);
    if (left === undefined || right === undefined) return undefined;
    if (!INEQUALITY[r.rel](left, right)) return false;
    left = right;
  }
  return true;
}

/**
 * The first verdict (flagged or verified) reached on inputs inside the region, trying `first` and then re-runs
 * with other seeds; undefined when no try lands inside (or the formula states no region).
 */
export async function judgeInRegion(first: Outcome, f: Formula, latex: string, seed: number, rerun: (seed: number) => Promise<Outcome>): Promise<Outcome | undefined> {
  const region = regionLine(f);
  if (!region) return undefined;
  const text = latex.slice(region.start, region.end).trim();
  for (let k = 0; k < REGION_TRIES; k++) {
    const o = k === 0 ? first : await rerun((seed + k * 0x9e3779b1) >>> 0);
    if (o.status !== "flagged" && o.status !== "verified") continue;
    const inputs = Object.fromEntries((o.plan?.symbols ?? []).map((s) => [s.key, s.value]));
    if (insideRegion(region, inputs)) return {...o, reason: `${o.reason ?? ""} (on seeded inputs inside the region the formula states, ${text})`.trim()};
  }
  return undefined;
}
