"""events.list and events.instances: pages of a calendar#events collection."""

from __future__ import annotations

import bisect
from typing import Any

from werkzeug.wrappers import Response

from google_emulator.calendar import common, query, recurrence, select, sharing, tokens
from google_emulator.context import Ctx
from google_emulator.errors import GoogleError
from google_emulator.state.calendar import Calendar

DEFAULT_REMINDERS = [{"method": "popup", "minutes": 10}]


def _head(calendar: Calendar, tz_name: str) -> dict[str, Any]:
    head: dict[str, Any] = {
        "kind": "calendar#events",
        "etag": f'"p{calendar.version:x}0"',
        "summary": calendar.summary,
    }
    if calendar.description:
        head["description"] = calendar.description
    head.update(
        updated=calendar.updated,
        timeZone=tz_name,
        accessRole="owner",
        defaultReminders=DEFAULT_REMINDERS if calendar.primary else [],
    )
    return head


def _page(ctx: Ctx, calendar: Calendar, wanted: query.Query, with_sync: bool) -> Response:
    store = ctx.state.calendars
    size = query.page_size(ctx)
    token = common.arg(ctx, "pageToken")
    after, snapshot = tokens.read_page_token(token) if token else (None, store.seq)
    found = select.rows(store.epoch, calendar, wanted)
    first = bisect.bisect_right(found.keys, after) if after is not None else 0
    last = min(first + size, len(found.keys))
    head = _head(calendar, wanted.tz_name)
    if ctx.token is not None:  # a calendar shared with the caller shows their role
        head["accessRole"] = sharing.access_role(calendar, ctx.token.email)
    if last < len(found.keys):
        head["nextPageToken"] = tokens.page_token(found.keys[last - 1], snapshot)
    elif with_sync:
        head["nextSyncToken"] = tokens.sync_token(store, calendar, snapshot)
    items = ",".join(found.texts[first:last])
    text = common.dumps(head)[:-1] + ',"items":[' + items + "]}"
    return common.raw_json(text, headers={"ETag": head["etag"]})


def events_list(ctx: Ctx, calendar_id: str) -> Response:
    token = common.caller(ctx)
    calendar = common.calendar_for(ctx, token, calendar_id)
    return _page(ctx, calendar, query.list_query(ctx, calendar), with_sync=True)


def events_instances(ctx: Ctx, calendar_id: str, event_id: str) -> Response:
    token = common.caller(ctx)
    calendar = common.calendar_for(ctx, token, calendar_id)
    master = calendar.events.get(event_id)
    if master is None:
        raise GoogleError(404, "notFound", "Not Found")
    if not master.get("recurrence"):
        raise GoogleError(400, "invalid", "The event is not a recurring event.", location="eventId")
    recurrence.check(master)
    return _page(ctx, calendar, query.instances_query(ctx, calendar, event_id), with_sync=False)
