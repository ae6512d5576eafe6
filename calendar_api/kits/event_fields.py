"""The indexed columns of a stored event, derived from Google's Event resource, and the
reversible escaping that makes any event Google can send storable on every database."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = dt.UTC
# PostgreSQL refuses U+0000 in text and jsonb, and no database driver encodes a lone surrogate
# (a half of a UTF-16 pair, which JSON's \\ud800 escapes can carry). Such a character is stored
# as MARK plus its code point in 4 hex digits, and so is MARK itself (a private-use character),
# so that reading gives back exactly what Google sent.
MARK = "\ue000"
UNSTORABLE = re.compile("[\x00\ud800-\udfff\ue000]")
ESCAPED = re.compile("\ue000([0-9A-F]{4})")
# In JSON text (ASCII, as json.dumps writes it) every one of those characters is an escape
# like these; so is half of a pair (an emoji), which costs a walk that finds nothing.
SUSPECT = re.compile(r"\\u(?:0000|d[89a-f]|e000)")


def storable_text(text: str) -> str:
    return UNSTORABLE.sub(lambda m: f"{MARK}{ord(m.group(0)):04X}", text)


def readable_text(text: str) -> str:
    return ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if MARK in text else text


def storable(value: Any) -> Any:
    """`value` (JSON data: string keys and strings at any depth) with unstorable characters
    escaped. Most events hold none, and their JSON text shows it: one `json.dumps` (C code)
    and one search, where walking every string of every event took most of a sync's time."""
    try:
        clean = not SUSPECT.search(json.dumps(value))
    except (TypeError, ValueError):  # not JSON data: the walk escapes what it can
        clean = False
    return value if clean else _walk(value, storable_text)


def storable_json(value: Any) -> str:
    """The JSON text of `storable(value)` as Django's JSONField writes it, from one
    `json.dumps` when there is nothing to escape (sync writes this text itself)."""
    text, clean = json_text(value)
    return text if clean else json.dumps(_walk(value, storable_text))


def json_text(value: Any) -> tuple[str, bool]:
    """`value`'s JSON text, and whether it is clean: no text in it, key or value, holds a
    character to escape (so `storable` would give it back as it is)."""
    text = json.dumps(value)
    return text, not SUSPECT.search(text)


def readable(value: Any) -> Any:
    """The inverse of `storable`."""
    return _walk(value, readable_text)


def _walk(value: Any, text: Any) -> Any:
    if isinstance(value, str):
        return text(value)
    if isinstance(value, dict):
        return {text(str(k)): _walk(v, text) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, text) for v in value]
    return value


@dataclass(slots=True)
class EventRow:
    """An event as sync writes it: Google's resource and its indexed columns, as plain values
    (a full sync writes tens of thousands, and a model object each cost more than the
    write). `pk` is known once the row is stored and looked up."""

    google_id: str
    data: dict[str, Any]
    status: str
    summary: str
    start: dt.datetime | None
    end: dt.datetime | None
    time_zone: str
    all_day: bool
    recurring_event_id: str
    is_recurring: bool
    updated: dt.datetime | None
    etag: str
    attendees: str
    event_type: str
    json: str  # `data` as stored (storable_json)
    pk: int | None = None


def zone(name: str | None, fallback: str = "UTC") -> ZoneInfo:
    for candidate in (name, fallback, "UTC"):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def parse_rfc3339(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def event_time(value: dict[str, Any] | None, calendar_tz: str) -> tuple[dt.datetime | None, bool]:
    """A start or end as an aware UTC datetime, and whether it is all-day.

    All-day dates are midnight in the calendar's time zone, so range queries treat them as
    Google does; a `dateTime` without offset is read in its `timeZone` (or the calendar's).
    """
    if not value:
        return None, False
    if not isinstance(value, dict):
        return None, False
    try:
        if value.get("date"):
            day = dt.date.fromisoformat(value["date"])
            local = dt.datetime.combine(day, dt.time(), tzinfo=zone(calendar_tz))
            return local.astimezone(UTC), True
        if value.get("dateTime"):
            moment = dt.datetime.fromisoformat(value["dateTime"].replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=zone(value.get("timeZone"), calendar_tz))
            return moment.astimezone(UTC), False
    except (ValueError, TypeError):
        return None, False
    return None, False


def event_columns(data: dict[str, Any], calendar_tz: str, *, clean: bool = False) -> dict[str, Any]:
    """The columns of the event. `clean`: the caller knows that no text of `data` needs
    escaping (see json_text); a full sync's 20,000 events then skip the escaping's six
    searches each, a fifth of a second."""
    text = str if clean else storable_text
    start, all_day = event_time(data.get("start"), calendar_tz)
    end, _ = event_time(data.get("end"), calendar_tz)
    updated = data.get("updated")
    return {
        "status": _column(data.get("status") or "confirmed", text, 16),
        "summary": _column(data.get("summary"), text),
        "start": start,
        "end": end,
        "time_zone": _column((data.get("start") or {}).get("timeZone"), text, 64),
        "all_day": all_day,
        "recurring_event_id": _column(data.get("recurringEventId"), text, 1024),
        "is_recurring": bool(data.get("recurrence")),
        "updated": _safe_rfc3339(updated) if isinstance(updated, str) else None,
        "etag": _column(data.get("etag"), text, 128),
        "attendees": attendees_column(data),
        "event_type": _column(data.get("eventType") or "default", text, 32),
    }


ATTENDEE_KEYS = ("email", "displayName", "responseStatus", "self", "resource")


def attendees_column(data: dict[str, Any]) -> str:
    """Google's attendee list reduced to what reports read, as JSON text ("" without one):
    analytics reads this column rather than decode every event's data. ASCII, as json.dumps
    writes it, so any text is storable."""
    found = data.get("attendees")
    if not isinstance(found, list):
        return ""
    kept = [{k: a[k] for k in ATTENDEE_KEYS if k in a} for a in found if isinstance(a, dict)]
    return json.dumps(kept, separators=(",", ":")) if kept else ""


def _column(value: Any, text: Callable[[str], str], size: int | None = None) -> str:
    return text(str(value or ""))[:size]


def _safe_rfc3339(value: str) -> dt.datetime | None:
    try:
        return parse_rfc3339(value)
    except ValueError:
        return None
