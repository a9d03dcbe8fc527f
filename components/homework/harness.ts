/**
 * The test harness that runs an exercise's tests against a student's code. It is plain JavaScript kept as a
 * string and runs inside QuickJS (./sandbox.ts), in the test runtime, apart from the student's runtime: the same
 * text in the page's Web Worker and in the Node grader. No DOM, no tf, no imports.
 *
 * Evaluating HARNESS_SOURCE defines one global function, `__gradbookRun(jobJson) → resultJson`. It reads what the
 * student's code defines from the global `__student` ({loaded, error, missing, exports}) the host puts there. The
 * student's code never runs in this runtime, so it cannot patch the built-ins, the harness or the reference.
 *
 * Test code sees: test(name, fn, weight = 1), assert(cond, msg), assertEqual(actual, expected, msg),
 * assertClose(actual, expected, tol = 1e-6, msg), assertAllClose(actual, expected, tol = 1e-6, msg),
 * assertThrows(fn, msg), mulberry32(seed), randn(rng), randArray(rng, n, lo = -1, hi = 1),
 * randMatrix(rng, rows, cols, lo = -1, hi = 1), numericGrad(f, x, h = 1e-5), seed, and the names the exercise
 * exports (the student's functions). Hidden suites also see the exercise's reference code.
 */

/** One suite of tests: the visible ones ship to the page, the hidden ones only reach the grader. */
export interface JobSuite {
  hidden: boolean;
  code: string;
}

/** What the harness runs: student code, the names it must define, the tests. */
export interface Job {
  code: string;
  exports: string[];
  seed: number;
  suites: JobSuite[];
  /** Reference implementations, prepended to hidden suites only. */
  reference?: string;
  /** Tests that trivial code (the starter, a constant, the identity…) also passes: reported, worth no points. */
  unscored?: string[];
  /** Set when stripping TypeScript already failed: the code is not run and this is its error. */
  syntaxError?: {message: string; line: number; column?: number};
}

export interface TestResult {
  name: string;
  weight: number;
  hidden: boolean;
  passed: boolean;
  message: string;
  /** Trivial code passes it too, so it is worth no points (its weight is 0). */
  unscored?: boolean;
}

export interface RunResult {
  /** False when the student code did not compile or threw while loading. */
  loaded: boolean;
  error?: string;
  /** Exported names the student code does not define. */
  missing: string[];
  tests: TestResult[];
  /** What the student code printed with console.log (truncated). */
  output: string;
  /** Where the code failed to load (line and column in the submitted code), when the engine says. */
  errorAt?: {line: number; column?: number};
}

export const HARNESS_SOURCE = String.raw`
var __gradbookRun = (function () {
  "use strict";
  var G = (function () { return this; })() || globalThis;
  var stringify = JSON.stringify, parseJson = JSON.parse, isArray = Array.isArray, freeze = Object.freeze;
  var getProto = Object.getPrototypeOf, ownNames = Object.getOwnPropertyNames, numIsFinite = Number.isFinite;
  var abs = Math.abs, mmax = Math.max, sqrt = Math.sqrt, mlog = Math.log, mcos = Math.cos, PI = Math.PI, imul = Math.imul;
  var FunctionCtor = Function, StringCtor = String, ObjectIs = Object.is;
  var OUTPUT_LIMIT = 8000;

  function mulberry32(s) {
    var a = s >>> 0;
    return function () {
      a = (a + 0x6d2b79f5) >>> 0;
      var t = a;
      t = imul(t ^ (t >>> 15), t | 1);
      t ^= t + imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  function randn(rng) {
    var u = 0;
    while (u === 0) u = rng();
    var v = rng();
    return sqrt(-2 * mlog(u)) * mcos(2 * PI * v);
  }
  function randArray(rng, n, lo, hi) {
    if (lo === undefined) lo = -1;
    if (hi === undefined) hi = 1;
    var out = [];
    for (var i = 0; i < n; i++) out[i] = lo + (hi - lo) * rng();
    return out;
  }
  function randMatrix(rng, rows, cols, lo, hi) {
    var out = [];
    for (var i = 0; i < rows; i++) out[i] = randArray(rng, cols, lo, hi);
    return out;
  }

  function Failure(message) { this.message = message; }
  function fail(msg, detail) { throw new Failure((msg ? msg + ": " : "") + detail); }
  function show(v) {
    try {
      if (typeof v === "number") return StringCtor(v);
      if (typeof v === "function") return "a function";
      if (v === undefined) return "undefined";
      var s = stringify(v);
      if (s === undefined) return typeof v;
      return s.length > 200 ? s.slice(0, 200) + "…" : s;
    } catch (e) {
      return "(" + typeof v + ")";
    }
  }
  function safeMessage(e) {
    try {
      if (e instanceof Failure) return e.message;
      if (e !== null && typeof e === "object") {
        var name = e.name, message = e.message;
        if (typeof message === "string") return (typeof name === "string" ? name + ": " : "") + message;
      }
      return "threw " + show(e);
    } catch (e2) {
      return "threw an object whose properties throw";
    }
  }
  function close(a, e, tol) {
    return abs(a - e) <= tol * mmax(1, abs(e));
  }
  function assert(cond, msg) {
    if (cond !== true) fail(msg, "expected true, got " + show(cond));
  }
  function assertEqual(actual, expected, msg) {
    if (!ObjectIs(actual, expected)) fail(msg, "expected " + show(expected) + ", got " + show(actual));
  }
  function assertClose(actual, expected, tol, msg) {
    if (tol === undefined) tol = 1e-6;
    if (typeof actual !== "number") fail(msg, "expected a number close to " + show(expected) + ", got " + show(actual));
    if (!numIsFinite(actual) && !ObjectIs(actual, expected)) fail(msg, "expected " + show(expected) + ", got " + show(actual));
    if (!close(actual, expected, tol)) fail(msg, "expected " + show(expected) + " (±" + tol + "), got " + show(actual));
  }
  function allClose(actual, expected, tol, msg, path) {
    if (isArray(expected) || (expected && typeof expected === "object" && typeof expected.length === "number")) {
      var isArr = isArray(actual) || (actual !== null && typeof actual === "object" && typeof actual.length === "number" && typeof actual !== "string");
      if (!isArr) fail(msg, "at " + (path || "top") + ": expected an array of length " + expected.length + ", got " + show(actual));
      var n = actual.length;
      if (n !== expected.length) fail(msg, "at " + (path || "top") + ": expected length " + expected.length + ", got " + n);
      for (var i = 0; i < n; i++) allClose(actual[i], expected[i], tol, msg, (path || "") + "[" + i + "]");
      return;
    }
    if (typeof actual !== "number" || !(close(actual, expected, tol) || ObjectIs(actual, expected)))
      fail(msg, "at " + (path || "top") + ": expected " + show(expected) + " (±" + tol + "), got " + show(actual));
  }
  function assertAllClose(actual, expected, tol, msg) {
    allClose(actual, expected, tol === undefined ? 1e-6 : tol, msg, "");
  }
  function assertThrows(fn, msg) {
    var threw = false;
    try { fn(); } catch (e) { threw = true; }
    if (!threw) fail(msg, "expected an error to be thrown");
  }
  function numericGrad(f, x, h) {
    if (h === undefined) h = 1e-5;
    var g = [];
    for (var i = 0; i < x.length; i++) {
      var xp = x.slice(), xm = x.slice();
      xp[i] += h;
      xm[i] -= h;
      g[i] = (f(xp) - f(xm)) / (2 * h);
    }
    return g;
  }

  function freezeIntrinsics() {
    var roots = [Object, Object.prototype, Array, Array.prototype, Function, Function.prototype, Number, Number.prototype,
      String, String.prototype, Boolean.prototype, Math, JSON, Reflect, Symbol, Symbol.prototype, Map.prototype,
      Set.prototype, Promise, Promise.prototype, getProto(Float64Array.prototype), getProto(Float64Array), Float64Array.prototype,
      Float32Array.prototype, Int32Array.prototype, Uint8Array.prototype, RegExp.prototype, Date.prototype];
    for (var i = 0; i < roots.length; i++) {
      try { freeze(roots[i]); } catch (e) { /* already frozen or exotic */ }
    }
  }

  return function run(jobJson) {
    var job = parseJson(jobJson);
    var logs = [];
    var logSize = 0;
    function log() {
      var parts = [];
      for (var i = 0; i < arguments.length; i++) parts[i] = typeof arguments[i] === "string" ? arguments[i] : show(arguments[i]);
      var line = parts.join(" ");
      if (logSize < OUTPUT_LIMIT) logs.push(line.slice(0, OUTPUT_LIMIT - logSize));
      logSize += line.length + 1;
    }
    var fakeConsole = freeze({log: log, info: log, warn: log, error: log, debug: log});
    var result = {loaded: false, missing: [], tests: [], output: ""};
    freezeIntrinsics();

    // The student's code ran in another runtime; the host left what it defines here (functions are proxies that
    // copy their arguments and results across), then this harness takes it and removes the global.
    var st = G.__student;
    try { delete G.__student; } catch (e) { /* not configurable: harmless */ }
    var names = job.exports;
    var ns = st && st.exports;
    var unscored = isArray(job.unscored) ? job.unscored : [];
    result.loaded = !!(st && st.loaded === true);
    if (!result.loaded) result.error = st && typeof st.error === "string" ? st.error : "the code did not load";
    if (result.loaded && st.missing) for (var k = 0; k < st.missing.length; k++) result.missing.push(StringCtor(st.missing[k]));

    var api = {
      assert: assert, assertEqual: assertEqual, assertClose: assertClose, assertAllClose: assertAllClose,
      assertThrows: assertThrows, mulberry32: mulberry32, randn: randn, randArray: randArray, randMatrix: randMatrix,
      numericGrad: numericGrad, seed: job.seed, console: fakeConsole
    };
    var apiNames = ["assert", "assertEqual", "assertClose", "assertAllClose", "assertThrows", "mulberry32", "randn", "randArray", "randMatrix", "numericGrad", "seed", "console"];
    for (var s = 0; s < job.suites.length; s++) {
      var suite = job.suites[s];
      var registered = [];
      var test = function (name, fn, weight) {
        registered.push({name: StringCtor(name), fn: fn, weight: weight === undefined ? 1 : weight});
      };
      var params = ["test"].concat(apiNames, names);
      var args = [test];
      for (var a = 0; a < apiNames.length; a++) args.push(api[apiNames[a]]);
      for (var b = 0; b < names.length; b++) args.push(ns ? ns[names[b]] : undefined);
      var body = "\"use strict\";\n" + (suite.hidden && job.reference ? job.reference + "\n" : "") + suite.code;
      try {
        new FunctionCtor(params.join(","), body).apply(undefined, args);
      } catch (e) {
        result.tests.push({name: suite.hidden ? "hidden tests" : "tests", weight: 1, hidden: suite.hidden, passed: false,
          message: "the test code itself failed to load: " + safeMessage(e)});
        continue;
      }
      for (var t = 0; t < registered.length; t++) {
        var r = registered[t];
        var entry = {name: r.name, weight: r.weight, hidden: suite.hidden, passed: false, message: ""};
        if (unscored.indexOf(r.name) >= 0) { entry.weight = 0; entry.unscored = true; }
        if (!result.loaded) entry.message = "your code did not run: " + result.error;
        else {
          try {
            var v = r.fn();
            if (v && typeof v.then === "function") entry.message = "tests must be synchronous";
            else { entry.passed = true; entry.message = "ok"; }
          } catch (e) {
            entry.message = safeMessage(e);
          }
        }
        result.tests.push(entry);
      }
    }
    result.output = logs.join("\n") + (logSize > OUTPUT_LIMIT ? "\n… (output truncated)" : "");
    return stringify(result);
  };
})();
`;

/** Parses what `__gradbookRun` returned, checking its shape (the text crossed a sandbox boundary). */
export function parseRunResult(text: unknown): RunResult {
  if (typeof text !== "string") throw new Error(`harness returned ${typeof text}, expected a JSON string`);
  const raw = JSON.parse(text) as Partial<RunResult>;
  if (!raw || typeof raw.loaded !== "boolean" || !Array.isArray(raw.tests) || !Array.isArray(raw.missing)) {
    throw new Error("harness returned a malformed result");
  }
  return {
    loaded: raw.loaded,
    error: typeof raw.error === "string" ? raw.error : undefined,
    missing: raw.missing.map(String),
    output: typeof raw.output === "string" ? raw.output : "",
    tests: raw.tests.map((t) => ({
      name: String(t.name),
      weight: typeof t.weight === "number" && Number.isFinite(t.weight) && t.weight >= 0 ? t.weight : 0,
      hidden: t.hidden === true,
      passed: t.passed === true,
      message: String(t.message ?? ""),
      ...(t.unscored === true ? {unscored: true} : {})
    }))
  };
}
