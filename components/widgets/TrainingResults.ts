/**
 * TrainingResults(evaluation, testSet) → Element: what a classifier got right and wrong on the test set — the
 * confusion matrix and a few test samples with their predictions.
 */
import type {Dataset} from "../models/datasets.js";
import {ConfusionMatrix} from "./ConfusionMatrix.js";
import {pickSamples, SamplePredictions, type SamplePrediction} from "./SamplePredictions.js";
import type {TestEvaluation} from "./TrainingRun.js";

export function TrainingResults(ev: TestEvaluation, test: Dataset, {first = 8, wrong = 4} = {}): HTMLElement {
  const box = document.createElement("div");
  box.className = "gb-train-results";
  const labels = Array.from(ev.labels, (y) => Math.round(y));
  box.append(ConfusionMatrix({labels, predicted: ev.predicted, classes: ev.classes}));
  const per = test.inputShape.reduce((a, b) => a * b, 1);
  const samples: SamplePrediction[] = pickSamples(labels, ev.predicted, {first, wrong}).map((i) => {
    const input = new Float32Array(per);
    test.fill([i], input);
    return {index: i, input, shape: test.inputShape, label: labels[i], predicted: ev.predicted[i], confidence: ev.confidence[i]};
  });
  box.append(SamplePredictions(samples));
  return box;
}
