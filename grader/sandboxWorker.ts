/**
 * The body of a grader worker thread: QuickJS in its own thread with a large native stack, so the engine's own
 * stack limit always trips first. Jobs arrive as messages; an engine failure ends the thread (the pool starts a
 * fresh one). Bundled by ./sandbox.ts with esbuild and started with `eval: true`.
 */
import {parentPort} from "node:worker_threads";
import {loadQuickJS} from "../components/homework/quickjs.js";
import {runJobInQuickJS, type SandboxLimits, type SandboxOutcome} from "../components/homework/sandbox.js";
import type {Job} from "../components/homework/harness.js";

export interface WorkerRequest {
  id: number;
  job: Job;
  limits: SandboxLimits;
  /** Sync mode: the answer also goes to this port, then flag[0] is set to 1 and notified. */
  port?: MessagePort;
  flag?: Int32Array;
}

export interface WorkerReply {
  id: number;
  outcome: SandboxOutcome;
}

const ready = loadQuickJS();
parentPort!.on("message", async (req: WorkerRequest) => {
  let outcome: SandboxOutcome;
  try {
    outcome = runJobInQuickJS(await ready, req.job, req.limits);
  } catch (e) {
    outcome = {status: "crashed", error: `the sandbox failed: ${(e as Error).message}`, fatal: true, ms: 0};
  }
  const reply: WorkerReply = {id: req.id, outcome};
  if (req.port && req.flag) {
    req.port.postMessage(reply);
    Atomics.store(req.flag, 0, 1);
    Atomics.notify(req.flag, 0);
  } else parentPort!.postMessage(reply);
  if (outcome.fatal) process.exit(70);
});
