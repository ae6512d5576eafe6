"""conferenceData: a Meet conference asked for with `createRequest`.

Google's "Add video and phone conferences to events" guide
(https://developers.google.com/calendar/api/guides/create-events#conferencing) says creation
is asynchronous: the answer's `createRequest.status.statusCode` may be `pending`, and the
event is updated with its Meet link later. In practice Google answers `success` with
`hangoutLink` and `entryPoints` in the same response, which is what the emulator does; the
control API (`POST /__emulator__/meet {"pending": true}`) brings back the slow path, where the
write answers `pending` and the conference is created by the next call, so a client's
handling of `pending` stays tested. At conferenceDataVersion=0 (the default) Google ignores
conferenceData in the request and keeps what the event had.
"""

from __future__ import annotations

import hashlib
from typing import Any

from google_emulator.calendar import changes
from google_emulator.context import Ctx
from google_emulator.state.calendar import Calendar, CalendarStore, Event

MEET = "hangoutsMeet"
ICON = "https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png"
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def meet_code(seed: str) -> str:
    digest = hashlib.sha256(seed.encode()).digest()
    letters = "".join(LETTERS[b % 26] for b in digest[:10])
    return f"{letters[:3]}-{letters[3:7]}-{letters[7:]}"


def apply(body: dict[str, Any], current: Event | None, version: int) -> bool:
    """Settle `body["conferenceData"]` before a write; True when a conference is now pending."""
    asked = body.get("conferenceData")
    kept = (current or {}).get("conferenceData")
    if version < 1 or not isinstance(asked, dict):
        if kept is not None:
            body["conferenceData"] = kept
        else:
            body.pop("conferenceData", None)
        return False
    request = asked.get("createRequest")
    if not isinstance(request, dict):
        return False
    old = (kept or {}).get("createRequest") or {}
    if old.get("requestId") == request.get("requestId"):
        body["conferenceData"] = kept
        return False
    key = (request.get("conferenceSolutionKey") or {}).get("type")
    status = "pending" if key == MEET else "failure"
    body["conferenceData"] = {
        "createRequest": {
            "requestId": str(request.get("requestId", "")),
            "conferenceSolutionKey": {"type": key},
            "status": {"statusCode": status},
        }
    }
    return status == "pending"


def succeeded(event: Event) -> Event:
    """`event` with its pending Meet conference created."""
    data = dict(event["conferenceData"])
    request = dict(data["createRequest"])
    code = meet_code(f"{event['id']} {request.get('requestId', '')}")
    request["status"] = {"statusCode": "success"}
    data.update(
        createRequest=request,
        entryPoints=[
            {
                "entryPointType": "video",
                "uri": f"https://meet.google.com/{code}",
                "label": f"meet.google.com/{code}",
            }
        ],
        conferenceSolution={"key": {"type": MEET}, "name": "Google Meet", "iconUri": ICON},
        conferenceId=code,
    )
    return {**event, "conferenceData": data, "hangoutLink": f"https://meet.google.com/{code}"}


def pending(store: CalendarStore) -> list[tuple[Calendar, Event]]:
    """Events whose conference is still pending (and forget them)."""
    found = []
    for calendar_id, event_id in store.pending_conferences:
        calendar = store.calendars.get(calendar_id)
        event = calendar.events.get(event_id) if calendar else None
        status = ((event or {}).get("conferenceData") or {}).get("createRequest", {})
        if calendar and event and status.get("status", {}).get("statusCode") == "pending":
            found.append((calendar, event))
    store.pending_conferences.clear()
    return found


def complete_pending(ctx: Ctx) -> None:
    """Create the conferences still pending (Google does it moments after the write)."""
    if not ctx.state.calendars.pending_conferences:
        return
    for calendar, event in pending(ctx.state.calendars):
        changes.save(ctx, calendar, succeeded(event))
