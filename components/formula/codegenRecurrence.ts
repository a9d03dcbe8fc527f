/**
 * compileRecurrencePlan(plan) → the TypeScript of an update rule: the state it updates, its hyper-parameters in the
 * text's symbols, the demo objective and its gradient, one `step(state, hyper, t)` computing the printed lines in
 * order (a system such as Adam's m, v, m̂, v̂, θ; Nesterov's gradient at the look-ahead point; bias correction with
 * t), and `iterates({…hyper, steps})`, the loop whose iterates and losses the cell shows. E.g. for
 * `v_t = \gamma v_{t-1} + \eta \nabla_\theta J(\theta_{t-1}) \\ \theta_t = \theta_{t-1} - v_t`:
 *   export function step(state: State, hyper: Hyper): State {
 *     const {gamma, eta} = hyper;
 *     const gradient = gradJ(state.theta);
 *     const v = add(mul(gamma, state.v), mul(eta, gradient));
 *     const theta = sub(state.theta, v);
 *     return {v, theta};
 *   }
 * It reads the rule exactly as the recurrence interpreter does (recurrence.ts: which value of a state symbol a
 * subscript means, entrywise products, a gradient's share when several weights update side by side) and does the
 * same floating-point steps, so its iterates are runPlan's. Pure: no DOM, no tf. Same alphabet as codegen.ts:
 * identifiers from identifier(), numbers, fixed words and punctuation; no chapter text.
 */
import {FormulaError, symKey, type Node, type NodeOf} from "./ast.js";
import {assertSafe, atomExpression, CodegenError, compileExpression, identifier, type CodegenOptions, type CompiledExpression, type CompiledFormula, type ExpressionEnv, type ExpressionParam} from "./codegen.js";
import {tCodegen} from "./codegenText.js";
import {readRule, type RuleReading} from "./recurrence.js";
import {findAll, symbolUses} from "./symbols.js";
import type {CellPlan, SymbolBinding} from "./types.js";
import type {Value} from "./values.js";
import {tFormula} from "../i18n/formula.js";

/** An update rule as recurrence.ts reads it (the one reading both the interpreter and this generator use). */
type Rule = RuleReading;

const fail = (reason: string): never => {
  throw new CodegenError(reason);
};

/** The objective's name from the rule's first gradient (∇_θ J(θ) → J, ∂L/∂w → L, ∇f(…) → f); J for g_t. */
function objectiveKey(rule: Rule): string {
  for (const l of rule.lines)
    for (const g of findAll(l.rhs, "grad")) {
      const of = g.of.type === "mul" && g.of.left.type === "sym" ? g.of.left : g.of;
      if (of.type === "sym") return symKey(of.name, of.subText);
      if (of.type === "call") return of.fn;
    }
  return "J";
}

/** Array literal of finite numbers ([1, -1]). */
function arrayLiteral(xs: number[]): string {
  for (const x of xs) if (!Number.isFinite(x)) fail(`a non-finite number (${x}) has no literal`);
  return `[${xs.map((x) => String(x)).join(", ")}]`;
}

interface Names {
  State: string;
  Hyper: string;
  Iterate: string;
  step: string;
  iterates: string;
  objective: string;
  gradient: string;
  state: string;
  hyper: string;
  time: string;
  steps: string;
  current: string;
  out: string;
  w: string;
  /** Hyper-parameter key as printed → identifier. */
  hyperOf: Map<string, string>;
  /** State symbol → field of State. */
  fieldOf: Map<string, string>;
  /** Line k → the local constant holding its value. */
  localOf: string[];
}

/** Names: module-level ones first, the hyper-parameters (both functions read them), then each function's locals. */
function allocate(rule: Rule): Names {
  const module = new Set<string>();
  const id = (key: string, taken = module) => identifier(key, taken);
  const fixed = {State: id("State"), Hyper: id("Hyper"), Iterate: id("Iterate"), step: id("step"), iterates: id("iterates")};
  const objective = id(objectiveKey(rule));
  const gradient = id(`grad${objective[0].toUpperCase()}${objective.slice(1)}`);
  const hyperOf = new Map([...rule.hyper.keys()].map((k) => [k, id(k)]));
  const shared = {state: id("state"), hyper: id("hyper"), time: id(rule.timeVar && /^[A-Za-z]$/.test(rule.timeVar) ? rule.timeVar : "t")};
  // step's locals and iterates' locals live in different functions: each only avoids the names above.
  const inStep = new Set(module), inLoop = new Set(module);
  const current = id("gradient", inStep);
  const localOf = rule.lines.map((l) => id(l.name, inStep));
  const loop = {steps: id("steps", inLoop), out: id("out", inLoop), w: id("w", inLoop)};
  const fields = new Set<string>();
  const fieldOf = new Map([...rule.states].map((s) => [s, identifier(s, fields)]));
  return {...fixed, objective, gradient, ...shared, current, ...loop, hyperOf, fieldOf, localOf};
}

/** What a symbol of line k stands for: the previous state, an earlier line's value, t, the gradient or a hyper. */
type Meaning = {kind: "state"; code: string; shape: number[]} | {kind: "time" | "gradient" | "hyper"; code: string; shape: number[]};

function meaning(n: NodeOf<"sym">, rule: Rule, names: Names, fresh: Map<string, {code: string; shape: number[]}>, sizeOf: (s: string) => number, d: number): Meaning | undefined {
  if (rule.states.has(n.name)) {
    const own = rule.lines.filter((l) => l.name === n.name).pop()!.time;
    const ref = rule.timeOf(n.sub);
    const previous = {kind: "state" as const, code: `${names.state}.${names.fieldOf.get(n.name)}`, shape: [sizeOf(n.name)]};
    const now = fresh.has(n.name) ? {kind: "state" as const, ...fresh.get(n.name)!} : undefined;
    const key = symKey(n.name, n.subText);
    if (!ref) return fail(`cannot read ${key} as a step of ${n.name}`);
    if (ref.kind === "none") return now ?? previous;
    if (ref.kind === "new") return now ?? fail(`${key} is used before it is computed`);
    if ((ref.kind === "rel" && own.kind === "rel") || (ref.kind === "abs" && own.kind === "abs")) {
      if (ref.c === own.c) return now ?? fail(`${key} is used before it is computed`);
      if (ref.c === own.c - 1) return previous;
    }
    if (own.kind === "none" || own.kind === "new") return previous;
    return fail(`${key} is neither the previous nor the new value of ${n.name}`);
  }
  if (rule.timeVar && n.name === rule.timeVar && !n.sub) return {kind: "time", code: names.time, shape: []};
  if (rule.gradientSymbols.has(n.name)) return {kind: "gradient", code: names.current, shape: [d]};
  const h = names.hyperOf.get(symKey(n.name, n.subText));
  return h ? {kind: "hyper", code: h, shape: []} : undefined;
}

interface StepCode {
  body: string[];
  usesTime: boolean;
  usesGradient: boolean;
  usesObjectiveGradient: boolean;
  hyperUsed: Set<string>;
  used: Set<string>;
}

/** The lines of step(): one constant per printed line, in order, each the interpreter's reading of it. */
function stepLines(rule: Rule, names: Names, sizeOf: (s: string) => number, d: number, typed: boolean): StepCode {
  const fresh = new Map<string, {code: string; shape: number[]}>();
  const used = new Set<string>(), hyperUsed = new Set<string>();
  let usesTime = false, usesGradient = false, usesObjectiveGradient = false;
  const body: string[] = [];
  const single = rule.weights.length === 1;
  const part = d / rule.weights.length;
  rule.lines.forEach((line, k) => {
    const vars = new Map<string, ExpressionParam>(), kinds = new Map<string, Meaning["kind"]>();
    const grads = findAll(line.rhs, "grad");
    const points = single ? grads.map((g) => rule.lookaheadOf(g)).filter((p): p is Node => !!p) : [];
    // Every symbol the interpreter evaluates: outside gradients, and in a look-ahead point.
    for (const u of [...symbolUses(line.rhs, {skipGradients: true}), ...points.flatMap((p) => symbolUses(p))]) {
      const m = meaning(u.node, rule, names, fresh, sizeOf, d);
      if (!m) continue;
      vars.set(u.key, {name: m.code, shape: m.shape});
      kinds.set(u.key, m.kind);
    }
    for (const c of findAll(line.rhs, "call")) {
      if (c.builtin || vars.has(c.fn)) continue;
      const m = meaning({type: "sym", name: c.fn, start: c.start, end: c.start}, rule, names, fresh, sizeOf, d);
      if (m) (vars.set(c.fn, {name: m.code, shape: m.shape}), kinds.set(c.fn, m.kind));
    }
    const env: ExpressionEnv = {vars, idx: new Map(), defs: {}, gradients: false, expanding: [], used, params: new Set(), taken: new Set([...names.localOf, names.state, names.hyper, names.time, names.current]), typed, entrywise: true};
    env.gradientOf = (g: NodeOf<"grad">, e: ExpressionEnv): CompiledExpression => {
      const at = single ? rule.lookaheadOf(g) : undefined;
      if (at) {
        const p = compileExpression(at, e);
        if (p.shape.length > 1 || (p.shape.length === 1 && p.shape[0] !== d)) fail("the look-ahead point does not have the weights' size");
        usesObjectiveGradient = true;
        return atomExpression(`${names.gradient}(${p.shape.length ? p.code : full(p.code, d, used)})`, [d]);
      }
      usesGradient = true;
      if (single) return atomExpression(names.current, [d]);
      const j = rule.weights.indexOf((g.wrt as NodeOf<"sym">).name);
      return atomExpression(`${names.current}.slice(${j * part}, ${(j + 1) * part})`, [part]);
    };
    const e = compileExpression(line.rhs, env);
    for (const key of env.params) {
      const kind = kinds.get(key);
      if (kind === "time") usesTime = true;
      else if (kind === "gradient") usesGradient = true;
      else if (kind === "hyper") hyperUsed.add(vars.get(key)!.name);
    }
    const size = sizeOf(line.name);
    if (e.shape.length === 1 && e.shape[0] !== size) fail(`the update of ${line.name} has ${e.shape[0]} entries, the weights ${size}`);
    if (e.shape.length > 1) fail(`the update of ${line.name} is a matrix`);
    const local = names.localOf[k];
    body.push(`  const ${local} = ${e.shape.length ? e.code : full(e.code, size, used)};`);
    fresh.set(line.name, {code: local, shape: [size]});
  });
  if (usesGradient) usesObjectiveGradient = true;
  return {body, usesTime, usesGradient, usesObjectiveGradient, hyperUsed, used};
}

function full(code: string, n: number, used: Set<string>): string {
  used.add("full");
  return `full(${code}, ${n})`;
}

/** An update rule's plan → its TypeScript (see the top of this file). CodegenError where it does not cover the rule. */
export function compileRecurrencePlan(plan: CellPlan, options: CodegenOptions = {}): CompiledFormula {
  const r = plan.recurrence ?? fail("an update rule without its demo objective");
  let rule: Rule;
  try {
    rule = readRule(plan.latex);
  } catch (e) {
    if (e instanceof FormulaError) fail(e.message);
    throw e;
  }
  const {a, c} = r.objective, w0 = r.w0, d = w0.length;
  if (!d || a.length !== d || c.length !== d || d % rule.weights.length) fail("the demo objective does not fit the weights");
  const part = d / rule.weights.length;
  const sizeOf = (s: string) => (rule.weights.includes(s) ? part : d);
  const names = allocate(rule);
  const ts = emit(rule, names, {a, c, w0, sizeOf, d}, true), js = emit(rule, names, {a, c, w0, sizeOf, d}, false);
  const runtime = [...ts.used].sort();
  const header = options.line ? `// ${tFormula("codeLine", {line: Math.floor(options.line)})}\n` : "";
  const importLine = runtime.length ? `import {${runtime.join(", ")}} from "./tsRuntime.js";\n\n` : "";
  return {
    source: `${importLine}${header}${ts.parts.join("\n\n")}\n`,
    js: `${js.parts.join("\n")}\n`,
    functions: [{name: names.iterates, equation: plan.equations.length - 1}],
    params: [...names.hyperOf].map(([key, name]) => ({key: rule.hyper.get(key)!, name})),
    runtime,
    recurrence: {iterates: names.iterates, steps: names.steps}
  };
}

interface Demo {
  a: number[];
  c: number[];
  w0: number[];
  sizeOf: (s: string) => number;
  d: number;
}

/** The module's declarations, typed (with their comments) or as the page runs them. */
function emit(rule: Rule, n: Names, demo: Demo, typed: boolean): {parts: string[]; used: Set<string>} {
  const s = stepLines(rule, n, demo.sizeOf, demo.d, typed);
  const used = s.used;
  const T = (x: string) => (typed ? x : "");
  const fields = [...rule.states].map((st) => n.fieldOf.get(st)!);
  const hyperNames = [...n.hyperOf.values()];
  const parts: string[] = [];
  const add = (comment: string | undefined, code: string) => {
    assertSafe(code, true);
    parts.push(typed && comment ? `// ${comment}\n${code}` : code);
  };
  if (typed) {
    add(tCodegen("state"), `export interface ${n.State} {\n${fields.map((f) => `  ${f}: number[];`).join("\n")}\n}`);
    if (s.hyperUsed.size) add(tCodegen("hyper"), `export interface ${n.Hyper} {\n${hyperNames.map((h) => `  ${h}: number;`).join("\n")}\n}`);
    add(undefined, `export interface ${n.Iterate} {\n  t: number;\n  w: number[];\n  loss: number;\n}`);
  }
  const constants = `  const a = ${arrayLiteral(demo.a)}, c = ${arrayLiteral(demo.c)};`;
  const j = `(j${T(": number")})`;
  used.add("sum");
  add(tCodegen("objective", {name: n.objective, a: arrayLiteral(demo.a), c: arrayLiteral(demo.c)}), `${T("export ")}function ${n.objective}(w${T(": number[]")})${T(": number")} {\n${constants}\n  return 0.5 * sum(1, w.length, ${j} => a[j - 1] * (w[j - 1] - c[j - 1]) ** 2);\n}`);
  if (s.usesObjectiveGradient) {
    used.add("terms");
    add(tCodegen("gradient", {name: n.objective}), `${T("export ")}function ${n.gradient}(w${T(": number[]")})${T(": number[]")} {\n${constants}\n  return terms(1, w.length, ${j} => a[j - 1] * (w[j - 1] - c[j - 1]));\n}`);
  }
  const weightsOf = (state: string) => {
    const ws = rule.weights.map((w) => `${state}.${n.fieldOf.get(w)}`);
    return ws.length === 1 ? ws[0] : `${ws[0]}.concat(${ws.slice(1).join(", ")})`;
  };
  const hyperParam = s.hyperUsed.size > 0;
  const sig = [`${n.state}${T(`: ${n.State}`)}`, ...(hyperParam ? [`${n.hyper}${T(`: ${n.Hyper}`)}`] : []), ...(s.usesTime ? [`${n.time}${T(": number")}`] : [])];
  const stepBody = [
    ...(hyperParam ? [`  const {${hyperNames.filter((h) => s.hyperUsed.has(h)).join(", ")}} = ${n.hyper};`] : []),
    ...(s.usesGradient ? [`  const ${n.current} = ${n.gradient}(${weightsOf(n.state)});`] : []),
    ...s.body,
    `  return {${[...rule.states].map((st) => field(n.fieldOf.get(st)!, n.localOf[rule.lines.map((l) => l.name).lastIndexOf(st)])).join(", ")}};`
  ];
  add(tCodegen("step"), `${T("export ")}function ${n.step}(${sig.join(", ")})${T(`: ${n.State}`)} {\n${stepBody.join("\n")}\n}`);
  const init = [...rule.states].map((st) => {
    const k = rule.weights.indexOf(st), size = demo.sizeOf(st);
    return `${n.fieldOf.get(st)}: ${arrayLiteral(k >= 0 ? demo.w0.slice(k * size, (k + 1) * size) : demo.w0.map(() => 0))}`;
  });
  const args = [...(hyperParam ? hyperNames : []), n.steps];
  // the rule's own t on update number k is k − timeOffset (recurrence.ts): θ_{t+1} = f(θ_t) has t = 0 on the first
  const callArgs = [n.state, ...(hyperParam ? [n.hyper] : []), ...(s.usesTime ? [rule.timeOffset ? `${n.time} ${rule.timeOffset > 0 ? "-" : "+"} ${Math.abs(rule.timeOffset)}` : n.time] : [])];
  const iterBody = [
    ...(hyperParam ? [`  const ${n.hyper}${T(`: ${n.Hyper}`)} = {${hyperNames.join(", ")}};`] : []),
    `  let ${n.state}${T(`: ${n.State}`)} = {${init.join(", ")}};`,
    `  const ${n.out}${T(`: ${n.Iterate}[]`)} = [{t: 0, w: ${weightsOf(n.state)}, loss: ${n.objective}(${weightsOf(n.state)})}];`,
    `  for (let ${n.time} = 1; ${n.time} <= ${n.steps}; ${n.time}++) {`,
    `    ${n.state} = ${n.step}(${callArgs.join(", ")});`,
    `    const ${n.w} = ${weightsOf(n.state)};`,
    `    ${n.out}.push({${field("t", n.time)}, ${field("w", n.w)}, loss: ${n.objective}(${n.w})});`,
    `    if (!${n.w}.every(Number.isFinite)) break;`,
    "  }",
    `  return ${n.out};`
  ];
  const argType = T(`: {${args.map((x) => `${x}: number`).join("; ")}}`);
  add(tCodegen("iterates", {w0: arrayLiteral(demo.w0)}), `${T("export ")}function ${n.iterates}({${args.join(", ")}}${argType})${T(`: ${n.Iterate}[]`)} {\n${iterBody.join("\n")}\n}`);
  return {parts, used};
}

const field = (name: string, local: string) => (name === local ? name : `${name}: ${local}`);

/**
 * The argument object of an update rule's `iterates`: its hyper-parameters (the plan's, with the cell's current
 * values) under the code's names, and the number of steps.
 */
export function recurrenceArguments(compiled: Pick<CompiledFormula, "params" | "recurrence">, plan: CellPlan, symbols: SymbolBinding[], steps: number): Record<string, Value> {
  const hyper: Record<string, number> = {...(plan.recurrence?.hyper ?? {})};
  for (const s of symbols) if (s.role === "hyper" && typeof s.value === "number") hyper[s.key] = s.value;
  const out: Record<string, Value> = Object.create(null);
  for (const p of compiled.params) if (p.key in hyper) out[p.name] = hyper[p.key];
  if (compiled.recurrence) out[compiled.recurrence.steps] = steps;
  return out;
}

/** The iterates an update rule's code returned, checked to be [{t, w, loss}] of numbers; undefined otherwise. */
export function readIterates(v: unknown): {t: number; w: number[]; loss: number}[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const ok = v.every((it) => it && typeof it === "object" && typeof it.t === "number" && typeof it.loss === "number" && Array.isArray(it.w) && it.w.every((x: unknown) => typeof x === "number"));
  return ok ? (v as {t: number; w: number[]; loss: number}[]).map((it) => ({t: it.t, w: it.w.slice(), loss: it.loss})) : undefined;
}
