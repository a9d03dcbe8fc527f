/** Reader-facing text of the translated training programs (notes and unsupported parts), in the book's language. */
import {messages} from "./index.js";

export const tTraining = messages<
  "numpyScript" | "arraysData" | "pytorchInit" | "unsupportedPart" | "torchNormalize" | "shuffleOff" | "logSoftmax" | "noTestSet"
  | "notBitIdentical" | "scheduleIgnored" | "scriptPrinted" | "notTrainable" | "lineMessage" | "scriptClaim"
  | "handMse" | "handCrossEntropy" | "handBinaryCrossEntropy" | "gradAccumulation" | "onLogits" | "onProbabilities" | "accumSumSgd" | "accumSum" | "ownInit" | "manualSgd"
  | "tapeLoop" | "tapeShuffled" | "tapeInOrder"
>({
  "zh-CN": {
    numpyScript: "这段 NumPy 代码在生成页面时由 gradbook 自带的 NumPy 子集解释器运行，页面显示它打印的结果。",
    arraysData: "数据由代码自己生成（第 {line} 行起）：{n} 个样本，每个样本形状为 ({shape})。",
    pytorchInit: "PyTorch 模型翻译成同样的层在 TensorFlow.js 里训练：权重按 PyTorch 的默认方式初始化（U(±1/√fan_in)），CrossEntropyLoss / BCEWithLogitsLoss 作用在 logits 上。",
    unsupportedPart: "第 {line} 行无法在页面里重现：{message}",
    torchNormalize: "transforms.Normalize 没有重放：像素只缩放到 [0, 1]。",
    shuffleOff: "DataLoader 没有 shuffle=True，页面也按原顺序取批。",
    logSoftmax: "模型以 LogSoftmax 结尾、配合 NLLLoss：等价于对 logits 的交叉熵，页面按后者训练。",
    noTestSet: "代码没有单独的测试集：页面在训练数据上评估。",
    notBitIdentical: "随机数用代码的种子生成：np.random.seed / RandomState 的数与 NumPy 完全相同；default_rng、PyTorch 和 scikit-learn 的随机数（以及模型的初始权重）只是分布相同、数值不同，结果会有小的差别。",
    scheduleIgnored: "第 {line} 行：{message}",
    scriptPrinted: "这段 NumPy 代码（第 {line} 行起）在生成页面时由 gradbook 的 NumPy 子集解释器运行（固定种子，分布与 NumPy 相同但不是同一串随机数）。它打印了：",
    notTrainable: "这段代码不能在页面里训练，原因如下（作者可用 npm run check 查看）：",
    lineMessage: "第 {line} 行：{message}",
    scriptClaim: "文中声称 {metric} = {claimed}；运行得到 {measured}。",
    handMse: "第 {line} 行手写的损失是均方误差：页面按同一损失训练。",
    handCrossEntropy: "第 {line} 行手写的损失是交叉熵（{logits}）：页面按同一损失训练。",
    handBinaryCrossEntropy: "第 {line} 行手写的损失是二元交叉熵（{logits}）：页面按同一损失训练。",
    gradAccumulation: "第 {line} 行每 {every} 个批次才更新一次参数（梯度累积）：页面按每批 {batch} 个样本训练{scaled}。",
    ownInit: "模型的权重由代码自己创建（nn.Parameter）：页面按代码的分布抽取初始值（数值不同），CrossEntropyLoss / BCEWithLogitsLoss 作用在 logits 上。",
    manualSgd: "第 {line} 行在 torch.no_grad() 下手写的参数更新是学习率 {lr} 的 SGD：页面按同样的 SGD 训练。",
    tapeLoop: "第 {line} 行起用 tf.GradientTape 手写的训练循环，页面按它等价的 compile + fit 训练：优化器 {optimizer}（学习率 {lr}），损失 {loss}，每批 {batch} 个样本，{epochs} 轮，{shuffle}。",
    tapeShuffled: "每轮打乱顺序",
    tapeInOrder: "按原顺序取批次",
    onLogits: "作用在 logits 上",
    onProbabilities: "作用在概率上",
    accumSumSgd: "；损失没有除以 {every}，每次更新用的是 {every} 个批次梯度之和，所以学习率乘以 {every}",
    accumSum: "；损失没有除以 {every}，每次更新用的是 {every} 个批次梯度之和，{optimizer} 的步长几乎不受梯度尺度影响，按均值训练"
  },
  en: {
    numpyScript: "This NumPy code was run when the page was generated, by gradbook's own interpreter of a NumPy subset; the page shows what it printed.",
    arraysData: "The data is made by the code itself (from line {line}): {n} samples of shape ({shape}).",
    pytorchInit: "The PyTorch model is translated to the same layers and trained with TensorFlow.js: weights are initialised as PyTorch does (U(±1/√fan_in)); CrossEntropyLoss / BCEWithLogitsLoss act on logits.",
    unsupportedPart: "Line {line} cannot be reproduced in the page: {message}",
    torchNormalize: "transforms.Normalize is not replayed: pixels are only scaled to [0, 1].",
    shuffleOff: "The DataLoader has no shuffle=True, so the page takes batches in order too.",
    logSoftmax: "The model ends in LogSoftmax with NLLLoss: that is cross-entropy on logits, which the page trains.",
    noTestSet: "The code has no separate test set: the page evaluates on the training data.",
    notBitIdentical: "Random numbers come from the code's seed: np.random.seed / RandomState draws are NumPy's exact numbers; default_rng, PyTorch and scikit-learn draws (and the model's initial weights) have the same distributions but not the same numbers, so results differ slightly.",
    scheduleIgnored: "Line {line}: {message}",
    scriptPrinted: "This NumPy code (from line {line}) was run when the page was generated, by gradbook's interpreter of a NumPy subset (fixed seed: NumPy's distributions, not NumPy's numbers). It printed:",
    notTrainable: "This code cannot be trained in the page, for these reasons (authors: see npm run check):",
    lineMessage: "Line {line}: {message}",
    scriptClaim: "The text claims {metric} = {claimed}; the run gives {measured}.",
    handMse: "The loss written out on line {line} is the mean squared error: the page trains the same loss.",
    handCrossEntropy: "The loss written out on line {line} is cross-entropy ({logits}): the page trains the same loss.",
    handBinaryCrossEntropy: "The loss written out on line {line} is binary cross-entropy ({logits}): the page trains the same loss.",
    gradAccumulation: "Line {line} updates the parameters only every {every} batches (gradient accumulation): the page trains on batches of {batch} samples{scaled}.",
    ownInit: "The model creates its own weights (nn.Parameter): the page draws them from the code's distributions (not the same numbers); CrossEntropyLoss / BCEWithLogitsLoss act on logits.",
    manualSgd: "The parameter update written by hand under torch.no_grad() on line {line} is SGD at learning rate {lr}: the page trains the same SGD.",
    tapeLoop: "The training loop written with tf.GradientTape from line {line} is trained as the compile + fit it amounts to: optimiser {optimizer} (learning rate {lr}), loss {loss}, batches of {batch}, {epochs} epochs, {shuffle}.",
    tapeShuffled: "shuffled every epoch",
    tapeInOrder: "batches in order",
    onLogits: "on logits",
    onProbabilities: "on probabilities",
    accumSumSgd: "; the loss is not divided by {every}, so each update uses the sum of {every} batches' gradients and the learning rate is multiplied by {every}",
    accumSum: "; the loss is not divided by {every}, so each update uses the sum of {every} batches' gradients; {optimizer}'s step hardly depends on the gradient's scale, so the mean is trained"
  }
});
