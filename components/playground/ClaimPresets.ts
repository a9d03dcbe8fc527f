/**
 * ClaimPresets(claims, {apply}) → Element: one button per claim of the text; a click hands the claim's preset to
 * `apply` (OptimizerControls sets its sliders). Each shows whether the claim holds there; a claim false at every
 * reasonable setting says so with the generator's note; a claim decided at the text's own settings ("within 50
 * steps") says that, and states the criterion it was decided by.
 */
import {messages} from "../i18n/index.js";
import {tPlayground} from "../i18n/playground.js";
import type {ClaimSpec} from "./spec.js";

const tClaimPreset = messages<"falseAtText" | "holdsBy">({
  "zh-CN": {falseAtText: "不成立：", holdsBy: "{holds}（{criterion}）"},
  en: {falseAtText: "Does not hold: ", holdsBy: "{holds} ({criterion})"}
});

/** The verdict's text: holds, does not hold (over reasonable settings, or at the text's own), or undecided. */
function verdictText(c: ClaimSpec): string {
  if (c.holds === false) return `✗ ${c.atText ? tClaimPreset("falseAtText") : tPlayground("preset_false")}${c.note ?? ""}`;
  if (c.holds) return `✓ ${c.criterion ? tClaimPreset("holdsBy", {holds: tPlayground("preset_holds"), criterion: c.criterion}) : tPlayground("preset_holds")}`;
  return tPlayground("preset_undecided");
}

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
    verdict.textContent = verdictText(c);
    button.append(verdict);
    button.addEventListener("click", () => options.apply(c.preset));
    li.append(button);
    list.append(li);
  }
  box.append(head, list);
  return box;
}
