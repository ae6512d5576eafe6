// "Event deleted · Undo": a short-lived message after a delete or a move, whose button puts
// the event back at Google (as Google Calendar's own page does).
import { announce } from "./state.js";

const $ = (id) => document.getElementById(id);
const SHOWN_FOR = 10000;
let timer = null;
let pending = null;

// `spoken` is what screen readers hear (the toast itself is not a live region).
export function offerUndo(text, undo, spoken = text) {
  window.clearTimeout(timer);
  pending = undo;
  $("toast-text").textContent = text;
  $("toast-undo").hidden = !undo;
  $("toast").hidden = false;
  announce(spoken);
  timer = window.setTimeout(dismiss, SHOWN_FOR);
}

export function dismiss() {
  window.clearTimeout(timer);
  pending = null;
  $("toast").hidden = true;
}

export function wireUndo() {
  $("toast-undo").addEventListener("click", async () => {
    const undo = pending;
    dismiss();
    if (!undo) return;
    try {
      await undo();
    } catch (err) {
      offerUndo(`It could not be undone: ${err.message}`, null);
    }
  });
  $("toast-close").addEventListener("click", dismiss);
}
