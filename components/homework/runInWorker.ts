/**
 * Runs a homework job in a fresh Web Worker that holds QuickJS (components/homework/browserWorker.ts, served as
 * one same-origin script): the reader's code never runs on the page's own JavaScript engine, has no network, DOM
 * or storage, and is stopped by QuickJS's deadline and memory limit; the worker is terminated afterwards, and
 * by a hard timer should the engine itself not answer.
 */
import type {Job, RunResult} from "./harness.js";
import type {SandboxOutcome} from "./sandbox.js";

export interface BrowserOutcome {
  status: SandboxOutcome["status"];
  result?: RunResult;
  error?: string;
  ms: number;
}

/** Time allowed on top of the job's limit for the worker to start and compile QuickJS. */
const STARTUP_MS = 4000;

/** Runs a job in a fresh worker; resolves (never rejects) with the result or why there is none. */
export function runInWorker(job: Job, {workerUrl, timeoutMs = 2000, memoryMb = 64, signal}: {workerUrl: string; timeoutMs?: number; memoryMb?: number; signal?: AbortSignal}): Promise<BrowserOutcome> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(workerUrl);
    } catch (e) {
      resolve({status: "crashed", error: `cannot start a Web Worker: ${(e as Error).message}`, ms: 0});
      return;
    }
    const nonce = Math.random().toString(36).slice(2) + Date.now().toString(36);
    let settled = false;
    const done = (o: Omit<BrowserOutcome, "ms">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      worker.terminate();
      resolve({...o, ms: Math.round(performance.now() - t0)});
    };
    const onAbort = () => done({status: "crashed", error: "the run was cancelled"});
    signal?.addEventListener("abort", onAbort);
    const timer = setTimeout(() => done({status: "timeout", error: `stopped after ${timeoutMs} ms`}), timeoutMs + STARTUP_MS);
    worker.onmessage = (e: MessageEvent) => {
      const d = e.data as {nonce?: string; outcome?: SandboxOutcome};
      if (!d || d.nonce !== nonce || !d.outcome) return;
      const {status, result, error} = d.outcome;
      done({status, result, error});
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      done({status: "crashed", error: `the worker stopped: ${e.message || "out of memory?"}`});
    };
    worker.postMessage({nonce, job, limits: {timeoutMs, memoryMb}});
  });
}
