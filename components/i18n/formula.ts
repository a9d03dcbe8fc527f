/** Reader-facing words of the formula cells (FormulaCell, FormulaCode, FormulaValue, FormulaLink). */
import {messages} from "./index.js";

export const tFormula = messages({
  "zh-CN": {
    code: "TypeScript 代码",
    codeLine: "原文第 {line} 行",
    codeHide: "收起代码",
    codeNote: "这个公式编译成的 TypeScript：页面上的数值就是它算的。可以修改后运行（在沙箱中，用单元当前的输入）。",
    editorLabel: "原文第 {line} 行公式的 TypeScript 代码",
    run: "运行",
    reset: "还原",
    running: "运行中…",
    ran: "运行结果（{ms} ms）：",
    errorAt: "第 {line} 行出错：{message}",
    failed: "运行失败：{message}",
    timeout: "超时：运行超过 {ms} ms 被停止，是不是有死循环？",
    noSandbox: "这一页没有运行代码的环境。",
    noValue: "没有返回值",
    sameAs: "同上，见第 {line} 行",
    vector: "{n} 维向量",
    matrix: "{rows}×{cols} 矩阵",
    verifiedDerivation: "与自动微分的结果一致",
    verifiedReference: "与参考实现一致",
    verified: "等式成立",
    open: "点击展开"
  },
  en: {
    code: "TypeScript code",
    codeLine: "line {line} of the chapter",
    codeHide: "Hide code",
    codeNote: "The TypeScript this formula compiles to: the cell's values are computed by it. Edit it and run it (in the sandbox, with the cell's current inputs).",
    editorLabel: "TypeScript code of the formula on line {line}",
    run: "Run",
    reset: "Reset",
    running: "Running…",
    ran: "Result ({ms} ms):",
    errorAt: "Error on line {line}: {message}",
    failed: "The run failed: {message}",
    timeout: "Stopped after {ms} ms: is there an endless loop?",
    noSandbox: "This page has no sandbox to run code in.",
    noValue: "no value returned",
    sameAs: "Same as above, see line {line}",
    vector: "vector of {n}",
    matrix: "{rows}×{cols} matrix",
    verifiedDerivation: "agrees with autodiff",
    verifiedReference: "agrees with the reference implementation",
    verified: "the equation holds",
    open: "click to open"
  }
});
