/**
 * npm run bench: runs every bench/*.bench.ts in turn (each in its own `tsx` process) and prints one table.
 * Protocol for a bench file: print lines `BENCH {"metric": "...", "value": 1.2, "unit": "ms", "target": "≤ 16"}`
 * (use `report()` below); every other line is passed through. A bench that exits non-zero is listed as failed.
 * `npm run bench -- playground` runs only files whose name contains "playground".
 */
import {spawnSync} from "node:child_process";
import {readdirSync} from "node:fs";
import {dirname, join, resolve} from "node:path";
import {fileURLToPath, pathToFileURL} from "node:url";

export interface BenchRow {
  metric: string;
  value: number | string;
  unit?: string;
  target?: string;
}

/** Prints one result line in the protocol above. */
export function report(row: BenchRow): void {
  console.log(`BENCH ${JSON.stringify(row)}`);
}

function main() {
  const dir = dirname(fileURLToPath(import.meta.url));
  const filter = process.argv[2] ?? "";
  const files = readdirSync(dir).filter((f) => f.endsWith(".bench.ts") && f.includes(filter)).sort();
  const rows: (BenchRow & {bench: string})[] = [];
  const failed: string[] = [];
  const tsx = resolve(dir, "../node_modules/.bin/tsx");
  for (const f of files) {
    const bench = f.replace(/\.bench\.ts$/, "");
    console.error(`▶ ${bench}`);
    const r = spawnSync(tsx, [join(dir, f)], {encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 << 20});
    for (const line of (r.stdout ?? "").split("\n")) {
      if (line.startsWith("BENCH ")) {
        try {
          rows.push({bench, ...(JSON.parse(line.slice(6)) as BenchRow)});
        } catch {
          console.log(line);
        }
      } else if (line) console.log(line);
    }
    if (r.status !== 0) failed.push(`${bench} (exit ${r.status ?? r.signal})`);
  }
  const table = [["bench", "metric", "value", "unit", "target"], ...rows.map((r) => [r.bench, r.metric, typeof r.value === "number" ? String(+r.value.toPrecision(4)) : r.value, r.unit ?? "", r.target ?? ""])];
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  const line = (row: string[]) => row.map((cell, c) => cell.padEnd(widths[c])).join("  ");
  console.log("\n" + line(table[0]));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of table.slice(1)) console.log(line(row));
  if (files.length === 0) console.log(`(no bench/*.bench.ts${filter ? ` matching "${filter}"` : ""})`);
  if (failed.length) {
    console.log(`\nfailed: ${failed.join(", ")}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
