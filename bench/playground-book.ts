/**
 * The redraw measured on a generated page (Framework's runtime running the notebook cells), when dist/ has one:
 * per slider move, from the start of the frame in which the cells re-run to the end of that frame (style, layout
 * and paint included), read as the time between a requestAnimationFrame callback queued right after the input
 * event and a message posted from it (which runs after the frame is rendered).
 */
import {existsSync, readdirSync, readFileSync} from "node:fs";
import {join} from "node:path";
import {startBook} from "../test/browser/harness.js";

export interface BookRedraw {
  page: string;
  frames: number[];
  errors: string[];
}

function playgroundPage(dist: string): string | null {
  const book = join(dist, "..", "book");
  if (!existsSync(book)) return null;
  for (const d of readdirSync(book, {withFileTypes: true}).filter((d) => d.isDirectory() && !/^[_.]/.test(d.name))) {
    for (const f of readdirSync(join(book, d.name)).filter((f) => f.endsWith(".md")).sort()) {
      if (readFileSync(join(book, d.name, f), "utf-8").includes("OptimizerControls(")) return `/${d.name}/${f.replace(/\.md$/, "")}`;
    }
  }
  return null;
}

export async function measureBookRedraw(dist = "dist", moves = 200): Promise<BookRedraw | null> {
  const path = existsSync(join(dist, "index.html")) ? playgroundPage(dist) : null;
  if (!path) return null;
  const book = await startBook(dist);
  try {
    const {page, report} = await book.open(path);
    await page.setViewportSize({width: 1200, height: 1000});
    await page.waitForSelector(".gb-pg-surface svg .gb-ls-path");
    // tsx (esbuild keepNames) wraps named functions in __name(); the function sent to the page needs it too
    await page.evaluate("window.__name = (f) => f");
    const frames = await page.evaluate(async (moves) => {
      const alpha = document.querySelector(".gb-pg-controls input[name=alpha]") as HTMLInputElement;
      const steps = document.querySelector(".gb-pg-controls input[name=steps]") as HTMLInputElement;
      const set = (input: HTMLInputElement, v: string) => {
        input.value = v;
        input.dispatchEvent(new Event("input", {bubbles: true}));
      };
      const frame = () => new Promise((ok) => requestAnimationFrame(ok));
      set(steps, "500");
      for (let i = 0; i < 5; i++) await frame();
      const out: number[] = [];
      for (let i = 0; i < moves + 20; i++) {
        await frame();
        const t = await new Promise<number>((ok) => {
          set(alpha, String(-2.6 + (1.2 * (i % 50)) / 49));
          requestAnimationFrame(() => {
            const t0 = performance.now();
            const ch = new MessageChannel();
            ch.port1.onmessage = () => ok(performance.now() - t0);
            ch.port2.postMessage(0);
          });
        });
        if (i >= 20) out.push(t);
      }
      return out;
    }, moves);
    await page.close();
    return {page: path, frames, errors: [...report.consoleErrors, ...report.pageErrors]};
  } finally {
    await book.close();
  }
}
