"""Instance-row maths, with no database: which events make a calendar busy, the ids our API
gives instances of a series (`<seriesId>_<original start>`), and what every unchanged instance
of one series shares (SeriesShape)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from calendar_api.kits import recurrence
from calendar_api.kits.event_fields import zone


def busy(event: dict[str, Any]) -> bool:
    """Whether the event makes its calendar busy (Google's freeBusy rules: a working location
    is free whatever its transparency says, as Google's calendar-status guide makes it)."""
    if event.get("status") == "cancelled" or event.get("transparency") == "transparent":
        return False
    if event.get("eventType") == "workingLocation":
        return False
    attendees = event.get("attendees") or []
    return not any(a.get("self") and a.get("responseStatus") == "declined" for a in attendees)


def original_suffix(original: dict[str, Any], calendar_tz: str) -> str:
    """The suffix of our id for the instance that originally starts at `original` (an
    EventDateTime: a date for an all-day series, else a dateTime with its offset)."""
    return recurrence.instance_suffix(recurrence.dtstart({"start": original}, calendar_tz))


def instance_key(series_id: str, suffix: str) -> str:
    return f"{series_id}_{suffix}"


def shown_id(event: dict[str, Any], calendar_tz: str) -> dict[str, Any]:
    """The event with the id our API shows: an exception (changed or cancelled instance) is
    named by its series and original start like every instance; other events keep theirs."""
    series_id = event.get("recurringEventId")
    original = event.get("originalStartTime")
    if not series_id or not original:
        return event
    try:
        suffix = original_suffix(original, calendar_tz)
    except (ValueError, TypeError, KeyError):
        return event
    return {**event, "id": instance_key(str(series_id), suffix)}


class SeriesShape:
    """What every unchanged instance of one series shares, worked out once."""

    def __init__(self, master: dict[str, Any], calendar_tz: str) -> None:
        self.master = master
        first = recurrence.dtstart(master, calendar_tz)
        self.zone = first.tzinfo  # None: an all-day series (naive dates)
        self.calendar_zone = zone(calendar_tz)
        self.length = recurrence.duration(master, calendar_tz)
        self.base = recurrence.make_instance(master, first, calendar_tz)

    def instance(self, key: str, original: dt.datetime) -> dict[str, Any]:
        if self.zone is None:
            local = original.astimezone(self.calendar_zone).replace(tzinfo=None)
        else:
            local = original.astimezone(self.zone)
        edge = recurrence.edge(self.master, local)
        return {
            **self.base,
            "id": key,
            "originalStartTime": edge,
            "start": dict(edge),
            "end": recurrence.edge(self.master, local + self.length),
        }
