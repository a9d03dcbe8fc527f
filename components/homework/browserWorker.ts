/**
 * The page's homework Web Worker: QuickJS runs the tests against the reader's code, exactly as the grader does.
 * Bundled into one classic script by data/sandbox-worker.js.ts; the page starts a fresh one for every run.
 */
import {loadQuickJS} from "./quickjs.js";
import {runJobInQuickJS, type SandboxLimits} from "./sandbox.js";
import type {Job} from "./harness.js";

interface Request {
  nonce: string;
  job: Job;
  limits: Partial<SandboxLimits>;
}

const ready = loadQuickJS();
const scope = self as unknown as {onmessage: ((e: MessageEvent<Request>) => void) | null; postMessage(m: unknown): void};
scope.onmessage = async (e: MessageEvent<Request>) => {
  scope.onmessage = null;
  const {nonce, job, limits} = e.data;
  try {
    scope.postMessage({nonce, outcome: runJobInQuickJS(await ready, job, limits)});
  } catch (err) {
    scope.postMessage({nonce, outcome: {status: "crashed", error: `the sandbox failed: ${(err as Error)?.message ?? err}`, ms: 0}});
  }
};
