"""A window of the read model rendered straight to the API's JSON text.

Every item of a window is an Instance row plus the stored event that renders it. What an event
contributes (its fields other than the id and the times) is the same for every row it renders
and for every request, so it is decoded and encoded once per (event version, zones) and kept in
a small per-process cache (`WINDOW_TEXT_CACHE_SIZE` events). A row then costs its own id and
times, encoded, and a string join. The pieces come from kits/event_shape.py, the module that
builds an event's JSON for every output: the result equals what `Renderer` builds and
`event_in_zone` shifts (a test compares them), and the page carries it as RawJSON, so nothing is
decoded again on the way out.

Whole pages are kept too (`WINDOW_PAGE_CACHE_SIZE` per process), keyed by the window, the page
asked for and the calendar's `read_version` as the request loaded it. Every change to the
calendar's events or rows bumps that version in its own transaction (after the change), so a
page kept under a version holds data at least that new, and a request that sees a newer
version never gets it: a window asked for again before anything changed costs no query.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from calendar_api.conf import app_settings
from calendar_api.db.bulk import datetime_read, values_read
from calendar_api.kits.event_shape import SHOWN_TIMES, event_in_zone, moment_text, own_times
from calendar_api.kits.instance_rows import SeriesShape
from calendar_api.models import Calendar, Event, Instance
from calendar_api.pagination import Cursor, Page, page_queryset
from calendar_api.renderers import RawJSON, dumps

OWN = ("id", *SHOWN_TIMES)  # what differs from row to row
ROW_FIELDS = ("key", "start", "series_id", "event_id", "event__etag", "end_text", "updated_text")
Version = tuple[int, str, str, str, str]  # event pk, etag, updated, calendar zone, shown zone


class Source:
    """One stored event, prepared for rendering its rows in one display zone."""

    def __init__(self, data: dict[str, Any], calendar_tz: str, shown: ZoneInfo) -> None:
        self.shown = shown
        self.own_id = dumps(data.get("id", ""))
        self.series = SeriesShape(data, calendar_tz) if data.get("recurrence") else None
        fields = self.series.base if self.series is not None else event_in_zone(data, shown)
        rest = dumps({k: v for k, v in fields.items() if k not in OWN})[1:-1]
        self.rest = "," + rest if rest else ""
        # A single event or an exception shows its own times, the same in every request.
        self.times = "" if self.series is not None else _times(fields)
        # A timed series' instance: its times are its row's instants, shown in `shown`, with
        # the series' zone name (how recurrence.edge writes them).
        self.timed = self.series is not None and self.series.zone is not None
        zone_name = (data.get("start") or {}).get("timeZone")
        self.zone_name = f',"timeZone":{dumps(zone_name)}' if zone_name else ""

    def text(self, row: Any) -> str:
        """The item of `row`: a single event shows its own id; a series' row shows its key."""
        if not row.series_id:
            return f'{{"id":{self.own_id}{self.times}{self.rest}}}'
        key = row.key
        if self.series is None:  # an exception: its own times
            return f'{{"id":{_quoted(key)}{self.times}{self.rest}}}'
        original = row.start  # an unchanged instance starts where it originally did
        if self.timed:
            zone_name, shown = self.zone_name, self.shown
            begins = f'{{"dateTime":"{moment_text(original, shown)}"{zone_name}}}'
            end = moment_text(datetime_read(row.end_text), shown)
            return (
                f'{{"id":{_quoted(key)},"originalStartTime":{begins},"start":{begins},'
                f'"end":{{"dateTime":"{end}"{zone_name}}}{self.rest}}}'
            )
        instance = event_in_zone(self.series.instance(key, original), self.shown)
        return f'{{"id":{_quoted(key)}{_times(instance)}{self.rest}}}'


def _quoted(text: str) -> str:
    """`text` as a JSON string; ids are nearly always plain letters, digits and `_`."""
    if text.isascii() and text.replace("_", "").isalnum():
        return '"' + text + '"'
    return dumps(text)


def _times(fields: dict[str, Any]) -> str:
    return own_times(fields, dumps)


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Kept(Generic[K, V]):
    """Values by key, least recently used first out, at most the named setting's number of
    them; safe across threads."""

    def __init__(self, size_setting: str) -> None:
        self.size_setting = size_setting
        self.entries: OrderedDict[K, V] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key: K, value: V) -> None:
        with self.lock:
            self.entries[key] = value
            while len(self.entries) > getattr(app_settings, self.size_setting):
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


PageKey = tuple[Any, ...]
CACHE: Kept[Version, Source] = Kept("WINDOW_TEXT_CACHE_SIZE")  # prepared events
PAGES: Kept[PageKey, Page] = Kept("WINDOW_PAGE_CACHE_SIZE")  # whole pages


def window_page(
    *,
    calendar: Calendar,
    window: Any,
    rows: Callable[[], QuerySet[Instance]],
    size: int,
    cursor: Cursor | None,
    shown: ZoneInfo,
    version: int | None,
) -> Page:
    """A page of the calendar's window (whose rows `rows` builds, only when needed) in the
    API's (start, id) order, each item the JSON text of the event as the events list shows it,
    times in `shown`. With `version` (the calendar's read_version, from a Calendar row read by
    this request), the page is kept per (calendar, version, window, page, zones)."""
    if version is None:
        return _built(calendar, rows(), size, cursor, shown)
    key = (
        calendar.pk,
        version,
        calendar.time_zone,
        window.low,
        window.high,
        size,
        cursor,
        shown.key,
    )
    page = PAGES.get(key)
    if page is None:
        page = _built(calendar, rows(), size, cursor, shown)
        PAGES.put(key, page)
    return page


def _built(
    calendar: Calendar,
    rows: QuerySet[Instance],
    size: int,
    cursor: Cursor | None,
    shown: ZoneInfo,
) -> Page:
    selected = rows.annotate(
        end_text=Cast("end", TextField()), updated_text=Cast("event__updated", TextField())
    ).values_list(*ROW_FIELDS)
    page = page_queryset(selected, size=size, cursor=cursor, ident="key", fetch=_fetch)
    sources = _sources(calendar, page.items, shown)
    items: list[Any] = [RawJSON(s.text(row)) for s, row in zip(sources, page.items, strict=True)]
    return Page(items, page.next, page.previous)


class WindowRow(NamedTuple):
    key: str
    start: dt.datetime
    series_id: str
    event_id: int
    etag: str
    end_text: str
    updated_text: str | None


def _fetch(rows: QuerySet[Any]) -> list[WindowRow]:
    """The rows through the database cursor (bulk.values_read), starts read as datetimes."""
    found = values_read(rows)
    return [WindowRow(k, datetime_read(s), i, e, t, end, u) for k, s, i, e, t, end, u in found]


def _version(calendar: Calendar, row: WindowRow, shown: ZoneInfo) -> Version:
    return (row.event_id, row.etag, row.updated_text or "", calendar.time_zone, shown.key)


def _sources(calendar: Calendar, rows: list[WindowRow], shown: ZoneInfo) -> list[Source]:
    """The prepared source of each row: from the cache, the others read in one query."""
    versions = [_version(calendar, row, shown) for row in rows]
    found: dict[Version, Source] = {}
    missing: dict[int, Version] = {}
    for row, version in zip(rows, versions, strict=True):
        if version in found or row.event_id in missing:
            continue
        cached = CACHE.get(version)
        if cached is not None:
            found[version] = cached
        else:
            missing[row.event_id] = version
    if missing:
        texts = Event.objects.filter(pk__in=list(missing)).annotate(text=Cast("data", TextField()))
        for pk, text in texts.values_list("pk", "text"):
            data = json.loads(text) if isinstance(text, str) else dict(text)
            source = Source(data, calendar.time_zone, shown)
            CACHE.put(missing[pk], source)
            found[missing[pk]] = source
    return [found[version] for version in versions]
