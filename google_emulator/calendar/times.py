"""RFC 3339 times, IANA zones and the start/end of Google's EventDateTime objects."""

from __future__ import annotations

import datetime as dt
import functools
import re
import time
from typing import Any
from zoneinfo import ZoneInfo

from google_emulator.errors import GoogleError

UTC = dt.UTC
RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$",
)
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@functools.lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo | None:
    """The IANA zone named `name`, or None when there is no such zone."""
    if not name or name.startswith(("/", ".")) or ".." in name:
        return None
    try:
        return ZoneInfo(name)
    except (ValueError, OSError, KeyError):
        return None


def require_zone(name: str, location: str) -> ZoneInfo:
    found = zone(name)
    if found is None:
        raise GoogleError(
            400, "invalid", f"Invalid time zone definition: {name}", location=location
        )
    return found


def parse_datetime(value: Any) -> tuple[dt.datetime, bool] | None:
    """An RFC 3339 date-time (naive when it has no offset) and whether it had an offset."""
    if not isinstance(value, str) or not RFC3339.match(value):
        return None
    text = value.upper()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed, parsed.tzinfo is not None


def parse_date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or not DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def parse_param_time(value: str, name: str) -> dt.datetime:
    """A query parameter such as timeMin: RFC 3339 with a mandatory offset."""
    parsed = parse_datetime(value)
    if parsed is None or not parsed[1]:
        raise GoogleError(400, "invalid", "Bad Request", location=name)
    return parsed[0].replace(microsecond=0)


def fmt(value: dt.datetime) -> str:
    """RFC 3339 with the value's own offset, `Z` for UTC, no fractions."""
    text = value.replace(microsecond=0).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def fmt_ms(value: dt.datetime) -> str:
    """RFC 3339 in UTC with milliseconds, as Google writes `updated` and `created`."""
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def now() -> dt.datetime:
    return dt.datetime.fromtimestamp(time.time(), UTC)


def now_ms() -> str:
    return fmt_ms(now())


def midnight(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=tz)


def edge(value: dict[str, Any], tz: dt.tzinfo) -> dt.datetime:
    """The instant of a stored (already validated) EventDateTime; dates at midnight in `tz`."""
    if "dateTime" in value:
        parsed = parse_datetime(value["dateTime"])
        if parsed is not None and parsed[1]:
            return parsed[0]
    day = parse_date(value.get("date")) or dt.date(1970, 1, 1)
    return midnight(day, tz)


def render(value: dict[str, Any], tz: dt.tzinfo) -> dict[str, Any]:
    """An EventDateTime as the response shows it: a dateTime in the response's time zone."""
    if "dateTime" not in value:
        return value
    return {**value, "dateTime": fmt(edge(value, tz).astimezone(tz))}
