"""Events of a calendar the store holds, filtered as Google's events.list filters them, with
series expanded on demand (for windows the read model's rows do not cover). Read only."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet, TextField
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from calendar_api.kits import recurrence
from calendar_api.kits.event_fields import event_time
from calendar_api.kits.instance_rows import shown_id
from calendar_api.kits.recurrence import Window
from calendar_api.models import Calendar, Event
from calendar_api.reads.owned import series_rows

LIVE = frozenset({"confirmed", "tentative"})


@dataclass(frozen=True)
class EventQuery:
    window: Window = field(default_factory=Window)
    q: str = ""
    statuses: frozenset[str] = LIVE
    updated_min: dt.datetime | None = None
    single_events: bool = False


def _search(rows: QuerySet[Event], text: str) -> QuerySet[Event]:
    """Google's `q`: summary, description, location, attendees and organizer."""
    found = Q(summary__icontains=text)
    for key in ("description", "location", "attendees", "organizer"):
        rows = rows.annotate(**{f"q_{key}": Cast(KeyTextTransform(key, "data"), TextField())})
        found |= Q(**{f"q_{key}__icontains": text})
    return rows.filter(found)


def query_rows(calendar: Calendar, query: EventQuery) -> QuerySet[Event]:
    rows = Event.objects.filter(calendar=calendar)
    statuses = query.statuses
    if query.updated_min is not None:
        rows = rows.filter(updated__gte=query.updated_min)
    rows = rows.filter(status__in=statuses)
    return _search(rows, query.q) if query.q else rows


def _series_over(calendar: Calendar, rows: QuerySet[Event], window: Window) -> list[str]:
    """Series that started before the window but have no instance in it."""
    masters = rows.filter(is_recurring=True, start__lt=window.low).values_list("google_id", "data")
    over = []
    for google_id, data in masters:
        with contextlib.suppress(ValueError, TypeError, KeyError, OverflowError):
            found, cut = recurrence.occurrences(data, calendar.time_zone, window)
            if not found and not cut:
                over.append(google_id)
    return over


def in_window(calendar: Calendar, rows: QuerySet[Event], window: Window) -> QuerySet[Event]:
    """Google's bounds: time_max is exclusive on the start, time_min exclusive on the end; a
    series counts when any of its instances is in the window."""
    if window.high is not None:
        rows = rows.filter(start__lt=window.high)
    if window.low is not None:
        over = _series_over(calendar, rows, window)
        series = Q(is_recurring=True) & ~Q(google_id__in=over)
        rows = rows.filter(Q(is_recurring=False, end__gt=window.low) | series)
    return rows


def expanded_events(*, calendar: Calendar, window: Window) -> list[dict[str, Any]]:
    """The calendar's live events in `window`, series expanded on demand (for windows outside
    the read model's horizon)."""
    return expanded(calendar, query_rows(calendar, EventQuery(window=window)), window)


def sort_key(event: dict[str, Any], calendar: Calendar) -> tuple[dt.datetime, str]:
    start, _ = event_time(event.get("start"), calendar.time_zone)
    return start or dt.datetime.min.replace(tzinfo=dt.UTC), str(event.get("id", ""))


def overlaps(event: dict[str, Any], calendar: Calendar, window: Window) -> bool:
    start, _ = event_time(event.get("start"), calendar.time_zone)
    end, _ = event_time(event.get("end"), calendar.time_zone)
    if start is None:
        return False
    late = window.high is not None and start >= window.high
    early = window.low is not None and (end or start) <= window.low
    return not late and not early


def expanded(calendar: Calendar, rows: QuerySet[Event], window: Window) -> list[dict[str, Any]]:
    tz = calendar.time_zone
    singles = in_window(calendar, rows.filter(is_recurring=False), window)
    items = [shown_id(data, tz) for data in singles.values_list("data", flat=True)]
    masters = list(in_window(calendar, rows.filter(is_recurring=True), window))
    replaced = {
        shown_id(e.data, tz)["id"]
        for e in series_rows(calendar=calendar, series_ids=[m.google_id for m in masters])
    }
    for master in masters:
        with contextlib.suppress(ValueError, TypeError, KeyError, OverflowError):
            found, _ = recurrence.occurrences(master.data, tz, window)
            made = (recurrence.make_instance(master.data, s, tz) for s in found)
            items += [i for i in made if i["id"] not in replaced]
    return sorted(items, key=lambda e: sort_key(e, calendar))
