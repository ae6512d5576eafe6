"""Google's event types and what a client may do with each (pure: no database, no HTTP).

Google's "Event types" guide (developers.google.com/calendar/api/guides/event-types) and its
"Manage focus time, out of office, and working location events" guide (.../calendar-status):
- `fromGmail` events take changes only to reminders, colorId, visibility, status and
  extendedProperties, and no client creates one; `birthday` events are treated the same here;
- `focusTime`, `outOfOffice` and `workingLocation` exist only on primary calendars; they say
  where someone is or what they do, so analytics does not count them as events or meetings;
  for free/busy Google counts focusTime and outOfOffice (opaque) and not workingLocation
  (transparent);
- an event's type never changes after it is created.

The sync asks Google for every type, by name (`ALL`), on events.list and events.watch alike:
Google filters both by the same `eventTypes`, and a channel that heard of fewer types than the
sync token lists (or more) would wake syncs for nothing or miss changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DEFAULT = "default"
ALL = ("default", "birthday", "focusTime", "fromGmail", "outOfOffice", "workingLocation")
STATUS = ("focusTime", "outOfOffice", "workingLocation")  # primary calendars only
RESTRICTED = ("birthday", "fromGmail")
CHANGEABLE = ("reminders", "colorId", "visibility", "status", "extendedProperties")
LABELS = {
    "birthday": "Birthday",
    "focusTime": "Focus time",
    "fromGmail": "From Gmail",
    "outOfOffice": "Out of office",
    "workingLocation": "Working location",
}


def of(event: Mapping[str, Any]) -> str:
    kind = event.get("eventType")
    return kind if isinstance(kind, str) and kind else DEFAULT


def changeable(kind: str) -> tuple[str, ...] | None:
    """The fields a client may change in an event of this type (None: any)."""
    return CHANGEABLE if kind in RESTRICTED else None


def refused_fields(kind: str, body: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """The fields of a validated write `body` (a patch, or a replacement, which never carries
    Google's read-only fields) that an event of type `kind` does not let a client change: those
    it names with a value other than the stored one."""
    allowed = changeable(kind)
    if allowed is None:
        return []
    names = set(body) - set(allowed) - {"eventType", "id"}
    return sorted(n for n in names if body.get(n) != current.get(n))


def creation_refused(kind: str, *, primary: bool) -> str:
    """Why an event of this type cannot be created here ("" when it can)."""
    if kind not in ALL:
        return f"Unknown event type {kind!r}: one of {', '.join(ALL)}."
    if kind == "fromGmail":
        return "Events from Gmail are made by Gmail; no client can create one."
    if kind in STATUS and not primary:
        return f"{LABELS[kind]} events exist only on primary calendars."
    return ""
