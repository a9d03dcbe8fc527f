/**
 * ClaimPresets(claims, {apply}) → Element: one button per claim of the text; a click hands the claim's preset to
 * `apply` (OptimizerControls sets its sliders). Each shows whether the claim holds there; a claim false at every
 * reasonable setting says so with the generator's note.
 */
import {tPlayground} from "../i18n/playground.js";
import type {ClaimSpec} from "./spec.js";

export function ClaimPresets(claims: ClaimSpec[], options: {apply: (preset: ClaimSpec["preset"]) => void}): HTMLElement {
  const box = document.createElement("div");
  box.className = "gb-pg-claims";
  const head = document.createElement("p");
  head.className = "gb-pg-note";
  head.textContent = tPlayground("presets");
  const list = document.createElement("ul");
  list.className = "gb-pg-presets";
  for (const c of claims) {
    const li = document.createElement("li");
    const button = Object.assign(document.createElement("button"), {type: "button"});
    button.dataset.line = String(c.line);
    button.append(`“${c.text}”`);
    const verdict = document.createElement("span");
    verdict.className = `gb-pg-verdict gb-pg-verdict--${c.holds === false ? "false" : c.holds ? "holds" : "open"}`;
    verdict.textContent = c.holds === false ? `✗ ${tPlayground("preset_false")}${c.note ?? ""}` : c.holds ? `✓ ${tPlayground("preset_holds")}` : tPlayground("preset_undecided");
    button.append(verdict);
    button.addEventListener("click", () => options.apply(c.preset));
    li.append(button);
    list.append(li);
  }
  box.append(head, list);
  return box;
}
