/**
 * RMSprop as PyTorch and Keras (TF2) compute it: v ← ρv + (1 − ρ)g², buf ← μ·buf + g / (√v + ε), θ ← θ − lr·buf.
 * tfjs's own RMSProp puts ε under the root (g / √(v + ε)), which for a parameter with small gradients (v ≪ ε) is a
 * step many times smaller than the chapter's code takes. Models layer (tf, no DOM).
 */
import * as tf from "@tensorflow/tfjs";

export class RMSpropEpsOutside extends tf.Optimizer {
  static get className(): string {
    return "RMSpropEpsOutside";
  }
  private squares: tf.Variable[] = [];
  private moments: tf.Variable[] = [];

  constructor(public learningRate: number, readonly rho = 0.9, readonly momentum = 0, readonly epsilon = 1e-7) {
    super();
  }

  applyGradients(variableGradients: tf.NamedTensorMap | {name: string; tensor: tf.Tensor}[]): void {
    const named = Array.isArray(variableGradients) ? variableGradients : Object.entries(variableGradients).map(([name, tensor]) => ({name, tensor}));
    named.forEach(({name, tensor: g}, i) => {
      if (g == null) return;
      const value = tf.engine().registeredVariables[name];
      this.squares[i] ??= tf.tidy(() => tf.zerosLike(value).variable(false));
      if (this.momentum) this.moments[i] ??= tf.tidy(() => tf.zerosLike(value).variable(false));
      tf.tidy(() => {
        const v = tf.add(tf.mul(this.squares[i], this.rho), tf.mul(tf.square(g), 1 - this.rho));
        this.squares[i].assign(v);
        let step: tf.Tensor = tf.div(g, tf.add(tf.sqrt(v), this.epsilon));
        if (this.momentum) {
          step = tf.add(tf.mul(this.moments[i], this.momentum), step);
          this.moments[i].assign(step);
        }
        value.assign(tf.sub(value, tf.mul(step, this.learningRate)));
      });
    });
    this.incrementIterations();
  }

  dispose(): void {
    tf.dispose([...this.squares, ...this.moments]);
  }

  getConfig(): tf.serialization.ConfigDict {
    return {learningRate: this.learningRate, rho: this.rho, momentum: this.momentum, epsilon: this.epsilon};
  }
}
