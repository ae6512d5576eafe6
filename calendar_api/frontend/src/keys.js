// Keyboard shortcuts, never while typing in a field or with a dialog open.
import { anyOpen } from "./dialogs.js";

function typing(target) {
  if (!target || !target.closest) return false;
  return Boolean(target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']"));
}

export function wireKeys(actions) {
  document.addEventListener("keydown", (ev) => {
    if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (typing(ev.target) || anyOpen()) return;
    const action = actions[ev.key];
    if (!action) return;
    ev.preventDefault();
    action();
  });
}
