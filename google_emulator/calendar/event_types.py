"""Event types: what each `eventType` may be, where, and which of its fields a client may change.

Followed (Google's pages):
- "Event types", https://developers.google.com/calendar/api/guides/event-types: every event has
  an `eventType` ("default" when unset); `eventTypes` on events.list and events.watch filters
  (unset: every type); `birthday` events are all-day, yearly, private and transparent;
  `fromGmail` events cannot be created, and a client may change only their reminders, colorId,
  visibility, status and extendedProperties.
- "Manage focus time, out of office, and working location events",
  https://developers.google.com/calendar/api/guides/calendar-status: those three exist only on
  primary calendars; focusTime and outOfOffice are timed and opaque (busy); workingLocation is
  transparent (free) and public, and needs `workingLocationProperties`.
- The Event resource's `eventType` ("This cannot be modified after the event is created") and
  the `eventTypes` parameter of events.list and events.watch, in the discovery document.

Google answers a refused write with 400 `eventTypeRestriction` (the reason clients of the real
API test for); the messages are ours.
"""

from __future__ import annotations

from typing import Any

from google_emulator.context import Ctx
from google_emulator.errors import GoogleError
from google_emulator.state.calendar import Calendar, Event

TYPES = ("birthday", "default", "focusTime", "fromGmail", "outOfOffice", "workingLocation")
PRIMARY_ONLY = ("focusTime", "outOfOffice", "workingLocation")
RESTRICTED = ("birthday", "fromGmail")  # only the fields below may change
CHANGEABLE = ("reminders", "colorId", "visibility", "status", "extendedProperties")
# Fields Google sets itself on a write, never compared.
GOOGLE_SET = frozenset(
    ("kind", "etag", "id", "htmlLink", "created", "updated", "sequence", "creator", "organizer")
)
# The transparency (and visibility) each type has at Google; None: the client's choice.
TRANSPARENCY = {
    "birthday": "transparent",
    "focusTime": "opaque",
    "outOfOffice": "opaque",
    "workingLocation": "transparent",
}
VISIBILITY = {"birthday": "private", "workingLocation": "public"}


def restriction(message: str) -> GoogleError:
    return GoogleError(400, "eventTypeRestriction", message, location="eventType")


def requested(ctx: Ctx) -> tuple[str, ...]:
    """The `eventTypes` of an events.list or events.watch call (empty: every type)."""
    wanted = tuple(ctx.request.args.getlist("eventTypes"))
    for name in wanted:
        if name not in TYPES:
            raise GoogleError(
                400, "invalid", f"Invalid value for: eventTypes: {name}", location="eventTypes"
            )
    return wanted


def _check_shape(event: Event, kind: str) -> None:
    all_day = "date" in (event.get("start") or {})
    if kind in ("focusTime", "outOfOffice") and all_day:
        raise restriction(f"A {kind} event cannot be an all-day event.")
    if kind == "birthday" and not all_day:
        raise restriction("A birthday event must be an all-day event.")
    if kind == "workingLocation" and not isinstance(event.get("workingLocationProperties"), dict):
        raise GoogleError(
            400,
            "required",
            "Missing workingLocationProperties.",
            location="workingLocationProperties",
        )
    for name, table in (("transparency", TRANSPARENCY), ("visibility", VISIBILITY)):
        wanted = table.get(kind)
        if wanted is not None and event.get(name, wanted) != wanted:
            raise restriction(f"A {kind} event must have {name} {wanted}.")


def settle(event: Event, calendar: Calendar) -> None:
    """Check a new event's type against its calendar, and set what Google sets for the type."""
    kind = event.get("eventType", "default")
    if kind not in TYPES:
        raise GoogleError(400, "invalid", "Invalid value for: eventType", location="eventType")
    if kind in PRIMARY_ONLY and not calendar.primary:
        raise restriction(f"Events of type {kind} can only be created on primary calendars.")
    _check_shape(event, kind)
    for name, table in (("transparency", TRANSPARENCY), ("visibility", VISIBILITY)):
        if kind in table:
            event[name] = table[kind]
    if kind == "birthday":
        event.setdefault("recurrence", ["RRULE:FREQ=YEARLY"])
        event.setdefault("birthdayProperties", {"type": "birthday"})


def check_insert(event: Event, calendar: Calendar) -> None:
    """events.insert and events.import: no client creates a fromGmail event."""
    if event.get("eventType") == "fromGmail":
        raise restriction("Events of type fromGmail cannot be created.")
    settle(event, calendar)


def check_change(new: Event, current: Event) -> None:
    """An update or patch: the type stays, and a restricted type changes only CHANGEABLE. A
    replacement that leaves out `birthdayProperties` keeps them."""
    kind = current.get("eventType", "default")
    if "birthdayProperties" in current:
        new.setdefault("birthdayProperties", current["birthdayProperties"])
    if new.get("eventType", kind) != kind:
        raise GoogleError(400, "invalid", "The event type cannot be changed.", location="eventType")
    if kind not in RESTRICTED:
        return
    skip = GOOGLE_SET | set(CHANGEABLE) | {"eventType"}
    for name in sorted((new.keys() | current.keys()) - skip):
        if new.get(name) != current.get(name):
            raise restriction(
                f"Only {', '.join(CHANGEABLE)} can be changed in events of type {kind} "
                f"(not {name})."
            )


def notifies(types: list[str], event: Any) -> bool:
    """A channel watching `types` hears of a change to `event` (None: any change)."""
    return not types or event is None or event.get("eventType", "default") in types
