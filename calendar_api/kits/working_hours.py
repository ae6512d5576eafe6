"""Google's `workingHours` of a primary calendar (Calendar v3, November 2026) read as the
analytics' working hours: one daily span and the days it applies to.

Google gives periods per day (`dayOfWeek`, `periodStart` and `periodEnd` in minutes from the
start of the day, the end exclusive), possibly several a day and different from day to day;
analytics has one span for every working day, so it takes the earliest start and the latest end
over the days that have periods. A calendar whose working hours are off
(`workingHoursEnabled` false) or empty gives none.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
LAST_MINUTE = dt.time(23, 59, 59)


def _clock(minutes: int) -> dt.time:
    return LAST_MINUTE if minutes >= 1440 else dt.time(minutes // 60, minutes % 60)


def daily_span(value: Any) -> tuple[dt.time, dt.time, tuple[int, ...]] | None:
    """(start, end, days with Monday 0), or None when Google's value gives no working hours."""
    if not isinstance(value, dict) or not value.get("workingHoursEnabled"):
        return None
    periods = [
        p
        for p in value.get("availableTimes") or []
        if isinstance(p, dict)
        and p.get("dayOfWeek") in DAYS
        and isinstance(p.get("periodStart"), int)
        and isinstance(p.get("periodEnd"), int)
        and 0 <= p["periodStart"] < p["periodEnd"] <= 1440
    ]
    if not periods:
        return None
    start = min(p["periodStart"] for p in periods)
    end = max(p["periodEnd"] for p in periods)
    days = tuple(sorted({DAYS.index(p["dayOfWeek"]) for p in periods}))
    return _clock(start), _clock(end), days
