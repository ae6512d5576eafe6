"""A window of the signed-in person's events, shaped for FullCalendar's event objects.

`window_json` is the one place the page reads a window from the store: the read model's
instances of every shown calendar between two instants, each shaped by kits/event_shape.py
from the API's event, the JSON text kept per calendar version (web/window_text.py).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from calendar_api.kits.event_shape import CalendarLook
from calendar_api.kits.recurrence import Window
from calendar_api.models import Calendar
from calendar_api.reads.owned import calendars_of, shown_calendars_of
from calendar_api.web.window_text import window_text

# Google Calendar's own event colours, used when a calendar carries none of its own.
PALETTE = ("#039be5", "#33b679", "#8e24aa", "#e67c73", "#f6bf26", "#616161")


@dataclass(frozen=True)
class Shown:
    """A calendar as the page shows it: its colour and the text colour readable on it."""

    calendar: Calendar
    color: str
    text: str


def shown_calendars(*, user: Any) -> list[Shown]:
    """The person's synced calendars of active accounts, each with a stable colour, distinct
    between accounts."""
    shown: list[Shown] = []
    owner: dict[str, int] = {}  # colour -> the account that has it
    for index, calendar in enumerate(shown_calendars_of(user=user)):
        color = calendar.color if _is_hex(calendar.color) else PALETTE[index % len(PALETTE)]
        # Two accounts' calendars of one colour (Google gives every primary the same by
        # default): the later account's takes a palette colour no account uses yet.
        if owner.setdefault(color.lower(), calendar.account_id) != calendar.account_id:
            free = [c for c in PALETTE if c not in owner] or list(PALETTE)
            color = free[0]
            owner.setdefault(color, calendar.account_id)
        shown.append(Shown(calendar, color, readable_on(color)))
    return shown


def _is_hex(color: str) -> bool:
    return (
        len(color) == 7
        and color.startswith("#")
        and all(c in "0123456789abcdefABCDEF" for c in color[1:])
    )


def readable_on(color: str) -> str:
    """Black or white, whichever has the higher WCAG contrast on `color`."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#ffffff"


def window_json(*, user: Any, low: dt.datetime, high: dt.datetime) -> str:
    """Every shown calendar's events in the window, as the JSON array of FullCalendar event
    objects the page's event source reads: from the read model's rows (series already
    expanded into instances), each calendar's part kept per version (web/window_text.py)."""
    shown = [(s.calendar, look(s)) for s in shown_calendars(user=user)]
    return window_text(shown=shown, window=Window(low, high))


def window_events(*, user: Any, low: dt.datetime, high: dt.datetime) -> list[dict[str, Any]]:
    """window_json's objects, decoded."""
    return list(json.loads(window_json(user=user, low=low, high=high)))


def look(shown: Shown) -> CalendarLook:
    """What the page's event objects say about the calendar `shown`."""
    calendar = shown.calendar
    return CalendarLook(
        pk=calendar.pk,
        google_id=calendar.google_id,
        name=str(calendar),
        time_zone=calendar.time_zone,
        color=shown.color,
        text=shown.text,
        editable=calendar.access_role in ("owner", "writer"),
    )


def sync_progress(*, user: Any) -> dict[str, Any]:
    """The synced calendars, whether each has finished its first sync (`done`) or shows its
    first window meanwhile (`window`: the weeks fetched first, services/first_window.py), and
    the events stored."""
    rows = calendars_of(user=user).filter(sync_enabled=True, account__status="active")
    counted = rows.annotate(stored=Count("events")).order_by("account_id", "-primary", "pk")
    calendars = [
        {
            "id": c.google_id,
            "name": str(c),
            "done": c.last_synced_at is not None,
            "window": c.last_synced_at is None and c.instances_until is not None,
            "events": c.stored,
        }
        for c in counted
    ]
    return {
        "calendars": calendars,
        "done": sum(1 for c in calendars if c["done"]),
        "windows": sum(1 for c in calendars if c["window"]),
        "total": len(calendars),
        "events": sum(c["events"] for c in calendars),
    }
