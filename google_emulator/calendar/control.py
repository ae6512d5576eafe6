"""Calendar control endpoints under `/__emulator__/` (tests and benchmarks; not Google's)."""

from __future__ import annotations

import time

from werkzeug.wrappers import Response

from google_emulator.calendar import changes, event_types, eventdata, events, notify
from google_emulator.calendar import generate as generator
from google_emulator.context import Ctx, Route
from google_emulator.errors import GoogleError, json_response

MAX_GENERATE = 200_000


def channels(ctx: Ctx) -> Response:
    found = [
        {
            **c.to_api(),
            "address": c.address,
            "calendarId": c.calendar_id,
            "owner": c.owner,
            "eventTypes": c.event_types,
        }
        for c in notify.live(ctx.state.calendars)
    ]
    return json_response({"channels": found})


def set_quota(ctx: Ctx) -> Response:
    """`{"user_qpm": 600, "status": 403}` and/or `{"lockout": EMAIL, "seconds": 3600}`."""
    body = ctx.json()
    if not isinstance(body, dict):
        raise GoogleError(400, "invalid", "Send a JSON object")
    quota = ctx.emulator.quota
    qpm, status = body.get("user_qpm", quota.user_qpm), body.get("status", quota.status)
    if not isinstance(qpm, int) or isinstance(qpm, bool) or qpm < 0:
        raise GoogleError(400, "invalid", "user_qpm must be a whole number (0: no limit)")
    if status not in (403, 429):
        raise GoogleError(400, "invalid", "status must be 403 or 429")
    lockout, seconds = body.get("lockout"), body.get("seconds", 3600)
    if lockout is not None and lockout not in ctx.state.accounts:
        raise GoogleError(400, "invalid", "lockout must name an account", location="lockout")
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds <= 0:
        raise GoogleError(400, "invalid", "seconds must be a positive number")
    with quota.lock:
        quota.user_qpm, quota.status = qpm, status
        if lockout is not None:
            quota.lockouts[lockout] = time.time() + seconds
    return json_response(quota.as_dict())


def get_quota(ctx: Ctx) -> Response:
    return json_response(ctx.emulator.quota.as_dict())


def clear_quota(ctx: Ctx) -> Response:
    ctx.emulator.quota.clear()
    return json_response(ctx.emulator.quota.as_dict())


def set_push_faults(ctx: Ctx) -> Response:
    """`{"drop": 0.2, "duplicate": 0.1, "delay_ms": 500, "reorder": 0.3, "seed": 1}`."""
    try:
        faults = notify.PushFaults.parse(ctx.json())
    except ValueError as exc:
        raise GoogleError(400, "invalid", str(exc)) from exc
    notify.set_faults(faults)
    return json_response(faults.as_dict())


def get_push_faults(ctx: Ctx) -> Response:
    faults = notify.current_faults()
    return json_response(faults.as_dict() if faults else {})


def clear_push_faults(ctx: Ctx) -> Response:
    notify.set_faults(None)
    return json_response({})


def generate(ctx: Ctx) -> Response:
    body = ctx.json()
    email = body.get("email") if isinstance(body, dict) else None
    if not isinstance(email, str) or email not in ctx.state.accounts:
        raise GoogleError(400, "invalid", "email must name an account", location="email")
    name = body.get("calendar", "primary")
    calendar = ctx.state.calendars.calendars.get(email if name == "primary" else str(name))
    if calendar is None or calendar.owner != email:
        raise GoogleError(404, "notFound", f"No calendar {name} for {email}")
    count = body.get("count", 1000)
    if not isinstance(count, int) or not 0 <= count <= MAX_GENERATE:
        raise GoogleError(400, "invalid", f"count must be 0..{MAX_GENERATE}", location="count")
    started = time.perf_counter()
    generator.generate(ctx.state.calendars, calendar, count, int(body.get("seed", 0)))
    notify.changed(ctx.state.calendars, calendar)
    elapsed = round(time.perf_counter() - started, 3)
    return json_response(
        {
            "calendar": calendar.id,
            "added": count,
            "total": len(calendar.events),
            "seconds": elapsed,
        },
        201,
    )


def put_event(ctx: Ctx) -> Response:
    """`{"email", "calendar": "primary", "event": {...}}`: an event of any type, as Google's
    own products make them (a `fromGmail` event too, which no API client can create)."""
    body = ctx.json()
    email = body.get("email") if isinstance(body, dict) else None
    if not isinstance(email, str) or email not in ctx.state.accounts:
        raise GoogleError(400, "invalid", "email must name an account", location="email")
    name = str(body.get("calendar", "primary"))
    calendar = ctx.state.calendars.calendars.get(email if name == "primary" else name)
    if calendar is None or calendar.owner != email:
        raise GoogleError(404, "notFound", f"No calendar {name} for {email}")
    event = eventdata.writable(body.get("event"))
    event_id = event.pop("id", None) or events.new_id()
    eventdata.check_id(event_id)
    eventdata.check(event)
    event_types.settle(event, calendar)
    made = changes.save(ctx, calendar, eventdata.complete({**event, "id": event_id}, calendar))
    return json_response(made, 201)


def set_meet(ctx: Ctx) -> Response:
    """`{"pending": true}`: Meet conferences answer `pending` and are created by the next call
    (Google's slow path); `false` (the default): `success` with the link at once."""
    body = ctx.json()
    pending = body.get("pending") if isinstance(body, dict) else None
    if not isinstance(pending, bool):
        raise GoogleError(400, "invalid", "pending must be true or false", location="pending")
    ctx.state.calendars.meet_pending = pending
    return json_response({"pending": pending})


def expire_sync_tokens(ctx: Ctx) -> Response:
    ctx.state.calendars.expire_sync_tokens()
    return json_response({"minSyncSeq": ctx.state.calendars.min_sync_seq})


ROUTES = [
    Route("/__emulator__/channels", ("GET",), "control.channels", channels),
    Route("/__emulator__/quota", ("POST",), "control.quota.set", set_quota),
    Route("/__emulator__/quota", ("GET",), "control.quota.get", get_quota),
    Route("/__emulator__/quota", ("DELETE",), "control.quota.clear", clear_quota),
    Route("/__emulator__/push-faults", ("POST",), "control.push_faults.set", set_push_faults),
    Route("/__emulator__/push-faults", ("GET",), "control.push_faults.get", get_push_faults),
    Route("/__emulator__/push-faults", ("DELETE",), "control.push_faults.clear", clear_push_faults),
    Route("/__emulator__/generate", ("POST",), "control.generate", generate),
    Route("/__emulator__/events", ("POST",), "control.events.put", put_event),
    Route("/__emulator__/meet", ("POST",), "control.meet", set_meet),
    Route(
        "/__emulator__/expire-sync-tokens",
        ("POST",),
        "control.expire_sync_tokens",
        expire_sync_tokens,
    ),
]
