/** Dense (fully connected) layer forward pass: a = f(W x + b), W is units×inputs. */
import {matVec} from "./matrix.js";
import {sigmoid} from "./sigmoid.js";
import {softmax} from "./softmax.js";

export type Activation = "linear" | "sigmoid" | "relu" | "tanh" | "softmax";

export function dense(x: number[], W: number[][], b: number[], activation: Activation = "linear"): number[] {
  if (b.length !== W.length) throw new Error(`dense: W has ${W.length} rows (units) but b has ${b.length} entries`);
  const z = matVec(W, x).map((v, j) => v + b[j]);
  switch (activation) {
    case "linear":
      return z;
    case "sigmoid":
      return z.map(sigmoid);
    case "relu":
      return z.map((v) => Math.max(0, v));
    case "tanh":
      return z.map(Math.tanh);
    case "softmax":
      return softmax(z);
    default:
      throw new Error(`dense: unknown activation "${String(activation)}"`);
  }
}
