/**
 * TrainingPanel(program, options) → Element: trains the chapter's own model in the reader's browser.
 * Train / pause / stop, progress (epoch, batch, samples/s, ETA), live loss and accuracy curves, backend badge and
 * picker (falls back on a missing kernel or a lost device), final test accuracy against the chapter's claim, the
 * data sizes stated, errors shown in place. For chapter 004 it runs the NumPy gradient descent as written.
 *
 * URL parameters (for tests and demos): gb-train-limit, gb-test-limit, gb-epochs, gb-batch, gb-backend
 * (auto|webgpu|webgl|wasm|cpu), gb-seed, gb-autostart=1.
 * The element exposes data-state (idle|loading|training|paused|evaluating|done|stopped|error), data-backend,
 * data-train-size, data-test-size, data-test-accuracy, data-test-loss, data-epochs-done, data-theta (004).
 */
import * as tf from "@tensorflow/tfjs";
import * as Plot from "@observablehq/plot";
import {BACKENDS, chooseBackend, isBackendFailure, nextBackend, type BackendName} from "../models/backend.js";
import {closedFormTheta, runNumpyGd} from "../models/build.js";
import type {Claim, KerasProgram, LayerSpec, NumpyGdProgram, Program} from "../models/keras/program.js";
import {prepareData, runProgram, settingsFor, type BinarySource, type PreparedData, type RunSettings} from "../models/session.js";
import type {TrainStep} from "../models/train.js";

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
}

interface Params {
  limit?: number;
  testLimit?: number;
  epochs?: number;
  batch?: number;
  backend: BackendName | "auto";
  seed?: number;
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
  return {limit: int("gb-train-limit"), testLimit: int("gb-test-limit"), epochs: int("gb-epochs"), batch: int("gb-batch"),
    backend: b as Params["backend"], seed: q.has("gb-seed") ? Number(q.get("gb-seed")) : undefined, autostart: q.get("gb-autostart") === "1"};
}

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

const fmt = (x: number, d = 4) => (Number.isFinite(x) ? x.toFixed(d) : "–");
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

function layerText(l: LayerSpec): string {
  switch (l.type) {
    case "dense":
      return `Dense(${l.units}, ${l.activation})`;
    case "conv2d":
      return `Conv2D(${l.filters}, ${l.kernelSize.join("×")}, ${l.activation})`;
    case "maxPooling2d":
      return `MaxPooling2D(${l.poolSize.join("×")})`;
    case "flatten":
      return "Flatten()";
    case "dropout":
      return `Dropout(${l.rate})`;
  }
}

function notesList(notes: Program["notes"]): HTMLElement {
  const ul = h("ul", {class: "gb-train-notes"});
  for (const n of notes) ul.append(h("li", {class: `gb-train-note gb-${n.level}`}, n.text));
  return ul;
}

/** "test accuracy 97.12% vs the chapter's 97.59%" (Chinese UI text). */
export function compareWithClaim(acc: number, claims: Claim[]): string {
  const test = claims.find((c) => c.metric === "accuracy" && c.split === "test");
  const trainClaim = claims.find((c) => c.metric === "accuracy" && c.split === "train");
  if (test) {
    const d = acc - test.value;
    return `测试准确率 ${pct(acc)}；文中声称 ${pct(test.value)}（${d >= 0 ? "高" : "低"} ${(100 * Math.abs(d)).toFixed(2)} 个百分点）。`;
  }
  if (trainClaim) return `测试准确率 ${pct(acc)}；文中只给出训练集准确率 ${pct(trainClaim.value)}（最后一个 epoch），两者不是同一个量。`;
  return `测试准确率 ${pct(acc)}；文中没有给出可比较的数字。`;
}

export function TrainingPanel(program: Program, options: TrainingPanelOptions = {}): HTMLElement {
  const root = h("section", {class: "gb-training", "data-state": "idle"});
  const errorBox = h("div", {class: "gb-train-error", role: "alert", hidden: ""});
  const showError = (e: unknown) => {
    errorBox.hidden = false;
    errorBox.textContent = `出错了：${(e as Error)?.message ?? String(e)}`;
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

function kerasPanel(root: HTMLElement, program: KerasProgram, params: Params, options: TrainingPanelOptions, showError: (e: unknown) => void): void {
  const settings: RunSettings = settingsFor(program, {
    epochs: params.epochs ?? program.fit.epochs, batchSize: params.batch ?? program.fit.batchSize,
    seed: params.seed ?? options.seed ?? 42, limit: params.limit, testLimit: params.testLimit
  });
  const c = program.compile;
  root.append(
    h("h4", {class: "gb-train-title"}, "在浏览器里训练本章的模型"),
    h("p", {class: "gb-train-model"},
      `模型（第 ${program.line} 行）：${program.layers.map(layerText).join(" → ")}；输入 (${program.inputShape.join(", ")})；`,
      `${c.optimizer.name}(learning_rate=${c.optimizer.learningRate}) · ${c.loss} · epochs=${settings.epochs} · batch_size=${settings.batchSize}`,
      settings.validationSplit ? ` · validation_split=${settings.validationSplit}` : ""),
    notesList(program.notes)
  );
  const dataLine = h("p", {class: "gb-train-data"}, program.dataset.id === "mnist" ? "数据：MNIST（点“训练”后加载）" : "数据：本章表格");
  const picker = h("select", {"aria-label": "计算后端", class: "gb-train-backend-picker"});
  for (const b of ["auto", ...BACKENDS]) picker.append(h("option", {value: b}, b === "auto" ? "自动" : b));
  picker.value = params.backend;
  const badge = h("span", {class: "gb-train-badge", title: "tf.js 后端"}, "后端：未选择");
  const trainBtn = h("button", {type: "button", class: "gb-train-start"}, "训练");
  const pauseBtn = h("button", {type: "button", class: "gb-train-pause", disabled: ""}, "暂停");
  const stopBtn = h("button", {type: "button", class: "gb-train-stop", disabled: ""}, "停止");
  const bar = h("progress", {class: "gb-train-progress", max: "1", value: "0"});
  const status = h("span", {class: "gb-train-status", "aria-live": "polite"}, "");
  const charts = h("div", {class: "gb-train-charts"});
  const result = h("p", {class: "gb-train-result"});
  root.append(dataLine, h("div", {class: "gb-train-controls"}, trainBtn, pauseBtn, stopBtn, picker, badge),
    h("div", {class: "gb-train-progressline"}, bar, status), charts, result);

  let ctl: AbortController | null = null;
  let pause: {promise: Promise<void>; resolve: () => void} | null = null;
  let data: PreparedData | null = null;
  options.invalidation?.then(() => ctl?.abort());

  const history: {x: number; value: number; series: string; kind: "loss" | "acc"}[] = [];
  let lastDraw = 0;
  const draw = (force = false) => {
    const now = performance.now();
    if (!force && now - lastDraw < 400) return;
    lastDraw = now;
    const w = Math.max(280, Math.min(640, (root.clientWidth || 640) / 2 - 12));
    const loss = history.filter((d) => d.kind === "loss");
    const acc = history.filter((d) => d.kind === "acc");
    const plot = (rows: typeof history, label: string) =>
      Plot.plot({width: w, height: 200, x: {label: "轮次"}, y: {label, grid: true}, color: {legend: true},
        marks: [Plot.line(rows, {x: "x", y: "value", stroke: "series"}), Plot.ruleY([0])]});
    charts.replaceChildren(plot(loss, "损失"), plot(acc, "准确率"));
  };

  const setRunning = (running: boolean) => {
    trainBtn.disabled = running;
    pauseBtn.disabled = !running;
    stopBtn.disabled = !running;
    picker.disabled = running;
  };

  const start = async (backend: BackendName | "auto", note = "") => {
    ctl?.abort();
    const my = new AbortController();
    ctl = my;
    history.length = 0;
    result.textContent = "";
    setRunning(true);
    root.dataset.state = "loading";
    let chosen: BackendName | null = null;
    try {
      const choice = await chooseBackend(backend, {wasmPaths: options.wasmPaths, onDeviceLost: (m) => {
        if (root.dataset.state === "training") {
          my.abort();
          const next = nextBackend("webgpu")!;
          status.textContent = `WebGPU 设备丢失（${m}），改用 ${next} 重新训练`;
          void start(next, `WebGPU 设备丢失，已改用 ${next}。`);
        }
      }});
      chosen = choice.name;
      root.dataset.backend = chosen;
      const skipped = choice.attempts.filter((a) => !a.ok).map((a) => `${a.name}: ${a.reason}`).join("；");
      badge.textContent = `后端：${chosen}`;
      badge.title = skipped ? `未使用：${skipped}` : "tf.js 后端";
      status.textContent = "加载数据…";
      data ??= await prepareData(program, {mnistTrain: options.mnistTrain, mnistTest: options.mnistTest}, settings);
      const used = Math.min(data.trainSize, settings.limit ?? Infinity);
      const val = Math.floor(used * settings.validationSplit);
      dataLine.textContent = `数据：${data.description}。本次训练用 ${used - val} 个样本${val ? `（另 ${val} 个做验证）` : ""}，测试 ${data.testSize} 个。`;
      root.dataset.trainSize = String(used - val);
      root.dataset.testSize = String(data.testSize);
      if (my.signal.aborted) return;
      root.dataset.state = "training";
      const gen = runProgram(program, data, settings, {
        signal: my.signal,
        yieldEvery: () => tf.nextFrame(),
        paused: () => pause?.promise,
        reportEvery: Math.max(1, Math.floor(Math.ceil(used / settings.batchSize) / 100))
      });
      const t0 = performance.now();
      for (;;) {
        const n = await gen.next();
        if (n.done) {
          if (!n.value) break;
          const r = n.value;
          root.dataset.testAccuracy = String(r.testAcc);
          root.dataset.testLoss = String(r.testLoss);
          result.textContent = `${compareWithClaim(r.testAcc, program.claims)}测试损失 ${fmt(r.testLoss)}，${r.testSize} 个测试样本，${r.params.toLocaleString("en-US")} 个参数，用时 ${((performance.now() - t0) / 1000).toFixed(1)} 秒（${chosen}）。${note}`;
          root.dataset.state = "done";
          break;
        }
        const s: TrainStep = n.value;
        const x = s.epoch - 1 + s.batch / s.batches;
        history.push({x, value: s.loss, series: "训练损失", kind: "loss"}, {x, value: s.acc, series: "训练准确率", kind: "acc"});
        if (s.valLoss !== undefined) history.push({x, value: s.valLoss, series: "验证损失", kind: "loss"}, {x, value: s.valAcc!, series: "验证准确率", kind: "acc"});
        root.dataset.epochsDone = String(s.batch === s.batches ? s.epoch : s.epoch - 1);
        bar.value = x / s.epochs;
        status.textContent = `第 ${s.epoch}/${s.epochs} 轮 · 第 ${s.batch}/${s.batches} 批 · 损失 ${fmt(s.loss)} · 准确率 ${fmt(s.acc)}` +
          `${s.valAcc !== undefined ? ` · 验证准确率 ${fmt(s.valAcc)}` : ""} · ${Math.round(s.samplesPerSec).toLocaleString("zh-CN")} 样本/秒 · 剩余约 ${Math.ceil(s.etaSec)} 秒`;
        draw(s.batch === s.batches);
        if (s.batch === s.batches) root.dataset.state = "training";
      }
      if (my.signal.aborted && root.dataset.state !== "done" && ctl === my) {
        root.dataset.state = "stopped";
        status.textContent += "（已停止）";
      }
      draw(true);
    } catch (e) {
      if (my.signal.aborted) return;
      if (chosen && isBackendFailure(e) && nextBackend(chosen)) {
        const next = nextBackend(chosen)!;
        return start(next, `${chosen} 失败（${(e as Error).message}），已改用 ${next}。`);
      }
      showError(e);
    } finally {
      if (ctl === my) setRunning(false);
      pause?.resolve();
      pause = null;
      pauseBtn.textContent = "暂停";
    }
  };

  trainBtn.onclick = () => void start(picker.value as BackendName | "auto");
  stopBtn.onclick = () => {
    ctl?.abort();
    pause?.resolve();
  };
  pauseBtn.onclick = () => {
    if (pause) {
      pause.resolve();
      pause = null;
      pauseBtn.textContent = "暂停";
      root.dataset.state = "training";
    } else {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      pause = {promise, resolve};
      pauseBtn.textContent = "继续";
      root.dataset.state = "paused";
    }
  };
  if (params.autostart) queueMicrotask(() => void start(params.backend));
}

// ---------------------------------------------------------------------------------------------------------
// Chapter 004: the NumPy gradient descent, as written

function gdPanel(root: HTMLElement, program: NumpyGdProgram, params: Params, options: TrainingPanelOptions, showError: (e: unknown) => void): void {
  const seed = params.seed ?? options.seed ?? 42;
  root.append(
    h("h4", {class: "gb-train-title"}, `运行本章的 ${program.className}`),
    h("p", {class: "gb-train-model"},
      `θ ← θ − ${program.learningRate} · ${program.gradient === "sum" ? "Xᵀ(Xθ − y)" : "Xᵀ(Xθ − y)/n"}，${program.iterations} 次迭代（第 ${program.line} 行的 fit），` +
      `数据来自第 ${program.data.map((d) => d.line).join("、")} 行。`),
    notesList(program.notes)
  );
  const runBtn = h("button", {type: "button", class: "gb-train-start"}, "运行");
  const charts = h("div", {class: "gb-train-charts"});
  const result = h("p", {class: "gb-train-result"});
  root.append(h("div", {class: "gb-train-controls"}, runBtn, h("span", {class: "gb-train-badge"}, "纯 TypeScript（与 NumPy 同样的运算）")), charts, result);
  const run = () => {
    try {
      root.dataset.state = "training";
      const r = runNumpyGd(program, {seed, iterations: params.epochs ?? program.iterations});
      const cf = closedFormTheta(r.X, r.y);
      const xs = Array.from(r.X.data), ys = Array.from(r.y.data);
      const points = xs.map((x, i) => ({x, y: ys[i]}));
      const theta = r.theta[0];
      const w = Math.max(280, Math.min(640, (root.clientWidth || 640) / 2 - 12));
      const fit = Plot.plot({width: w, height: 240, x: {label: "x", domain: [0, 1]}, y: {label: "y", grid: true}, color: {legend: true},
        marks: [Plot.dot(points, {x: "x", y: "y", r: 2.5, fill: "currentColor", fillOpacity: 0.6}),
          Plot.line([{x: 0, y: 0, s: `y = ${theta.toFixed(3)}·x（θ，无偏置）`}, {x: 1, y: theta, s: `y = ${theta.toFixed(3)}·x（θ，无偏置）`}], {x: "x", y: "y", stroke: "s"}),
          Plot.line([{x: 0, y: 0.5, s: "y = 2x + 0.5（生成数据的直线）"}, {x: 1, y: 2.5, s: "y = 2x + 0.5（生成数据的直线）"}], {x: "x", y: "y", stroke: "s", strokeDasharray: "4 3"})]});
      const curves = r.mse.map((m, i) => ({i: i + 1, value: m, series: "½·mean((Xθ − y)²)"}))
        .concat(r.chapterLoss.map((m, i) => ({i: i + 1, value: m, series: `代码里的 loss = ${program.loss.formula}`})));
      const loss = Plot.plot({width: w, height: 240, x: {label: "迭代次数", type: "log"}, y: {label: "损失", grid: true}, color: {legend: true},
        marks: [Plot.line(curves, {x: "i", y: "value", stroke: "series"}), Plot.ruleY([0])]});
      charts.replaceChildren(fit, loss);
      root.dataset.theta = String(theta);
      root.dataset.thetaClosedForm = String(cf[0]);
      result.textContent = `${r.thetas.length - 1} 次迭代后 θ = ${theta.toFixed(4)}；最小二乘闭式解 Σxy/Σx² = ${cf[0].toFixed(4)}（差 ${Math.abs(theta - cf[0]).toExponential(1)}）。` +
        `均方误差 ½·mean((Xθ − y)²) = ${r.mse[r.mse.length - 1].toFixed(4)}；代码里的 loss 最后为 ${r.chapterLoss[r.chapterLoss.length - 1].toFixed(4)}。种子 ${seed}。`;
      root.dataset.state = "done";
    } catch (e) {
      showError(e);
    }
  };
  runBtn.onclick = run;
  if (params.autostart) queueMicrotask(run);
}
