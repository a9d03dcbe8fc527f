import {spawnSync} from "node:child_process";
import {describe, expect, test} from "vitest";

function check(...args: string[]) {
  const r = spawnSync("node_modules/.bin/tsx", ["scripts/check.ts", ...args], {encoding: "utf-8"});
  return {code: r.status, out: r.stdout + r.stderr};
}

describe("npm run check", () => {
  test("the seeds pass with warnings only, each as file:line", () => {
    const {code, out} = check();
    expect(code).toBe(0);
    expect(out).toContain("chapters/000_69b8ff2c9c828ca6.md:280: warning: section number 9 is used twice");
    expect(out).toContain("chapters/001_b326668aebc6c65c.md:25: warning: external image");
    expect(out).toContain("chapters/004_9a3e3b6a632ac337.md:275: warning: removed model chat token <|im_sep|>");
    expect(out).toMatch(/5 chapters, 55 section pages: 0 errors, \d+ warnings/);
  }, 60_000);
  test("a directory with broken chapters exits 1 and names every error's line", () => {
    const {code, out} = check("test/input");
    expect(code).toBe(1);
    for (const line of [15, 19, 25, 30]) expect(out).toMatch(new RegExp(`test/input/bad-input\\.md:${line}: error:`));
  }, 60_000);
});
