/** Why a path stopped, in the book's language (zh-CN and en; components/i18n). */
import {messages} from "../../i18n/index.js";

export const tStop = messages<
  "weights" | "beyond" | "startLoss" | "grad" | "loss" | "overLimit" | "hint" | "diverged" | "needs" | "dims" | "noStart" | "stepError"
>({
  "zh-CN": {
    weights: "第 {k} 步权重变为 {w}",
    beyond: "第 {k} 步权重超出 |w| ≤ {max}（发散：{hint}）",
    startLoss: "起点处的损失为 {v}",
    grad: "第 {k} 步梯度变为 {g}",
    loss: "第 {k} 步损失变为 {v}",
    overLimit: "第 {k} 步损失 {v} 超过 {max}（发散：{hint}）",
    hint: "学习率太大？",
    diverged: "第 {k} 步权重超出 |w| ≤ {max}（发散）",
    needs: "原文的更新规则需要 {names}，演示区没有对应的滑块",
    dims: "原文的更新规则有 {n} 个权重，而曲面有 {m} 个",
    noStart: "原文的更新规则无法启动：{message}",
    stepError: "原文的更新规则在第 {k} 步出错：{message}"
  },
  en: {
    weights: "at step {k} the weights became {w}",
    beyond: "at step {k} the weights left |w| ≤ {max} (diverged: {hint})",
    startLoss: "the loss at the start is {v}",
    grad: "at step {k} the gradient became {g}",
    loss: "at step {k} the loss became {v}",
    overLimit: "at step {k} the loss {v} passed {max} (diverged: {hint})",
    hint: "learning rate too large?",
    diverged: "at step {k} the weights left |w| ≤ {max} (diverged)",
    needs: "the printed rule needs {names}, which the playground has no slider for",
    dims: "the printed rule has {n} weights, the surface {m}",
    noStart: "the printed rule cannot start: {message}",
    stepError: "the printed rule failed at step {k}: {message}"
  }
});
