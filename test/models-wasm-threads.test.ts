/** wasm/threads.ts: when a page's Content-Security-Policy lets tfjs-backend-wasm's threaded binary start its blob: workers. */
import {describe, expect, test} from "vitest";
import {wasmThreadCount} from "../components/models/backend.js";
import {allowsBlobWorkers, threadsBlocked} from "../components/models/wasm/threads.js";
import {policyFor} from "../scripts/csp.js";

describe("allowsBlobWorkers", () => {
  const cases: [string[], boolean][] = [
    [[], true], // no policy
    [["img-src data:; style-src 'self'"], true], // nothing about scripts or workers
    [["default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'"], false], // the book's policy until stop 21
    [["default-src 'self'; script-src 'self' 'wasm-unsafe-eval' blob:; worker-src 'self' blob:"], true],
    [["default-src 'self' blob:"], true], // both fall back to default-src
    [["default-src 'self'; script-src 'self' blob:"], true], // worker-src → child-src → script-src
    [["worker-src blob:; script-src 'self'"], false], // the worker could start but not import the module's blob: script
    [["script-src blob:; worker-src 'self'; child-src blob:"], false], // worker-src, not child-src, decides
    [["default-src *"], false], // * matches no blob: URL
    [["Worker-Src 'self' BLOB:; SCRIPT-SRC blob:"], true], // names and sources are case-insensitive
    [["script-src 'self' blob:; worker-src 'self' blob:", "worker-src 'self'"], false] // every policy must allow
  ];
  cases.forEach(([policies, want]) => {
    test(`${JSON.stringify(policies)} → ${want}`, () => expect(allowsBlobWorkers(policies)).toBe(want));
  });
  test("the book's own policy (scripts/csp.ts) lets the threads start", () => {
    expect(allowsBlobWorkers([policyFor("<html><head></head><body><script>1</script></body></html>")])).toBe(true);
  });
});

describe("wasmThreadCount", () => {
  test("every logical core, at most 8; 1 when the count is unknown", () => {
    expect([1, 2, 3, 4, 8, 12, 64].map(wasmThreadCount)).toEqual([1, 2, 3, 4, 8, 8, 8]);
    expect([0, NaN, -2, Infinity].map(wasmThreadCount)).toEqual([1, 1, 1, 1]);
  });
});

describe("threadsBlocked", () => {
  test("says why the threaded binary cannot run, or null", () => {
    expect(threadsBlocked({crossOriginIsolated: false, sharedArrayBuffer: true, policies: []})).toMatch(/not cross-origin isolated/);
    expect(threadsBlocked({crossOriginIsolated: true, sharedArrayBuffer: false, policies: []})).toMatch(/SharedArrayBuffer/);
    expect(threadsBlocked({crossOriginIsolated: true, sharedArrayBuffer: true, policies: ["worker-src 'self'"]})).toMatch(/Content-Security-Policy/);
    expect(threadsBlocked({crossOriginIsolated: true, sharedArrayBuffer: true, policies: ["worker-src blob:; script-src 'self' blob:"]})).toBeNull();
    expect(threadsBlocked({crossOriginIsolated: undefined, sharedArrayBuffer: true, policies: []})).toBeNull(); // an engine without the flag: tfjs decides
  });
});
