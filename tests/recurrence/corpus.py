"""The test calendars that ship inside the installed `recurring-ical-events` package (read from
the package itself, never copied here), each recurring series turned into a Google event, with
the starts that library computes for it.

A series is a VEVENT with RRULE or RDATE and no RECURRENCE-ID (its changed instances are
exceptions, which Google keeps apart and which this corpus does not compare); of several with
one UID, the highest SEQUENCE stands, as in recurring-ical-events. The library expands a
calendar holding that one component (and the file's VTIMEZONEs), so what it answers is the
series' own recurrence set. A floating start is given the zone UTC on both sides.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
from collections.abc import Iterator
from typing import Any

import icalendar
import recurring_ical_events

from tests.recurrence.cases import UTC, Case, normal

LINES = ("RRULE", "RDATE", "EXDATE", "EXRULE")
SPAN = dt.timedelta(days=5 * 366)  # the window: from a day before the first start, 5 years


def calendars() -> list[Any]:
    """The .ics files of the installed package's test suite, in name order."""
    folder = importlib.resources.files(recurring_ical_events) / "test" / "calendars"
    return sorted((f for f in folder.iterdir() if f.name.endswith(".ics")), key=lambda f: f.name)


def corpus_cases() -> list[Case]:
    found = []
    for path in calendars():
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        for number, component in enumerate(_series(calendar), start=1):
            found.append(_case(f"ical:{path.name[:-4]}#{number}", calendar, component))
    return found


def _series(calendar: Any) -> Iterator[Any]:
    masters: dict[str, Any] = {}
    for component in calendar.walk("VEVENT"):
        if "RECURRENCE-ID" in component or not ("RRULE" in component or "RDATE" in component):
            continue
        uid = str(component.get("UID"))
        if uid in masters and _sequence(masters[uid]) > _sequence(component):
            continue
        masters[uid] = component
    yield from masters.values()


def _sequence(component: Any) -> int:
    return int(component.get("SEQUENCE", 0))


def _case(case_id: str, calendar: Any, component: Any) -> Case:
    start = component["DTSTART"].dt
    end = component["DTEND"].dt if "DTEND" in component else start
    if "DURATION" in component:
        end = start + component["DURATION"].dt
    elif "DTEND" not in component and not isinstance(start, dt.datetime):
        end = start + dt.timedelta(days=1)  # a DATE start without an end lasts a day (3.6.1)
    zone = _zone(start)
    event = {"start": _edge(start, zone), "end": _edge(end, zone), "recurrence": _lines(component)}
    first = normal(start)
    first_moment = (
        first if isinstance(first, dt.datetime) else dt.datetime.combine(first, dt.time(), UTC)
    )
    low, high = first_moment - dt.timedelta(days=1), first_moment + SPAN
    return Case(
        case_id,
        "recurring-ical-events",
        event,
        low,
        high,
        _expected(calendar, component, low, high),
    )


def _zone(start: dt.date) -> str:
    """The IANA zone of a timed start (UTC for floating); every series in the corpus has one."""
    if not isinstance(start, dt.datetime):
        return ""
    if start.tzinfo is None:
        return "UTC"
    name = getattr(start.tzinfo, "key", None) or getattr(start.tzinfo, "zone", None)
    if name is None and start.utcoffset() == dt.timedelta(0):
        name = "UTC"
    if not name:
        raise ValueError(f"A start in a zone without an IANA name: {start!r}")
    return str(name)


def _edge(value: dt.date, zone: str) -> dict[str, str]:
    if not isinstance(value, dt.datetime):
        return {"date": value.isoformat()}
    moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    return {"dateTime": moment.isoformat(), "timeZone": zone}


def _lines(component: Any) -> list[str]:
    """The recurrence lines as Google's `recurrence` holds them (the ICS lines, unfolded)."""
    lines = []
    for name, value in component.property_items(recursive=False):
        if name in LINES:
            params = "".join(f";{key}={param}" for key, param in value.params.items())
            lines.append(f"{name}{params}:{value.to_ical().decode()}")
    return lines


def _expected(
    calendar: Any, component: Any, low: dt.datetime, high: dt.datetime
) -> tuple[dt.date | dt.datetime, ...]:
    alone = icalendar.Calendar()
    for zone in calendar.walk("VTIMEZONE"):
        alone.add_component(zone)
    alone.add_component(component)
    try:
        found = recurring_ical_events.of(alone).between(low, high)
    except recurring_ical_events.InvalidCalendar:
        return ()  # a series it refuses: such cases are the refused ones (test module)
    return tuple(normal(event["DTSTART"].dt) for event in found)
