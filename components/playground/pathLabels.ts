/**
 * Reader strings for the paths' names (next to runOptimizers, which uses them): a printed rule whose path differs
 * from the library's reference says so in its own label (legend, hover readout, the ✕ at a stopped end).
 */
import {messages} from "../i18n/index.js";

export const tPathLabel = messages<"differs" | "ref_adadelta">({
  "zh-CN": {differs: "{rule}：与参考实现（{reference}）的路径不同", ref_adadelta: "AdaDelta"},
  en: {differs: "{rule}: differs from the reference {reference}", ref_adadelta: "Adadelta"}
});
