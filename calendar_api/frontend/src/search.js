// Search: the API's `q` (summary, description, location, guests) over every shown calendar,
// upcoming events first; a result goes to its day and opens its details.
import { eventUrl, request } from "./api.js";
import { openDetails } from "./details.js";
import { announce, state } from "./state.js";
import { formatRange } from "./times.js";
import { DateTime } from "luxon";

const $ = (id) => document.getElementById(id);
const PER_CALENDAR = 10;

async function find(text) {
  const from = DateTime.now().setZone(state.zone).startOf("day").toUTC().toISO({ suppressMilliseconds: true });
  const query = new URLSearchParams({ q: text, single_events: "true", time_min: from, page_size: String(PER_CALENDAR) });
  const asked = state.config.calendars.map(async (c) => {
    const page = await request("GET", `${eventUrl(state.config.api, c.id)}?${query}`);
    return page.results.map((event) => ({ event, calendar: c }));
  });
  const found = (await Promise.all(asked)).flat();
  const start = (e) => DateTime.fromISO(e.event.start.dateTime || e.event.start.date).toMillis();
  return found.sort((a, b) => start(a) - start(b)).slice(0, PER_CALENDAR);
}

function when(event) {
  const allDay = Boolean(event.start.date);
  return formatRange(event.start.date || event.start.dateTime, event.end.date || event.end.dateTime, allDay, state.zone);
}

function show(found, text) {
  const list = $("search-results");
  list.replaceChildren();
  $("search-summary").textContent = found.length ? `${found.length} upcoming event${found.length === 1 ? "" : "s"} match “${text}”.` : `No upcoming event matches “${text}”.`;
  for (const { event, calendar } of found) {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    const title = document.createElement("span");
    title.textContent = event.summary || "(No title)";
    const time = document.createElement("span");
    time.className = "when";
    time.textContent = `${when(event)} · ${calendar.name}`;
    button.append(title, time);
    button.addEventListener("click", () => goTo(event, calendar));
    li.append(button);
    list.append(li);
  }
}

// To the event's day, then its details once the grid holds it.
async function goTo(event, calendar) {
  state.calendar.gotoDate(event.start.dateTime || event.start.date);
  for (let tries = 0; tries < 25; tries += 1) {
    const shown = state.calendar.getEvents().find((e) => e.extendedProps.eventId === event.id && e.extendedProps.calendar === calendar.id);
    if (shown) return openDetails(shown);
    await new Promise((resolve) => window.setTimeout(resolve, 200));
  }
  announce(`${event.summary || "The event"} is on ${when(event)}.`);
}

export function wireSearch() {
  $("search-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const text = $("search-q").value.trim();
    if (!text) return;
    try {
      show(await find(text), text);
    } catch (err) {
      $("search-summary").textContent = `The search failed: ${err.message}`;
    }
  });
}
