/**
 * Styles of the playground's components, injected once per page (Framework pages do not import component CSS).
 * Path colours are custom properties with a light and a dark set, each ≥ 3:1 against the theme's background.
 */
export const PLAYGROUND_CSS = `
:root { --gb-pg-halo: #ffffff;
  --gb-pg-c1: #c62828; --gb-pg-c2: #e65100; --gb-pg-c3: #8e24aa; --gb-pg-c4: #2e7d32; --gb-pg-c5: #ad1457;
  --gb-pg-c6: #1565c0; --gb-pg-c7: #00838f; --gb-pg-c8: #6d4c41; --gb-pg-c9: #37474f; --gb-pg-c10: #827717; }
@media (prefers-color-scheme: dark) { :root { --gb-pg-halo: #161616;
  --gb-pg-c1: #ff8a80; --gb-pg-c2: #ffb74d; --gb-pg-c3: #ce93d8; --gb-pg-c4: #81c784; --gb-pg-c5: #f48fb1;
  --gb-pg-c6: #90caf9; --gb-pg-c7: #80deea; --gb-pg-c8: #bcaaa4; --gb-pg-c9: #eceff1; --gb-pg-c10: #e6ee9c; } }
.gb-pg-controls { border: 1px solid var(--theme-foreground-faintest, #ddd); border-radius: 6px; padding: 0.5rem 0.75rem; margin: 1rem 0 0.5rem; max-width: 100%; min-inline-size: 0; box-sizing: border-box; }
.gb-pg-sliders { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 16rem), 1fr)); gap: 0.2rem 1.25rem; }
.gb-pg-row { display: grid; grid-template-columns: minmax(4.5rem, 7.5rem) minmax(0, 1fr) 4.2rem; align-items: center; gap: 0.4rem; }
.gb-pg-row input[type=range] { width: 100%; min-width: 0; margin: 0; }
.gb-pg-row output { font-family: var(--monospace, monospace); font-size: 0.85em; text-align: right; }
.gb-pg-picker { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin: 0.5rem 0; }
.gb-pg-picker select { max-width: 100%; }
.gb-pg-presets { margin: 0.5rem 0 0; padding: 0; list-style: none; display: grid; gap: 0.35rem; }
.gb-pg-presets button { text-align: left; font: inherit; font-size: 0.9em; padding: 0.3rem 0.5rem; border: 1px solid var(--theme-foreground-faint, #bbb); border-radius: 4px; background: transparent; color: inherit; cursor: pointer; max-width: 100%; }
.gb-pg-presets button:hover { border-color: var(--theme-foreground-focus, #3b5fc0); }
.gb-pg-verdict { display: block; font-size: 0.85em; color: var(--theme-foreground-muted, #555); }
.gb-pg-verdict--false { color: #b02a37; }
@media (prefers-color-scheme: dark) { .gb-pg-verdict--false, .gb-pg-error { color: #ff9b9b; } }
.gb-pg-note { color: var(--theme-foreground-muted, #555); font-size: 0.92em; margin: 0.3rem 0; }
.gb-pg-error { color: #b02a37; }
.gb-pg-rule { margin: 0.5rem 0; max-width: 100%; overflow-x: auto; }
.gb-pg-rule figcaption { font-size: 0.9em; font-weight: 600; }
.gb-pg-num { color: var(--theme-foreground-focus, #3b5fc0); }
.gb-pg-figure { width: 100%; max-width: 100%; position: relative; margin: 0.5rem 0; }
.gb-pg-figure svg { display: block; overflow: visible; font-family: var(--sans-serif, system-ui, sans-serif); }
.gb-pg-figure text { font-size: 12px; }
.gb-ls-stack { position: relative; }
.gb-ls-stack > .gb-ls-base { position: absolute; left: 0; top: 0; pointer-events: none; }
.gb-ls-stack > .gb-loss-surface { position: relative; will-change: transform; }
.gb-3d-stack { position: relative; }
.gb-3d-stack > .gb-3d-overlay { position: absolute; left: 0; top: 0; pointer-events: none; will-change: transform; }
.gb-pg-figure .tick text { font-size: 12px; }
.gb-pg-legend { display: flex; flex-wrap: wrap; gap: 0.3rem 1rem; margin: 0.25rem 0; padding: 0; list-style: none; font-size: 0.9em; }
.gb-pg-legend li { display: inline-flex; align-items: center; gap: 0.35em; }
.gb-pg-legend svg { flex: none; }
.gb-pg-readout { min-height: 1.4em; font-size: 0.9em; font-variant-numeric: tabular-nums; margin: 0.2rem 0; overflow-wrap: anywhere; }
.gb-pg-readout p { margin: 0.1rem 0; }
.gb-pg-stop { color: #b02a37; font-weight: 600; }
@media (prefers-color-scheme: dark) { .gb-pg-stop { color: #ff9b9b; } }
.gb-pg-start { cursor: grab; outline: none; }
.gb-pg-start:focus-visible circle { stroke: var(--theme-foreground-focus, #3b5fc0); stroke-width: 3; }
details.gb-pg-code { margin: 0.5rem 0 1.5rem; font-size: 0.9em; }
details.gb-pg-code pre { max-height: 24rem; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
.gb-pg-3d { touch-action: pan-y; cursor: grab; outline: none; }
.gb-pg-3d:focus-visible { outline: 2px solid var(--theme-foreground-focus, #3b5fc0); }
`;

export function injectPlaygroundStyle(): void {
  if (typeof document === "undefined" || document.getElementById("gb-playground-style")) return;
  const style = document.createElement("style");
  style.id = "gb-playground-style";
  style.textContent = PLAYGROUND_CSS;
  document.head.appendChild(style);
}
