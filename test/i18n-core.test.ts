import {afterEach, describe, expect, it} from "vitest";
import {format, messages, setLanguage, toLang} from "../components/i18n/index.js";

describe("i18n core", () => {
  afterEach(() => setLanguage("zh-CN"));
  const t = messages<"steps" | "stop">({"zh-CN": {steps: "{n} 步", stop: "停止"}, en: {steps: "{n} steps", stop: "Stop"}});
  it("formats in the language set", () => {
    expect(t("steps", {n: 3})).toBe("3 步");
    setLanguage("en");
    expect(t("steps", {n: 3})).toBe("3 steps");
    expect(t("stop", {}, "zh-CN")).toBe("停止");
  });
  it("leaves unknown placeholders visible and maps tags", () => {
    expect(format("{a} {b}", {a: 1})).toBe("1 {b}");
    expect(toLang("en-GB")).toBe("en");
    expect(toLang("zh-Hans")).toBe("zh-CN");
    expect(toLang(undefined)).toBe("zh-CN");
  });
});
