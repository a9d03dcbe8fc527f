/**
 * Dragging a plot's start point. Mouse and pen: press anywhere on the plot and drag. Touch: a swipe scrolls the
 * page as usual (touch-action: pan-y); only a hold of `holdMs` without moving picks the point up, then the finger
 * drags it and the page does not scroll. Keyboard: the handle is focusable and the arrow keys move it by 1 % of
 * the axis (10 % with Shift).
 */
export interface StartDragOptions {
  /** the element that receives pointer events (the plot area) */
  area: SVGElement;
  /** the focusable handle */
  handle: SVGElement;
  /** pixel (relative to area) → weights */
  invert(px: number, py: number): number[];
  /** the current start, in weights; and a step of 1 % per axis */
  current(): number[];
  step(): number[];
  onMove(w: number[]): void;
  holdMs?: number;
}

export function startDrag(o: StartDragOptions): void {
  const hold = o.holdMs ?? 450;
  let dragging = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let down: {x: number; y: number} | null = null;
  const at = (e: PointerEvent) => {
    const r = o.area.getBoundingClientRect();
    return o.invert(e.clientX - r.left, e.clientY - r.top);
  };
  o.area.addEventListener("pointerdown", (e) => {
    if (e.button !== 0) return;
    if (e.pointerType === "touch") {
      down = {x: e.clientX, y: e.clientY};
      timer = setTimeout(() => {
        dragging = true;
        o.area.setPointerCapture?.(e.pointerId);
        o.area.dispatchEvent(new CustomEvent("gb-hold"));
      }, hold);
      return;
    }
    dragging = true;
    o.area.setPointerCapture?.(e.pointerId);
    o.onMove(at(e));
  });
  o.area.addEventListener("pointermove", (e) => {
    if (dragging) o.onMove(at(e));
    else if (down && Math.hypot(e.clientX - down.x, e.clientY - down.y) > 8) cancel();
  });
  const cancel = () => {
    clearTimeout(timer);
    down = null;
    dragging = false;
  };
  o.area.addEventListener("pointerup", cancel);
  o.area.addEventListener("pointercancel", cancel);
  // once held, the finger drags the point: keep the page from scrolling (needs a non-passive listener)
  o.area.addEventListener("touchmove", (e) => {
    if (dragging) e.preventDefault();
  }, {passive: false});
  o.handle.addEventListener("keydown", (e) => {
    const k = (e as KeyboardEvent).key;
    const d = {ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1]}[k];
    if (!d) return;
    e.preventDefault();
    const s = o.step().map((v) => v * ((e as KeyboardEvent).shiftKey ? 10 : 1));
    o.onMove(o.current().map((v, i) => v + d[i] * s[i]));
  });
}
