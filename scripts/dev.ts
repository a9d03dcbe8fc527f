/**
 * npm run dev — generates the book, starts Framework's preview server (live reload) and regenerates pages
 * whenever a chapter (or chapters/book.json, or an exercise file) changes, printing file:line diagnostics.
 */
import {spawn} from "node:child_process";
import {watch} from "node:fs";
import {join} from "node:path";
import {formatDiagnostic} from "../src/diagnostics.js";
import {defaultEnrichers} from "../src/enrichers.js";
import {generateBook} from "../src/generate.js";
import {fillOfflineCache} from "./offline-cache.js";
import {vendor} from "./vendor.js";

const root = process.cwd();
const port = process.env.PORT ?? "3000";

async function regenerate(reason: string): Promise<void> {
  const t0 = performance.now();
  try {
    const r = await generateBook({root, enrichers: await defaultEnrichers(root), showDiagnostics: true});
    for (const d of r.diagnostics) console.log(formatDiagnostic(d));
    const errors = r.diagnostics.filter((d) => d.severity === "error").length;
    console.log(`[gradbook] ${reason}: ${r.pages.length} pages in ${Math.round(performance.now() - t0)} ms, ${errors} errors, ${r.diagnostics.length - errors} warnings`);
  } catch (e) {
    console.error(`[gradbook] generation failed (${reason}): ${(e as Error).stack ?? e}`);
  }
}

await regenerate("start");
await fillOfflineCache();
await vendor(join(root, "book"));

// Regenerations run one after another: a save during a generation waits for it instead of racing it.
let queue: Promise<void> = Promise.resolve();
let timer: NodeJS.Timeout | undefined;
let pending = new Set<string>();
watch(join(root, "chapters"), {recursive: true}, (_event, file) => {
  if (!file) return;
  pending.add(String(file));
  clearTimeout(timer);
  timer = setTimeout(() => {
    const files = [...pending].join(", ");
    pending = new Set();
    queue = queue.then(() => regenerate(`changed ${files}`));
  }, 150);
});

const preview = spawn("npx", ["observable", "preview", "--port", port, "--no-open", "--host", "127.0.0.1"], {
  stdio: "inherit",
  env: {...process.env, OBSERVABLE_TELEMETRY_DISABLE: "1"}
});
preview.on("exit", (code) => process.exit(code ?? 0));
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => preview.kill(sig));
