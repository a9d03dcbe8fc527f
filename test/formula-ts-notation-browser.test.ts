/**
 * The formula runtime as the built book serves it (Chromium): the module the page imports computes the new notation
 * (cases, comparisons, ⌊⌋, erf, Φ, n!, diag), and the runtimeScript() text that module makes (what the sandbox gets)
 * defines the same functions with the same values, special.ts's functions included, when evaluated as plain script.
 */
import {existsSync, readdirSync} from "node:fs";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {type BookSession, startBook} from "./browser/harness.js";

let book: BookSession;
beforeAll(async () => {
  if (!existsSync("dist/index.html")) throw new Error("dist/ is missing: run npm run build first (npm test does)");
  book = await startBook("dist");
});
afterAll(async () => book?.close());

describe("the built formula runtime", () => {
  test("the module and its sandbox text give the same values for the new notation; no page error", async () => {
    const file = readdirSync("dist/_import/components/formula").find((f) => /^tsRuntime\.[0-9a-f]+\.js$/.test(f));
    expect(file, "dist holds the runtime module").toBeDefined();
    const {page, report} = await book.open("/");
    // As text: the test runner rewrites import() in a function it is given.
    const out = (await page.evaluate(`(async () => {
      const m = await import(${JSON.stringify(`/_import/components/formula/${file}`)});
      const probe = (R) => [
        R.cases([1, 2, 3], R.gt([1, 2, 3], 1.5), 0, 1),
        R.floor([-1.5, 2.5]),
        R.erfOf([0.5, -2]),
        R.Phi(0),
        R.factorialOf([0, 5]),
        R.diag([1, 2]),
        R.and([1, 0], [1, 1])
      ];
      return {module: probe(m), script: m.runtimeScript()};
    })()`)) as {module: unknown[]; script: string};
    // The page's CSP forbids eval (rightly): the text the page's module made is evaluated here, as the worker does.
    const names = ["cases", "gt", "floor", "erfOf", "Phi", "factorialOf", "diag", "and"];
    const R = new Function(`${out.script}\nreturn {${names.join(", ")}};`)() as Record<string, (...a: unknown[]) => unknown>;
    const sandbox = [R.cases([1, 2, 3], R.gt([1, 2, 3], 1.5), 0, 1), R.floor([-1.5, 2.5]), R.erfOf([0.5, -2]), R.Phi(0), R.factorialOf([0, 5]), R.diag([1, 2]), R.and([1, 0], [1, 1])];
    // By hand: cases picks x where x > 1.5 else 0; ⌊−1.5⌋ = −2; Φ(0) = ½; 5! = 120.
    expect(out.module[0]).toEqual([0, 2, 3]);
    expect(out.module[1]).toEqual([-2, 2]);
    expect((out.module[2] as number[])[0]).toBeCloseTo(0.5204998778130465, 14);
    expect(out.module[3]).toBe(0.5);
    expect(out.module[4]).toEqual([1, 120]);
    expect(out.module[5]).toEqual([[1, 0], [0, 2]]);
    expect(out.module[6]).toEqual([1, 0]);
    expect(sandbox).toEqual(out.module);
    expect(report.pageErrors).toEqual([]);
    expect(report.externalRequests).toEqual([]);
  });
});
