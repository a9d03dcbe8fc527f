/**
 * A Keras functional model's branches as one tf layer: the input (or, for several keras.Inputs laid side by side,
 * each branch's columns of it) goes through each branch — a tf.Sequential, or null for the input itself — and the
 * outputs are merged as Keras' merge layers do (Concatenate on the last axis, Add, Subtract, Multiply, Average,
 * Maximum, Minimum). Its weights (so also their disposal with it) and regularisation losses are its branches'. No DOM.
 */
import * as tf from "@tensorflow/tfjs";
import type {MergeKind} from "./keras/program.js";

export interface BranchesArgs {
  merge: MergeKind;
  branches: (tf.Sequential | null)[];
  /** Branch j reads columns [a, b) of a flat input (several keras.Inputs side by side). */
  columns?: [number, number][];
  inputShape?: number[];
}

/** Merges the branch outputs as Keras' merge layer of that kind does. */
export function mergeOutputs(kind: MergeKind, outs: tf.Tensor[]): tf.Tensor {
  switch (kind) {
    case "concatenate":
      return tf.concat(outs, -1);
    case "add":
      return tf.addN(outs);
    case "subtract":
      return tf.sub(outs[0], outs[1]);
    case "multiply":
      return outs.slice(1).reduce((a, b) => tf.mul(a, b), outs[0]);
    case "average":
      return tf.div(tf.addN(outs), outs.length);
    case "maximum":
      return outs.slice(1).reduce((a, b) => tf.maximum(a, b), outs[0]);
    case "minimum":
      return outs.slice(1).reduce((a, b) => tf.minimum(a, b), outs[0]);
  }
}

export class Branches extends tf.layers.Layer {
  static className = "GradbookBranches";
  readonly merge: MergeKind;
  readonly branches: (tf.Sequential | null)[];
  readonly columns?: [number, number][];

  constructor(args: BranchesArgs) {
    super(args.inputShape ? {inputShape: args.inputShape} : {});
    if (args.branches.length < 2) throw new Error(`Branches: a merge needs two or more branches, got ${args.branches.length}`);
    if (args.columns && args.columns.length !== args.branches.length) throw new Error("Branches: one column range per branch");
    if (args.merge === "subtract" && args.branches.length !== 2) throw new Error("Branches: subtract takes exactly two branches");
    this.merge = args.merge;
    this.branches = args.branches;
    this.columns = args.columns;
  }

  private columnsOf(x: tf.Tensor, j: number): tf.Tensor {
    const c = this.columns?.[j];
    return c ? tf.slice(x, [0, c[0]], [-1, c[1] - c[0]]) : x;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const outs = this.branches.map((b, j) => {
      const c = this.columns?.[j];
      const at: tf.Shape = c ? [s[0], c[1] - c[0]] : s;
      // a branch's first layer states its input shape, so its output shape is known
      return b ? ([s[0], ...(b.outputShape as tf.Shape).slice(1)] as tf.Shape) : at;
    });
    if (this.merge !== "concatenate") return outs[0];
    return [...outs[0].slice(0, -1), outs.reduce((a, o) => a + (o[o.length - 1] as number), 0)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: {training?: boolean}): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const outs = this.branches.map((b, j) => (b ? (b.apply(this.columnsOf(x, j), kwargs) as tf.Tensor) : this.columnsOf(x, j)));
      return mergeOutputs(this.merge, outs);
    });
  }

  override get trainableWeights(): tf.LayerVariable[] {
    return this.trainable ? this.branches.flatMap((b) => b?.trainableWeights ?? []) : [];
  }
  override set trainableWeights(_: tf.LayerVariable[]) {
    /* the branches own the weights */
  }
  override get nonTrainableWeights(): tf.LayerVariable[] {
    return this.branches.flatMap((b) => (b ? (this.trainable ? b.nonTrainableWeights : b.weights) : []));
  }
  override set nonTrainableWeights(_: tf.LayerVariable[]) {
    /* the branches own the weights */
  }

  override calculateLosses(): tf.Scalar[] {
    return this.branches.flatMap((b) => b?.calculateLosses() ?? []);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {...super.getConfig(), merge: this.merge, ...(this.columns ? {columns: this.columns} : {})};
  }
}
tf.serialization.registerClass(Branches);
