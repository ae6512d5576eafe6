"""The page's window of events (`/web/events/`) as JSON text, from the read model as the
REST API's window is (reads/window_text.py).

Every shown calendar contributes a piece: its FullCalendar objects in the window, each rendered
by kits/event_shape.py's `fullcalendar_event` (the one function that shapes an event for the
page) and encoded once. A piece is kept per process (`WINDOW_PAGE_CACHE_SIZE` pieces), keyed by
the calendar's `read_version` as this request loaded it, the window and how the page shows the
calendar (its colour, name, zone, whether it may be changed). Every change to a calendar's
events or rows bumps its version in its own transaction, after the change, so a piece kept
under a version holds data at least that new, and a request that sees a newer version never
gets it: a week asked for again before anything changed costs the query of the shown calendars
and no other.

The pieces that are not kept are built from one query of the read model's rows for all those
calendars (values read straight from the cursor: no model object per row), each stored event
decoded once; calendars whose horizon does not cover the window are expanded on demand, as the
API does. Items are ordered by start, then the API's id, then the calendars' order on the page.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.db.models import TextField
from django.db.models.functions import Cast

from calendar_api.db.bulk import datetime_read, values_read
from calendar_api.kits.event_shape import CalendarLook, fullcalendar_event
from calendar_api.kits.recurrence import Window
from calendar_api.models import Calendar
from calendar_api.reads.window import Renderer, covers, instances_in_window, window_rows
from calendar_api.reads.window_text import Kept
from calendar_api.renderers import dumps

ROW_FIELDS = ("key", "start", "series_id", "event_id", "calendar_id", "original_start", "source")


class Item(NamedTuple):
    """One FullCalendar object of a piece, with what orders it among the others."""

    start: dt.datetime
    ident: str
    place: int  # the calendar's place on the page: the last tie-breaker
    text: str


class Row(NamedTuple):
    """A read model row as window_rows selects it (the attributes Renderer reads)."""

    key: str
    start: dt.datetime
    series_id: str
    event_id: int
    calendar_id: int
    original_start: dt.datetime | None
    source: str


class Piece(NamedTuple):
    """A calendar's objects in a window, ordered, and their JSON text joined."""

    items: tuple[Item, ...]
    text: str


PieceKey = tuple[Any, ...]
PIECES: Kept[PieceKey, Piece] = Kept("WINDOW_PAGE_CACHE_SIZE")


def window_text(*, shown: list[tuple[Calendar, CalendarLook]], window: Window) -> str:
    """The JSON array of every shown calendar's FullCalendar objects in `window` (both bounds
    set), as the page's event source answers it. `shown` pairs each calendar (a row loaded by
    this request: its read_version is the one the pieces are kept under) with its look."""
    keys = [_key(calendar, look, window) for calendar, look in shown]
    pieces = [PIECES.get(key) for key in keys]
    missing = [place for place, piece in enumerate(pieces) if piece is None]
    if missing:
        built = _built([(place, *shown[place]) for place in missing], window)
        for place in missing:
            pieces[place] = built[place]
            PIECES.put(keys[place], built[place])
    filled = [piece for piece in pieces if piece is not None and piece.items]
    if len(filled) == 1:
        return "[" + filled[0].text + "]"
    return "[" + ",".join(item.text for item in heapq.merge(*(p.items for p in filled))) + "]"


def _key(calendar: Calendar, look: CalendarLook, window: Window) -> PieceKey:
    return (calendar.pk, calendar.read_version, look, covers(calendar, window), window)


def _built(chosen: list[tuple[int, Calendar, CalendarLook]], window: Window) -> dict[int, Piece]:
    """The pieces of the calendars `chosen` (place, calendar, look): the stored rows of those
    the horizon covers in one query, the others expanded on demand."""
    stored = {calendar.pk: (place, calendar, look) for place, calendar, look in chosen}
    stored = {pk: c for pk, c in stored.items() if covers(c[1], window)}
    found: dict[int, list[Item]] = {place: [] for place, _, _ in chosen}
    if stored:
        renderer = Renderer({pk: calendar for pk, (_, calendar, _) in stored.items()})
        for row in _rows([calendar for _, calendar, _ in stored.values()], window):
            place, _, look = stored[row.calendar_id]
            event = renderer.event(row, row.source)
            version = str(renderer.decoded[row.event_id].get("etag") or "")
            _add(found[place], place, row.start, event, look, version)
    for place, calendar, look in chosen:
        if calendar.pk not in stored:
            assert window.low is not None and window.high is not None
            for item in instances_in_window(
                calendars=[calendar], time_min=window.low, time_max=window.high
            ):
                _add(found[place], place, item.start, item.event, look, item.version)
    ordered = {place: tuple(sorted(items)) for place, items in found.items()}
    return {
        place: Piece(items, ",".join(i.text for i in items)) for place, items in ordered.items()
    }


def _rows(calendars: list[Calendar], window: Window) -> Iterable[Row]:
    selected = window_rows(calendars, window).annotate(source=Cast("event__data", TextField()))
    for key, start, series, event, calendar, original, source in values_read(
        selected.values_list(*ROW_FIELDS)
    ):
        was = datetime_read(original) if original is not None else None
        yield Row(key, datetime_read(start), series, event, calendar, was, source)


def _add(
    into: list[Item],
    place: int,
    start: dt.datetime,
    event: dict[str, Any],
    look: CalendarLook,
    version: str,
) -> None:
    shaped = fullcalendar_event(event, look, version)
    if shaped is not None:
        into.append(Item(start, str(event.get("id", "")), place, dumps(shaped)))
