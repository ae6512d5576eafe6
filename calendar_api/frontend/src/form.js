// The event form: create and edit, validated by the API (errors shown beside each field).
import { ApiError, eventUrl, request } from "./api.js";
import { askScope, closeDialog, openDialog } from "./dialogs.js";
import { parseRule } from "./words.js";
import { state, announce, calendarById } from "./state.js";
import { allZones, dayAfter, dayBefore, fromGoogle, googleTime, inputValue, millisBetween, shifted, untilInput, untilRule } from "./times.js";

const $ = (id) => document.getElementById(id);
const ERROR_FIELDS = ["summary", "calendar", "start", "end", "zone", "location", "description", "attendees", "reminders", "recurrence"];
let editing = null; // { calendar, eventId, seriesId, data, master, startInput, endInput, rule }

export function wireForm() {
  const zones = $("f-zone");
  for (const name of allZones()) zones.add(new Option(name, name));
  $("f-allday").addEventListener("change", () => setAllDay($("f-allday").checked, true));
  $("f-repeat").addEventListener("change", showRepeat);
  $("event-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    save();
  });
  $("form-reload").addEventListener("click", reload);
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
}

function resetForm() {
  $("event-form").reset();
  clearErrors();
  for (const box of document.querySelectorAll('input[name="byday"]')) box.checked = false;
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
  fillCalendars(first ? first.id : "", false);
  $("f-zone").value = state.zone;
  setAllDay(range.allDay, false);
  $("f-start").value = inputValue(range.start, range.allDay, state.zone);
  $("f-end").value = range.allDay ? dayBefore(range.end) : inputValue(range.end, false, state.zone);
  setRule([]);
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
  const reminders = data.reminders || {};
  const minutes = reminders.useDefault === false ? (reminders.overrides || []).map((o) => String(o.minutes)) : [];
  $("f-reminder").value = reminders.useDefault !== false ? "default" : minutes.length ? minutes[0] : "none";
  if (!$("f-reminder").value) $("f-reminder").value = "default";
  setRule((master || data).recurrence || []);
  editing.startInput = $("f-start").value;
  editing.endInput = $("f-end").value;
  editing.rule = ruleLine(allDay, $("f-zone").value);
}

function reminders() {
  const value = $("f-reminder").value;
  if (value === "default") return { useDefault: true };
  if (value === "none") return { useDefault: false, overrides: [] };
  return { useDefault: false, overrides: [{ method: "popup", minutes: Number(value) }] };
}

function commonFields() {
  const guests = $("f-attendees").value.split(/[,;\s]+/).filter(Boolean);
  return {
    summary: $("f-summary").value,
    location: $("f-location").value,
    description: $("f-description").value,
    attendees: guests.map((email) => ({ email })),
    reminders: reminders(),
  };
}

function times() {
  const allDay = $("f-allday").checked;
  const zone = $("f-zone").value || state.zone;
  const end = allDay && $("f-end").value ? dayAfter($("f-end").value) : $("f-end").value;
  return { start: googleTime($("f-start").value, allDay, zone), end: googleTime(end, allDay, zone), allDay, zone };
}

// What to send, and where, for the chosen scope.
function plan(scope) {
  const t = times();
  const line = ruleLine(t.allDay, t.zone);
  const body = { ...commonFields(), start: t.start, end: t.end };
  if (!editing) {
    if (line) body.recurrence = [line];
    return { method: "POST", url: eventUrl(state.config.api, $("f-calendar").value), body };
  }
  const url = (id, s) => eventUrl(state.config.api, editing.calendar, id, s);
  if (!editing.seriesId) {
    if (line !== editing.rule && line) body.recurrence = [line];
    return { method: "PATCH", url: url(editing.eventId), body };
  }
  if (scope === "instance") return { method: "PATCH", url: url(editing.eventId), body };
  if (line !== editing.rule && line) body.recurrence = [line];
  if (scope === "following") return { method: "PATCH", url: url(editing.eventId, "following"), body };
  return { method: "PATCH", url: url(editing.seriesId), body: seriesBody(body, t) };
}

// "All events": the series keeps its own times unless this form moved them; then it moves by
// as much as this instance did.
function seriesBody(body, t) {
  const master = editing.master;
  const result = { ...body };
  delete result.start;
  delete result.end;
  const moved = $("f-start").value !== editing.startInput || $("f-end").value !== editing.endInput;
  if (moved && master) {
    const before = editing.data;
    result.start = shifted(master.start, millisBetween(isoOf(before.start), isoOf(t.start)));
    result.end = shifted(master.end, millisBetween(isoOf(before.end), isoOf(t.end)));
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
  const { method, url, body } = plan(scope);
  try {
    await request(method, url, body);
  } catch (err) {
    showProblem(err);
    return;
  }
  closeDialog($("editor"));
  announce(editing ? "Event saved." : "Event created.");
  state.refresh();
}

const FIELD_OF = { summary: "summary", start: "start", end: "end", location: "location", description: "description", attendees: "attendees", reminders: "reminders", recurrence: "recurrence" };

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
    const data = await request("GET", eventUrl(state.config.api, editing.calendar, editing.eventId));
    const master = editing.seriesId ? await request("GET", eventUrl(state.config.api, editing.calendar, editing.seriesId)) : null;
    clearErrors();
    editing = { ...editing, data, master };
    fill(editing);
    announce("The latest version of the event is in the form.");
    $("f-summary").focus();
  } catch (err) {
    showProblem(err);
  }
}

export function isWritable(calendarId) {
  const c = calendarById(calendarId);
  return Boolean(c && c.writable);
}
