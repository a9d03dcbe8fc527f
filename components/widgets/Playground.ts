/**
 * Playground(spec, options) → Element: optimiser paths over a loss surface with sliders, click/drag start point,
 * play / pause / step animation, linked loss curves, the update rules with the current values substituted,
 * and the settings in the URL. Honours Framework's view() contract: `.value` is the current settings and an
 * `input` event fires on every change.
 */
import katex from "katex";
import {OPTIMIZERS, type OptimizerName} from "../math/optimizers/index.js";
import {runOptimizer, type RunResult} from "../math/optimizers/run.js";
import {gdStep} from "../math/optimizers/gd.js";
import {runRecurrence, type Recurrence} from "../math/optimizers/runRecurrence.js";
import {statedGradient, statedGradientApplies, type StatedGradient} from "../math/optimizers/statedGradient.js";
import type {Hyper} from "../math/optimizers/types.js";
import {contourGrid, type ContourGrid} from "../math/surfaces/contourGrid.js";
import {getSurface, SURFACE_IDS} from "../math/surfaces/registry.js";
import {LOSS_KINDS, type Surface} from "../math/surfaces/types.js";
import {LossCurves} from "../plots/LossCurves.js";
import {LossSurface, type LossSurfaceElement, type Trajectory} from "../plots/LossSurface.js";
import {PLAYGROUND_CSS} from "./PlaygroundStyle.js";
import {decodeState, readUrlState, urlWriter, type FieldSpec} from "./urlState.js";

export interface PrintedRule {
  label: string;
  latex: string;
}

/**
 * A gradient the chapter prints, as the formula engine judged it: stated = sign × the true gradient of `loss`
 * (the engine's fix "flip the sign of the whole expression" → sign −1). Drawn as gradient descent with that
 * gradient on every surface whose loss kind is `loss` (or on `surfaces`), next to correct GD, with an explanation.
 */
export interface PrintedGradient extends StatedGradient {
  /** legend label, e.g. "GD，用原文 §4.2 的梯度" */
  label: string;
  /** the printed formula (LaTeX), shown in the explanation */
  latex?: string;
  /** one or two sentences for the reader (default: a generic explanation of the sign) */
  note?: string;
}

export interface PlaygroundSpec {
  /** surface ids (see components/math/surfaces/registry.ts) */
  surfaces: string[];
  initial?: string;
  /** update rules as printed in the chapter, drawn as extra paths via compileRecurrence */
  printed?: PrintedRule[];
  /** gradients the chapter prints with a wrong sign (or scale), drawn as GD with the printed gradient */
  printedGradients?: PrintedGradient[];
  /** optimisers shown at first (default gd, momentum, adam) */
  optimizers?: OptimizerName[];
}

export interface PlaygroundOptions {
  signal?: AbortSignal;
  width?: number;
  /** URL query parameter holding the settings (default "pg"); false: do not touch the URL */
  urlParam?: string | false;
  /** loads the formula engine; pages pass `() => import("../components/formula/recurrence.js")` */
  loadRecurrence?: () => Promise<{compileRecurrence(latex: string): Recurrence}>;
  /** contour grid size (default 100) */
  grid?: number;
}

export interface PlaygroundValue extends Hyper {
  surface: string;
  steps: number;
  seed: number;
  start: number[];
  optimizers: OptimizerName[];
  /** whether the paths with the chapter's printed gradients are drawn (where they apply) */
  printedGradients: boolean;
}

export interface PlaygroundElement extends HTMLElement {
  value: PlaygroundValue;
}

const COLORS: Record<OptimizerName, string> = {gd: "#e41a1c", momentum: "#ff7f00", rmsprop: "#f781bf", adam: "#111111"};
const PRINTED_COLORS = ["#a65628", "#4daf4a", "#984ea3", "#377eb8"];
const STATED_COLORS = ["#6a3d9a", "#1f78b4", "#b15928"];

interface SliderDef {
  key: keyof Hyper | "steps";
  label: string;
  min: number;
  max: number;
  step: number;
  /** slider position ↔ value */
  log?: boolean;
}

const SLIDERS: SliderDef[] = [
  {key: "alpha", label: "学习率 α (learning rate)", min: -5, max: 0.5, step: 0.01, log: true},
  {key: "gamma", label: "动量 γ (momentum)", min: 0, max: 0.99, step: 0.01},
  {key: "beta_1", label: "一阶衰减 β₁ (Adam)", min: 0, max: 0.999, step: 0.001},
  {key: "beta_2", label: "二阶衰减 β₂ (Adam, RMSprop)", min: 0.5, max: 0.9999, step: 0.0001},
  {key: "epsilon", label: "防零项 ε (epsilon)", min: -12, max: -1, step: 0.1, log: true},
  {key: "steps", label: "步数 (steps)", min: 1, max: 2000, step: 1}
];

let instances = 0;

/** Yields step counts from `from` to `to`, `perFrame` per animation frame, until done or aborted. */
export async function* animateSteps(from: number, to: number, perFrame: number, signal?: AbortSignal): AsyncGenerator<number> {
  const frame = () => new Promise<void>((resolve) => (typeof requestAnimationFrame === "function" ? requestAnimationFrame(() => resolve()) : setTimeout(resolve, 16)));
  const stride = Math.max(1, Math.floor(perFrame));
  for (let k = Math.min(from, to); !signal?.aborted; k = Math.min(to, k + stride)) {
    yield k;
    if (k >= to) break;
    await frame();
  }
}

/** Number in LaTeX: 0.01, 0.9, 1 \times 10^{-8}. */
export function texNumber(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e4) return String(+v.toPrecision(4));
  const e = Math.floor(Math.log10(a));
  const m = +(v / 10 ** e).toPrecision(3);
  return m === 1 ? `10^{${e}}` : `${m} \\times 10^{${e}}`;
}

const SUPERSCRIPT: Record<string, string> = {"-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹"};

/** The same number as texNumber, as plain text (10⁻⁸), for updating rendered formulas in place. */
export function plainNumber(v: number): string {
  return texNumber(v)
    .replace(/ \\times /, "×")
    .replace(/\^\{(-?\d+)\}/, (_, d: string) => [...d].map((c) => SUPERSCRIPT[c]).join(""));
}

/** The update rule of an optimiser with the current values substituted. */
export function updateRuleTex(name: OptimizerName, h: Hyper, classes = false): string {
  const wrap = (key: string, v: number) => (classes ? `\\htmlClass{gb-v-${key}}{${texNumber(v)}}` : texNumber(v));
  const a = wrap("alpha", h.alpha), g = wrap("gamma", h.gamma), b1 = wrap("beta_1", h.beta_1), b2 = wrap("beta_2", h.beta_2), e = wrap("epsilon", h.epsilon);
  const c1 = wrap("c1", 1 - h.beta_1), c2 = wrap("c2", 1 - h.beta_2);
  switch (name) {
    case "gd":
      return `w_{t+1} = w_t - ${a}\\,\\nabla J(w_t)`;
    case "momentum":
      return `z_{t+1} = ${g}\\,z_t + \\nabla J(w_t), \\quad w_{t+1} = w_t - ${a}\\,z_{t+1}`;
    case "rmsprop":
      return `v_{t+1} = ${b2}\\,v_t + ${c2}\\,(\\nabla J(w_t))^2, \\quad w_{t+1} = w_t - \\frac{${a}\\,\\nabla J(w_t)}{\\sqrt{v_{t+1}} + ${e}}`;
    case "adam":
      return `m_t = ${b1}\\,m_{t-1} + ${c1}\\,\\nabla J, \\; v_t = ${b2}\\,v_{t-1} + ${c2}\\,(\\nabla J)^2, \\; w_{t+1} = w_t - ${a}\\,\\frac{m_t/(1-${b1}^t)}{\\sqrt{v_t/(1-${b2}^t)} + ${e}}`;
  }
}

function injectStyle() {
  if (typeof document === "undefined" || document.getElementById("gb-playground-style")) return;
  const style = document.createElement("style");
  style.id = "gb-playground-style";
  style.textContent = PLAYGROUND_CSS;
  document.head.appendChild(style);
}

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function fmt(v: number): string {
  return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : String(+v.toPrecision(4));
}

/** A default loader that works where the formula engine is served next to this file (dev server, vitest). */
async function defaultLoader(): Promise<{compileRecurrence(latex: string): Recurrence}> {
  const spec = "../formula/recurrence.js";
  return import(/* @vite-ignore */ spec);
}

export function Playground(spec: PlaygroundSpec, options: PlaygroundOptions = {}): PlaygroundElement {
  injectStyle();
  const uid = `pg${++instances}`;
  const root = h("div", {class: "gb-playground", id: uid}) as unknown as PlaygroundElement;
  try {
    build(root, uid, spec, options);
  } catch (e) {
    root.replaceChildren(h("p", {class: "gb-pg-error", role: "alert"}, `损失曲面演示区：${(e as Error).message}`));
    Object.defineProperty(root, "value", {value: null, configurable: true, writable: true});
  }
  return root;
}

function build(root: PlaygroundElement, uid: string, spec: PlaygroundSpec, options: PlaygroundOptions) {
  if (!spec || !Array.isArray(spec.surfaces) || spec.surfaces.length === 0) throw new Error(`spec.surfaces 必须是非空的曲面 id 列表（已知：${SURFACE_IDS.join(", ")}）`);
  const unknown = spec.surfaces.filter((s) => !SURFACE_IDS.includes(s));
  if (unknown.length) throw new Error(`未知的曲面 id ${unknown.map((s) => `"${s}"`).join(", ")}；已知：${SURFACE_IDS.join(", ")}`);
  if (spec.initial !== undefined && !spec.surfaces.includes(spec.initial)) throw new Error(`spec.initial "${spec.initial}" 不在 spec.surfaces 里`);
  const printed = spec.printed ?? [];
  const specErrors: string[] = [];
  const stated = checkPrintedGradients(spec.printedGradients, specErrors);
  const signal = options.signal;
  const width = options.width ?? 640;
  const gridN = options.grid ?? 100;
  const param = options.urlParam === undefined ? "pg" : options.urlParam;
  const optNames = Object.keys(OPTIMIZERS) as OptimizerName[];

  // ---- state
  const first = spec.initial ?? spec.surfaces[0];
  let surface: Surface = getSurface(first, 4);
  const v: PlaygroundValue = {
    surface: first,
    alpha: surface.alpha,
    beta_1: 0.9,
    beta_2: 0.999,
    epsilon: 1e-8,
    gamma: 0.9,
    steps: 300,
    seed: 4,
    start: surface.start.slice(),
    optimizers: (spec.optimizers ?? ["gd", "momentum", "adam"]).filter((o) => optNames.includes(o)),
    printedGradients: true
  };
  const urlErrors: string[] = [];
  const schema: Record<string, FieldSpec> = {
    surface: {type: "string", values: spec.surfaces},
    alpha: {type: "number", min: 1e-5, max: 10 ** 0.5},
    beta_1: {type: "number", min: 0, max: 0.999},
    beta_2: {type: "number", min: 0.5, max: 0.9999},
    epsilon: {type: "number", min: 1e-12, max: 0.1},
    gamma: {type: "number", min: 0, max: 0.99},
    steps: {type: "number", min: 1, max: 2000, integer: true},
    seed: {type: "number", min: 0, max: 2 ** 32 - 1, integer: true},
    start: {type: "numbers"},
    optimizers: {type: "strings", values: optNames},
    ...(stated.length ? {printedGrad: {type: "number", min: 0, max: 1, integer: true} as FieldSpec} : {})
  };
  if (param) {
    const raw = readUrlState(param);
    if (raw) {
      const {state, errors} = decodeState(raw, schema);
      urlErrors.push(...errors);
      if (typeof state.surface === "string") {
        v.surface = state.surface;
        surface = getSurface(v.surface, v.seed);
        v.alpha = surface.alpha;
        v.start = surface.start.slice();
      }
      if (typeof state.seed === "number") {
        v.seed = state.seed;
        surface = getSurface(v.surface, v.seed);
      }
      for (const k of ["alpha", "beta_1", "beta_2", "epsilon", "gamma", "steps"] as const) if (typeof state[k] === "number") v[k] = state[k] as number;
      if (Array.isArray(state.start)) {
        if (state.start.length === surface.labels.length) v.start = state.start as number[];
        else urlErrors.push(`已忽略 URL 设置 start：${surface.id} 有 ${surface.labels.length} 个权重`);
      }
      if (Array.isArray(state.optimizers)) v.optimizers = state.optimizers as OptimizerName[];
      if (typeof state.printedGrad === "number") v.printedGradients = state.printedGrad === 1;
    }
  }
  const writer = param ? urlWriter(param) : null;
  let shown = v.steps; // steps drawn (animation)
  let runs: {name: string; label: string; color: string; dash?: string; result: RunResult}[] = [];
  /** correct GD from the same start, the reference the printed-gradient paths are explained against */
  let statedRef: RunResult | null = null;
  const compiled: (Recurrence | string | null)[] = printed.map(() => null); // null: loading, string: error
  let grid: ContourGrid | null = null;
  let plot: LossSurfaceElement;

  // ---- DOM
  const top = h("div", {class: "gb-pg-top"});
  const surfLabel = h("label", {for: `${uid}-surface`}, "损失曲面 ");
  const select = h("select", {id: `${uid}-surface`});
  for (const id of spec.surfaces) select.append(h("option", {value: id}, getSurface(id, v.seed).title));
  select.value = v.surface;
  const seedLabel = h("label", {for: `${uid}-seed`}, "数据种子 (seed) ");
  const seedInput = h("input", {id: `${uid}-seed`, type: "number", min: "0", step: "1", value: String(v.seed)});
  top.append(surfLabel, select, seedLabel, seedInput);
  const note = h("p", {class: "gb-pg-note"});
  const main = h("div", {class: "gb-pg-main"});
  const plotBox = h("div", {class: "gb-pg-plot"});
  const controls = h("fieldset", {class: "gb-pg-controls"});
  controls.append(h("legend", {}, "设置"));
  const inputs: Record<string, {input: HTMLInputElement; out: HTMLOutputElement; def: SliderDef}> = {};
  for (const def of SLIDERS) {
    const row = h("div", {class: "gb-pg-row"});
    const id = `${uid}-${def.key}`;
    const input = h("input", {id, type: "range", min: String(def.min), max: String(def.max), step: String(def.step), name: def.key});
    const out = h("output", {for: id});
    row.append(h("label", {for: id}, def.label), input, out);
    controls.append(row);
    inputs[def.key] = {input, out, def};
  }
  const startRow = h("div", {class: "gb-pg-row gb-pg-start"});
  const startX = h("input", {id: `${uid}-start0`, type: "number", step: "0.1"});
  const startY = h("input", {id: `${uid}-start1`, type: "number", step: "0.1"});
  const startLabels = [h("label", {for: `${uid}-start0`}), h("label", {for: `${uid}-start1`})];
  const startBox = h("div", {});
  startBox.append(startLabels[0], startX, " ", startLabels[1], startY);
  startRow.append(h("span", {}, "起点（也可点击或拖动图）"), startBox);
  controls.append(startRow);
  main.append(plotBox, controls);

  const optBox = h("fieldset", {class: "gb-pg-opts"});
  optBox.append(h("legend", {class: "gb-pg-opts-legend"}, "优化器 (optimizers)"));
  const checks: Record<string, HTMLInputElement> = {};
  for (const name of optNames) {
    const id = `${uid}-opt-${name}`;
    const c = h("input", {id, type: "checkbox", value: name});
    c.checked = v.optimizers.includes(name);
    const l = h("label", {for: id});
    const sw = h("span", {class: "gb-pg-swatch", "aria-hidden": "true"});
    sw.style.background = COLORS[name];
    l.append(sw, OPTIMIZERS[name].label);
    const wrap = h("span", {});
    wrap.append(c, " ", l);
    optBox.append(wrap);
    checks[name] = c;
  }
  printed.forEach((p, i) => {
    const s = h("span", {});
    const sw = h("span", {class: "gb-pg-swatch", "aria-hidden": "true"});
    sw.style.background = PRINTED_COLORS[i % PRINTED_COLORS.length];
    s.append(sw, `${p.label}（虚线）`);
    optBox.append(s);
  });
  // one checkbox for the chapter's printed gradients (shown only on surfaces they apply to)
  const statedWrap = h("span", {class: "gb-pg-stated-toggle"});
  const statedCheck = h("input", {id: `${uid}-stated`, type: "checkbox"});
  statedCheck.checked = v.printedGradients;
  if (stated.length) {
    const l = h("label", {for: `${uid}-stated`});
    stated.forEach((p, i) => {
      const sw = h("span", {class: "gb-pg-swatch", "aria-hidden": "true"});
      sw.style.background = STATED_COLORS[i % STATED_COLORS.length];
      l.append(sw);
      l.append(`${i ? "、" : ""}${p.label}`);
    });
    l.append("（点线）");
    statedWrap.append(statedCheck, " ", l);
    optBox.append(statedWrap);
  }

  const anim = h("div", {class: "gb-pg-anim"});
  const playBtn = h("button", {type: "button"}, "▶ 播放");
  const stepBtns = [1, 10, 100].map((k) => {
    const b = h("button", {type: "button", "aria-label": `前进 ${k} 步`}, `+${k}`);
    b.addEventListener("click", () => {
      stop();
      if (shown >= v.steps) shown = 0;
      shown = Math.min(v.steps, shown + k);
      drawPaths();
      scheduleCurves();
    });
    return b;
  });
  const resetBtn = h("button", {type: "button"}, "回到第 0 步");
  const counter = h("output", {class: "gb-pg-counter", "aria-live": "off"});
  anim.append(playBtn, ...stepBtns, resetBtn, counter);
  const messages = h("div", {class: "gb-pg-messages", role: "status", "aria-live": "polite"});
  const explain = h("div", {class: "gb-pg-stated", role: "note"});
  const curvesBox = h("div", {class: "gb-pg-curves"});
  const formulas = h("div", {class: "gb-pg-formulas"});
  root.append(top, note, main, optBox, anim, messages, explain, curvesBox, formulas);

  // ---- behaviour
  const hyper = (): Hyper => ({alpha: v.alpha, beta_1: v.beta_1, beta_2: v.beta_2, epsilon: v.epsilon, gamma: v.gamma});

  function syncControls() {
    for (const {input, out, def} of Object.values(inputs)) {
      const val = v[def.key];
      input.value = String(def.log ? Math.log10(val) : val);
      const text = def.key === "steps" ? String(val) : fmt(val);
      out.textContent = text;
      input.setAttribute("aria-valuetext", text);
    }
    seedInput.value = String(v.seed);
    const twoD = surface.labels.length === 2;
    startLabels[0].textContent = `${surface.labels[0]} `;
    startLabels[1].textContent = twoD ? ` ${surface.labels[1]} ` : "";
    startY.hidden = !twoD;
    startX.value = String(+v.start[0].toFixed(3));
    if (twoD) startY.value = String(+v.start[1].toFixed(3));
    seedLabel.hidden = seedInput.hidden = !/004/.test(surface.id);
  }

  function buildPlot() {
    grid = surface.domain.y ? contourGrid(surface.f, surface.domain, gridN) : null;
    plot = LossSurface(surface, {
      width,
      n: gridN,
      grid: grid ?? undefined,
      id: uid,
      onPick(w) {
        v.start = w.map((x) => +x.toFixed(3));
        syncControls();
        changed();
        root.dispatchEvent(new Event("input", {bubbles: true}));
      }
    });
    plotBox.replaceChildren(plot);
    note.textContent = surface.note ?? "";
    const here = stated.filter((p) => statedGradientApplies(p, surface));
    statedWrap.hidden = here.length === 0;
    drawExplanation(here);
  }

  /** The printed gradients that apply to the current surface, with their index (for colours). */
  function statedHere(): {p: PrintedGradient; i: number}[] {
    return stated.map((p, i) => ({p, i})).filter(({p}) => statedGradientApplies(p, surface));
  }

  /** What the dotted path is and why it climbs: the printed formula, the first step, live losses (drawLive). */
  let liveLine: HTMLElement | null = null;
  function drawExplanation(here: PrintedGradient[]) {
    liveLine = null;
    if (!here.length) {
      explain.replaceChildren();
      explain.hidden = true;
      return;
    }
    explain.hidden = false;
    const parts: HTMLElement[] = [];
    for (const p of here) {
      const head = h("p", {});
      head.append(h("strong", {}, `${p.label}：`));
      if (p.latex) {
        const span = h("span", {});
        span.innerHTML = katex.renderToString(p.latex, {throwOnError: false, strict: false});
        head.append("原文写的是 ", span, "。");
      }
      head.append(p.note ?? defaultStatedNote(p.sign));
      parts.push(head);
    }
    const step = h("p", {});
    const tex = h("span", {});
    tex.innerHTML = katex.renderToString(here.some((p) => p.sign === -1) ? "w_1 = w_0 - \\alpha\\,\\bigl(-\\nabla L(w_0)\\bigr) = w_0 + \\alpha\\,\\nabla L(w_0)" : "w_1 = w_0 - \\alpha\\,\\nabla L(w_0)", {throwOnError: false});
    step.append("第一步：", tex, here.some((p) => p.sign === -1) ? "——沿梯度方向上坡，不是下坡。" : "——与正确的梯度下降相同。");
    liveLine = h("p", {class: "gb-pg-stated-live"});
    explain.replaceChildren(...parts, step, liveLine);
  }

  /** Loss at step 0 and at the shown step, for correct GD and for each printed-gradient path. */
  function drawLive() {
    if (!liveLine) return;
    const ref = statedRef;
    const bits: string[] = [];
    const span = (r: RunResult, label: string) => {
      const n = Math.min(shown, r.losses.length - 1);
      if (n < 0) return;
      const a = r.losses[0], b = r.losses[n];
      bits.push(`${label}：损失从 ${fmt(a)} ${b < a ? "降到" : b > a ? "升到" : "停在"} ${fmt(b)}（第 ${n} 步${r.stopped && r.stopped.step <= shown ? "，已停止" : ""}）`);
    };
    if (ref) span(ref, "正确的梯度下降");
    for (const r of runs) if (r.name.startsWith("stated")) span(r.result, r.label);
    liveLine.textContent = bits.length ? `${bits.join("；")}。` : v.printedGradients ? "" : "按原文梯度的路径已隐藏。";
  }

  function limits() {
    const top = grid ? grid.max : Math.max(...[surface.domain.x[0], surface.domain.x[1]].map((x) => surface.f([x])));
    const bottom = grid ? grid.min : 0;
    const ext = Math.max(...surface.domain.x.map(Math.abs), ...(surface.domain.y ?? [0]).map(Math.abs));
    return {maxLoss: top + 100 * Math.max(1, top - bottom), maxAbs: 100 * ext};
  }

  /** Recompute every path (pure math; ~ms) */
  function compute() {
    const hp = hyper();
    const lim = limits();
    runs = [];
    for (const name of v.optimizers) {
      runs.push({name, label: OPTIMIZERS[name].label, color: COLORS[name], result: runOptimizer(surface.f, surface.grad, v.start, OPTIMIZERS[name].step, hp, v.steps, lim)});
    }
    statedRef = null;
    const here = statedHere();
    if (here.length) statedRef = runOptimizer(surface.f, surface.grad, v.start, gdStep, hp, v.steps, lim);
    if (v.printedGradients) {
      for (const {p, i} of here) {
        const divergeHint = p.sign === -1 ? "梯度符号反了，每一步都在上坡，调小学习率也没用" : "学习率太大？";
        runs.push({name: `stated${i}`, label: p.label, color: STATED_COLORS[i % STATED_COLORS.length], dash: "1.5 3", result: runOptimizer(surface.f, statedGradient(surface.grad, p.sign), v.start, gdStep, hp, v.steps, {...lim, divergeHint})});
      }
    }
    printed.forEach((p, i) => {
      const rec = compiled[i];
      if (rec && typeof rec !== "string") {
        runs.push({name: `printed${i}`, label: p.label, color: PRINTED_COLORS[i % PRINTED_COLORS.length], dash: "6 3", result: runRecurrence(surface.f, surface.grad, v.start, rec, hp as unknown as Record<string, number>, v.steps, lim)});
      }
    });
  }

  function drawPaths() {
    const paths: Trajectory[] = runs.map((r) => ({
      id: r.name,
      label: r.label,
      color: r.color,
      dash: r.dash,
      points: r.result.path.slice(0, shown + 1),
      stopped: r.result.stopped && r.result.stopped.step <= shown ? r.result.stopped.reason : null
    }));
    plot.setPaths(paths);
    plot.setStart(v.start);
    counter.textContent = `第 ${Math.min(shown, v.steps)} / ${v.steps} 步`;
    drawMessages();
    drawLive();
  }

  function drawMessages() {
    const ps: HTMLElement[] = [];
    for (const e of [...specErrors, ...urlErrors]) ps.push(h("p", {class: "gb-pg-error"}, e));
    for (const r of runs) {
      const n = Math.min(shown, r.result.path.length - 1);
      if (r.result.stopped && r.result.stopped.step <= shown) ps.push(h("p", {class: "gb-pg-stop"}, `✕ ${r.label} 已停止：${r.result.stopped.reason}。`));
      else if (n >= 0) ps.push(h("p", {}, `${r.label}：第 ${n} 步，损失 ${fmt(r.result.losses[n])}，位置 (${r.result.path[n].map((x) => fmt(x)).join(", ")})`));
    }
    printed.forEach((p, i) => {
      const c = compiled[i];
      if (c === null) ps.push(h("p", {class: "gb-pg-note"}, `${p.label}：正在加载公式引擎…`));
      else if (typeof c === "string") ps.push(h("p", {class: "gb-pg-error"}, `${p.label}：未绘制，${c}`));
    });
    messages.replaceChildren(...ps);
  }

  let curvesPending = false;
  function scheduleCurves() {
    if (curvesPending) return;
    curvesPending = true;
    const run = () => {
      curvesPending = false;
      if (signal?.aborted) return;
      try {
        curvesBox.replaceChildren(
          LossCurves(
            runs.map((r) => ({id: r.name, label: r.label, color: r.color, losses: r.result.losses, stopped: r.result.stopped?.reason})),
            {width, height: 220, step: Math.min(shown, v.steps)}
          )
        );
      } catch (e) {
        curvesBox.replaceChildren(h("p", {class: "gb-pg-error"}, `损失曲线：${(e as Error).message}`));
      }
    };
    if (typeof requestAnimationFrame === "function") requestAnimationFrame(run);
    else setTimeout(run, 0);
  }

  /** Renders the rules once per set of optimisers; slider moves only rewrite the numbers (see updateFormulaValues). */
  let formulaKey = "";
  function drawFormulas() {
    const hp = hyper();
    formulaKey = v.optimizers.join(",");
    const ps = v.optimizers.map((name) => {
      const p = h("p", {});
      const label = h("strong", {}, `${OPTIMIZERS[name].label}：`);
      const span = h("span", {});
      span.innerHTML = katex.renderToString(updateRuleTex(name, hp, true), {throwOnError: false, trust: (ctx) => ctx.command === "\\htmlClass", strict: false});
      p.append(label, span);
      return p;
    });
    printed.forEach((pr) => {
      const p = h("p", {});
      const span = h("span", {});
      span.innerHTML = katex.renderToString(pr.latex, {throwOnError: false, displayMode: false});
      p.append(h("strong", {}, `${pr.label}（原文）：`), span);
      ps.push(p);
    });
    formulas.replaceChildren(...ps);
  }

  /** Re-rendering KaTeX on every slider move costs a full re-layout; rewrite the substituted numbers instead. */
  function updateFormulaValues() {
    if (formulaKey !== v.optimizers.join(",")) return drawFormulas();
    const vals: Record<string, number> = {alpha: v.alpha, gamma: v.gamma, beta_1: v.beta_1, beta_2: v.beta_2, epsilon: v.epsilon, c1: 1 - v.beta_1, c2: 1 - v.beta_2};
    for (const [key, val] of Object.entries(vals)) {
      const text = plainNumber(val);
      for (const el of formulas.querySelectorAll(`.gb-v-${key}`)) if (el.textContent !== text) el.textContent = text;
    }
  }

  function saveUrl() {
    writer?.write({surface: v.surface, alpha: v.alpha, beta_1: v.beta_1, beta_2: v.beta_2, epsilon: v.epsilon, gamma: v.gamma, steps: v.steps, seed: v.seed, start: v.start, optimizers: v.optimizers, ...(stated.length ? {printedGrad: v.printedGradients ? 1 : 0} : {})});
  }

  /** Settings changed: recompute and redraw paths now; curves on the next frame; formulas; URL (debounced). */
  function changed() {
    if (!animating) shown = v.steps;
    shown = Math.min(shown, v.steps);
    compute();
    drawPaths();
    scheduleCurves();
    updateFormulaValues();
    saveUrl();
  }

  // animation
  let animating = false;
  let animAbort: AbortController | null = null;
  function stop() {
    animAbort?.abort();
    animAbort = null;
    animating = false;
    playBtn.textContent = "▶ 播放";
  }
  async function play() {
    stop();
    animating = true;
    animAbort = new AbortController();
    const local = animAbort;
    const onOuter = () => local.abort();
    signal?.addEventListener("abort", onOuter, {once: true});
    playBtn.textContent = "⏸ 暂停";
    const from = shown >= v.steps ? 0 : shown;
    const perFrame = Math.max(1, Math.ceil(v.steps / 240));
    for await (const k of animateSteps(from, v.steps, perFrame, local.signal)) {
      shown = k;
      drawPaths();
      scheduleCurves();
    }
    signal?.removeEventListener("abort", onOuter);
    if (animAbort === local) stop();
  }
  playBtn.addEventListener("click", () => (animating ? stop() : void play()));
  resetBtn.addEventListener("click", () => {
    stop();
    shown = 0;
    drawPaths();
    scheduleCurves();
  });

  for (const {input, out, def} of Object.values(inputs)) {
    input.addEventListener("input", () => {
      const raw = Number(input.value);
      const val = def.log ? 10 ** raw : raw;
      v[def.key] = def.key === "steps" ? Math.round(val) : val;
      const text = def.key === "steps" ? String(v[def.key]) : fmt(v[def.key]);
      out.textContent = text;
      input.setAttribute("aria-valuetext", text);
      changed();
    });
  }
  for (const [name, c] of Object.entries(checks)) {
    c.addEventListener("input", () => {
      v.optimizers = optNames.filter((o) => checks[o].checked);
      void name;
      changed();
    });
  }
  statedCheck.addEventListener("input", () => {
    v.printedGradients = statedCheck.checked;
    changed();
  });
  const onStart = () => {
    const w = [Number(startX.value), Number(startY.value)].slice(0, surface.labels.length);
    if (!w.every(Number.isFinite)) return;
    v.start = w;
    changed();
  };
  startX.addEventListener("input", onStart);
  startY.addEventListener("input", onStart);
  select.addEventListener("input", () => {
    stop();
    v.surface = select.value;
    surface = getSurface(v.surface, v.seed);
    v.alpha = surface.alpha;
    v.start = surface.start.slice();
    buildPlot();
    syncControls();
    changed();
  });
  seedInput.addEventListener("input", () => {
    const s = Number(seedInput.value);
    if (!Number.isInteger(s) || s < 0) return;
    v.seed = s;
    surface = getSurface(v.surface, v.seed);
    buildPlot();
    syncControls();
    changed();
  });

  // printed rules: load the formula engine lazily; failures become messages in place
  if (printed.length) {
    (options.loadRecurrence ?? defaultLoader)()
      .then((mod) => {
        if (typeof mod?.compileRecurrence !== "function") throw new Error("公式引擎没有 compileRecurrence");
        printed.forEach((p, i) => {
          try {
            compiled[i] = mod.compileRecurrence(p.latex);
          } catch (e) {
            compiled[i] = `无法编译原文的更新规则：${(e as Error).message}`;
          }
        });
      })
      .catch((e: unknown) => {
        printed.forEach((_, i) => (compiled[i] = `公式引擎不可用（${(e as Error)?.message ?? e}）`));
      })
      .finally(() => {
        if (!signal?.aborted) changed();
      });
  }

  signal?.addEventListener("abort", () => {
    stop();
    writer?.flush();
  });

  Object.defineProperty(root, "value", {
    get: (): PlaygroundValue => ({...v, start: v.start.slice(), optimizers: v.optimizers.slice()}),
    configurable: true
  });

  buildPlot();
  syncControls();
  changed();
  writer?.cancel(); // the first draw does not rewrite the URL
}

/** The generic explanation of a printed gradient that is sign × the true one. */
export function defaultStatedNote(sign: -1 | 1): string {
  return sign === -1
    ? "它与真正的梯度差一个负号（公式引擎的修正：把整个表达式的符号取反）。用它做梯度下降，每一步都沿梯度方向走，损失越来越大；点线是这条路径，实线的梯度下降用的是正确的梯度。"
    : "它与真正的梯度一致，点线与梯度下降重合。";
}

/** Keeps the well-formed printed gradients; each bad entry becomes one clear message (what and where). */
export function checkPrintedGradients(list: unknown, errors: string[]): PrintedGradient[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) {
    errors.push(`spec.printedGradients 应为数组，得到 ${JSON.stringify(list)}`);
    return [];
  }
  const ok: PrintedGradient[] = [];
  list.forEach((p: Partial<PrintedGradient> | null, i) => {
    const where = `spec.printedGradients[${i}]`;
    if (!p || typeof p !== "object") errors.push(`${where} 应为对象，得到 ${JSON.stringify(p)}`);
    else if (typeof p.label !== "string" || !p.label) errors.push(`${where}.label 应为非空字符串`);
    else if (p.sign !== 1 && p.sign !== -1) errors.push(`${where}.sign 应为 1 或 -1，得到 ${JSON.stringify(p.sign)}`);
    else if (!LOSS_KINDS.includes(p.loss as never)) errors.push(`${where}.loss 应为 ${LOSS_KINDS.join(" 或 ")}，得到 ${JSON.stringify(p.loss)}`);
    else if (p.surfaces !== undefined && !(Array.isArray(p.surfaces) && p.surfaces.every((s) => SURFACE_IDS.includes(s)))) errors.push(`${where}.surfaces 含未知的曲面 id：${JSON.stringify(p.surfaces)}（已知：${SURFACE_IDS.join(", ")}）`);
    else ok.push(p as PrintedGradient);
  });
  return ok;
}
