/**
 * surfaceFromSpec(spec): a SurfaceSpec read from a chapter (its objective as LaTeX plus data bindings) becomes a
 * Surface the plots and optimisers use. Pure: no DOM, no tf.
 *
 * - f evaluates `expression` with the formula engine's evaluator, `bindings` and the axis parameters.
 * - An axis parameter is a symbol key (`w`, `b`, `\theta`); or `name_k` where bindings[name] is a vector, meaning
 *   its k-th entry (1-based; the other entries stay at their bound values, the held ones).
 * - grad is the engine's symbolic derivative (components/formula/diff.ts), checked against central differences at
 *   the start point; where they disagree or the derivative cannot be taken, central differences are used.
 * - minimum: a bounded descent from the start (components/math/surfaces/minimize.ts), kept only when it is a
 *   true minimum (moving further away raises f).
 */
import {symKey, type Node} from "../formula/ast.js";
import {differentiate} from "../formula/diff.js";
import {evaluate} from "../formula/evaluate.js";
import {parseExpression} from "../formula/parse.js";
import {readSumOverRest} from "../formula/scope.js";
import type {Value} from "../formula/values.js";
import {compileFast} from "../math/surfaces/fastEval.js";
import {minimize} from "../math/surfaces/minimize.js";
import {getSurface} from "../math/surfaces/registry.js";
import type {Domain, LossKind, Surface} from "../math/surfaces/types.js";
import type {SurfaceSpec} from "./spec.js";

type Bindings = Record<string, Value>;

/** How one axis parameter is written into the bindings. */
interface Axis {
  key: string;
  /** Vector symbol and 1-based entry, when the parameter is an entry of a bound vector. */
  vector?: {name: string; entry: number};
}

function axisOf(param: string, bindings: SurfaceSpec["bindings"]): Axis {
  const m = /^(.*?)_\{?(\d+)\}?$/.exec(param);
  if (m && Array.isArray(bindings[m[1]]) && typeof (bindings[m[1]] as unknown[])[0] === "number") {
    const entry = Number(m[2]);
    const len = (bindings[m[1]] as number[]).length;
    if (entry < 1 || entry > len) throw new Error(`surface parameter ${param}: ${m[1]} has ${len} entries`);
    return {key: param, vector: {name: m[1], entry}};
  }
  return {key: param};
}

function bind(base: Bindings, axes: Axis[], w: number[]): Bindings {
  const out: Bindings = {...base};
  axes.forEach((a, i) => {
    if (a.vector) {
      if (out[a.vector.name] === base[a.vector.name]) out[a.vector.name] = (base[a.vector.name] as number[]).slice();
      (out[a.vector.name] as number[])[a.vector.entry - 1] = w[i];
    } else out[a.key] = w[i];
  });
  return out;
}

function scalar(v: Value, what: string): number {
  if (typeof v !== "number") throw new Error(`${what} is not a number`);
  return v;
}

/** Central differences of f at w. */
export function centralGradient(f: (w: number[]) => number, w: number[]): number[] {
  return w.map((v, i) => {
    const h = 1e-5 * Math.max(1, Math.abs(v));
    const up = w.slice(), down = w.slice();
    up[i] += h;
    down[i] -= h;
    return (f(up) - f(down)) / (2 * h);
  });
}

/** The symbolic derivative of node for each axis, or undefined when the engine cannot take it. */
function symbolicDerivatives(node: Node, axes: Axis[]): Node[] | undefined {
  try {
    return axes.map((a) => {
      const name = a.vector?.name;
      return differentiate(node, (s) => (name ? s.name === name && !s.sub : symKey(s.name, s.subText) === a.key));
    });
  } catch {
    return undefined;
  }
}

function defaultDomain(start: number[], minimum: number[] | undefined): Domain {
  const pts = minimum ? [start, minimum] : [start];
  const lo = [0, 1].map((k) => Math.min(...pts.map((p) => p[k] ?? 0)));
  const hi = [0, 1].map((k) => Math.max(...pts.map((p) => p[k] ?? 0)));
  const span = Math.max(hi[0] - lo[0], hi[1] - lo[1], 1);
  const axis = (k: number): [number, number] => {
    const half = Math.max((hi[k] - lo[k]) / 2 + 0.25 * span, 0.35 * span);
    const mid = (hi[k] + lo[k]) / 2;
    return [mid - half, mid + half];
  };
  return start.length === 1 ? {x: axis(0)} : {x: axis(0), y: axis(1)};
}

/** A learning rate at which gradient descent behaves: 1/L with L the largest curvature near the start. */
function stableAlpha(grad: (w: number[]) => number[], at: number[]): number {
  const g0 = grad(at);
  let L = 0;
  at.forEach((v, i) => {
    const h = 1e-4 * Math.max(1, Math.abs(v));
    const up = at.slice();
    up[i] += h;
    const g1 = grad(up);
    L = Math.max(L, g1.reduce((s, x, j) => s + Math.abs(x - g0[j]), 0) / h);
  });
  if (!(L > 0) || !Number.isFinite(L)) return 0.1;
  return +(1 / L).toPrecision(2);
}

/** node's value for bindings: the compiled closure when it agrees with the interpreter at the probe, else the interpreter. */
function valueEvaluator(node: Node, probe: Bindings): (b: Bindings) => Value {
  const slow = (b: Bindings) => evaluate(node, b);
  const fast = compileFast(node);
  if (!fast) return slow;
  try {
    const a = fast(probe), b = slow(probe);
    if (JSON.stringify(a) === JSON.stringify(b) || (typeof a === "number" && typeof b === "number" && Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)))) return fast;
  } catch {
    // the interpreter decides (and reports) what the closure could not do
  }
  return slow;
}

function evaluator(node: Node, latex: string, bindAt: (w: number[]) => Bindings, probe: number[], what: string): (w: number[]) => number {
  const value = valueEvaluator(node, bindAt(probe));
  return (w) => {
    const b = bindAt(w);
    try {
      return scalar(value(b), what);
    } catch (e) {
      // the interpreter's message says what and where
      return scalar(evaluate(node, b, {latex}), what);
    }
  };
}

/** f and grad of a spec's expression over any number of axis parameters (no minimum, no domain). */
export function objectiveFromSpec(spec: SurfaceSpec): {f: (w: number[]) => number; grad: (w: number[]) => number[]; start: number[]} {
  if (!spec.expression) throw new Error(`surface ${spec.id}: no expression and no built-in`);
  // the reading every author means: a sum covers the following terms that use its index (scope.ts)
  const node = readSumOverRest(parseExpression(spec.expression)).node;
  const base = spec.bindings as Bindings;
  const axes = spec.params.map((p) => axisOf(p, spec.bindings));
  const dim = axes.length;
  const check = (w: number[]) => {
    if (!Array.isArray(w) || w.length !== dim) throw new Error(`surface ${spec.id}: expected ${dim} weight(s), got ${JSON.stringify(w)}`);
  };
  const start = spec.start.length === dim ? spec.start.slice() : axes.map(() => 0);
  const f = evaluator(node, spec.expression, (w) => {
    check(w);
    return bind(base, axes, w);
  }, start, spec.latex ?? spec.expression);
  const numeric = (w: number[]) => centralGradient(f, w);
  const derivs = symbolicDerivatives(node, axes);
  const derivFns = derivs?.map((d) => valueEvaluator(d, bind(base, axes, start)));
  const symbolic = derivFns && ((w: number[]): number[] => {
    check(w);
    const b = bind(base, axes, w);
    return derivFns.map((d, i) => {
      const v = d(b);
      const a = axes[i];
      if (a.vector && Array.isArray(v)) return (v as number[])[a.vector.entry - 1];
      return scalar(v, "a derivative");
    });
  });
  // where the symbolic form is 0/0 (σ saturated in floating point), central differences of the stable f
  const sym = symbolic && agrees(symbolic, numeric, start) ? symbolic : undefined;
  const grad = sym ? (w: number[]) => {
    const g = sym(w);
    return g.every(Number.isFinite) ? g : numeric(w);
  } : numeric;
  return {f, grad, start};
}

/** The symbolic gradient agrees with central differences at three points near the start. */
function agrees(symbolic: (w: number[]) => number[], numeric: (w: number[]) => number[], start: number[]): boolean {
  try {
    const probe = [start, start.map((v) => v + 0.37), start.map((v, i) => v - 0.61 * (i + 1))];
    return probe.every((p) => {
      const a = symbolic(p), b = numeric(p);
      return a.every((x, i) => Number.isFinite(x) && Math.abs(x - b[i]) <= 1e-4 * Math.max(1, Math.abs(b[i])));
    });
  } catch {
    return false;
  }
}

/** The minimum a bounded descent from start finds, when moving further away raises f (a true minimum). */
export function findMinimum(f: (w: number[]) => number, grad: (w: number[]) => number[], start: number[]): number[] | undefined {
  const found = minimize(f, grad, start, {maxIter: 500});
  if (!found.converged) return undefined;
  const away = found.at.map((v, i) => v + 0.5 * (v - start[i]) + 1e-3);
  // separable data: f keeps falling (or saturates to NaN) away from where the gradient vanished numerically
  return f(away) > found.value ? found.at : undefined;
}

/**
 * The loss family of an expression, so a gradient the chapter prints for that loss can be drawn on it: a mean of
 * y·log σ(…) + (1 − y)·log(1 − σ(…)) terms is binary cross-entropy, a sum of squares is least squares.
 */
export function lossKind(expression: string): LossKind | undefined {
  if (/\\log/.test(expression) && /\\sigma/.test(expression)) return "binaryCrossEntropy";
  if (/\\sum/.test(expression) && /\^\{?2\}?/.test(expression) && !/\\log/.test(expression)) return "mse";
  return undefined;
}

/** The surface a spec describes (a built-in by its id, or the chapter's objective over its data). */
export function surfaceFromSpec(spec: SurfaceSpec, seed = 4): Surface {
  if (spec.builtin) return getSurface(spec.builtin, seed);
  if (!(spec.params.length === 1 || spec.params.length === 2)) throw new Error(`surface ${spec.id}: needs one or two parameters, got ${spec.params.length}`);
  const {f, grad, start} = objectiveFromSpec(spec);
  const minimum = findMinimum(f, grad, start);
  const loss = lossKind(spec.expression!);
  return {
    id: spec.id,
    title: spec.title,
    labels: spec.labels,
    f,
    grad,
    domain: spec.domain ?? defaultDomain(start, minimum),
    ...(minimum ? {minimum} : {}),
    start,
    alpha: stableAlpha(grad, start),
    ...(loss ? {loss} : {})
  };
}
