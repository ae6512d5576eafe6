"""Which Instance rows a calendar's stored events make (the read model's rows, see
services/instances.py): one per single event and live exception, and one per unchanged
instance of a series inside a span. Computed from rows in hand: nothing is read or written."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import NamedTuple

from calendar_api.kits import recurrence
from calendar_api.kits.event_fields import EventRow, event_time, zone
from calendar_api.kits.instance_rows import busy, instance_key, original_suffix
from calendar_api.kits.recurrence import Window
from calendar_api.models import Calendar, Event


class Row(NamedTuple):
    """An Instance row to write (plain values: a full sync writes tens of thousands)."""

    event_id: int
    key: str
    series_id: str
    original_start: dt.datetime | None
    start: dt.datetime
    end: dt.datetime
    busy: bool


def single_row(calendar: Calendar, row: Event | EventRow) -> Row | None:
    if row.status == "cancelled" or row.start is None or row.end is None or row.pk is None:
        return None
    end = max(row.end, row.start)
    return Row(row.pk, row.google_id, "", None, row.start, end, busy(row.data))


def _exception_row(calendar: Calendar, row: Event, master: Event | None) -> Row | None:
    found = single_row(calendar, row)
    original = row.data.get("originalStartTime")
    if found is None or master is None or not original:
        return found
    suffix = original_suffix(original, calendar.time_zone)
    return found._replace(
        key=instance_key(row.recurring_event_id, suffix),
        series_id=row.recurring_event_id,
        original_start=event_time(original, calendar.time_zone)[0],
    )


def _is_occurrence(master: Event, calendar: Calendar, original: dt.datetime | None) -> bool:
    """Whether the series (still) has an instance originally starting at `original` (UTC)."""
    if original is None:
        return False
    tiny = dt.timedelta(microseconds=1)
    with contextlib.suppress(ValueError, TypeError, KeyError, OverflowError):
        found, _ = recurrence.occurrences(
            master.data, calendar.time_zone, Window(low=original, high=original + tiny)
        )
        return any(_utc(value, calendar) == original for value in found)
    return False


def _utc(value: dt.datetime, calendar: Calendar) -> dt.datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=zone(calendar.time_zone)).astimezone(dt.UTC)
    return value.astimezone(dt.UTC)


def _generated(calendar: Calendar, master: Event, span: Window) -> list[Row]:
    tz = calendar.time_zone
    try:
        starts, _ = recurrence.occurrences(master.data, tz, span)
        length = recurrence.duration(master.data, tz)
    except (ValueError, TypeError, KeyError, OverflowError):
        return []
    is_busy = busy(master.data)
    all_day = bool(starts) and starts[0].tzinfo is None
    prefix = master.google_id + "_"
    made = []
    for value in starts:
        begin = _utc(value, calendar)
        end = max(_utc(value + length, calendar), begin)
        suffix = value.strftime("%Y%m%d") if all_day else begin.strftime("%Y%m%dT%H%M%SZ")
        made.append(Row(master.pk, prefix + suffix, master.google_id, begin, begin, end, is_busy))
    return made


def series_rows(
    calendar: Calendar, master: Event | None, exceptions: list[Event], span: Window
) -> list[Row]:
    """The rows of one series: its unchanged instances in `span` and its live exceptions, as
    Google's singleEvents shows them (nothing of a cancelled series; an exception that is no
    longer one of the series' occurrences is not shown)."""
    if master is None:  # an instance of a series this calendar does not hold: shown on its own
        return _single_rows(calendar, exceptions)
    if master.status == "cancelled" or not master.data.get("recurrence"):
        return []
    generated = {row.key: row for row in _generated(calendar, master, span)}
    rows = [r for r in (_shown(calendar, e, master, generated) for e in exceptions) if r]
    return rows + list(generated.values())


def _single_rows(calendar: Calendar, events: list[Event]) -> list[Row]:
    return [r for r in (single_row(calendar, e) for e in events) if r is not None]


def _shown(
    calendar: Calendar, exception: Event, master: Event, generated: dict[str, Row]
) -> Row | None:
    """The row of an exception, which replaces its generated instance (popped from
    `generated`); None when it is cancelled, or no longer one of the series' occurrences."""
    key = _exception_key(exception, master, calendar)
    replaced = generated.pop(key, None) is not None
    row = _exception_row(calendar, exception, master)
    if row is None or not key:
        return None
    return row if replaced or _is_occurrence(master, calendar, row.original_start) else None


def _exception_key(exception: Event, master: Event, calendar: Calendar) -> str:
    original = exception.data.get("originalStartTime")
    if not original:
        return ""
    suffix = original_suffix(original, calendar.time_zone)
    return instance_key(exception.recurring_event_id, suffix)
