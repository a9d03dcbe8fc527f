/** SurfacePicker(surfaces) → Element: a select of the page's surfaces; view() contract (`.value` is the id). */
import {tPlayground} from "../i18n/playground.js";
import {injectPlaygroundStyle} from "../widgets/PlaygroundStyle.js";
import type {SurfaceSpec} from "./spec.js";

let uid = 0;

export function SurfacePicker(surfaces: Pick<SurfaceSpec, "id" | "title">[], options: {value?: string} = {}): HTMLElement & {value: string} {
  if (!Array.isArray(surfaces) || !surfaces.length) throw new Error("SurfacePicker: expected a non-empty list of surfaces");
  injectPlaygroundStyle();
  const box = document.createElement("div") as HTMLDivElement & {value: string};
  box.className = "gb-pg-picker";
  const select = document.createElement("select");
  select.id = `gb-pg-surface${++uid}`;
  for (const s of surfaces) select.append(Object.assign(document.createElement("option"), {value: s.id, textContent: s.title}));
  select.value = options.value && surfaces.some((s) => s.id === options.value) ? options.value : surfaces[0].id;
  const label = Object.assign(document.createElement("label"), {htmlFor: select.id, textContent: tPlayground("surface")});
  box.append(label, select);
  if (surfaces.length === 1) select.disabled = true;
  Object.defineProperty(box, "value", {
    get: () => select.value,
    set: (id: string) => {
      select.value = id;
    }
  });
  return box;
}
