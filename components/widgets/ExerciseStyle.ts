/** Styles of the Exercise widget, injected once per page (Framework pages do not import component CSS). */
export const EXERCISE_CSS = `
.gb-exercise { border: 1px solid var(--theme-foreground-faintest, #ddd); border-left: 4px solid var(--theme-foreground-focus, #3b5fc0);
  border-radius: 6px; padding: 0.75rem 1rem; margin: 1.5rem 0; max-width: 960px; }
.gb-exercise-error { border-left-color: #c0392b; color: #c0392b; }
.gb-ex-head { display: flex; align-items: baseline; justify-content: space-between; gap: 1rem; }
.gb-ex-title { margin: 0; }
.gb-ex-points { color: var(--theme-foreground-muted, #666); font-size: 0.9em; }
.gb-ex-editor { border: 1px solid var(--theme-foreground-faintest, #ccc); border-radius: 4px; margin: 0.5rem 0; font-size: 14px; }
.gb-ex-editor .cm-editor { max-height: 28rem; }
.gb-ex-editor .cm-scroller { font-family: var(--monospace, ui-monospace, monospace); }
/* CodeMirror's default highlighting is made for a light background: in dark mode the editor stays light (axe
   color-contrast), framed by the dark page. */
@media (prefers-color-scheme: dark) {
  .gb-ex-editor .cm-editor { background: #fff; color: #1f2328; color-scheme: light; }
  .gb-ex-editor .cm-gutters { background: #f3f4f6; color: #57606a; border-right-color: #d0d7de; }
  .gb-ex-editor .cm-activeLineGutter { background: #e2e8f0; }
}
.gb-ex-actions, .gb-ex-submit { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin: 0.5rem 0; }
.gb-ex-status { min-height: 1.4em; font-size: 0.95em; }
.gb-ex-good { color: #1e7e34; }
.gb-ex-bad { color: #b02a37; }
.gb-ex-results { list-style: none; padding-left: 0; margin: 0.25rem 0; }
.gb-ex-results li { display: flex; gap: 0.5rem; flex-wrap: wrap; padding: 0.1rem 0; }
.gb-ex-pass .gb-ex-mark { color: #1e7e34; }
.gb-ex-fail .gb-ex-mark { color: #b02a37; }
.gb-ex-msg { color: var(--theme-foreground-muted, #555); font-family: var(--monospace, monospace); font-size: 0.85em; }
.gb-ex-unscored { font-size: 0.8em; border: 1px solid currentColor; border-radius: 3px; padding: 0 0.3em; color: var(--theme-foreground-muted, #555); }
.gb-ex-output { max-height: 12rem; overflow: auto; font-size: 0.85em; }
.gb-ex-student { width: 10rem; }
.gb-ex-submit-note { font-size: 0.9em; color: var(--theme-foreground-muted, #555); }
`;
