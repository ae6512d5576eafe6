"""The indexed columns of a stored event, derived from Google's Event resource."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = dt.UTC


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


def event_columns(data: dict[str, Any], calendar_tz: str) -> dict[str, Any]:
    start, all_day = event_time(data.get("start"), calendar_tz)
    end, _ = event_time(data.get("end"), calendar_tz)
    updated = data.get("updated")
    return {
        "status": str(data.get("status") or "confirmed")[:16],
        "summary": str(data.get("summary") or ""),
        "start": start,
        "end": end,
        "time_zone": str((data.get("start") or {}).get("timeZone") or "")[:64],
        "all_day": all_day,
        "recurring_event_id": str(data.get("recurringEventId") or "")[:1024],
        "is_recurring": bool(data.get("recurrence")),
        "updated": _safe_rfc3339(updated) if isinstance(updated, str) else None,
        "etag": str(data.get("etag") or "")[:128],
    }


def _safe_rfc3339(value: str) -> dt.datetime | None:
    try:
        return parse_rfc3339(value)
    except ValueError:
        return None
