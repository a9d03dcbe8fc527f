/**
 * np.einsum("ni,ih->nh", X, W): sums of products over the subscripts' letters — explicit (`->out`) or implicit
 * (the letters seen once, in alphabetical order) output; a letter repeated in one operand takes its diagonal.
 * Every visited index combination is charged to the budget. No ellipsis. Pure.
 */
import {checkShape, type Budget, type NDArray} from "./ndarray.js";

interface Spec {
  inputs: string[];
  output: string;
}

function parseSpec(subscripts: string, n: number): Spec {
  const s = subscripts.replace(/\s+/g, "");
  if (s.includes(".")) throw new Error("np.einsum: ellipsis (...) subscripts are not supported");
  const [lhs, rhs, ...rest] = s.split("->");
  const inputs = lhs.split(",");
  if (rest.length || !inputs.every((x) => /^[a-zA-Z]*$/.test(x)) || (rhs !== undefined && !/^[a-zA-Z]*$/.test(rhs))) {
    throw new Error(`np.einsum: cannot read the subscripts "${subscripts}" (letters, commas and one ->)`);
  }
  if (inputs.length !== n) throw new Error(`np.einsum: "${subscripts}" names ${inputs.length} operands, ${n} given`);
  const count = new Map<string, number>();
  for (const c of inputs.join("")) count.set(c, (count.get(c) ?? 0) + 1);
  const output = rhs ?? [...count].filter(([, k]) => k === 1).map(([c]) => c).sort().join("");
  for (const c of output) {
    if (!count.has(c)) throw new Error(`np.einsum: output subscript ${c} is not among the inputs'`);
    if (output.indexOf(c) !== output.lastIndexOf(c)) throw new Error(`np.einsum: output subscript ${c} is repeated`);
  }
  return {inputs, output};
}

/** The size of each letter, checked across the operands. */
function letterSizes(spec: Spec, ops: NDArray[]): Map<string, number> {
  const sizes = new Map<string, number>();
  spec.inputs.forEach((sub, k) => {
    if (sub.length !== ops[k].shape.length) throw new Error(`np.einsum: operand ${k} has ${ops[k].shape.length} dimensions, its subscripts "${sub}" name ${sub.length}`);
    [...sub].forEach((c, d) => {
      const n = ops[k].shape[d], had = sizes.get(c);
      if (had !== undefined && had !== n) throw new Error(`np.einsum: subscript ${c} has size ${had} and ${n}`);
      sizes.set(c, n);
    });
  });
  return sizes;
}

/** Per letter, the step in a row-major array of `shape` whose axes carry `sub`'s letters (repeated letters add up). */
function strides(sub: string, shape: number[], letters: string[]): number[] {
  const out = letters.map(() => 0);
  let s = 1;
  for (let d = sub.length - 1; d >= 0; d--) {
    out[letters.indexOf(sub[d])] += s;
    s *= shape[d];
  }
  return out;
}

export function einsum(subscripts: string, ops: NDArray[], B: Budget): NDArray {
  const spec = parseSpec(subscripts, ops.length);
  const sizes = letterSizes(spec, ops);
  const letters = [...spec.output, ...[...sizes.keys()].filter((c) => !spec.output.includes(c))];
  const dims = letters.map((c) => sizes.get(c)!);
  const shape = checkShape([...spec.output].map((c) => sizes.get(c)!), "np.einsum");
  const total = dims.reduce((a, b) => a * b, 1);
  B.charge(total * Math.max(ops.length, 1), "np.einsum");
  const st = ops.map((a, k) => strides(spec.inputs[k], a.shape, letters));
  const outSt = strides(spec.output, shape, letters);
  const data = new Float64Array(shape.reduce((a, b) => a * b, 1));
  const idx = letters.map(() => 0), pos = ops.map(() => 0);
  let o = 0;
  for (let t = 0; t < total; t++) {
    let prod = 1;
    for (let k = 0; k < ops.length; k++) prod *= ops[k].data[pos[k]];
    data[o] += prod;
    // odometer: the last letter turns fastest
    for (let d = letters.length - 1; d >= 0; d--) {
      idx[d]++;
      o += outSt[d];
      for (let k = 0; k < ops.length; k++) pos[k] += st[k][d];
      if (idx[d] < dims[d]) break;
      o -= outSt[d] * dims[d];
      for (let k = 0; k < ops.length; k++) pos[k] -= st[k][d] * dims[d];
      idx[d] = 0;
    }
  }
  return {shape, data, dtype: ops.some((a) => a.dtype === "float") ? "float" : "int"};
}
