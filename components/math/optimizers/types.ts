/** Shared types of the pure optimisers: state in, state out, no DOM, no tf. */

/** Canonical hyper-parameter names (the same as components/formula/recurrence.ts). */
export interface Hyper {
  /** learning rate α */
  alpha: number;
  /** first-moment decay β₁ (Adam) */
  beta_1: number;
  /** second-moment decay β₂ (Adam, RMSprop) */
  beta_2: number;
  /** ε added to the denominator (Adam, RMSprop) */
  epsilon: number;
  /** momentum γ (heavy ball, Nesterov) */
  gamma: number;
  /** squared-gradient decay ρ (RMSProp; Keras and tf.train.rmsprop call it rho or decay) */
  rho: number;
  /** decoupled weight decay λ (AdamW) */
  lambda: number;
}

export const DEFAULT_HYPER: Hyper = {alpha: 0.01, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-8, gamma: 0.9, rho: 0.9, lambda: 0.01};

/** Optimiser state: weights, step count t (number of updates done), first and second moments. */
export interface OptState {
  w: number[];
  t: number;
  m: number[];
  v: number[];
}

export type StepFn = (state: OptState, grad: number[], hyper: Hyper) => OptState;

/** Fresh state at w0: t = 0, moments zero. */
export function initState(w0: number[]): OptState {
  return {w: w0.slice(), t: 0, m: w0.map(() => 0), v: w0.map(() => 0)};
}
