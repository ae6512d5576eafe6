// Moments between FullCalendar, the form's inputs and Google's EventDateTime, in named zones.
import { DateTime } from "luxon";
import { LOCALE, currentZone, intlTime } from "./prefs.js";

// Browsers name zones as ICU does, some by an old IANA name: the page says the current one.
export function browserZone() {
  return currentZone(Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC");
}

export function allZones() {
  try {
    return [...new Set(Intl.supportedValuesOf("timeZone").map(currentZone))].sort();
  } catch (err) {
    return ["UTC"];
  }
}

// "2026-12-01T10:00:00+01:00" or "2026-12-01" (FullCalendar's startStr) as a form input value.
export function inputValue(isoString, allDay, zone) {
  if (allDay) return isoString.slice(0, 10);
  return DateTime.fromISO(isoString, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");
}

export function dayBefore(isoDate) {
  return DateTime.fromISO(isoDate, { zone: "UTC" }).minus({ days: 1 }).toISODate();
}

export function dayAfter(isoDate) {
  return DateTime.fromISO(isoDate, { zone: "UTC" }).plus({ days: 1 }).toISODate();
}

// A form input's wall time in `zone` as Google's EventDateTime.
export function googleTime(value, allDay, zone) {
  if (allDay) return { date: value };
  const moment = DateTime.fromISO(value, { zone });
  if (!moment.isValid) return { dateTime: value, timeZone: zone };
  return { dateTime: moment.toISO({ suppressMilliseconds: true }), timeZone: zone };
}

// Google's EventDateTime as a form input value shown in `zone`.
export function fromGoogle(value, zone) {
  if (!value) return "";
  if (value.date) return value.date;
  return DateTime.fromISO(value.dateTime, { zone: value.timeZone || zone }).setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm");
}

export function untilRule(dateValue, allDay, zone) {
  if (allDay) return dateValue.replaceAll("-", "");
  const end = DateTime.fromISO(`${dateValue}T23:59:59`, { zone }).toUTC();
  return end.toFormat("yyyyMMdd'T'HHmmss'Z'");
}

export function untilInput(until) {
  const m = /^(\d{4})(\d{2})(\d{2})/.exec(until || "");
  return m ? `${m[1]}-${m[2]}-${m[3]}` : "";
}

// Shift Google's EventDateTime by `millis`, keeping its zone.
export function shifted(value, millis) {
  if (value.date) {
    const days = Math.round(millis / 86400000);
    return { date: DateTime.fromISO(value.date, { zone: "UTC" }).plus({ days }).toISODate() };
  }
  const zone = value.timeZone || "UTC";
  const moment = DateTime.fromISO(value.dateTime, { zone }).plus({ milliseconds: millis });
  return { dateTime: moment.toISO({ suppressMilliseconds: true }), timeZone: zone };
}

export function millisBetween(a, b) {
  return DateTime.fromISO(b).toMillis() - DateTime.fromISO(a).toMillis();
}

// An event's time in words, written as the grid writes it (language, 12/24-hour setting).
export function formatRange(start, end, allDay, zone) {
  const dayFormat = { weekday: "long", day: "numeric", month: "long", year: "numeric" };
  if (allDay) {
    const first = DateTime.fromISO(start, { zone: "UTC" }).setLocale(LOCALE);
    const last = end ? DateTime.fromISO(end, { zone: "UTC" }).setLocale(LOCALE).minus({ days: 1 }) : first;
    if (last <= first) return `${first.toLocaleString(dayFormat)}, all day`;
    return `${first.toLocaleString(dayFormat)} to ${last.toLocaleString(dayFormat)}, all day`;
  }
  const from = DateTime.fromISO(start, { zone }).setLocale(LOCALE);
  const to = DateTime.fromISO(end || start, { zone }).setLocale(LOCALE);
  const time = intlTime();
  const toText = from.hasSame(to, "day") ? to.toLocaleString(time) : to.toLocaleString({ ...dayFormat, ...time });
  return `${from.toLocaleString(dayFormat)}, ${from.toLocaleString(time)} to ${toText}`;
}
