/**
 * An objective and the chapter's data → the SurfaceSpecs the playground draws: 2-D slices over pairs of its
 * parameters (the others held at their optimum, or at 0 when there is none), or its curve when it has one
 * parameter. Data symbols are bound to the nearest table, prose numbers or code arrays that give all of them.
 */
import {toLatex} from "../../components/formula/print.js";
import {findMinimum, objectiveFromSpec} from "../../components/playground/surface.js";
import type {SurfaceSpec} from "../../components/playground/spec.js";
import type {DataSet} from "./data.js";
import {t} from "./messages.js";
import type {Objective} from "./objectives.js";
import {readConstant, type Found} from "./text.js";

type Bound = number | number[] | number[][];

export interface SurfaceReading {
  line: number;
  latex: string;
  params: string[];
  start: number[];
  drawn: boolean;
  reason?: string;
  surfaces: SurfaceSpec[];
}

const INDEX_HEADER = /索引|序号|编号|^样本$|^sample$|^index$|^id$|^#$|^no\.?$/i;
const LABEL_HEADER = /标签|label|target|目标|类别|class|^y$|输出|output/i;
const NORMALISE = /归一化|标准化|normali[sz]|standardi[sz]|feature scaling|特征缩放/i;

const plain = (h: string) => h.replace(/\$/g, "").replace(/\\mathbf\{(\w+)\}/g, "$1").replace(/[\\{}\s]/g, "");
/** A column's symbol without its sample index (any one letter): `$t_i$`, `x^{(i)}`, `y_n`, `s_k` name t, x, y, s. */
const columnSymbol = (h: string) => plain(h).replace(/(?:_[a-z]|\^\([a-z]\))$/, "");

function flatten(v: number[] | number[][]): number[] | number[][] {
  return Array.isArray(v[0]) && (v as number[][])[0].length === 1 ? (v as number[][]).map((r) => r[0]) : v;
}

/** Binds the objective's data symbols to one table. */
function fromTable(o: Objective, d: DataSet): Record<string, Bound> | undefined {
  const cols = d.names.map((name, k) => ({name, values: d.values[k] as number[]}));
  const used = new Set<number>();
  const out: Record<string, Bound> = {};
  cols.forEach((c, k) => {
    if (INDEX_HEADER.test(c.name.trim()) && c.values.every((v, i) => v === i + 1 || v === i)) used.add(k);
  });
  for (const s of o.data) {
    const k = cols.findIndex((c, i) => !used.has(i) && (plain(c.name) === plain(s) || columnSymbol(c.name) === plain(s)));
    if (k >= 0) {
      out[s] = cols[k].values;
      used.add(k);
    }
  }
  if (o.label && !(o.label in out)) {
    const k = cols.findIndex((c, i) => !used.has(i) && LABEL_HEADER.test(c.name));
    if (k >= 0) {
      out[o.label] = cols[k].values;
      used.add(k);
    }
  }
  const rest = o.data.filter((s) => !(s in out));
  const free = cols.filter((_, i) => !used.has(i));
  if (rest.length === 1 && free.length) out[rest[0]] = free.length === 1 ? free[0].values : free[0].values.map((_, r) => free.map((c) => c.values[r]));
  return o.data.every((s) => s in out) ? out : undefined;
}

/** Binds data symbols to prose lists or code arrays with the same name (x ↔ X). */
function fromNamed(o: Objective, sets: DataSet[]): {bound: Record<string, Bound>; sets: DataSet[]} | undefined {
  const out: Record<string, Bound> = {};
  const from: DataSet[] = [];
  for (const s of o.data) {
    const p = plain(s).toLowerCase();
    const hit = [...sets].reverse().find((d) => plain(d.names[0]).toLowerCase() === p) ?? pointsList(sets, o);
    if (!hit) return undefined;
    out[s] = flatten(hit.values[hit.names.length > 1 ? hit.names.indexOf(o.label === s ? "y" : "x") : 0]);
    if (!from.includes(hit)) from.push(hit);
  }
  return {bound: out, sets: from};
}

/** A points list "(1, 2), (2, 4), …" for a two-symbol objective: x is the input, the label the second. */
function pointsList(sets: DataSet[], o: Objective): DataSet | undefined {
  if (o.data.length !== 2 || !o.label) return undefined;
  return sets.find((d) => d.names.length === 2);
}

function standardize(v: number[] | number[][]): number[] | number[][] {
  const cols = Array.isArray(v[0]) ? (v as number[][])[0].map((_, j) => (v as number[][]).map((r) => r[j])) : [v as number[]];
  const scaled = cols.map((c) => {
    const mean = c.reduce((a, b) => a + b, 0) / c.length;
    const sd = Math.sqrt(c.reduce((a, b) => a + (b - mean) ** 2, 0) / c.length);
    return sd > 0 ? c.map((x) => (x - mean) / sd) : c;
  });
  return Array.isArray(v[0]) ? scaled[0].map((_, r) => scaled.map((c) => c[r])) : scaled[0];
}

interface DataBinding {
  bound: Record<string, Bound>;
  source: string;
  line: number;
}

/** The nearest data that gives every data symbol of the objective. */
export function bindData(o: Objective, sets: DataSet[], text: string): DataBinding | undefined {
  if (!o.data.length) return {bound: {}, source: "", line: 0};
  const options: DataBinding[] = [];
  for (const d of sets.filter((s) => s.kind === "table")) {
    const b = fromTable(o, d);
    if (b) options.push({bound: b, source: t("table", {line: d.line}), line: d.line});
  }
  for (const kind of ["prose", "code"] as const) {
    const b = fromNamed(o, sets.filter((s) => s.kind === kind));
    if (b) {
      const line = Math.min(...b.sets.map((s) => s.line));
      const random = b.sets.some((s) => s.random);
      options.push({bound: b.bound, source: t(kind === "prose" ? "prose" : random ? "codeRandom" : "code", {line}), line});
    }
  }
  if (!options.length) return undefined;
  const best = options.sort((a, b) => Math.abs(a.line - o.def.line) - Math.abs(b.line - o.def.line))[0];
  if (NORMALISE.test(text)) {
    const inputs = o.data.filter((s) => s !== o.label);
    for (const s of inputs) best.bound[s] = standardize(best.bound[s] as number[] | number[][]);
    if (inputs.length) best.source += t("standardized");
  }
  return best;
}

/** θ → θ, w_1 → w₁, \beta_0 → β₀ (axis labels). */
export function prettySymbol(key: string): string {
  const greek: Record<string, string> = {alpha: "α", beta: "β", gamma: "γ", theta: "θ", Theta: "Θ", omega: "ω", phi: "φ", psi: "ψ", mu: "μ", lambda: "λ", eta: "η", sigma: "σ", rho: "ρ"};
  const sub = "₀₁₂₃₄₅₆₇₈₉";
  return key
    .replace(/\\(?:mathbf|boldsymbol|text|mathrm|mathcal|operatorname|mathit)\{([^}]*)\}/g, "$1")
    .replace(/\\([A-Za-z]+)/g, (m, g: string) => greek[g] ?? g)
    .replace(/_\{?(\d+)\}?/g, (_, d: string) => [...d].map((c) => sub[Number(c)]).join(""))
    .replace(/[{}]/g, "");
}

interface Sized {
  /** Flat axis keys: `b`, or `W_1`, `W_2`, `W_3` for a vector W. */
  axes: string[];
  bindings: Record<string, Bound>;
}

/** Tries every parameter as a scalar, then each (in turn) as a vector as long as a row of the input. */
function sizeParams(o: Objective, expression: string, bindings: Record<string, Bound>): Sized | {error: string} {
  const width = Math.max(1, ...Object.values(bindings).map((v) => (Array.isArray(v) && Array.isArray(v[0]) ? (v as number[][])[0].length : 1)));
  const tries: (string | undefined)[] = [undefined, ...(width > 1 ? o.params : [])];
  let error = "";
  for (const vec of tries) {
    const b: Record<string, Bound> = {...bindings};
    for (const p of o.params) b[p] = p === vec ? Array.from({length: width}, () => 0) : 0;
    const axes = o.params.flatMap((p) => (p === vec ? Array.from({length: width}, (_, k) => `${p}_${k + 1}`) : [p]));
    try {
      const {f} = objectiveFromSpec({id: "probe", title: "", line: null, expression, params: axes, labels: axes, bindings: b, start: axes.map(() => 0.1)});
      if (Number.isFinite(f(axes.map(() => 0.1)))) return {axes, bindings: b};
      error = "not finite";
    } catch (e) {
      error = (e as Error).message;
    }
  }
  return {error};
}

/** Which pairs of axes to slice: the first two; the first and the last (a bias); the second and third. */
function slicePairs(n: number): [number, number][] {
  if (n <= 2) return [n === 1 ? [0, 0] : [0, 1]];
  const out: [number, number][] = [[0, 1], [0, n - 1]];
  if (n > 3) out.push([1, 2]);
  return out;
}

export interface SliceContext {
  sets: DataSet[];
  text: string;
  /** Start points the text gives, with lines. */
  starts: Found<number[]>[];
  /** Values the text gives to other symbols (`\lambda = 0.1`). */
  values: Record<string, number>;
  /** Line ranges of the objective's section, to prefer its own start point. */
  section: [number, number];
  /** Lines of every objective read, so a start point goes to the one it follows. */
  owners: number[];
}

/**
 * The parameters a start point names (`(u, v) = (-2, 4)` → ["u", "v"], "初始化 u = 3，v = 1" → ["u", "v"]), loosely
 * normalised, a step index 0 dropped (`(x_0, y_0) = (3, 1)` names x and y); undefined when none.
 */
function startNames(s: Found<number[]> & {names?: string[]}): string[] | undefined {
  if (s.names) return s.names.map(initial);
  const m = /\(([^()$]{1,30})\)\s*=/.exec(s.text);
  return m ? m[1].split(/[,，]/).map(initial) : undefined;
}
const loose = (x: string) => x.replace(/\\(?:mathbf|boldsymbol|bm)\{([^{}]*)\}/g, "$1").replace(/[\\{}\s]/g, "");
/** x_0, x^{(0)}, x_{\text{init}} → x: a parameter's initial value named by its step. */
const initial = (x: string) => loose(x).replace(/(?:_\(?0\)?|\^\(0\)|_(?:text|mathrm)?init)$/, "");

/**
 * A start point that belongs to this objective: one that names its parameters (`(u, v) = (−2, 4)`) wherever it is,
 * else one of its section whose nearest objective before it is this one (a point naming other parameters never).
 */
function pickStart(dim: number, ctx: SliceContext, line: number, params: string[] = []): Found<number[]> | undefined {
  const mine = params.map(loose).join(",");
  const named = ctx.starts.find((s) => s.value.length === dim && startNames(s)?.join(",") === mine);
  if (named) return named;
  const inSection = (l: number) => l >= ctx.section[0] && l <= ctx.section[1];
  const owner = (at: number) => {
    const own = ctx.owners.filter(inSection);
    return own.filter((l) => l <= at).sort((a, b) => b - a)[0] ?? own.sort((a, b) => a - b)[0];
  };
  const fits = ctx.starts.filter((s) => s.value.length === dim && inSection(s.line) && owner(s.line) === line && !startNames(s));
  if (fits.length) return fits.sort((a, b) => Math.abs(a.line - line) - Math.abs(b.line - line))[0];
  // a point in another section (the settings of a worked example), when this is the nearest objective above it
  // (or the first objective, for a point above them all) and no objective of its own section is nearer
  const nearest = (at: number) => ctx.owners.filter((l) => l <= at).sort((a, b) => b - a)[0] ?? [...ctx.owners].sort((a, b) => a - b)[0];
  return ctx.starts.find((s) => s.value.length === dim && !startNames(s) && nearest(s.line) === line);
}

/** The surfaces of one objective, or why it cannot be drawn. */
export function objectiveSurfaces(o: Objective, ctx: SliceContext, idBase: string): SurfaceReading {
  const latex = o.def.latex;
  const expression = toLatex(o.node);
  const reading = (extra: Partial<SurfaceReading>): SurfaceReading => ({line: o.def.line, latex, params: o.params, start: [], drawn: false, surfaces: [], ...extra});
  const data = bindData(o, ctx.sets, ctx.text);
  if (!data) return reading({reason: t("noData", {symbols: o.data.join(", ")})});
  const bindings: Record<string, Bound> = {...data.bound};
  const rows = Object.values(data.bound).find((v) => Array.isArray(v)) as unknown[] | undefined;
  for (const c of o.counts) bindings[c] = rows?.length ?? 0;
  const missing = o.constants.filter((c) => !(c in ctx.values));
  const lines = missing.length ? ctx.text.split("\n") : [];
  const stated = Object.fromEntries(missing.map((c) => [c, readConstant(c, lines)?.value]).filter(([, v]) => v !== undefined));
  const values = {...stated, ...ctx.values} as Record<string, number>;
  const unknown = o.constants.filter((c) => !(c in values));
  if (unknown.length) return reading({reason: t("unknownSymbols", {symbols: unknown.join(", ")})});
  for (const c of o.constants) bindings[c] = values[c];
  const sized = sizeParams(o, expression, bindings);
  if ("error" in sized) return reading({reason: t("notEvaluable", {message: sized.error})});
  const {axes} = sized;
  const full = objectiveFromSpec({id: idBase, title: "", line: o.def.line, expression, params: axes, labels: axes, bindings: sized.bindings, start: axes.map(() => 0)});
  const optimum = findMinimum(full.f, full.grad, axes.map(() => 0));
  const textStart = pickStart(Math.min(axes.length, 2), ctx, o.def.line, axes.length <= 2 ? axes : []);
  const surfaces = slicePairs(axes.length).map(([i, j]) => {
    const onAxes = i === j ? [axes[i]] : [axes[i], axes[j]];
    const held = axes.filter((a) => !onAxes.includes(a)).map((a) => {
      const k = axes.indexOf(a);
      if (a in ctx.values) return {param: a, value: ctx.values[a], why: t("heldText")};
      return {param: a, value: optimum ? +optimum[k].toPrecision(6) : 0, why: optimum ? t("heldOptimum") : t("heldZero")};
    });
    const b: Record<string, Bound> = JSON.parse(JSON.stringify(sized.bindings));
    for (const h of held) setAxis(b, h.param, h.value);
    const here = onAxes.map((a) => axes.indexOf(a));
    const start = textStart?.value ?? defaultStart(here.map((k) => optimum?.[k]));
    const lhs = o.def.lhsLatex;
    const spec: SurfaceSpec = {
      id: `${idBase}@${o.def.line}${axes.length > 2 ? `:${onAxes.join(",")}` : ""}`,
      title: o.kind === "function" || (o.def.args && axes.length <= 2) ? t(o.kind === "function" ? "functionTitle" : "objectiveNamed", {line: o.def.line, lhs: prettySymbol(lhs)}) : t("objectiveTitle", {line: o.def.line, lhs: prettySymbol(lhs), axes: onAxes.map(prettySymbol).join(", ")}),
      line: o.def.line,
      latex,
      expression,
      params: onAxes,
      labels: onAxes.map(prettySymbol),
      bindings: b,
      ...(held.length ? {held} : {}),
      start,
      startLine: textStart?.line ?? null,
      ...(data.source ? {dataSource: data.source} : {})
    };
    return spec;
  });
  return reading({params: axes, start: surfaces[0].start, drawn: true, surfaces});
}

function setAxis(b: Record<string, Bound>, key: string, value: number): void {
  const m = /^(.*)_(\d+)$/.exec(key);
  if (m && Array.isArray(b[m[1]])) (b[m[1]] as number[])[Number(m[2]) - 1] = value;
  else b[key] = value;
}

/** Away from the optimum so a path has somewhere to go (or from (−2, 2) when there is none). */
function defaultStart(opt: (number | undefined)[]): number[] {
  return opt.map((v, k) => {
    const sign = k === 0 ? -1 : 1;
    if (v === undefined) return 2 * sign;
    return +(v + sign * 1.5 * Math.max(1, Math.abs(v))).toPrecision(3);
  });
}

