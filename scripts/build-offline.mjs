// Runs the same steps as `npm run build` with every Node process under the offline guard (scripts/no-network.mjs):
// the build fails loudly if anything tries to reach the network. `npm test` runs this before the tests.
import {spawnSync} from "node:child_process";
import {resolve} from "node:path";

const guard = resolve("scripts/no-network.mjs");
const env = {...process.env, OBSERVABLE_TELEMETRY_DISABLE: "1", NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import=${guard}`.trim()};
const bin = (name) => resolve("node_modules/.bin", name);
const steps = [
  [bin("tsx"), ["scripts/generate.ts"]],
  [bin("tsx"), ["scripts/offline-cache.ts"]],
  [bin("tsx"), ["scripts/vendor.ts"]],
  [bin("observable"), ["build"]],
  // The book's own search (npm run build's postbuild does the same), the cross-origin-isolation service worker, then
  // the Content-Security-Policy <meta> of every page.
  [bin("tsx"), ["scripts/search.ts", "dist"]],
  [bin("tsx"), ["components/coi/install.ts", "dist"]],
  [bin("tsx"), ["scripts/csp.ts", "dist"]]
];
const t0 = Date.now();
for (const [cmd, args] of steps) {
  const r = spawnSync(cmd, args, {stdio: ["ignore", "pipe", "inherit"], env, encoding: "utf-8"});
  const out = r.stdout ?? "";
  // Framework prints a page table; keep the log short but show the summary lines.
  process.stdout.write(out.split("\n").filter((l) => !/^[│├└ ]/.test(l) && !/→/.test(l)).join("\n"));
  if (/blocked network access/.test(out) || r.status !== 0) {
    console.error(`\nbuild-offline: ${[cmd, ...args].join(" ")} failed (exit ${r.status})`);
    process.exit(r.status || 1);
  }
}
console.log(`\nbuild-offline: built with no network in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
