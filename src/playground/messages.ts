/** Reader-facing strings of the playground read from the text (titles, sources, why something is not drawn). */
import {messages} from "../../components/i18n/index.js";

export const t = messages({
  "zh-CN": {
    objectiveTitle: "原文第 {line} 行的 {lhs}（{axes}）",
    objectiveNamed: "原文第 {line} 行的 {lhs}",
    functionTitle: "原文第 {line} 行的函数 {lhs}",
    table: "原文第 {line} 行的表格",
    prose: "原文第 {line} 行给出的数据",
    code: "代码生成的数据（第 {line} 行）",
    codeRandom: "代码生成的数据（第 {line} 行；随机数由本书的种子重新抽取，与 NumPy 的数值不同）",
    standardized: "，特征已标准化（原文提到归一化）",
    heldOptimum: "取其余参数固定时的最优值",
    heldZero: "损失没有有限的最小值，保持为 0",
    heldText: "原文给出的值",
    noData: "{symbols} 没有数据：原文既没有表格，也没有数值或生成数据的代码",
    randomOnly: "数据是随机生成的，无法从代码中读出",
    unknownSymbols: "不知道 {symbols} 的值",
    fewParams: "没有可画的参数",
    notEvaluable: "无法在数据上计算：{message}",
    ruleLabel: "{name}（原文第 {line} 行）",
    ruleNotCompiled: "无法运行这条更新规则：{message}",
    ruleUnknown: "无法识别这条更新规则对应的优化器",
    claimFalse: "原文的说法在合理的设置下都不成立：{detail}",
    gd: "梯度下降", momentum: "动量", nesterov: "Nesterov 动量", adagrad: "AdaGrad", rmsprop: "RMSProp", adam: "Adam", adamw: "AdamW", adadelta: "AdaDelta", other: "更新规则"
  },
  en: {
    objectiveTitle: "{lhs} from line {line} ({axes})",
    objectiveNamed: "{lhs} from line {line}",
    functionTitle: "the function {lhs} from line {line}",
    table: "the table at line {line}",
    prose: "the numbers given at line {line}",
    code: "data the code generates (line {line})",
    codeRandom: "data the code generates (line {line}; random numbers redrawn from the book's seed, not NumPy's values)",
    standardized: ", features standardised (the text mentions normalisation)",
    heldOptimum: "held at its optimum for the other parameters",
    heldZero: "the loss has no finite minimum; held at 0",
    heldText: "the value the text gives",
    noData: "no data for {symbols}: the text has no table, numbers or code that generates them",
    randomOnly: "the data is random and cannot be read from the code",
    unknownSymbols: "no value for {symbols}",
    fewParams: "no parameters to draw",
    notEvaluable: "cannot be evaluated on the data: {message}",
    ruleLabel: "{name} (line {line})",
    ruleNotCompiled: "this update rule cannot be run: {message}",
    ruleUnknown: "the update rule is not one the library knows",
    claimFalse: "the text's claim does not hold at any reasonable setting: {detail}",
    gd: "Gradient descent", momentum: "Momentum", nesterov: "Nesterov momentum", adagrad: "AdaGrad", rmsprop: "RMSProp", adam: "Adam", adamw: "AdamW", adadelta: "Adadelta", other: "Update rule"
  }
});
