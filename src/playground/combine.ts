/**
 * A printed update written relative to a recurrence block printed just before it ("AdamW only changes the last
 * line: θ_t ← θ_{t-1} − α(m̂_t/(√v̂_t + ε) + λθ_{t-1})"): its right side uses the block's states (m, v, or their
 * bias-corrected m̂, v̂) without defining them. It is that block with the lines it restates replaced, so the
 * combined system is what runs. Pure text and AST work: no DOM, no tf.
 */
import type {Node} from "../../components/formula/ast.js";
import {children as childrenOf} from "../../components/formula/ast.js";
import {parseFormula} from "../../components/formula/parse.js";
import {compileRecurrence, normalizeRule} from "../../components/formula/recurrence.js";
import {findAll, symbolUses} from "../../components/formula/symbols.js";

interface Line {
  name: string;
  /** The line as LaTeX, without alignment marks (as normalizeRule reads it). */
  text: string;
  rhs: Node;
  /** The right side's symbols: [name, subscript LaTeX]. */
  uses: [string, string | undefined][];
}

const ENV = /\\(?:begin|end)\{(?:aligned|align\*?|gathered|gather\*?|split|array|eqnarray\*?)\}(?:\{[^{}]*\})?/g;

/** The lines of a printed system, each parsed on its own (undefined when one is not `symbol = …`). */
export function systemLines(latex: string): Line[] | undefined {
  const parts = latex.replace(ENV, "").split(/\\\\(?![A-Za-z])/).map((l) => l.replace(/&/g, "").trim()).filter(Boolean);
  const out: Line[] = [];
  for (const text of parts) {
    try {
      const norm = normalizeRule(text);
      const [line, ...more] = parseFormula(norm).lines;
      if (more.length || line.first.type !== "sym" || line.rest.length !== 1 || line.rest[0].rel !== "=") return undefined;
      const rhs = line.rest[0].node;
      out.push({name: line.first.name, text: norm, rhs, uses: symbolUses(rhs).map((u) => [u.node.name, u.node.subText])});
    } catch {
      return undefined;
    }
  }
  return out.length ? out : undefined;
}

/** `\hat{m}` → `m`; other names as they are. */
const unhat = (name: string) => /^\\(?:hat|widehat)\{(.+)\}$/.exec(name)?.[1] ?? name;

/**
 * The combined system when `latex` updates the weight of `block` and reads block states it does not define;
 * undefined when it is not written relative to the block (or merely restates one of its lines).
 */
export function combineWithBlock(latex: string, block: string): string | undefined {
  const own = systemLines(latex), base = systemLines(block);
  if (!own || !base || base.length < 2) return undefined;
  let weight: string;
  try {
    weight = compileRecurrence(block).weight;
  } catch {
    return undefined;
  }
  const defined = new Set(own.map((l) => l.name));
  const states = new Set(base.map((l) => l.name));
  if (!defined.has(weight) || own.some((l) => !states.has(l.name))) return undefined;
  const squash = (x: string) => x.replace(/\s+/g, "");
  if (own.every((l) => base.some((b) => squash(b.text) === squash(l.text)))) return undefined;
  const used = own.flatMap((l) => l.uses).filter(([n]) => !defined.has(n) && n !== weight);
  const borrowed = used.filter(([n]) => states.has(n) || states.has(unhat(n)));
  if (!borrowed.length) return undefined;
  const hats = new Map<string, Line>();
  for (const [n, sub] of borrowed) {
    if (states.has(n) || hats.has(n)) continue;
    const line = systemLines(hatDefinition(n, sub, base) ?? "")?.[0];
    if (!line) return undefined;
    hats.set(n, line);
  }
  const first = base.findIndex((b) => defined.has(b.name));
  const kept = base.filter((b) => !defined.has(b.name));
  const before = base.slice(0, first).filter((b) => !defined.has(b.name)).length;
  const lines = [...kept.slice(0, before), ...hats.values(), ...own, ...kept.slice(before)];
  return needed(lines, defined).map((l) => l.text).join(" \\\\ ");
}

/**
 * A system that reads m̂_t or v̂_t of its own states without a line for them (the text says they are the
 * bias-corrected moments): the system with those lines added before their first use; undefined when none is missing.
 */
export function completeHats(latex: string): string | undefined {
  const lines = systemLines(latex);
  if (!lines || lines.length < 2) return undefined;
  const states = new Set(lines.map((l) => l.name));
  const out: Line[] = [];
  const added = new Set<string>();
  for (const l of lines) {
    for (const [n, sub] of l.uses) {
      if (states.has(n) || added.has(n) || !states.has(unhat(n))) continue;
      const line = systemLines(hatDefinition(n, sub, lines) ?? "")?.[0];
      if (!line) return undefined;
      out.push(line);
      added.add(n);
    }
    out.push(l);
  }
  return added.size ? out.map((l) => l.text).join(" \\\\ ") : undefined;
}

/** The lines the printed ones depend on (an accumulator the new update no longer reads is dropped), in order. */
function needed(lines: Line[], own: Set<string>): Line[] {
  const want = new Set(own);
  const keep = new Set<Line>();
  for (let pass = 0; pass < lines.length; pass++) {
    for (const l of lines) {
      if (!want.has(l.name) || keep.has(l)) continue;
      keep.add(l);
      for (const [n] of l.uses) want.add(n);
    }
  }
  return lines.filter((l) => keep.has(l));
}

/**
 * `\hat{m}_t` the block never defines: the bias-corrected moment. The block's own correction of m where it writes
 * one (`m_t / (1 - \beta_1^t)`, `\frac{m_t}{1 - \beta_1^t}`), else m over one minus its decay to the power t.
 */
function hatDefinition(hat: string, sub: string | undefined, base: Line[]): string | undefined {
  const m = unhat(hat);
  const at = sub === undefined ? "" : `_{${sub}}`;
  for (const b of base) {
    for (const d of findAll(b.rhs, "div")) {
      const num = d.num.type === "paren" ? d.num.arg : d.num;
      if (num.type === "sym" && num.name === m && d.den.type !== "sqrt" && !findAll(d.den, "sqrt").length) return `${hat}${at} = ${b.text.slice(d.start, d.end)}`;
    }
  }
  const line = base.find((b) => b.name === m);
  const decay = line && decayOf(line.rhs, m, line.text);
  // the moment's own index: m̂_{t+1} = m_{t+1} / (1 − β₁^{t+1}), which is 1 on the first update (recurrence.ts)
  const time = sub !== undefined && /[A-Za-z]/.test(sub) ? sub : "t";
  return decay ? `${hat}${at} = \\frac{${m}${at}}{1 - ${decay}^{${time}}}` : undefined;
}

/** The constant that scales the previous value in an accumulator (β₁ in β₁ m_{t-1} + …), as LaTeX. */
function decayOf(rhs: Node, name: string, text: string): string | undefined {
  let out: string | undefined;
  const visit = (x: Node): void => {
    if (out) return;
    if (x.type === "mul") {
      const [c, s] = x.right.type === "sym" && x.right.name === name ? [x.left, x.right] : x.left.type === "sym" && x.left.name === name ? [x.right, x.left] : [];
      if (c && s && c.type === "sym") {
        out = text.slice(c.start, c.end);
        return;
      }
    }
    for (const c of childrenOf(x)) visit(c);
  };
  visit(rhs);
  return out;
}
