/**
 * Where a playground redraw's time goes (a tool, not a benchmark: `npx tsx bench/playground-profile.ts [dist]`):
 * the slider sweep of playground-frames.ts on the harness page (the composed widget) and, with a dist/ argument,
 * on that build's playground page, under Chromium's tracing and V8's sampling profiler. Prints per move the main
 * thread's time by trace event (script, style, layout, paint, GC, …; wall time, and the thread's CPU time, which
 * the machine's load does not inflate), how many paints and layout passes a move
 * costs, and the functions with the most self time. GB_PROFILE_FLAGS=widget opens the book page with the composed
 * widget's browser flags instead of the browser tests' (playground-book.ts).
 */
import {writeFileSync} from "node:fs";
import type {CDPSession, Page} from "playwright-core";
import {startBook} from "../test/browser/harness.js";
import {openWithWidgetFlags, playgroundPage, readyPlayground} from "./playground-book.js";
import {measureMoves} from "./playground-frames.js";
import {startPlaygroundHarness} from "./playground-harness.js";

const MOVES = Number(process.env.GB_PROFILE_MOVES ?? 60);
const CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8", "v8.gc", "blink", "cc"].join(",");

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** thread (CPU) time: unlike dur, it does not grow while the machine's other processes hold the cores */
  tdur?: number;
  tid: number;
  pid: number;
  args?: {name?: string; [k: string]: unknown};
}

async function traced(cdp: CDPSession, run: () => Promise<unknown>): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  cdp.on("Tracing.dataCollected", (e) => void events.push(...(e.value as unknown as TraceEvent[])));
  const done = new Promise<void>((ok) => cdp.once("Tracing.tracingComplete", () => ok()));
  await cdp.send("Tracing.start", {categories: CATEGORIES, transferMode: "ReportEvents"});
  await run();
  await cdp.send("Tracing.end");
  await done;
  return events;
}

/** The renderer main thread's events by name, per move: total and self time (the time no nested event covers). */
function summarize(events: TraceEvent[], moves: number): void {
  const main = events.find((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain");
  const own = events.filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === "X" && typeof e.dur === "number").sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const by = new Map<string, {ms: number; self: number; cpu: number; n: number}>();
  const stack: {e: TraceEvent; child: number}[] = [];
  const close = (until: number) => {
    while (stack.length && stack[stack.length - 1].e.ts + stack[stack.length - 1].e.dur! <= until) {
      const {e, child} = stack.pop()!;
      const s = by.get(e.name) ?? {ms: 0, self: 0, cpu: 0, n: 0};
      (s.ms += e.dur! / 1000), (s.self += (e.dur! - child) / 1000), (s.cpu += (e.tdur ?? e.dur!) / 1000), s.n++;
      by.set(e.name, s);
      if (stack.length) stack[stack.length - 1].child += e.dur!;
    }
  };
  for (const e of own) {
    close(e.ts);
    stack.push({e, child: 0});
  }
  close(Infinity);
  const rows = [...by].filter(([, s]) => s.self / moves >= 0.05).sort((a, b) => b[1].self - a[1].self).slice(0, 24);
  console.log(`  ${"event".padEnd(44)} ${"self".padStart(7)}    ${"total".padStart(7)}    ${"cpu".padStart(7)}    count`);
  const ms = (v: number) => `${(v / moves).toFixed(2).padStart(7)} ms`;
  for (const [name, s] of rows) console.log(`  ${name.slice(0, 44).padEnd(44)} ${ms(s.self)} ${ms(s.ms)} ${ms(s.cpu)} ${(s.n / moves).toFixed(2).padStart(6)} ×/move`);
}

async function profiled(cdp: CDPSession, run: () => Promise<unknown>): Promise<void> {
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", {interval: 100});
  await cdp.send("Profiler.start");
  await run();
  const {profile} = (await cdp.send("Profiler.stop")) as {profile: {nodes: {id: number; callFrame: {functionName: string; url: string; lineNumber: number}; hitCount: number; children?: number[]}[]; samples: number[]; timeDeltas: number[]}};
  const total = profile.samples.length;
  const ms = profile.timeDeltas.reduce((a, b) => a + b, 0) / 1000;
  const key = (f: {functionName: string; url: string; lineNumber: number}) => `${f.functionName || "(anonymous)"} ${f.url.replace(/^.*\//, "")}:${f.lineNumber + 1}`;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>(), inclusive = new Map<string, number>();
  // inclusive: each node's subtree, counted once per function on a stack (recursion not doubled)
  const walk = (id: number, onStack: Set<string>): number => {
    const n = byId.get(id)!;
    const k = key(n.callFrame);
    self.set(k, (self.get(k) ?? 0) + n.hitCount);
    const fresh = !onStack.has(k);
    if (fresh) onStack.add(k);
    let sum = n.hitCount;
    for (const c of n.children ?? []) sum += walk(c, onStack);
    if (fresh) onStack.delete(k), inclusive.set(k, (inclusive.get(k) ?? 0) + sum);
    return sum;
  };
  walk(profile.nodes[0].id, new Set());
  const line = (k: string, c: number) => console.log(`  ${((100 * c) / total).toFixed(1).padStart(5)} %  ${((ms * c) / total / (MOVES + 20)).toFixed(2).padStart(6)} ms/move  ${k}`);
  console.log("  self:");
  for (const [k, c] of [...self].filter(([k]) => !/^\((idle|program|root)\)/.test(k)).sort((a, b) => b[1] - a[1]).slice(0, 20)) line(k, c);
  console.log("  inclusive:");
  for (const [k, c] of [...inclusive].filter(([k]) => !/^\((idle|program|root)\)/.test(k)).sort((a, b) => b[1] - a[1]).slice(0, 30)) line(k, c);
}

async function profilePage(label: string, page: Page, root: string): Promise<void> {
  // GB_PROFILE_CSS: a style sheet added first (to try a change without a build)
  if (process.env.GB_PROFILE_CSS) await page.addStyleTag({content: process.env.GB_PROFILE_CSS});
  const cdp = await page.context().newCDPSession(page);
  await measureMoves(page, {root, moves: 20});
  console.log(`\n${label}: trace, main thread, per move (${MOVES} moves)`);
  const events = await traced(cdp, () => measureMoves(page, {root, moves: MOVES}));
  if (process.env.GB_PROFILE_TRACE) writeFileSync(`${process.env.GB_PROFILE_TRACE}-${label.replace(/\W+/g, "_")}.json`, JSON.stringify(events));
  summarize(events, MOVES + 20);
  console.log(`\n${label}: self time by function`);
  if (!process.env.GB_PROFILE_NO_CPU) await profiled(cdp, () => measureMoves(page, {root, moves: MOVES}));
}

const hz = await startPlaygroundHarness();
try {
  const {page} = await hz.open();
  await page.evaluate(() => {
    const gb = (window as any).gb;
    const builtin = (id: string) => ({id, title: id, line: null, builtin: id, params: ["x", "y"], labels: ["x", "y"], bindings: {}, start: []});
    const spec = {surfaces: [builtin("quadratic"), builtin("rosenbrock")], rules: [], claims: [],
      defaults: {alpha: 0.01, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-8, gamma: 0.9, rho: 0.9, lambda: 0.01, steps: 500}};
    const box = document.getElementById("root")!;
    box.style.width = "720px";
    box.append(gb.Playground(spec));
  });
  await profilePage("harness (composed widget)", page, "#root");
} finally {
  await hz.close();
}

const dist = process.argv[2];
if (dist) {
  const path = playgroundPage(dist);
  if (!path) throw new Error(`no playground page in ${dist}`);
  // GB_PROFILE_FLAGS=widget: the composed widget's browser flags (no SwiftShader GPU; playground-book.ts)
  const widget = process.env.GB_PROFILE_FLAGS === "widget";
  const book = widget ? null : await startBook(dist);
  const opened = book ? {...(await book.open(path)), close: () => book.close()} : await openWithWidgetFlags(dist, path);
  try {
    await readyPlayground(opened.page);
    await profilePage(`book page ${path}${widget ? " (widget flags)" : ""}`, opened.page, "body");
  } finally {
    await opened.close();
  }
}
