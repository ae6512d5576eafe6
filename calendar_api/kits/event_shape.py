"""An event's JSON for every output, built in one module (no database).

The API's event is the shape the others are built from: Google's Event resource as the store
holds it, named by our API's id (instance_rows.shown_id: a changed instance by its series and original
start, like every instance) and with every `dateTime` shown in a display zone (`event_in_zone`).

- REST API list and detail: `api_event` / `event_in_zone`. The list's fast path
  (reads/window_text.py) pieces its JSON text together from `event_in_zone`, `moment_text`,
  `own_times` and `SHOWN_TIMES`, and stays byte-identical to `event_in_zone` (a test compares them).
- The web page's FullCalendar objects: `fullcalendar_event`, from the API's event, so the id,
  the instants, the title, the location, the zone and the etag are the API's.
- Outgoing webhooks: `webhook_event`, Google's resource as stored (see there for how it
  differs from the API's event).
- The ICS feed: `ics_uid` and `text_fields`, what a VEVENT says about the event (kits/ics.py
  writes the times and recurrence in iCalendar's own terms).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from calendar_api.kits import event_types
from calendar_api.kits.event_colors import EVENT_COLORS
from calendar_api.kits.event_fields import event_time
from calendar_api.kits.instance_rows import shown_id

SHOWN_TIMES = ("originalStartTime", "start", "end")  # the fields a display zone changes
TEXT_FIELDS = ("summary", "description", "location")
NO_TITLE = "(No title)"
UTC_SECONDS = "%Y-%m-%dT%H:%M:%SZ"

# -- the API's event ------------------------------------------------------------------------------


def _shifted(value: dict[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    moment = value.get("dateTime")
    if not isinstance(moment, str):
        return value
    try:
        parsed = dt.datetime.fromisoformat(moment.replace("Z", "+00:00"))
    except ValueError:
        return value
    if parsed.tzinfo is None:
        return value
    return {**value, "dateTime": moment_text(parsed, tz)}


def moment_text(moment: dt.datetime, tz: ZoneInfo) -> str:
    """An instant as the API writes a `dateTime`: RFC 3339 in `tz`, `+00:00` for UTC."""
    return moment.astimezone(tz).isoformat()


def event_in_zone(data: dict[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    """Google's Event as stored, with every `dateTime` shown in `tz` (the same instant, as
    Google's own `timeZone` parameter does); each edge keeps its own `timeZone` field."""
    shown = dict(data)
    for key in ("start", "end", "originalStartTime"):
        value = data.get(key)
        if isinstance(value, dict):
            shown[key] = _shifted(value, tz)
    return shown


def events_in_zone(items: list[dict[str, Any]], tz: ZoneInfo) -> list[dict[str, Any]]:
    return [event_in_zone(item, tz) for item in items]


def api_event(
    stored: dict[str, Any], calendar_tz: str, shown: ZoneInfo | None = None
) -> dict[str, Any]:
    """The API's event for a stored Google resource: our id, times in `shown` (by default
    the calendar's zone, as the API shows them when no `time_zone` is asked for)."""
    return event_in_zone(shown_id(stored, calendar_tz), shown or ZoneInfo(calendar_tz))


def own_times(fields: dict[str, Any], encode: Callable[[Any], str]) -> str:
    """`,"originalStartTime":…,"start":…,"end":…` (those present) as JSON text, encoded by
    `encode`: the part of an API item that differs from row to row (window_text)."""
    return "".join(f',"{k}":{encode(fields[k])}' for k in SHOWN_TIMES if k in fields)


# -- the web page's FullCalendar object -----------------------------------------------------------


@dataclass(frozen=True)
class CalendarLook:
    """What a FullCalendar object says about the calendar an event is shown in."""

    pk: int
    google_id: str
    name: str
    time_zone: str
    color: str
    text: str
    editable: bool


def fullcalendar_event(
    event: dict[str, Any], calendar: CalendarLook, version: str = ""
) -> dict[str, Any] | None:
    """The API's event as FullCalendar wants it: instants in UTC, all-day days as dates, its
    id (`eventId`), title, location and zone the API's. `version` is the etag the page sends
    back as If-Match when it moves or deletes it (the API's ETag of the event)."""
    start, all_day = event_time(event.get("start"), calendar.time_zone)
    end, _ = event_time(event.get("end"), calendar.time_zone)
    if start is None:
        return None
    times = _all_day(event) if all_day else _timed(start, end or start)
    texts = text_fields(event)
    kind = event_types.of(event)
    typed = {} if kind == event_types.DEFAULT else {"classNames": [f"event-type-{kind}"]}
    _, color, text = EVENT_COLORS.get(
        str(event.get("colorId")), ("", calendar.color, calendar.text)
    )
    return {
        "id": f"{calendar.pk}:{event.get('id', '')}",
        "title": texts.get("summary", NO_TITLE),
        **times,
        "allDay": all_day,
        "backgroundColor": color,
        "borderColor": color,
        "textColor": text,
        "editable": calendar.editable and event_types.changeable(kind) is None,
        **typed,
        "extendedProps": {
            "calendar": calendar.google_id,
            "calendarPk": calendar.pk,
            "calendarName": calendar.name,
            "eventId": str(event.get("id", "")),
            "seriesId": str(event.get("recurringEventId") or ""),
            "location": texts.get("location", ""),
            "zone": event_zone(event),
            "etag": version,
            # Google's eventType, its words, and the fields a client may change in it (None:
            # any): the details dialog offers no Edit for a fromGmail or birthday event.
            "eventType": kind,
            "eventTypeLabel": event_types.LABELS.get(kind, ""),
            "changeable": event_types.changeable(kind),
        },
    }


def event_zone(event: dict[str, Any]) -> str:
    """The zone the event's start is written in ("" when it names none)."""
    return str((event.get("start") or {}).get("timeZone") or "")


def _all_day(event: dict[str, Any]) -> dict[str, str]:
    start = str(event["start"]["date"])
    return {"start": start, "end": str((event.get("end") or {}).get("date") or start)}


def _timed(start: dt.datetime, end: dt.datetime) -> dict[str, str]:
    return {
        "start": start.astimezone(dt.UTC).strftime(UTC_SECONDS),
        "end": end.astimezone(dt.UTC).strftime(UTC_SECONDS),
    }


# -- outgoing webhooks ----------------------------------------------------------------------------


def webhook_event(stored: dict[str, Any]) -> dict[str, Any]:
    """The event a webhook's `data.event` carries: Google's resource as the store keeps it,
    that is the API's event before `api_event` names and shows it. Every field but the times
    and the id is the API's; the times are the same instants written with Google's offsets
    (`Z` where the API writes `+00:00`); a changed instance keeps Google's id, which is the
    API's unless Google's instance ids are opaque. Kept so, because receivers already parse
    this payload; moving it to the API's exact text is a change of the webhook contract."""
    return dict(stored)


# -- the ICS feed -----------------------------------------------------------------------------------


def ics_uid(event: dict[str, Any]) -> str:
    """The VEVENT's UID: Google's iCalUID (the API event's `iCalUID`), else one from its id."""
    return str(event.get("iCalUID") or f"{event['id']}@google.com")


def text_fields(event: dict[str, Any]) -> dict[str, str]:
    """The event's summary, description and location, those it has, as text: what a VEVENT
    says (SUMMARY, DESCRIPTION, LOCATION) and what the page shows as title and location."""
    return {key: str(event[key]) for key in TEXT_FIELDS if event.get(key)}
