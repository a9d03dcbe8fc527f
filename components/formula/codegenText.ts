/**
 * The comments of an update rule's generated TypeScript (codegenRecurrence.ts), in the book's language. Fixed words
 * and numbers only: no chapter text ever reaches the code.
 */
import {messages} from "../i18n/index.js";

export const tCodegen = messages({
  "zh-CN": {
    state: "规则更新的量：参数和它的累积量（初值：参数取起点，其余为 0）",
    hyper: "超参数，用原文的符号",
    objective: "迭代所用的演示目标函数：{name}(w) = ½ Σ_j a_j (w_j − c_j)²，a = {a}，c = {c}",
    gradient: "它的梯度：∂{name}/∂w_j = a_j (w_j − c_j)",
    step: "一步更新（第 t 步，t 从 1 开始）：按原文的顺序逐行计算",
    iterates: "从起点 {w0} 出发的前几步迭代值和目标函数值（单元下方的表格）"
  },
  en: {
    state: "What the rule updates: the parameters and their accumulators (start: the parameters at the start point, the rest 0)",
    hyper: "The hyper-parameters, in the text's symbols",
    objective: "The demo objective the iterates run on: {name}(w) = ½ Σ_j a_j (w_j − c_j)², a = {a}, c = {c}",
    gradient: "Its gradient: ∂{name}/∂w_j = a_j (w_j − c_j)",
    step: "One update (step t, from 1): the printed lines in order",
    iterates: "The first iterates from the start point {w0} and the objective's values (the table under the formula)"
  }
});
