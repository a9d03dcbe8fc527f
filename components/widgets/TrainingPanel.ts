/**
 * TrainingPanel(program, options) → Element: trains the chapter's own model in the reader's browser.
 * Quick and full runs with a time estimate from a calibration of the actual model on every backend (the fastest
 * chosen, the table shown, the picker overrides it), pause / stop (a stopped model is still evaluated on the test
 * set), smoothed per-batch curves with a held-out check per epoch, the chapter's claim compared like for like, a
 * confusion matrix and sample predictions for classifiers, the TypeScript program next to the Python (editable: the
 * edited program is what trains). For chapter 004 it runs the NumPy gradient descent as written.
 *
 * URL parameters (for tests and demos): gb-train-limit, gb-test-limit, gb-epochs, gb-batch, gb-backend
 * (auto|webgpu|webgl|wasm|cpu), gb-seed, gb-run (full|quick), gb-autostart=1.
 * The element exposes data-state (idle|calibrating|loading|training|paused|evaluating|done|stopped|error),
 * data-backend, data-run, data-partial, data-train-size, data-test-size, data-test-accuracy, data-test-loss,
 * data-epochs-done, data-calibrated (the fastest measured backend), data-theta (004).
 */
import {flatLayers} from "../models/printProgram.js";
import * as tf from "@tensorflow/tfjs";
import * as Plot from "@observablehq/plot";
import {t} from "../i18n/trainingPanel.js";
import {BACKENDS, chooseBackend, isBackendFailure, nextBackend, wasmThreadsInUse, type BackendName} from "../models/backend.js";
import {closedFormTheta, runNumpyGd} from "../models/build.js";
import {calibrate, runPlans, type Calibration, type RunPlan} from "../models/calibrate.js";
import type {KerasProgram, LayerSpec, NumpyGdProgram, Program} from "../models/keras/program.js";
import {prepareData, settingsFor, type BinarySource, type PreparedData, type RunSettings} from "../models/session.js";
import {CalibrationTable, formatDuration} from "./TrainingCalibration.js";
import {compareWithClaim, pct, testNumbers} from "./TrainingClaim.js";
import {TrainingCode, type PythonBlock} from "./TrainingCode.js";
import {intervalMean, TrainingCurves, type CurveHistory, type RunningMean} from "./TrainingCurves.js";
import {runForPanel, type RunOutcome} from "./TrainingRun.js";
import {TrainingResults} from "./TrainingResults.js";

export {compareWithClaim} from "./TrainingClaim.js";

export interface TrainingPanelOptions {
  /** FileAttachment("../data/mnist-train.bin") etc. (anything with arrayBuffer()). */
  mnistTrain?: BinarySource;
  mnistTest?: BinarySource;
  /** URLs of the wasm binaries: {"tfjs-backend-wasm.wasm": FileAttachment(...).href, ...-simd, ...-threaded-simd}. */
  wasmPaths?: Record<string, string>;
  /** Framework's invalidation promise: training stops when the cell re-runs or the page is left. */
  invalidation?: Promise<unknown>;
  /** Query string to read gb-* parameters from (default: location.search). */
  query?: string;
  seed?: number;
  /** The chapter's Python code blocks (shown next to the TypeScript). */
  python?: PythonBlock[];
}

interface Params {
  limit?: number;
  testLimit?: number;
  epochs?: number;
  batch?: number;
  backend: BackendName | "auto";
  seed?: number;
  run: "full" | "quick";
  autostart: boolean;
}

export function readParams(query: string): Params {
  const q = new URLSearchParams(query);
  const int = (k: string) => {
    const v = q.get(k);
    if (v === null || v === "") return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`URL parameter ${k}=${v} must be a positive integer`);
    return n;
  };
  const b = q.get("gb-backend") ?? "auto";
  if (b !== "auto" && !BACKENDS.includes(b as BackendName)) throw new Error(`URL parameter gb-backend=${b} must be auto or one of ${BACKENDS.join(", ")}`);
  const run = q.get("gb-run") ?? "full";
  if (run !== "full" && run !== "quick") throw new Error(`URL parameter gb-run=${run} must be full or quick`);
  return {limit: int("gb-train-limit"), testLimit: int("gb-test-limit"), epochs: int("gb-epochs"), batch: int("gb-batch"),
    backend: b as Params["backend"], seed: q.has("gb-seed") ? Number(q.get("gb-seed")) : undefined, run, autostart: q.get("gb-autostart") === "1"};
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

const fmt = (x: number, d = 4) => (Number.isFinite(x) ? x.toFixed(d) : "–");

export function layerText(l: LayerSpec): string {
  const bn = (l.type === "dense" || l.type === "conv2d") && l.batchNorm ? ` + BatchNorm${l.batchNorm.afterActivation ? t("bnAfter") : ""}` : "";
  switch (l.type) {
    case "dense":
      return `Dense(${l.units}, ${l.activation})${bn}`;
    case "conv2d":
      return `Conv2D(${l.filters}, ${l.kernelSize.join("×")}, ${l.activation})${bn}`;
    case "maxPooling2d":
      return `MaxPooling2D(${l.poolSize.join("×")})`;
    case "flatten":
      return "Flatten()";
    case "dropout":
      return `Dropout(${l.rate})`;
    case "branches": {
      // [Dense(16, tanh) | Dense(32, relu) → Dense(32, relu)] → Concatenate
      const merge = l.merge[0].toUpperCase() + l.merge.slice(1);
      const branch = (b: LayerSpec[], j: number) => (l.columns ? t("branchColumns", {a: l.columns[j][0] + 1, b: l.columns[j][1]}) : "") +
        (b.length ? b.map(layerText).join(" → ") : t("branchInput"));
      return `[${l.branches.map(branch).join(" | ")}] → ${merge}`;
    }
  }
}

function notesList(notes: Program["notes"]): HTMLElement {
  const ul = h("ul", {class: "gb-train-notes"});
  for (const n of notes) ul.append(h("li", {class: `gb-train-note gb-${n.level}`}, n.text));
  return ul;
}

export function TrainingPanel(program: Program, options: TrainingPanelOptions = {}): HTMLElement {
  const root = h("section", {class: "gb-training", "data-state": "idle"});
  const errorBox = h("div", {class: "gb-train-error", role: "alert", hidden: ""});
  const showError = (e: unknown) => {
    errorBox.hidden = false;
    errorBox.textContent = t("error", {message: (e as Error)?.message ?? String(e)});
    root.dataset.state = "error";
  };
  try {
    if (!program || (program.kind !== "keras" && program.kind !== "numpy-gd")) throw new Error("TrainingPanel: not a translated Program");
    const params = readParams(options.query ?? (typeof location !== "undefined" ? location.search : ""));
    if (program.kind === "numpy-gd") gdPanel(root, program, params, options, showError);
    else kerasPanel(root, program, params, options, showError);
  } catch (e) {
    showError(e);
  }
  root.append(errorBox);
  return root;
}

// ---------------------------------------------------------------------------------------------------------
// Keras programs

interface Ui {
  modelLine: HTMLElement;
  dataLine: HTMLElement;
  picker: HTMLSelectElement;
  badge: HTMLElement;
  fullBtn: HTMLButtonElement;
  quickBtn: HTMLButtonElement;
  calBtn: HTMLButtonElement;
  pauseBtn: HTMLButtonElement;
  stopBtn: HTMLButtonElement;
  plans: HTMLElement;
  calBox: HTMLElement;
  bar: HTMLProgressElement;
  status: HTMLElement;
  curves: HTMLElement;
  result: HTMLElement;
  details: HTMLElement;
}

const OPTION_KEYS = ["momentum", "nesterov", "weightDecay", "beta1", "beta2", "epsilon", "rho"] as const;

/** The optimiser's settings beyond the learning rate, as `name=value` pairs (only those the code set). */
export function optimizerOptionsText(o: KerasProgram["compile"]["optimizer"]): string {
  return OPTION_KEYS.filter((k) => o[k] !== undefined).map((k) => `, ${k}=${o[k]}`).join("");
}

export function modelText(program: KerasProgram, s: RunSettings): string {
  const c = program.compile;
  return (program.framework === "pytorch" ? t("fromPytorch") : "") +
    t("model", {line: program.line, layers: program.layers.map(layerText).join(" → "), input: program.inputShape.join(", ")}) +
    t("settings", {optimizer: c.optimizer.name, lr: c.optimizer.learningRate + optimizerOptionsText(c.optimizer), loss: c.loss, epochs: s.epochs, batch: s.batchSize}) +
    (c.fromLogits ? t("fromLogits") : "") + (program.fit.shuffle === false ? t("noShuffle") : "") +
    (program.init === "pytorch" ? t("initPytorch") : "") + (s.validationSplit ? ` · validation_split=${s.validationSplit}` : "");
}

/** The data line before a run: MNIST (loaded on Run), data the code generates, or the chapter's table. */
export function dataText(program: KerasProgram): string {
  const d = program.dataset;
  if (d.id === "mnist") return t("dataMnistPending");
  if (d.id === "arrays") return t(d.recipe ? "dataArraysRecipe" : "dataArrays", {line: d.line, n: d.train.n, test: d.test ? t("dataArraysTest", {n: d.test.n}) : ""});
  return t("dataTable");
}

function unsupportedList(program: KerasProgram): HTMLElement[] {
  const list = program.unsupported ?? [];
  if (!list.length) return [];
  const ul = h("ul", {class: "gb-train-unsupported"});
  for (const u of list) ul.append(h("li", {class: "gb-train-note gb-warning", "data-line": String(u.line)}, t("unsupported", {line: u.line, message: u.text ?? u.message})));
  return [ul];
}

function buildUi(root: HTMLElement, program: KerasProgram, params: Params): Ui {
  const picker = h("select", {"aria-label": t("backendLabel"), class: "gb-train-backend-picker"});
  for (const b of ["auto", ...BACKENDS]) picker.append(h("option", {value: b}, b === "auto" ? t("auto") : b));
  picker.value = params.backend;
  const ui: Ui = {
    modelLine: h("p", {class: "gb-train-model"}),
    dataLine: h("p", {class: "gb-train-data"}, dataText(program)),
    picker, badge: h("span", {class: "gb-train-badge", title: t("badgeTitle")}, t("badgeNone")),
    fullBtn: h("button", {type: "button", class: "gb-train-start"}, t("runFull")),
    quickBtn: h("button", {type: "button", class: "gb-train-quick"}, t("runQuick")),
    calBtn: h("button", {type: "button", class: "gb-train-calibrate"}, t("calibrate")),
    pauseBtn: h("button", {type: "button", class: "gb-train-pause", disabled: ""}, t("pause")),
    stopBtn: h("button", {type: "button", class: "gb-train-stop", disabled: ""}, t("stop")),
    plans: h("p", {class: "gb-train-plans"}), calBox: h("div", {class: "gb-train-calbox"}),
    bar: h("progress", {class: "gb-train-progress", max: "1", value: "0"}),
    status: h("span", {class: "gb-train-status", "aria-live": "polite"}, ""),
    curves: h("div", {class: "gb-train-curves"}), result: h("p", {class: "gb-train-result"}), details: h("div", {class: "gb-train-details"})
  };
  const trainTab = h("div", {class: "gb-train-tab-train"}, ui.dataLine,
    h("div", {class: "gb-train-controls"}, ui.fullBtn, ui.quickBtn, ui.pauseBtn, ui.stopBtn, ui.picker, ui.calBtn, ui.badge),
    ui.plans, ui.calBox, h("div", {class: "gb-train-progressline"}, ui.bar, ui.status), ui.curves, ui.result, ui.details);
  root.append(h("h4", {class: "gb-train-title"}, t("title")), ui.modelLine, notesList(program.notes), ...unsupportedList(program), trainTab);
  return ui;
}

function planText(plans: {quick: RunPlan; full: RunPlan}, backend: string | null): string {
  const eta = (p: RunPlan) => (p.seconds === null ? t("etaUnknown") : t("eta", {backend: backend ?? "", time: formatDuration(p.seconds)}));
  return `${t("planFull", {epochs: plans.full.epochs, n: plans.full.limit.toLocaleString("en-US"), eta: eta(plans.full)})} · ` +
    `${t("planQuick", {n: plans.quick.limit.toLocaleString("en-US"), eta: eta(plans.quick)})}`;
}

/** The state one Keras panel shares between its steps. */
interface Ctx {
  root: HTMLElement;
  ui: Ui;
  params: Params;
  options: TrainingPanelOptions;
  showError: (e: unknown) => void;
  program: KerasProgram;
  settings: RunSettings;
  calibration: Calibration | null;
  data: PreparedData | null;
  ctl: AbortController | null;
  stopCtl: AbortController | null;
  pause: {promise: Promise<void>; resolve: () => void} | null;
}

type Kind = "full" | "quick";

function settingsOf(c: Pick<Ctx, "params" | "options">, p: KerasProgram): RunSettings {
  return settingsFor(p, {epochs: c.params.epochs ?? p.fit.epochs, batchSize: c.params.batch ?? p.fit.batchSize,
    seed: c.params.seed ?? c.options.seed ?? 42, limit: c.params.limit, testLimit: c.params.testLimit});
}

const selectedBackend = (c: Ctx) => (c.ui.picker.value === "auto" ? c.calibration?.chosen ?? null : c.ui.picker.value);

function plansOf(c: Ctx): {quick: RunPlan; full: RunPlan} | null {
  const n = Math.min(c.data?.trainSize ?? Infinity, c.settings.limit ?? Infinity);
  if (!Number.isFinite(n)) return null;
  const speed = c.calibration?.rows.find((r) => r.backend === selectedBackend(c))?.samplesPerSec ?? null;
  return runPlans({trainSize: n, epochs: c.settings.epochs, batchSize: c.settings.batchSize, validationSplit: c.settings.validationSplit}, speed);
}

function refresh(c: Ctx): void {
  c.ui.modelLine.textContent = modelText(c.program, c.settings);
  const p = plansOf(c);
  c.ui.plans.textContent = p ? planText(p, selectedBackend(c)) : "";
  if (c.calibration) c.ui.calBox.replaceChildren(CalibrationTable(c.calibration, {selected: selectedBackend(c) ?? undefined}));
  (c.ui.picker.options[0] as HTMLOptionElement).textContent = c.calibration?.chosen ? t("autoChosen", {backend: c.calibration.chosen}) : t("auto");
}

async function loadData(c: Ctx): Promise<PreparedData> {
  c.data ??= await prepareData(c.program, {mnistTrain: c.options.mnistTrain, mnistTest: c.options.mnistTest}, c.settings);
  return c.data;
}

/** Times the model on every backend (and loads the data meanwhile); fills the table row by row. */
async function measure(c: Ctx, signal: AbortSignal): Promise<Calibration> {
  c.root.dataset.state = "calibrating";
  c.ui.status.textContent = t("calibrating");
  const rows: Calibration["rows"] = [];
  const [cal] = await Promise.all([calibrate(c.program, {batchSize: c.settings.batchSize, wasmPaths: c.options.wasmPaths, signal, onRow: (r) => {
    rows.push(r);
    c.ui.calBox.replaceChildren(CalibrationTable({rows, chosen: null, batchSize: c.settings.batchSize}));
  }}), loadData(c)]);
  c.calibration = cal;
  if (cal.chosen) c.root.dataset.calibrated = cal.chosen;
  c.ui.status.textContent = "";
  refresh(c);
  return cal;
}

function setRunning(c: Ctx, running: boolean): void {
  for (const b of [c.ui.fullBtn, c.ui.quickBtn, c.ui.calBtn, c.ui.picker]) b.disabled = running;
  c.ui.pauseBtn.disabled = !running;
  c.ui.stopBtn.disabled = !running;
}

function begin(c: Ctx): AbortController {
  c.ctl?.abort();
  const my = new AbortController();
  c.ctl = my;
  c.stopCtl = new AbortController();
  setRunning(c, true);
  return my;
}

function finish(c: Ctx, my: AbortController): void {
  if (c.ctl === my) setRunning(c, false);
  c.pause?.resolve();
  c.pause = null;
  c.ui.pauseBtn.textContent = t("pause");
}

/** "auto": the calibrated fastest (calibrating first if needed); a named backend as asked, falling back if it fails. */
async function pickBackend(c: Ctx, pref: BackendName | "auto", my: AbortController, kind: Kind): Promise<BackendName> {
  const want = pref === "auto" ? (c.calibration ?? (await measure(c, my.signal))).chosen ?? "auto" : pref;
  const needsConvGradients = flatLayers(c.program.layers).some((l) => l.type === "conv2d" || l.type === "maxPooling2d");
  const choice = await chooseBackend(want, {wasmPaths: c.options.wasmPaths, needsConvGradients, onDeviceLost: (m) => {
    if (c.root.dataset.state !== "training" || c.ctl !== my) return;
    my.abort();
    const next = nextBackend("webgpu")!;
    c.ui.status.textContent = t("deviceLost", {message: m, next});
    void start(c, kind, next, t("deviceLostNote", {next}));
  }});
  c.root.dataset.backend = choice.name;
  const threads = choice.name === "wasm" ? await wasmThreadsInUse() : null;
  if (threads) c.root.dataset.wasmThreads = String(threads);
  else delete c.root.dataset.wasmThreads;
  const skipped = choice.attempts.filter((a) => !a.ok).map((a) => `${a.name}: ${a.reason}`).join("; ");
  c.ui.badge.textContent = t("badge", {backend: threads && threads > 1 ? `${choice.name} · ${t("threads", {n: threads})}` : choice.name});
  c.ui.badge.title = skipped ? t("skipped", {list: skipped}) : t("badgeTitle");
  return choice.name;
}

async function start(c: Ctx, kind: Kind, pref: BackendName | "auto", note = ""): Promise<void> {
  const my = begin(c);
  const stop = c.stopCtl!;
  c.root.dataset.run = kind;
  c.ui.result.textContent = "";
  c.ui.details.replaceChildren();
  c.ui.curves.replaceChildren();
  let chosen: BackendName | null = null;
  try {
    c.root.dataset.state = "loading";
    chosen = await pickBackend(c, pref, my, kind);
    c.ui.status.textContent = t("loading");
    const d = await loadData(c);
    refresh(c);
    const plan = plansOf(c)![kind];
    const run: RunSettings = {...c.settings, limit: plan.limit, epochs: plan.epochs};
    const val = Math.floor(plan.limit * run.validationSplit);
    c.ui.dataLine.textContent = t("dataUsed", {description: d.description, train: plan.limit - val, val: val ? t("dataVal", {n: val}) : "", test: d.testSize});
    c.root.dataset.trainSize = String(plan.limit - val);
    c.root.dataset.testSize = String(d.testSize);
    if (my.signal.aborted) return;
    const t0 = performance.now();
    const outcome = await trainLoop(c, d, run, my, stop);
    if (outcome) showOutcome(c, outcome, (performance.now() - t0) / 1000, kind, plan, chosen, note);
  } catch (e) {
    if (my.signal.aborted) return;
    if (chosen && isBackendFailure(e) && nextBackend(chosen)) {
      const next = nextBackend(chosen)!;
      return start(c, kind, next, t("backendFailed", {backend: chosen, message: (e as Error).message, next}));
    }
    c.showError(e);
  } finally {
    finish(c, my);
  }
}

/** Runs the training, drawing the curves and the progress line; the outcome, or null when aborted. */
async function trainLoop(c: Ctx, d: PreparedData, run: RunSettings, my: AbortController, stop: AbortController): Promise<RunOutcome | null> {
  const {root, ui} = c;
  root.dataset.state = "training";
  const every = Math.max(1, Math.floor(Math.ceil((run.limit! - Math.floor(run.limit! * run.validationSplit)) / run.batchSize) / 100));
  const hist: CurveHistory = {train: [], held: [], heldKind: run.validationSplit > 0 ? "val" : "monitor", heldSize: 0, every};
  let prev: {loss: RunningMean; acc: RunningMean} | null = null, lastDraw = 0;
  const draw = (force: boolean) => {
    if (!force && performance.now() - lastDraw < 400) return;
    lastDraw = performance.now();
    ui.curves.replaceChildren(TrainingCurves(hist, {width: root.clientWidth || 640}));
  };
  const gen = runForPanel(c.program, d, run, {signal: my.signal, stop: stop.signal, yieldEvery: () => tf.nextFrame(), paused: () => c.pause?.promise, reportEvery: every});
  for (;;) {
    const n = await gen.next();
    if (n.done) {
      draw(true);
      return n.value;
    }
    const ev = n.value;
    if (ev.type === "evaluating") {
      root.dataset.state = "evaluating";
      ui.status.textContent += ` · ${t("evaluating")}`;
    } else if (ev.type === "monitor") {
      hist.held.push({x: ev.epoch, loss: ev.loss, acc: ev.acc});
      hist.heldSize = ev.n;
      draw(true);
    } else {
      const s = ev.step;
      const x = s.epoch - 1 + s.batch / s.batches;
      const count = Math.min(s.trainSize, s.batch * run.batchSize);
      const cur = {loss: {epoch: s.epoch, count, mean: s.loss}, acc: {epoch: s.epoch, count, mean: s.acc}};
      hist.train.push({x, loss: intervalMean(prev?.loss ?? null, cur.loss), acc: intervalMean(prev?.acc ?? null, cur.acc)});
      prev = cur;
      if (s.valLoss !== undefined) {
        hist.held.push({x, loss: s.valLoss, acc: s.valAcc!});
        hist.heldSize = s.valSize;
      }
      root.dataset.epochsDone = String(s.batch === s.batches ? s.epoch : s.epoch - 1);
      ui.bar.value = x / s.epochs;
      ui.status.textContent = t("progress", {epoch: s.epoch, epochs: s.epochs, batch: s.batch, batches: s.batches, loss: fmt(s.loss), acc: fmt(s.acc),
        val: s.valAcc !== undefined ? t("progressVal", {acc: fmt(s.valAcc)}) : "", sps: Math.round(s.samplesPerSec).toLocaleString("en-US"), eta: Math.ceil(s.etaSec)});
      draw(s.batch === s.batches);
      if (root.dataset.state !== "paused") root.dataset.state = "training";
    }
  }
}

function showOutcome(c: Ctx, o: RunOutcome, seconds: number, kind: Kind, plan: RunPlan, chosen: BackendName, note: string): void {
  const {root, ui} = c;
  root.dataset.testAccuracy = String(o.test.acc);
  root.dataset.testLoss = String(o.test.loss);
  root.dataset.partial = String(o.partial);
  const lead = (o.partial && o.last ? t("resultPartial", {epoch: o.last.epoch, batch: o.last.batch, batches: o.last.batches}) : "") +
    (kind === "quick" ? t("resultQuick", {n: plan.limit}) : "");
  ui.result.textContent = lead + t("resultRun", {acc: pct(o.test.acc), loss: fmt(o.test.loss), n: o.test.n, params: o.params.toLocaleString("en-US"),
    time: seconds.toFixed(1), backend: chosen}) + compareWithClaim({test: testNumbers(c.program.compile, o.test), lastEpoch: o.lastEpoch}, c.program.claims) + note;
  if (o.test.classes >= 2 && c.data) ui.details.replaceChildren(TrainingResults(o.test, c.data.test));
  root.dataset.state = o.partial ? "stopped" : "done";
  if (o.partial) ui.status.textContent += t("stoppedSuffix");
}

function togglePause(c: Ctx): void {
  if (c.pause) {
    c.pause.resolve();
    c.pause = null;
    c.ui.pauseBtn.textContent = t("pause");
    c.root.dataset.state = "training";
  } else {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    c.pause = {promise, resolve};
    c.ui.pauseBtn.textContent = t("resume");
    c.root.dataset.state = "paused";
  }
}

function kerasPanel(root: HTMLElement, program: KerasProgram, params: Params, options: TrainingPanelOptions, showError: (e: unknown) => void): void {
  const ui = buildUi(root, program, params);
  const c: Ctx = {root, ui, params, options, showError, program, settings: settingsOf({params, options}, program),
    calibration: null, data: null, ctl: null, stopCtl: null, pause: null};
  root.append(TrainingCode(program, {python: options.python, layerText, onProgram: (p) => {
    c.program = p;
    c.settings = settingsOf(c, p);
    c.calibration = null;
    ui.calBox.replaceChildren();
    refresh(c);
    void start(c, "full", ui.picker.value as BackendName | "auto");
  }}));
  options.invalidation?.then(() => c.ctl?.abort());
  ui.fullBtn.onclick = () => void start(c, "full", ui.picker.value as BackendName | "auto");
  ui.quickBtn.onclick = () => void start(c, "quick", ui.picker.value as BackendName | "auto");
  ui.picker.onchange = () => refresh(c);
  ui.calBtn.onclick = async () => {
    const my = begin(c);
    try {
      await measure(c, my.signal);
      root.dataset.state = "idle";
    } catch (e) {
      if (!my.signal.aborted) showError(e);
    } finally {
      finish(c, my);
    }
  };
  ui.stopBtn.onclick = () => {
    if (root.dataset.state === "calibrating" || root.dataset.state === "loading") c.ctl?.abort();
    c.stopCtl?.abort();
    c.pause?.resolve();
  };
  ui.pauseBtn.onclick = () => togglePause(c);
  refresh(c);
  if (params.autostart) queueMicrotask(() => void start(c, params.run, params.backend));
}

// ---------------------------------------------------------------------------------------------------------
// Chapter 004: the NumPy gradient descent, as written

function gdPanel(root: HTMLElement, program: NumpyGdProgram, params: Params, options: TrainingPanelOptions, showError: (e: unknown) => void): void {
  const seed = params.seed ?? options.seed ?? 42;
  root.append(
    h("h4", {class: "gb-train-title"}, t("gdTitle", {name: program.className})),
    h("p", {class: "gb-train-model"}, t("gdModel", {lr: program.learningRate, grad: program.gradient === "sum" ? "Xᵀ(Xθ − y)" : "Xᵀ(Xθ − y)/n",
      n: program.iterations, line: program.line, lines: program.data.map((d) => d.line).join(", ")})),
    notesList(program.notes)
  );
  const runBtn = h("button", {type: "button", class: "gb-train-start"}, t("gdRun"));
  const charts = h("div", {class: "gb-train-charts"});
  const result = h("p", {class: "gb-train-result"});
  root.append(h("div", {class: "gb-train-controls"}, runBtn, h("span", {class: "gb-train-badge"}, t("gdBadge"))), charts, result);
  const run = () => {
    try {
      root.dataset.state = "training";
      const r = runNumpyGd(program, {seed, iterations: params.epochs ?? program.iterations});
      const cf = closedFormTheta(r.X, r.y);
      const xs = Array.from(r.X.data), ys = Array.from(r.y.data);
      const points = xs.map((x, i) => ({x, y: ys[i]}));
      const theta = r.theta[0];
      const lo = Math.min(0, ...xs), hi = Math.max(...xs);
      const line = (k: number, s: string) => [{x: lo, y: k * lo, s}, {x: hi, y: k * hi, s}];
      const w = Math.max(280, Math.min(640, (root.clientWidth || 640) / 2 - 12));
      const fit = Plot.plot({width: w, height: 240, x: {label: "x"}, y: {label: "y", grid: true}, color: {legend: true},
        marks: [Plot.dot(points, {x: "x", y: "y", r: 2.5, fill: "currentColor", fillOpacity: 0.6}),
          Plot.line(line(theta, t("gdFitLine", {theta: theta.toFixed(3)})), {x: "x", y: "y", stroke: "s"}),
          Plot.line(line(cf[0], t("gdClosedLine", {theta: cf[0].toFixed(3)})), {x: "x", y: "y", stroke: "s", strokeDasharray: "4 3"})]});
      const curves = r.mse.map((m, i) => ({i: i + 1, value: m, series: "½·mean((Xθ − y)²)"}))
        .concat(r.chapterLoss.map((m, i) => ({i: i + 1, value: m, series: t("gdCodeLoss", {formula: program.loss.formula})})));
      const loss = Plot.plot({width: w, height: 240, x: {label: t("gdIterations"), type: "log"}, y: {label: t("axisLoss"), grid: true}, color: {legend: true},
        marks: [Plot.line(curves, {x: "i", y: "value", stroke: "series"}), Plot.ruleY([0])]});
      charts.replaceChildren(fit, loss);
      root.dataset.theta = String(theta);
      root.dataset.thetaClosedForm = String(cf[0]);
      result.textContent = t("gdResult", {n: r.thetas.length - 1, theta: theta.toFixed(4), closed: cf[0].toFixed(4), diff: Math.abs(theta - cf[0]).toExponential(1),
        mse: r.mse[r.mse.length - 1].toFixed(4), loss: r.chapterLoss[r.chapterLoss.length - 1].toFixed(4), seed});
      root.dataset.state = "done";
    } catch (e) {
      showError(e);
    }
  };
  runBtn.onclick = run;
  if (params.autostart) queueMicrotask(run);
}
