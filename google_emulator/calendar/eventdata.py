"""Event bodies from clients: checked, normalised and completed as Google does on write."""

from __future__ import annotations

import base64
import re
from typing import Any

from google_emulator.calendar import recurrence, schema, times
from google_emulator.errors import GoogleError
from google_emulator.state.calendar import Calendar, Event

ID_PATTERN = re.compile(r"^[a-v0-9]{5,1024}$")
READ_ONLY = (
    "kind",
    "etag",
    "htmlLink",
    "created",
    "updated",
    "creator",
    "organizer",
    "recurringEventId",
    "originalStartTime",
    "hangoutLink",
    "iCalUID",
    "privateCopy",
    "locked",
    "attendeesOmitted",
)
CHOICES = {
    "status": ("confirmed", "tentative", "cancelled"),
    "transparency": ("opaque", "transparent"),
    "visibility": ("default", "public", "private", "confidential"),
}
MAX_REMINDER_MINUTES = 40320
HTML_BASE = "https://www.google.com"  # htmlLink points where Google's would


def check_id(event_id: str) -> None:
    if not ID_PATTERN.match(event_id):
        raise GoogleError(400, "invalid", "Invalid resource id value.", location="id")


def writable(body: Any, keep_nulls: bool = False) -> dict[str, Any]:
    """The client's Event body reduced to known, writable fields (400 on wrong types)."""
    cleaned = schema.clean_body(body, "Event", keep_nulls)
    return {k: v for k, v in cleaned.items() if k not in READ_ONLY}


def _edge(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict) or not ({"date", "dateTime"} & value.keys()):
        raise GoogleError(400, "required", f"Missing {name} time.", location=name)
    result = {k: v for k, v in value.items() if k in ("date", "dateTime", "timeZone")}
    tz = times.require_zone(value["timeZone"], f"{name}.timeZone") if "timeZone" in value else None
    if "dateTime" in value:
        result.pop("date", None)
        parsed = times.parse_datetime(value["dateTime"])
        if parsed is None:
            raise GoogleError(400, "invalid", f"Invalid {name} time.", location=f"{name}.dateTime")
        instant, has_offset = parsed
        if not has_offset:
            if tz is None:
                raise GoogleError(400, "required", f"Missing time zone definition for {name} time.")
            instant = instant.replace(tzinfo=tz)
        result["dateTime"] = times.fmt(instant)
    elif times.parse_date(value["date"]) is None:
        raise GoogleError(400, "invalid", f"Invalid {name} time.", location=f"{name}.date")
    return result


def check_times(event: Event) -> None:
    """Normalise `start` and `end` in place; Google's 400s for missing or wrong ones."""
    event["start"] = _edge(event.get("start"), "start")
    event["end"] = _edge(event.get("end"), "end")
    if ("date" in event["start"]) != ("date" in event["end"]):
        raise GoogleError(
            400, "invalid", "Start and end times must either both be date or both be dateTime."
        )
    first = times.edge(event["start"], times.UTC)
    last = times.edge(event["end"], times.UTC)
    if last < first or ("date" in event["start"] and last == first):
        raise GoogleError(400, "timeRangeEmpty", "The specified time range is empty.")
    if event.get("recurrence"):
        _check_recurrence(event)


def _check_recurrence(event: Event) -> None:
    if "dateTime" in event["start"] and "timeZone" not in event["start"]:
        raise GoogleError(400, "required", "Missing time zone definition for start time.")
    probe = {**event, "id": "probe", "etag": ""}
    try:
        recurrence.ruleset(probe)
        recurrence.occurrences(probe)
    except (ValueError, TypeError, OverflowError, KeyError):
        raise GoogleError(400, "invalid", "Invalid recurrence rule.") from None


def _check_choices(event: Event) -> None:
    for name, allowed in CHOICES.items():
        if name in event and event[name] not in allowed:
            raise GoogleError(400, "invalid", f"Invalid value for: {name}", location=name)
    reminders = event.get("reminders")
    if not isinstance(reminders, dict):
        return
    overrides = reminders.get("overrides") or []
    if reminders.get("useDefault") and overrides:
        raise GoogleError(
            400,
            "cannotUseDefaultRemindersAndSpecifyOverride",
            "Cannot specify both default reminders and overrides at the same time.",
        )
    for item in overrides:
        minutes = item.get("minutes", -1)
        if item.get("method") not in ("email", "popup") or not 0 <= minutes <= MAX_REMINDER_MINUTES:
            raise GoogleError(400, "invalid", "Invalid reminder.", location="reminders.overrides")


def check(event: Event) -> None:
    check_times(event)
    _check_choices(event)


def html_link(calendar: Calendar, event_id: str) -> str:
    eid = base64.urlsafe_b64encode(f"{event_id} {calendar.id}".encode()).decode().rstrip("=")
    return f"{HTML_BASE}/calendar/event?eid={eid}"


def _person(calendar: Calendar) -> dict[str, Any]:
    person: dict[str, Any] = {"email": calendar.id}
    if not calendar.primary:
        person["displayName"] = calendar.summary
    person["self"] = True
    return person


def _attendees(event: Event, owner: str) -> None:
    for attendee in event.get("attendees") or []:
        attendee.setdefault("responseStatus", "needsAction")
        if attendee.get("email") == owner:
            attendee["self"] = True


def complete(event: Event, calendar: Calendar, previous: Event | None = None) -> Event:
    """The stored event: the client's fields plus Google's read-only ones, in Google's order."""
    base = previous or {}
    event_id = event["id"]
    _attendees(event, calendar.owner)
    head: dict[str, Any] = {
        "kind": "calendar#event",
        "etag": base.get("etag", ""),
        "id": event_id,
        "status": event.pop("status", base.get("status", "confirmed")),
        "htmlLink": base.get("htmlLink") or html_link(calendar, event_id),
        "created": base.get("created", ""),
        "updated": base.get("updated", ""),
    }
    tail: dict[str, Any] = {
        "creator": base.get("creator") or {"email": calendar.owner, "self": True},
        "organizer": base.get("organizer") or _person(calendar),
        "iCalUID": base.get("iCalUID") or f"{event_id}@google.com",
        "sequence": event.pop("sequence", base.get("sequence", 0)),
        "reminders": event.pop("reminders", None) or {"useDefault": True},
        "eventType": event.pop("eventType", base.get("eventType", "default")),
    }
    for name in ("recurringEventId", "originalStartTime"):
        if name in base:
            tail[name] = base[name]
    body = {k: v for k, v in event.items() if k not in head and k not in tail}
    return {**head, **body, **tail}
