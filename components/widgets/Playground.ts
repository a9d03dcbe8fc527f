/**
 * Playground(spec, options) → Element: optimiser paths over a loss surface with sliders, click/drag start point,
 * play / pause / step animation, linked loss curves, the update rules with the current values substituted,
 * and the settings in the URL. Honours Framework's view() contract: `.value` is the current settings and an
 * `input` event fires on every change.
 */
import katex from "katex";
import {OPTIMIZERS, type OptimizerName} from "../math/optimizers/index.js";
import {runOptimizer, type RunResult} from "../math/optimizers/run.js";
import {runRecurrence, type Recurrence} from "../math/optimizers/runRecurrence.js";
import type {Hyper} from "../math/optimizers/types.js";
import {contourGrid, type ContourGrid} from "../math/surfaces/contourGrid.js";
import {getSurface, SURFACE_IDS} from "../math/surfaces/registry.js";
import type {Surface} from "../math/surfaces/types.js";
import {LossCurves} from "../plots/LossCurves.js";
import {LossSurface, type LossSurfaceElement, type Trajectory} from "../plots/LossSurface.js";
import {PLAYGROUND_CSS} from "./PlaygroundStyle.js";
import {decodeState, readUrlState, urlWriter, type FieldSpec} from "./urlState.js";

export interface PrintedRule {
  label: string;
  latex: string;
}

export interface PlaygroundSpec {
  /** surface ids (see components/math/surfaces/registry.ts) */
  surfaces: string[];
  initial?: string;
  /** update rules as printed in the chapter, drawn as extra paths via compileRecurrence */
  printed?: PrintedRule[];
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
}

export interface PlaygroundElement extends HTMLElement {
  value: PlaygroundValue;
}

const COLORS: Record<OptimizerName, string> = {gd: "#e41a1c", momentum: "#ff7f00", rmsprop: "#f781bf", adam: "#111111"};
const PRINTED_COLORS = ["#a65628", "#4daf4a", "#984ea3", "#377eb8"];

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
  {key: "alpha", label: "α learning rate", min: -5, max: 0.5, step: 0.01, log: true},
  {key: "gamma", label: "γ momentum", min: 0, max: 0.99, step: 0.01},
  {key: "beta_1", label: "β₁ (Adam)", min: 0, max: 0.999, step: 0.001},
  {key: "beta_2", label: "β₂ (Adam, RMSprop)", min: 0.5, max: 0.9999, step: 0.0001},
  {key: "epsilon", label: "ε", min: -12, max: -1, step: 0.1, log: true},
  {key: "steps", label: "steps", min: 1, max: 2000, step: 1}
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
    root.replaceChildren(h("p", {class: "gb-pg-error", role: "alert"}, `Loss-surface playground: ${(e as Error).message}`));
    Object.defineProperty(root, "value", {value: null, configurable: true, writable: true});
  }
  return root;
}

function build(root: PlaygroundElement, uid: string, spec: PlaygroundSpec, options: PlaygroundOptions) {
  if (!spec || !Array.isArray(spec.surfaces) || spec.surfaces.length === 0) throw new Error(`spec.surfaces must be a non-empty list of surface ids (known: ${SURFACE_IDS.join(", ")})`);
  const unknown = spec.surfaces.filter((s) => !SURFACE_IDS.includes(s));
  if (unknown.length) throw new Error(`unknown surface id(s) ${unknown.map((s) => `"${s}"`).join(", ")}; known: ${SURFACE_IDS.join(", ")}`);
  if (spec.initial !== undefined && !spec.surfaces.includes(spec.initial)) throw new Error(`spec.initial "${spec.initial}" is not in spec.surfaces`);
  const printed = spec.printed ?? [];
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
    optimizers: (spec.optimizers ?? ["gd", "momentum", "adam"]).filter((o) => optNames.includes(o))
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
    optimizers: {type: "strings", values: optNames}
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
        else urlErrors.push(`URL setting start ignored: ${surface.id} has ${surface.labels.length} weight(s)`);
      }
      if (Array.isArray(state.optimizers)) v.optimizers = state.optimizers as OptimizerName[];
    }
  }
  const writer = param ? urlWriter(param) : null;
  let shown = v.steps; // steps drawn (animation)
  let runs: {name: string; label: string; color: string; dash?: string; result: RunResult}[] = [];
  const compiled: (Recurrence | string | null)[] = printed.map(() => null); // null: loading, string: error
  let grid: ContourGrid | null = null;
  let plot: LossSurfaceElement;

  // ---- DOM
  const top = h("div", {class: "gb-pg-top"});
  const surfLabel = h("label", {for: `${uid}-surface`}, "Surface ");
  const select = h("select", {id: `${uid}-surface`});
  for (const id of spec.surfaces) select.append(h("option", {value: id}, getSurface(id, v.seed).title));
  select.value = v.surface;
  const seedLabel = h("label", {for: `${uid}-seed`}, "Data seed ");
  const seedInput = h("input", {id: `${uid}-seed`, type: "number", min: "0", step: "1", value: String(v.seed)});
  top.append(surfLabel, select, seedLabel, seedInput);
  const note = h("p", {class: "gb-pg-note"});
  const main = h("div", {class: "gb-pg-main"});
  const plotBox = h("div", {class: "gb-pg-plot"});
  const controls = h("fieldset", {class: "gb-pg-controls"});
  controls.append(h("legend", {}, "Settings"));
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
  startRow.append(h("span", {}, "start (or click the plot)"), startBox);
  controls.append(startRow);
  main.append(plotBox, controls);

  const optBox = h("fieldset", {class: "gb-pg-opts"});
  optBox.append(h("legend", {class: "gb-pg-opts-legend"}, "Optimisers"));
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
    s.append(sw, `${p.label} (dashed)`);
    optBox.append(s);
  });

  const anim = h("div", {class: "gb-pg-anim"});
  const playBtn = h("button", {type: "button"}, "▶ play");
  const stepBtns = [1, 10, 100].map((k) => {
    const b = h("button", {type: "button", "aria-label": `+${k} step${k > 1 ? "s" : ""}`}, `+${k}`);
    b.addEventListener("click", () => {
      stop();
      if (shown >= v.steps) shown = 0;
      shown = Math.min(v.steps, shown + k);
      drawPaths();
      scheduleCurves();
    });
    return b;
  });
  const resetBtn = h("button", {type: "button"}, "reset to step 0");
  const counter = h("output", {class: "gb-pg-counter", "aria-live": "off"});
  anim.append(playBtn, ...stepBtns, resetBtn, counter);
  const messages = h("div", {class: "gb-pg-messages", role: "status", "aria-live": "polite"});
  const curvesBox = h("div", {class: "gb-pg-curves"});
  const formulas = h("div", {class: "gb-pg-formulas"});
  root.append(top, note, main, optBox, anim, messages, curvesBox, formulas);

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
    counter.textContent = `step ${Math.min(shown, v.steps)} / ${v.steps}`;
    drawMessages();
  }

  function drawMessages() {
    const ps: HTMLElement[] = [];
    for (const e of urlErrors) ps.push(h("p", {class: "gb-pg-error"}, e));
    for (const r of runs) {
      const n = Math.min(shown, r.result.path.length - 1);
      if (r.result.stopped && r.result.stopped.step <= shown) ps.push(h("p", {class: "gb-pg-stop"}, `✕ ${r.label} stopped: ${r.result.stopped.reason}.`));
      else if (n >= 0) ps.push(h("p", {}, `${r.label}: step ${n}, loss ${fmt(r.result.losses[n])} at (${r.result.path[n].map((x) => fmt(x)).join(", ")})`));
    }
    printed.forEach((p, i) => {
      const c = compiled[i];
      if (c === null) ps.push(h("p", {class: "gb-pg-note"}, `${p.label}: loading the formula engine…`));
      else if (typeof c === "string") ps.push(h("p", {class: "gb-pg-error"}, `${p.label}: not drawn — ${c}`));
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
        curvesBox.replaceChildren(h("p", {class: "gb-pg-error"}, `loss curves: ${(e as Error).message}`));
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
      const label = h("strong", {}, `${OPTIMIZERS[name].label}: `);
      const span = h("span", {});
      span.innerHTML = katex.renderToString(updateRuleTex(name, hp, true), {throwOnError: false, trust: (ctx) => ctx.command === "\\htmlClass", strict: false});
      p.append(label, span);
      return p;
    });
    printed.forEach((pr) => {
      const p = h("p", {});
      const span = h("span", {});
      span.innerHTML = katex.renderToString(pr.latex, {throwOnError: false, displayMode: false});
      p.append(h("strong", {}, `${pr.label} (as printed): `), span);
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
    writer?.write({surface: v.surface, alpha: v.alpha, beta_1: v.beta_1, beta_2: v.beta_2, epsilon: v.epsilon, gamma: v.gamma, steps: v.steps, seed: v.seed, start: v.start, optimizers: v.optimizers});
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
    playBtn.textContent = "▶ play";
  }
  async function play() {
    stop();
    animating = true;
    animAbort = new AbortController();
    const local = animAbort;
    const onOuter = () => local.abort();
    signal?.addEventListener("abort", onOuter, {once: true});
    playBtn.textContent = "⏸ pause";
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
        if (typeof mod?.compileRecurrence !== "function") throw new Error("the formula engine has no compileRecurrence");
        printed.forEach((p, i) => {
          try {
            compiled[i] = mod.compileRecurrence(p.latex);
          } catch (e) {
            compiled[i] = `could not compile the printed rule: ${(e as Error).message}`;
          }
        });
      })
      .catch((e: unknown) => {
        printed.forEach((_, i) => (compiled[i] = `the formula engine is not available (${(e as Error)?.message ?? e})`));
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
