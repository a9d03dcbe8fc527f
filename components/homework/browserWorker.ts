/**
 * The page's homework Web Worker: QuickJS runs the tests against the reader's code, exactly as the grader does.
 * Bundled into one classic script by data/sandbox-worker.js.ts; the page starts a fresh one for every run.
 */
import {transform} from "sucrase";
import {loadQuickJS} from "./quickjs.js";
import {runJobInQuickJS, type SandboxLimits} from "./sandbox.js";
import type {Job} from "./harness.js";

interface Request {
  nonce: string;
  job: Job;
  limits: Partial<SandboxLimits>;
}

const ready = loadQuickJS();

/**
 * TypeScript is accepted as in the grader: types are stripped (sucrase keeps line numbers, so errors point at the
 * reader's lines). Code that does not parse is not run: the stripper's error and position are reported.
 */
export function stripTypes(code: string): {code: string; syntaxError?: {message: string; line: number; column?: number}} {
  try {
    return {code: transform(code, {transforms: ["typescript"], disableESTransforms: true}).code};
  } catch (e) {
    const message = String((e as Error)?.message ?? e);
    const at = message.match(/\((\d+):(\d+)\)\s*$/);
    return {code, syntaxError: {message: message.replace(/\s*\(\d+:\d+\)\s*$/, ""), line: at ? Number(at[1]) : 1, ...(at ? {column: Number(at[2])} : {})}};
  }
}
const scope = self as unknown as {onmessage: ((e: MessageEvent<Request>) => void) | null; postMessage(m: unknown): void};
scope.onmessage = async (e: MessageEvent<Request>) => {
  scope.onmessage = null;
  const {nonce, job, limits} = e.data;
  try {
    scope.postMessage({nonce, outcome: runJobInQuickJS(await ready, {...job, ...stripTypes(job.code)}, limits)});
  } catch (err) {
    scope.postMessage({nonce, outcome: {status: "crashed", error: `the sandbox failed: ${(err as Error)?.message ?? err}`, ms: 0}});
  }
};
