"""calendarList.* and calendars.*: each account's calendar list and secondary calendars."""

from __future__ import annotations

import secrets
from typing import Any

from werkzeug.wrappers import Response

from google_emulator.calendar import (
    changes,
    colors,
    common,
    sharing,
    times,
    tokens,
    working_hours,
)
from google_emulator.context import Ctx
from google_emulator.errors import GoogleError
from google_emulator.state.calendar import Calendar, etag_for
from google_emulator.state.oauth import AccessToken

ROLES = ("freeBusyReader", "reader", "writer", "owner")
CONFERENCE = {"allowedConferenceSolutionTypes": ["hangoutsMeet"]}
NOTIFICATIONS = {
    "notifications": [
        {"type": t, "method": "email"}
        for t in ("eventCreation", "eventChange", "eventCancellation", "eventResponse")
    ]
}
CALENDAR_FIELDS = ("summary", "description", "location", "timeZone")
ENTRY_FIELDS = (
    "summaryOverride",
    "colorId",
    "backgroundColor",
    "foregroundColor",
    "hidden",
    "selected",
    "defaultReminders",
    "notificationSettings",
)


def calendar_resource(calendar: Calendar) -> dict[str, Any]:
    """The Calendar resource. From the Calendar v3 reference (Calendars resource, revision
    of November 2026): `dataOwner`, the owner's email, "set only for secondary calendars"
    (on calendarList entries too); `workingHours`, only on primary calendars of Google
    Workspace users, when set (see working_hours.py)."""
    body: dict[str, Any] = {
        "kind": "calendar#calendar",
        "etag": etag_for(calendar.seq),
        "id": calendar.id,
        "summary": calendar.summary,
    }
    if calendar.description:
        body["description"] = calendar.description
    if calendar.location:
        body["location"] = calendar.location
    body["timeZone"] = calendar.time_zone
    body["conferenceProperties"] = CONFERENCE
    if not calendar.primary and calendar.owner != calendar.id:  # a holiday one has no owner
        body["dataOwner"] = calendar.owner
    if calendar.primary and calendar.working_hours:
        body["workingHours"] = calendar.working_hours
    return body


def list_entry(ctx: Ctx, calendar: Calendar, email: str) -> dict[str, Any]:
    own = ctx.state.calendars.entries.get(email, {}).get(calendar.id, {})
    role = sharing.access_role(calendar, email)
    body = calendar_resource(calendar)
    body["kind"] = "calendar#calendarListEntry"
    body["etag"] = etag_for(calendar.seq + int(own.get("seq", 0)))
    body.pop("conferenceProperties")
    body.pop("workingHours", None)  # not a field of CalendarListEntry
    data_owner = body.pop("dataOwner", None)
    if own.get("summaryOverride"):
        body["summaryOverride"] = own["summaryOverride"]
    body.update(
        colorId=own.get("colorId", calendar.color_id),
        backgroundColor=own.get("backgroundColor", calendar.background_color),
        foregroundColor=own.get("foregroundColor", calendar.foreground_color),
    )
    if own.get("hidden"):
        body["hidden"] = True
    body["selected"] = own.get("selected", True)
    body["accessRole"] = role
    reminders = [{"method": "popup", "minutes": 10}] if calendar.primary else []
    body["defaultReminders"] = own.get("defaultReminders", reminders)
    if calendar.primary and calendar.owner == email:
        body["notificationSettings"] = own.get("notificationSettings", NOTIFICATIONS)
        body["primary"] = True
    body["conferenceProperties"] = CONFERENCE
    if data_owner:
        body["dataOwner"] = data_owner
    return body


def calendar_list(ctx: Ctx) -> Response:
    token = common.caller(ctx)
    role = common.arg(ctx, "minAccessRole")
    if role is not None and role not in ROLES:
        raise GoogleError(400, "invalid", f"Invalid value for: minAccessRole: {role}")
    size = common.int_arg(ctx, "maxResults", 100, 1, 250)
    show_hidden = common.bool_arg(ctx, "showHidden")
    store = ctx.state.calendars
    found = sorted(
        sharing.listed(store, token.email),
        key=lambda c: (not c.primary, c.owner != token.email, c.id),
    )
    own = store.entries.get(token.email, {})
    found = [c for c in found if show_hidden or not own.get(c.id, {}).get("hidden")]
    if role is not None:
        found = [
            c
            for c in found
            if sharing.rank(sharing.access_role(c, token.email)) >= sharing.rank(role)
        ]
    since = _since(ctx, token.email)
    if since is not None:
        found = [c for c in found if c.seq + int(own.get(c.id, {}).get("seq", 0)) > since]
    start = _offset(ctx)
    page = found[start : start + size]
    body: dict[str, Any] = {"kind": "calendar#calendarList", "etag": f'"p{len(found):x}"'}
    if start + size < len(found):
        body["nextPageToken"] = tokens.page_token((start + size, ""), 0)
    else:
        primary = store.calendars.get(token.email)
        if primary is not None:
            body["nextSyncToken"] = tokens.sync_token(store, primary, store.seq)
    body["items"] = [list_entry(ctx, c, token.email) for c in page]
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


def _listed_calendar(ctx: Ctx, token: AccessToken, calendar_id: str) -> Calendar:
    calendar = common.calendar_for(ctx, token, calendar_id, need="freeBusyReader")
    if calendar not in sharing.listed(ctx.state.calendars, token.email):
        raise GoogleError(404, "notFound", "Not Found")
    return calendar


def calendar_list_get(ctx: Ctx, calendar_id: str) -> Response:
    token = common.caller(ctx)
    calendar = _listed_calendar(ctx, token, calendar_id)
    return common.resource(list_entry(ctx, calendar, token.email))


def _entry_changes(ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
    """The list-entry fields of `body`, with colours checked (RGB needs colorRgbFormat)."""
    changes = {k: body[k] for k in ENTRY_FIELDS if k in body}
    if "colorId" in changes:
        found = colors.calendar_colour(str(changes["colorId"]))
        if found is None:
            raise GoogleError(400, "invalid", "Invalid color id.", location="colorId")
        changes.setdefault("backgroundColor", found[0])
        changes.setdefault("foregroundColor", found[1])
    rgb = {"backgroundColor", "foregroundColor"} & body.keys()
    if rgb and not common.bool_arg(ctx, "colorRgbFormat") and "colorId" not in body:
        raise GoogleError(
            400,
            "invalid",
            "Set colorRgbFormat=true to use RGB colors.",
            location="colorRgbFormat",
        )
    return changes


def _save_entry(
    ctx: Ctx, email: str, calendar: Calendar, changes: dict[str, Any], replace: bool
) -> Response:
    store = ctx.state.calendars
    own = sharing.entry(store, email, calendar.id)
    if replace:
        own.clear()
    own.update(changes)
    own["seq"] = store.next_seq()
    return common.resource(list_entry(ctx, calendar, email))


def calendar_list_insert(ctx: Ctx) -> Response:
    token = common.caller(ctx)
    body = common.json_object(ctx, "CalendarListEntry")
    if not isinstance(body.get("id"), str) or not body["id"]:
        raise GoogleError(400, "required", "Required", location="id")
    calendar = common.calendar_for(ctx, token, body["id"], need="freeBusyReader")
    sharing.add_to_list(ctx.state.calendars, token.email, calendar.id)
    return _save_entry(ctx, token.email, calendar, _entry_changes(ctx, body), replace=False)


def calendar_list_update(ctx: Ctx, calendar_id: str) -> Response:
    token = common.caller(ctx)
    calendar = _listed_calendar(ctx, token, calendar_id)
    changes = _entry_changes(ctx, common.json_object(ctx, "CalendarListEntry"))
    return _save_entry(ctx, token.email, calendar, changes, replace=ctx.request.method == "PUT")


def calendar_list_delete(ctx: Ctx, calendar_id: str) -> Response:
    token = common.caller(ctx)
    calendar = _listed_calendar(ctx, token, calendar_id)
    if calendar.primary and calendar.owner == token.email:
        raise GoogleError(400, "cannotRemovePrimaryCalendar", "Cannot remove primary calendar.")
    sharing.remove_from_list(ctx.state.calendars, token.email, calendar.id)
    ctx.state.calendars.next_seq()
    return common.empty()


def calendars_get(ctx: Ctx, calendar_id: str) -> Response:
    token = common.caller(ctx)
    return common.resource(calendar_resource(common.calendar_for(ctx, token, calendar_id)))


def _calendar_fields(body: dict[str, Any], *, partial: bool) -> dict[str, str]:
    fields = {k: body[k] for k in CALENDAR_FIELDS if k in body}
    for name, value in fields.items():
        if not isinstance(value, str):
            raise GoogleError(400, "invalid", f"Invalid value for: {name}", location=name)
    if not partial and not fields.get("summary"):
        raise GoogleError(400, "required", "Missing title.", location="summary")
    if "timeZone" in fields:
        times.require_zone(fields["timeZone"], "timeZone")
    return fields


def _apply(calendar: Calendar, fields: dict[str, str], *, replace: bool) -> None:
    if replace:
        calendar.description = calendar.location = ""
    calendar.summary = fields.get("summary", calendar.summary)
    calendar.description = fields.get("description", calendar.description)
    calendar.location = fields.get("location", calendar.location)
    calendar.time_zone = fields.get("timeZone", calendar.time_zone)


def calendars_insert(ctx: Ctx) -> Response:
    token = common.caller(ctx)
    fields = _calendar_fields(common.json_object(ctx, "Calendar"), partial=False)
    store = ctx.state.calendars
    primary = store.calendars.get(token.email)
    calendar = Calendar(
        id=f"c_{secrets.token_hex(26)}@group.calendar.google.com",
        owner=token.email,
        summary=fields["summary"],
        time_zone=primary.time_zone if primary else "UTC",
        seq=store.next_seq(),
        updated=times.now_ms(),
    )
    _apply(calendar, fields, replace=False)
    store.calendars[calendar.id] = calendar
    return common.resource(calendar_resource(calendar))


def calendars_update(ctx: Ctx, calendar_id: str) -> Response:
    token = common.caller(ctx)
    calendar = common.calendar_for(ctx, token, calendar_id, need="owner")
    replace = ctx.request.method == "PUT"
    body = common.json_object(ctx, "Calendar")
    _apply(calendar, _calendar_fields(body, partial=not replace), replace=replace)
    working_hours.apply(calendar, body.get("workingHours"))
    calendar.seq = ctx.state.calendars.next_seq()
    return common.resource(calendar_resource(calendar))


def calendars_delete(ctx: Ctx, calendar_id: str) -> Response:
    token = common.caller(ctx)
    calendar = common.calendar_for(ctx, token, calendar_id, need="owner")
    if calendar.primary:
        raise GoogleError(400, "cannotDeletePrimaryCalendar", "Cannot delete primary calendar.")
    store = ctx.state.calendars
    del store.calendars[calendar.id]
    for entries in store.entries.values():
        entries.pop(calendar.id, None)
    for channel_id in [k for k, c in store.channels.items() if c.calendar_id == calendar.id]:
        del store.channels[channel_id]
    store.next_seq()
    return common.empty()


def calendars_clear(ctx: Ctx, calendar_id: str) -> Response:
    token = common.caller(ctx)
    calendar = common.calendar_for(ctx, token, calendar_id, need="owner")
    if not calendar.primary:
        raise GoogleError(400, "invalid", "Only a primary calendar can be cleared.")
    for event in list(calendar.events.values()):
        if event.get("status") != "cancelled":
            changes.save(ctx, calendar, {**event, "status": "cancelled"})
    return common.empty()
