/**
 * The second code corpus, test/corpus-code-extra/: what tutorials write next — list comprehensions building layers
 * (nn.ModuleList, nn.Sequential(*blocks), Keras layer lists), lambdas (NumPy helpers, a LearningRateScheduler),
 * learning-rate schedules (StepLR, ExponentialLR, CosineAnnealingLR, Keras ExponentialDecay), torch.nn.functional
 * losses, model.train()/eval(), enumerate(loader), .item(), f-string prints. Claims come from running the programs
 * with PyTorch 1.13 / NumPy 1.24 (Keras ones: the same program in PyTorch, see answers.json "source"). Each
 * document is translated as the generator does, read back from its TypeScript, trained with tfjs's cpu backend.
 */
import * as tf from "@tensorflow/tfjs";
import {readFileSync} from "node:fs";
import {beforeAll, describe, expect, test} from "vitest";
import type {KerasProgram, NumpyScriptProgram} from "../components/models/keras/program.js";
import {isParseError, parseProgram} from "../components/models/parseProgram.js";
import {printProgram} from "../components/models/printProgram.js";
import {loadAll} from "../src/generate.js";
import {translateCodeSection} from "../src/trainingEnricher.js";
import {measureClaim} from "./trainingMeasure.js";

interface Answer {
  framework: "keras" | "pytorch" | "numpy";
  dataset: "arrays";
  trainable: boolean;
  claim: {metric: "accuracy" | "loss"; split: "test" | "train"; value: number};
  tolerance: {abs: number};
}

const DIR = "test/corpus-code-extra";
const answers: Record<string, Answer> = JSON.parse(readFileSync(`${DIR}/answers.json`, "utf-8"));
const {chapters} = loadAll(process.cwd(), DIR);
const translated = chapters.map((c) => {
  const section = c.sections.find((s) => s.kind === "code")!;
  return {name: c.file.split("/").pop()!, ...translateCodeSection(c, section)};
});
const get = (prefix: string) => translated.find((t) => t.name.startsWith(prefix))!;
const program = (prefix: string) => get(prefix).program as KerasProgram;

const measure = (p: KerasProgram, a: Answer): Promise<number> => measureClaim(p, a, {});

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("the second code corpus (test/corpus-code-extra)", () => {
  test("six documents, each answered, each translated with no error and nothing unsupported", () => {
    expect(translated.map((t) => t.name).sort()).toEqual(Object.keys(answers).sort());
    for (const t of translated) {
      expect(t.diagnostics.filter((d) => d.severity === "error"), t.name).toEqual([]);
      const a = answers[t.name];
      if (a.framework === "numpy") {
        expect(t.script?.kind, t.name).toBe("numpy-script");
        expect(t.script?.unsupported, t.name).toEqual([]);
        continue;
      }
      const p = t.program as KerasProgram;
      expect(p.framework ?? "keras", t.name).toBe(a.framework);
      expect(p.dataset.id, t.name).toBe("arrays");
      expect(p.unsupported ?? [], t.name).toEqual([]);
      expect(p.claims.some((c) => c.metric === a.claim.metric && Math.abs(c.value - a.claim.value) < 1e-9), t.name).toBe(true);
    }
  });

  test("layers built by comprehensions: ModuleList unrolled in forward, nn.Sequential(*blocks), Keras list + list", () => {
    const dense = (p: KerasProgram) => p.layers.map((l) => (l.type === "dense" ? `${l.units}:${l.activation}` : l.type));
    expect(dense(program("01_"))).toEqual(["32:relu", "32:relu", "2:linear"]);
    expect(program("01_").inputShape).toEqual([2]);
    expect(dense(program("02_"))).toEqual(["24:tanh", "2:linear"]);
    expect(dense(program("03_"))).toEqual(["32:tanh", "32:tanh", "1:linear"]);
    expect(dense(program("04_"))).toEqual(["32:relu", "32:relu", "2:softmax"]);
    expect(program("02_").compile).toMatchObject({loss: "sparse_categorical_crossentropy", fromLogits: true, optimizer: {name: "sgd", learningRate: 0.5, momentum: 0.9}});
    expect(program("03_").compile.loss).toBe("mean_squared_error");
    expect(program("01_").fit).toMatchObject({epochs: 30, batchSize: 32, shuffle: true});
    expect(program("02_").fit).toMatchObject({epochs: 200, batchSize: 450});
  });

  test("learning-rate schedules are read with PyTorch's and Keras' arguments", () => {
    expect(program("01_").compile.schedule).toEqual({kind: "step", per: "epoch", stepSize: 10, gamma: 0.5, line: 37});
    expect(program("02_").compile.schedule).toEqual({kind: "exponential", per: "epoch", gamma: 0.98, line: 34});
    expect(program("03_").compile.schedule).toEqual({kind: "cosine", per: "epoch", tMax: 60, etaMin: 0, line: 28});
    expect(program("05_").compile.optimizer).toMatchObject({name: "sgd", learningRate: 0.05});
    expect(program("05_").compile.schedule).toEqual({kind: "decay", decaySteps: 100, decayRate: 0.9, staircase: true, line: 22});
    const table = program("04_").compile.schedule!;
    expect(table.kind).toBe("table");
    if (table.kind !== "table") return;
    // lambda epoch, lr: lr if epoch < 10 else lr * 0.9, from lr = 0.02: 0.02 for epochs 0–9, then × 0.9 each epoch
    expect(table.lrs.length).toBe(100);
    expect(table.lrs.slice(0, 10)).toEqual(Array(10).fill(0.02));
    expect(table.lrs[10]).toBeCloseTo(0.018, 12);
    expect(table.lrs[29]).toBeCloseTo(0.02 * 0.9 ** 20, 9);
    expect(table.text).toBe("lambda epoch, lr: lr if epoch < 10 else lr * 0.9");
  });

  test("every program's TypeScript reads back to the same program (the schedule included)", () => {
    for (const t of translated) {
      if (!t.program || t.program.kind !== "keras") continue;
      const back = parseProgram(printProgram(t.program), t.program);
      expect(isParseError(back) ? back : JSON.parse(JSON.stringify(back)), t.name).toEqual(JSON.parse(JSON.stringify(t.program)));
    }
  });

  test("the NumPy lambdas and comprehensions run: w → (3, −1), the printed loss", () => {
    const s = get("06_").script as NumpyScriptProgram;
    expect(s.printed.length).toBe(2);
    expect(s.printed[0].text).toMatch(/^\[\d+\.\d+, 0\.0\d+, 0\.0\d+, 0\.0\d+, 0\.0\d+\]$/);
    const loss = s.results.find((r) => r.metric === "loss")!.value;
    expect(Math.abs(loss - answers["06_numpy_lambda_comprehension.md"].claim.value)).toBeLessThanOrEqual(0.02);
  });

  test("every document reproduces its claim within tolerance (table printed)", async () => {
    const rows: string[] = [];
    let ok = 0;
    for (const t of translated) {
      const a = answers[t.name];
      const measured = a.framework === "numpy" ? (t.script as NumpyScriptProgram).results.find((r) => r.metric === a.claim.metric)?.value ?? NaN
        : await measure(t.program as KerasProgram, a);
      const pass = Math.abs(measured - a.claim.value) <= a.tolerance.abs;
      if (pass) ok++;
      rows.push(`${pass ? "✓" : "✗"} ${t.name.padEnd(44)} ${a.claim.metric} claimed ${a.claim.value} measured ${measured.toPrecision(4)}`);
    }
    console.log(rows.join("\n") + `\n${ok}/${translated.length} within tolerance`);
    expect(ok).toBe(translated.length);
  }, 300_000);
});
