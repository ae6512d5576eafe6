// Your own answer to an invitation, from the details dialog: Yes, No or Maybe, written as
// Google's attendees[].responseStatus of the guest marked `self` (this event only, guarded by
// the version the dialog shows).
import { eventUrl, send, writableAttendee } from "./api.js";
import { announce, state } from "./state.js";

const $ = (id) => document.getElementById(id);
let target = null; // { calendar, eventId, data, etag }
let saved = () => {};

function press(answer) {
  for (const button of $("details-rsvp").querySelectorAll("[data-answer]")) {
    button.setAttribute("aria-pressed", String(button.dataset.answer === answer));
  }
}

// Show the answer buttons for `shown` (the dialog's event), or hide them when you are not a guest.
export function showRsvp(shown, onSaved) {
  const me = shown.data && (shown.data.attendees || []).find((a) => a.self);
  $("details-rsvp").hidden = !me || Boolean(me.organizer && shown.data.attendees.length === 1);
  if (!me) return;
  target = shown;
  saved = onSaved;
  press(me.responseStatus);
}

async function answer(value) {
  if (!target) return;
  const attendees = target.data.attendees.map((a) => (a.self ? { ...writableAttendee(a), responseStatus: value } : writableAttendee(a)));
  const url = eventUrl(state.config.api, target.calendar, target.eventId);
  try {
    const done = await send("PATCH", url, { body: { attendees }, ifMatch: target.etag });
    target.data = done.data;
    target.etag = done.etag;
    press(value);
    saved(done);
    announce(`Your answer is saved: ${$("details-rsvp").querySelector(`[data-answer="${value}"]`).textContent}.`);
    state.refresh();
  } catch (err) {
    $("details-error").textContent = `Your answer was not saved: ${err.message}`;
    $("details-error").hidden = false;
  }
}

export function wireRsvp() {
  for (const button of $("details-rsvp").querySelectorAll("[data-answer]")) {
    button.addEventListener("click", () => answer(button.dataset.answer));
  }
}
