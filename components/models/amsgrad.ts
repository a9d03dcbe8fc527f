/**
 * Adam with AMSGrad (torch.optim.Adam(amsgrad=True), keras.optimizers.Adam(amsgrad=True)): the second moment in
 * the denominator is the largest seen so far, so the step size never grows back:
 *   m ← β1 m + (1 − β1) g,  v ← β2 v + (1 − β2) g²,  v̂ ← max(v̂, v),
 *   θ ← θ − lr / (1 − β1^t) · m / (√v̂ / √(1 − β2^t) + ε)        (PyTorch's placement of ε)
 * tfjs has no AMSGrad. Models layer (tf, no DOM).
 */
import * as tf from "@tensorflow/tfjs";

export class AMSGrad extends tf.Optimizer {
  static get className(): string {
    return "AMSGrad";
  }
  private firsts: tf.Variable[] = [];
  private seconds: tf.Variable[] = [];
  private maxSeconds: tf.Variable[] = [];
  private step = 0;

  constructor(public learningRate: number, readonly beta1 = 0.9, readonly beta2 = 0.999, readonly epsilon = 1e-8) {
    super();
  }

  applyGradients(variableGradients: tf.NamedTensorMap | {name: string; tensor: tf.Tensor}[]): void {
    const named = Array.isArray(variableGradients) ? variableGradients : Object.entries(variableGradients).map(([name, tensor]) => ({name, tensor}));
    const t = ++this.step;
    const correction1 = 1 - this.beta1 ** t, root2 = Math.sqrt(1 - this.beta2 ** t);
    named.forEach(({name, tensor: g}, i) => {
      if (g == null) return;
      const value = tf.engine().registeredVariables[name];
      this.firsts[i] ??= tf.tidy(() => tf.zerosLike(value).variable(false));
      this.seconds[i] ??= tf.tidy(() => tf.zerosLike(value).variable(false));
      this.maxSeconds[i] ??= tf.tidy(() => tf.zerosLike(value).variable(false));
      tf.tidy(() => {
        const m = tf.add(tf.mul(this.firsts[i], this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(this.seconds[i], this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        const vMax = tf.maximum(this.maxSeconds[i], v);
        this.firsts[i].assign(m);
        this.seconds[i].assign(v);
        this.maxSeconds[i].assign(vMax);
        const denom = tf.add(tf.div(tf.sqrt(vMax), root2), this.epsilon);
        value.assign(tf.sub(value, tf.mul(tf.div(m, denom), this.learningRate / correction1)));
      });
    });
    this.incrementIterations();
  }

  dispose(): void {
    tf.dispose([...this.firsts, ...this.seconds, ...this.maxSeconds]);
  }

  getConfig(): tf.serialization.ConfigDict {
    return {learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon};
  }
}
