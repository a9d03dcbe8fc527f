/**
 * TrainingPanel in headless Chromium: the chapters' translated programs, MNIST and the wasm binaries served from
 * loopback, short deterministic runs through the gb-* URL parameters, results read from the element's data-*.
 */
import {mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {build} from "esbuild";
import {chromium, type BrowserContext} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {serveStatic} from "./browser/server.js";
import {emptyBuiltins} from "../scripts/vendor.js";
import {loadAll} from "../src/generate.js";
import {translateCodeSection} from "../src/trainingEnricher.js";
import {mnistSplit} from "../data/mnist.js";
import {wasmBinary} from "../data/wasm.js";

const ROOT = resolve(import.meta.dirname, "..");
const WASM = ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"];


const ENTRY = `
import {TrainingPanel} from "./components/widgets/TrainingPanel.ts";
const q = new URLSearchParams(location.search);
const programs = await fetch("programs.json").then((r) => r.json());
const file = (name) => ({arrayBuffer: () => fetch(name).then((r) => r.arrayBuffer())});
const wasmPaths = Object.fromEntries(${JSON.stringify(WASM)}.map((f) => [f, new URL(f, location.href).href]));
document.body.append(TrainingPanel(programs[q.get("chapter")], {mnistTrain: file("mnist-train.bin"), mnistTest: file("mnist-test.bin"), wasmPaths}));
`;

/** The program the generator emits for a chapter's code-practice page. */
const {chapters} = loadAll(ROOT);
function programOf(prefix: string) {
  const chapter = chapters.find((c) => c.part.file.startsWith(prefix))!;
  return translateCodeSection(chapter, chapter.sections.find((s) => s.kind === "code")!).program;
}

let dir = "", profile = "";
let server: Awaited<ReturnType<typeof serveStatic>>;
let context: BrowserContext;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gb-panel-"));
  const out = await build({stdin: {contents: ENTRY, resolveDir: ROOT, loader: "ts"}, bundle: true, format: "esm", platform: "browser",
    target: "es2022", write: false, define: {"process.env.NODE_ENV": '"production"'}, plugins: [emptyBuiltins], logLevel: "error"});
  writeFileSync(join(dir, "bundle.js"), out.outputFiles[0].text);
  writeFileSync(join(dir, "index.html"), `<!doctype html><html lang="zh"><meta charset="utf-8"><title>panel</title><body><script type="module" src="bundle.js"></script>`);
  writeFileSync(join(dir, "programs.json"), JSON.stringify(Object.fromEntries(["000", "001", "002", "003", "004"].map((c) => [c, programOf(c)]))));
  writeFileSync(join(dir, "mnist-train.bin"), mnistSplit("train", 3000));
  writeFileSync(join(dir, "mnist-test.bin"), mnistSplit("t10k", 10_000));
  for (const f of WASM) writeFileSync(join(dir, f), wasmBinary(f));
  server = await serveStatic(dir);
  profile = mkdtempSync(join(tmpdir(), "gb-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", headless: true,
    args: ["--headless", "--no-sandbox", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--enable-unsafe-webgpu", "--enable-unsafe-swiftshader"]
  });
});

afterAll(async () => {
  await context?.close();
  await server?.close();
  rmSync(dir, {recursive: true, force: true});
  rmSync(profile, {recursive: true, force: true});
});

async function run(query: string, timeout = 120_000) {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${server.url}/index.html?${query}`);
  await page.waitForSelector(".gb-training[data-state='done'], .gb-training[data-state='error']", {timeout, state: "attached"});
  const data: Record<string, string | number | undefined> = await page.$eval(".gb-training", (e) => ({...(e as HTMLElement).dataset,
    result: e.querySelector(".gb-train-result")?.textContent ?? "", error: e.querySelector(".gb-train-error")?.textContent ?? "",
    badge: e.querySelector(".gb-train-badge")?.textContent ?? "", svgs: e.querySelectorAll(".gb-train-charts svg").length}));
  await page.close();
  return {data, errors};
}

describe("TrainingPanel in Chromium", () => {
  test("000 MLP: 2,000 images, 1 epoch on wasm → done, real test accuracy over 10,000 images", async () => {
    const {data, errors} = await run("chapter=000&gb-train-limit=2000&gb-epochs=1&gb-backend=wasm&gb-autostart=1");
    expect(errors).toEqual([]);
    expect(data.error).toBe("");
    expect(data.state).toBe("done");
    expect(data.backend).toBe("wasm");
    expect(data.trainSize).toBe("2000");
    expect(data.testSize).toBe("10000");
    expect(Number(data.testAccuracy)).toBeGreaterThan(0.8);
    expect(data.result).toMatch(/文中只给出训练集准确率 89\.60%/);
    expect(data.svgs).toBeGreaterThanOrEqual(2);
  });

  test("002 CNN on wasm (composed conv gradients): 300 images, 1 epoch, 1,000 test images", async () => {
    const {data, errors} = await run("chapter=002&gb-train-limit=300&gb-test-limit=1000&gb-epochs=1&gb-backend=wasm&gb-autostart=1");
    expect(errors).toEqual([]);
    expect(data.error).toBe("");
    expect(data.state).toBe("done");
    expect(data.backend).toBe("wasm");
    expect(Number(data.testAccuracy)).toBeGreaterThan(0.3); // 10 classes: chance is 0.1
    expect(data.result).toMatch(/文中声称 97\.59%/);
  });

  test("003 CNN on MNIST padded to 32×32×3 with validation_split 0.2", async () => {
    const {data} = await run("chapter=003&gb-train-limit=250&gb-test-limit=500&gb-epochs=1&gb-backend=wasm&gb-autostart=1");
    expect(data.error).toBe("");
    expect(data.state).toBe("done");
    expect(data.trainSize).toBe("200");
  });

  test("001 table: 3 training rows, 1 test row, 100 epochs; the accuracy can only be 0 or 1", async () => {
    const {data} = await run("chapter=001&gb-backend=cpu&gb-autostart=1");
    expect(data.state).toBe("done");
    expect(data.trainSize).toBe("3");
    expect(data.testSize).toBe("1");
    expect(["0", "1"]).toContain(data.testAccuracy as string);
  });

  test("004 NumPy GD: θ equals the closed form and is ≈ 2.7", async () => {
    const {data} = await run("chapter=004&gb-autostart=1");
    expect(data.state).toBe("done");
    expect(Math.abs(Number(data.theta) - Number(data.thetaClosedForm))).toBeLessThan(1e-3);
    expect(Number(data.theta)).toBeGreaterThan(2.5);
    expect(Number(data.theta)).toBeLessThan(2.9);
  });

  test("a bad URL parameter is shown in place, not thrown", async () => {
    const {data, errors} = await run("chapter=000&gb-epochs=zero&gb-autostart=1");
    expect(errors).toEqual([]);
    expect(data.state).toBe("error");
    expect(data.error).toMatch(/gb-epochs=zero must be a positive integer/);
  });
});
