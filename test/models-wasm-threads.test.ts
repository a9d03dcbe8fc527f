/** wasm/threads.ts: when a page's Content-Security-Policy lets tfjs-backend-wasm's threaded binary start its blob: workers. */
import {describe, expect, test} from "vitest";
import {allowsBlobWorkers, threadsBlocked} from "../components/models/wasm/threads.js";

describe("allowsBlobWorkers", () => {
  const cases: [string[], boolean][] = [
    [[], true], // no policy
    [["img-src data:; style-src 'self'"], true], // nothing about scripts or workers
    [["default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'"], false], // the book's policy today
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
