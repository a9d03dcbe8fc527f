import {describe, expect, it} from "vitest";
import {decodeState, encodeState, formatNumber, readUrlState, withUrlState, type FieldSpec} from "../components/widgets/urlState.js";

const SCHEMA: Record<string, FieldSpec> = {
  surface: {type: "string", values: ["quadratic", "rosenbrock"]},
  alpha: {type: "number", min: 1e-5, max: 3},
  steps: {type: "number", min: 1, max: 2000, integer: true},
  start: {type: "numbers", length: 2},
  optimizers: {type: "strings", values: ["gd", "momentum", "adam"]}
};

describe("encodeState / decodeState", () => {
  it("writes a short, readable string", () => {
    expect(encodeState({surface: "rosenbrock", alpha: 0.001, steps: 500, start: [-1.5, 2.5], optimizers: ["gd", "adam"]})).toBe(
      "surface:rosenbrock;alpha:0.001;steps:500;start:-1.5,2.5;optimizers:gd,adam"
    );
  });
  it("numbers keep 6 significant digits", () => {
    expect(formatNumber(0.0123456789)).toBe("0.0123457");
    expect(formatNumber(1e-8)).toBe("1e-8");
    expect(() => formatNumber(NaN)).toThrow(/cannot store NaN/);
  });
  it("round-trips", () => {
    const s = {surface: "quadratic", alpha: 0.05, steps: 300, start: [0.25, -1], optimizers: ["momentum"]};
    expect(decodeState(encodeState(s), SCHEMA)).toEqual({state: s, errors: []});
  });
  it("skips bad fields with a message naming the field, keeps the good ones", () => {
    const {state, errors} = decodeState("alpha:abc;steps:2.5;start:1;optimizers:gd,sgd;surface:moon;beta:1;junk;steps:10", SCHEMA);
    expect(state).toEqual({steps: 10});
    expect(errors).toEqual([
      "已忽略 URL 设置 alpha=abc：不是数字",
      "已忽略 URL 设置 steps=2.5：不是整数",
      "已忽略 URL 设置 start=1：应为 2 个数",
      "已忽略 URL 设置 optimizers=gd,sgd：未知的 sgd（应为 gd, momentum, adam）",
      "已忽略 URL 设置 surface=moon：应为 quadratic, rosenbrock 之一",
      '已忽略 URL 设置 "beta"：未知（已知：surface, alpha, steps, start, optimizers）',
      '已忽略 URL 设置 "junk"：应为 key:value'
    ]);
  });
  it("rejects out-of-range numbers", () => {
    expect(decodeState("alpha:50", SCHEMA).errors).toEqual(["已忽略 URL 设置 alpha=50：超出 [0.00001, 3]"]);
  });
  it("refuses separators inside values when encoding", () => {
    expect(() => encodeState({surface: "a;b"})).toThrow(/contains one of/);
  });
});

describe("readUrlState / withUrlState", () => {
  it("reads the parameter from a search string", () => {
    expect(readUrlState("pg", "?x=1&pg=alpha%3A0.1%3Bsteps%3A5")).toBe("alpha:0.1;steps:5");
    expect(readUrlState("pg", "?x=1")).toBeNull();
  });
  it("sets the parameter and keeps others and the hash", () => {
    const href = withUrlState("http://127.0.0.1:3000/004/math?lang=zh#sec", "pg", "alpha:0.1;start:1,2");
    const url = new URL(href);
    expect(url.searchParams.get("lang")).toBe("zh");
    expect(url.searchParams.get("pg")).toBe("alpha:0.1;start:1,2");
    expect(url.hash).toBe("#sec");
  });
});
