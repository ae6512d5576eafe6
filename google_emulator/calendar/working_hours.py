"""The Calendar resource's `workingHours` (the Calendar v3 reference, Calendars resource, in
the discovery document of revision 20261030 shipped with google-api-python-client): "only
available for primary calendars of Google Workspace users"; an update passes the entire object;
one not given (or null, or `{}`) leaves the working hours as they were; `workingHoursEnabled`
cannot be true with no `availableTimes`; each period is a `dayOfWeek` and minutes from the
start of the day, `periodStart` inclusive and `periodEnd` exclusive.
"""

from __future__ import annotations

from typing import Any

from google_emulator.errors import GoogleError
from google_emulator.state.calendar import Calendar

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MINUTES_A_DAY = 1440


def _bad(message: str, where: str = "workingHours") -> GoogleError:
    return GoogleError(400, "invalid", message, location=where)


def _minute(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MINUTES_A_DAY


def _period(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise _bad("Invalid working hours period.", "workingHours.availableTimes")
    day, start, end = item.get("dayOfWeek"), item.get("periodStart", -1), item.get("periodEnd", -1)
    if day not in DAYS:
        raise _bad("Invalid dayOfWeek.", "workingHours.availableTimes.dayOfWeek")
    if not (_minute(start) and _minute(end)) or start >= end:
        raise _bad("Invalid working hours period.", "workingHours.availableTimes")
    return {"dayOfWeek": day, "periodStart": start, "periodEnd": end}


def checked(value: Any) -> dict[str, Any]:
    """The whole workingHours object, checked (Google's 400 otherwise)."""
    if not isinstance(value, dict):
        raise _bad("Invalid value for: workingHours")
    times = value.get("availableTimes") or []
    if not isinstance(times, list):
        raise _bad("Invalid value for: availableTimes", "workingHours.availableTimes")
    enabled = bool(value.get("workingHoursEnabled", bool(times)))
    if enabled and not times:
        raise _bad("Working hours cannot be enabled without availableTimes.")
    return {"workingHoursEnabled": enabled, "availableTimes": [_period(t) for t in times]}


def apply(calendar: Calendar, value: Any) -> None:
    """calendars.update or patch with `workingHours`: primary calendars only."""
    if value is None or value == {}:
        return
    if not calendar.primary:
        raise _bad("Working hours are only available on primary calendars.")
    calendar.working_hours = checked(value)
