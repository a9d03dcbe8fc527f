/**
 * Math blocks of a markdown document with their section and prose, for tests and tools that have no generator
 * model at hand (the generator builds the same MathBlock[] from its own parse). `$$…$$` (one or many lines) and
 * inline `$…$`; fenced code is skipped.
 */
import type {MathBlock, SectionKind} from "./types.js";

const KINDS: [SectionKind, RegExp][] = [
  ["background", /背景|background/i], ["concepts", /核心概念|core concepts?/i], ["algorithm", /核心算法|算法原理|algorithm/i],
  ["math", /数学模型|公式|math/i], ["code", /项目实[践战]|代码|code|project/i], ["applications", /实际应用|应用场景|applications?/i],
  ["tools", /工具|资源推荐|tools/i], ["summary", /总结|summary/i], ["faq", /附录|常见问题|faq/i], ["references", /参考|references/i]
];

export function extractMathBlocks(markdown: string, file: string, proseWindow = 8): MathBlock[] {
  const lines = markdown.split("\n");
  const out: MathBlock[] = [];
  let kind: SectionKind = "intro", title = "", sectionStart = 0, fence = false;
  const sectionOf: {kind: SectionKind; title: string; start: number}[] = [];
  lines.forEach((l, i) => {
    if (/^\s*(```|~~~)/.test(l)) fence = !fence;
    const h = !fence && /^##\s+(.*)$/.exec(l);
    if (h) {
      title = h[1].replace(/^[\d.]+\s*/, "").trim();
      kind = KINDS.find(([, re]) => re.test(title))?.[0] ?? "other";
      sectionStart = i;
    }
    sectionOf.push({kind, title, start: sectionStart});
  });
  fence = false;
  let counter = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (/^\s*(```|~~~)/.test(l)) {
      fence = !fence;
      continue;
    }
    if (fence) continue;
    const push = (latex: string, display: boolean, line: number) => {
      const s = sectionOf[line - 1];
      let end = line;
      while (end < lines.length && sectionOf[end]?.start === s.start) end++;
      const prose = lines.slice(Math.max(s.start, line - 1 - proseWindow), Math.min(end, line + proseWindow)).join("\n");
      const own = display ? "" : (lines[line - 1] ?? "").split(latex)[0];
      const before = leadIn(lines, line - 1, s.start, own);
      out.push({id: `${file.replace(/\W+/g, "-")}-m${++counter}`, latex, display, file, line, sectionKind: s.kind, sectionTitle: s.title, prose, before});
    };
    if (l.trim().startsWith("$$") && !/\$\$.*\$\$/.test(l.trim().slice(2) ? l.trim() : "")) {
      // multi-line display block
      const start = i;
      const buf = [l.trim().slice(2)];
      let j = i + 1;
      for (; j < lines.length && !lines[j].trim().endsWith("$$"); j++) buf.push(lines[j]);
      if (j < lines.length) buf.push(lines[j].trim().slice(0, -2));
      push(buf.join("\n").trim(), true, start + 1);
      i = j;
      continue;
    }
    for (const m of l.matchAll(/\$\$([^$]+)\$\$|\$([^$\n]+?)\$/g)) push((m[1] ?? m[2]).trim(), m[1] !== undefined, i + 1);
  }
  return out;
}

/**
 * The text just before the formula on line index `at` (0-based): up to three lines above it, and its own line up
 * to it (`own`, inline). A display formula that follows other display formulas with no prose between shares their
 * lead-in ("当 ε = 0 时满足 $$…$$ $$…$$"): the lines above the run are included. Never above `floor`.
 */
export function leadIn(lines: string[], at: number, floor: number, own: string): string {
  let top = at;
  for (let run = 0; run < 4; run++) {
    let k = top - 1;
    while (k >= floor && !lines[k].trim()) k--;
    if (k < floor || !lines[k].trim().endsWith("$$")) break;
    // one-line $$…$$, or a block: up to its opening $$
    let open = k;
    if (!/^\s*\$\$.+\$\$\s*$/.test(lines[k])) for (open = k - 1; open >= floor && !lines[open].trim().startsWith("$$"); open--);
    if (open < floor) break;
    top = open;
  }
  return [...lines.slice(Math.max(floor, top - 3), at), own].join("\n");
}
