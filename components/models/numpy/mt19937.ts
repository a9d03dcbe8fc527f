/**
 * NumPy's legacy random stream (`np.random.seed(s)`, `np.random.RandomState(s)`, and what scikit-learn's
 * `random_state=s` builds): the Mersenne Twister MT19937 seeded as NumPy seeds it, with NumPy's legacy draws on top —
 * doubles from two 32-bit words, the polar Box–Muller Gaussian that keeps its second value, and masked rejection for
 * bounded integers. `np.random.seed(0); np.random.rand()` is 0.5488135039273248 here as in NumPy, so a chapter's
 * data and a hand-written NumPy trainer reproduce the author's run. Pure: no DOM, no tf.
 */
const N = 624, M = 397;

export class MT19937 {
  private key = new Uint32Array(N);
  private pos = N;
  private gauss: number | null = null;

  constructor(seed: number) {
    this.seed(seed);
  }

  /** NumPy's mt19937_seed: a 32-bit seed through Knuth's initialisation. */
  seed(seed: number): void {
    if (!(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) throw new Error(`seed must be an integer in [0, 2**32 - 1], got ${seed}`);
    let s = seed >>> 0;
    for (let i = 0; i < N; i++) {
      this.key[i] = s;
      s = (Math.imul(1812433253, (s ^ (s >>> 30)) >>> 0) + i + 1) >>> 0;
    }
    this.pos = N;
    this.gauss = null;
  }

  private regenerate(): void {
    const k = this.key;
    for (let i = 0; i < N; i++) {
      const y = (k[i] & 0x80000000) | (k[(i + 1) % N] & 0x7fffffff);
      k[i] = k[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.pos = 0;
  }

  /** The next 32-bit word (tempered). */
  uint32(): number {
    if (this.pos >= N) this.regenerate();
    let y = this.key[this.pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A double in [0, 1) with 53 random bits: (a >> 5, b >> 6) of two words. */
  double(): number {
    const a = this.uint32() >>> 5, b = this.uint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** NumPy's legacy_gauss: the polar method, its second value kept for the next call. */
  normal(): number {
    if (this.gauss !== null) {
      const g = this.gauss;
      this.gauss = null;
      return g;
    }
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2 * this.double() - 1;
      x2 = 2 * this.double() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.gauss = f * x1;
    return f * x2;
  }

  /** An integer in [0, max] by masked rejection (NumPy's random_interval and its bounded 32-bit draws). */
  interval(max: number): number {
    if (max === 0) return 0;
    if (!(max <= 0xffffffff)) throw new Error(`a range of ${max + 1} integers is too large`);
    let mask = max >>> 0;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    for (;;) {
      const v = (this.uint32() & mask) >>> 0;
      if (v <= max) return v;
    }
  }
}
