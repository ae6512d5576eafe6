// How the page writes dates and times: the browser's language (navigator.language), with the
// person's 12/24-hour setting on top, the same on the grid and in the dialogs.
import { state } from "./state.js";

export const LOCALE = navigator.language || "en-US";

const VIEWS = { day: "timeGridDay", "3days": "timeGridThreeDay", week: "timeGridWeek", month: "dayGridMonth", agenda: "listWeek" };

export function settings() {
  return state.config.settings;
}

// Whether times read 12-hour: the setting, else as the browser's language writes them
// (en-US 2:30 PM, en-GB 14:30).
export function hour12() {
  const chosen = settings().time_format;
  if (chosen) return chosen === "12";
  const cycle = new Intl.DateTimeFormat(LOCALE, { hour: "numeric" }).resolvedOptions().hourCycle;
  return cycle === "h11" || cycle === "h12";
}

// FullCalendar's format of a time on the grid; Luxon's / Intl's in the dialogs: the same.
export function gridTime() {
  if (!hour12()) return { hour: "2-digit", minute: "2-digit", hour12: false };
  return { hour: "numeric", minute: "2-digit", hour12: true };
}

export function intlTime() {
  if (!hour12()) return { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  return { hour: "numeric", minute: "2-digit", hour12: true };
}

// FullCalendar's firstDay (Sunday=0) from the setting (Monday=0, as Python's weekday()).
export function firstDay() {
  return (settings().week_start + 1) % 7;
}

export function initialView(phone) {
  return VIEWS[settings().default_view] || (phone ? "timeGridThreeDay" : "timeGridWeek");
}

// The current IANA name of a zone a browser still calls by an old one (Asia/Calcutta).
export function currentZone(name) {
  return (state.config.zoneNames || {})[name] || name;
}
