/** Styles of the Playground widget, injected once per page (Framework pages do not import component CSS). */
export const PLAYGROUND_CSS = `
.gb-playground { border: 1px solid var(--theme-foreground-faintest, #ddd); border-radius: 6px; padding: 0.75rem 1rem; margin: 1.5rem 0; max-width: min(1100px, 100%); box-sizing: border-box; }
.gb-playground select { max-width: 100%; }
.gb-pg-top { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; }
.gb-pg-note { color: var(--theme-foreground-muted, #555); font-size: 0.92em; margin: 0.4rem 0; }
.gb-pg-main { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
.gb-pg-plot { flex: 1 1 420px; min-width: 0; max-width: 100%; }
.gb-pg-controls { flex: 1 1 260px; min-width: 0; min-inline-size: 0; max-width: 100%; box-sizing: border-box; border: 1px solid var(--theme-foreground-faintest, #ddd); border-radius: 4px; padding: 0.5rem 0.75rem; margin: 0; }
.gb-pg-row { display: grid; grid-template-columns: minmax(5rem, 8.5rem) minmax(0, 1fr) 4.5rem; align-items: center; gap: 0.4rem; margin: 0.2rem 0; }
.gb-pg-row input[type=range] { width: 100%; }
.gb-pg-row output { font-family: var(--monospace, monospace); font-size: 0.85em; text-align: right; }
.gb-pg-start input { width: 5.5rem; }
.gb-pg-opts { display: flex; flex-wrap: wrap; gap: 0.75rem; margin: 0.5rem 0; border: none; padding: 0; }
.gb-pg-swatch { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 2px; vertical-align: -0.1em; margin-right: 0.25em; border: 1px solid #0003; }
.gb-pg-anim { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; margin: 0.5rem 0; }
.gb-pg-anim button { min-width: 3rem; }
.gb-pg-messages { min-height: 1.2em; font-size: 0.92em; contain: content; }
.gb-pg-messages p { margin: 0.15rem 0; }
.gb-pg-stop { color: #b02a37; font-weight: 600; }
.gb-pg-error { color: #b02a37; }
/* the light theme's red is 2.6:1 on the dark background: a lighter red there (about 7:1) */
@media (prefers-color-scheme: dark) { .gb-pg-stop, .gb-pg-error { color: #ff9b9b; } }
.gb-pg-stated { border-left: 3px solid #6a3d9a; background: #6a3d9a0f; padding: 0.25rem 0.75rem; margin: 0.5rem 0; font-size: 0.92em; }
.gb-pg-stated p { margin: 0.25rem 0; }
.gb-pg-stated-live { font-weight: 600; }
.gb-pg-formulas { font-size: 0.95em; overflow-x: auto; contain: content; }
.gb-pg-formulas p { margin: 0.3rem 0; }
`;
