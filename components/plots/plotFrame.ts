/**
 * The frame every playground plot shares: a <figure> that fills its container's width and redraws on resize
 * (ResizeObserver), with an HTML legend and a readout line. Real pixel sizes: the SVG is drawn at the width it is
 * shown at, never scaled, so 12 px text is 12 px.
 */
import {injectPlaygroundStyle} from "../widgets/PlaygroundStyle.js";

export interface LegendEntry {
  label: string;
  color: string;
  dash?: string;
}

export interface PlotFrame {
  figure: HTMLElement;
  legend: HTMLUListElement;
  readout: HTMLElement;
  /** width to draw at now: the fixed one, else the figure's content width (640 before it is in the page) */
  width(): number;
  /** calls draw(width) now and whenever the width changes (not for a fixed width) */
  onResize(draw: (width: number) => void): void;
}

export function plotFrame(className: string, fixedWidth?: number): PlotFrame {
  injectPlaygroundStyle();
  const figure = document.createElement("figure");
  figure.className = `gb-pg-figure ${className}`;
  const legend = document.createElement("ul");
  legend.className = "gb-pg-legend";
  const readout = document.createElement("div");
  readout.className = "gb-pg-readout";
  readout.setAttribute("aria-live", "polite");
  figure.append(legend);
  const width = () => fixedWidth ?? (Math.floor(figure.clientWidth) || 640);
  return {
    figure,
    legend,
    readout,
    width,
    onResize(draw) {
      let last = width();
      draw(last);
      if (fixedWidth !== undefined || typeof ResizeObserver === "undefined") return;
      let seen = false;
      const ro = new ResizeObserver(() => {
        // a cell that re-ran (Framework) dropped this figure: stop watching it
        if (figure.isConnected) seen = true;
        else if (seen) return void ro.disconnect();
        const w = width();
        if (w > 0 && Math.abs(w - last) >= 1) draw((last = w));
      });
      ro.observe(figure);
    }
  };
}

/** Swatches as a line (dashed for a dashed path), so colour is not the only cue. */
export function setLegend(list: HTMLUListElement, entries: LegendEntry[]): void {
  const key = JSON.stringify(entries);
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  list.replaceChildren(
    ...entries.map((e) => {
      const li = document.createElement("li");
      li.innerHTML = `<svg width="26" height="10" aria-hidden="true"><line x1="1" y1="5" x2="25" y2="5" style="stroke:${e.color}" stroke-width="3"${e.dash ? ` stroke-dasharray="${e.dash.replace(/[^\d. ]/g, "")}"` : ""}/></svg>`;
      li.append(e.label);
      return li;
    })
  );
}

/** Escapes text for SVG/HTML strings. */
export function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Rounds to 2 decimals for short, stable SVG output. */
export function r2(v: number): number {
  return Math.round(v * 100) / 100;
}

/** A colour safe inside style="": only var(--name[, fallback]), #hex, rgb()/hsl() and names survive. */
export function safeColor(c: string): string {
  return /^(var\(--[\w-]+(,\s*[#\w(). ,%-]+)?\)|#[0-9a-fA-F]{3,8}|(rgb|hsl)a?\([\d., %]+\)|[a-zA-Z]+)$/.test(c) ? c : "currentColor";
}
