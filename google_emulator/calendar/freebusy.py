"""freebusy.query: the busy intervals of the caller's calendars (opaque events only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from werkzeug.wrappers import Response

from google_emulator.calendar import common, recurrence, sharing, times
from google_emulator.context import Ctx
from google_emulator.errors import GoogleError
from google_emulator.state.calendar import Calendar, Event

MAX_CALENDARS = 50
Interval = tuple[dt.datetime, dt.datetime]


def _time(body: dict[str, Any], name: str) -> dt.datetime:
    value = body.get(name)
    if value is None:
        raise GoogleError(400, "required", f"Missing {name} parameter.", location=name)
    parsed = times.parse_datetime(value)
    if parsed is None or not parsed[1]:
        raise GoogleError(400, "invalid", f"Invalid value for: {name}", location=name)
    return parsed[0]


def _items(body: dict[str, Any]) -> list[str]:
    items = body.get("items", [])
    limit = body.get("calendarExpansionMax")
    limit = MAX_CALENDARS if limit is None else limit  # gcsa sends JSON null; Google accepts it
    group_limit = body.get("groupExpansionMax")
    if group_limit is not None and (
        not isinstance(group_limit, int)
        or isinstance(group_limit, bool)
        or not 1 <= group_limit <= 100
    ):
        raise GoogleError(400, "invalid", "Invalid groupExpansionMax value.")
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_CALENDARS:
        raise GoogleError(400, "invalid", "Invalid calendarExpansionMax value.")
    if not isinstance(items, list) or not all(
        isinstance(i, dict) and isinstance(i.get("id"), str) for i in items
    ):
        raise GoogleError(400, "invalid", "Invalid value for: items", location="items")
    if len(items) > limit:
        raise GoogleError(400, "tooManyCalendarsRequested", "Too many calendars requested.")
    return [str(i["id"]) for i in items]


def _spans(event: Event, tz: dt.tzinfo) -> list[Interval]:
    """A single event's (or exception's) busy interval, if it makes the calendar busy."""
    if event.get("status") == "cancelled" or event.get("transparency") == "transparent":
        return []
    attendees = event.get("attendees") or []
    if any(a.get("self") and a.get("responseStatus") == "declined" for a in attendees):
        return []
    return [(times.edge(event["start"], tz), times.edge(event["end"], tz))]


def _instance_spans(
    master: Event, tz: dt.tzinfo, replaced: set[str], low: dt.datetime
) -> list[Interval]:
    if not _spans(master, tz):
        return []
    length = recurrence.duration(master)
    found = []
    for start in recurrence.occurrences(master, after=low):
        if recurrence.instance_id(master, start) in replaced:
            continue
        begin = start if start.tzinfo is not None else start.replace(tzinfo=tz)
        found.append((begin, begin + length))
    return found


def busy(calendar: Calendar, low: dt.datetime, high: dt.datetime) -> list[Interval]:
    """Merged busy intervals within [low, high), moved and cancelled instances honoured."""
    tz = times.zone(calendar.time_zone) or times.UTC
    events = calendar.events.values()
    replaced = {e["id"] for e in events if e.get("recurringEventId")}
    spans: list[Interval] = []
    for event in events:
        if event.get("recurrence"):
            spans += _instance_spans(event, tz, replaced, low)
        else:
            spans += _spans(event, tz)
    return _merge([(max(a, low), min(b, high)) for a, b in spans if b > low and a < high])


def _merge(spans: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _shown(value: dt.datetime, tz: dt.tzinfo) -> str:
    return times.fmt(value.astimezone(tz))


def query(ctx: Ctx) -> Response:
    token = common.caller(ctx)
    body = ctx.json()
    if not isinstance(body, dict):
        raise GoogleError(400, "badRequest", "Bad Request")
    low, high = _time(body, "timeMin"), _time(body, "timeMax")
    if high <= low:
        raise GoogleError(
            400, "timeRangeEmpty", "The specified time range is empty.", location="timeMax"
        )
    zone_name = body.get("timeZone") or "UTC"
    tz = times.require_zone(zone_name, "timeZone") if isinstance(zone_name, str) else times.UTC
    calendars: dict[str, Any] = {}
    for calendar_id in _items(body):
        cal_id = token.email if calendar_id == "primary" else calendar_id
        calendar = ctx.state.calendars.calendars.get(cal_id)
        if calendar is None or sharing.access_role(calendar, token.email) == "none":
            calendars[calendar_id] = {
                "errors": [{"domain": "global", "reason": "notFound"}],
                "busy": [],
            }
            continue
        spans = busy(calendar, low, high)
        calendars[calendar_id] = {
            "busy": [{"start": _shown(a, tz), "end": _shown(b, tz)} for a, b in spans]
        }
    return common.resource(
        {
            "kind": "calendar#freeBusy",
            "timeMin": _shown(low, tz),
            "timeMax": _shown(high, tz),
            "calendars": calendars,
        }
    )
