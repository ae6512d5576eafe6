"""How table.py and table_own.py write a recurrence case: a Row (id, DTSTART, recurrence lines,
expected starts) and its Case.

DTSTART is local in `zone` (a bare date for an all-day series). Expected starts are written
`YYYY-MM: days` groups (`2-11`, `2-30/2` for every other day, `2,15`), each day at DTSTART's
wall time (or at each of `times`), or as explicit UTC instants (`@2026-03-29T01:30Z`) where
the local time is the point of the case. `complete`: these are all the starts (the window runs
12 years past DTSTART, so nothing may follow them); otherwise the first ones of an endless
series (the window ends the day after the last). `window`: the starts in that window, years
after DTSTART.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo
from typing import Any

from tests.recurrence.cases import UTC, Case, normal

NY = "America/New_York"
BERLIN = "Europe/Berlin"
RFC = "RFC 5545 3.8.5.3"
OWN = "RFC 5545 rules, worked out by hand"
OPEN = "open in RFC 5545: what we do (docs/recurrence.md)"
SPAN = dt.timedelta(days=12 * 366)


@dataclasses.dataclass(frozen=True)
class Row:
    id: str
    dtstart: str
    lines: tuple[str, ...]
    expected: str
    complete: bool = True
    zone: str = NY
    source: str = RFC
    times: tuple[str, ...] = ()
    window: str = ""  # `YYYY-MM-DD/YYYY-MM-DD` (UTC): all the starts in it, far from DTSTART


def rrule(text: str) -> tuple[str, ...]:
    return ("RRULE:" + text,)


def case_of(row: Row) -> Case:
    all_day = len(row.dtstart) == 8
    start = _local(row.dtstart, row.zone)
    event: dict[str, Any]
    if all_day:
        event = {
            "start": {"date": start.date().isoformat()},
            "end": {"date": (start.date() + dt.timedelta(days=1)).isoformat()},
        }
    else:
        event = {
            "start": {"dateTime": start.isoformat(), "timeZone": row.zone},
            "end": {"dateTime": (start + dt.timedelta(hours=1)).isoformat(), "timeZone": row.zone},
        }
    event["recurrence"] = list(row.lines)
    first = start.astimezone(UTC)
    expected = tuple(_expected(row, start))
    if row.window:
        low, high = (
            dt.datetime.fromisoformat(d).replace(tzinfo=UTC) for d in row.window.split("/")
        )
        return Case(row.id, row.source, event, low, high, expected, None)
    if row.complete:  # a window long past the last instance: nothing may follow it
        return Case(
            row.id, row.source, event, first - dt.timedelta(days=1), first + SPAN, expected, None
        )
    last = max(_moment(e) for e in expected)  # an endless series: its first instances
    high = last + dt.timedelta(days=1)
    return Case(
        row.id, row.source, event, first - dt.timedelta(days=1), high, expected, len(expected)
    )


def _moment(value: dt.date | dt.datetime) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time(), UTC)


def _local(text: str, zone: str) -> dt.datetime:
    if len(text) == 8:
        return dt.datetime.strptime(text, "%Y%m%d").replace(tzinfo=UTC)
    return dt.datetime.strptime(text, "%Y%m%dT%H%M%S").replace(tzinfo=zoneinfo.ZoneInfo(zone))


def _expected(row: Row, start: dt.datetime) -> list[dt.date | dt.datetime]:
    if row.expected.startswith("@"):
        return [
            normal(dt.datetime.fromisoformat(t.strip().lstrip("@").replace("Z", "+00:00")))
            for t in row.expected.split(",")
        ]
    times = [dt.time.fromisoformat(t) for t in row.times] or [start.timetz().replace(tzinfo=None)]
    found: list[dt.date | dt.datetime] = []
    for group in row.expected.split(";"):
        month, _, days = group.strip().partition(": ")
        year, number = (int(p) for p in month.split("-"))
        for day in _days(days):
            date = dt.date(year, number, day)
            if len(row.dtstart) == 8:
                found.append(date)
                continue
            found += [normal(dt.datetime.combine(date, t, start.tzinfo)) for t in times]
    return found


def _days(text: str) -> list[int]:
    found: list[int] = []
    for part in text.split(","):
        span, _, step = part.partition("/")
        low, _, high = span.partition("-")
        found += range(int(low), int(high or low) + 1, int(step or 1))
    return found
