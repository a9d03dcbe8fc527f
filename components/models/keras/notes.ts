/** What the reader is told about how the page's data differs from the Keras code's (the book's language). Pure. */
import {messages} from "../../i18n/index.js";

export const tKerasNotes = messages<"pixelsUnscaled" | "cifarSubstitute" | "undefinedFlat" | "tableData" | "tableStandardized"
  | "tableSplit" | "impossibleAccuracy" | "listSep" | "or">({
  "zh-CN": {
    listSep: "、",
    or: " 或 ",
    tableData: "代码读取的数据文件没有随本章提供；页面使用本章第 {line} 行表格里的 {n} 条样本（特征：{columns}）。",
    tableStandardized: "特征按列标准化（减均值、除以标准差）后训练。",
    tableSplit: "train_test_split(test_size={testSize}) 在 {n} 条样本上只留下 {test} 条测试样本、{train} 条训练样本；页面用固定种子打乱（与 sklearn 的 random_state={randomState} 顺序不同）。",
    impossibleAccuracy: "文中的 Test Accuracy: {value} 在 {test} 条测试样本上不可能出现（只能是 {possible}）；{value} ≈ {num}/{den}，至少要有 {den} 条测试样本。",
    pixelsUnscaled: "代码没有把像素除以 255；页面仍把像素缩放到 [0, 1]。",
    cifarSubstitute: "CIFAR-10 没有离线副本（npm 上没有带数据的包），页面不能下载它。为了让同一个 32×32×3 的模型照原样训练，页面改用 MNIST 手写数字：每张 28×28 灰度图四周各补 2 像素的 0 变成 32×32，再把灰度复制到 R、G、B 三个通道。所以这里的准确率是 MNIST 上的结果，不能和文中的 CIFAR-10 数字直接比较。",
    undefinedFlat: "代码里的 {name} 从未定义。输入是 784 维（= 28×28），所以页面用 MNIST 手写数字（像素展平成 784 维、缩放到 [0, 1]）来训练它。"
  },
  en: {
    listSep: ", ",
    or: " or ",
    tableData: "The data file the code reads does not come with the chapter; the page uses the {n} samples of the chapter's table at line {line} (features: {columns}).",
    tableStandardized: " Each feature column is standardised (mean subtracted, divided by its standard deviation) before training.",
    tableSplit: "train_test_split(test_size={testSize}) leaves {test} test samples and {train} training samples out of {n}; the page shuffles with a fixed seed (not in the order of sklearn's random_state={randomState}).",
    impossibleAccuracy: "The text's Test Accuracy: {value} cannot occur on {test} test samples (only {possible}); {value} ≈ {num}/{den} needs at least {den} test samples.",
    pixelsUnscaled: "The code does not divide the pixels by 255; the page still scales them to [0, 1].",
    cifarSubstitute: "CIFAR-10 has no offline copy (no npm package ships its data) and the page cannot download it. So that the same 32×32×3 model trains as written, the page uses MNIST digits instead: each 28×28 greyscale image is padded with 2 pixels of 0 on every side to 32×32 and its grey copied to the R, G and B channels. The accuracy here is therefore MNIST's and cannot be compared directly with the text's CIFAR-10 figures.",
    undefinedFlat: "{name} is never defined in the code. The input has 784 values (= 28×28), so the page trains the model on MNIST digits (pixels flattened to 784 values and scaled to [0, 1])."
  }
});
