"""Calendar control endpoints under `/__emulator__/` (tests and benchmarks; not Google's)."""

from __future__ import annotations

import time

from werkzeug.wrappers import Response

from google_emulator.calendar import generate as generator
from google_emulator.calendar import push
from google_emulator.errors import GoogleError, json_response
from google_emulator.server import Ctx, Route

MAX_GENERATE = 200_000


def channels(ctx: Ctx) -> Response:
    found = [
        {**c.to_api(), "address": c.address, "calendarId": c.calendar_id, "owner": c.owner}
        for c in push.live(ctx.state.calendars)
    ]
    return json_response({"channels": found})


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
    push.changed(ctx.state.calendars, calendar)
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


def expire_sync_tokens(ctx: Ctx) -> Response:
    ctx.state.calendars.expire_sync_tokens()
    return json_response({"minSyncSeq": ctx.state.calendars.min_sync_seq})


ROUTES = [
    Route("/__emulator__/channels", ("GET",), "control.channels", channels),
    Route("/__emulator__/generate", ("POST",), "control.generate", generate),
    Route(
        "/__emulator__/expire-sync-tokens",
        ("POST",),
        "control.expire_sync_tokens",
        expire_sync_tokens,
    ),
]
