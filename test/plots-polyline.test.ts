import {describe, expect, it} from "vitest";
import {polyline} from "../components/plots/polyline.js";

const build = (pts: [number, number][], o: Parameters<typeof polyline>[0]) => {
  const p = polyline(o);
  for (const [x, y] of pts) p.add(x, y);
  return {d: p.end(), count: p.count, last: p.last};
};

describe("polyline({near, flat, dots})", () => {
  it("writes every point when nothing is near: M, then L, rounded to 0.01 px", () => {
    expect(build([[0, 0], [10.123, 5], [20, 5.556]], {})).toEqual({d: "M0,0L10.12,5L20,5.56", count: 3, last: [20, 5.556]});
  });
  it("near: a converged tail collapses to its first point, and the last point fed is still written", () => {
    // 0 → 10, then 10.1, 10.2, 10.3 (all within 0.5 px of 10), then 10.4 is the end
    const r = build([[0, 0], [10, 0], [10.1, 0], [10.2, 0], [10.3, 0], [10.4, 0]], {near: 0.5});
    expect(r.d).toBe("M0,0L10,0L10.4,0");
    expect(r.count).toBe(3);
    // distance is measured from the last point written, so slow drift is still drawn every 0.5 px
    expect(build([[0, 0], [0.3, 0], [0.6, 0], [0.9, 0], [1.2, 0]], {near: 0.5}).d).toBe("M0,0L0.6,0L1.2,0");
  });
  it("near is Euclidean: 0.3 right and 0.4 down is 0.5 away (left out), 0.4 and 0.4 is 0.57 (kept)", () => {
    expect(build([[0, 0], [0.3, 0.4], [5, 5]], {near: 0.5}).d).toBe("M0,0L5,5");
    expect(build([[0, 0], [0.4, 0.4], [5, 5]], {near: 0.5}).d).toBe("M0,0L0.4,0.4L5,5");
  });
  it("straight: a run a straight line passes within 0.2 px of is written as its two ends", () => {
    // 100 → 50 is one segment; 50, 50.1, 49.9, 50.15 are within 0.2 px of the segment (1, 50)–(4, 50.15); then 30
    const r = build([[0, 100], [1, 50], [2, 50.1], [3, 49.9], [4, 50.15], [5, 30]], {straight: 0.2});
    expect(r.d).toBe("M0,100L1,50L4,50.15L5,30");
    // a steady fall (a converging loss on a log axis) is one segment
    expect(build([[0, 10], [1, 9.9], [2, 9.8], [3, 9.7], [4, 9.6]], {straight: 0.2}).d).toBe("M0,10L4,9.6");
    // a bend: (3, 2.5) is 0.25 px from (2, 2)–(4, 2.5), which passes 2.25 there; (2, 2) is 0.5 px off (0, 0)–(3, 2.5)
    expect(build([[0, 0], [1, 1], [2, 2], [3, 2.5], [4, 2.5]], {straight: 0.25}).d).toBe("M0,0L2,2L4,2.5");
    expect(build([[0, 0], [1, 1], [2, 2], [3, 2.5], [4, 2.5]], {straight: 0.2}).d).toBe("M0,0L2,2L3,2.5L4,2.5");
  });
  it("straight keeps every point left out within tolerance, on a sampled curve", () => {
    const pts: [number, number][] = Array.from({length: 500}, (_, k) => [k * 1.3, 200 - 180 * Math.exp(-k / 40) + 3 * Math.sin(k / 7)]);
    const r = build(pts, {straight: 0.25});
    const kept = [...r.d.matchAll(/[ML]([\d.-]+),([\d.-]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(kept.length).toBeLessThan(200);
    expect(kept.at(-1)).toEqual([648.7, +pts[499][1].toFixed(2)]);
    // every point is within 0.25 px (+ 0.01 of rounding) of the segment over its x
    let worst = 0;
    for (const [x, y] of pts) {
      const j = kept.findIndex(([kx]) => kx >= x - 1e-9);
      const [x1, y1] = kept[j], [x0, y0] = kept[Math.max(0, j - 1)];
      const at = x1 === x0 ? y1 : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
      worst = Math.max(worst, Math.abs(at - y));
    }
    expect(worst).toBeLessThanOrEqual(0.26);
  });
  it("dots: one zero-length segment per marker, markers within `near` of the last left out", () => {
    expect(build([[0, 0], [0.5, 0], [2, 0], [2.2, 0.2]], {near: 1, dots: true}).d).toBe("M0,0h0M2,0h0M2.2,0.2h0");
  });
  it("skips points that are not finite and says so", () => {
    const p = polyline();
    expect(p.add(1, 2)).toBe(true);
    expect(p.add(NaN, 2)).toBe(false);
    expect(p.add(3, Infinity)).toBe(false);
    expect(p.add(3, 4)).toBe(true);
    expect(p.end()).toBe("M1,2L3,4");
    expect(polyline().end()).toBe("");
  });
});
