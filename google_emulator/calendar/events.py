"""events.get, insert, update, patch, delete and quickAdd, with etags and instance exceptions."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from werkzeug.wrappers import Response

from google_emulator.calendar import (
    changes,
    common,
    conference,
    event_types,
    eventdata,
    quickadd,
    recurrence,
    select,
    times,
)
from google_emulator.calendar.query import Query
from google_emulator.context import Ctx
from google_emulator.errors import GoogleError
from google_emulator.state.calendar import Calendar, Event
from google_emulator.state.oauth import AccessToken

BASE32HEX = "0123456789abcdefghijklmnopqrstuv"
TIME_FIELDS = ("start", "end", "recurrence")


def new_id() -> str:
    return "".join(secrets.choice(BASE32HEX) for _ in range(26))


def find(calendar: Calendar, event_id: str) -> Event | None:
    """A stored event or exception, or the generated instance an instance id names."""
    stored = calendar.events.get(event_id)
    if stored is not None:
        return stored
    if recurrence.instance_ids() == "opaque":
        split = recurrence.opaque_instance(event_id) or _scan_for(calendar, event_id)
    else:
        split = recurrence.split_instance_id(event_id)
    master = calendar.events.get(split[0]) if split else None
    if split is None or master is None or not master.get("recurrence"):
        return None
    start = recurrence.find_occurrence(master, split[1])
    if start is None:
        return None
    instance = recurrence.make_instance(master, start)
    if master.get("status") == "cancelled":
        instance["status"] = "cancelled"
    return instance


def _scan_for(calendar: Calendar, event_id: str) -> tuple[str, str] | None:
    """An opaque instance id not given out by this process (state loaded from a file)."""
    for master in list(calendar.events.values()):
        if master.get("recurrence"):
            for start in recurrence.occurrences(master):
                if recurrence.instance_id(master, start) == event_id:
                    return master["id"], recurrence.instance_suffix(start)
    return None


def _target(ctx: Ctx, calendar_id: str, event_id: str, write: bool) -> tuple[Calendar, Event]:
    token = common.caller(ctx)
    calendar = common.calendar_for(ctx, token, calendar_id, "writer" if write else "reader")
    event = find(calendar, event_id)
    if event is None:
        raise GoogleError(404, "notFound", "Not Found")
    return calendar, event


def _check_if_match(ctx: Ctx, event: Event) -> None:
    wanted = ctx.request.headers.get("If-Match")
    if wanted and wanted.strip() not in ("*", event.get("etag")):
        raise GoogleError(
            412,
            "conditionNotMet",
            "Precondition Failed",
            location="If-Match",
            location_type="header",
        )


def shown(ctx: Ctx, calendar: Calendar, event: Event, status: int = 200) -> Response:
    name = common.arg(ctx, "timeZone") or calendar.time_zone
    times.require_zone(name, "timeZone")
    view = Query(tz_name=name, max_attendees=common.int_arg(ctx, "maxAttendees", 0, 1))
    return common.resource(select.render(event, view), status)


def get(ctx: Ctx, calendar_id: str, event_id: str) -> Response:
    calendar, event = _target(ctx, calendar_id, event_id, write=False)
    if ctx.request.headers.get("If-None-Match", "").strip() == event.get("etag"):
        return Response(b"", status=304, headers={"ETag": event["etag"]})
    return shown(ctx, calendar, event)


def _writable_body(ctx: Ctx) -> dict[str, Any]:
    return eventdata.writable(ctx.json())


def _conference(ctx: Ctx, calendar: Calendar, event: Event, current: Event | None) -> None:
    """Settle `conferenceData` as the request's conferenceDataVersion says (0 ignores it). A
    Meet conference is created at once (Google's usual answer), or stays `pending` until the
    next call when the control API asks so (`/__emulator__/meet`)."""
    version = common.int_arg(ctx, "conferenceDataVersion", 0, 0, 1)
    if not conference.apply(event, current, version):
        return
    if ctx.state.calendars.meet_pending:
        ctx.state.calendars.pending_conferences.append((calendar.id, event["id"]))
    else:
        event.update(conference.succeeded(event))


def store_new(ctx: Ctx, calendar: Calendar, body: dict[str, Any], event_id: str) -> Event:
    """events.insert's write (the caller checked access and the id): watchers are told."""
    eventdata.check(body)
    event_types.check_insert(body, calendar)
    event = eventdata.complete({**body, "id": event_id}, calendar, None)
    _conference(ctx, calendar, event, None)
    return changes.save(ctx, calendar, event)


def insert(ctx: Ctx, calendar_id: str) -> Response:
    token = common.caller(ctx)
    calendar = common.calendar_for(ctx, token, calendar_id, "writer")
    body = _writable_body(ctx)
    event_id = body.pop("id", None) or new_id()
    eventdata.check_id(event_id)
    if event_id in calendar.events:
        raise GoogleError(409, "duplicate", "The requested identifier already exists.")
    return shown(ctx, calendar, store_new(ctx, calendar, body, event_id))


def import_(ctx: Ctx, calendar_id: str) -> Response:
    """events.import: a private copy of an event by its iCalUID (no invitations are sent).

    Importing the same iCalUID again updates that copy, as Google does."""
    token = common.caller(ctx)
    calendar = common.calendar_for(ctx, token, calendar_id, "writer")
    raw = ctx.json()
    body = _writable_body(ctx)
    uid = raw.get("iCalUID") if isinstance(raw, dict) else None
    if not isinstance(uid, str) or not uid:
        raise GoogleError(400, "required", "Missing iCalUID.", location="iCalUID")
    body.pop("id", None)
    same = next(
        (
            e
            for e in calendar.events.values()
            if e.get("iCalUID") == uid and "recurringEventId" not in e
        ),
        None,
    )
    eventdata.check(body)
    event_types.check_insert(body, calendar)
    event = eventdata.complete({**body, "id": same["id"] if same else new_id()}, calendar, same)
    event["iCalUID"] = uid
    if isinstance(raw.get("organizer"), dict) and isinstance(raw["organizer"].get("email"), str):
        event["organizer"] = {"email": raw["organizer"]["email"]}
    _conference(ctx, calendar, event, same)
    return shown(ctx, calendar, changes.save(ctx, calendar, event))


def move(ctx: Ctx, calendar_id: str, event_id: str) -> Response:
    """events.move: the event leaves its calendar (a deletion there) for `destination`."""
    source, current = _target(ctx, calendar_id, event_id, write=True)
    token = ctx.token
    assert token is not None
    wanted = common.arg(ctx, "destination")
    if wanted is None:
        raise GoogleError(
            400, "required", "Required parameter: destination", location="destination"
        )
    target = common.calendar_for(ctx, token, wanted, "writer")
    if "recurringEventId" in current or current.get("status") == "cancelled":
        raise GoogleError(400, "cannotChangeOrganizerOfInstance", "Cannot move this event.")
    if current.get("eventType", "default") != "default":
        raise event_types.restriction("Only events of type default can be moved.")
    if target.id == source.id:
        return shown(ctx, source, current)
    if current["id"] in target.events:
        raise GoogleError(409, "duplicate", "The requested identifier already exists.")
    changes.save(ctx, source, {**current, "status": "cancelled"})
    moved = {k: v for k, v in current.items() if k not in ("etag", "updated")}
    moved["organizer"] = {"email": target.id, "displayName": target.summary, "self": True}
    return shown(ctx, target, changes.save(ctx, target, moved))


def _replace(ctx: Ctx, calendar: Calendar, current: Event, body: dict[str, Any]) -> Response:
    _check_if_match(ctx, current)
    return shown(ctx, calendar, store_replace(ctx, calendar, current, body))


def store_replace(ctx: Ctx, calendar: Calendar, current: Event, body: dict[str, Any]) -> Event:
    """events.update's write (after access and If-Match checks): watchers are told."""
    body.pop("id", None)
    if "recurringEventId" in current:
        body.pop("recurrence", None)
    eventdata.check(body)
    event = eventdata.complete({**body, "id": current["id"]}, calendar, current)
    _conference(ctx, calendar, event, current)
    event_types.check_change(event, current)
    if any(event.get(name) != current.get(name) for name in TIME_FIELDS):
        event["sequence"] = int(current.get("sequence", 0)) + 1
    saved = changes.save(ctx, calendar, event)
    if "recurringEventId" in current and event.get("visibility") != current.get("visibility"):
        _spread_visibility(ctx, calendar, saved)
    return saved


def _spread_visibility(ctx: Ctx, calendar: Calendar, instance: Event) -> None:
    """Google applies a visibility set on one instance to the whole series (its master and
    every other exception), since the Calendar API change of July 2026 (issue 22): a client
    must read the series again after such a write."""
    series_id = instance["recurringEventId"]
    wanted = instance.get("visibility")
    for event in list(calendar.events.values()):
        if event["id"] == instance["id"] or event.get("status") == "cancelled":
            continue
        in_series = event["id"] == series_id or event.get("recurringEventId") == series_id
        if in_series and event.get("visibility") != wanted:
            changed = {k: v for k, v in event.items() if k != "visibility"}
            if wanted is not None:
                changed["visibility"] = wanted
            changes.save(ctx, calendar, changed)


def update(ctx: Ctx, calendar_id: str, event_id: str) -> Response:
    calendar, current = _target(ctx, calendar_id, event_id, write=True)
    return _replace(ctx, calendar, current, _writable_body(ctx))


def merge(base: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """Patch semantics: objects merge field by field, arrays and scalars replace, null clears."""
    result = dict(base)
    for key, value in change.items():
        old = result.get(key)
        if value is None:
            result.pop(key, None)
        elif key in ("start", "end") and isinstance(value, dict) and isinstance(old, dict):
            kept = {k: v for k, v in old.items() if k not in ("date", "dateTime")}
            has_time = "date" in value or "dateTime" in value
            result[key] = {**(kept if has_time else old), **value}
        elif isinstance(value, dict) and isinstance(old, dict):
            result[key] = merge(old, value)
        else:
            result[key] = value
    return result


def patch(ctx: Ctx, calendar_id: str, event_id: str) -> Response:
    calendar, current = _target(ctx, calendar_id, event_id, write=True)
    base = {k: v for k, v in current.items() if k not in eventdata.READ_ONLY}
    change = eventdata.writable(ctx.json(), keep_nulls=True)
    return _replace(ctx, calendar, current, merge(base, change))


def _cancel_exceptions(ctx: Ctx, calendar: Calendar, master_id: str) -> None:
    for event in list(calendar.events.values()):
        if event.get("recurringEventId") == master_id and event.get("status") != "cancelled":
            changes.save(ctx, calendar, {**event, "status": "cancelled"})


def delete(ctx: Ctx, calendar_id: str, event_id: str) -> Response:
    calendar, current = _target(ctx, calendar_id, event_id, write=True)
    if current.get("status") == "cancelled":
        raise GoogleError(410, "deleted", "Resource has been deleted")
    _check_if_match(ctx, current)
    store_delete(ctx, calendar, current)
    return common.empty()


def store_delete(ctx: Ctx, calendar: Calendar, current: Event) -> None:
    """events.delete's write: the event (a series with its exceptions) becomes cancelled."""
    if "recurringEventId" in current:
        keep = ("kind", "etag", "id", "created", "recurringEventId", "originalStartTime")
        changes.save(
            ctx, calendar, {**{k: current[k] for k in keep if k in current}, "status": "cancelled"}
        )
    else:
        changes.save(ctx, calendar, {**current, "status": "cancelled"})
        if current.get("recurrence"):
            _cancel_exceptions(ctx, calendar, current["id"])


def _edge(value: dt.datetime | dt.date, zone: str) -> dict[str, str]:
    if isinstance(value, dt.datetime):
        return {"dateTime": times.fmt(value), "timeZone": zone}
    return {"date": value.isoformat()}


def quick_add(ctx: Ctx, calendar_id: str) -> Response:
    token: AccessToken = common.caller(ctx)
    calendar = common.calendar_for(ctx, token, calendar_id, "writer")
    text = common.arg(ctx, "text")
    if text is None:
        raise GoogleError(400, "required", "Required parameter: text", location="text")
    tz = times.require_zone(calendar.time_zone, "timeZone")
    parsed = quickadd.parse(text, times.now().astimezone(tz))
    body: dict[str, Any] = {
        "summary": parsed.summary,
        "start": _edge(parsed.start, calendar.time_zone),
        "end": _edge(parsed.end, calendar.time_zone),
    }
    eventdata.check(body)
    event = eventdata.complete({**body, "id": new_id()}, calendar, None)
    return shown(ctx, calendar, changes.save(ctx, calendar, event))
