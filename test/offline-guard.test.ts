import {spawnSync} from "node:child_process";
import {resolve} from "node:path";
import {describe, expect, test} from "vitest";

const guard = resolve("scripts/no-network.mjs");
function run(code: string) {
  return spawnSync(process.execPath, [`--import=${guard}`, "-e", code], {encoding: "utf-8", timeout: 20_000});
}

describe("the offline guard that npm test builds under", () => {
  test("blocks fetch, https and DNS to other hosts with a clear message", () => {
    const r = run(`
      const out = [];
      const done = () => console.log(JSON.stringify(out));
      fetch("https://cdn.jsdelivr.net/npm/d3").then(() => out.push("fetch leaked"), (e) => out.push(e.message));
      try { require("node:https").get("https://registry.npmjs.org/d3"); } catch (e) { out.push(e.message); }
      require("node:dns").lookup("fonts.googleapis.com", (e) => { out.push(e ? e.message : "dns leaked"); setTimeout(done, 50); });
    `);
    const out = JSON.parse(r.stdout.trim()) as string[];
    expect(out).toHaveLength(3);
    for (const m of out) expect(m).toMatch(/^gradbook offline guard: blocked network access to /);
    expect(out.join(" ")).toContain("cdn.jsdelivr.net");
    expect(out.join(" ")).toContain("registry.npmjs.org");
  });
  test("lets loopback through (the browser tests' static server)", () => {
    const r = run(`
      const http = require("node:http");
      const s = http.createServer((q, a) => a.end("ok")).listen(0, "127.0.0.1", async () => {
        const res = await fetch("http://127.0.0.1:" + s.address().port + "/");
        console.log(await res.text());
        s.close();
      });
    `);
    expect(r.stdout.trim()).toBe("ok");
  });
});
