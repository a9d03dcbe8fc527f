/**
 * Runs homework jobs in QuickJS inside worker threads (Node). Used by the grader for students' submissions and by
 * the generator for authors' solutions: neither ever runs on the host's own JavaScript engine.
 *
 * Each worker runs one job at a time; a job that does not answer within its time limit (plus a start-up allowance)
 * has its worker terminated; a worker whose engine failed exits and is replaced. `runJobSync` blocks on
 * Atomics.wait for callers that are synchronous (the exercise parser).
 */
import {buildSync} from "esbuild";
import {fileURLToPath} from "node:url";
import {MessageChannel, receiveMessageOnPort, Worker} from "node:worker_threads";
import type {Job} from "../components/homework/harness.js";
import {DEFAULT_LIMITS, type SandboxLimits, type SandboxOutcome} from "../components/homework/sandbox.js";
import type {WorkerReply, WorkerRequest} from "./sandboxWorker.js";

/** Node threads get a large native stack so QuickJS's own limit (1 MB) always trips first. */
export const NODE_LIMITS: SandboxLimits = {...DEFAULT_LIMITS, stackKb: 1024};
const THREAD_STACK_MB = 64;
/** Time allowed on top of a job's limit for the worker to start and load QuickJS. */
const STARTUP_MS = 5000;

let bundled: string | undefined;

/** The worker's code: sandboxWorker.ts and QuickJS bundled into one CommonJS string (built once per process). */
function workerSource(): string {
  if (bundled) return bundled;
  const entry = fileURLToPath(new URL("./sandboxWorker.ts", import.meta.url));
  const out = buildSync({entryPoints: [entry], bundle: true, platform: "node", format: "cjs", target: "node20", write: false, logLevel: "silent"});
  bundled = out.outputFiles[0].text;
  return bundled;
}

function spawn(): Worker {
  const w = new Worker(workerSource(), {
    eval: true,
    resourceLimits: {stackSizeMb: THREAD_STACK_MB, maxOldGenerationSizeMb: 256},
    env: {},
    stdout: true,
    stderr: true
  });
  // What the engine prints (an abort message at most) is not read: the streams stay paused and hold no handle.
  w.unref();
  return w;
}

function limitsOf(limits: Partial<SandboxLimits>): SandboxLimits {
  return {...NODE_LIMITS, ...limits};
}

/** One worker thread that runs jobs one after another. */
export class SandboxWorker {
  private worker: Worker | undefined;
  private nextId = 1;

  private get thread(): Worker {
    if (!this.worker) {
      const w = spawn();
      w.on("exit", () => {
        if (this.worker === w) this.worker = undefined;
      });
      w.on("error", () => {
        if (this.worker === w) this.worker = undefined;
      });
      this.worker = w;
    }
    return this.worker;
  }

  private kill(): void {
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
  }

  /** Runs a job and waits for it synchronously. */
  runSync(job: Job, limits: Partial<SandboxLimits> = {}): SandboxOutcome {
    const lim = limitsOf(limits);
    const t0 = Date.now();
    const {port1, port2} = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const id = this.nextId++;
    try {
      const req: WorkerRequest = {id, job, limits: lim, port: port2 as unknown as MessagePort, flag};
      this.thread.postMessage(req, [port2 as never]);
      const waited = Atomics.wait(flag, 0, 0, lim.timeoutMs + STARTUP_MS);
      const msg = receiveMessageOnPort(port1)?.message as WorkerReply | undefined;
      if (waited === "timed-out" || !msg) {
        this.kill();
        return {status: "timeout", error: `stopped after the ${lim.timeoutMs} ms time limit`, ms: Date.now() - t0};
      }
      if (msg.outcome.fatal) this.worker = undefined; // it exits by itself
      return msg.outcome;
    } finally {
      port1.close();
      port2.close();
    }
  }

  /** Runs a job; resolves (never rejects) with its outcome. */
  run(job: Job, limits: Partial<SandboxLimits> = {}): Promise<SandboxOutcome> {
    const lim = limitsOf(limits);
    const t0 = Date.now();
    const id = this.nextId++;
    const w = this.thread;
    return new Promise((resolve) => {
      let settled = false;
      const done = (o: SandboxOutcome, kill = false) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        w.off("message", onMessage);
        w.off("exit", onExit);
        if (kill && this.worker === w) this.kill();
        resolve(o);
      };
      const onMessage = (m: WorkerReply) => {
        if (m.id !== id) return;
        if (m.outcome.fatal && this.worker === w) this.worker = undefined;
        done(m.outcome);
      };
      const onExit = (code: number) => done({status: "crashed", error: `the sandbox thread ended (exit code ${code})`, ms: Date.now() - t0});
      const timer = setTimeout(() => done({status: "timeout", error: `stopped after the ${lim.timeoutMs} ms time limit`, ms: Date.now() - t0}, true),
        lim.timeoutMs + STARTUP_MS);
      w.on("message", onMessage);
      w.on("exit", onExit);
      w.postMessage({id, job, limits: lim} satisfies WorkerRequest);
    });
  }

  close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    return w ? w.terminate().then(() => undefined) : Promise.resolve();
  }
}

let shared: SandboxWorker | undefined;

/** The process's shared worker, for synchronous checks (the generator's solution checks). */
export function runJobSync(job: Job, limits: Partial<SandboxLimits> = {}): SandboxOutcome {
  shared ??= new SandboxWorker();
  return shared.runSync(job, limits);
}

/** Runs async tasks over `n` workers; each task gets the worker of its lane. */
export async function withWorkers<T>(n: number, tasks: ((w: SandboxWorker) => Promise<T>)[]): Promise<T[]> {
  const lanes = Array.from({length: Math.max(1, Math.min(n, tasks.length))}, () => new SandboxWorker());
  const out: T[] = new Array(tasks.length);
  let next = 0;
  try {
    await Promise.all(lanes.map(async (w) => {
      while (next < tasks.length) {
        const i = next++;
        out[i] = await tasks[i](w);
      }
    }));
  } finally {
    await Promise.all(lanes.map((w) => w.close()));
  }
  return out;
}
