/**
 * The step counter of a printed rule (recurrence.ts and codegenRecurrence.ts together): the first update computes
 * index 1 from index 0, so in θ_{t+1} = f(θ_t) the rule's t is 0 on it (t + 1 = 1) and in θ_t = f(θ_{t-1}) it is 1.
 * Adam printed either way, its bias correction written β^{t+1} or β^t to match, is the reference Adam's path
 * (within 1e-6), its first step is −α·g/(|g| + ε) per coordinate (hand-computed), and the generated TypeScript
 * computes the interpreter's iterates. Documents written for this test.
 */
import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, it} from "vitest";
import {analyzeChapter} from "../components/formula/analyze.js";
import {compilePlan, type CompiledFormula} from "../components/formula/codegen.js";
import {readIterates, recurrenceArguments} from "../components/formula/codegenRecurrence.js";
import {extractMathBlocks} from "../components/formula/extract.js";
import {compileRecurrence, readRule} from "../components/formula/recurrence.js";
import {runPlan} from "../components/formula/runPlan.js";
import {RUNTIME} from "../components/formula/tsRuntime.js";
import {adamStep, runOptimizer} from "../components/math/optimizers/index.js";
import {runRecurrence} from "../components/math/optimizers/runRecurrence.js";

const AHEAD = String.raw`m_{t+1} = \beta_1 m_t + (1 - \beta_1) \nabla_\theta J(\theta_t) \\
v_{t+1} = \beta_2 v_t + (1 - \beta_2) (\nabla_\theta J(\theta_t))^2 \\
\hat{m}_{t+1} = \frac{m_{t+1}}{1 - \beta_1^{t+1}} \\
\hat{v}_{t+1} = \frac{v_{t+1}}{1 - \beta_2^{t+1}} \\
\theta_{t+1} = \theta_t - \alpha \frac{\hat{m}_{t+1}}{\sqrt{\hat{v}_{t+1}} + \epsilon}`;
const BEHIND = String.raw`m_t = \beta_1 m_{t-1} + (1 - \beta_1) \nabla_w L(w_{t-1}) \\
v_t = \beta_2 v_{t-1} + (1 - \beta_2) (\nabla_w L(w_{t-1}))^2 \\
\hat{m}_t = \frac{m_t}{1 - \beta_1^t} \\
\hat{v}_t = \frac{v_t}{1 - \beta_2^t} \\
w_t = w_{t-1} - \alpha \frac{\hat{m}_t}{\sqrt{\hat{v}_t} + \epsilon}`;
// moments at t, the weights one ahead: the moments' index is the counter (t = 1 on the first update)
const MIXED = String.raw`m_t = \beta_1 m_{t-1} + (1 - \beta_1) \nabla_w L(w_t) \\
v_t = \beta_2 v_{t-1} + (1 - \beta_2) (\nabla_w L(w_t))^2 \\
w_{t+1} = w_t - \alpha \frac{m_t / (1 - \beta_1^t)}{\sqrt{v_t / (1 - \beta_2^t)} + \epsilon}`;

// f(x, y) = 2x² + 0.5y², minimum (0, 0); start far from it so no gradient is near ε
const f = (w: number[]) => 2 * w[0] ** 2 + 0.5 * w[1] ** 2;
const grad = (w: number[]) => [4 * w[0], w[1]];
const h = {alpha: 0.05, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-8, gamma: 0.9, rho: 0.9, lambda: 0};

describe("the rule's own t: update number minus the offset of its newest index", () => {
  it("reads the offset from the left sides: 1 for θ_{t+1}, 0 for θ_t, 0 for m_t beside w_{t+1}", () => {
    expect([AHEAD, BEHIND, MIXED].map((r) => readRule(r).timeOffset)).toEqual([1, 0, 0]);
  });

  for (const [name, latex] of [["θ_{t+1} with β^{t+1}", AHEAD], ["w_t with β^t", BEHIND], ["m_t, v_t with w_{t+1} and β^t", MIXED]] as const) {
    it(`Adam printed as ${name} is the reference Adam's path within 1e-6 over 100 steps`, () => {
      const rec = compileRecurrence(latex);
      const mine = runRecurrence(f, grad, [1.5, -2], rec, {...h}, 100);
      const ref = runOptimizer(f, grad, [1.5, -2], adamStep, h, 100);
      expect(mine.stopped).toBeNull();
      expect(mine.path).toHaveLength(101);
      let d = 0;
      mine.path.forEach((w, k) => w.forEach((x, i) => (d = Math.max(d, Math.abs(x - ref.path[k][i])))));
      expect(d).toBeLessThan(1e-6);
      // the first update: m̂ = g, v̂ = g², so each coordinate moves by α g / (|g| + ε) ≈ α (an off-by-one counter gives 0.744 α)
      expect(mine.path[1][0]).toBeCloseTo(1.5 - 0.05, 7);
      expect(mine.path[1][1]).toBeCloseTo(-2 + 0.05, 7);
    });
  }
});

describe("the generated TypeScript counts the same way", () => {
  const doc = `# Adam\n\n## Core algorithm\n\n$$\n${AHEAD}\n$$\n\nAnd the same, one step behind:\n\n$$\n${BEHIND}\n$$\n`;
  const compiled: {c: CompiledFormula; plan: NonNullable<Awaited<ReturnType<typeof analyzeChapter>>[number]["plan"]>}[] = [];
  beforeAll(async () => {
    await tf.setBackend("cpu");
    for (const r of await analyzeChapter(extractMathBlocks(doc, "adam.md"), {seed: 1})) {
      if (r.plan?.kind === "recurrence") compiled.push({c: compilePlan(r.plan, {line: r.line}), plan: r.plan});
    }
  }, 60_000);
  const load = (c: CompiledFormula) => {
    const names = Object.keys(RUNTIME);
    return new Function(...names, `"use strict";\n${c.js}\nreturn {${c.functions.map((x) => x.name).join(", ")}};`)(...names.map((n) => RUNTIME[n])) as Record<string, (a: Record<string, unknown>) => unknown>;
  };

  it("both printings compile; the loop hands step() t − 1 for θ_{t+1} and t for θ_t; iterates equal runPlan's to 1e-9", () => {
    expect(compiled).toHaveLength(2);
    expect(compiled[0].c.source).toContain("state = step(state, hyper, t - 1);");
    expect(compiled[1].c.source).toContain("state = step(state, hyper, t);");
    for (const {c, plan} of compiled) {
      const want = runPlan(plan, plan.symbols, 30).iterates!;
      const got = readIterates(load(c)[c.recurrence!.iterates](recurrenceArguments(c, plan, plan.symbols, 30)))!;
      expect(got).toHaveLength(want.length);
      got.forEach((x, k) => x.w.forEach((v, j) => expect(Math.abs(v - want[k].w[j])).toBeLessThan(1e-9)));
      // Adam's first step is α per coordinate (away from a zero gradient), whichever way the rule is printed
      const alpha = plan.symbols.find((s) => s.key === "alpha")!.value as number;
      expect(got[1].w.some((v, j) => v !== got[0].w[j])).toBe(true);
      got[1].w.forEach((v, j) => {
        if (Math.abs(got[0].w[j] - v) > 0) expect(Math.abs(got[0].w[j] - v)).toBeCloseTo(alpha, 6);
      });
    }
  });
});
