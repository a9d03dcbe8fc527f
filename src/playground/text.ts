/**
 * What a chapter's prose says in numbers: hyper-parameters ("γ = 0.9", "学习率 0.1", "learning rate of 0.01",
 * `learning_rate=0.01` in its code), start points ("从 (−3, 2) 出发", "starting from (1, 1)", "初始值 θ = [1, 1]"),
 * iteration counts. Read line by line with their line numbers; never per chapter.
 */
import type {HyperName} from "../../components/playground/spec.js";
import {GREEK_LETTERS} from "../../components/formula/symbols.js";

export interface Found<T> {
  value: T;
  line: number;
  /** The matched text. */
  text: string;
}

/** "−3", "1e-8", "10^{-8}", "0.9", "1/2" → number. */
const SUPERSCRIPT: Record<string, string> = {"⁻": "-", "⁺": "+", "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9"};

export function readNumber(s: string): number | undefined {
  // 10⁻⁸, 1×10⁻³: Unicode superscripts are an exponent
  const t = s.replace(/[−–]/g, "-").replace(/\s+/g, "").replace(/^\{|\}$/g, "")
    .replace(/([⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)$/, (e) => `^{${[...e].map((c) => SUPERSCRIPT[c]).join("")}}`);
  const pow = /^(?:([-+]?\d+(?:\.\d+)?)(?:\\times|×|\*|\\cdot))?10\^\{?([-+]?\d+)\}?$/.exec(t);
  if (pow) return (pow[1] ? Number(pow[1]) : 1) * 10 ** Number(pow[2]);
  const frac = /^([-+]?\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(t);
  if (frac) return Number(frac[1]) / Number(frac[2]);
  if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return Number(t);
  return undefined;
}

const NUM = String.raw`[-−+]?(?:10(?:\^\{?[-−]?\d+\}?|[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)|\d+(?:\.\d+)?(?:[eE][-−+]?\d+)?(?:\s*(?:\\times|×)\s*10\^\{?[-−]?\d+\}?)?)`;

/** Symbols (LaTeX or Unicode) → canonical hyper-parameter, before a rule's own reading of them. */
export const HYPER_SYMBOLS: Record<string, HyperName> = {
  "\\alpha": "alpha", "α": "alpha", "\\eta": "alpha", "η": "alpha", "\\gamma": "gamma", "γ": "gamma", "\\rho": "rho", "ρ": "rho",
  "\\beta_1": "beta_1", "\\beta_{1}": "beta_1", "β₁": "beta_1", "β1": "beta_1", "β_1": "beta_1", "\\beta_2": "beta_2", "\\beta_{2}": "beta_2", "β₂": "beta_2", "β2": "beta_2", "β_2": "beta_2",
  "\\epsilon": "epsilon", "\\varepsilon": "epsilon", "ε": "epsilon", "ϵ": "epsilon", "\\lambda": "lambda", "λ": "lambda"
};

/** Words that name a hyper-parameter, followed by its value ("学习率为0.01", "learning rate of 0.1", `lr=0.01`). */
const HYPER_WORDS: [RegExp, HyperName][] = [
  [/(?:学习率|步长|learning[ _]rate|step size|\blr\b)/i, "alpha"],
  [/(?:动量系数|动量参数|momentum coefficient|\bmomentum\b(?! method| optimizer| 法))/i, "gamma"],
  [/(?:权重衰减|weight[ _]decay)/i, "lambda"],
  [/(?:衰减率|decay rate|\brho\b)/i, "rho"],
  [/\bbeta_?1\b/i, "beta_1"],
  [/\bbeta_?2\b/i, "beta_2"],
  [/\bepsilon\b/i, "epsilon"]
];

const SYMBOL_ALT = Object.keys(HYPER_SYMBOLS).sort((a, b) => b.length - a.length).map((k) => k.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")).join("|");
const SYMBOL_VALUE = new RegExp(String.raw`(${SYMBOL_ALT})(?![A-Za-z_{])\s*(?:=|:=|取|为|of)\s*(${NUM})`, "g");
const WORD_VALUE = (word: RegExp) =>
  new RegExp(String.raw`${word.source}\s*(?:\$[^$]{1,12}\$\s*[，,]?\s*(?:例如|比如|如|取|e\.g\.,?|say)?\s*)?(?:设(?:置|定)?为|设为|取为?|为|是|=|:|：|of|is|set to|\(|（)?\s*\$?\s*(?:\\?[a-z]+\s*=\s*)?(${NUM})`, "gi");

/**
 * Hyper-parameter values the text states, first occurrence per name. `symbols` maps the chapter's own rule symbols
 * (from its printed rules: `\beta` in a momentum rule is γ) before the general table.
 */
export function readHyper(lines: string[], symbols: Record<string, HyperName> = {}): Partial<Record<HyperName, Found<number>>> {
  const out: Partial<Record<HyperName, Found<number>>> = {};
  const set = (name: HyperName, v: number | undefined, line: number, text: string) => {
    if (v === undefined || !Number.isFinite(v) || out[name]) return;
    if (name !== "epsilon" && !(v > 0 && v < 1e3)) return;
    if ((name === "gamma" || name === "rho" || name === "beta_1" || name === "beta_2") && !(v >= 0 && v < 1)) return;
    out[name] = {value: v, line, text};
  };
  const own = new RegExp(Object.keys(symbols).length ? String.raw`(${Object.keys(symbols).sort((a, b) => b.length - a.length).map((k) => k.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")).join("|")})(?![A-Za-z_{])\s*=\s*(${NUM})` : "$^", "g");
  lines.forEach((text, i) => {
    const line = i + 1;
    if (Object.keys(symbols).length) for (const m of text.matchAll(own)) set(symbols[m[1]], readNumber(m[2]), line, m[0]);
    for (const m of text.matchAll(SYMBOL_VALUE)) set(HYPER_SYMBOLS[m[1]], readNumber(m[2]), line, m[0]);
    for (const [word, name] of HYPER_WORDS) for (const m of text.matchAll(WORD_VALUE(word))) set(name, readNumber(m[1]), line, m[0]);
  });
  return out;
}

/** "迭代 200 次", "200 steps", "200 iterations", `num_iterations=200`, `epochs=50`. */
export function readSteps(lines: string[]): Found<number> | undefined {
  const res = [/(?:迭代|训练|运行|走)\s*(\d{1,5})\s*(?:次|步|轮)/, /(\d{1,5})\s*(?:steps|iterations|次迭代|步迭代)\b/i, /\b(?:num_iterations|n_iter|iterations|steps|num_steps)\s*=\s*(\d{1,5})/];
  for (let i = 0; i < lines.length; i++) {
    for (const re of res) {
      const m = re.exec(lines[i]);
      if (m) {
        const v = Number(m[1]);
        if (v >= 5) return {value: Math.min(v, 500), line: i + 1, text: m[0]};
      }
    }
  }
  return undefined;
}

const TUPLE = String.raw`[(\[]\s*((?:${NUM})(?:\s*[,，]\s*(?:${NUM}))*)\s*[)\]]`;
const START_RES = [
  new RegExp(String.raw`(?:从|自|以)\s*\$?\s*(?:[^$()\[\]]{0,20}?=\s*|\([^()$]{1,30}\)\s*=\s*)?${TUPLE}\s*\$?\s*(?:处|点)?\s*(?:出发|开始|起步)`, "g"),
  new RegExp(String.raw`(?:start(?:ing|s)?|initiali[sz]ed?|begin(?:ning|s)?)\s+(?:at|from)\s+(?:the\s+point\s+)?\$?\s*(?:[^$()\[\]]{0,20}?=\s*|\([^()$]{1,30}\)\s*=\s*)?${TUPLE}`, "gi"),
  new RegExp(String.raw`(?:初始值|初始点|起点|初值|初始参数|initial (?:point|value|guess|parameters?)|starting point)[^$()\[\]\n]{0,12}?\$?\s*(?:[^$()\[\]]{0,20}?=\s*|\([^()$]{1,30}\)\s*=\s*)?${TUPLE}`, "gi")
];

/**
 * The value the text gives a constant of a formula (`\lambda` in "其中正则化系数 λ = 0.1", "with $c = 2$"): its first
 * `name = number` in the lines, written in LaTeX or as its Unicode letter; undefined when none.
 */
export function readConstant(name: string, lines: string[]): Found<number> | undefined {
  const greek = /^\\([a-zA-Z]+)$/.exec(name)?.[1];
  const alts = [name.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&"), ...(greek && GREEK_LETTERS[greek] ? [GREEK_LETTERS[greek]] : [])];
  const re = new RegExp(String.raw`(?<![A-Za-z\\])(?:${alts.join("|")})(?![A-Za-z_{(])\s*(?:=|取|为)\s*\$?\s*(${NUM})`);
  for (let i = 0; i < lines.length; i++) {
    const m = re.exec(lines[i]);
    const v = m ? readNumber(m[1]) : undefined;
    if (m && v !== undefined && Number.isFinite(v)) return {value: v, line: i + 1, text: m[0]};
  }
  return undefined;
}

/** One parameter set to a number: `u = 3`, `$w_1 = -0.5$`, `\theta_2=1`. */
const NAMED = String.raw`\$?\s*((?:\\[a-zA-Z]+\s*|[a-zA-Zα-ω])(?:_\{?\w+\}?)?)\s*=\s*(${NUM})\s*\$?`;
/** "初始化 u = 3，v = 1", "initialise u = -2, v = 1.5", "start at a = 1 and c = -2": parameters set one by one. */
const NAMED_START = new RegExp(String.raw`(?:初始化|初始值(?:取|为|设为)?|初值(?:取|为)?|起点(?:取|为)?|initiali[sz]e[sd]?(?:\s+with)?|start(?:ing|s)?\s+(?:at|from|with))\s*[:：]?\s*(${NAMED}(?:\s*(?:[,，、]|and|和|与)\s*${NAMED})+)`, "gi");

/** Start points the text gives, in order, with their line (`names`: the parameters, when the text names them one by one). */
export function readStarts(lines: string[]): (Found<number[]> & {names?: string[]})[] {
  const out: (Found<number[]> & {names?: string[]})[] = [];
  lines.forEach((text, i) => {
    for (const re of START_RES) {
      for (const m of text.matchAll(re)) {
        const v = m[1].split(/[,，]/).map((s) => readNumber(s));
        if (v.every((x) => x !== undefined && Number.isFinite(x))) out.push({value: v as number[], line: i + 1, text: m[0]});
      }
    }
    for (const m of text.matchAll(NAMED_START)) {
      const pairs = [...m[1].matchAll(new RegExp(NAMED, "g"))].map((p) => [p[1].trim(), readNumber(p[2])] as const);
      if (pairs.every(([, x]) => x !== undefined && Number.isFinite(x))) out.push({value: pairs.map(([, x]) => x!), names: pairs.map(([n]) => n), line: i + 1, text: m[0]});
    }
  });
  return out.sort((a, b) => a.line - b.line);
}

/** Unicode math in prose ("x² + 25y²", "−3", "×") as the LaTeX the parser reads. */
export function unicodeToLatex(s: string): string {
  const sup: Record<string, string> = {"²": "^2", "³": "^3", "⁴": "^4", "¹": "^1"};
  return s
    .replace(/[²³⁴¹]/g, (c) => sup[c])
    .replace(/[−–]/g, "-")
    .replace(/[×·]/g, " \\cdot ")
    .replace(/α/g, "\\alpha ")
    .replace(/θ/g, "\\theta ")
    .replace(/√/g, "\\sqrt ");
}

/** Functions written in plain prose: "二次函数 f(x, y) = x² + 25y² 上", "the function g(u, v) = u^2 - v^2". */
export function readProseFunctions(lines: string[]): Found<string>[] {
  const out: Found<string>[] = [];
  const re = /(?<![\w\\$])([a-zA-Z])\(\s*([a-zA-Zα-ω](?:_?\d)?(?:\s*[,，]\s*[a-zA-Zα-ω](?:_?\d)?)+)\s*\)\s*=\s*([^，。；;,$\n（(]*(?:\([^)\n]*\)[^，。；;,$\n（(]*)*)/g;
  let fence = false, display = false;
  lines.forEach((text, i) => {
    if (/^\s*```/.test(text)) fence = !fence;
    const dollars = (text.match(/\$\$/g) ?? []).length;
    const inside = display;
    if (dollars % 2 === 1) display = !display;
    if (fence || inside || dollars) return;
    // only outside inline math (inline math is read as formulas)
    const prose = text.replace(/\$[^$]*\$/g, " ");
    for (const m of prose.matchAll(re)) {
      const rhs = m[3].replace(/\s*(?:上|时|处|中|出发|，|where|at|on|with|from)\b.*$/u, "").replace(/\s+(?:上|中|时).*$/, "").trim();
      if (!/[\d²³]|\^/.test(rhs) || !/[a-zA-Z]/.test(rhs)) continue;
      out.push({value: unicodeToLatex(`${m[1]}(${m[2]}) = ${rhs}`), line: i + 1, text: m[0]});
    }
  });
  return out;
}
