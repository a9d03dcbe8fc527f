/**
 * Runs the shared harness in Node: in-process in a fresh `vm` context (for checking an author's solution at
 * generation time), or isolated in a `worker_threads` worker with time and memory limits (for grading students).
 */
import {runInContext, createContext} from "node:vm";
import {Worker} from "node:worker_threads";
import {HARNESS_SOURCE, type Job, type RunResult, parseRunResult} from "../../components/homework/harness.js";

/** A fresh context whose global has no prototype from this realm: no `process`, no `require`, no `import()`. */
function freshContext() {
  return createContext(Object.create(null), {codeGeneration: {strings: true, wasm: false}, microtaskMode: "afterEvaluate"});
}

/** Runs a job synchronously in a vm context (trusted author code; the timeout still stops an infinite loop). */
export function runJobInVm(job: Job, timeoutMs = 2000): RunResult {
  const ctx = freshContext();
  runInContext(HARNESS_SOURCE, ctx, {timeout: timeoutMs});
  const out = runInContext(`__gradbookRun(${JSON.stringify(JSON.stringify(job))})`, ctx, {timeout: timeoutMs});
  return parseRunResult(out);
}

export interface IsolatedOutcome {
  result?: RunResult;
  /** Why there is no result: time limit, memory limit, the code ended the worker, a harness failure. */
  error?: string;
  status: "ok" | "timeout" | "memory" | "crashed";
  ms: number;
}

export interface IsolationLimits {
  /** Wall-clock limit for one job, in ms (default 2000). */
  timeoutMs?: number;
  /** V8 old-generation heap limit, in MB (default 128). */
  memoryMb?: number;
}

// CommonJS worker body (eval: true). The job arrives as a string and runs inside a vm context with a timeout.
const WORKER_SOURCE = `
const {parentPort, workerData} = require("node:worker_threads");
const vm = require("node:vm");
// A rejected promise left behind by student code (e.g. a refused import()) must not decide the outcome by timing.
process.on("unhandledRejection", () => {});
const ctx = vm.createContext(Object.create(null), {codeGeneration: {strings: true, wasm: false}, microtaskMode: "afterEvaluate"});
let out;
try {
  vm.runInContext(workerData.harness, ctx, {timeout: workerData.timeoutMs});
  const text = vm.runInContext("__gradbookRun(" + JSON.stringify(workerData.job) + ")", ctx, {timeout: workerData.timeoutMs});
  out = {ok: true, text: typeof text === "string" ? text : null};
} catch (e) {
  const timedOut = e && e.code === "ERR_SCRIPT_EXECUTION_TIMEOUT";
  out = {ok: false, timedOut, message: String(e && e.message || e)};
}
parentPort.postMessage(out);
`;

/** Runs a job in its own worker thread; never rejects. */
export function runJobIsolated(job: Job, limits: IsolationLimits = {}): Promise<IsolatedOutcome> {
  const timeoutMs = limits.timeoutMs ?? 2000;
  const memoryMb = limits.memoryMb ?? 128;
  const t0 = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: Omit<IsolatedOutcome, "ms">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve({...o, ms: Math.round(performance.now() - t0)});
    };
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {harness: HARNESS_SOURCE, job: JSON.stringify(job), timeoutMs},
      resourceLimits: {maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: 32, codeRangeSizeMb: 16, stackSizeMb: 4},
      stdout: true,
      stderr: true,
      env: {}
    });
    // Drain the worker's stdio so a chatty submission cannot block it or flood the grader's terminal.
    worker.stdout.resume();
    worker.stderr.resume();
    // The vm timeout stops synchronous loops; this one also covers start-up, GC thrash and anything else.
    const timer = setTimeout(() => done({status: "timeout", error: `stopped after the ${timeoutMs} ms time limit`}), timeoutMs + 1000);
    worker.on("message", (m: {ok: boolean; text?: string | null; timedOut?: boolean; message?: string}) => {
      if (m.ok) {
        try {
          done({status: "ok", result: parseRunResult(m.text)});
        } catch (e) {
          done({status: "crashed", error: (e as Error).message});
        }
      } else if (m.timedOut) done({status: "timeout", error: `stopped after the ${timeoutMs} ms time limit`});
      else done({status: "crashed", error: `the harness failed: ${m.message}`});
    });
    worker.on("error", (e: Error & {code?: string}) => {
      if (e.code === "ERR_WORKER_OUT_OF_MEMORY") done({status: "memory", error: `stopped: used more than the ${memoryMb} MB memory limit`});
      else done({status: "crashed", error: `the worker failed: ${e.message}`});
    });
    worker.on("exit", (code) => done({status: "crashed", error: `the code ended its worker (exit code ${code}) before the tests finished`}));
  });
}
