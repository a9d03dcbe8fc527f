/**
 * The distributions a text declares (`x \sim \mathcal{N}(\mu, \sigma^2)`, `U[a, b]`, `\text{Bernoulli}(p)`, …): their
 * names as written, their parameters, and seeded draws. Pure: no DOM, no tf.
 */
import type {Node} from "./ast.js";

export type Family = "normal" | "uniform" | "bernoulli" | "exponential" | "poisson" | "lognormal" | "laplace";

/** Names as the parser leaves them (fonts stripped: \mathcal{N} → N, \text{Bernoulli} → Bernoulli). */
const NAMES: [RegExp, Family][] = [
  [/^(?:N|Normal|Gauss|Gaussian)$/i, "normal"],
  [/^(?:U|Unif|Uniform)$/i, "uniform"],
  [/^(?:Bern|Bernoulli|Ber)$/i, "bernoulli"],
  [/^(?:Exp|Exponential)$/, "exponential"],
  [/^(?:Pois|Poisson)$/i, "poisson"],
  [/^(?:LogNormal|Lognormal|LN|logN)$/, "lognormal"],
  [/^(?:Laplace)$/i, "laplace"]
];
const ARITY: Record<Family, number> = {normal: 2, uniform: 2, bernoulli: 1, exponential: 1, poisson: 1, lognormal: 2, laplace: 2};

export interface Spec {
  family: Family;
  /** Parameter expressions as written (normal: mean, variance; uniform: low, high; bernoulli: P(1)). */
  params: Node[];
}

/** A distribution node (`\mathcal{N}(0, 1)`, `U[-a, a]`, `\text{Bernoulli}(1-p)`) → its family and parameters. */
export function readSpec(n: Node): Spec | undefined {
  let name: string | undefined, args: Node[] | undefined;
  if (n.type === "call" && !n.builtin) (name = n.fn), (args = n.args);
  else if (n.type === "mul" && n.op === "implicit" && n.left.type === "sym" && !n.left.sub) {
    name = n.left.name;
    const r = n.right;
    args = r.type === "tuple" || r.type === "vector" ? r.items : r.type === "paren" ? (r.arg.type === "list" ? r.arg.items : [r.arg]) : undefined;
  }
  const family = name ? NAMES.find(([re]) => re.test(name!))?.[1] : undefined;
  if (!family || !args || args.length !== ARITY[family]) return undefined;
  return {family, params: args};
}

/** Whether the parameters describe a distribution (p in [0, 1], a variance > 0, low < high, a rate > 0). */
export function validParams(family: Family, p: number[]): boolean {
  if (!p.every(Number.isFinite)) return false;
  switch (family) {
    case "normal":
    case "lognormal":
      return p[1] > 0;
    case "uniform":
      return p[0] < p[1];
    case "bernoulli":
      return p[0] >= 0 && p[0] <= 1;
    case "exponential":
    case "poisson":
      return p[0] > 0 && p[0] < 100;
    case "laplace":
      return p[1] > 0;
  }
}

/** N seeded draws (one loop per family). */
export function draw(family: Family, p: number[], n: number, rng: () => number): Float64Array {
  const out = new Float64Array(n);
  const [a, b] = p;
  switch (family) {
    case "normal":
    case "lognormal": {
      normals(out, rng);
      const s = Math.sqrt(b);
      for (let i = 0; i < n; i++) out[i] = a + s * out[i];
      if (family === "lognormal") for (let i = 0; i < n; i++) out[i] = Math.exp(out[i]);
      return out;
    }
    case "uniform":
      for (let i = 0; i < n; i++) out[i] = a + (b - a) * rng();
      return out;
    case "bernoulli":
      for (let i = 0; i < n; i++) out[i] = rng() < a ? 1 : 0;
      return out;
    case "exponential":
      for (let i = 0; i < n; i++) out[i] = -Math.log(1 - rng()) / a;
      return out;
    case "laplace":
      for (let i = 0; i < n; i++) {
        const u = rng() - 0.5;
        out[i] = a - b * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
      }
      return out;
    case "poisson": {
      // Knuth's product of uniforms (the rate is bounded by validParams)
      const limit = Math.exp(-a);
      for (let i = 0; i < n; i++) {
        let k = 0, prod = rng();
        while (prod > limit) (k++, (prod *= rng()));
        out[i] = k;
      }
      return out;
    }
  }
}

/** Standard normal draws by Marsaglia's polar method, both of each pair (random.ts's randn keeps one of Box–Muller's). */
function normals(out: Float64Array, rng: () => number): void {
  for (let i = 0; i < out.length; i += 2) {
    let u: number, v: number, s: number;
    do {
      u = 2 * rng() - 1;
      v = 2 * rng() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    out[i] = u * f;
    if (i + 1 < out.length) out[i + 1] = v * f;
  }
}

/** How the text writes the family, for a sentence. */
export const FAMILY_LABEL: Record<Family, string> = {
  normal: "N", uniform: "U", bernoulli: "Bernoulli", exponential: "Exp", poisson: "Poisson", lognormal: "LogNormal", laplace: "Laplace"
};
