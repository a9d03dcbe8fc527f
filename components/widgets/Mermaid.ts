import mermaid from "mermaid";
import {tBook} from "../i18n/book.js";

let initialized = false;
let counter = 0;

/**
 * Renders a mermaid diagram to an element. Bad diagram source never throws: the element shows mermaid's message
 * and the page keeps the source listing beside it.
 */
export async function Mermaid(source: string, {label = tBook("diagram")}: {label?: string} = {}): Promise<HTMLElement> {
  const figure = document.createElement("figure");
  figure.className = "gb-mermaid";
  figure.setAttribute("role", "img");
  figure.setAttribute("aria-label", label);
  if (!initialized) {
    const dark = typeof matchMedia === "function" && matchMedia("(prefers-color-scheme: dark)").matches;
    mermaid.initialize({startOnLoad: false, securityLevel: "strict", theme: dark ? "dark" : "default", fontFamily: "inherit"});
    initialized = true;
  }
  try {
    const id = `gb-mermaid-${++counter}`;
    await mermaid.parse(source);
    const {svg} = await mermaid.render(id, source);
    figure.innerHTML = svg;
    figure.dataset.state = "rendered";
  } catch (e) {
    figure.classList.add("gb-mermaid--error");
    figure.dataset.state = "error";
    figure.textContent = tBook("diagramError", {error: e instanceof Error ? e.message : String(e)});
  }
  return figure;
}
