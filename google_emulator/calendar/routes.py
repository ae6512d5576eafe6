"""Calendar v3 routes. (Minimal for now: events.list without filters.)"""

from __future__ import annotations

from werkzeug.wrappers import Response

from google_emulator.errors import GoogleError, json_response
from google_emulator.oauth import authenticate
from google_emulator.server import Ctx, Route


def events_list(ctx: Ctx, calendar_id: str) -> Response:
    token = authenticate(ctx)
    cal_id = token.email if calendar_id == "primary" else calendar_id
    calendar = ctx.state.calendars.calendars.get(cal_id)
    if calendar is None or calendar.owner != token.email:
        raise GoogleError(404, "notFound", "Not Found")
    items = list(calendar.events.values())
    max_results = int(ctx.request.args.get("maxResults", 250))
    offset = int(ctx.request.args.get("pageToken", 0) or 0)
    page = items[offset : offset + max_results]
    body = {
        "kind": "calendar#events",
        "summary": calendar.summary,
        "timeZone": calendar.time_zone,
        "items": page,
    }
    if offset + max_results < len(items):
        body["nextPageToken"] = str(offset + max_results)
    else:
        body["nextSyncToken"] = str(ctx.state.calendars.seq)
    return json_response(body)


ROUTES = [
    Route(
        "/calendar/v3/calendars/<calendar_id>/events", ("GET",), "calendar.events.list", events_list
    ),
]
