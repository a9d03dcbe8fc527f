/**
 * avoidLabels(labels, {min, max, gap}) → y positions: labels keep their order by wanted y and are pushed apart so
 * no two are closer than `gap` (their line height), staying inside [min, max]. Pure (d3-labeler style, 1-D).
 */
export interface LabelBox {
  /** wanted y (e.g. the end of a path) */
  y: number;
}

export function avoidLabels(labels: LabelBox[], options: {min: number; max: number; gap: number}): number[] {
  const {min, max, gap} = options;
  const order = labels.map((l, i) => ({i, y: Math.min(max, Math.max(min, l.y))})).sort((a, b) => a.y - b.y);
  // push down from the top
  for (let k = 1; k < order.length; k++) order[k].y = Math.max(order[k].y, order[k - 1].y + gap);
  // then pull up from the bottom where they ran past max
  const last = order.length - 1;
  if (last >= 0 && order[last].y > max) {
    order[last].y = max;
    for (let k = last - 1; k >= 0; k--) order[k].y = Math.min(order[k].y, order[k + 1].y - gap);
  }
  const out = new Array<number>(labels.length);
  for (const o of order) out[o.i] = o.y;
  return out;
}
