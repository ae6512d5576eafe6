// Quick-create: a click (or drag) on an empty part of the grid opens a small dialog by it with
// a title and Save, as Google Calendar does; "More options" opens the full form with what was
// typed. The event goes to the first calendar that may be written to, or the one chosen.
import { ApiError, eventUrl, send } from "./api.js";
import { closeDialog, openDialog } from "./dialogs.js";
import { openCreate } from "./form.js";
import { announce, state } from "./state.js";
import { formatRange, googleTime, inputValue } from "./times.js";

const $ = (id) => document.getElementById(id);
let range = null;

function fillCalendars() {
  const select = $("q-calendar");
  select.replaceChildren();
  for (const c of state.config.calendars.filter((c) => c.writable)) select.add(new Option(c.name, c.id));
}

// Near the click on a wide screen; centred (the dialog's default) on a phone.
function place(dialog, jsEvent) {
  dialog.style.margin = "";
  dialog.style.left = dialog.style.top = "";
  if (!jsEvent || window.innerWidth < 640) return;
  const width = 340;
  const left = Math.min(Math.max(8, jsEvent.clientX - width / 2), window.innerWidth - width - 8);
  const top = Math.min(Math.max(8, jsEvent.clientY + 12), window.innerHeight - 300);
  dialog.style.margin = "0";
  dialog.style.left = `${left}px`;
  dialog.style.top = `${top}px`;
}

export function openQuick(selected, jsEvent) {
  range = selected;
  $("q-summary").value = "";
  $("eq-summary").textContent = "";
  $("q-summary").removeAttribute("aria-invalid");
  $("quick-when").textContent = formatRange(selected.start, selected.end, selected.allDay, state.zone);
  fillCalendars();
  place($("quick"), jsEvent);
  openDialog($("quick"), $("q-summary"));
}

function body() {
  const zone = state.zone;
  const value = (iso) => inputValue(iso, range.allDay, zone);
  return {
    summary: $("q-summary").value,
    start: googleTime(value(range.start), range.allDay, zone),
    end: range.allDay ? { date: range.end.slice(0, 10) } : googleTime(value(range.end), false, zone),
  };
}

async function save() {
  const calendar = $("q-calendar").value;
  try {
    await send("POST", eventUrl(state.config.api, calendar), { body: body() });
  } catch (err) {
    const fields = err instanceof ApiError ? err.fields : {};
    const text = Object.values(fields).flat().map((p) => (typeof p === "string" ? p : JSON.stringify(p))).join(" ");
    $("eq-summary").textContent = text || err.message;
    $("q-summary").setAttribute("aria-invalid", "true");
    return;
  }
  closeDialog($("quick"));
  announce(`${$("q-summary").value || "(No title)"} saved.`);
  state.refresh();
}

function more() {
  const summary = $("q-summary").value;
  const { start, end, allDay } = range;
  closeDialog($("quick"));
  openCreate({ start, end, allDay, summary, calendar: $("q-calendar").value });
}

export function wireQuick() {
  $("quick-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    save();
  });
  $("quick-more").addEventListener("click", more);
}
