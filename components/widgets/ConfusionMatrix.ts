/**
 * ConfusionMatrix({labels, predicted, classes}, options) → Element: a table of counts, rows true classes, columns
 * predicted ones, cells shaded by their share of the row. `confusionCounts` is pure.
 */
import {t} from "../i18n/trainingPanel.js";

/** counts[true][predicted] over all samples; labels and predictions must be class ids in [0, classes). */
export function confusionCounts(labels: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): number[][] {
  if (labels.length !== predicted.length) throw new Error(`confusionCounts: ${labels.length} labels but ${predicted.length} predictions`);
  if (!(Number.isInteger(classes) && classes >= 2)) throw new Error(`confusionCounts: classes must be an integer ≥ 2, got ${classes}`);
  const m = Array.from({length: classes}, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i], p = predicted[i];
    if (!(Number.isInteger(y) && y >= 0 && y < classes) || !(Number.isInteger(p) && p >= 0 && p < classes)) {
      throw new Error(`confusionCounts: sample ${i} has label ${y} / prediction ${p} outside [0, ${classes})`);
    }
    m[y][p]++;
  }
  return m;
}

export interface ConfusionData {
  labels: ArrayLike<number>;
  predicted: ArrayLike<number>;
  classes: number;
}

export function ConfusionMatrix(data: ConfusionData, {names}: {names?: string[]} = {}): HTMLElement {
  const m = confusionCounts(data.labels, data.predicted, data.classes);
  const name = (i: number) => names?.[i] ?? String(i);
  const table = document.createElement("table");
  table.className = "gb-confusion";
  const cap = table.createCaption();
  cap.textContent = t("confusionCaption", {n: data.labels.length});
  const head = table.createTHead().insertRow();
  const corner = document.createElement("th");
  corner.textContent = `${t("confusionTrue")} \\ ${t("confusionPred")}`;
  head.append(corner);
  for (let j = 0; j < data.classes; j++) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = name(j);
    head.append(th);
  }
  const body = table.createTBody();
  m.forEach((row, i) => {
    const tr = body.insertRow();
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = name(i);
    tr.append(th);
    const total = row.reduce((a, b) => a + b, 0) || 1;
    row.forEach((c, j) => {
      const td = tr.insertCell();
      td.textContent = String(c);
      td.dataset.share = (c / total).toFixed(3);
      td.className = i === j ? "gb-confusion-diag" : c ? "gb-confusion-off" : "";
      // shade by the share of the row: the diagonal in the accent colour, errors in red
      td.style.setProperty("--share", (c / total).toFixed(3));
    });
  });
  return table;
}
