// The web calendar: FullCalendar's day, week, month and agenda views over the store's events.
import { Calendar } from "@fullcalendar/core";
import dayGridPlugin from "@fullcalendar/daygrid";
import timeGridPlugin from "@fullcalendar/timegrid";
import listPlugin from "@fullcalendar/list";
import interactionPlugin from "@fullcalendar/interaction";
import luxonPlugin from "@fullcalendar/luxon3";
import { DateTime } from "luxon";
import { eventUrl, request, send, setCsrf } from "./api.js";
import { guardedWrite } from "./conflict.js";
import { askScope, openDialog, wireDialogs } from "./dialogs.js";
import { openDetails, wireDetails } from "./details.js";
import { editorSawChange, isWritable, openCreate, wireForm } from "./form.js";
import { wireKeys } from "./keys.js";
import { listen } from "./live.js";
import { watchProgress } from "./progress.js";
import { state, announce } from "./state.js";
import { refreshStatusSoon, watchStatus } from "./status.js";
import { LOCALE, firstDay, gridTime, initialView } from "./prefs.js";
import { allZones, browserZone, shifted, millisBetween } from "./times.js";
import { offerUndo, wireUndo } from "./undo.js";
import { wireSettings } from "./settings.js";
import { openQuick, wireQuick } from "./quick.js";
import { wireSearch } from "./search.js";

const $ = (id) => document.getElementById(id);
const hidden = new Set(JSON.parse(localStorage.getItem("hiddenCalendars") || "[]"));
const cache = new Map();

function phone() {
  return window.matchMedia("(max-width: 640px)").matches;
}

async function loadWindow(info, success, failure) {
  const key = `${info.startStr}|${info.endStr}`;
  try {
    if (!cache.has(key)) {
      const query = new URLSearchParams({ start: info.start.toISOString(), end: info.end.toISOString() });
      cache.set(key, request("GET", `${state.config.feed}?${query}`));
    }
    const events = await cache.get(key);
    performance.mark("events-arrived");
    success(events.filter((e) => !hidden.has(e.extendedProps.calendar)));
  } catch (err) {
    cache.delete(key);
    announce(`The events could not be loaded: ${err.message}`);
    failure(err);
  }
}

function refresh() {
  cache.clear();
  state.calendar.refetchEvents();
}

let pending = null;
function refreshSoon() {
  window.clearTimeout(pending);
  pending = window.setTimeout(refresh, 100);
}

function labelEvent(info) {
  const { event, el, timeText } = info;
  const props = event.extendedProps;
  const target = el.querySelector(".fc-list-event-title a") || el;
  const when = event.allDay ? "all day" : timeText;
  const parts = [event.title, when, props.seriesId ? "repeats" : "", props.calendarName].filter(Boolean);
  target.setAttribute("role", "button");
  target.setAttribute("tabindex", "0");
  target.setAttribute("aria-label", parts.join(", "));
  el.title = event.title; // the full title where the grid cuts it
  if (target !== el) {
    el.removeAttribute("tabindex");
    target.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        openDetails(event);
      }
    });
  }
}

function timeOf(event) {
  const zone = event.extendedProps.zone || state.zone;
  if (event.allDay) return (str) => ({ date: str.slice(0, 10) });
  return (str) => ({ dateTime: DateTime.fromISO(str).setZone(zone).toISO({ suppressMilliseconds: true }), timeZone: zone });
}

// Drag to move, or resize: the same three choices for an instance of a series. The move is
// guarded by the version the page showed, and can be undone for a moment.
async function moved(info) {
  const { event, oldEvent } = info;
  const props = event.extendedProps;
  let scope = "instance";
  if (props.seriesId) {
    scope = await askScope("Change recurring event");
    if (!scope) return info.revert();
  }
  const end = event.endStr || event.startStr;
  const oldEnd = oldEvent.endStr || oldEvent.startStr;
  const as = timeOf(event);
  const endOf = (e, str) => (e.allDay && !e.endStr ? nextDay(e.startStr) : str);
  let body = { start: as(event.startStr), end: as(endOf(event, end)) };
  let before = { start: as(oldEvent.startStr), end: as(endOf(oldEvent, oldEnd)) };
  let id = props.eventId;
  let etag = props.etag;
  let done;
  try {
    if (scope === "all") {
      const series = await send("GET", eventUrl(state.config.api, props.calendar, props.seriesId));
      const master = series.data;
      body = {
        start: shifted(master.start, millisBetween(oldEvent.startStr, event.startStr)),
        end: shifted(master.end, millisBetween(oldEnd, end)),
      };
      before = { start: master.start, end: master.end };
      id = props.seriesId;
      etag = series.etag;
    }
    const url = eventUrl(state.config.api, props.calendar, id, scope);
    const readUrl = eventUrl(state.config.api, props.calendar, id);
    done = await guardedWrite({ method: "PATCH", url, body, etag, readUrl, what: event.title, mine: "Move it anyway" });
    if (done === null) {
      info.revert();
      announce(`${event.title} was not moved: the calendar shows Google's version.`);
    } else {
      const undo = scope === "following" ? null : () => moveBack(event.title, readUrl, before, done.etag);
      offerUndo("Event moved", undo, `${event.title} moved.`);
    }
  } catch (err) {
    info.revert();
    announce(`${event.title} was not moved: ${err.message}`);
    showNotice(`${event.title} was not moved: ${err.message}`);
  }
  refresh();
}

async function moveBack(title, url, before, etag) {
  await guardedWrite({ method: "PATCH", url, body: before, etag, readUrl: url, what: title, mine: "Move it back anyway" });
  announce(`${title} is back where it was.`);
  refresh();
}

function nextDay(isoDate) {
  return DateTime.fromISO(isoDate.slice(0, 10), { zone: "UTC" }).plus({ days: 1 }).toISODate();
}

function showNotice(text) {
  const status = document.querySelector("main > [role=status]");
  status.replaceChildren();
  const ul = document.createElement("ul");
  ul.className = "messages";
  const li = document.createElement("li");
  li.className = "error";
  li.textContent = text;
  ul.append(li);
  status.append(ul);
}

function viewChanged(info) {
  $("view-title").textContent = info.view.title;
  for (const button of document.querySelectorAll("[data-view]")) {
    button.setAttribute("aria-pressed", String(button.dataset.view === info.view.type));
  }
  $("goto-date").value = DateTime.fromJSDate(state.calendar.getDate()).toISODate();
}

// A day grid scrolls inside the page's own box (#calendar: outside FullCalendar's grid
// roles, so a keyboard can focus it) and opens an hour before the current hour in the zone
// shown, as Google Calendar does; FullCalendar's headers stick to the box's top.
function scrollToNow(view) {
  const box = $("calendar");
  const grid = view.type.startsWith("timeGrid");
  box.classList.toggle("scrolls", grid);
  if (grid) box.tabIndex = 0;
  else box.removeAttribute("tabindex");
  if (!grid) return;
  const hour = Math.max(0, DateTime.now().setZone(state.zone).hour - 1);
  const slot = box.querySelector(`.fc-timegrid-slot-lane[data-time="${String(hour).padStart(2, "0")}:00:00"]`);
  const head = box.querySelector(".fc-scrollgrid-section-header");
  if (!slot) return;
  const top = slot.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
  box.scrollTop = top - (head ? head.offsetHeight : 0);
}

// A phone's day header: the weekday over the day of the month, as Google Calendar's app.
function stackedHeader(arg) {
  if (arg.view.type.startsWith("dayGrid")) return arg.text;
  const day = document.createElement("span");
  day.className = "day-number";
  day.textContent = new Intl.DateTimeFormat(LOCALE, { day: "numeric", timeZone: state.zone }).format(arg.date);
  const name = document.createElement("span");
  name.textContent = arg.text;
  return { domNodes: [name, document.createTextNode(" "), day] };
}

function buildCalendar() {
  return new Calendar($("calendar"), {
    plugins: [dayGridPlugin, timeGridPlugin, listPlugin, interactionPlugin, luxonPlugin],
    timeZone: state.zone,
    locale: LOCALE,
    initialView: initialView(phone()),
    height: "auto",
    views: {
      timeGridThreeDay: { type: "timeGrid", duration: { days: 3 }, dateIncrement: { days: 1 }, buttonText: "3 days" },
    },
    headerToolbar: false,
    nowIndicator: true,
    editable: true,
    selectable: true,
    selectMirror: true,
    dayMaxEvents: true,
    // At most four overlapping events side by side in the day and week grids; the rest of a
    // crowded slot sits behind "+N more" (as Google Calendar does), which keeps a week of a
    // 20,000-event calendar quick to draw and readable.
    eventMaxStack: 4,
    navLinks: false,
    firstDay: firstDay(),
    eventTimeFormat: gridTime(),
    slotLabelFormat: gridTime(),
    // A phone's narrow columns: "Tue 1" (the week's dates are in the title); wide: the
    // language's weekday and day/month order ("Tue 12/1" in en-US, "Tue 01/12" in en-GB).
    dayHeaderFormat: phone() ? { weekday: "short" } : { weekday: "short", month: "numeric", day: "numeric", omitCommas: true },
    dayHeaderContent: phone() ? stackedHeader : undefined,
    viewDidMount: (info) => window.requestAnimationFrame(() => scrollToNow(info.view)),
    noEventsContent: "Nothing planned in this period.",
    events: loadWindow,
    eventClassNames: (arg) => (arg.event.extendedProps.seriesId ? ["recurring"] : []),
    eventDidMount: labelEvent,
    eventClick: (info) => {
      info.jsEvent.preventDefault();
      openDetails(info.event);
    },
    select: (info) => {
      state.calendar.unselect();
      openQuick({ start: info.startStr, end: info.endStr, allDay: info.allDay }, info.jsEvent);
    },
    // An event moves only where writing is allowed: a calendar the account may write to, and
    // an account granted the events write scope (config.calendars[].writable says both).
    eventAllow: (span, event) => isWritable(event.extendedProps.calendar),
    selectAllow: () => state.config.calendars.some((c) => c.writable),
    eventDrop: moved,
    eventResize: moved,
    datesSet: viewChanged,
    eventsSet: measureRender,
  });
}

// How long the grid took to show the events after their data arrived (read by the benchmark).
function measureRender() {
  if (!performance.getEntriesByName("events-arrived").length) return;
  window.requestAnimationFrame(() => {
    performance.measure("events-render", "events-arrived");
    performance.clearMarks("events-arrived");
  });
}

function createNow() {
  if ($("create-button").disabled) return; // no calendar may be written to (read-only access)
  const now = DateTime.now().setZone(state.zone).startOf("hour").plus({ hours: 1 });
  const date = DateTime.fromJSDate(state.calendar.getDate()).toISODate();
  const start = date === now.toISODate() ? now : DateTime.fromISO(`${date}T09:00`, { zone: state.zone });
  openCreate({ start: start.toISO(), end: start.plus({ hours: 1 }).toISO(), allDay: false });
}

function setView(name) {
  state.calendar.changeView(name);
}

function wireToolbar() {
  const nav = { today: () => state.calendar.today(), prev: () => state.calendar.prev(), next: () => state.calendar.next() };
  for (const button of document.querySelectorAll("[data-nav]")) button.addEventListener("click", nav[button.dataset.nav]);
  for (const button of document.querySelectorAll("[data-view]")) button.addEventListener("click", () => setView(button.dataset.view));
  $("create-button").addEventListener("click", createNow);
  $("goto-date").addEventListener("change", () => {
    if ($("goto-date").value) state.calendar.gotoDate($("goto-date").value);
  });
  for (const box of document.querySelectorAll(".calendar-toggle")) {
    box.checked = !box.disabled && !hidden.has(box.value);
    box.addEventListener("change", () => {
      if (box.checked) hidden.delete(box.value);
      else hidden.add(box.value);
      localStorage.setItem("hiddenCalendars", JSON.stringify([...hidden]));
      state.calendar.refetchEvents();
    });
  }
  for (const swatch of document.querySelectorAll(".swatch[data-color]")) swatch.style.background = swatch.dataset.color;
  wireKeys({
    c: createNow,
    t: nav.today,
    d: () => setView("timeGridDay"),
    w: () => setView("timeGridWeek"),
    m: () => setView("dayGridMonth"),
    a: () => setView("listWeek"),
    x: () => setView("timeGridThreeDay"),
    j: nav.next,
    ArrowRight: nav.next,
    k: nav.prev,
    ArrowLeft: nav.prev,
    "?": () => openDialog($("help")),
  });
  $("help-button").addEventListener("click", () => openDialog($("help")));
}

function showZone() {
  $("zone-label").textContent = state.config.zone ? state.zone : `${state.zone} (your browser's)`;
}

function wireZone() {
  const select = $("z-zone");
  select.add(new Option(`Your browser's zone (${browserZone()})`, ""));
  for (const name of allZones()) select.add(new Option(name, name));
  $("zone-button").addEventListener("click", () => {
    select.value = state.config.zone;
    openDialog($("zone-dialog"), select);
  });
  $("zone-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const saved = await request("POST", state.config.preferences, new URLSearchParams({ time_zone: select.value }));
      state.config.zone = saved.time_zone;
    } catch (err) {
      $("e-time_zone").textContent = err.message;
      return;
    }
    state.zone = state.config.zone || browserZone();
    $("zone-dialog").close();
    state.calendar.setOption("timeZone", state.zone);
    showZone();
    refresh();
    announce(`Times are now shown in ${state.zone}.`);
  });
}

function start() {
  state.config = JSON.parse($("calendar-config").textContent);
  setCsrf(state.config.csrf);
  state.zone = state.config.zone || browserZone();
  state.refresh = refresh;
  wireDialogs();
  wireForm();
  wireDetails();
  wireUndo();
  wireZone();
  showZone();
  state.calendar = buildCalendar();
  wireToolbar();
  wireSettings();
  wireQuick();
  wireSearch();
  state.calendar.render();
  listen(state.config.stream, state.config.after, (change) => {
    refreshSoon();
    refreshStatusSoon();
    editorSawChange(change);
  });
  watchStatus(state.config.status);
  watchProgress(state.config.progress, () => {
    refreshSoon();
    refreshStatusSoon();
  });
  document.body.dataset.ready = "true";
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
