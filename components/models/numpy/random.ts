/**
 * NumPy's random API. The legacy stream (`np.random.*` after `np.random.seed`, `RandomState`, scikit-learn's
 * `random_state`) is NumPy's own, bit for bit (mt19937.ts): `np.random.seed(0); np.random.rand()` is 0.5488… here
 * too. `default_rng` streams (PCG64 in NumPy) and torch's generator use gradbook's seeded generator (mulberry32 +
 * Box–Muller): the same distributions, reproducible here, not NumPy's or torch's bits. Pure.
 */
import {mulberry32, randn} from "../../math/random.js";
import {MT19937} from "./mt19937.js";
import {Budget, make, type NDArray} from "./ndarray.js";

export class Generator {
  private rng: () => number;
  private mt: MT19937 | null;
  /** `legacy`: NumPy's RandomState stream; else gradbook's own (default_rng). */
  constructor(seed: number, {legacy = false} = {}) {
    this.mt = legacy ? new MT19937(seed >>> 0) : null;
    this.rng = this.mt ? () => this.mt!.double() : mulberry32(seed);
  }
  reseed(seed: number): void {
    if (this.mt) this.mt.seed(seed >>> 0);
    else this.rng = mulberry32(seed);
  }
  uniform(): number {
    return this.rng();
  }
  normal(): number {
    return this.mt ? this.mt.normal() : randn(this.rng);
  }
  /** Integer in [lo, hi). */
  integer(lo: number, hi: number): number {
    if (!(hi > lo)) throw new Error(`integers: low (${lo}) must be below high (${hi})`);
    return this.mt ? lo + this.mt.interval(hi - 1 - lo) : lo + Math.floor(this.rng() * (hi - lo));
  }
  /**
   * One Poisson draw of mean λ: Knuth's product of uniforms, in pieces of mean ≤ 30 (a sum of Poissons is Poisson),
   * so e^(−λ) never underflows; about λ + 1 uniforms. (Not NumPy's or torch's algorithm: the same distribution.)
   */
  poisson(lam: number): number {
    if (!(lam >= 0 && lam <= 1e6)) throw new Error(`poisson: the mean must be in [0, 1e6], got ${lam}`);
    let k = 0;
    for (let left = lam; left > 0; left -= 30) {
      const L = Math.exp(-Math.min(30, left));
      let p = this.uniform();
      while (p > L) {
        k++;
        p *= this.uniform();
      }
    }
    return k;
  }

  /** One Poisson draw per entry of `rates`, each of that entry's mean (np.random.poisson(rates), torch.poisson). */
  poissonEach(rates: NDArray, budget: Budget, what: string, dtype: "int" | "float"): NDArray {
    budget.charge(rates.data.reduce((a, b) => a + Math.abs(b) + 1, 0), what);
    return make(rates.shape, (i) => this.poisson(rates.data[i]), budget, what, dtype);
  }

  /** A seeded Fisher–Yates permutation of 0..n-1 (NumPy's legacy shuffle on the legacy stream). */
  permutation(n: number, budget: Budget): number[] {
    budget.charge(n, "permutation");
    const p = Array.from({length: n}, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.mt ? this.mt.interval(i) : Math.floor(this.rng() * (i + 1));
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  }

  /** Draws an array of `shape` from a named distribution with numeric parameters (broadcast scalars). */
  draw(dist: string, shape: number[], params: number[], budget: Budget): NDArray {
    const what = `random.${dist}`;
    switch (dist) {
      case "rand":
      case "random":
      case "random_sample":
        return make(shape, () => this.uniform(), budget, what);
      case "uniform": {
        const [lo = 0, hi = 1] = params;
        return make(shape, () => lo + (hi - lo) * this.uniform(), budget, what);
      }
      case "randn":
      case "standard_normal":
        return make(shape, () => this.normal(), budget, what);
      case "normal": {
        const [loc = 0, scale = 1] = params;
        if (scale < 0) throw new Error(`${what}: scale must be non-negative`);
        return make(shape, () => loc + scale * this.normal(), budget, what);
      }
      case "randint":
      case "integers": {
        let [lo, hi] = params;
        if (hi === undefined) [lo, hi] = [0, lo];
        return make(shape, () => this.integer(lo, hi), budget, what, "int");
      }
      case "binomial": {
        const [n, p] = params;
        if (!(n >= 0 && n <= 10_000 && Number.isInteger(n))) throw new Error(`${what}: n must be an integer in [0, 10000]`);
        budget.charge(n * shape.reduce((a, b) => a * b, 1), what);
        return make(shape, () => {
          let k = 0;
          for (let t = 0; t < n; t++) if (this.uniform() < p) k++;
          return k;
        }, budget, what, "int");
      }
      case "poisson": {
        const [lam = 1] = params;
        budget.charge((lam + 1) * shape.reduce((a, b) => a * b, 1), what);
        return make(shape, () => this.poisson(lam), budget, what, "int");
      }
      case "exponential": {
        const [scale = 1] = params;
        return make(shape, () => -scale * Math.log(1 - this.uniform()), budget, what);
      }
      default:
        throw new Error(`np.random.${dist} is not supported`);
    }
  }
}
