"""Windows of the read model (see services/instances.py for what it stores): every
calendar's `singleEvents=true` view between two instants, answered by one indexed query on
(calendar, start, end), bounded below by the calendar's longest instance, then serialization;
windows outside a calendar's horizon are expanded on demand. Read only."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from calendar_api.kits.event_fields import event_time
from calendar_api.kits.instance_rows import SeriesShape
from calendar_api.kits.recurrence import Window
from calendar_api.models import Calendar, Instance
from calendar_api.pagination import Cursor, Page, page_queryset
from calendar_api.reads.expanded import expanded_events
from calendar_api.reads.window_text import window_page


def covers(calendar: Calendar, window: Window) -> bool:
    """Whether the stored rows answer `window` in full for this calendar."""
    low, high = calendar.instances_from, calendar.instances_until
    if low is None or high is None or window.low is None or window.high is None:
        return False
    return low <= window.low and window.high <= high


@dataclass(frozen=True)
class WindowInstance:
    """One item of a window: `event` holds Google's Event fields (as `singleEvents=true`
    shows them; `id` is our API's id), `start`/`end` are UTC, `calendar` is its calendar.
    `version` is the etag our API gives the item (its stored event's: for an instance never
    changed, its series'), the If-Match of a write based on what was shown."""

    calendar: Calendar
    event: dict[str, Any]
    start: dt.datetime
    end: dt.datetime
    version: str = ""


def window_rows(calendars: list[Calendar], window: Window) -> QuerySet[Instance]:
    """The stored rows overlapping the window (for calendars whose horizon covers it)."""
    assert window.low is not None
    if not calendars:
        return Instance.objects.none()
    bounds = Q()
    for calendar in calendars:
        earliest = window.low - dt.timedelta(seconds=calendar.longest_instance)
        bounds |= Q(calendar=calendar, start__gte=earliest)
    rows = Instance.objects.filter(bounds, end__gt=window.low)
    if window.high is not None:
        rows = rows.filter(start__lt=window.high)
    return rows


class RowOf(Protocol):
    """What Renderer reads of a row: an Instance, or its values read straight from a cursor."""

    @property
    def key(self) -> str: ...
    @property
    def series_id(self) -> str: ...
    @property
    def event_id(self) -> int: ...
    @property
    def calendar_id(self) -> int: ...
    @property
    def original_start(self) -> dt.datetime | None: ...


class Renderer:
    """Turns Instance rows into Google's Event dicts, decoding each source event once and
    working out each series' shape once."""

    def __init__(self, calendars: dict[int, Calendar]) -> None:
        self.calendars = calendars
        self.decoded: dict[int, dict[str, Any]] = {}
        self.series: dict[int, SeriesShape] = {}

    def event(self, row: RowOf, text: str) -> dict[str, Any]:
        data = self.decoded.get(row.event_id)
        if data is None:
            data = json.loads(text) if isinstance(text, str) else dict(text)
            self.decoded[row.event_id] = data
        if not row.series_id:
            return data
        if data.get("recurrence"):
            assert row.original_start is not None
            return self._shape(row, data).instance(row.key, row.original_start)
        return {**data, "id": row.key}

    def _shape(self, row: RowOf, master: dict[str, Any]) -> SeriesShape:
        shape = self.series.get(row.event_id)
        if shape is None:
            shape = SeriesShape(master, self.calendars[row.calendar_id].time_zone)
            self.series[row.event_id] = shape
        return shape


def _rendered(rows: QuerySet[Instance]) -> QuerySet[Instance]:
    return rows.annotate(source=Cast("event__data", TextField())).defer("busy")


def instances_in_window(
    *, calendars: Iterable[Calendar], time_min: dt.datetime, time_max: dt.datetime
) -> list[WindowInstance]:
    """Every item of the calendars between time_min and time_max, as Google's `singleEvents=
    true` list shows it (series expanded, changed instances applied, cancelled ones left out),
    ordered by start then id. An item is in the window when it starts before time_max and ends
    after time_min (Google's rule). One indexed query for the calendars whose horizon covers
    the window; the others are expanded on demand. Read only: nothing asks Google."""
    window = Window(time_min, time_max)
    chosen = list(calendars)
    stored = [c for c in chosen if covers(c, window)]
    found: list[WindowInstance] = []
    if stored:
        renderer = Renderer({c.pk: c for c in stored})
        for row in _rendered(window_rows(stored, window)):
            event = renderer.event(row, row.source)  # type: ignore[attr-defined]
            version = str(renderer.decoded[row.event_id].get("etag") or "")
            calendar = renderer.calendars[row.calendar_id]
            found.append(WindowInstance(calendar, event, row.start, row.end, version))
    for calendar in chosen:
        if calendar not in stored:
            found += _expanded_on_demand(calendar, window)
    found.sort(key=lambda item: (item.start, str(item.event.get("id", ""))))
    return found


def _expanded_on_demand(calendar: Calendar, window: Window) -> list[WindowInstance]:
    found = []
    for event in expanded_events(calendar=calendar, window=window):
        start, _ = event_time(event.get("start"), calendar.time_zone)
        end, _ = event_time(event.get("end"), calendar.time_zone)
        if start is not None:
            version = str(event.get("etag") or "")  # a generated instance: none (no If-Match)
            found.append(WindowInstance(calendar, event, start, end or start, version))
    return found


def instances_page(
    *,
    calendar: Calendar,
    window: Window,
    size: int,
    cursor: Cursor | None,
    shown: ZoneInfo | None = None,
    version: int | None = None,
) -> Page | None:
    """A page of the calendar's window from the stored rows, in the API's (start, id) order;
    None when the rows cannot answer it (the window leaves the horizon). With `shown`, the
    items are the API's JSON texts with times in that zone (see window_text); with `version`
    too (the calendar's read_version, loaded by this request), the page may come from the
    per-process page cache."""
    if not covers(calendar, window):
        return None
    if shown is not None:
        return window_page(
            calendar=calendar,
            window=window,
            rows=lambda: window_rows([calendar], window),
            size=size,
            cursor=cursor,
            shown=shown,
            version=version,
        )
    rows = _rendered(window_rows([calendar], window))
    page = page_queryset(rows, size=size, cursor=cursor, ident="key")
    renderer = Renderer({calendar.pk: calendar})
    items = [renderer.event(row, row.source) for row in page.items]
    return Page(items, page.next, page.previous)


def busy_spans(
    *, calendars: list[Calendar], window: Window
) -> dict[int, list[tuple[dt.datetime, dt.datetime]]]:
    """Busy (start, end) pairs per calendar pk, for calendars whose horizon covers `window`."""
    rows = window_rows(calendars, window).filter(busy=True)
    found: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {c.pk: [] for c in calendars}
    for calendar_id, start, end in rows.values_list("calendar_id", "start", "end"):
        found[calendar_id].append((start, end))
    return found


def instance_row(*, calendar: Calendar, key: str) -> Instance | None:
    """The stored row our API's id names, if the horizon holds it."""
    return Instance.objects.filter(calendar=calendar, key=key).select_related("event").first()
