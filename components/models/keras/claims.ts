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

/** Words between a metric and its value in prose ("accuracy is about 0.97", "loss drops to 0.01", "准确率约为 0.98"). */
const FILLER_EN = String.raw`(?:\s|is|are|was|were|of|reaches|reached|reach|drops|dropped|falls|fell|goes|went|down|to|ends|ended|comes|came|out|settles|settled|at|about|around|approximately|roughly|nearly|near|close|above|over|~|≈|=|:|,)*?`;
const FILLER_ZH = String.raw`(?:\s|约为|约|为|达到|达|降到|降至|降低到|下降到|是|在|大约|接近|可达|能达到|可以达到|可到|：|:|=|≈|~)*?`;
const NUMBER = String.raw`([0-9]*\.?[0-9]+)\s*(%?)`;
/** "the training accuracy is about 0.97", "test loss of 0.05", "validation accuracy reaches 92%". */
const PROSE_EN = new RegExp(String.raw`\b(?:(training|train|test|testing|held-out|validation|val)\s+)?(accuracy|loss|MSE|mean squared error)\b` + FILLER_EN + NUMBER + String.raw`(?![\w.]*\d)`, "gi");
/** "reaches 97% accuracy", "0.98 test accuracy". */
const PROSE_EN_BEFORE = new RegExp(NUMBER + String.raw`\s+(?:(training|train|test|validation)\s+)?(accuracy)\b`, "gi");
/** "训练准确率约为 0.98", "测试集上的准确率达到 97.5%", "损失降到 0.01". */
const PROSE_ZH = new RegExp(String.raw`(训练|测试|验证)?[^。，,；;\n0-9]{0,6}?(准确率|精度|正确率|损失|MSE|均方误差)` + FILLER_ZH + NUMBER, "g");

const KV = /\b(test[ _]?|val[ _]?)?(loss|accuracy|acc)\b\s*[:=]\s*([0-9]*\.?[0-9]+)(?![\w}])(%?)/gi;
/** "test MSE: 0.0154", "final training MSE: 0.01025": a regression's printed loss (only with a split named, so prose about the formula is not read). */
const KV_MSE = /\b(test|testing|train|training)[ _]?(mse)\b\s*[:=]\s*([0-9]*\.?[0-9]+)(?![\w}])()/gi;
/** "最终训练 MSE: 2.767", "测试集 MSE：0.0043", "测试均方误差 = 0.01": the same in Chinese. */
const KV_MSE_ZH = /(测试|训练)集?\s*(?:上的?)?\s*(MSE|均方误差)\s*[:=：]\s*([0-9]*\.?[0-9]+)(?![\w}])()/gi;
const PROSE = /(测试[^。，,；;\n]*?)?(准确率|精度|正确率)[^0-9%。\n]{0,8}?([0-9]+(?:\.[0-9]+)?)\s*%/g;

/** The split a claim's own words name ("轮后测试集准确率约为 0.94": test, though the sentence began with 训练 100 轮). */
function splitNamedIn(text: string): "train" | "test" | undefined {
  if (/测试|验证|\b(test|testing|held-out|validation|val)\b/i.test(text)) return "test";
  if (/训练|\b(training|train)\b/i.test(text)) return "train";
  return undefined;
}

/** What a claim's number measures, from its words and the few before them ("balanced accuracy", "测试集平衡准确率", "test MSE"). */
function measureOf(c: Claim, before: string): Claim["measure"] {
  const words = before.slice(-16) + c.text;
  if (c.metric === "accuracy" && /balanced|平衡/i.test(words)) return "balanced-accuracy";
  if (c.metric === "loss" && /\bmse\b|mean squared error|均方误差|MSE/i.test(c.text)) return "mse";
  return undefined;
}

export function parseClaims(pieces: TextPiece[]): Claim[] {
  const claims: Claim[] = [];
  let before = "";
  const push = (c: Claim) => {
    const measure = measureOf(c, before);
    if (measure) c.measure = measure;
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
      for (const m of [...l.matchAll(KV), ...l.matchAll(KV_MSE), ...l.matchAll(KV_MSE_ZH)]) {
        before = l.slice(0, m.index);
        if (m[1] && /^val/i.test(m[1])) continue;
        let value = Number(m[3]);
        if (m[4] === "%") value /= 100;
        const metric = /loss|mse|均方误差/i.test(m[2]) ? "loss" : "accuracy";
        if (metric === "accuracy" && !(value >= 0 && value <= 1)) continue;
        push({metric, split: isLog || (m[1] && /^(train|训练)/i.test(m[1])) ? "train" : "test", value, text: l.trim().replace(/^#\s*/, ""), line: piece.line + i});
      }
      for (const m of l.matchAll(PROSE)) {
        before = l.slice(0, m.index);
        const value = Number(m[3]) / 100;
        if (!(value >= 0 && value <= 1)) continue;
        const split = /训练/.test(m[0]) ? "train" : "test";
        push({metric: "accuracy", split, value, text: m[0].trim(), line: piece.line + i});
      }
      if (piece.code || isLog) return;
      const prose = (split: string | undefined, metric: string, num: string, pct: string, text: string) => {
        let value = Number(num);
        if (pct === "%") value /= 100;
        const kind = /loss|损失|mse|均方误差|squared error/i.test(metric) ? "loss" : "accuracy";
        if (kind === "accuracy" && !(value >= 0 && value <= 1)) return;
        if (!Number.isFinite(value)) return;
        const train = split ? /train|训练/i.test(split) : (splitNamedIn(text) ?? (/\b(training|train)\b|训练/i.test(l) ? "train" : "test")) === "train";
        push({metric: kind, split: train ? "train" : "test", value, text: text.trim(), line: piece.line + i});
      };
      const each = (re: RegExp, f: (m: RegExpMatchArray) => void) => {
        for (const m of l.matchAll(re)) {
          before = l.slice(0, m.index);
          f(m);
        }
      };
      each(PROSE_EN, (m) => prose(m[1], m[2], m[3], m[4], m[0]));
      each(PROSE_EN_BEFORE, (m) => prose(m[3], m[4], m[1], m[2], m[0]));
      each(PROSE_ZH, (m) => !(m[4] === "%" && /准确率|精度|正确率/.test(m[2])) && prose(m[1], m[2], m[3], m[4], m[0]));
    });
  }
  return claims;
}
