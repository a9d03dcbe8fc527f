/**
 * Reads the results a chapter claims (Keras logs, "Test Accuracy: 0.8462", "准确率为 97.59%") from its result
 * blocks and prose. Pure.
 */
import type {Claim} from "./program.js";

export interface TextPiece {
  text: string;
  /** File line of the piece's first line. */
  line: number;
  /** Program code: only its comment lines are read (`# … accuracy: 0.9759`). */
  code?: boolean;
}

const KV = /\b(test[ _]?|val[ _]?)?(loss|accuracy|acc)\b\s*[:=]\s*([0-9]*\.?[0-9]+)(?![\w}])(%?)/gi;
const PROSE = /(测试[^。，,；;\n]*?)?(准确率|精度|正确率)[^0-9%。\n]{0,8}?([0-9]+(?:\.[0-9]+)?)\s*%/g;

export function parseClaims(pieces: TextPiece[]): Claim[] {
  const claims: Claim[] = [];
  const push = (c: Claim) => {
    if (!claims.some((d) => d.metric === c.metric && d.split === c.split && Math.abs(d.value - c.value) < 1e-6)) claims.push(c);
  };
  for (const piece of pieces) {
    const lines = piece.text.split("\n").map((l) => (!piece.code ? l : /^\s*#/.test(l) ? l.replace(/^\s*#\s?/, "") : ""));
    const isLog = lines.some((l) => /^\s*#?\s*Epoch \d+\/\d+/.test(l));
    // A Keras training log: only the last epoch's line counts, as a training-set figure.
    let lastEpochLine = -1;
    if (isLog) lines.forEach((l, i) => /loss\s*:/.test(l) && (lastEpochLine = i));
    lines.forEach((l, i) => {
      if (isLog && i !== lastEpochLine) return;
      for (const m of l.matchAll(KV)) {
        if (m[1] && /^val/i.test(m[1])) continue;
        let value = Number(m[3]);
        if (m[4] === "%") value /= 100;
        const metric = /loss/i.test(m[2]) ? "loss" : "accuracy";
        if (metric === "accuracy" && !(value >= 0 && value <= 1)) continue;
        push({metric, split: isLog ? "train" : "test", value, text: l.trim().replace(/^#\s*/, ""), line: piece.line + i});
      }
      for (const m of l.matchAll(PROSE)) {
        const value = Number(m[3]) / 100;
        if (!(value >= 0 && value <= 1)) continue;
        const split = /训练/.test(m[0]) ? "train" : "test";
        push({metric: "accuracy", split, value, text: m[0].trim(), line: piece.line + i});
      }
    });
  }
  return claims;
}
