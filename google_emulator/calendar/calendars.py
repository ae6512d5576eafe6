"""calendarList.list, calendarList.get and calendars.get."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from google_emulator.calendar import common, tokens
from google_emulator.calendar.models import Calendar, etag_for
from google_emulator.errors import GoogleError
from google_emulator.server import Ctx

ROLES = ("freeBusyReader", "reader", "writer", "owner")
CONFERENCE = {"allowedConferenceSolutionTypes": ["hangoutsMeet"]}
NOTIFICATIONS = {
    "notifications": [
        {"type": t, "method": "email"}
        for t in ("eventCreation", "eventChange", "eventCancellation", "eventResponse")
    ]
}


def calendar_resource(calendar: Calendar) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "calendar#calendar",
        "etag": etag_for(calendar.seq),
        "id": calendar.id,
        "summary": calendar.summary,
    }
    if calendar.description:
        body["description"] = calendar.description
    body["timeZone"] = calendar.time_zone
    body["conferenceProperties"] = CONFERENCE
    return body


def list_entry(calendar: Calendar) -> dict[str, Any]:
    body = calendar_resource(calendar)
    body["kind"] = "calendar#calendarListEntry"
    body.pop("conferenceProperties")
    body.update(
        colorId=calendar.color_id,
        backgroundColor=calendar.background_color,
        foregroundColor=calendar.foreground_color,
        selected=True,
        accessRole="owner",
        defaultReminders=[{"method": "popup", "minutes": 10}] if calendar.primary else [],
    )
    if calendar.primary:
        body["notificationSettings"] = NOTIFICATIONS
        body["primary"] = True
    body["conferenceProperties"] = CONFERENCE
    return body


def calendar_list(ctx: Ctx) -> Response:
    token = common.caller(ctx, common.LIST_READ)
    role = common.arg(ctx, "minAccessRole")
    if role is not None and role not in ROLES:
        raise GoogleError(400, "invalid", f"Invalid value for: minAccessRole: {role}")
    size = common.int_arg(ctx, "maxResults", 100, 1, 250)
    owned = sorted(ctx.state.calendars.owned_by(token.email), key=lambda c: (not c.primary, c.id))
    since = _since(ctx, token.email)
    if since is not None:
        owned = [c for c in owned if c.seq > since]
    start = _offset(ctx)
    page = owned[start : start + size]
    body: dict[str, Any] = {"kind": "calendar#calendarList", "etag": f'"p{len(owned):x}"'}
    if start + size < len(owned):
        body["nextPageToken"] = tokens.page_token((start + size, ""), 0)
    else:
        primary = ctx.state.calendars.calendars.get(token.email)
        if primary is not None:
            body["nextSyncToken"] = tokens.sync_token(
                ctx.state.calendars, primary, ctx.state.calendars.seq
            )
    body["items"] = [list_entry(c) for c in page]
    return common.resource(body)


def _offset(ctx: Ctx) -> int:
    token = common.arg(ctx, "pageToken")
    return tokens.read_page_token(token)[0][0] if token else 0


def _since(ctx: Ctx, email: str) -> int | None:
    token = common.arg(ctx, "syncToken")
    primary = ctx.state.calendars.calendars.get(email)
    if token is None or primary is None:
        return None
    return tokens.read_sync_token(token, ctx.state.calendars, primary)


def calendar_list_get(ctx: Ctx, calendar_id: str) -> Response:
    token = common.caller(ctx, common.LIST_READ)
    return common.resource(list_entry(common.calendar_for(ctx, token, calendar_id)))


def calendars_get(ctx: Ctx, calendar_id: str) -> Response:
    token = common.caller(ctx, common.CALENDAR_READ)
    return common.resource(calendar_resource(common.calendar_for(ctx, token, calendar_id)))
