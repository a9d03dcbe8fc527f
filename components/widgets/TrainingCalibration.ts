/**
 * CalibrationTable(calibration, {selected}) → Element: samples/s of the actual model per backend, the fastest and
 * the selected one marked, the reason for any backend not measured. Also the plan line with time estimates.
 */
import {t} from "../i18n/trainingPanel.js";
import type {Calibration} from "../models/calibrate.js";

export function formatDuration(seconds: number): string {
  return seconds < 90 ? t("seconds", {n: Math.max(1, Math.round(seconds))}) : t("minutes", {n: Math.round(seconds / 60)});
}

export function CalibrationTable(c: Calibration, {selected}: {selected?: string} = {}): HTMLElement {
  const table = document.createElement("table");
  table.className = "gb-train-calibration";
  table.createCaption().textContent = t("calibrationCaption", {batch: c.batchSize});
  const head = table.createTHead().insertRow();
  for (const k of ["calBackend", "calSpeed", "calSteps"] as const) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = t(k);
    head.append(th);
  }
  head.append(document.createElement("th"));
  const body = table.createTBody();
  for (const r of c.rows) {
    const tr = body.insertRow();
    tr.dataset.backend = r.backend;
    if (r.samplesPerSec !== null) tr.dataset.samplesPerSec = String(r.samplesPerSec);
    if (r.backend === c.chosen) tr.className = "gb-cal-chosen";
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = r.threads && r.threads > 1 ? `${r.backend} · ${t("threads", {n: r.threads})}` : r.backend;
    if (r.threads) tr.dataset.threads = String(r.threads);
    tr.append(th);
    tr.insertCell().textContent = r.samplesPerSec === null ? "–" : Math.round(r.samplesPerSec).toLocaleString("en-US");
    tr.insertCell().textContent = r.samplesPerSec === null ? "" : String(r.steps);
    const mark = [r.backend === c.chosen ? t("calChosen") : "", selected && selected !== c.chosen && r.backend === selected ? t("calSelected") : "",
      r.error ? t("calNotMeasured", {reason: r.error}) : ""].filter(Boolean).join(" ");
    tr.insertCell().textContent = mark;
  }
  return table;
}
