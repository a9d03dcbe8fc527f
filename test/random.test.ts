import {describe, expect, test} from "vitest";
import {mulberry32, randn, uniformArray} from "../components/math/random.js";

describe("mulberry32(seed)", () => {
  test("is deterministic per seed and differs across seeds", () => {
    const a = mulberry32(42), b = mulberry32(42), c = mulberry32(43);
    const xa = [a(), a(), a()], xb = [b(), b(), b()], xc = [c(), c(), c()];
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });
  test("first value for seed 1 matches the reference algorithm", () => {
    // Reference: mulberry32 as published (bryc/code, PRNGs.md); seed 1 → 0.6270739405881613
    expect(mulberry32(1)()).toBeCloseTo(0.6270739405881613, 15);
  });
  test("uniform mean and normal moments over 20k draws", () => {
    const rng = mulberry32(7);
    const u = uniformArray(rng, 20000, 2, 4);
    const mean = u.reduce((s, x) => s + x, 0) / u.length;
    expect(mean).toBeGreaterThan(2.98);
    expect(mean).toBeLessThan(3.02);
    const z = Array.from({length: 20000}, () => randn(rng));
    const m = z.reduce((s, x) => s + x, 0) / z.length;
    const v = z.reduce((s, x) => s + (x - m) ** 2, 0) / z.length;
    expect(Math.abs(m)).toBeLessThan(0.03);
    expect(Math.abs(v - 1)).toBeLessThan(0.04);
  });
});
