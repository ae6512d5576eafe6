// The event details dialog: time, zones, place, guests and their answers, reminders, recurrence.
import { ApiError, eventUrl, send, writableAttendee } from "./api.js";
import { guardedWrite } from "./conflict.js";
import { fact } from "./facts.js";
import { askScope, closeDialog, openDialog } from "./dialogs.js";
import { openEdit } from "./form.js";
import { state, announce, calendarById } from "./state.js";
import { formatRange } from "./times.js";
import { offerUndo } from "./undo.js";
import { showRsvp, wireRsvp } from "./rsvp.js";
import { answerText, remindersText, ruleInWords } from "./words.js";

const $ = (id) => document.getElementById(id);
let shown = null; // { calendar, eventId, seriesId, data, etag, master, masterEtag }
const RESTORED = ["summary", "description", "location", "start", "end", "attendees", "reminders", "colorId", "transparency", "visibility"];

export function wireDetails() {
  $("details-edit").addEventListener("click", () => {
    if (!shown || !shown.data) return;
    const target = shown;
    closeDialog($("details"));
    openEdit(target);
  });
  $("details-delete").addEventListener("click", () => remove());
  wireRsvp();
}

function guests(attendees) {
  if (!attendees || !attendees.length) return "";
  const ul = document.createElement("ul");
  for (const a of attendees) {
    const li = document.createElement("li");
    li.textContent = `${a.displayName || a.email}: ${answerText(a.responseStatus)}${a.organizer ? " (organizer)" : ""}`;
    ul.append(li);
  }
  return ul;
}

export async function openDetails(fcEvent) {
  const props = fcEvent.extendedProps;
  shown = { calendar: props.calendar, eventId: props.eventId, seriesId: props.seriesId, data: null, master: null };
  $("details-title").textContent = fcEvent.title;
  $("details-error").hidden = true;
  $("details-link").hidden = true;
  $("details-rsvp").hidden = true;
  const writable = Boolean((calendarById(props.calendar) || {}).writable);
  // A fromGmail or birthday event takes changes only to a few fields Google names (the
  // feed's `changeable`), none of them in the edit form: no Edit, and the reason in words.
  $("details-edit").hidden = !writable || Boolean(props.changeable);
  $("details-delete").hidden = !writable;
  render(fcEvent, null, null);
  openDialog($("details"), $("details-title").nextElementSibling);
  try {
    const one = await send("GET", eventUrl(state.config.api, props.calendar, props.eventId));
    const series = props.seriesId ? await send("GET", eventUrl(state.config.api, props.calendar, props.seriesId)).catch(() => null) : null;
    const master = series && series.data;
    shown = { ...shown, data: one.data, etag: one.etag, master, masterEtag: series ? series.etag : "" };
    render(fcEvent, one.data, master);
    showRsvp(shown, (done) => {
      shown.data = done.data;
      shown.etag = done.etag;
      render(fcEvent, done.data, master);
    });
  } catch (err) {
    $("details-error").textContent = err instanceof ApiError ? err.message : String(err);
    $("details-error").hidden = false;
  }
}

function render(fcEvent, data, master) {
  const list = $("details-facts");
  list.replaceChildren();
  const props = fcEvent.extendedProps;
  fact(list, "When", formatRange(fcEvent.startStr, fcEvent.endStr, fcEvent.allDay, state.zone));
  const own = (data && data.start && data.start.timeZone) || props.zone;
  fact(list, "Time zone", fcEvent.allDay ? "" : own && own !== state.zone ? `${state.zone} (the event's own zone is ${own})` : state.zone);
  if (props.seriesId) fact(list, "Repeats", master ? ruleInWords(master.recurrence) || "Yes" : "Yes");
  fact(list, "Calendar", props.calendarName);
  fact(list, "Kind", props.eventTypeLabel || "");
  if (props.changeable) fact(list, "Editing", `${props.eventTypeLabel} events can't be edited here: Google lets apps change only their ${props.changeable.join(", ")}.`);
  if (!data) return;
  fact(list, "Location", data.location || "");
  fact(list, "Description", data.description || "");
  fact(list, "Guests", guests(data.attendees));
  fact(list, "Reminders", remindersText(data.reminders));
  if (data.htmlLink) {
    $("details-link").href = data.htmlLink;
    $("details-link").hidden = false;
  }
}

async function remove() {
  if (!shown) return;
  let scope = "instance";
  if (shown.seriesId) {
    scope = await askScope("Delete recurring event");
    if (!scope) return;
  }
  const target = shown;
  const id = scope === "all" ? target.seriesId : target.eventId;
  const url = eventUrl(state.config.api, target.calendar, id, scope);
  const readUrl = eventUrl(state.config.api, target.calendar, id);
  const etag = scope === "all" ? target.masterEtag : target.etag;
  let deleted;
  try {
    deleted = await guardedWrite({ method: "DELETE", url, etag, readUrl, what: target.data ? target.data.summary || "(No title)" : "This event", mine: "Delete it anyway" });
  } catch (err) {
    $("details-error").textContent = err.message;
    $("details-error").hidden = false;
    return;
  }
  closeDialog($("details"));
  state.refresh();
  if (deleted === null) {
    announce("Nothing was deleted: the calendar shows Google's version.");
    return;
  }
  // One event, or one instance of a series, comes back with its fields; a series split or
  // deleted as a whole is not undone here.
  const undoable = scope === "instance" && target.data;
  offerUndo("Event deleted", undoable ? () => restore(target) : null, "Event deleted.");
}

async function restore(target) {
  const body = { status: "confirmed" };
  for (const name of RESTORED) if (target.data[name] !== undefined) body[name] = target.data[name];
  if (body.attendees) body.attendees = body.attendees.map(writableAttendee);
  await send("PATCH", eventUrl(state.config.api, target.calendar, target.eventId), { body });
  announce("The event is back.");
  state.refresh();
}
