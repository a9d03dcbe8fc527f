/**
 * The translator and the training panel end to end in headless Chromium, on documents no chapter resembles: a small
 * book is built (in a temporary copy of the project, offline) from five documents of test/corpus-code/ — Keras on
 * NumPy arrays, a PyTorch Module + DataLoader, BCEWithLogits with Nesterov SGD, AdamW with BatchNorm, and a residual
 * block the page cannot follow — then each code page trains its model with the document's own settings and the test
 * metric must land within answers.json's tolerance of the number the document claims.
 */
import {execFileSync} from "node:child_process";
import {cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import type {KerasProgram} from "../../components/models/keras/program.js";
import {loadAll} from "../../src/generate.js";
import {translateCodeSection} from "../../src/trainingEnricher.js";
import {type BookSession, startBook} from "./harness.js";

const CORPUS = resolve("test/corpus-code");
const answers = JSON.parse(readFileSync(join(CORPUS, "answers.json"), "utf-8")) as Record<string, {
  framework: string; trainable: boolean; claim: {metric: "accuracy" | "loss"; split: string; value: number}; tolerance: {abs?: number; rel?: number};
}>;
const DOCS = ["02_keras_numpy_boolean_labels.md", "06_pytorch_module_dataloader.md", "07_pytorch_bce_logits_nesterov.md",
  "08_pytorch_adamw_batchnorm.md", "15_keras_unsupported_side_code.md", "16_pytorch_residual_unsupported.md"];

/** What the generator's translation says of each document, computed here in Node (the page must show the same lines). */
const translated = new Map(loadAll(resolve("."), "test/corpus-code").chapters.map((c) => {
  const r = translateCodeSection(c, c.sections.find((s) => s.kind === "code")!);
  return [c.file.split("/").pop()!, {program: r.program as KerasProgram | undefined, errors: r.diagnostics.filter((d) => d.severity === "error").map((d) => d.line)}];
}));

let dir = "";
let book: BookSession;

/** Copies the project without its outputs, puts the chosen documents in chapters/ and builds the book offline. */
function buildFixtureBook(): string {
  const root = resolve(".");
  const out = mkdtempSync(join(tmpdir(), "gb-training-corpus-"));
  const skip = new Set(["node_modules", "dist", "book", ".git", "chapters", "test", "bench", ".observablehq"]);
  for (const name of readdirSync(root)) {
    if (skip.has(name)) continue;
    cpSync(join(root, name), join(out, name), {recursive: true});
  }
  symlinkSync(join(root, "node_modules"), join(out, "node_modules"), "dir");
  mkdirSync(join(out, "chapters"));
  for (const d of DOCS) cpSync(join(CORPUS, d), join(out, "chapters", d));
  execFileSync(process.execPath, ["scripts/build-offline.mjs"], {cwd: out, stdio: "pipe", timeout: 240_000});
  return out;
}

/** The code page of a document: the page of its part whose script mounts the training panel (or its note). */
function codePage(doc: string): string {
  const slug = doc.replace(/\.md$/, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  const part = join(dir, "dist", slug);
  const page = readdirSync(part).filter((f) => f.endsWith(".html")).find((f) => /TrainingPanel|gb-training/.test(readFileSync(join(part, f), "utf-8")));
  if (!page) throw new Error(`no page of ${slug} mounts the training panel`);
  return `/${slug}/${page.replace(/\.html$/, "")}`;
}

beforeAll(async () => {
  dir = buildFixtureBook();
  book = await startBook(join(dir, "dist"));
}, 300_000);
afterAll(async () => {
  await book?.close();
  if (dir && existsSync(dir)) rmSync(dir, {recursive: true, force: true});
});

async function trainPage(doc: string) {
  const {page, report} = await book.open(`${codePage(doc)}?gb-backend=wasm&gb-run=full&gb-autostart=1`);
  await page.waitForSelector(".gb-training[data-state=done], .gb-training[data-state=error]", {timeout: 90_000});
  const panel = page.locator(".gb-training[data-state]").first();
  const data = await panel.evaluate((e) => ({...(e as HTMLElement).dataset}));
  const text = (await panel.textContent()) ?? "";
  const unsupported = await page.locator(".gb-train-unsupported li").evaluateAll((es) => es.map((e) => Number((e as HTMLElement).dataset.line)));
  await page.close();
  return {data, text, report, unsupported};
}

function within(doc: string, measured: number): void {
  const {claim, tolerance} = answers[doc];
  const tol = tolerance.abs ?? (tolerance.rel ?? 0) * Math.abs(claim.value);
  expect(Math.abs(measured - claim.value), `${doc}: ${claim.metric} ${measured} against the claimed ${claim.value} ± ${tol}`).toBeLessThanOrEqual(tol);
}

describe("documents of test/corpus-code/ train in Chromium and land on their claims", () => {
  for (const doc of DOCS.filter((d) => answers[d].trainable)) {
    test(`${doc}: ${answers[doc].framework}, test ${answers[doc].claim.metric} within tolerance of ${answers[doc].claim.value}`, async () => {
      const {data, text, report, unsupported} = await trainPage(doc);
      expect(data.state, text).toBe("done");
      // what the page cannot follow is listed at the lines the translator reported (15: the try block at line 27)
      expect(unsupported).toEqual((translated.get(doc)!.program!.unsupported ?? []).map((u) => u.line));
      if (doc.startsWith("15_")) expect(unsupported).toContain(27);
      expect(data.backend).toBe("wasm");
      expect(answers[doc].claim.split).toBe("test");
      const measured = Number(answers[doc].claim.metric === "accuracy" ? data.testAccuracy : data.testLoss);
      console.log(`${doc}: test ${answers[doc].claim.metric} ${measured.toFixed(4)} (claimed ${answers[doc].claim.value}), ${data.trainSize} train / ${data.testSize} test, ${data.epochsDone} epochs`);
      within(doc, measured);
      if (answers[doc].framework === "pytorch") expect(text).toMatch(/PyTorch/);
      expect(report.consoleErrors).toEqual([]);
      expect(report.externalRequests).toEqual([]);
    }, 120_000);
  }

  test("08: the BatchNorm layers and AdamW's weight decay are shown on the page", async () => {
    const {page, report} = await book.open(codePage("08_pytorch_adamw_batchnorm.md"));
    const panel = page.locator(".gb-training").first();
    await panel.waitFor({timeout: 30_000});
    const text = (await panel.textContent()) ?? "";
    expect(text).toMatch(/BatchNorm/);
    expect(text).toMatch(/adamw\(learning_rate=[\d.e-]+, weightDecay=/);
    expect(await page.locator(".gb-train-code-python pre").count()).toBeGreaterThan(0);
    expect(report.consoleErrors).toEqual([]);
    await page.close();
  }, 60_000);

  for (const doc of DOCS.filter((d) => !answers[d].trainable)) {
    test(`${doc}: the page says it cannot train the model and names the line`, async () => {
      const source = readFileSync(join(CORPUS, doc), "utf-8").split("\n");
      const {page, report} = await book.open(codePage(doc));
      const box = page.locator(".gb-training-untrainable").first();
      await box.waitFor({timeout: 30_000});
      const text = (await box.textContent()) ?? "";
      const lines = [...text.matchAll(/第 (\d+) 行|[Ll]ine (\d+)/g)].map((m) => Number(m[1] ?? m[2]));
      expect(lines.length, text).toBeGreaterThan(0);
      // every named line is a line of the document's Python
      for (const n of lines) expect(source[n - 1]?.trim().length ?? 0, `line ${n}`).toBeGreaterThan(0);
      expect(lines).toEqual(translated.get(doc)!.errors.slice(0, 8));
      expect(lines).toContain(27); // the residual h + x (answers: not trainable)
      expect(await page.locator(".gb-training[data-state]").count()).toBe(0);
      expect(report.consoleErrors).toEqual([]);
      expect(report.externalRequests).toEqual([]);
      await page.close();
    }, 60_000);
  }
});
