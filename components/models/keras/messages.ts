/**
 * What the reader is told about code the page cannot follow, in the book's language (the catalogue of
 * components/i18n): the translator's English message (kept for `npm run check`) is matched against the kinds of
 * problem it reports; anything else names the statement itself. Pure.
 */
import {messages} from "../../i18n/index.js";
import type {Unsupported} from "./program.js";

export const tUnsupported = messages<
  "notSupported" | "notSupportedList" | "syntax" | "block" | "undefinedCall" | "undefinedName" | "clipping" | "loopStatement"
  | "loopShape" | "loopNotRecognised" | "forward" | "init" | "scheduler" | "lrFunction" | "notFollowed" | "callback" | "callbackNoValidation" | "statement" | "skippedLayer"
>({
  "zh-CN": {
    notSupported: "{what} 目前不受支持",
    notSupportedList: "{what} 目前不受支持（支持：{list}）",
    syntax: "这行 Python 无法解析：{code}",
    block: "“{kw}” 语句块在这里不受支持：{code}",
    undefinedCall: "调用了 {name}()，但它从未定义或导入",
    undefinedName: "名称 {name} 未定义",
    clipping: "梯度裁剪没有在页面里重放",
    loopStatement: "训练循环里的这条语句没有被跟踪：{code}",
    loopShape: "训练循环必须写成 for epoch in range(N):，这里是：{code}",
    loopNotRecognised: "没有识别出训练循环：需要 out = model(x)、loss = criterion(out, y)、loss.backward() 和 optimizer.step()",
    forward: "forward() 里的这一步不能翻译成层的串联：{code}",
    init: "__init__ 里的这条语句没有被跟踪：{code}",
    scheduler: "{name} 不是能跟踪的学习率调度器，页面保持初始学习率",
    lrFunction: "LearningRateScheduler 的函数无法计算，页面保持初始学习率：{code}",
    notFollowed: "这里调用的 {what} 没有被跟踪",
    callback: "回调 {name} 不在页面里重放",
    callbackNoValidation: "回调 {name} 监控 val_loss，但 fit() 没有验证数据，页面不跟踪它",
    statement: "这行代码无法在页面里跟踪：{code}",
    skippedLayer: "这一层无法跟踪，页面训练的模型里没有它（它不改变形状）：{code}"
  },
  en: {
    notSupported: "{what} is not supported yet",
    notSupportedList: "{what} is not supported yet (supported: {list})",
    syntax: "this Python line cannot be parsed: {code}",
    block: "a \"{kw}\" block is not supported here: {code}",
    undefinedCall: "{name}() is called but never defined or imported",
    undefinedName: "the name {name} is not defined",
    clipping: "gradient clipping is not replayed in the page",
    loopStatement: "this statement of the training loop is not followed: {code}",
    loopShape: "the training loop must be written for epoch in range(N):, here: {code}",
    loopNotRecognised: "no training loop recognised: it needs out = model(x), loss = criterion(out, y), loss.backward() and optimizer.step()",
    forward: "this step of forward() cannot be translated into a chain of layers: {code}",
    init: "this statement of __init__ is not followed: {code}",
    scheduler: "{name} is not a learning-rate scheduler the page can follow; the initial learning rate is kept",
    lrFunction: "the LearningRateScheduler's function cannot be computed; the initial learning rate is kept: {code}",
    notFollowed: "the call to {what} is not followed",
    callback: "the callback {name} is not replayed in the page",
    callbackNoValidation: "the callback {name} monitors val_loss, but fit() has no validation data; the page does not follow it",
    statement: "this line cannot be followed in the page: {code}",
    skippedLayer: "this layer cannot be followed; the page trains the model without it (it keeps the shape): {code}"
  }
});

type Key = Parameters<typeof tUnsupported>[0];

/** English message patterns → catalogue entries (first match wins); `code` is the statement at the line. */
const RULES: [RegExp, Key, (m: RegExpExecArray, code: string) => Record<string, string>][] = [
  [/; the page trains the model without it$/, "skippedLayer", (_, code) => ({code})],
  [/^syntax error:/, "syntax", (_, code) => ({code})],
  [/^"(\w+)" blocks are not supported/, "block", (m, code) => ({kw: m[1], code})],
  [/^(\w+)\(\) is called but never defined or imported$/, "undefinedCall", (m) => ({name: m[1]})],
  [/^name '(\w+)' is not defined$/, "undefinedName", (m) => ({name: m[1]})],
  [/^gradient clipping/, "clipping", () => ({})],
  [/^statement in the training loop not followed/, "loopStatement", (_, code) => ({code})],
  [/^the training loop must be/, "loopShape", (_, code) => ({code})],
  [/^training loop not recognised/, "loopNotRecognised", () => ({})],
  [/^forward/, "forward", (_, code) => ({code})],
  [/^\w+\.__init__: statement not followed/, "init", (_, code) => ({code})],
  [/^(\w+)\.step\(\): \w+ is not a torch\.optim\.lr_scheduler/, "scheduler", (m) => ({name: m[1]})],
  [/^LearningRateScheduler/, "lrFunction", (_, code) => ({code})],
  [/^fit\(\): callback (\w+) is not replayed/, "callback", (m) => ({name: m[1]})],
  [/^fit\(\): (\w+) monitors val_loss, but fit\(\) has no validation data/, "callbackNoValidation", (m) => ({name: m[1]})],
  [/^call to (.+) is not followed$/, "notFollowed", (m) => ({what: m[1]})],
  [/^([\w.]+(?:\(\))?(?:\([^)]*\))?|[\w.]+ [\w.]+) is not supported \(supported: (.+)\)$/, "notSupportedList", (m) => ({what: m[1], list: m[2]})],
  [/^([\w.]+\(\)|[\w.]+|[\w.]+\([^)]*\)) is not supported$/, "notSupported", (m) => ({what: m[1]})]
];

/** The reader's sentence for one problem (without its line number, which the page's note adds). */
export function readerText(message: string, code: string): string {
  for (const [re, key, params] of RULES) {
    const m = re.exec(message);
    if (m) return tUnsupported(key, params(m, code || message));
  }
  return tUnsupported("statement", {code: code || message});
}

/** Adds `text` (the book's language) to each unsupported part; `source` maps file lines to their code. */
export function withReaderText(list: Unsupported[], source: Map<number, string>): Unsupported[] {
  return list.map((u) => ({...u, text: readerText(u.message, source.get(u.line)?.trim() ?? "")}));
}
