import {describe, expect, it} from "vitest";
import {animateSteps, plainNumber, texNumber, updateRuleTex} from "../components/widgets/Playground.js";
import {DEFAULT_HYPER} from "../components/math/optimizers/types.js";

describe("texNumber / plainNumber", () => {
  it("formats slider values for the substituted formulas", () => {
    expect(texNumber(0.01)).toBe("0.01");
    expect(texNumber(0.9)).toBe("0.9");
    expect(texNumber(1e-8)).toBe("10^{-8}");
    expect(texNumber(2.5e-5)).toBe("2.5 \\times 10^{-5}");
    expect(texNumber(0.0031623)).toBe("0.003162");
    expect(plainNumber(1e-8)).toBe("10⁻⁸");
    expect(plainNumber(2.5e-5)).toBe("2.5×10⁻⁵");
    expect(plainNumber(0.001)).toBe("0.001");
  });
});

describe("updateRuleTex(name, hyper)", () => {
  it("substitutes the current values", () => {
    const h = {...DEFAULT_HYPER, alpha: 0.05};
    expect(updateRuleTex("gd", h)).toBe("w_{t+1} = w_t - 0.05\\,\\nabla J(w_t)");
    expect(updateRuleTex("momentum", h)).toBe("z_{t+1} = 0.9\\,z_t + \\nabla J(w_t), \\quad w_{t+1} = w_t - 0.05\\,z_{t+1}");
    expect(updateRuleTex("adam", h)).toContain("\\sqrt{v_t/(1-0.999^t)} + 10^{-8}");
    expect(updateRuleTex("adam", h)).toContain("0.1\\,\\nabla J");
  });
  it("wraps numbers in \\htmlClass for in-place updates", () => {
    expect(updateRuleTex("gd", DEFAULT_HYPER, true)).toBe("w_{t+1} = w_t - \\htmlClass{gb-v-alpha}{0.01}\\,\\nabla J(w_t)");
  });
});

describe("animateSteps(from, to, perFrame, signal)", () => {
  it("yields from → to in perFrame strides, ending exactly at to", async () => {
    const seen: number[] = [];
    for await (const k of animateSteps(0, 10, 4)) seen.push(k);
    expect(seen).toEqual([0, 4, 8, 10]);
  });
  it("stops when the signal aborts", async () => {
    const ctl = new AbortController();
    const seen: number[] = [];
    for await (const k of animateSteps(0, 100, 1, ctl.signal)) {
      seen.push(k);
      if (k === 2) ctl.abort();
    }
    expect(seen).toEqual([0, 1, 2]);
  });
});
