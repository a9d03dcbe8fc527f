/**
 * Runs one homework job inside QuickJS (a JavaScript engine compiled to WebAssembly): the same engine and the same
 * code in the page's Web Worker and in the Node grader. No DOM, no Node, no tf.
 *
 * Two runtimes per job, each with its own heap, memory limit, stack limit and a shared deadline:
 * - the student runtime evaluates the submitted code and nothing else;
 * - the test runtime evaluates the harness, the exercise's tests and (for hidden suites) its reference.
 * They share no object. A test calls a student function through the host, which copies the arguments into the
 * student runtime and copies the result back (plain data, bounded in size and depth), so the student can neither
 * reach the harness, the reference or the test's inputs, nor patch the built-ins the tests use. Neither runtime has
 * any host API but a bounded console: no network, no files, no timers, no `import()`.
 */
import type {QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule} from "quickjs-emscripten-core";
import {HARNESS_SOURCE, type Job, type RunResult, parseRunResult} from "./harness.js";

export interface SandboxLimits {
  /** Wall-clock limit for the whole job, in ms. */
  timeoutMs: number;
  /** Heap limit of each runtime, in MB. */
  memoryMb: number;
  /** QuickJS's own stack limit, in KB (keep it well below the host thread's native stack). */
  stackKb: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {timeoutMs: 2000, memoryMb: 64, stackKb: 256};

export type SandboxStatus = "ok" | "timeout" | "memory" | "crashed";

export interface SandboxOutcome {
  status: SandboxStatus;
  result?: RunResult;
  /** Why there is no result (time limit, memory limit, an engine failure). */
  error?: string;
  /** True when the engine itself failed (a host exception crossed it): the module must not be reused. */
  fatal?: boolean;
  ms: number;
}

/** Values larger than this (elements and string characters together) are not copied between runtimes. */
const COPY_BUDGET = 2_000_000;
const COPY_DEPTH = 64;
const OUTPUT_LIMIT = 8000;
const NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A value that cannot cross, or an error thrown on the other side (its name and message travel with it). */
class CopyError extends Error {
  constructor(message: string, readonly errorName = "Error") {
    super(message);
  }
}

/** Where the student's code stopped: line and column in the submitted code, when the engine says. */
export interface CodeLocation {
  line: number;
  column?: number;
}

const STUDENT_FILE = "student.js";

/** Finds `student.js:L[:C]` in an error's stack. */
export function locateInStack(stack: string | undefined): CodeLocation | undefined {
  const m = stack?.match(/student\.js:(\d+)(?::(\d+))?/);
  return m ? {line: Number(m[1]), ...(m[2] ? {column: Number(m[2])} : {})} : undefined;
}

interface Session {
  deadline: number;
  outOfMemory: boolean;
  interrupted: boolean;
  /** A host exception raised inside the engine: the job is void and the module must be replaced. */
  hostFailure?: unknown;
  output: string[];
  outputSize: number;
  keep: QuickJSHandle[];
}

function newRuntime(QJ: QuickJSWASMModule, limits: SandboxLimits, session: Session): QuickJSRuntime {
  const rt = QJ.newRuntime();
  rt.setMemoryLimit(limits.memoryMb * 1024 * 1024);
  rt.setMaxStackSize(limits.stackKb * 1024);
  rt.setInterruptHandler(() => {
    if (Date.now() <= session.deadline) return false;
    session.interrupted = true;
    return true;
  });
  return rt;
}

/** Reads a thrown value as "Name: message" without trusting it (getters may throw; the deadline bounds them). */
function errorText(ctx: QuickJSContext, err: QuickJSHandle, session: Session): {text: string; name?: string; message?: string; stack?: string} {
  const str = (key: string): string | undefined => {
    const r = ctx.getProp(err, key);
    try {
      return ctx.typeof(r) === "string" ? ctx.getString(r).slice(0, 500) : undefined;
    } finally {
      r.dispose();
    }
  };
  let text: string;
  let stack: string | undefined;
  let name: string | undefined;
  let message: string | undefined;
  try {
    if (ctx.typeof(err) === "object" && !ctx.sameValue(err, ctx.null)) {
      name = str("name");
      message = str("message");
      stack = str("stack");
      text = message !== undefined ? `${name ? `${name}: ` : ""}${message}` : "threw an object";
    } else {
      const v = ctx.dump(err);
      text = `threw ${String(v).slice(0, 200)}`;
    }
  } catch {
    text = "threw a value that cannot be read";
  }
  if (/out of memory/i.test(text)) session.outOfMemory = true;
  if (/interrupted/i.test(text) && Date.now() > session.deadline) session.interrupted = true;
  return {text, name, message, stack};
}

function installConsole(ctx: QuickJSContext, session: Session): void {
  const con = ctx.newObject();
  const log = ctx.newFunction("log", (...args) => {
    const parts = args.map((a) => {
      const t = ctx.typeof(a);
      if (t === "string") return ctx.getString(a).slice(0, OUTPUT_LIMIT);
      if (t === "number") return String(ctx.getNumber(a));
      try {
        return String(JSON.stringify(ctx.dump(a)) ?? t).slice(0, 200);
      } catch {
        return `(${t})`;
      }
    });
    const line = parts.join(" ");
    if (session.outputSize < OUTPUT_LIMIT) session.output.push(line.slice(0, OUTPUT_LIMIT - session.outputSize));
    session.outputSize += line.length + 1;
  });
  for (const k of ["log", "info", "warn", "error", "debug"]) ctx.setProp(con, k, log);
  ctx.setProp(ctx.global, "console", con);
  log.dispose();
  con.dispose();
}

/**
 * Copies a value from one runtime to another: numbers, strings, booleans, null/undefined, arrays, typed arrays and
 * plain objects by value; functions as proxies that call back across (arguments and results copied again).
 */
class Bridge {
  private budget = COPY_BUDGET;
  constructor(private session: Session, private intrinsics: Map<QuickJSContext, Intrinsics>) {}

  /** Calls an intrinsic in `ctx`; an error it throws becomes a CopyError. */
  private call(ctx: QuickJSContext, fn: QuickJSHandle, ...args: QuickJSHandle[]): QuickJSHandle {
    const r = ctx.callFunction(fn, ctx.undefined, ...args);
    if (r.error) throw this.thrown(ctx, r.error);
    return r.value;
  }

  private test(ctx: QuickJSContext, fn: QuickJSHandle, h: QuickJSHandle): boolean {
    const r = ctx.callFunction(fn, ctx.undefined, h);
    if (r.error) {
      r.error.dispose();
      return false;
    }
    const v = ctx.typeof(r.value) === "boolean" && ctx.dump(r.value) === true;
    r.value.dispose();
    return v;
  }

  private spend(n: number): void {
    this.budget -= n;
    if (this.budget < 0) throw new CopyError(`a value too large to pass between your code and the tests (over ${COPY_BUDGET} elements)`);
  }

  copy(from: QuickJSContext, h: QuickJSHandle, to: QuickJSContext, depth = 0): QuickJSHandle {
    if (depth > COPY_DEPTH) throw new CopyError(`a value nested deeper than ${COPY_DEPTH} levels`);
    this.spend(1);
    const t = from.typeof(h);
    if (t === "number") return to.newNumber(from.getNumber(h));
    if (t === "string") {
      const s = from.getString(h);
      this.spend(s.length);
      return to.newString(s);
    }
    if (t === "boolean") return from.dump(h) === true ? to.true : to.false;
    if (t === "undefined" || t === "symbol") return to.undefined;
    if (t === "bigint") return to.newNumber(Number(from.getBigInt(h)));
    if (t === "function") return this.proxy(from, h, to);
    if (from.sameValue(h, from.null)) return to.null;
    const {isArray, isView, read, keys: keysOf} = this.intrinsics.get(from)!;
    const length = from.newString("length");
    let n: number | undefined;
    try {
      if (this.test(from, isArray, h) || this.test(from, isView, h)) {
        const len = this.call(from, read, h, length);
        n = from.typeof(len) === "number" ? from.getNumber(len) : 0;
        len.dispose();
      }
    } finally {
      length.dispose();
    }
    if (n !== undefined) {
      if (!(n >= 0 && n <= COPY_BUDGET)) throw new CopyError(`an array of length ${n}`);
      this.spend(n);
      const out = to.newArray();
      try {
        for (let i = 0; i < n; i++) this.copyEntry(from, read, h, i, to, out, depth);
      } catch (e) {
        out.dispose();
        throw e;
      }
      return out;
    }
    const out = to.newObject();
    try {
      const list = this.call(from, keysOf, h);
      const keys: string[] = [];
      try {
        const n = from.getLength(list) ?? 0;
        this.spend(n);
        for (let i = 0; i < n; i++) {
          const k = from.getProp(list, i); // a fresh array of strings made by Object.keys: no accessors
          keys.push(from.typeof(k) === "string" ? from.getString(k) : String(i));
          k.dispose();
        }
      } finally {
        list.dispose();
      }
      for (const key of keys) this.copyEntry(from, read, h, key, to, out, depth);
    } catch (e) {
      out.dispose();
      throw e;
    }
    return out;
  }

  /** Copies h[key] (read through the captured `read`, so accessors surface as errors) into out[key]. */
  private copyEntry(from: QuickJSContext, read: QuickJSHandle, h: QuickJSHandle, key: number | string, to: QuickJSContext, out: QuickJSHandle,
    depth: number): void {
    const keyHandle = typeof key === "number" ? from.newNumber(key) : from.newString(key);
    let item: QuickJSHandle;
    try {
      item = this.call(from, read, h, keyHandle);
    } finally {
      keyHandle.dispose();
    }
    try {
      const c = this.copy(from, item, to, depth + 1);
      to.setProp(out, key, c);
      c.dispose();
    } finally {
      item.dispose();
    }
  }

  private unreadable(to: QuickJSContext, why: string): QuickJSHandle {
    const o = to.newObject();
    const s = to.newString(`unreadable value: ${why}`);
    to.setProp(o, "unreadable", s);
    s.dispose();
    return o;
  }

  /** An error from `from`, as a host CopyError carrying its name, message and the line of the student's code. */
  thrown(from: QuickJSContext, err: QuickJSHandle): CopyError {
    const {text, name, message, stack} = errorText(from, err, this.session);
    err.dispose();
    const at = locateInStack(stack);
    const where = at ? ` (line ${at.line}${at.column ? `:${at.column}` : ""} of your code)` : "";
    return message !== undefined ? new CopyError(message + where, name || "Error") : new CopyError(text + where);
  }

  /** A function in `to` that calls `fn` (living in `from`) with copied arguments and returns a copied result. */
  proxy(from: QuickJSContext, fn: QuickJSHandle, to: QuickJSContext): QuickJSHandle {
    const target = fn.dup();
    this.session.keep.push(target);
    return to.newFunction("proxy", (...args) => {
      const inFrom: QuickJSHandle[] = [];
      try {
        for (const a of args) inFrom.push(this.copy(to, a, from));
        const r = from.callFunction(target, from.undefined, ...inFrom);
        if (r.error) throw this.thrown(from, r.error);
        try {
          return this.copy(from, r.value, to);
        } catch (e) {
          if (!(e instanceof CopyError)) throw e;
          // The call returned, but its value cannot be read: the tests see a value that matches nothing.
          return this.unreadable(to, e.message);
        } finally {
          r.value.dispose();
        }
      } catch (e) {
        if (!(e instanceof CopyError)) {
          // The engine itself failed under this call (e.g. the host's native stack ran out): nothing after it counts.
          this.session.hostFailure ??= e;
          throw e;
        }
        return {error: to.newError({name: e.errorName, message: e.message})};
      } finally {
        for (const h of inFrom) h.dispose();
      }
    });
  }
}

interface Intrinsics {
  isArray: QuickJSHandle;
  isView: QuickJSHandle;
  /** (o, k) => o[k], so a throwing getter or Proxy trap surfaces as an error of the call. */
  read: QuickJSHandle;
  /** o => the own enumerable string keys (Object.keys as it was before any other code ran). */
  keys: QuickJSHandle;
}

/** Captured before any other code runs in the context, so later changes to the globals do not reach them. */
function intrinsicsOf(ctx: QuickJSContext): Intrinsics {
  const arr = ctx.unwrapResult(ctx.evalCode(`(function () {
    var keys = Object.keys;
    return [Array.isArray, ArrayBuffer.isView, function (o, k) { return o[k]; }, function (o) { return keys(o); }];
  })()`, "intrinsics.js"));
  const [isArray, isView, read, keys] = [0, 1, 2, 3].map((i) => ctx.getProp(arr, i));
  arr.dispose();
  return {isArray, isView, read, keys};
}

/** Runs a job; never throws. `fatal` in the outcome means the module must be replaced. */
export function runJobInQuickJS(QJ: QuickJSWASMModule, job: Job, limits: Partial<SandboxLimits> = {}): SandboxOutcome {
  const lim = {...DEFAULT_LIMITS, ...limits};
  const t0 = Date.now();
  const session: Session = {deadline: t0 + lim.timeoutMs, outOfMemory: false, interrupted: false, output: [], outputSize: 0, keep: []};
  const ms = () => Date.now() - t0;
  const bad = job.exports.find((n) => !NAME.test(n));
  if (bad !== undefined) return {status: "crashed", error: `export name ${JSON.stringify(bad)} is not an identifier`, ms: ms()};
  const disposers: (() => void)[] = [];
  let outcome: SandboxOutcome;
  try {
    outcome = runIn();
    if (session.hostFailure !== undefined && outcome.status !== "timeout") {
      const m = (session.hostFailure as Error)?.message ?? String(session.hostFailure);
      outcome = {status: "crashed", error: `the sandbox stopped: ${m} (is the code nested or recursing too deeply?)`, fatal: true, ms: ms()};
    } else if (session.hostFailure !== undefined) outcome.fatal = true;
  } catch (e) {
    // A host exception crossed the engine (native stack exhausted, wasm trap): its state can no longer be trusted.
    outcome = {status: session.interrupted ? "timeout" : "crashed", error: `the sandbox stopped: ${(e as Error)?.message ?? String(e)}`, fatal: true, ms: ms()};
  }
  for (const d of disposers.reverse()) {
    try {
      d();
    } catch {
      outcome.fatal = true; // an engine that cannot be disposed cleanly is replaced by the caller
    }
  }
  return outcome;

  function runIn(): SandboxOutcome {
    const rtS = newRuntime(QJ, lim, session);
    disposers.push(() => rtS.dispose());
    const ctxS = rtS.newContext();
    disposers.push(() => ctxS.dispose());
    const rtT = newRuntime(QJ, lim, session);
    disposers.push(() => rtT.dispose());
    const ctxT = rtT.newContext();
    disposers.push(() => ctxT.dispose());
    const intrS = intrinsicsOf(ctxS);
    const intrT = intrinsicsOf(ctxT);
    disposers.push(() => [intrS, intrT].forEach((i) => Object.values(i).forEach((h: QuickJSHandle) => h.dispose())));
    // Handles kept alive by proxies are released before their contexts.
    disposers.push(() => session.keep.splice(0).forEach((h) => h.alive && h.dispose()));
    installConsole(ctxS, session);
    installConsole(ctxT, session);
    const bridge = new Bridge(session, new Map([[ctxS, intrS], [ctxT, intrT]]));

    // 1. The student's code, in its own runtime.
    let loaded = true;
    let loadError: string | undefined;
    let loadAt: CodeLocation | undefined;
    const ev = job.syntaxError ? undefined : ctxS.evalCode(job.code, STUDENT_FILE);
    if (job.syntaxError) {
      // The host's TypeScript stripper already found the code unreadable: report its error, run nothing.
      loaded = false;
      loadError = `SyntaxError: ${job.syntaxError.message}`;
      loadAt = {line: job.syntaxError.line, ...(job.syntaxError.column ? {column: job.syntaxError.column} : {})};
    } else if (ev!.error) {
      loaded = false;
      const {text, stack} = errorText(ctxS, ev!.error, session);
      loadError = text;
      loadAt = locateInStack(stack);
      ev!.error.dispose();
    } else ev!.value.dispose();
    if (session.interrupted) return {status: "timeout", error: `stopped after the ${lim.timeoutMs} ms time limit`, ms: ms()};

    // 2. What it defines, as the tests will see it.
    const student = ctxT.newObject();
    const exportsT = ctxT.newObject();
    const missing = ctxT.newArray();
    let nMissing = 0;
    for (const name of loaded ? job.exports : []) {
      const r = ctxS.evalCode(`typeof ${name} === "undefined" ? undefined : ${name}`, "exports.js");
      if (r.error) {
        r.error.dispose();
        const s = ctxT.newString(name);
        ctxT.setProp(missing, nMissing++, s);
        s.dispose();
        continue;
      }
      try {
        if (ctxS.typeof(r.value) === "undefined") {
          const s = ctxT.newString(name);
          ctxT.setProp(missing, nMissing++, s);
          s.dispose();
          continue;
        }
        let v: QuickJSHandle;
        try {
          v = bridge.copy(ctxS, r.value, ctxT);
        } catch (e) {
          if (!(e instanceof CopyError)) throw e;
          v = ctxT.undefined;
        }
        ctxT.setProp(exportsT, name, v);
        v.dispose();
      } finally {
        r.value.dispose();
      }
    }
    ctxT.setProp(student, "loaded", loaded ? ctxT.true : ctxT.false);
    if (loadError !== undefined) {
      const s = ctxT.newString(loadAt ? `line ${loadAt.line}${loadAt.column ? `:${loadAt.column}` : ""}: ${loadError}` : loadError);
      ctxT.setProp(student, "error", s);
      s.dispose();
    }
    ctxT.setProp(student, "missing", missing);
    ctxT.setProp(student, "exports", exportsT);
    ctxT.setProp(ctxT.global, "__student", student);
    [student, exportsT, missing].forEach((h) => h.dispose());

    // 3. The harness and the tests, in the other runtime.
    const h = ctxT.evalCode(HARNESS_SOURCE, "harness.js");
    if (h.error) {
      const {text} = errorText(ctxT, h.error, session);
      h.error.dispose();
      return {status: session.interrupted ? "timeout" : "crashed", error: `the test harness failed: ${text}`, ms: ms()};
    }
    h.value.dispose();
    const run = ctxT.getProp(ctxT.global, "__gradbookRun");
    const arg = ctxT.newString(JSON.stringify(job));
    const out = ctxT.callFunction(run, ctxT.undefined, arg);
    run.dispose();
    arg.dispose();
    if (session.interrupted) {
      (out.error ?? out.value).dispose();
      return {status: "timeout", error: `stopped after the ${lim.timeoutMs} ms time limit`, ms: ms()};
    }
    if (out.error) {
      const {text} = errorText(ctxT, out.error, session);
      out.error.dispose();
      if (session.outOfMemory) return {status: "memory", error: `stopped: used more than the ${lim.memoryMb} MB memory limit`, ms: ms()};
      return {status: "crashed", error: `the test harness failed: ${text}`, ms: ms()};
    }
    const text = ctxT.typeof(out.value) === "string" ? ctxT.getString(out.value) : undefined;
    out.value.dispose();
    const result = parseRunResult(text);
    if (loadAt) result.errorAt = loadAt;
    const printed = session.output.join("\n") + (session.outputSize > OUTPUT_LIMIT ? "\n… (output truncated)" : "");
    result.output = [result.output, printed].filter(Boolean).join("\n");
    if (session.outOfMemory) {
      return {status: "memory", result, error: `stopped: used more than the ${lim.memoryMb} MB memory limit`, ms: ms()};
    }
    return {status: "ok", result, ms: ms()};
  }
}
