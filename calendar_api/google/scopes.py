"""Which Calendar scopes the product asks for, and what each granted set lets an account do.

Google's guidance (granular consent, enforced for Calendar since 2024: "How to handle granular
permissions", developers.google.com/identity/protocols/oauth2/resources/granular-permissions)
is to ask for the narrowest scopes, and to work with whatever part a person granted: the
consent page has a checkbox per scope. The product asks for GOOGLE_CALENDAR['SCOPES']
(default: the calendar list, read-only; events, read and write; free/busy) and acts on each
part:

- `events_write` (calendar.events or calendar): without it the account is read-only;
- `events_read` (any events scope, or calendar.readonly): without it no event is synced;
- `calendar_list` (calendar.calendarlist[.readonly], calendar[.readonly]): without it only
  the primary calendar is known and synced;
- `free_busy` (calendar.freebusy, calendar.events.freebusy, calendar[.readonly]): Google's
  freeBusy.query, for calendars the store does not hold.

Which scope allows which method: the "Authorization" section of each method's page of the
Calendar API reference (the emulator enforces the same table, google_emulator/scopes.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ImproperlyConfigured

from calendar_api.conf import app_settings

AUTH = "https://www.googleapis.com/auth/"
CALENDAR = AUTH + "calendar"
CALENDAR_READONLY = AUTH + "calendar.readonly"
EVENTS = AUTH + "calendar.events"
EVENTS_READONLY = AUTH + "calendar.events.readonly"
EVENTS_OWNED = AUTH + "calendar.events.owned"
EVENTS_OWNED_READONLY = AUTH + "calendar.events.owned.readonly"
EVENTS_FREEBUSY = AUTH + "calendar.events.freebusy"
LIST = AUTH + "calendar.calendarlist"
LIST_READONLY = AUTH + "calendar.calendarlist.readonly"
FREEBUSY = AUTH + "calendar.freebusy"
# calendars.get (the Calendar resource: its workingHours) takes these (Google's reference).
READS_CALENDAR_RESOURCE = frozenset(
    {CALENDAR, CALENDAR_READONLY, AUTH + "calendar.calendars", AUTH + "calendar.calendars.readonly"}
)

# The default: the calendar list (read-only), events, and free/busy (Google's freeBusy answers
# for calendars and ranges the store does not hold; the events scopes do not allow it).
DEFAULT_SCOPES = (LIST_READONLY, EVENTS, FREEBUSY)

EVENTS_WRITE = "events_write"
EVENTS_READ = "events_read"
CALENDAR_LIST = "calendar_list"
FREE_BUSY = "free_busy"

# Each part of access, the scopes any one of which grants it (per the reference's
# Authorization sections: events.insert, events.list, calendarList.list, freebusy.query).
GRANTED_BY: dict[str, frozenset[str]] = {
    EVENTS_WRITE: frozenset({CALENDAR, EVENTS, EVENTS_OWNED}),
    EVENTS_READ: frozenset(
        {CALENDAR, CALENDAR_READONLY, EVENTS, EVENTS_READONLY, EVENTS_OWNED, EVENTS_OWNED_READONLY}
    ),
    CALENDAR_LIST: frozenset({CALENDAR, CALENDAR_READONLY, LIST, LIST_READONLY}),
    FREE_BUSY: frozenset({CALENDAR, CALENDAR_READONLY, FREEBUSY, EVENTS_FREEBUSY}),
}
# The narrowest scope that grants each part: what "Grant access" asks for.
ASK_FOR: dict[str, str] = {
    EVENTS_WRITE: EVENTS,
    EVENTS_READ: EVENTS_READONLY,
    CALENDAR_LIST: LIST_READONLY,
    FREE_BUSY: FREEBUSY,
}
# The Calendar method (discovery id) a 403 ACCESS_TOKEN_SCOPE_INSUFFICIENT came from, and
# the part of access it shows is missing.
PART_OF_METHOD: dict[str, str] = {
    "calendar.events.insert": EVENTS_WRITE,
    "calendar.events.update": EVENTS_WRITE,
    "calendar.events.patch": EVENTS_WRITE,
    "calendar.events.delete": EVENTS_WRITE,
    "calendar.events.list": EVENTS_READ,
    "calendar.events.get": EVENTS_READ,
    "calendar.events.instances": EVENTS_READ,
    "calendar.events.watch": EVENTS_READ,
    "calendar.calendarList.list": CALENDAR_LIST,
    "calendar.freebusy.query": FREE_BUSY,
}


def calendar_scopes() -> list[str]:
    """The Calendar scopes to ask for: GOOGLE_CALENDAR['SCOPES'] (a list, or one string of
    scopes separated by spaces; short names such as `calendar.events` are completed)."""
    value = app_settings.SCOPES
    items = value.split() if isinstance(value, str) else list(value)
    scopes = [item if "/" in item else AUTH + item for item in items]
    if not scopes or not any(parts_granted(scopes)):
        raise ImproperlyConfigured(
            f"GOOGLE_CALENDAR['SCOPES']={value!r} grants no Calendar access; use e.g. "
            "['calendar.calendarlist.readonly', 'calendar.events'] or ['calendar.freebusy']."
        )
    return scopes


def parts_granted(scopes: Iterable[str]) -> set[str]:
    """The parts of access (EVENTS_WRITE, ...) that `scopes` grant."""
    held = set(scopes)
    return {part for part, granting in GRANTED_BY.items() if granting & held}


def parts_wanted() -> set[str]:
    return parts_granted(calendar_scopes())


def parts_missing(scopes: Iterable[str]) -> list[str]:
    """The parts the product asks for (the setting) that `scopes` do not grant, in a fixed
    order."""
    granted = parts_granted(scopes)
    return [part for part in GRANTED_BY if part in parts_wanted() and part not in granted]


def without_part(scopes: Iterable[str], part: str) -> list[str]:
    """`scopes` less every one that grants `part`: what Google's 403
    ACCESS_TOKEN_SCOPE_INSUFFICIENT shows an account really holds."""
    return sorted(set(scopes) - GRANTED_BY[part])
