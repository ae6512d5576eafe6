"""Public holiday calendars: `<locale>#holiday@group.v.calendar.google.com`.

Google's "Calendars and events" concepts page
(https://developers.google.com/calendar/api/concepts/events-calendars) and its calendarList
reference: public calendars such as the national holiday ones are added to a user's list with
calendarList.insert by their id, and are read-only (accessRole `reader`). Their events are
all-day, transparent (holidays do not make anyone busy) and public. The emulator knows the
calendars below and makes each, with its holidays for the years around today, the first time
anyone names it; `calendar_for` then finds it like any calendar shared with everyone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from google_emulator.calendar import eventdata, times
from google_emulator.state.calendar import Calendar, CalendarStore, Event, etag_for

SUFFIX = "#holiday@group.v.calendar.google.com"
Rule = Callable[[int], dt.date]


def _nth(weekday: int, n: int, month: int) -> Rule:
    """The n-th `weekday` (Monday 0) of `month`; n = -1: the last one."""

    def day(year: int) -> dt.date:
        if n > 0:
            first = dt.date(year, month, 1)
            return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
        last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
        return last - dt.timedelta(days=(last.weekday() - weekday) % 7)

    return day


def _fixed(month: int, day: int) -> Rule:
    return lambda year: dt.date(year, month, day)


CALENDARS: dict[str, tuple[str, str, list[tuple[str, Rule]]]] = {
    "en.usa": (
        "Holidays in United States",
        "America/New_York",
        [
            ("New Year's Day", _fixed(1, 1)),
            ("Martin Luther King Jr. Day", _nth(0, 3, 1)),
            ("Memorial Day", _nth(0, -1, 5)),
            ("Independence Day", _fixed(7, 4)),
            ("Labor Day", _nth(0, 1, 9)),
            ("Thanksgiving Day", _nth(3, 4, 11)),
            ("Christmas Day", _fixed(12, 25)),
        ],
    ),
    "en.uk": (
        "Holidays in United Kingdom",
        "Europe/London",
        [
            ("New Year's Day", _fixed(1, 1)),
            ("Early May Bank Holiday", _nth(0, 1, 5)),
            ("Spring Bank Holiday", _nth(0, -1, 5)),
            ("Summer Bank Holiday", _nth(0, -1, 8)),
            ("Christmas Day", _fixed(12, 25)),
            ("Boxing Day", _fixed(12, 26)),
        ],
    ),
    "de.german": (
        "Feiertage in Deutschland",
        "Europe/Berlin",
        [
            ("Neujahr", _fixed(1, 1)),
            ("Tag der Arbeit", _fixed(5, 1)),
            ("Tag der Deutschen Einheit", _fixed(10, 3)),
            ("1. Weihnachtstag", _fixed(12, 25)),
            ("2. Weihnachtstag", _fixed(12, 26)),
        ],
    ),
}


def is_holiday_id(calendar_id: str) -> bool:
    return calendar_id.endswith(SUFFIX) and calendar_id[: -len(SUFFIX)] in CALENDARS


def ensure(store: CalendarStore, calendar_id: str) -> None:
    """Make the holiday calendar `calendar_id` (with its events) if it is one not made yet."""
    if calendar_id in store.calendars or not is_holiday_id(calendar_id):
        return
    summary, zone, rules = CALENDARS[calendar_id[: -len(SUFFIX)]]
    # Nobody owns it: the owner is the calendar itself, and everyone may read it.
    calendar = Calendar(calendar_id, calendar_id, summary, zone, seq=store.next_seq())
    calendar.acl["default"] = {"scope": {"type": "default"}, "role": "reader", "seq": calendar.seq}
    calendar.description = "Holidays and Observances"
    store.calendars[calendar_id] = calendar
    this_year = times.now().year
    for year in range(this_year - 1, this_year + 3):
        for name, rule in rules:
            _put(store, calendar, name, rule(year))


def _put(store: CalendarStore, calendar: Calendar, name: str, day: dt.date) -> None:
    digest = hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:8]
    event_id = f"{day:%Y%m%d}{digest}"  # base32hex, as Google's ids
    event: Event = {
        "id": event_id,
        "summary": name,
        "description": "Public holiday",
        "start": {"date": day.isoformat()},
        "end": {"date": (day + dt.timedelta(days=1)).isoformat()},
        "transparency": "transparent",
        "visibility": "public",
    }
    seq = store.next_seq()
    stamp = times.now_ms()
    made = eventdata.complete(event, calendar)
    made.update(etag=etag_for(seq), created=stamp, updated=stamp)
    made["organizer"] = {"email": calendar.id, "displayName": calendar.summary}
    made["creator"] = {"email": calendar.id, "displayName": calendar.summary}
    calendar.events[event_id] = made
    calendar.changed[event_id] = seq
    calendar.created[event_id] = seq
    calendar.version, calendar.updated = seq, stamp
