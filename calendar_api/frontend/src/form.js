// The event form: create and edit, validated by the API (errors shown beside each field).
import { ApiError, eventUrl, send, writableAttendee } from "./api.js";
import { describe, guardedWrite } from "./conflict.js";
import { askScope, closeDialog, openDialog } from "./dialogs.js";
import { parseRule } from "./words.js";
import { readReminders, setReminders, wireReminders } from "./reminders.js";
import { state, announce, calendarById } from "./state.js";
import { allZones, dayAfter, dayBefore, fromGoogle, googleTime, inputValue, millisBetween, shifted, untilInput, untilRule } from "./times.js";

const $ = (id) => document.getElementById(id);
const ERROR_FIELDS = ["summary", "calendar", "start", "end", "zone", "location", "description", "attendees", "reminders", "recurrence", "colorId"];
// { calendar, eventId, seriesId, data, etag, master, masterEtag, initial }: what the form
// was opened with, the versions shown (the If-Match of the save) and the form's first values.
let editing = null;

export function wireForm() {
  for (const [id, name] of state.config.eventColors) $("f-color").add(new Option(name, id));
  const zones = $("f-zone");
  for (const name of allZones()) zones.add(new Option(name, name));
  $("f-allday").addEventListener("change", () => setAllDay($("f-allday").checked, true));
  $("f-repeat").addEventListener("change", showRepeat);
  $("event-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    save();
  });
  $("form-reload").addEventListener("click", reload);
  wireReminders();
}

function fillCalendars(selected, locked) {
  const select = $("f-calendar");
  select.replaceChildren();
  for (const c of state.config.calendars.filter((c) => c.writable || c.id === selected)) {
    select.add(new Option(c.name, c.id, false, c.id === selected));
  }
  select.disabled = locked;
}

function setAllDay(allDay, convert) {
  $("f-allday").checked = allDay;
  for (const id of ["f-start", "f-end"]) {
    const input = $(id);
    const old = input.value;
    input.type = allDay ? "date" : "datetime-local";
    if (convert && old) input.value = allDay ? old.slice(0, 10) : `${old.slice(0, 10)}T${id === "f-start" ? "09:00" : "10:00"}`;
  }
  $("f-zone-field").hidden = allDay;
}

function showRepeat() {
  const freq = $("f-repeat").value;
  $("f-days").hidden = freq !== "WEEKLY";
  $("f-ends").hidden = !freq;
}

function clearErrors() {
  for (const name of ERROR_FIELDS) {
    const p = $(`e-${name}`);
    if (p) p.textContent = "";
  }
  for (const input of $("event-form").querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  $("form-alert").hidden = true;
  $("form-reload").hidden = true;
  $("form-latest").hidden = true;
}

function resetForm() {
  $("event-form").reset();
  clearErrors();
  for (const box of document.querySelectorAll('input[name="byday"]')) box.checked = false;
  setReminders(null);
}

function setRule(lines) {
  const rule = parseRule(lines);
  $("f-repeat").value = rule && ["DAILY", "WEEKLY", "MONTHLY", "YEARLY"].includes(rule.FREQ) ? rule.FREQ : "";
  const days = rule && rule.BYDAY ? rule.BYDAY.split(",") : [];
  for (const box of document.querySelectorAll('input[name="byday"]')) box.checked = days.includes(box.value);
  const ends = rule && rule.UNTIL ? "until" : rule && rule.COUNT ? "count" : "never";
  document.querySelector(`input[name="ends"][value="${ends}"]`).checked = true;
  if (rule && rule.UNTIL) $("f-until").value = untilInput(rule.UNTIL);
  if (rule && rule.COUNT) $("f-count").value = rule.COUNT;
  showRepeat();
}

function ruleLine(allDay, zone) {
  const freq = $("f-repeat").value;
  if (!freq) return "";
  let line = `RRULE:FREQ=${freq}`;
  const days = [...document.querySelectorAll('input[name="byday"]:checked')].map((b) => b.value);
  if (freq === "WEEKLY" && days.length) line += `;BYDAY=${days.join(",")}`;
  const ends = document.querySelector('input[name="ends"]:checked').value;
  if (ends === "until" && $("f-until").value) line += `;UNTIL=${untilRule($("f-until").value, allDay, zone)}`;
  if (ends === "count") line += `;COUNT=${$("f-count").value}`;
  return line;
}

// New event: from the Create button, or a click or drag on an empty slot.
export function openCreate(range) {
  editing = null;
  resetForm();
  $("editor-title").textContent = "New event";
  const first = state.config.calendars.find((c) => c.writable);
  fillCalendars(range.calendar || (first ? first.id : ""), false);
  $("f-zone").value = state.zone;
  setAllDay(range.allDay, false);
  $("f-start").value = inputValue(range.start, range.allDay, state.zone);
  $("f-end").value = range.allDay ? dayBefore(range.end) : inputValue(range.end, false, state.zone);
  setRule([]);
  $("f-summary").value = range.summary || "";
  openDialog($("editor"), $("f-summary"));
}

// Edit: `target` is { calendar, eventId, seriesId, data, master } with API resources.
export function openEdit(target) {
  resetForm();
  editing = { ...target };
  $("editor-title").textContent = "Edit event";
  fill(target);
  openDialog($("editor"), $("f-summary"));
}

function fill(target) {
  const { data, master } = target;
  fillCalendars(target.calendar, true);
  const allDay = Boolean(data.start && data.start.date);
  const zone = (data.start && data.start.timeZone) || state.zone;
  $("f-summary").value = data.summary || "";
  $("f-zone").value = allZones().includes(zone) ? zone : state.zone;
  setAllDay(allDay, false);
  $("f-start").value = fromGoogle(data.start, $("f-zone").value);
  $("f-end").value = allDay ? dayBefore(data.end.date) : fromGoogle(data.end, $("f-zone").value);
  $("f-location").value = data.location || "";
  $("f-description").value = data.description || "";
  $("f-attendees").value = (data.attendees || []).map((a) => a.email).join(", ");
  setReminders(data.reminders);
  $("f-color").value = data.colorId || "";
  setRule((master || data).recurrence || []);
  editing.initial = snapshot();
}

// The form's values as typed, to send only what the person changed.
function snapshot() {
  const allDay = $("f-allday").checked;
  const values = { allDay, zone: $("f-zone").value, rule: ruleLine(allDay, $("f-zone").value) };
  for (const name of ["summary", "location", "description", "attendees", "start", "end", "color"]) {
    values[name] = $(`f-${name}`).value;
  }
  values.reminder = JSON.stringify(readReminders());
  return values;
}

// Guests kept as they were (with their answers); new ones by address.
function attendees() {
  const known = (editing && editing.data.attendees) || [];
  const guests = $("f-attendees").value.split(/[,;\s]+/).filter(Boolean);
  return guests.map((email) => writableAttendee(known.find((a) => a.email === email) || { email }));
}

function commonFields() {
  return {
    summary: $("f-summary").value,
    location: $("f-location").value,
    description: $("f-description").value,
    attendees: attendees(),
    reminders: readReminders(),
    ...($("f-color").value ? { colorId: $("f-color").value } : {}),
  };
}

// An edit sends only the fields the person changed: a field changed at Google meanwhile and
// left alone here is never written back with the value the form was opened with.
function changedFields(t, line) {
  const now = snapshot();
  const was = editing.initial;
  const all = { ...commonFields(), start: t.start, end: t.end };
  const body = {};
  for (const name of ["summary", "location", "description", "attendees"]) {
    if (now[name] !== was[name]) body[name] = all[name];
  }
  if (now.reminder !== was.reminder) body.reminders = all.reminders;
  if (now.color !== was.color && now.color) body.colorId = now.color;
  if (["start", "end", "allDay", "zone"].some((name) => now[name] !== was[name])) {
    body.start = t.start;
    body.end = t.end;
  }
  if (line && line !== was.rule) body.recurrence = [line];
  return body;
}

function times() {
  const allDay = $("f-allday").checked;
  const zone = $("f-zone").value || state.zone;
  const end = allDay && $("f-end").value ? dayAfter($("f-end").value) : $("f-end").value;
  return { start: googleTime($("f-start").value, allDay, zone), end: googleTime(end, allDay, zone), allDay, zone };
}

// What to send, and where, for the chosen scope, guarded by the version the form showed.
function plan(scope) {
  const t = times();
  const line = ruleLine(t.allDay, t.zone);
  if (!editing) {
    const body = { ...commonFields(), start: t.start, end: t.end };
    if (line) body.recurrence = [line];
    return { method: "POST", url: eventUrl(state.config.api, $("f-calendar").value), body };
  }
  const url = (id, s) => eventUrl(state.config.api, editing.calendar, id, s);
  const body = changedFields(t, line);
  const write = { method: "PATCH", body, etag: editing.etag, readUrl: url(editing.eventId) };
  if (!editing.seriesId || scope === "instance") {
    delete body.recurrence; // an instance keeps its series' rule
    if (!editing.seriesId && line && line !== editing.initial.rule) body.recurrence = [line];
    return { ...write, url: url(editing.eventId) };
  }
  if (scope === "following") return { ...write, url: url(editing.eventId, "following") };
  const series = url(editing.seriesId);
  return { ...write, url: series, readUrl: series, etag: editing.masterEtag, body: seriesBody(body) };
}

// "All events": the series keeps its own times unless this form moved them; then it moves by
// as much as this instance did.
function seriesBody(body) {
  const master = editing.master;
  const result = { ...body };
  delete result.start;
  delete result.end;
  if (body.start && master) {
    const before = editing.data;
    result.start = shifted(master.start, millisBetween(isoOf(before.start), isoOf(body.start)));
    result.end = shifted(master.end, millisBetween(isoOf(before.end), isoOf(body.end)));
  }
  return result;
}

function isoOf(value) {
  return value.dateTime || `${value.date}T00:00:00Z`;
}

async function save() {
  clearErrors();
  let scope = "instance";
  if (editing && editing.seriesId) {
    scope = await askScope("Change recurring event");
    if (!scope) return;
  }
  const write = plan(scope);
  if (editing && !Object.keys(write.body).length) {
    closeDialog($("editor"));
    announce("Nothing was changed.");
    return;
  }
  let saved;
  try {
    saved = editing
      ? await guardedWrite({ ...write, what: editing.data.summary || "(No title)", mine: "Save my changes anyway" })
      : await send(write.method, write.url, { body: write.body });
  } catch (err) {
    showProblem(err);
    return;
  }
  if (saved === null) {
    await reload();
    alertText("Google's version is in the form now; your changes were not saved.");
    return;
  }
  closeDialog($("editor"));
  announce(editing ? "Event saved." : "Event created.");
  state.refresh();
}

const FIELD_OF = { summary: "summary", start: "start", end: "end", location: "location", description: "description", attendees: "attendees", reminders: "reminders", recurrence: "recurrence", colorId: "colorId" };

function flatten(problem) {
  if (Array.isArray(problem)) return problem.map(flatten).join(" ");
  if (problem && typeof problem === "object") return Object.values(problem).map(flatten).join(" ");
  return String(problem);
}

export function showProblem(err) {
  if (!(err instanceof ApiError)) throw err;
  if (err.status === 412) {
    alertText("This event was changed somewhere else (at Google or in another window) after you opened it, so your change was not saved. Reload it to see the latest version, then make your change again.");
    $("form-reload").hidden = !editing;
    return;
  }
  const leftover = [];
  let first = null;
  for (const [name, problem] of Object.entries(err.fields || {})) {
    const field = FIELD_OF[name];
    if (!field) {
      leftover.push(flatten(problem));
      continue;
    }
    $(`e-${field}`).textContent = flatten(problem);
    const input = document.querySelector(`#event-form [aria-describedby~="e-${field}"]`);
    if (input) {
      input.setAttribute("aria-invalid", "true");
      first = first || input;
    }
  }
  if (leftover.length || !first) alertText(leftover.length ? leftover.join(" ") : err.message);
  else first.focus();
}

function alertText(text) {
  $("form-alert-text").textContent = text;
  $("form-alert").hidden = false;
}

async function reload() {
  try {
    const one = await send("GET", eventUrl(state.config.api, editing.calendar, editing.eventId));
    const series = editing.seriesId ? await send("GET", eventUrl(state.config.api, editing.calendar, editing.seriesId)) : null;
    clearErrors();
    editing = { ...editing, data: one.data, etag: one.etag, master: series && series.data, masterEtag: series ? series.etag : "" };
    fill(editing);
    announce("The latest version of the event is in the form.");
    $("f-summary").focus();
  } catch (err) {
    showProblem(err);
  }
}

// A live update while the form is open: when it changed this event at Google, say so in the
// form, with Google's values (a save would then ask before overwriting anything).
export async function editorSawChange(change) {
  if (!editing || !$("editor").open || (change.calendar && change.calendar !== editing.calendar)) return;
  const seen = editing;
  let latest;
  try {
    latest = await send("GET", eventUrl(state.config.api, seen.calendar, seen.eventId), { ifNoneMatch: seen.etag });
  } catch (err) {
    return; // the next save says what is wrong
  }
  if (latest.status === 304 || latest.etag === seen.etag || editing !== seen) return;
  alertText("This event was just changed at Google. Google's version now:");
  describe($("form-latest"), latest.data || {});
  $("form-latest").hidden = false;
  $("form-reload").hidden = false;
}

export function isWritable(calendarId) {
  const c = calendarById(calendarId);
  return Boolean(c && c.writable);
}
