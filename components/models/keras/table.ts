/** Finds a chapter's own labelled data table (markdown) to stand in for a CSV file that does not exist. Pure. */

export interface LabelledTable {
  columns: string[];
  rows: number[][];
  labels: number[];
  /** 1-based line of the header row in the chapter. */
  line: number;
}

const LABEL = /^(标签|label|labels|y|target|类别|class)$/i;
const INDEX = /(索引|编号|序号|^id$|^index$|^no\.?$|^#$)/i;

function cells(line: string): string[] {
  return line.trim().replace(/^\|/, "").replace(/\|$/, "").split("|").map((c) => c.trim());
}

/** All markdown tables whose last (or label-named) column is a numeric label and other columns numbers. */
export function findLabelledTables(markdown: string): LabelledTable[] {
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  const out: LabelledTable[] = [];
  for (let i = 0; i + 2 < lines.length; i++) {
    if (!/^\s*\|.*\|\s*$/.test(lines[i]) || !/^\s*\|[\s:|-]+\|\s*$/.test(lines[i + 1])) continue;
    const header = cells(lines[i]);
    const body: string[][] = [];
    let j = i + 2;
    while (j < lines.length && /^\s*\|.*\|\s*$/.test(lines[j])) body.push(cells(lines[j++]));
    const labelCol = header.findIndex((h) => LABEL.test(h));
    if (labelCol < 0 || body.length === 0) continue;
    const featureCols = header.map((_, c) => c).filter((c) => c !== labelCol && !INDEX.test(header[c]));
    const numeric = (s: string) => s !== "" && Number.isFinite(Number(s));
    if (!body.every((r) => r.length === header.length && numeric(r[labelCol]) && featureCols.every((c) => numeric(r[c])))) continue;
    out.push({
      columns: featureCols.map((c) => header[c]),
      rows: body.map((r) => featureCols.map((c) => Number(r[c]))),
      labels: body.map((r) => Number(r[labelCol])),
      line: i + 1
    });
    i = j - 1;
  }
  return out;
}
