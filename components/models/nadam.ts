/**
 * NAdam as PyTorch (torch.optim.NAdam) and Keras (keras.optimizers.Nadam) compute it: Adam whose momentum is
 * looked ahead, with the momentum schedule μ_t = β1 · (1 − ½ · 0.96^(t·ψ)) (ψ, the momentum decay, 0.004):
 *   m ← β1 m + (1 − β1) g,  v ← β2 v + (1 − β2) g²,  Π_t = Π_{t−1} μ_t,
 *   θ ← θ − lr · [(1 − μ_t) / (1 − Π_t) · g + μ_{t+1} / (1 − Π_t μ_{t+1}) · m] / (√(v / (1 − β2^t)) + ε).
 * tfjs has no NAdam. Models layer (tf, no DOM).
 */
import * as tf from "@tensorflow/tfjs";

export class NAdam extends tf.Optimizer {
  static get className(): string {
    return "NAdam";
  }
  private firsts: tf.Variable[] = [];
  private seconds: tf.Variable[] = [];
  private step = 0;
  /** Π_t: the product of the momentum schedule up to the current step. */
  private muProduct = 1;

  constructor(public learningRate: number, readonly beta1 = 0.9, readonly beta2 = 0.999, readonly epsilon = 1e-8, readonly momentumDecay = 0.004) {
    super();
  }

  /** μ_t of the momentum schedule. */
  mu(t: number): number {
    return this.beta1 * (1 - 0.5 * 0.96 ** (t * this.momentumDecay));
  }

  applyGradients(variableGradients: tf.NamedTensorMap | {name: string; tensor: tf.Tensor}[]): void {
    const named = Array.isArray(variableGradients) ? variableGradients : Object.entries(variableGradients).map(([name, tensor]) => ({name, tensor}));
    const t = ++this.step;
    const mu = this.mu(t), muNext = this.mu(t + 1);
    this.muProduct *= mu;
    const gradCoef = (1 - mu) / (1 - this.muProduct), momCoef = muNext / (1 - this.muProduct * muNext);
    const correction2 = 1 - this.beta2 ** t;
    named.forEach(({name, tensor: g}, i) => {
      if (g == null) return;
      const value = tf.engine().registeredVariables[name];
      this.firsts[i] ??= tf.tidy(() => tf.zerosLike(value).variable(false));
      this.seconds[i] ??= tf.tidy(() => tf.zerosLike(value).variable(false));
      tf.tidy(() => {
        const m = tf.add(tf.mul(this.firsts[i], this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(this.seconds[i], this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        this.firsts[i].assign(m);
        this.seconds[i].assign(v);
        const denom = tf.add(tf.sqrt(tf.div(v, correction2)), this.epsilon);
        const step = tf.div(tf.add(tf.mul(g, gradCoef), tf.mul(m, momCoef)), denom);
        value.assign(tf.sub(value, tf.mul(step, this.learningRate)));
      });
    });
    this.incrementIterations();
  }

  dispose(): void {
    tf.dispose([...this.firsts, ...this.seconds]);
  }

  getConfig(): tf.serialization.ConfigDict {
    return {learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, momentumDecay: this.momentumDecay};
  }
}
