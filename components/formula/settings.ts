/**
 * Values a formula's lead-in sets: "For the unsmoothed loss ($s = 0$) this simplifies to", "当 $\epsilon = 0$ 时",
 * "取 $\beta = 0.9$", "with $\tau = 1$". The formula holds at them, so it is compared there (the other inputs
 * seeded), not on seeded values that do not satisfy them.
 */
import {symKey} from "./ast.js";
import {parseExpression} from "./parse.js";

/** A word that introduces a setting, just before the inline math (at most a few characters between). */
const INTRODUCES = /(?:当|若|如果|假设|假定|取|令|设|在|(?:\b(?:when|if|assuming|provided|with|at|for|setting|set|taking|take|let)\b))[^$。.;；]{0,12}$/i;
const SETTING = /^\s*(\\?[A-Za-z]+(?:_\{?[\w\\]+\}?)?)\s*=\s*(-?\d+(?:\.\d+)?)\s*$/;

/** The last lines of a lead-in: the sentence above a run of formulas, the run's earlier displays left out. */
const nearLead = (before: string) => before.replace(/\$\$[\s\S]*?\$\$/g, "").split("\n").filter((l) => l.trim()).slice(-3).join("\n");

/** The symbol keys the last lines of a lead-in set to a number, with their values. */
export function leadSettings(before: string): Record<string, number> {
  const near = nearLead(before);
  const out: Record<string, number> = {};
  const math = /\$([^$]+)\$/g;
  for (let m = math.exec(near); m; m = math.exec(near)) {
    const s = SETTING.exec(m[1]);
    if (!s) continue;
    const ahead = near.slice(Math.max(0, m.index - 40), m.index);
    const after = near.slice(m.index + m[0].length, m.index + m[0].length + 2);
    const parenthesised = /[(（]\s*$/.test(ahead) && /^\s*[)）]/.test(after);
    if (!parenthesised && !INTRODUCES.test(ahead)) continue;
    try {
      const n = parseExpression(s[1]);
      if (n.type === "sym") out[symKey(n.name, n.subText)] = Number(s[2]);
    } catch {
      // not a symbol the engine reads: no setting
    }
  }
  return out;
}

/**
 * Vectors the lead-in makes unit vectors: "On the unit sphere $\mathbf{w}^\top \mathbf{w} = 1$", "$\|\mathbf{u}\| = 1$",
 * "for a unit $\mathbf{w}$", "单位向量 $\mathbf{w}$". The formula holds for them, so they are seeded with norm 1.
 */
export function leadUnitVectors(before: string): Set<string> {
  const near = nearLead(before);
  const v = String.raw`(?:\\(?:mathbf|boldsymbol|bm|vec)\{\s*([A-Za-z])\s*\}|([a-z]))`;
  const out = new Set<string>();
  const add = (m: RegExpMatchArray) => out.add((m[1] ?? m[2])!);
  // w^T w = 1, ‖w‖ = 1, ‖w‖_2 = 1
  for (const m of near.matchAll(new RegExp(String.raw`\$\s*` + v + String.raw`\s*\^\s*\{?\s*(?:\\top|T|\\mathsf\{T\}|\\intercal)\s*\}?\s*` + v + String.raw`\s*=\s*1\s*\$`, "g")))
    if ((m[1] ?? m[2]) === (m[3] ?? m[4])) add(m);
  for (const m of near.matchAll(new RegExp(String.raw`\$\s*(?:\\\||\\lVert|\\Vert)\s*` + v + String.raw`\s*(?:\\\||\\rVert|\\Vert)(?:_\{?2\}?)?\s*=\s*1\s*\$`, "g"))) add(m);
  // "unit $\mathbf{w}$", "unit vector $w$", "单位向量 $\mathbf{w}$"
  for (const m of near.matchAll(new RegExp(String.raw`(?:\bunit(?:[- ]norm)?(?:\s+vectors?)?|单位(?:向量|长度)?)\s*\$\s*` + v + String.raw`\s*\$`, "gi"))) add(m);
  return out;
}
