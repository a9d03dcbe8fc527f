/**
 * Runs the harness on a job in a Web Worker made from a Blob URL (no extra file in the static build). The worker
 * is fresh for each run and terminated afterwards, so an infinite loop or a memory bomb is stopped by the time
 * limit. Network and nesting APIs are removed from the worker's global before any student code runs.
 */
import {HARNESS_SOURCE, type Job, type RunResult, parseRunResult} from "./harness.js";

/** Globals a student's code must not reach from the worker. */
export const BLOCKED_GLOBALS = [
  "fetch", "XMLHttpRequest", "WebSocket", "WebSocketStream", "WebTransport", "EventSource", "importScripts", "Worker",
  "SharedWorker", "BroadcastChannel", "indexedDB", "caches", "postMessage", "navigator", "RTCPeerConnection"
];

export const WORKER_SOURCE = `"use strict";
(function () {
  var post = self.postMessage.bind(self);
  ${HARNESS_SOURCE}
  var blocked = ${JSON.stringify(BLOCKED_GLOBALS)};
  for (var i = 0; i < blocked.length; i++) {
    try { Object.defineProperty(self, blocked[i], {value: undefined, writable: false, configurable: false}); }
    catch (e) { try { self[blocked[i]] = undefined; } catch (e2) { /* not writable: stays as is */ } }
  }
  self.onmessage = function (e) {
    self.onmessage = null;
    var d = e.data, out;
    try { out = {nonce: d.nonce, ok: true, text: __gradbookRun(d.job)}; }
    catch (err) { out = {nonce: d.nonce, ok: false, message: String(err && err.message || err)}; }
    post(out);
  };
})();
`;

export interface BrowserOutcome {
  status: "ok" | "timeout" | "crashed";
  result?: RunResult;
  error?: string;
  ms: number;
}

let blobUrl: string | undefined;

function workerUrl(): string {
  blobUrl ??= URL.createObjectURL(new Blob([WORKER_SOURCE], {type: "text/javascript"}));
  return blobUrl;
}

/** Runs a job in a fresh worker; resolves (never rejects) with the result or why there is none. */
export function runInWorker(job: Job, {timeoutMs = 2000, signal}: {timeoutMs?: number; signal?: AbortSignal} = {}): Promise<BrowserOutcome> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(workerUrl());
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
    const timer = setTimeout(() => done({status: "timeout", error: `stopped after ${timeoutMs} ms: is there an infinite loop?`}), timeoutMs);
    worker.onmessage = (e: MessageEvent) => {
      const d = e.data as {nonce?: string; ok?: boolean; text?: string; message?: string};
      if (!d || d.nonce !== nonce) return; // not from the harness
      if (!d.ok) return done({status: "crashed", error: `the test harness failed: ${d.message}`});
      try {
        done({status: "ok", result: parseRunResult(d.text)});
      } catch (err) {
        done({status: "crashed", error: (err as Error).message});
      }
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      done({status: "crashed", error: `the worker stopped: ${e.message || "out of memory?"}`});
    };
    worker.postMessage({nonce, job: JSON.stringify(job)});
  });
}
