/** Wires every `.gb-copy` button under root to copy the code block beside it. Idempotent. */
export function enableCopyButtons(root: ParentNode = document): number {
  let n = 0;
  for (const button of Array.from(root.querySelectorAll<HTMLButtonElement>(".gb-copy"))) {
    if (button.dataset.wired) continue;
    button.dataset.wired = "1";
    n++;
    button.addEventListener("click", async () => {
      const code = button.parentElement?.querySelector("pre code")?.textContent ?? "";
      try {
        await navigator.clipboard.writeText(code);
        button.textContent = "已复制";
      } catch {
        // Clipboard API refused (insecure context, permissions): select the text so Ctrl+C works.
        const range = document.createRange();
        const pre = button.parentElement?.querySelector("pre");
        if (pre) {
          range.selectNodeContents(pre);
          const sel = getSelection();
          sel?.removeAllRanges();
          sel?.addRange(range);
        }
        button.textContent = "已选中，按 Ctrl+C";
      }
      setTimeout(() => (button.textContent = "复制"), 1500);
    });
  }
  return n;
}
