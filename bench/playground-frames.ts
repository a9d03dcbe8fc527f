/**
 * The redraw protocol both playground benchmarks use (the harness page and a built book page), measured as the
 * reader sees it: per slider move, the input is dispatched at the start of an animation frame (inside a
 * requestAnimationFrame callback, as Chromium dispatches rAF-aligned input), then every frame the browser
 * produces is checked, after it is rendered (a message posted from a rAF callback runs after that frame's style,
 * layout and paint), until the page shows every cell redrawn: the surface's and the loss chart's paths changed and
 * every update rule with a learning rate shows the new number.
 *
 * - `frame`: the duration of that frame, from its begin time (the rAF timestamp) to after its paint. This is the
 *   "redraws within a frame" number: it holds the cells' work, style, layout and paint, whichever callback ran them.
 * - `latency`: from the input event to the end of that frame (includes waiting for the frame to start; Framework
 *   re-runs cells in the frame after the input, so a book page is one frame behind the composed widget).
 * - `late`: how many frames after the input's own frame the redraw appeared (0: the same frame).
 */
import type {Page} from "playwright-core";

export interface MoveTimes {
  frame: number[];
  latency: number[];
  late: number[];
  /** moves whose redraw never appeared within 10 frames */
  missing: number;
}

/** Sweeps the α slider (10^-2.6 … 10^-1.4, some runs diverge as a student's would) `moves` times after 20 warm-up moves. */
export async function measureMoves(page: Page, o: {root: string; moves: number}): Promise<MoveTimes> {
  // tsx (esbuild keepNames) wraps named functions in __name(); the function sent to the page needs it too
  await page.evaluate("window.__name = (f) => f");
  return page.evaluate(async ({root, moves}) => {
    const box = document.querySelector(root)!;
    const alpha = box.querySelector("input[name=alpha]") as HTMLInputElement;
    const state = () => ({
      surface: [...box.querySelectorAll(".gb-pg-surface .gb-ls-path path:nth-of-type(2)")].map((p) => p.getAttribute("d")).join("|"),
      curves: [...box.querySelectorAll(".gb-pg-curves .gb-lc-line")].map((p) => p.getAttribute("d")).join("|"),
      rules: [...box.querySelectorAll(".gb-pg-rule")].map((r) => (r.querySelector(".gb-pg-k-alpha") ? r.textContent : null))
    });
    const redrawn = (a: ReturnType<typeof state>, b: ReturnType<typeof state>) =>
      a.surface !== b.surface && a.curves !== b.curves && a.rules.length === b.rules.length && a.rules.every((r, k) => r === null || r !== b.rules[k]);
    const afterFrame = () => new Promise<{ts: number; end: number}>((ok) => requestAnimationFrame((ts) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => ok({ts, end: performance.now()});
      ch.port2.postMessage(0);
    }));
    const out = {frame: [] as number[], latency: [] as number[], late: [] as number[], missing: 0};
    for (let i = 0; i < moves + 20; i++) {
      await afterFrame();
      const before = state();
      // the input at the start of a frame
      const {tIn, first} = await new Promise<{tIn: number; first: Promise<{ts: number; end: number}>}>((ok) => requestAnimationFrame((ts) => {
        const tIn = performance.now();
        alpha.value = String(-2.6 + (1.2 * (i % 50)) / 49);
        alpha.dispatchEvent(new Event("input", {bubbles: true}));
        // this frame's end: a message posted now runs after this frame is rendered
        const first = new Promise<{ts: number; end: number}>((done) => {
          const ch = new MessageChannel();
          ch.port1.onmessage = () => done({ts, end: performance.now()});
          ch.port2.postMessage(0);
        });
        ok({tIn, first});
      }));
      let f = await first, late = 0;
      while (!redrawn(state(), before) && late < 10) {
        f = await afterFrame();
        late++;
      }
      if (i < 20) continue;
      if (late >= 10) {
        out.missing++;
        continue;
      }
      out.frame.push(f.end - f.ts);
      out.latency.push(f.end - tIn);
      out.late.push(late);
    }
    return out;
  }, o);
}

/** median, p95 and max of a sample. */
export function stats(xs: number[]): {median: number; p95: number; max: number} {
  const s = xs.slice().sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
  return {median: at(0.5), p95: at(0.95), max: s[s.length - 1] ?? NaN};
}
