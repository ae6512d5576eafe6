"""Events: writes to Google first, then to the store (reads are in reads/events.py).

Writes carry the stored etag as If-Match, so a change made meanwhile at Google answers 412
(`precondition_failed`) instead of being overwritten. What Google returns is upserted into the
store at once, so a client reads its own writes before the next sync. An instance that was never
changed exists only as part of its series (nothing stored to compare with): it is written
without If-Match, and from then on it is an exception with its own stored etag.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

from django.http import Http404

from calendar_api.exceptions import ApiError
from calendar_api.google.client import GoogleClient
from calendar_api.google.errors import GoogleConflict, GoogleError, PreconditionFailed
from calendar_api.kits import recurrence
from calendar_api.kits.event_fields import event_time, zone
from calendar_api.kits.instance_rows import shown_id
from calendar_api.kits.recurrence import Window
from calendar_api.models import Calendar, Event
from calendar_api.reads.events import NotRecurring, Target
from calendar_api.reads.owned import event_row, series_rows
from calendar_api.services.event_rows import events_store
from calendar_api.services.tokens import google_for

NOT_COPIED_TO_SPLIT = {"id", "recurrence", "etag", "kind", "htmlLink", "created", "updated"}
NOT_COPIED_TO_SPLIT |= {"iCalUID", "creator", "organizer", "sequence", "hangoutLink"}


class InstanceCancelled(ApiError):
    code = "instance_cancelled"
    default_detail = (
        "This instance was cancelled: give its start and end to start the new series from it."
    )


def _google(calendar: Calendar) -> contextlib.AbstractContextManager[GoogleClient]:
    return google_for(calendar.account)


def _google_id(target: Target) -> str:
    """Google's id of the target; for an instance never seen from Google, asked of Google by
    its series and original start (events.instances), never built from them."""
    if target.google_id:
        return target.google_id
    calendar = target.calendar
    series_id = str(target.data.get("recurringEventId") or "")
    original = target.data.get("originalStartTime") or {}
    when = str(original.get("dateTime") or original.get("date") or "")
    with _google(calendar) as google:
        found = google.event_instance_at(calendar.google_id, series_id, when)
    if found is None or not found.get("id"):
        raise Http404("No such event at Google.")
    return str(found["id"])


# -- writes: Google first, then the store -----------------------------------------------------


def event_create(
    *, calendar: Calendar, body: dict[str, Any], send_updates: str | None = None
) -> tuple[dict[str, Any], bool]:
    """Insert at Google and store; returns (event, created). With a client-chosen `id`, a retry
    finds Google's 409 `duplicate` and returns the event that exists (created=False). Without
    one we choose the id (base32hex, as Google allows), so our own retries after a timeout or
    a 5xx can never create the event twice."""
    body = {**body, "id": body.get("id") or uuid.uuid4().hex}
    conference = "conferenceData" in body
    try:
        with _google(calendar) as google:
            event = google.event_insert(
                calendar.google_id, body, send_updates=send_updates, conference=conference
            )
        created = True
    except GoogleConflict:
        if not body.get("id"):
            raise
        with _google(calendar) as google:
            event = google.event_get(calendar.google_id, body["id"])
        if event.get("status") == "cancelled":
            raise GoogleConflict(
                "This id belonged to an event that was deleted; pick another."
            ) from None
        created = False
    events_store(calendar=calendar, items=[event])
    return event, created


@contextlib.contextmanager
def _guarded(target: Target, google_id: str) -> Iterator[GoogleClient]:
    """For a write guarded by the stored etag. When Google answers 412 (the event changed
    there since our last sync), Google's version is stored before the 412 goes on to the
    client, so that the client told to reload reads it at once (Google's error guide: on
    412, re-fetch, then re-apply)."""
    calendar = target.calendar
    with _google(calendar) as google:
        try:
            yield google
        except PreconditionFailed:
            with contextlib.suppress(GoogleError):
                current = google.event_get(calendar.google_id, google_id)
                events_store(calendar=calendar, items=[current])
            raise


def event_update(
    *,
    target: Target,
    body: dict[str, Any],
    partial: bool,
    send_updates: str | None = None,
) -> dict[str, Any]:
    """PUT (replace) or PATCH the event at Google, guarded by its stored etag; then store."""
    calendar = target.calendar
    google_id = _google_id(target)
    with _guarded(target, google_id) as google:
        event = google.event_update(
            calendar.google_id,
            google_id,
            body,
            etag=target.etag,
            partial=partial,
            send_updates=send_updates,
            conference="conferenceData" in body,
        )
    events_store(calendar=calendar, items=[event])
    series_id = event.get("recurringEventId")
    if series_id and event.get("visibility") != target.data.get("visibility"):
        _series_reread(calendar, str(series_id), skip=str(event.get("id")))
    return shown_id(event, calendar.time_zone)


def _series_reread(calendar: Calendar, series_id: str, *, skip: str) -> None:
    """Read the series and its stored exceptions again from Google, and store them: Google
    applies a visibility set on one instance to the whole series (since July 2026), so the
    master and every other exception changed at Google with that write. If Google fails
    here, the next sync brings the same."""
    exceptions = [
        row.google_id
        for row in series_rows(calendar=calendar, series_ids=[series_id])
        if row.google_id != skip and row.status != "cancelled"
    ]
    try:
        with _google(calendar) as google:
            items = [google.event_get(calendar.google_id, i) for i in [series_id, *exceptions]]
    except GoogleError:
        return
    events_store(calendar=calendar, items=items)


def event_delete(*, target: Target, send_updates: str | None = None) -> None:
    """Delete at Google (guarded by the stored etag), then store what Google now holds: the
    cancelled event, and for a series, its exceptions cancelled too."""
    calendar = target.calendar
    google_id = _google_id(target)
    with _guarded(target, google_id) as google:
        google.event_delete(
            calendar.google_id, google_id, etag=target.etag, send_updates=send_updates
        )
    _store_cancelled(target, google_id)


def _store_cancelled(target: Target, google_id: str) -> None:
    calendar = target.calendar
    try:
        with _google(calendar) as google:
            gone = google.event_get(calendar.google_id, google_id)
    except GoogleError:  # the next sync brings Google's version; the store is right meanwhile
        gone = {**target.data, "id": google_id, "status": "cancelled"}
    items = [gone]
    if target.data.get("recurrence"):
        exceptions = series_rows(calendar=calendar, series_ids=[google_id])
        items += [{**row.data, "status": "cancelled"} for row in exceptions]
    events_store(calendar=calendar, items=items)


# -- "this and following": split the series as Google Calendar's UI does ----------------------


def _split_point(target: Target) -> tuple[Event, dt.datetime]:
    """The series row of an instance and the instance's original start."""
    series_id = str(target.data.get("recurringEventId") or "")
    master = event_row(calendar=target.calendar, event_id=series_id) if series_id else None
    original = target.data.get("originalStartTime")
    if master is None or not original:
        raise NotRecurring("Only an instance of a recurring series can start 'this and following'.")
    tz = target.calendar.time_zone
    return master, recurrence.dtstart({"start": {**master.data["start"], **original}}, tz)


def _truncate(master: Event, calendar: Calendar, lines: list[str]) -> dict[str, Any]:
    with _google(calendar) as google:
        event = google.event_update(
            calendar.google_id,
            master.google_id,
            {"recurrence": lines},
            etag=master.etag,
            partial=True,
        )
    events_store(calendar=calendar, items=[event])
    return event


def _done_before(master: Event, calendar: Calendar, original: dt.datetime) -> int:
    found, _ = recurrence.occurrences(
        master.data, calendar.time_zone, Window(high=_utc(original, calendar))
    )
    return len(found)


def _utc(moment: dt.datetime, calendar: Calendar) -> dt.datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone(calendar.time_zone)).astimezone(dt.UTC)
    return moment.astimezone(dt.UTC)


def _new_series_body(
    target: Target, master: Event, body: dict[str, Any], partial: bool, done: int
) -> dict[str, Any]:
    result = {**_split_base(target, master, body), **body} if partial else dict(body)
    result.setdefault("recurrence", recurrence.remaining_lines(master.data["recurrence"], done))
    return result


def _split_base(target: Target, master: Event, body: dict[str, Any]) -> dict[str, Any]:
    """What a PATCH of "this and following" keeps: the series' fields at this instance's times.
    A cancelled instance keeps no times of its own, so the body must give them."""
    base = {k: v for k, v in master.data.items() if k not in NOT_COPIED_TO_SPLIT}
    base.pop("status", None)
    if "start" in target.data and "end" in target.data:
        base.update(start=target.data["start"], end=target.data["end"])
    elif not {"start", "end"} <= body.keys():
        raise InstanceCancelled()
    return base


def _cancel_following(calendar: Calendar, series_id: str, original: dt.datetime) -> None:
    """Exceptions of the old series from the split on: Google Calendar removes them too."""
    for row in series_rows(calendar=calendar, series_ids=[series_id]):
        if row.status == "cancelled":
            continue
        started = event_time(row.data.get("originalStartTime"), calendar.time_zone)[0]
        if started is not None and started >= _utc(original, calendar):
            with contextlib.suppress(GoogleError):
                event_delete(target=Target(calendar, row.data, row.etag, row.google_id))


def event_split(
    *, target: Target, body: dict[str, Any] | None, partial: bool, send_updates: str | None = None
) -> dict[str, Any] | None:
    """Change (or, with body None, delete) this instance and all following ones: end the old
    series with UNTIL just before it and start a new series there. From the first instance on,
    this is the whole series. Returns the new series (None for a delete)."""
    calendar = target.calendar
    master, original = _split_point(target)
    done = _done_before(master, calendar, original)
    if done == 0:
        whole = Target(calendar, master.data, master.etag, master.google_id)
        if body is None:
            event_delete(target=whole, send_updates=send_updates)
            return None
        return event_update(target=whole, body=body, partial=partial, send_updates=send_updates)
    old_lines = list(master.data["recurrence"])
    new_body = (
        _new_series_body(target, master, body or {}, partial, done) if body is not None else None
    )
    truncated = _truncate(master, calendar, recurrence.truncated_lines(old_lines, original))
    _cancel_following(calendar, master.google_id, original)
    if new_body is None:
        return None
    try:
        created, _ = event_create(calendar=calendar, body=new_body, send_updates=send_updates)
    except GoogleError:  # put the old series back as it was, then report the failure
        restored = Event(
            google_id=master.google_id, etag=str(truncated.get("etag", "")), data=truncated
        )
        with contextlib.suppress(GoogleError):
            _truncate(restored, calendar, old_lines)
        raise
    return created
